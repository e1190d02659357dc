"""What to do after a failed attempt, and how long to wait before the next one.

- A failure the gateway raised itself (its own validation, credits, key limits) fails at once:
  another model would refuse the request in the same way.
- An upstream failure whose status is in ``retry.on_codes`` is retried on the same model while
  retries are left, after the upstream's ``Retry-After`` (capped) or a jittered exponential backoff.
- Any other upstream failure, or one whose retries ran out, moves on to the next candidate:
  429, 5xx, 529, a timeout, a connection error, a context-length 400, a provider auth failure.
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass
from email.utils import parsedate_to_datetime
from enum import Enum

from hyperinfer.errors import ErrorCode, GatewayError
from hyperinfer.router.spec import Retry

# The codes only an upstream answer, a timeout or a broken connection produce. Everything else is
# the gateway's own verdict on the request or the account (a plain upstream 400 included: the
# request itself is at fault, and another model would refuse it too).
UPSTREAM_CODES = frozenset(
    {
        ErrorCode.PROVIDER_AUTH,
        ErrorCode.PROVIDER_RATE_LIMIT,
        ErrorCode.PROVIDER_OVERLOADED,
        ErrorCode.CONTEXT_LENGTH_EXCEEDED,
        ErrorCode.CONTENT_FILTER,
        ErrorCode.PROVIDER_TIMEOUT,
        ErrorCode.PROVIDER_UNAVAILABLE,
    }
)


class Step(Enum):
    RETRY = "retry"
    FALLBACK = "fallback"
    FAIL = "fail"


@dataclass(frozen=True, slots=True)
class Failure:
    """One failed attempt: the error the client would see, and whether it came from upstream."""

    error: GatewayError
    upstream: bool  # an upstream answer, a timeout or a connection error, not the gateway's own check
    upstream_status: int | None = None  # the provider's HTTP status, when it answered one

    @property
    def status(self) -> int:
        """The status retry.on_codes is matched against: the provider's, else the taxonomy's
        (a timeout is 504, a connection error 502)."""
        return self.upstream_status or self.error.status


def failure_of(error: GatewayError) -> Failure:
    return Failure(error, error.code in UPSTREAM_CODES, error.upstream_status)


@dataclass(frozen=True, slots=True)
class Backoff:
    base_ms: int
    retry_after_max: float

    def wait(self, retry_number: int, retry_after: str | None, rng: random.Random, now: float) -> float:
        """Seconds before retry ``retry_number`` (0 for the first retry)."""
        honoured = parse_retry_after(retry_after, now)
        if honoured is not None:
            return min(honoured, self.retry_after_max)
        ceiling: float = self.base_ms / 1000 * 2.0**retry_number
        # Half fixed, half random: spreads clients that failed together without ever retrying at once.
        return min(ceiling * rng.uniform(0.5, 1.0), self.retry_after_max)


def next_step(failure: Failure, retry: Retry | None, retries_done: int, candidates_left: int) -> Step:
    if not failure.upstream:
        return Step.FAIL
    if retry is not None and retries_done < retry.count and failure.status in retry.on_codes:
        return Step.RETRY
    return Step.FALLBACK if candidates_left > 0 else Step.FAIL


def parse_retry_after(value: str | None, now: float) -> float | None:
    """Seconds from a ``Retry-After`` header: delta-seconds or an HTTP date; None if absent or bad."""
    if not value:
        return None
    text = value.strip()
    try:
        seconds = float(text)
    except ValueError:
        try:
            seconds = parsedate_to_datetime(text).timestamp() - now
        except (TypeError, ValueError, IndexError):
            return None
    return max(seconds, 0.0) if math.isfinite(seconds) else None
