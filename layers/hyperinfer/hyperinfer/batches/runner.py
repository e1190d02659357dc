"""What the batch queue's consumer does with each message.

``expand``: one chunk of a batch's requests becomes request items and one ``run`` message each.
``run``: one request gets its outcome, exactly once. The request is claimed with a conditional
write (a lease, so a consumer that died leaves it claimable again); the upstream call is reserved
and settled as a live call is, and its settlement writes the outcome and the batch's counts in the
same transaction, conditioned on the claim: a redelivered or duplicated message finds the request
taken or done and never calls the upstream twice. A canceled or expired request gets its outcome
without a call. When no request is left processing, the batch ends (``finish``).
"""

from __future__ import annotations

import json
import logging
import secrets
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal

import anyio
from pydantic import BaseModel
from starlette.concurrency import run_in_threadpool

from hyperinfer.batches.render import anthropic_result, openai_result_line
from hyperinfer.batches.requests import BatchRequest
from hyperinfer.batches.store import CHUNK, ITEM_BODY_LIMIT, BatchStore, Outcome, chunk_object

if TYPE_CHECKING:
    from mypy_boto3_dynamodb.type_defs import TransactWriteItemTypeDef

log = logging.getLogger("hyperinfer")


class BatchMessage(BaseModel):
    kind: Literal["expand", "run"]
    workspace_id: str
    batch_id: str
    chunk: int = 0  # expand
    index: int = 0  # run


class Busy(Exception):
    """The workspace already runs as many batch requests as it may: try this message later."""


@dataclass(frozen=True, slots=True)
class Limits:
    lease_seconds: int
    workspace_slots: int
    slot_wait_seconds: float = 10.0


# Runs one request through the gateway and settles it; ``finish_items`` are the transaction items
# (outcome and counts) its settlement must commit together with the charge.
FinishItems = Callable[[Outcome, dict[str, Any]], list["TransactWriteItemTypeDef"]]
Execute = Callable[[dict[str, Any], BatchRequest, str, FinishItems], Awaitable[None]]


def chunk_lines(requests: list[BatchRequest]) -> list[bytes]:
    """The chunk files of a new batch: ``CHUNK`` requests each, one JSON line per request."""
    chunks = []
    for start in range(0, len(requests), CHUNK):
        lines = [
            json.dumps({"custom_id": r.custom_id, "ingress": r.ingress, "body": r.body}, ensure_ascii=False)
            for r in requests[start : start + CHUNK]
        ]
        chunks.append(("\n".join(lines) + "\n").encode())
    return chunks


def expand(store: BatchStore, message: BatchMessage, send: Callable[[list[BatchMessage]], None]) -> None:
    batch = store.get(message.workspace_id, message.batch_id)
    if batch is None:
        return  # deleted meanwhile
    data = store.get_object(chunk_object(message.workspace_id, message.batch_id, message.chunk))
    rows = []
    for offset, line in enumerate(data.splitlines()):
        request = json.loads(line)
        # The body is kept as its JSON text (DynamoDB numbers would refuse a temperature of 0.7);
        # one too large for an item stays in its chunk file, found again by its line.
        body = line.decode() if len(line) <= ITEM_BODY_LIMIT else None
        rows.append({
            "index": message.chunk * CHUNK + offset,
            "workspace_id": message.workspace_id,
            "custom_id": request["custom_id"],
            "ingress": request["ingress"],
            "body_json": body,
            "chunk": message.chunk,
        })  # fmt: skip
    store.put_requests(message.batch_id, message.workspace_id, rows, int(batch["retain_until"]))
    ws, batch_id = message.workspace_id, message.batch_id
    send([BatchMessage(kind="run", workspace_id=ws, batch_id=batch_id, index=row["index"]) for row in rows])


async def run(store: BatchStore, message: BatchMessage, limits: Limits, execute: Execute) -> None:
    ws, batch_id, index = message.workspace_id, message.batch_id, message.index
    if await _ended_without_call(store, message):
        return
    slot = await _slot(store, ws, limits)
    try:
        # Looked at again: a cancel may have come while this run waited for its slot.
        if await _ended_without_call(store, message):
            return
        token = secrets.token_hex(8)
        claimed = await run_in_threadpool(store.claim, batch_id, index, token, limits.lease_seconds)
        if claimed is None:
            return  # another run holds it, or it has its outcome: nothing to do
        batch = await run_in_threadpool(store.get, ws, batch_id)
        if batch is None:
            return
        request = await run_in_threadpool(_request_of, store, ws, batch_id, claimed)

        def finish_items(outcome: Outcome, result: dict[str, Any]) -> list[TransactWriteItemTypeDef]:
            stored = store.stored_result(ws, batch_id, index, result)
            return [
                store.outcome_item(batch_id, index, outcome, stored, claim=token),
                store.counts_item(ws, batch_id, outcome),
            ]

        # The request id of the call: the batch, the request and the attempt, so that a retried
        # claim is a new call with its own reservation and the old one is the sweep's to settle.
        request_id = f"{batch_id}-{index}-{int(claimed['attempts'])}"
        await execute(batch, request, request_id, finish_items)
    finally:
        await run_in_threadpool(store.release_slot, ws, slot)
    await finish(store, ws, batch_id)


def _request_of(store: BatchStore, workspace_id: str, batch_id: str, claimed: dict[str, Any]) -> BatchRequest:
    line = claimed.get("body_json")
    if line is None:  # too large for its item: read from the chunk file it came in
        lines = store.get_object(chunk_object(workspace_id, batch_id, int(claimed["chunk"]))).splitlines()
        line = lines[int(claimed["index"]) - int(claimed["chunk"]) * CHUNK].decode()
    return BatchRequest(claimed["custom_id"], claimed["ingress"], json.loads(line)["body"])


async def _ended_without_call(store: BatchStore, message: BatchMessage) -> bool:
    """True when the request needs no call: the batch is gone or over, or it is canceling or past
    its expiry (the request then gets that outcome, unless a run holds it)."""
    ws, batch_id, index = message.workspace_id, message.batch_id, message.index
    batch = await run_in_threadpool(store.get, ws, batch_id)
    if batch is None or batch["state"] in ("ended", "failed", "finalizing"):
        return True
    if batch["state"] != "canceling" and store.now_ms() < int(batch["expires_ms"]):
        return False
    outcome: Outcome = "canceled" if batch["state"] == "canceling" else "expired"
    items = [
        store.outcome_item(batch_id, index, outcome, {"type": outcome}, claim=None),
        store.counts_item(ws, batch_id, outcome),
    ]
    if await run_in_threadpool(store.transact, items):
        await finish(store, ws, batch_id)
    return True


async def _slot(store: BatchStore, workspace_id: str, limits: Limits) -> int:
    """A free slot of the workspace's batch concurrency, waited for a little (the records of one
    invocation usually share a workspace); Busy when none frees up in time."""
    waited, pause = 0.0, 0.05
    while True:
        slot = await run_in_threadpool(
            store.acquire_slot, workspace_id, limits.workspace_slots, limits.lease_seconds
        )
        if slot is not None:
            return slot
        if waited >= limits.slot_wait_seconds:
            raise Busy(f"workspace {workspace_id} has {limits.workspace_slots} batch requests running")
        await anyio.sleep(pause)
        waited, pause = waited + pause, min(pause * 2, 1.0)


async def finish(store: BatchStore, workspace_id: str, batch_id: str) -> None:
    await run_in_threadpool(_finish, store, workspace_id, batch_id)


def _finish(store: BatchStore, workspace_id: str, batch_id: str) -> None:
    """End the batch once nothing is processing: an OpenAI batch writes its output and error files
    first (``finalizing``). Idempotent: every consumer that sees the last outcome may call it."""
    batch = store.get(workspace_id, batch_id)
    if batch is None or int(batch["processing"]) > 0 or batch["state"] in ("ended", "failed"):
        return
    not_ended = ("#state <> :ended", {":ended": "ended"})
    changes: dict[str, Any] = {"state": "ended", "ended_ms": store.now_ms()}
    if batch["api"] == "openai":
        store.update(
            workspace_id, batch_id, {"state": "finalizing", "finalizing_ms": store.now_ms()}, *not_ended
        )
        changes |= write_openai_files(store, batch)
    else:
        write_anthropic_results(store, batch)
    store.update(workspace_id, batch_id, changes, *not_ended)


def results_object(workspace_id: str, batch_id: str) -> str:
    return f"batches/{workspace_id}/{batch_id}/results.jsonl"


def write_anthropic_results(store: BatchStore, batch: dict[str, Any]) -> None:
    lines = []
    for request in store.requests(batch["id"]):
        result = store.result_of(request)
        lines.append(
            json.dumps(anthropic_result(request["custom_id"], _anthropic(result)), ensure_ascii=False)
        )
    store.put_object(results_object(batch["workspace_id"], batch["id"]), ("\n".join(lines) + "\n").encode())


def _anthropic(result: dict[str, Any]) -> dict[str, Any]:
    kind = result.get("type")
    if kind == "succeeded":
        return {"type": "succeeded", "message": result["body"]}
    if kind == "errored":
        return {"type": "errored", "error": result["body"]}
    return {"type": kind}


def write_openai_files(store: BatchStore, batch: dict[str, Any]) -> dict[str, Any]:
    """The output file (answers) and the error file (refusals, errors, canceled, expired)."""
    outputs: list[str] = []
    errors: list[str] = []
    for request in store.requests(batch["id"]):
        result = store.result_of(request)
        line = json.dumps(
            openai_result_line(batch["id"], request["index"], request["custom_id"], result),
            ensure_ascii=False,
        )
        (outputs if result.get("type") == "succeeded" else errors).append(line)
    ids: dict[str, Any] = {}
    for name, lines in (("output_file_id", outputs), ("error_file_id", errors)):
        if not lines:
            continue
        file_id = f"file-{batch['id'].removeprefix('batch_')}{'o' if name == 'output_file_id' else 'e'}"
        data = ("\n".join(lines) + "\n").encode()
        record = {
            "id": file_id,
            "filename": f"{batch['id']}_{name.removesuffix('_file_id')}.jsonl",
            "bytes": len(data),
            "purpose": "batch_output",
            "created_at": store.now_ms() // 1000,
            "workspace_id": batch["workspace_id"],
            "expires_at": int(batch["retain_until"]),
        }
        store.put_file(batch["workspace_id"], record, data)
        ids[name] = file_id
    return ids
