"""enqueue: inline below the SQS limit, an S3 pointer above it; load_report restores either."""

from __future__ import annotations

import json
from typing import Any

import pytest
from hyperinfer import aws
from hyperinfer.local.emulator import Emulator
from hyperinfer.reports.layout import inbound_key
from hyperinfer.reports.message import ReportMessage
from hyperinfer.reports.queue import SQS_MESSAGE_LIMIT, enqueue, load_report, message_body, queue_url
from hyperinfer.settings import Settings

from tests.unit.reports.storage import T0, isolated_settings


@pytest.fixture(scope="module")
def settings(emulator: Emulator) -> Settings:
    return isolated_settings(emulator, "queue")


def message(report: dict[str, Any], report_id: str = "a" * 32) -> ReportMessage:
    return ReportMessage(
        report_id=report_id, workspace_id="ws_q", key_id="k", format="openai", received_at=T0, report=report
    )


def padded_to(size: int) -> ReportMessage:
    """A message whose body is exactly ``size`` bytes."""
    base = len(message_body(message({"errorMessage": ""})).encode())
    return message({"errorMessage": "x" * (size - base)})


def received(settings: Settings) -> ReportMessage:
    sqs = aws.sqs(settings)
    [got] = sqs.receive_message(QueueUrl=queue_url(settings, settings.report_queue_name))["Messages"]
    sqs.delete_message(
        QueueUrl=queue_url(settings, settings.report_queue_name), ReceiptHandle=got["ReceiptHandle"]
    )
    return ReportMessage.model_validate_json(got["Body"])


def test_a_message_at_the_limit_goes_inline(settings: Settings) -> None:
    sent = padded_to(SQS_MESSAGE_LIMIT)
    enqueue(settings, sent)
    got = received(settings)
    assert got == sent and not got.is_pointer()


def test_a_message_over_the_limit_goes_to_s3_with_a_pointer(settings: Settings) -> None:
    sent = padded_to(SQS_MESSAGE_LIMIT + 1)
    enqueue(settings, sent)
    got = received(settings)
    assert got.is_pointer() and got.s3_key == inbound_key("ws_q", sent.report_id)
    assert got.model_copy(update={"s3_key": None, "report": sent.report}) == sent
    assert load_report(settings, got) == sent.report
    stored = aws.s3(settings).get_object(Bucket=settings.report_bucket_name, Key=got.s3_key)
    assert json.loads(stored["Body"].read()) == sent.report


def test_a_pointer_to_nothing_is_an_error(settings: Settings) -> None:
    with pytest.raises(ValueError, match="neither a report nor an s3_key"):
        load_report(
            settings,
            ReportMessage(report_id="b" * 32, workspace_id="w", key_id="k", format="openai", received_at=T0),
        )
