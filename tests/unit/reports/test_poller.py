"""The dev poller: Lambda's SQS event shape, and deleting only what the handler did not fail."""

from __future__ import annotations

from typing import Any

import pytest
from hyperinfer import aws
from hyperinfer.local.emulator import Emulator
from hyperinfer.local.poller import QueuePoller, sqs_event
from hyperinfer.reports.queue import queue_url
from hyperinfer.settings import Settings

from tests.unit.reports.storage import isolated_settings

LAMBDA_RECORD_KEYS = {
    "messageId", "receiptHandle", "body", "attributes", "messageAttributes",
    "md5OfBody", "eventSource", "eventSourceARN", "awsRegion",
}  # fmt: skip


@pytest.fixture
def settings(emulator: Emulator) -> Settings:
    return isolated_settings(emulator, "poller")


def send(settings: Settings, *bodies: str) -> str:
    url = queue_url(settings, settings.report_queue_name)
    for body in bodies:
        aws.sqs(settings).send_message(
            QueueUrl=url,
            MessageBody=body,
            MessageAttributes={"origin": {"DataType": "String", "StringValue": "test"}},
        )
    return url


def remaining(settings: Settings, url: str) -> int:
    attributes = aws.sqs(settings).get_queue_attributes(
        QueueUrl=url, AttributeNames=["ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible"]
    )["Attributes"]
    return int(attributes["ApproximateNumberOfMessages"]) + int(
        attributes["ApproximateNumberOfMessagesNotVisible"]
    )


def test_the_handler_gets_lambdas_sqs_event_shape(settings: Settings) -> None:
    url = send(settings, "one")
    seen: list[dict[str, Any]] = []

    def handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
        seen.append(event)
        assert context.function_name == "report_ingest"
        return {"batchItemFailures": []}

    poller = QueuePoller(aws.sqs(settings), url, handler, batch_size=10, function_name="report_ingest")
    assert poller.poll_once() == 1
    [record] = seen[0]["Records"]
    assert set(record) == LAMBDA_RECORD_KEYS
    assert record["body"] == "one" and record["eventSource"] == "aws:sqs"
    assert record["eventSourceARN"] == poller.queue_arn and record["awsRegion"] == "us-east-1"
    assert record["attributes"]["ApproximateReceiveCount"] == "1"
    assert record["messageAttributes"]["origin"]["stringValue"] == "test"
    assert record["messageAttributes"]["origin"]["dataType"] == "String"
    assert remaining(settings, url) == 0


def test_only_the_failed_messages_stay_on_the_queue(settings: Settings) -> None:
    url = send(settings, "good", "bad", "good too")

    def handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
        failed = [r["messageId"] for r in event["Records"] if r["body"] == "bad"]
        return {"batchItemFailures": [{"itemIdentifier": m} for m in failed]}

    poller = QueuePoller(aws.sqs(settings), url, handler, batch_size=10, function_name="report_ingest")
    assert poller.poll_once(visibility_timeout=0) == 3
    messages = aws.sqs(settings).receive_message(QueueUrl=url, MaxNumberOfMessages=10)["Messages"]
    assert [m["Body"] for m in messages] == ["bad"]


def test_a_handler_that_raises_fails_the_whole_batch(settings: Settings) -> None:
    url = send(settings, "a", "b")

    def handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
        raise RuntimeError("crashed")

    poller = QueuePoller(aws.sqs(settings), url, handler, batch_size=10, function_name="report_ingest")
    poller.poll_once(visibility_timeout=0)
    assert remaining(settings, url) == 2


def test_sqs_event_takes_its_region_from_the_queue_arn() -> None:
    message = {"MessageId": "m", "ReceiptHandle": "r", "Body": "b", "MD5OfBody": "x"}
    [record] = sqs_event([message], "arn:aws:sqs:eu-west-1:123456789012:q")["Records"]
    assert (
        record["awsRegion"] == "eu-west-1"
        and record["attributes"] == {}
        and record["messageAttributes"] == {}
    )
