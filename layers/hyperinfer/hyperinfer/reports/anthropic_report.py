"""The body of POST /api/v1/report-anthropic (see ``reports.models``), in its own module: its
Anthropic request and Message models are loaded only by a function that validates one."""

from __future__ import annotations

from typing import ClassVar

from pydantic import Field

from hyperinfer.formats.anthropic_messages.request import MessagesRequest
from hyperinfer.reports.anthropic_message import AnthropicMessage
from hyperinfer.reports.message import ReportFormat
from hyperinfer.reports.models import _Report


class AnthropicReport(_Report):
    """POST /api/v1/report-anthropic: the log of an Anthropic call made elsewhere."""

    format: ClassVar[ReportFormat] = "anthropic"

    req_payload: MessagesRequest | None = Field(
        default=None, alias="reqPayload", description="The Anthropic Messages request."
    )
    resp_payload: AnthropicMessage | None = Field(
        default=None, alias="respPayload", description="The Anthropic Message returned."
    )
    metadata: dict[str, str] | None = Field(
        default=None, description="Tags to filter reports by; wins over `tags` on a shared key."
    )

    def current_metadata(self) -> dict[str, str]:
        return dict(self.metadata or {})
