"""The attempt loop: retries on on_codes with the policy's waits, falls back in order, fails at
once on the gateway's own errors, ends with the last error, and bounds each attempt in time."""

from __future__ import annotations

import random
from pathlib import Path

import anyio
import pytest
from hyperinfer.catalog import Catalog, Model, load_catalog
from hyperinfer.errors import ErrorCode, GatewayError
from hyperinfer.router.attempts import Outcome, run_attempts
from hyperinfer.router.policy import Backoff
from hyperinfer.router.spec import Retry, Timeout

CATALOG: Catalog = load_catalog(Path(__file__).parents[3] / "providers.yaml")


def models(*slugs: str) -> tuple[Model, ...]:
    found = tuple(CATALOG.find(s) for s in slugs)
    assert all(found)
    return found  # type: ignore[return-value]


PRIMARY, FALLBACK = models("openai/gpt-4o", "anthropic/claude-haiku-4.5")


def upstream(code: ErrorCode, status: int, retry_after: str | None = None) -> GatewayError:
    return GatewayError(code, f"{status}", retry_after=retry_after, upstream_status=status)


class Script:
    """Each model answers from its own list of failures (then succeeds)."""

    def __init__(self, plans: dict[str, list[BaseException | float]]) -> None:
        self.plans = plans
        self.calls: list[str] = []
        self.outcomes: list[Outcome] = []
        self.waits: list[float] = []

    async def attempt(self, model: Model) -> str:
        self.calls.append(model.slug)
        plan = self.plans.get(model.slug, [])
        step = plan.pop(0) if plan else None
        if isinstance(step, BaseException):
            raise step
        if isinstance(step, float):
            await anyio.sleep(step)
        return f"answer from {model.slug}"

    async def outcome(self, outcome: Outcome) -> None:
        self.outcomes.append(outcome)

    async def sleep(self, seconds: float) -> None:
        self.waits.append(seconds)

    async def run(
        self, candidates: tuple[Model, ...], retry: Retry | None = None, timeout: Timeout | None = None
    ) -> str:
        done = await run_attempts(
            candidates,
            self.attempt,
            retry=retry,
            timeout=timeout,
            backoff=Backoff(base_ms=500, retry_after_max=10),
            rng=random.Random(1),
            on_outcome=self.outcome,
            sleep=self.sleep,
        )
        assert done.model.slug == self.calls[-1]
        return done.value


@pytest.mark.anyio
async def test_retries_on_codes_then_succeeds_with_retry_after_honoured() -> None:
    script = Script(
        {
            "openai/gpt-4o": [
                upstream(ErrorCode.PROVIDER_RATE_LIMIT, 429, "2"),
                upstream(ErrorCode.PROVIDER_RATE_LIMIT, 429),
            ]
        }
    )
    answer = await script.run((PRIMARY,), Retry(count=3, on_codes=(429,)))
    assert answer == "answer from openai/gpt-4o" and script.calls == ["openai/gpt-4o"] * 3
    assert script.waits[0] == 2.0 and 0.5 <= script.waits[1] <= 1.0  # then backoff, doubled
    assert [o.status for o in script.outcomes] == ["error", "error", "success"]
    assert script.outcomes[0].error_code == "provider_rate_limit"


@pytest.mark.anyio
async def test_retries_run_out_then_the_fallback_answers() -> None:
    script = Script({"openai/gpt-4o": [upstream(ErrorCode.PROVIDER_RATE_LIMIT, 429)] * 5})
    answer = await script.run((PRIMARY, FALLBACK), Retry(count=2, on_codes=(429,)))
    assert script.calls == ["openai/gpt-4o"] * 3 + ["anthropic/claude-haiku-4.5"]
    assert answer.endswith("claude-haiku-4.5") and len(script.waits) == 2


@pytest.mark.anyio
async def test_a_status_not_in_on_codes_falls_back_without_retrying() -> None:
    script = Script({"openai/gpt-4o": [upstream(ErrorCode.PROVIDER_UNAVAILABLE, 503)]})
    await script.run((PRIMARY, FALLBACK), Retry(count=3, on_codes=(429,)))
    assert script.calls == ["openai/gpt-4o", "anthropic/claude-haiku-4.5"] and script.waits == []


@pytest.mark.anyio
async def test_when_all_fail_the_last_error_is_raised_with_its_retry_after() -> None:
    script = Script(
        {
            "openai/gpt-4o": [upstream(ErrorCode.PROVIDER_UNAVAILABLE, 503)],
            "anthropic/claude-haiku-4.5": [upstream(ErrorCode.PROVIDER_RATE_LIMIT, 429, "7")],
        }
    )
    with pytest.raises(GatewayError) as caught:
        await script.run((PRIMARY, FALLBACK))
    assert caught.value.code is ErrorCode.PROVIDER_RATE_LIMIT and caught.value.retry_after == "7"
    assert [o.model for o in script.outcomes] == ["openai/gpt-4o", "anthropic/claude-haiku-4.5"]


@pytest.mark.anyio
async def test_the_gateways_own_error_fails_at_once() -> None:
    own = GatewayError(ErrorCode.INVALID_REQUEST, "tools: not supported here", param="tools")
    script = Script({"openai/gpt-4o": [own]})
    with pytest.raises(GatewayError) as caught:
        await script.run((PRIMARY, FALLBACK), Retry(count=5, on_codes=(400,)))
    assert caught.value is own and script.calls == ["openai/gpt-4o"]


@pytest.mark.anyio
async def test_an_attempt_over_its_timeout_is_cancelled_and_falls_back() -> None:
    script = Script({"openai/gpt-4o": [5.0]})
    with anyio.fail_after(2):  # the 5 s attempt must have been cut at 50 ms
        answer = await script.run((PRIMARY, FALLBACK), timeout=Timeout(call_timeout=50))
    assert answer.endswith("claude-haiku-4.5")
    assert script.outcomes[0].error_code == "provider_timeout" and script.outcomes[0].latency_ms < 1000


@pytest.mark.anyio
async def test_a_timeout_is_retried_when_504_is_in_on_codes() -> None:
    script = Script({"openai/gpt-4o": [5.0, 5.0]})
    with pytest.raises(GatewayError) as caught:
        await script.run((PRIMARY,), Retry(count=1, on_codes=(504,)), Timeout(call_timeout=20))
    assert caught.value.code is ErrorCode.PROVIDER_TIMEOUT and "timeout.call_timeout" in caught.value.message
    assert script.calls == ["openai/gpt-4o"] * 2
