"""Consumer of the batch queue: expands chunks and runs each request once (SQS event source, partial batch failures)."""

from hyperinfer.consumers.batch_run import handler

__all__ = ["handler"]
