"""Creating, reading, canceling and deleting batches, for the endpoints of both APIs.

Creating a batch writes its requests to S3 in chunks, then the batch item, then one ``expand``
message per chunk; if the queue refuses, the batch item is deleted again, so a batch either runs or
was never there. Everything is scoped to the caller's workspace: another's id is not found.
"""

from __future__ import annotations

import time
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from hyperinfer import aws
from hyperinfer.accounts.keys import ApiKey
from hyperinfer.batches import ids
from hyperinfer.batches.requests import BatchRequest, LineProblem
from hyperinfer.batches.runner import BatchMessage, chunk_lines
from hyperinfer.batches.store import CHUNK, RETENTION_SECONDS, BatchStore, chunk_object
from hyperinfer.errors import ErrorCode, GatewayError
from hyperinfer.settings import Settings

if TYPE_CHECKING:
    from mypy_boto3_sqs.type_defs import SendMessageBatchRequestEntryTypeDef

SQS_BATCH = 10  # SendMessageBatch's most entries


def store_for(settings: Settings) -> BatchStore:
    return BatchStore(
        aws.dynamodb(settings), settings.table_name, aws.s3(settings), settings.report_bucket_name
    )


def send(settings: Settings, messages: Iterable[BatchMessage]) -> None:
    from hyperinfer.reports.queue import queue_url

    sqs = aws.sqs(settings)
    url = queue_url(settings, settings.batch_queue_name)
    pending = [m.model_dump_json() for m in messages]
    for start in range(0, len(pending), SQS_BATCH):
        entries: list[SendMessageBatchRequestEntryTypeDef] = [
            {"Id": str(n), "MessageBody": body} for n, body in enumerate(pending[start : start + SQS_BATCH])
        ]
        answer = sqs.send_message_batch(QueueUrl=url, Entries=entries)
        if answer.get("Failed"):
            raise GatewayError(
                ErrorCode.INTERNAL_ERROR, "The batch queue refused a message; send the batch again."
            )


def not_found(batch_id: str) -> GatewayError:
    return GatewayError(ErrorCode.NOT_FOUND, f"No batch {batch_id!r} in this workspace.")


def create(
    settings: Settings,
    api_key: ApiKey,
    requests: list[BatchRequest],
    *,
    api: str,
    batch_id: str,
    extra: dict[str, Any] | None = None,
) -> dict[str, Any]:
    store = store_for(settings)
    now = time.time()
    ws = api_key.workspace_id
    for chunk, data in enumerate(chunk_lines(requests)):
        store.put_object(chunk_object(ws, batch_id, chunk), data)
    retain_until = int(now) + RETENTION_SECONDS
    batch: dict[str, Any] = {
        "id": batch_id,
        "api": api,
        "workspace_id": ws,
        "key_id": api_key.key_id,
        "key_hash": api_key.key_hash,
        "state": "in_progress",
        "total": len(requests),
        "processing": len(requests),
        **{name: 0 for name in ("succeeded", "errored", "canceled", "expired")},
        "created_ms": int(now * 1000),
        "expires_ms": int((now + settings.batch_expiry_seconds) * 1000),
        "retain_until": retain_until,
        "expires_at": retain_until,  # the table's TTL
        **(extra or {}),
    }
    store.create(batch)
    chunks = -(-len(requests) // CHUNK)
    try:
        send(
            settings,
            (BatchMessage(kind="expand", workspace_id=ws, batch_id=batch_id, chunk=c) for c in range(chunks)),
        )
    except Exception:
        store.db.delete_item(TableName=store.table, Key={"pk": {"S": f"BATCH#{ws}"}, "sk": {"S": batch_id}})
        raise
    return batch


def failed_openai_batch(
    settings: Settings, api_key: ApiKey, problems: list[LineProblem], extra: dict[str, Any]
) -> dict[str, Any]:
    """An OpenAI batch whose input file did not validate: stored as ``failed`` with its errors, as
    the OpenAI Batch API reports it (nothing runs, nothing is charged)."""
    now = time.time()
    batch_id = ids.openai_batch_id(now)
    retain_until = int(now) + RETENTION_SECONDS
    batch = {
        "id": batch_id,
        "api": "openai",
        "workspace_id": api_key.workspace_id,
        "key_id": api_key.key_id,
        "key_hash": api_key.key_hash,
        "state": "failed",
        "total": 0,
        "processing": 0,
        "created_ms": int(now * 1000),
        "expires_ms": int((now + settings.batch_expiry_seconds) * 1000),
        "retain_until": retain_until,
        "expires_at": retain_until,
        "errors": [
            {
                "code": "invalid_request",
                "message": p.message,
                "param": p.param or None,
                "line": p.line or None,
            }
            for p in problems
        ],
        **extra,
    }
    store_for(settings).create(batch)
    return batch


def get(settings: Settings, api_key: ApiKey, batch_id: str, prefix: str) -> dict[str, Any]:
    batch = store_for(settings).get(api_key.workspace_id, batch_id) if batch_id.startswith(prefix) else None
    if batch is None:
        raise not_found(batch_id)
    return batch


def cancel(settings: Settings, api_key: ApiKey, batch_id: str, prefix: str) -> dict[str, Any]:
    """Requests not yet started are canceled as the consumer reaches them; running ones finish."""
    store = store_for(settings)
    batch = get(settings, api_key, batch_id, prefix)
    if batch["state"] == "in_progress":
        store.update(
            api_key.workspace_id,
            batch_id,
            {"state": "canceling", "cancel_ms": store.now_ms()},
            "#state = :running",
            {":running": "in_progress"},
        )
    return get(settings, api_key, batch_id, prefix)


def delete(settings: Settings, api_key: ApiKey, batch_id: str, prefix: str) -> None:
    batch = get(settings, api_key, batch_id, prefix)
    if batch["state"] not in ("ended", "failed"):
        raise GatewayError(
            ErrorCode.INVALID_REQUEST,
            f"Batch {batch_id!r} is still {batch['state']}: cancel it, and delete it once it has ended.",
        )
    store_for(settings).delete(api_key.workspace_id, batch_id)
