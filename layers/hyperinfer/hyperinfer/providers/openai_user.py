"""The end-user identifier as OpenAI takes it (``user`` in Chat Completions and Responses).

OpenAI refuses a ``user`` longer than 64 characters (400 ``string_above_max_length``, "Invalid
'user': string too long. Expected a string with maximum length 64"); ``safety_identifier``, which
replaces it, documents the same ``maxLength: 64``. Anthropic's ``metadata.user_id`` has no such
cap, and Claude Code fills it with a ~150-character JSON object (device, account and session ids).
"""

from __future__ import annotations

import hashlib

MAX_USER_LENGTH = 64


def openai_user(user: str) -> str:
    """The identifier itself when it fits; otherwise its SHA-256 hex digest, exactly 64 characters.

    A digest, not a cut: it stays one stable value per client identifier, distinct from the others,
    which is all OpenAI uses the field for (abuse attribution and cache bucketing), and it sends no
    readable part of the client's ids. Truncation would merge identifiers sharing a prefix.
    """
    if len(user) <= MAX_USER_LENGTH:
        return user
    return hashlib.sha256(user.encode()).hexdigest()
