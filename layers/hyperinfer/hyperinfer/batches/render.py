"""A stored batch as each API shows it: pure functions over the batch item (times kept in ms)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any


def rfc3339(ms: int | None) -> str | None:
    if ms is None:
        return None
    return datetime.fromtimestamp(ms / 1000, UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def _seconds(ms: int | None) -> int | None:
    return None if ms is None else ms // 1000


def message_batch(batch: dict[str, Any], base_url: str) -> dict[str, Any]:
    """The Message Batches object; ``base_url`` is where the client reached the gateway."""
    ended = batch["state"] == "ended"
    return {
        "id": batch["id"],
        "type": "message_batch",
        "processing_status": batch["state"],
        "request_counts": {
            name: int(batch.get(name, 0))
            for name in ("processing", "succeeded", "errored", "canceled", "expired")
        },
        "created_at": rfc3339(batch["created_ms"]),
        "expires_at": rfc3339(batch["expires_ms"]),
        "ended_at": rfc3339(batch.get("ended_ms")),
        "cancel_initiated_at": rfc3339(batch.get("cancel_ms")),
        "archived_at": None,
        "results_url": f"{base_url}/api/v1/messages/batches/{batch['id']}/results" if ended else None,
    }


def openai_status(batch: dict[str, Any]) -> str:
    state = batch["state"]
    if state == "failed":
        return "failed"
    if state == "canceling":
        return "cancelling"
    if state == "finalizing":
        return "finalizing"
    if state != "ended":
        return "in_progress"
    if batch.get("cancel_ms") is not None:
        return "cancelled"
    return "expired" if int(batch.get("expired", 0)) else "completed"


def openai_batch(batch: dict[str, Any]) -> dict[str, Any]:
    """The Batch object of the OpenAI Batch API. Canceled and expired requests count as failed:
    they are in the error file, as OpenAI writes them."""
    status = openai_status(batch)
    failed = sum(int(batch.get(name, 0)) for name in ("errored", "canceled", "expired"))
    ended_ms = batch.get("ended_ms")
    errors = batch.get("errors")
    return {
        "id": batch["id"],
        "object": "batch",
        "endpoint": batch["endpoint"],
        "errors": {"object": "list", "data": errors} if errors else None,
        "input_file_id": batch["input_file_id"],
        "completion_window": batch.get("completion_window", "24h"),
        "status": status,
        "output_file_id": batch.get("output_file_id"),
        "error_file_id": batch.get("error_file_id"),
        "created_at": _seconds(batch["created_ms"]),
        "in_progress_at": _seconds(batch["created_ms"]) if status != "failed" else None,
        "expires_at": _seconds(batch["expires_ms"]),
        "finalizing_at": _seconds(batch.get("finalizing_ms")),
        "completed_at": _seconds(ended_ms) if status == "completed" else None,
        "failed_at": _seconds(batch["created_ms"]) if status == "failed" else None,
        "expired_at": _seconds(ended_ms) if status == "expired" else None,
        "cancelling_at": _seconds(batch.get("cancel_ms")),
        "cancelled_at": _seconds(ended_ms) if status == "cancelled" else None,
        "request_counts": {
            "total": int(batch.get("total", 0)),
            "completed": int(batch.get("succeeded", 0)),
            "failed": failed,
        },
        "metadata": batch.get("metadata") or None,
    }


def file_object(record: dict[str, Any]) -> dict[str, Any]:
    return {
        "id": record["id"],
        "object": "file",
        "bytes": int(record["bytes"]),
        "created_at": int(record["created_at"]),
        "filename": record["filename"],
        "purpose": record["purpose"],
        "status": "processed",
        "expires_at": int(record["expires_at"]),
        "status_details": None,
    }


def anthropic_result(custom_id: str, result: dict[str, Any]) -> dict[str, Any]:
    """A results-file line: ``result`` is ``{type: succeeded, message} | {type: errored, error} |
    {type: canceled} | {type: expired}``."""
    return {"custom_id": custom_id, "result": result}


_NO_ANSWER = {
    "canceled": ("batch_cancelled", "The batch was cancelled before this request ran."),
    "expired": ("batch_expired", "The batch expired before this request ran."),
}


def openai_result_line(batch_id: str, index: int, custom_id: str, result: dict[str, Any]) -> dict[str, Any]:
    """An output- or error-file line of the OpenAI Batch API."""
    line_id = f"batch_req_{batch_id.removeprefix('batch_')}_{index:07d}"
    kind = result["type"]
    if kind in ("succeeded", "errored") and "body" in result:
        response = {
            "status_code": result["status_code"],
            "request_id": result.get("request_id"),
            "body": result["body"],
        }
        return {"id": line_id, "custom_id": custom_id, "response": response, "error": None}
    code, message = _NO_ANSWER.get(kind, ("batch_failed", "The request failed."))
    return {
        "id": line_id,
        "custom_id": custom_id,
        "response": None,
        "error": {"code": code, "message": message},
    }
