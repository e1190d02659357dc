"""A thinking block's ``signature`` as Anthropic clients carry it, for reasoning from any provider.

Clients echo thinking blocks back verbatim on the next turn, signature included. Anthropic's own
signatures pass through untouched. OpenAI's opaque carry-over (``encrypted`` reasoning and its item
id) has no Anthropic field, so it travels inside the signature, behind a prefix that a real
signature (base64) can never start with; the next request's decode unpacks it, and the reasoning
continues on the OpenAI side. Reasoning with neither (plain reasoning text, e.g. from a Chat
Completions provider) renders with signature ``""``, which decode reads back as "no signature".
"""

from __future__ import annotations

import base64
import binascii
import json
from typing import Any

from hyperinfer.ir.content import ThinkingBlock

_PREFIX = "~hi1~"


def pack(block: ThinkingBlock) -> str:
    if block.signature:
        return block.signature
    if not block.encrypted:
        return ""
    carried = {"e": block.encrypted, "i": block.item_id, "s": block.summary}
    raw = json.dumps(carried, separators=(",", ":")).encode()
    return _PREFIX + base64.urlsafe_b64encode(raw).decode()


def unpack(signature: str | None) -> dict[str, Any]:
    """The ThinkingBlock fields a client's signature stands for."""
    if not signature:
        return {}
    if not signature.startswith(_PREFIX):
        return {"signature": signature}
    try:
        carried = json.loads(base64.urlsafe_b64decode(signature.removeprefix(_PREFIX)))
    except (binascii.Error, ValueError):
        carried = None
    if not isinstance(carried, dict) or not isinstance(carried.get("e"), str):
        # Not ours after all: keep it as an opaque signature, as Anthropic would see it.
        return {"signature": signature}
    item_id = carried.get("i")
    return {
        "encrypted": carried["e"],
        "item_id": item_id if isinstance(item_id, str) else None,
        "summary": bool(carried.get("s")),
    }
