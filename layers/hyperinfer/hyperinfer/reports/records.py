"""Stored reports in DynamoDB: one item per report, keyed by workspace and time, written once.

Item: pk ``RPT#<ws>``, sk ``<received_at ms, 13 digits>#<report_id>``. The put is conditional on the
item not existing, so a redelivered message (or a client's retry with the same Idempotency-Key,
which yields the same report id and time) is a no-op. Payloads too large for a DynamoDB item (400 KB)
live in S3 and the item keeps their key.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from hyperinfer.reports.message import Origin, ReportFormat

ITEM_BODY_LIMIT = 350_000  # bytes of payload kept inline; DynamoDB's item limit is 400 KB


class ReportRecord(BaseModel):
    model_config = ConfigDict(frozen=True)

    report_id: str
    workspace_id: str
    key_id: str
    format: ReportFormat
    origin: Origin
    received_at: int  # when the gateway received the report (Unix ms)
    requested_at: int | None = None  # the client's requestedAt: when it sent the logged call
    responded_at: int | None = None  # the client's receivedAt: when the logged call's answer came
    status_code: int | None = None
    error_message: str | None = None
    metadata: dict[str, str] = Field(default_factory=dict)
    req_payload: Any = None  # JSON values as sent (objects, or strings for JSON-encoded payloads)
    resp_payload: Any = None
    body_s3_key: str | None = None  # set instead of the payloads when they were too large
    upload_id: str | None = None


def record_key(workspace_id: str, received_at: int, report_id: str) -> tuple[str, str]:
    return f"RPT#{workspace_id}", f"{received_at:013d}#{report_id}"
