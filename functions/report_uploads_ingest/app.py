"""Consumer of the upload queue: ingests every line of an uploaded JSONL file (SQS event source,
partial batch failures)."""

from hyperinfer.consumers.report_uploads_ingest import handler

__all__ = ["handler"]
