"""POST /api/v1/batches."""

from hyperinfer.batches.api import create_batch as handle

__all__ = ["handle"]
