"""GET /api/v1/files/{file_id}."""

from hyperinfer.batches.api import get_file as handle

__all__ = ["handle"]
