"""One batch queue message, dispatched: expand a chunk, or run one request through the gateway."""

from __future__ import annotations

import random
from typing import Any

from starlette.concurrency import run_in_threadpool

from hyperinfer import aws
from hyperinfer.batches import runner, service
from hyperinfer.batches.requests import INGRESS_BY_NAME, BatchRequest
from hyperinfer.batches.runner import BatchMessage, Busy, FinishItems, Limits
from hyperinfer.gateway.runtime import runtime
from hyperinfer.observability import context as observe

RETRY_DELAY_SECONDS = (5, 30)  # a message whose workspace is busy comes back after this long


async def handle_message(body: str) -> None:
    rt = runtime()
    settings = rt.settings
    message = BatchMessage.model_validate_json(body)
    observe.note_workspace(message.workspace_id)
    store = service.store_for(settings)
    if message.kind == "expand":
        await run_in_threadpool(runner.expand, store, message, lambda out: service.send(settings, out))
        return
    limits = Limits(settings.batch_lease_seconds, settings.batch_workspace_concurrency)
    try:
        await runner.run(store, message, limits, run_request)
    except Busy:
        # Sent again with a delay rather than failed: a failed delivery counts towards the DLQ,
        # and a busy workspace is no fault of the message. A duplicate is harmless (the claim).
        await run_in_threadpool(_later, body)


def _later(body: str) -> None:
    from hyperinfer.reports.queue import queue_url

    settings = runtime().settings
    aws.sqs(settings).send_message(
        QueueUrl=queue_url(settings, settings.batch_queue_name),
        MessageBody=body,
        DelaySeconds=random.randint(*RETRY_DELAY_SECONDS),  # noqa: S311 - load spread
    )


async def run_request(
    batch: dict[str, Any], request: BatchRequest, request_id: str, finish_items: FinishItems
) -> None:
    """The request through the live endpoints' translation, provider and billing code, unstreamed,
    its outcome committed with its settlement (``finish_items``)."""
    from hyperinfer.gateway.batch_call import BatchCall

    call = BatchCall(runtime(), INGRESS_BY_NAME[request.ingress], batch, request_id, finish_items)
    await call.run(request.body)
