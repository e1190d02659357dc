"""POST /api/v1/messages/batches."""

from hyperinfer.batches.api import create_message_batch as handle

__all__ = ["handle"]
