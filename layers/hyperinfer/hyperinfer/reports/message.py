"""The SQS message between the report API and the consumer: the report itself, or a pointer to it
in S3 when it is larger than a queue message may be."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict

ReportFormat = Literal["openai", "anthropic"]
Origin = Literal["api", "upload"]


class ReportMessage(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    v: Literal[1] = 1
    report_id: str  # idempotency: redelivery and client retries store one record
    workspace_id: str
    key_id: str
    format: ReportFormat
    origin: Origin = "api"
    received_at: int  # Unix ms, set once by the API: part of the record's key, so stable on redelivery
    report: dict[str, Any] | None = None  # the validated body, as the client sent it
    s3_key: str | None = None  # ... or where it was put when too large for SQS

    def is_pointer(self) -> bool:
        return self.report is None
