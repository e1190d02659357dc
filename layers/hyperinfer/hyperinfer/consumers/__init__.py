"""Queue consumers: Lambda handlers driven by SQS (``function_table.CONSUMERS``).

Each module exposes ``handler(event, context)``: a Powertools ``BatchProcessor`` over the SQS event
that answers ``{"batchItemFailures": [...]}``, so a failed message is retried (and, after the queue's
``maxReceiveCount``, parked in its DLQ) without holding back the rest of its batch.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from typing import Any

from hyperinfer.function_table import CONSUMERS, ConsumerSpec
from hyperinfer.settings import Settings

Handler = Callable[[dict[str, Any], Any], dict[str, Any]]
BY_NAME: dict[str, ConsumerSpec] = {spec.name: spec for spec in CONSUMERS}


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
