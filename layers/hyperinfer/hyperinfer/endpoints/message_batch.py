"""GET /api/v1/messages/batches/{batch_id}."""

from hyperinfer.batches.api import get_message_batch as handle

__all__ = ["handle"]
