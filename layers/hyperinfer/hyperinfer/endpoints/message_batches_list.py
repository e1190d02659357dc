"""GET /api/v1/messages/batches."""

from hyperinfer.batches.api import list_message_batches as handle

__all__ = ["handle"]
