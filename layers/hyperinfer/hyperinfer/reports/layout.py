"""Where report data lives in the report bucket: one place for the code, the emulator and infra/.

- ``inbound/<ws>/<report_id>.json``: a report too large for an SQS message (the message points here)
- ``bodies/<ws>/<report_id>.json``: payloads too large for a DynamoDB item (the item points here)
- ``uploads/<ws>/<upload_id>.jsonl``: an uploaded file; its object-created event starts ingestion
- ``uploads/<ws>/<upload_id>.errors.jsonl`` and ``.status.json``: what ingestion made of it
"""

from __future__ import annotations

import re

UPLOAD_PREFIX = "uploads/"
UPLOAD_SUFFIX = ".jsonl"  # with the prefix, the filter of the bucket's notification to the upload queue
INBOUND_PREFIX = "inbound/"
_UPLOAD_KEY = re.compile(r"uploads/(?P<ws>[^/]+)/(?P<id>[0-9a-f]{32})\.jsonl")


def inbound_key(workspace_id: str, report_id: str) -> str:
    return f"{INBOUND_PREFIX}{workspace_id}/{report_id}.json"


def body_key(workspace_id: str, report_id: str) -> str:
    return f"bodies/{workspace_id}/{report_id}.json"


def upload_key(workspace_id: str, upload_id: str) -> str:
    return f"{UPLOAD_PREFIX}{workspace_id}/{upload_id}{UPLOAD_SUFFIX}"


def errors_key(workspace_id: str, upload_id: str) -> str:
    return f"{UPLOAD_PREFIX}{workspace_id}/{upload_id}.errors.jsonl"


def status_key(workspace_id: str, upload_id: str) -> str:
    return f"{UPLOAD_PREFIX}{workspace_id}/{upload_id}.status.json"


def parse_upload_key(s3_key: str) -> tuple[str, str] | None:
    """(workspace id, upload id) of an uploaded file's key; None for any other object."""
    found = _UPLOAD_KEY.fullmatch(s3_key)
    return (found["ws"], found["id"]) if found else None
