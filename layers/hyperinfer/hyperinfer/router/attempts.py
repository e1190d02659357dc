"""The router's attempt loop: each candidate in turn, each retried under the policy, each attempt
bounded by ``timeout.call_timeout``.

An attempt is whatever the caller passes: a whole buffered call, or a stream opened and read up to
its first content (after that a stream is committed and never retried). It fails by raising a
``GatewayError``; ``policy.failure_of`` tells an upstream failure from the gateway's own. An
attempt that overruns its time is cancelled, which closes its upstream connection, and counts as a
``provider_timeout``.
"""

from __future__ import annotations

import random
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Generic, Literal, TypeVar

import anyio

from hyperinfer.errors import ErrorCode, GatewayError
from hyperinfer.router.policy import Backoff, Step, failure_of, next_step
from hyperinfer.router.spec import Retry, Timeout

if TYPE_CHECKING:
    from hyperinfer.catalog import Model

T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class Outcome:
    model: str
    status: Literal["success", "error"]
    error_code: str | None
    latency_ms: int


@dataclass(frozen=True, slots=True)
class Succeeded(Generic[T]):
    model: Model
    value: T


async def run_attempts(
    models: tuple[Model, ...],
    attempt: Callable[[Model], Awaitable[T]],
    *,
    retry: Retry | None,
    timeout: Timeout | None,
    backoff: Backoff,
    rng: random.Random,
    on_outcome: Callable[[Outcome], Awaitable[None]],
    sleep: Callable[[float], Awaitable[None]] = anyio.sleep,
) -> Succeeded[T]:
    """The first attempt that succeeds; else the last attempt's error (its code and Retry-After)."""
    for position, model in enumerate(models):
        retries = 0
        while True:
            started = time.monotonic()
            try:
                value = await _bounded(attempt(model), timeout)
            except GatewayError as error:
                failure = failure_of(error)
            else:
                await on_outcome(Outcome(model.slug, "success", None, _ms(started)))
                return Succeeded(model, value)
            await on_outcome(Outcome(model.slug, "error", failure.error.code.value, _ms(started)))
            step = next_step(failure, retry, retries, len(models) - position - 1)
            if step is Step.FAIL:
                raise failure.error
            if step is Step.FALLBACK:
                break
            await sleep(backoff.wait(retries, failure.error.retry_after, rng, time.time()))
            retries += 1
    raise AssertionError("unreachable: the last candidate's failure is Step.FAIL")  # pragma: no cover


async def _bounded(call: Awaitable[T], timeout: Timeout | None) -> T:
    if timeout is None:
        return await call
    try:
        with anyio.fail_after(timeout.seconds):
            return await call
    except TimeoutError:
        error = GatewayError(
            ErrorCode.PROVIDER_TIMEOUT,
            f"Upstream did not answer within timeout.call_timeout ({timeout.call_timeout:g} ms).",
        )
        raise error from None


def _ms(started: float) -> int:
    return int((time.monotonic() - started) * 1000)
