"""An upper bound on a request's prompt tokens, from its JSON alone, in any format.

No tokenizer can be downloaded at run time, and the bound must not undershoot (the reservation
would not cover the call): text counts a token per two UTF-8 bytes (real tokenizers average about
four characters per token in English and rarely fall below two bytes per token in any script);
inline media counts a flat 1,600 tokens (an image at the providers' size limits) or a token per
30 base64 characters when larger (text-heavy PDF pages).
"""

from __future__ import annotations

from typing import Any

from hyperinfer.json_guard import MAX_DEPTH, find_problem

MEDIA_TOKENS = 1_600
BASE64_CHARS_PER_TOKEN = 30
STRUCTURE_TOKENS = 4  # per object: roles, names and separators cost tokens too
MEDIA_FIELDS = frozenset({"data", "file_data", "url", "image_url", "file_url"})  # a URL stands for its media


def prompt_upper_bound(payload: Any) -> int:
    """The bound, walking the body once without recursion. The same walk refuses what no endpoint
    takes (see ``json_guard``: nesting past ``MAX_DEPTH``, lone surrogates) at no extra pass."""
    try:
        return _bound(payload)
    except (UnicodeEncodeError, _TooDeep):
        problem = find_problem(payload)
    if problem is None:  # both walks apply the same two rules, so this is never reached
        raise AssertionError("prompt estimate and json_guard disagree")
    raise problem


class _TooDeep(Exception):
    pass


def _string_tokens(value: str, field: str | None) -> int:
    if field in MEDIA_FIELDS or value.startswith("data:"):
        if not value.isascii():
            value.encode()  # raises on a lone surrogate, as text does below
        return max(MEDIA_TOKENS, len(value) // BASE64_CHARS_PER_TOKEN)
    return len(value.encode()) // 2 + 1


def _bound(payload: Any) -> int:
    total = 0
    stack: list[tuple[Any, str | None, int]] = [(payload, None, 0)]
    pop, push = stack.pop, stack.append
    while stack:
        value, field, depth = pop()
        if isinstance(value, str):
            total += _string_tokens(value, field)
        elif isinstance(value, dict | list):
            if depth >= MAX_DEPTH:
                raise _TooDeep
            if isinstance(value, list):
                for child in value:
                    push((child, field, depth + 1))
                continue
            total += STRUCTURE_TOKENS
            for key, child in value.items():
                if not key.isascii():
                    key.encode()
                if key != "model":
                    push((child, key, depth + 1))
        elif value is not None:
            total += 1
    return total
