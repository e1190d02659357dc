"""Consumer of the batch queue: expands chunks, runs each request once (SQS, partial batch failures)."""

from hyperinfer.consumers.batch_run import handler

__all__ = ["handler"]
