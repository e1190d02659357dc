"""JSON no endpoint takes in: nesting deeper than ``MAX_DEPTH`` and strings or keys that hold a lone
UTF-16 surrogate (``"\\ud800"`` parses in Python but cannot be encoded, stored or sent on).

Both are refused as ``invalid_request`` naming the field. The fast checks live where the body is
already walked (the prompt estimate); this module finds *which* field is at fault, which only a
refused request pays for.
"""

from __future__ import annotations

import json
import re
from typing import Any

from hyperinfer.errors import ErrorCode, GatewayError

# Deep enough for any real request (a tool's JSON Schema nests a few levels; structured outputs cap
# schemas at 10), shallow enough that no recursive code downstream (pydantic, json.dumps, DynamoDB's
# 32-level maps) comes near its own limit.
MAX_DEPTH = 64

_TOKEN = re.compile(rb'"(?:[^"\\]|\\.)*"|[\[\]{},:]')


def _join(path: str, part: str | int) -> str:
    if isinstance(part, int):
        return f"{path}[{part}]"
    return f"{path}.{part}" if path else part


def too_deep(path: str) -> GatewayError:
    where = f"{path}: " if path else ""
    return GatewayError(
        ErrorCode.INVALID_REQUEST,
        f"{where}JSON nests deeper than {MAX_DEPTH} levels.",
        param=path or None,
    )


def lone_surrogate(path: str, *, in_key: bool = False) -> GatewayError:
    where = f"{path}: " if path else ""
    what = "an object key" if in_key else "the string"
    return GatewayError(
        ErrorCode.INVALID_REQUEST,
        f"{where}{what} holds a lone UTF-16 surrogate, which is not Unicode text.",
        param=path or None,
    )


def _encodable(text: str) -> bool:
    if text.isascii():  # O(1) in CPython: the common case costs nothing
        return True
    try:
        text.encode()
    except UnicodeEncodeError:
        return False
    return True


def find_problem(payload: Any) -> GatewayError | None:
    """The first field (depth first) that nests too deep or holds a lone surrogate, as the error."""
    stack: list[tuple[Any, str, int]] = [(payload, "", 0)]
    while stack:
        value, path, depth = stack.pop()
        if isinstance(value, str):
            if not _encodable(value):
                return lone_surrogate(path)
        elif isinstance(value, dict | list):
            if depth >= MAX_DEPTH:
                return too_deep(path)
            items = value.items() if isinstance(value, dict) else enumerate(value)
            children = []
            for key, child in items:
                if isinstance(key, str) and not _encodable(key):
                    return lone_surrogate(path, in_key=True)
                children.append((child, _join(path, key), depth + 1))
            stack.extend(reversed(children))
    return None


def check(payload: Any) -> None:
    problem = find_problem(payload)
    if problem is not None:
        raise problem


def deep_path_in_text(raw: bytes) -> str:
    """Where raw JSON first nests past ``MAX_DEPTH``, for a body too deep to parse at all. Only the
    brackets, commas, colons and strings are looked at (C-speed tokens), up to that point."""
    levels: list[list[Any]] = []  # per open container: [its path, the current key or index]
    pending: Any = None  # the last string seen: the key, if a colon follows
    for match in _TOKEN.finditer(raw):
        token = match.group()
        if token in (b"{", b"["):
            path = _join(levels[-1][0], levels[-1][1]) if levels else ""
            if len(levels) >= MAX_DEPTH:
                return path
            levels.append([path, 0 if token == b"[" else ""])
        elif token in (b"}", b"]"):
            if levels:
                levels.pop()
        elif levels and token in (b",", b":"):
            level = levels[-1]
            if token == b":" and isinstance(pending, str):
                level[1] = pending
            elif token == b"," and isinstance(level[1], int):
                level[1] += 1
        else:
            pending = _string(token)
            continue
        pending = None
    return ""


def _string(token: bytes) -> str | None:
    try:
        text: str = json.loads(token)
    except ValueError:
        return None
    return text


def loads(raw: bytes, **options: Any) -> Any:
    """``json.loads`` that answers a body too deep for Python's parser with a 400 naming the field,
    and a parsed body that nests too deep or holds a lone surrogate likewise."""
    try:
        return json.loads(raw, **options)
    except RecursionError:
        raise too_deep(deep_path_in_text(raw)) from None
