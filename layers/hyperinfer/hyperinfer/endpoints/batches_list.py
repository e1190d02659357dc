"""GET /api/v1/batches."""

from hyperinfer.batches.api import list_batches as handle

__all__ = ["handle"]
