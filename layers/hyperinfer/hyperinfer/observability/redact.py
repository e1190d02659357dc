"""The last guard before a log line leaves the process: credentials and bodies never do.

Our code logs neither headers nor bodies; this guard catches what slips through anyway (an
exception message quoting a header, a pydantic error quoting the input). It runs as the Logger's
JSON serializer, so it sees the whole line, extras, exception text and stack trace included.
"""

from __future__ import annotations

import json
import re
import threading
from typing import Any

REDACTED = "[REDACTED]"

# Extra keys whose values are never logged, whatever they hold.
DENIED_KEYS = frozenset(
    {
        "authorization",
        "x-api-key",
        "x_api_key",
        "api_key",
        "x-internal-token",
        "internal_token",
        "headers",
        "body",
        "prompt",
        "messages",
        "input",
        "system",
        "content",
        "secret",
        "password",
    }
)

_PATTERNS = (
    # API keys: ours (sk-hi-), OpenAI's (sk-, sk-proj-), Anthropic's (sk-ant-).
    re.compile(r"\bsk-[A-Za-z0-9_\-]{8,}"),
    # Credentials after a scheme or a header name, in whatever text quotes them.
    re.compile(r"(?i)\b(bearer|basic)\s+[^\s\"',;\\]+"),
    re.compile(r"(?i)(x-api-key|x-internal-token|authorization)(\\?[\"']?\s*[:=]\s*\\?[\"']?)[^\s\"',;\\]+"),
    # pydantic quotes the offending input: a prompt, for a request that failed validation.
    re.compile(r"input_value=.*?, input_type="),
)
_REPLACEMENTS = (REDACTED, r"\1 " + REDACTED, r"\1\2" + REDACTED, f"input_value={REDACTED}, input_type=")

_secrets: set[str] = set()
_lock = threading.Lock()


def register_secret(value: str) -> None:
    """A value known to be secret (a provider key, the internal token): never logged verbatim."""
    if len(value) >= 8 and value not in _secrets:
        with _lock:
            _secrets.add(value)


def scrub(text: str) -> str:
    for pattern, replacement in zip(_PATTERNS, _REPLACEMENTS, strict=True):
        text = pattern.sub(replacement, text)
    for secret in tuple(_secrets):
        text = text.replace(secret, REDACTED)
        escaped = json.dumps(secret)[1:-1]
        if escaped != secret:
            text = text.replace(escaped, REDACTED)
    return text


def _without_denied(value: Any) -> Any:
    if isinstance(value, dict):
        return {
            key: REDACTED if str(key).lower() in DENIED_KEYS else _without_denied(item)
            for key, item in value.items()
        }
    if isinstance(value, list | tuple):
        return [_without_denied(item) for item in value]
    return value


def redacting_dumps(log: dict[str, Any]) -> str:
    """The Logger's serializer: denied keys blanked, then the rendered line scrubbed."""
    return scrub(json.dumps(_without_denied(log), default=str, separators=(",", ":")))
