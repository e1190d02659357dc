"""The server tools as the model sees them: a function tool named exactly the tool's id, with the
JSON Schema of its arguments, and the pydantic model that validates what the model sends."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from hyperinfer.tools.image import SIZES
from hyperinfer.tools.web_search import DEFAULT_RESULTS, MAX_RESULTS

ToolId = Literal["web_search", "web_fetch", "pdf", "datetime", "image"]
TOOL_IDS: tuple[ToolId, ...] = ("web_search", "web_fetch", "pdf", "datetime", "image")
OFFERED: tuple[ToolId, ...] = ("web_search", "web_fetch", "datetime", "image")  # pdf is no function


class _Args(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class WebSearchArgs(_Args):
    query: str = Field(min_length=1, max_length=400)
    max_results: int = Field(default=DEFAULT_RESULTS, ge=1, le=MAX_RESULTS)


class WebFetchArgs(_Args):
    url: str = Field(min_length=1, max_length=4096)


class DatetimeArgs(_Args):
    timezone: str | None = Field(default=None, max_length=64)


class ImageArgs(_Args):
    prompt: str = Field(min_length=1, max_length=4000)
    size: Literal["1024x1024", "1024x1536", "1536x1024", "auto"] | None = None


ARGUMENTS: dict[str, type[_Args]] = {
    "web_search": WebSearchArgs,
    "web_fetch": WebFetchArgs,
    "datetime": DatetimeArgs,
    "image": ImageArgs,
}

DESCRIPTIONS = {
    "web_search": "Search the web. Returns a numbered list of results, each with title, URL and snippet.",
    "web_fetch": "Fetch one web page (http or https) and return its content as Markdown or text.",
    "datetime": "The current date and time in ISO 8601, in UTC or in the IANA time zone given.",
    "image": "Generate an image from a text prompt. The image is shown to the user after your answer.",
}

PARAMETERS: dict[str, dict[str, Any]] = {
    "web_search": {
        "type": "object",
        "properties": {
            "query": {"type": "string", "description": "What to search for."},
            "max_results": {"type": "integer", "minimum": 1, "maximum": MAX_RESULTS},
        },
        "required": ["query"],
        "additionalProperties": False,
    },
    "web_fetch": {
        "type": "object",
        "properties": {"url": {"type": "string", "description": "The http or https URL to fetch."}},
        "required": ["url"],
        "additionalProperties": False,
    },
    "datetime": {
        "type": "object",
        "properties": {
            "timezone": {
                "type": "string",
                "description": "An IANA time zone such as Europe/Paris; UTC if absent.",
            }
        },
        "additionalProperties": False,
    },
    "image": {
        "type": "object",
        "properties": {
            "prompt": {"type": "string", "description": "What the image shows."},
            "size": {"type": "string", "enum": list(SIZES)},
        },
        "required": ["prompt"],
        "additionalProperties": False,
    },
}
