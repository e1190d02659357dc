"""The batch queue's consumer: expands a batch's chunks and runs its requests, exactly once each.

Records of one invocation run concurrently (they wait on providers, not on the CPU). A record whose
workspace has no free batch slot fails alone and comes back after the queue's visibility timeout;
one that keeps failing lands in the DLQ after the queue's maxReceiveCount.
"""

from __future__ import annotations

from typing import Any

from aws_lambda_powertools.utilities.batch import (
    AsyncBatchProcessor,
    EventType,
    async_process_partial_response,
)
from aws_lambda_powertools.utilities.data_classes.sqs_event import SQSRecord

from hyperinfer.consumers import logged_failure
from hyperinfer.observability import context as observe
from hyperinfer.observability.handlers import observed_handler


async def _record_handler(record: SQSRecord) -> None:
    from hyperinfer.batches.execute import handle_message

    observe.note_workspace(None)
    with logged_failure("batch message", record):
        await handle_message(record.body)


@observed_handler("batch_run")
def handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    # Powertools runs the records' coroutines together on the container's event loop, kept across
    # invocations (so the pooled provider connections are too).
    processor = AsyncBatchProcessor(event_type=EventType.SQS, raise_on_entire_batch_failure=False)
    response = async_process_partial_response(
        event=event, record_handler=_record_handler, processor=processor, context=context
    )
    return dict(response)
