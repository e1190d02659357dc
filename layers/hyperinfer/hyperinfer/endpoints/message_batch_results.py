"""GET /api/v1/messages/batches/{batch_id}/results."""

from hyperinfer.batches.api import message_batch_results as handle

__all__ = ["handle"]
