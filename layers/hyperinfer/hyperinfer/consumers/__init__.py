"""Queue consumers: Lambda handlers driven by SQS (``function_table.CONSUMERS``).

Each module exposes ``handler(event, context)``: a Powertools ``BatchProcessor`` over the SQS event
that answers ``{"batchItemFailures": [...]}``, so a failed message is retried (and, after the queue's
``maxReceiveCount``, parked in its DLQ) without holding back the rest of its batch.
"""

from __future__ import annotations

import importlib
import logging
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

from hyperinfer.function_table import CONSUMERS, ConsumerSpec
from hyperinfer.settings import Settings

if TYPE_CHECKING:
    from aws_lambda_powertools.utilities.data_classes.sqs_event import SQSRecord

Handler = Callable[[dict[str, Any], Any], dict[str, Any]]
BY_NAME: dict[str, ConsumerSpec] = {spec.name: spec for spec in CONSUMERS}
log = logging.getLogger("hyperinfer")


def queue_name(settings: Settings, spec: ConsumerSpec) -> str:
    """The SQS queue a consumer reads, by the name its spec gives it."""
    names = {
        "reports": settings.report_queue_name,
        "report_uploads": settings.upload_queue_name,
        "batches": settings.batch_queue_name,
    }
    return names[spec.queue]


def load_handler(spec: ConsumerSpec) -> Handler:
    module = importlib.import_module(f"hyperinfer.consumers.{spec.handler}")
    handler: Handler = module.handler
    return handler


@contextmanager
def logged_failure(what: str, record: SQSRecord) -> Iterator[None]:
    """A record's failure logged (``"<what> failed"``, its type and message, 500 characters at most)
    and raised again, so that the batch response lists the record as failed."""
    try:
        yield
    except Exception as error:
        log.warning(
            f"{what} failed",
            extra={"message_id": record.message_id, "error": f"{type(error).__name__}: {error}"[:500]},
        )
        raise
