"""POST /api/v1/files."""

from hyperinfer.batches.api import create_file as handle

__all__ = ["handle"]
