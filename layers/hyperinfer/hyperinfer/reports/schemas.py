"""Response shapes of the reading and upload endpoints (GET /api/v1/reports, POST and GET
/api/v1/report-uploads): the endpoints build their bodies through these, and the OpenAPI document
can reference them."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from hyperinfer.reports.message import Origin, ReportFormat


class _Schema(BaseModel):
    model_config = ConfigDict(extra="forbid")


class StoredReport(_Schema):
    """A stored report as readers see it (``ReportRecord`` without where its body is kept)."""

    report_id: str
    workspace_id: str
    key_id: str
    format: ReportFormat
    origin: Origin
    received_at: int = Field(description="Unix ms, when the gateway accepted the report.")
    requested_at: int | None = Field(default=None, description="Unix ms: the client's `requestedAt`.")
    responded_at: int | None = Field(default=None, description="Unix ms: the client's `receivedAt`.")
    status_code: int | None = None
    error_message: str | None = None
    metadata: dict[str, str] = Field(description="`metadata`, `reqPayload.metadata` and `tags`, merged.")
    req_payload: Any = Field(default=None, description="As sent: an object, or a JSON-encoded string.")
    resp_payload: Any = Field(default=None, description="As sent: an object, or a JSON-encoded string.")
    upload_id: str | None = Field(default=None, description="Set for reports that came from an upload.")


class ReportPage(_Schema):
    data: list[StoredReport] = Field(description="Oldest first.")
    next_cursor: str | None = Field(description="Pass as `cursor` for the next page; null on the last.")


class ReportUploadGrant(_Schema):
    upload_id: str
    url: str = Field(description="POST the file here as multipart/form-data.")
    fields: dict[str, str] = Field(description="Form fields to send first, unchanged; the file goes last.")
    expires_at: int = Field(description="Unix ms; the POST is refused after this (15 minutes).")
    max_bytes: int = Field(description="Largest file accepted.")


class UploadLineError(_Schema):
    line: int = Field(description="1-based line number in the uploaded file.")
    reason: str
    field: str | None = Field(description="The field at fault, when one is.")


class ReportUploadStatus(_Schema):
    upload_id: str
    state: Literal["pending", "done", "failed"]
    lines: int | None = Field(default=None, description="Non-blank lines read.")
    stored: int | None = None
    rejected: int | None = None
    reason: str | None = Field(default=None, description="Why a `failed` file was refused as a whole.")
    errors: list[UploadLineError] | None = Field(default=None, description="The first 1,000 bad lines.")
    errors_truncated: bool | None = None
