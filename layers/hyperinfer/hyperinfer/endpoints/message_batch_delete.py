"""DELETE /api/v1/messages/batches/{batch_id}."""

from hyperinfer.batches.api import delete_message_batch as handle

__all__ = ["handle"]
