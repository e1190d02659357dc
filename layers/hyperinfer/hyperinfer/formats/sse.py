"""SSE framing shared by every ingress format: compact JSON, named or unnamed events, keep-alives.

One JSON encoder serves every frame: ``json.dumps`` with options builds a new encoder per call,
which measured a quarter of a frame's cost (bench/translation.py).
"""

from __future__ import annotations

import json
from typing import Any

KEEPALIVE = b": keep-alive\n\n"  # an SSE comment: seed 001's keep-alive, skipped by every SDK
_ENCODER = json.JSONEncoder(separators=(",", ":"), ensure_ascii=False)


def compact(value: Any) -> str:
    return _ENCODER.encode(value)


def data_frame(payload: dict[str, Any]) -> bytes:
    return b"data: " + _ENCODER.encode(payload).encode() + b"\n\n"


def event_frame(name: str, payload: dict[str, Any]) -> bytes:
    return f"event: {name}\ndata: {_ENCODER.encode(payload)}\n\n".encode()
