"""Putting a report on the report queue: the message itself, or a pointer to S3 when too large.

SQS limits the whole message body to 256 KiB, so a report whose message would exceed it is put to
S3 (``inbound/<ws>/<report_id>.json``) first and the message carries only its key. The consumer
re-inflates pointers before storing (``load_report``).
"""

from __future__ import annotations

import json
from typing import Any

from hyperinfer import aws
from hyperinfer.reports.layout import inbound_key
from hyperinfer.reports.message import ReportMessage
from hyperinfer.settings import Settings

SQS_MESSAGE_LIMIT = 256 * 1024  # bytes: SQS's cap on one message body


def message_body(message: ReportMessage) -> str:
    return message.model_dump_json(exclude_none=True)


def queue_url(settings: Settings, queue_name: str) -> str:
    """The URL of ``queue_name``, looked up once per container (it never changes for a name)."""
    cache_key = (queue_name, settings.aws_region, settings.aws_endpoint_url)
    url = _URLS.get(cache_key)
    if url is None:
        url = aws.sqs(settings).get_queue_url(QueueName=queue_name)["QueueUrl"]
        _URLS[cache_key] = url
    return url


_URLS: dict[tuple[str, str, str | None], str] = {}


def enqueue(settings: Settings, message: ReportMessage) -> None:
    """Send ``message`` to the report queue; returns once SQS (and S3, if used) has accepted it."""
    body = message_body(message)
    if len(body.encode()) > SQS_MESSAGE_LIMIT:
        key = inbound_key(message.workspace_id, message.report_id)
        aws.s3(settings).put_object(
            Bucket=settings.report_bucket_name,
            Key=key,
            Body=json.dumps(message.report, separators=(",", ":")).encode(),
            ContentType="application/json",
        )
        body = message_body(message.model_copy(update={"report": None, "s3_key": key}))
    aws.sqs(settings).send_message(QueueUrl=queue_url(settings, settings.report_queue_name), MessageBody=body)


def load_report(settings: Settings, message: ReportMessage) -> dict[str, Any]:
    """The report body of ``message``, fetched from S3 when the message is a pointer."""
    if message.report is not None:
        return message.report
    if message.s3_key is None:
        raise ValueError("report message carries neither a report nor an s3_key")
    got = aws.s3(settings).get_object(Bucket=settings.report_bucket_name, Key=message.s3_key)
    report = json.loads(got["Body"].read())
    if not isinstance(report, dict):
        raise ValueError(f"{message.s3_key}: not a JSON object")
    return report
