"""Identifiers that sort by creation time, so a workspace's batches list newest first from one query."""

from __future__ import annotations

import secrets
import time

_CROCKFORD = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"


def sortable_token(now: float | None = None) -> str:
    """26 characters: 48 bits of milliseconds then 80 random bits, in Crockford base32 (ULID-like)."""
    millis = int((time.time() if now is None else now) * 1000)
    value = (millis << 80) | secrets.randbits(80)
    return "".join(_CROCKFORD[(value >> shift) & 31] for shift in range(125, -1, -5))


def message_batch_id(now: float | None = None) -> str:
    return f"msgbatch_{sortable_token(now)}"


def openai_batch_id(now: float | None = None) -> str:
    return f"batch_{sortable_token(now)}"


def file_id(now: float | None = None) -> str:
    return f"file-{sortable_token(now)}"
