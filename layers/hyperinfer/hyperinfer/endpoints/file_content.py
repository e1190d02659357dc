"""GET /api/v1/files/{file_id}/content."""

from hyperinfer.batches.api import file_content as handle

__all__ = ["handle"]
