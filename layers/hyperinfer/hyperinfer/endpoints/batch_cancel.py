"""POST /api/v1/batches/{batch_id}/cancel."""

from hyperinfer.batches.api import cancel_batch as handle

__all__ = ["handle"]
