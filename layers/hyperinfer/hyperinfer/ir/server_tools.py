"""Server-tool runs the gateway made within one request, in a neutral shape each format renders in
its own idiom (Responses ``web_search_call`` items, Anthropic ``server_tool_use`` blocks ...)."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field


class ServerToolRun(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    id: str  # the model's tool-call id
    name: str  # web_search, web_fetch, datetime, image
    input: dict[str, Any]
    is_error: bool = False
    text: str = ""  # what the model read
    detail: dict[str, Any] = Field(default_factory=dict)  # query, url, results (title and url)
