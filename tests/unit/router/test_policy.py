"""After a failed attempt: retry (status in on_codes), fall back (any other upstream failure) or
fail at once (the gateway's own refusals); and how long a retry waits."""

from __future__ import annotations

import random
from email.utils import formatdate

import pytest
from hyperinfer.errors import ErrorCode, GatewayError
from hyperinfer.router.policy import Backoff, Failure, Step, next_step, parse_retry_after
from hyperinfer.router.spec import Retry


def upstream(code: ErrorCode, status: int | None = None) -> Failure:
    return Failure(GatewayError(code, "upstream said no"), upstream=True, upstream_status=status)


RETRY_429 = Retry(count=2, on_codes=(429,))


def test_a_status_in_on_codes_is_retried_while_retries_are_left() -> None:
    rate_limited = upstream(ErrorCode.PROVIDER_RATE_LIMIT, 429)
    assert next_step(rate_limited, RETRY_429, 0, 1) is Step.RETRY
    assert next_step(rate_limited, RETRY_429, 1, 1) is Step.RETRY
    assert next_step(rate_limited, RETRY_429, 2, 1) is Step.FALLBACK
    assert next_step(rate_limited, RETRY_429, 2, 0) is Step.FAIL


def test_without_a_retry_policy_nothing_is_retried() -> None:
    assert next_step(upstream(ErrorCode.PROVIDER_RATE_LIMIT, 429), None, 0, 1) is Step.FALLBACK


@pytest.mark.parametrize(
    "failure",
    [
        upstream(ErrorCode.PROVIDER_UNAVAILABLE, 503),
        upstream(ErrorCode.PROVIDER_OVERLOADED, 529),
        upstream(ErrorCode.PROVIDER_TIMEOUT),
        upstream(ErrorCode.PROVIDER_UNAVAILABLE),  # connection refused: no status
        upstream(ErrorCode.CONTEXT_LENGTH_EXCEEDED, 400),
        upstream(ErrorCode.PROVIDER_AUTH, 401),
    ],
)
def test_any_other_upstream_failure_falls_back(failure: Failure) -> None:
    assert next_step(failure, RETRY_429, 0, 1) is Step.FALLBACK


@pytest.mark.parametrize(
    "code", [ErrorCode.INVALID_REQUEST, ErrorCode.INSUFFICIENT_CREDITS, ErrorCode.MODEL_NOT_ALLOWED]
)
def test_the_gateways_own_refusals_fail_at_once(code: ErrorCode) -> None:
    own = Failure(GatewayError(code, "no"), upstream=False)
    assert next_step(own, Retry(count=5, on_codes=(400, 402, 403)), 0, 3) is Step.FAIL


def test_a_timeout_matches_on_codes_as_504_and_a_refused_connection_as_502() -> None:
    assert next_step(upstream(ErrorCode.PROVIDER_TIMEOUT), Retry(on_codes=(504,)), 0, 0) is Step.RETRY
    assert next_step(upstream(ErrorCode.PROVIDER_UNAVAILABLE), Retry(on_codes=(502,)), 0, 0) is Step.RETRY


def test_the_providers_own_status_wins_over_the_taxonomys() -> None:
    overloaded_503 = upstream(ErrorCode.PROVIDER_OVERLOADED, 503)
    assert next_step(overloaded_503, Retry(on_codes=(503,)), 0, 0) is Step.RETRY


BACKOFF = Backoff(base_ms=500, retry_after_max=10.0)


def test_retry_after_is_honoured_and_capped() -> None:
    rng = random.Random(1)
    assert BACKOFF.wait(0, "2", rng, now=0) == 2.0
    assert BACKOFF.wait(0, "0.25", rng, now=0) == 0.25
    assert BACKOFF.wait(3, "120", rng, now=0) == 10.0


def test_an_http_date_retry_after_counts_from_now() -> None:
    now = 1_800_000_000.0
    assert BACKOFF.wait(0, formatdate(now + 4, usegmt=True), random.Random(1), now=now) == pytest.approx(4)
    assert parse_retry_after(formatdate(now - 30, usegmt=True), now) == 0.0


@pytest.mark.parametrize("value", [None, "", "soon", "nan", "inf"])
def test_unreadable_retry_after_falls_back_to_backoff(value: str | None) -> None:
    wait = BACKOFF.wait(0, value, random.Random(1), now=0)
    assert 0.25 <= wait <= 0.5


def test_backoff_doubles_within_jittered_bounds() -> None:
    rng = random.Random(7)
    for retry_number in range(4):
        ceiling = 0.5 * 2**retry_number
        waits = [BACKOFF.wait(retry_number, None, rng, now=0) for _ in range(200)]
        assert all(ceiling / 2 <= w <= ceiling for w in waits)
        assert max(waits) - min(waits) > ceiling / 4  # jittered, not fixed


def test_backoff_never_exceeds_the_cap() -> None:
    assert BACKOFF.wait(10, None, random.Random(1), now=0) == 10.0
