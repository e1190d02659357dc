"""Helpers for the storage tests: isolated AWS resources in the session's emulator, and records."""

from __future__ import annotations

import re
import secrets
from typing import Any

from hyperinfer.local.emulator import Emulator, ensure_resources
from hyperinfer.reports.records import ReportRecord
from hyperinfer.settings import Settings

T0 = 1_795_309_600_000  # a Unix ms instant the tests count from


def isolated_settings(emulator: Emulator, name: str) -> Settings:
    """A table, bucket and queues (with DLQs) of their own, so tests never see each other's data."""
    slug = re.sub(r"[^a-z0-9-]", "-", name.lower())[:40] + "-" + secrets.token_hex(3)
    settings = Settings(
        aws_endpoint_url=emulator.endpoint_url,
        table_name=f"t-{slug}",
        report_bucket_name=f"b-{slug}",
        report_queue_name=f"q-{slug}",
        upload_queue_name=f"u-{slug}",
        batch_queue_name=f"bq-{slug}",
    )
    ensure_resources(settings)
    return settings


def record(**fields: Any) -> ReportRecord:
    values: dict[str, Any] = {
        "report_id": secrets.token_hex(16),
        "workspace_id": "ws_a",
        "key_id": "key_a",
        "format": "openai",
        "origin": "api",
        "received_at": T0,
        "status_code": 200,
        "metadata": {"prompt_id": "count"},
        "req_payload": {"model": "gpt-4.1-mini", "messages": [{"role": "user", "content": "hi"}]},
        "resp_payload": {"id": "chatcmpl-1", "choices": []},
    }
    return ReportRecord(**{**values, **fields})
