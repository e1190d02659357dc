"""The local stand-in for Lambda's SQS event source mapping: ``hyperinfer dev`` runs each consumer of
``function_table.CONSUMERS`` in-process on batches received from the emulator's queues.

Like the event source mapping, it hands the handler a real SQS event (the records' shape is Lambda's,
not the ReceiveMessage response's) and deletes only the messages the handler did not list in
``batchItemFailures``; a handler that raises fails the whole batch. Failed messages reappear after
the queue's visibility timeout and, after its maxReceiveCount, move to the DLQ: SQS does that itself.

One difference: it short-polls (WaitTimeSeconds=0) and sleeps while the queue is empty. The emulator
serializes requests (``emulator._serialized_server``), so a long poll would stall every other call.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from hyperinfer.consumers import Handler, load_handler, queue_name
from hyperinfer.function_table import CONSUMERS, ConsumerSpec
from hyperinfer.invoke import LambdaContext
from hyperinfer.settings import Settings

log = logging.getLogger("hyperinfer")
IDLE_SLEEP = 0.25  # seconds between polls of an empty queue


def _message_attribute(value: dict[str, Any]) -> dict[str, Any]:
    return {
        "stringValue": value.get("StringValue"),
        "binaryValue": value.get("BinaryValue"),
        "stringListValues": value.get("StringListValues", []),
        "binaryListValues": value.get("BinaryListValues", []),
        "dataType": value["DataType"],
    }


def sqs_event(messages: Iterable[Mapping[str, Any]], queue_arn: str) -> dict[str, Any]:
    """The Lambda event for messages as ReceiveMessage returned them (with ``AttributeNames=[All]``)."""
    region = queue_arn.split(":")[3]
    return {
        "Records": [
            {
                "messageId": message["MessageId"],
                "receiptHandle": message["ReceiptHandle"],
                "body": message["Body"],
                "attributes": message.get("Attributes", {}),
                "messageAttributes": {
                    name: _message_attribute(value)
                    for name, value in message.get("MessageAttributes", {}).items()
                },
                "md5OfBody": message["MD5OfBody"],
                "eventSource": "aws:sqs",
                "eventSourceARN": queue_arn,
                "awsRegion": region,
            }
            for message in messages
        ]
    }


class QueuePoller:
    """Receives batches from one queue and runs one consumer handler on them."""

    def __init__(
        self, sqs: Any, queue_url: str, handler: Handler, *, batch_size: int, function_name: str
    ) -> None:
        self.sqs = sqs
        self.queue_url = queue_url
        self.handler = handler
        self.batch_size = batch_size
        self.function_name = function_name
        attributes = sqs.get_queue_attributes(QueueUrl=queue_url, AttributeNames=["QueueArn"])
        self.queue_arn: str = attributes["Attributes"]["QueueArn"]

    def poll_once(self, *, visibility_timeout: int | None = None) -> int:
        """One receive, one invocation, one delete; returns how many messages were received."""
        extra = {} if visibility_timeout is None else {"VisibilityTimeout": visibility_timeout}
        messages = self.sqs.receive_message(
            QueueUrl=self.queue_url,
            MaxNumberOfMessages=self.batch_size,
            WaitTimeSeconds=0,
            AttributeNames=["All"],
            MessageAttributeNames=["All"],
            **extra,
        ).get("Messages", [])
        if messages:
            self.deliver(messages)
        return len(messages)

    def deliver(self, messages: Sequence[Mapping[str, Any]]) -> set[str]:
        """Run the handler on ``messages``; delete the successes. Returns the failed message ids."""
        event = sqs_event(messages, self.queue_arn)
        try:
            response = self.handler(event, LambdaContext(function_name=self.function_name))
            failed = {item["itemIdentifier"] for item in response.get("batchItemFailures", [])}
        except Exception:
            log.exception("consumer %s raised: the whole batch is retried", self.function_name)
            failed = {message["MessageId"] for message in messages}
        done = [m for m in messages if m["MessageId"] not in failed]
        if done:
            self.sqs.delete_message_batch(
                QueueUrl=self.queue_url,
                Entries=[{"Id": str(n), "ReceiptHandle": m["ReceiptHandle"]} for n, m in enumerate(done)],
            )
        return failed


def pollers(settings: Settings, specs: Iterable[ConsumerSpec] = CONSUMERS) -> list[QueuePoller]:
    from hyperinfer import aws

    sqs = aws.sqs(settings)
    return [
        QueuePoller(
            sqs,
            sqs.get_queue_url(QueueName=queue_name(settings, spec))["QueueUrl"],
            load_handler(spec),
            batch_size=spec.batch_size,
            function_name=spec.name,
        )
        for spec in specs
    ]


def run_forever(poller: QueuePoller, stop: threading.Event) -> None:
    while not stop.is_set():
        try:
            received = poller.poll_once()
        except Exception:  # the emulator going away at shutdown, mostly: keep trying until stopped
            log.exception("polling %s failed", poller.function_name)
            received = 0
        if not received:
            stop.wait(IDLE_SLEEP)


def start(settings: Settings) -> threading.Event:
    """A daemon thread per consumer; set the returned event to stop them."""
    stop = threading.Event()
    for poller in pollers(settings):
        threading.Thread(
            target=run_forever, args=(poller, stop), name=f"poll-{poller.function_name}", daemon=True
        ).start()
    return stop
