"""Consumer of the report queue: stores each report once (SQS event source, partial batch failures)."""

from hyperinfer.consumers.report_ingest import handler

__all__ = ["handler"]
