"""The report queue's consumer: each message becomes one stored report, once.

A message is re-validated here (the API validated it, but a queue can hold anything that was put on
it); one that cannot be parsed or validated fails alone and, after the queue's maxReceiveCount, lands
in the DLQ. Storage is idempotent on the report id, so redelivery never duplicates.
"""

from __future__ import annotations

from typing import Any

from aws_lambda_powertools.utilities.batch import BatchProcessor, EventType, process_partial_response
from aws_lambda_powertools.utilities.data_classes.sqs_event import SQSRecord

from hyperinfer.consumers import logged_failure
from hyperinfer.gateway.runtime import runtime
from hyperinfer.observability import context as observe
from hyperinfer.observability.handlers import observed_handler
from hyperinfer.reports.message import ReportMessage
from hyperinfer.reports.models import to_record, validate_report
from hyperinfer.reports.queue import load_report
from hyperinfer.reports.store import ReportStore


def store_message(body: str) -> bool:
    """Store the report a queue message carries; True if new, False if it was stored before."""
    settings = runtime().settings
    message = ReportMessage.model_validate_json(body)
    observe.note_workspace(message.workspace_id)
    report = validate_report(message.format, load_report(settings, message))
    record = to_record(
        report,
        fmt=message.format,
        report_id=message.report_id,
        workspace_id=message.workspace_id,
        key_id=message.key_id,
        origin=message.origin,
        received_at=message.received_at,
    )
    return ReportStore.from_settings(settings).put(record)


def _record_handler(record: SQSRecord) -> None:
    observe.note_workspace(None)  # each record names its own
    with logged_failure("report message", record):
        store_message(record.body)


@observed_handler("report_ingest")
def handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    # A processor per invocation: it keeps per-batch state, and in-process callers may overlap.
    # With every record failed it still answers (all of them listed) instead of raising.
    processor = BatchProcessor(event_type=EventType.SQS, raise_on_entire_batch_failure=False)
    response = process_partial_response(
        event=event, record_handler=_record_handler, processor=processor, context=context
    )
    return dict(response)
