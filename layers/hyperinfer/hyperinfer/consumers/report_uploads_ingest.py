"""The upload queue's consumer: S3 object-created events (one SQS message each) for uploaded JSONL
files; every line is validated and stored, bad lines reported beside the file (``reports.uploads``).

S3's ``s3:TestEvent`` (sent when the notification is configured) and events for objects that are not
uploads (the errors and status files) succeed without doing anything.
"""

from __future__ import annotations

import json
import logging
from typing import Any
from urllib.parse import unquote_plus

from aws_lambda_powertools.utilities.batch import BatchProcessor, EventType, process_partial_response
from aws_lambda_powertools.utilities.data_classes.sqs_event import SQSRecord

from hyperinfer.consumers import logged_failure
from hyperinfer.gateway.runtime import runtime
from hyperinfer.observability import context as observe
from hyperinfer.observability.handlers import observed_handler
from hyperinfer.reports.layout import parse_upload_key
from hyperinfer.reports.uploads import Uploads

log = logging.getLogger("hyperinfer")


def created_objects(body: str) -> list[tuple[str, str]]:
    """(bucket, key) of each object-created record in an S3 event notification (keys URL-decoded)."""
    event = json.loads(body)
    if not isinstance(event, dict):
        raise ValueError("an S3 event notification is a JSON object")
    found = []
    for record in event.get("Records") or []:  # absent in s3:TestEvent
        if record.get("eventSource") != "aws:s3" or not str(record.get("eventName", "")).startswith(
            "ObjectCreated:"
        ):
            continue
        s3 = record["s3"]
        found.append((s3["bucket"]["name"], unquote_plus(s3["object"]["key"])))
    return found


def _record_handler(record: SQSRecord) -> None:
    uploads = Uploads(runtime().settings)
    with logged_failure("upload event", record):
        for bucket, key in created_objects(record.body):
            parsed = parse_upload_key(key)
            observe.note_workspace(parsed[0] if parsed else None)
            status = uploads.ingest(bucket, key)
            if status is not None:
                log.info("upload ingested", extra={"key": key, **status})


@observed_handler("report_uploads_ingest")
def handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    processor = BatchProcessor(event_type=EventType.SQS, raise_on_entire_batch_failure=False)
    response = process_partial_response(
        event=event, record_handler=_record_handler, processor=processor, context=context
    )
    return dict(response)
