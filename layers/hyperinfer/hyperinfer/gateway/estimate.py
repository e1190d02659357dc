"""An upper bound on a request's prompt tokens, from its JSON alone, in any format.

No tokenizer can be downloaded at run time, and the bound must not undershoot (the reservation
would not cover the call): text counts a token per two UTF-8 bytes (real tokenizers average about
four characters per token in English and rarely fall below two bytes per token in any script);
inline media counts a flat 1,600 tokens (an image at the providers' size limits) or a token per
30 base64 characters when larger (text-heavy PDF pages).
"""

from __future__ import annotations

from typing import Any

MEDIA_TOKENS = 1_600
BASE64_CHARS_PER_TOKEN = 30
STRUCTURE_TOKENS = 4  # per object: roles, names and separators cost tokens too
MEDIA_FIELDS = frozenset({"data", "file_data", "url", "image_url", "file_url"})  # a URL stands for its media


def prompt_upper_bound(payload: Any) -> int:
    return _walk(payload, None)


def _walk(value: Any, field: str | None) -> int:
    if isinstance(value, str):
        if field in MEDIA_FIELDS or value.startswith("data:"):
            return max(MEDIA_TOKENS, len(value) // BASE64_CHARS_PER_TOKEN)
        return len(value.encode()) // 2 + 1
    if isinstance(value, dict):
        return STRUCTURE_TOKENS + sum(_walk(v, k) for k, v in value.items() if k != "model")
    if isinstance(value, list):
        return sum(_walk(v, field) for v in value)
    return 1 if value is not None else 0
