"""GET /api/v1/batches/{batch_id}."""

from hyperinfer.batches.api import get_batch as handle

__all__ = ["handle"]
