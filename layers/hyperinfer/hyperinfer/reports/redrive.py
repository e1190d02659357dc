"""Moving a queue's dead letters back to it (``hyperinfer reports redrive``).

Receive from the DLQ, send to the source queue, then delete from the DLQ only what was sent: a crash
in between leaves a message in both (the consumer is idempotent), never in neither. The DLQ is found
through the source queue's RedrivePolicy, so names never have to agree by convention.
"""

from __future__ import annotations

import json
from typing import Any

BATCH = 10  # SQS's maximum per receive and per batch call
_COPIED = ("MessageAttributes",)


def dead_letter_url(sqs: Any, queue_url: str) -> str:
    attributes = sqs.get_queue_attributes(QueueUrl=queue_url, AttributeNames=["RedrivePolicy"])
    policy = attributes.get("Attributes", {}).get("RedrivePolicy")
    if not policy:
        raise ValueError(f"{queue_url} has no dead-letter queue (no RedrivePolicy)")
    arn: str = json.loads(policy)["deadLetterTargetArn"]
    _, _, _, _, account, name = arn.split(":")
    url: str = sqs.get_queue_url(QueueName=name, QueueOwnerAWSAccountId=account)["QueueUrl"]
    return url


def redrive(sqs: Any, queue_url: str, *, limit: int | None = None, visibility_timeout: int = 60) -> int:
    """Move up to ``limit`` messages (all, by default) from the queue's DLQ back; returns how many."""
    dlq_url = dead_letter_url(sqs, queue_url)
    moved = 0
    while limit is None or moved < limit:
        wanted = BATCH if limit is None else min(BATCH, limit - moved)
        messages = sqs.receive_message(
            QueueUrl=dlq_url,
            MaxNumberOfMessages=wanted,
            MessageAttributeNames=["All"],
            VisibilityTimeout=visibility_timeout,  # hidden while being moved
            WaitTimeSeconds=0,
        ).get("Messages", [])
        if not messages:
            break
        entries = [
            {"Id": str(n), "MessageBody": m["Body"], **{k: m[k] for k in _COPIED if m.get(k)}}
            for n, m in enumerate(messages)
        ]
        sent = sqs.send_message_batch(QueueUrl=queue_url, Entries=entries)
        ok = {entry["Id"] for entry in sent.get("Successful", [])}
        done = [
            {"Id": str(n), "ReceiptHandle": m["ReceiptHandle"]}
            for n, m in enumerate(messages)
            if str(n) in ok
        ]
        if done:
            sqs.delete_message_batch(QueueUrl=dlq_url, Entries=done)
        moved += len(done)
        if len(done) < len(messages):
            failed = sent.get("Failed", [])
            raise RuntimeError(f"{len(failed)} message(s) could not be sent back: {failed[:3]}")
    return moved
