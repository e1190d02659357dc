"""POST /api/v1/messages/batches/{batch_id}/cancel."""

from hyperinfer.batches.api import cancel_message_batch as handle

__all__ = ["handle"]
