"""Secrets Manager values (provider API keys, the internal token), fetched on first use and kept
for ``secrets_cache_ttl`` seconds per container, so a rotated value arrives without a redeploy.

The values never reach the template, the environment or a log line: the stack hands a function
only the secret's ARN (``HYPERINFER_PROVIDER_KEYS_SECRET``, ``HYPERINFER_INTERNAL_TOKEN_SECRET``).
Read through ``aws_json`` rather than Powertools Parameters, whose module imports boto3 (~0.2 s)
on the first request of every streaming function.
"""

from __future__ import annotations

import json
import logging
import threading
import time
from collections.abc import Callable
from typing import TYPE_CHECKING

from hyperinfer.accounts.ddb import error_code
from hyperinfer.errors import ErrorCode, GatewayError

if TYPE_CHECKING:
    from hyperinfer.aws_json import SecretsManagerClient

log = logging.getLogger("hyperinfer")

Fetch = Callable[[str], str]
UNREADABLE = "Could not read a secret the gateway needs."
NOT_AN_OBJECT = "The provider-keys secret is not a JSON object."


class SecretCache:
    """secret id -> (value, fetched at). Thread-safe: buffered handlers call it from a thread pool."""

    def __init__(self, fetch: Fetch, ttl: float, clock: Callable[[], float] = time.monotonic) -> None:
        self._fetch = fetch
        self._ttl = ttl
        self._clock = clock
        self._values: dict[str, tuple[str, float]] = {}
        self._lock = threading.Lock()

    def fresh(self, secret_id: str) -> str | None:
        """The cached value if still fresh, without any I/O (the hot path of every request)."""
        entry = self._values.get(secret_id)
        if entry is not None and self._clock() - entry[1] < self._ttl:
            return entry[0]
        return None

    def get(self, secret_id: str) -> str:
        """Blocking: fetches when the cached value is missing or stale."""
        value = self.fresh(secret_id)
        if value is not None:
            return value
        with self._lock:  # one fetch per secret, however many threads ask at once
            value = self.fresh(secret_id)
            if value is None:
                value = self._fetch(secret_id)
                self._values[secret_id] = (value, self._clock())
        return value


def secrets_manager_fetch(client: SecretsManagerClient) -> Fetch:
    def fetch(secret_id: str) -> str:
        try:
            answer = client.get_secret_value(SecretId=secret_id)
        except Exception as error:
            # The operator learns why from the log; the client only that it is not its fault.
            log.error("reading secret %s failed: %s", secret_id, error_code(error) or type(error).__name__)
            raise GatewayError(ErrorCode.INTERNAL_ERROR, UNREADABLE) from None
        secret = answer.get("SecretString")
        if not isinstance(secret, str):
            raise GatewayError(ErrorCode.INTERNAL_ERROR, "A secret the gateway needs has no string value.")
        return secret

    return fetch


def json_field(secret: str, field: str) -> str | None:
    """One field of a JSON-object secret (the provider keys); None when absent or empty."""
    try:
        document = json.loads(secret)
    except json.JSONDecodeError:
        raise GatewayError(ErrorCode.INTERNAL_ERROR, NOT_AN_OBJECT) from None
    value = document.get(field) if isinstance(document, dict) else None
    return value if isinstance(value, str) and value else None
