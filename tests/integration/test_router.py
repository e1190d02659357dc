"""The router through `hyperinfer dev`, each ingress format through its official SDK, against the
fake provider failing per model on a script: the fields and their 400s, retries seen upstream,
Retry-After and backoff waits, fallbacks, the last error's envelope, timeouts that cancel the
upstream call, streams failing before and after their first byte, weighted load balancing, and
what the generation record keeps."""

from __future__ import annotations

import itertools
import time
from collections import Counter
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from hyperinfer.local.fakes.server import REPLY_WORDS, FakeProvider

from tests.integration.conftest import Gateway
from tests.integration.router_clients import (
    BACKOFF_BASE_MS,
    FORMATS,
    NATIVE,
    OTHER,
    RETRY_AFTER_MAX,
    ask,
    error_code,
    generation,
    refusal,
    router_gateway,
)

REPLY = " ".join(REPLY_WORDS)
STREAMS = [False, True]
# Frames of lifecycle only, per upstream wire format (see the fake's `error_after`).
LIFECYCLE = {"chat_completions": 2, "anthropic_messages": 3, "responses": 5}


@pytest.fixture(scope="module")
def gateway(fake: FakeProvider, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Gateway]:
    with router_gateway(fake, tmp_path_factory.mktemp("router")) as running:
        yield running


def upstream_models(fake: FakeProvider) -> list[str]:
    return [call["body"]["model"] for call in fake.calls]


# ---- 1. the fields --------------------------------------------------------------------------------


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize(
    ("fields", "param"),
    [
        ({"retry": {"count": 9}}, "retry.count"),
        ({"orq": {"cache": {"type": "exact_match", "ttl": 0}}}, "orq.cache.ttl"),
        ({"fallbacks": [{"model": "nobody/none"}]}, "fallbacks[0].model"),
        (
            {
                "load_balancer": {
                    "type": "weight_based",
                    "models": [{"model": "openai/gpt-4o"}, {"model": "openai/o3", "weight": 3}],
                }
            },
            "load_balancer.models[1].weight",
        ),
        ({"timeout": {"call_timeout": 0}}, "timeout.call_timeout"),
        ({"retry": {"count": 1}, "orq": {"retry": {"count": 2}}}, "retry"),
    ],
)
def test_a_bad_router_field_is_a_400_naming_its_path(
    gateway: Gateway, fake: FakeProvider, fmt: str, fields: dict[str, Any], param: str
) -> None:
    response = refusal(gateway, fmt, NATIVE[fmt][0], **fields)
    assert response.status_code == 400
    code, named = error_code(response)
    assert code == "invalid_request" and param in named
    assert fake.calls == []


@pytest.mark.parametrize("fmt", FORMATS)
def test_no_router_field_reaches_the_provider(gateway: Gateway, fake: FakeProvider, fmt: str) -> None:
    fields: dict[str, Any] = {
        "retry": {"count": 1},
        "fallbacks": [{"model": OTHER[fmt][0]}],
        "timeout": {"call_timeout": 20_000},
        "name": "trace-1",
        "orq": {"metadata": {"team": "search"}},
    }
    seen = ask(gateway, fmt, NATIVE[fmt][0], **fields)
    assert seen.text == REPLY
    [call] = fake.calls
    assert not {"retry", "fallbacks", "timeout", "name", "orq", "load_balancer", "cache"} & set(call["body"])


# ---- 2. attempts -----------------------------------------------------------------------------------


@pytest.mark.parametrize("stream", STREAMS)
@pytest.mark.parametrize("fmt", FORMATS)
def test_retries_on_codes_until_the_model_answers(
    gateway: Gateway, fake: FakeProvider, fmt: str, stream: bool
) -> None:
    slug, upstream = NATIVE[fmt]
    fake.script(upstream, "status=429", "status=429")
    seen = ask(gateway, fmt, slug, stream=stream, retry={"count": 2, "on_codes": [429]})
    assert seen.text == REPLY and seen.model == slug
    assert upstream_models(fake) == [upstream] * 3
    record = generation(gateway, seen.id)
    assert [(a["model"], a["status"], a["error_code"]) for a in record["attempts"]] == [
        (slug, "error", "provider_rate_limit"),
        (slug, "error", "provider_rate_limit"),
        (slug, "success", None),
    ]
    assert record["model"] == slug and record["status"] == "success"


@pytest.mark.parametrize("fmt", FORMATS)
def test_retry_after_is_waited_and_capped(gateway: Gateway, fake: FakeProvider, fmt: str) -> None:
    slug, upstream = NATIVE[fmt]
    fake.script(upstream, "status=429 retry_after=1")
    ask(gateway, fmt, slug, retry={"count": 1})
    first, second = fake.calls
    assert 1.0 <= second["at"] - first["at"] < 1.0 + 1.0
    fake.calls.clear()
    fake.script(upstream, "status=429 retry_after=60")
    ask(gateway, fmt, slug, retry={"count": 1})
    first, second = fake.calls
    assert RETRY_AFTER_MAX <= second["at"] - first["at"] < RETRY_AFTER_MAX + 1.0


def test_without_retry_after_the_backoff_doubles_within_its_jitter(
    gateway: Gateway, fake: FakeProvider
) -> None:
    slug, upstream = NATIVE["chat_completions"]
    fake.script(upstream, "status=503", "status=503", "status=503")
    ask(gateway, "chat_completions", slug, retry={"count": 3, "on_codes": [503]})
    arrivals = [call["at"] for call in fake.calls]
    assert len(arrivals) == 4
    base = BACKOFF_BASE_MS / 1000
    for number, (before, after) in enumerate(itertools.pairwise(arrivals)):
        ceiling = base * 2**number
        assert ceiling / 2 <= after - before < ceiling + 1.0  # the jittered wait, plus a call (loaded)


@pytest.mark.parametrize("stream", STREAMS)
@pytest.mark.parametrize("fmt", FORMATS)
def test_a_failing_model_falls_back_to_the_next_in_order(
    gateway: Gateway, fake: FakeProvider, fmt: str, stream: bool
) -> None:
    slug, upstream = NATIVE[fmt]
    fallback, fallback_upstream = OTHER[fmt]
    fake.script(upstream, "status=503")
    seen = ask(gateway, fmt, slug, stream=stream, fallbacks=[{"model": fallback}], retry={"count": 3})
    assert seen.text == REPLY and seen.model == fallback  # the slug that served
    assert upstream_models(fake) == [upstream, fallback_upstream]  # 503 is not in on_codes [429]
    record = generation(gateway, seen.id)
    assert record["model"] == fallback
    assert [a["model"] for a in record["attempts"]] == [slug, fallback]


@pytest.mark.parametrize("fmt", FORMATS)
def test_an_attempt_failing_before_its_call_is_on_the_record(
    gateway: Gateway, fake: FakeProvider, fmt: str
) -> None:
    """A model whose provider key is unset fails before any hold or upstream call; it is still one
    of the record's attempts, charged nothing, and the next candidate serves."""
    fallback, fallback_upstream = OTHER[fmt]
    seen = ask(gateway, fmt, "test/unkeyed", fallbacks=[{"model": fallback}])
    assert seen.text == REPLY and seen.model == fallback
    assert upstream_models(fake) == [fallback_upstream]
    record = generation(gateway, seen.id)
    assert [(a["model"], a["status"], a["error_code"]) for a in record["attempts"]] == [
        ("test/unkeyed", "error", "provider_auth"),
        (fallback, "success", None),
    ]
    assert all(int(a["latency_ms"]) >= 0 for a in record["attempts"])


@pytest.mark.parametrize("fmt", FORMATS)
def test_when_every_attempt_fails_the_client_gets_the_last_error(
    gateway: Gateway, fake: FakeProvider, fmt: str
) -> None:
    slug, upstream = NATIVE[fmt]
    fallback, fallback_upstream = OTHER[fmt]
    fake.script(upstream, "status=503")
    fake.script(fallback_upstream, "status=429 retry_after=7")
    response = refusal(gateway, fmt, slug, fallbacks=[{"model": fallback}])
    assert response.status_code == 429 and response.headers["retry-after"] == "7"
    assert error_code(response)[0] == "provider_rate_limit"
    record = generation(gateway, response.headers["x-request-id"])
    assert record["status"] == "error" and record["cost_micro_usd"] == "0"
    assert [a["error_code"] for a in record["attempts"]] == ["provider_unavailable", "provider_rate_limit"]


def test_a_context_length_refusal_falls_back(gateway: Gateway, fake: FakeProvider) -> None:
    slug, upstream = NATIVE["chat_completions"]
    fake.script(upstream, "context")
    seen = ask(gateway, "chat_completions", slug, fallbacks=[{"model": "openai/gpt-4.1"}])
    assert seen.model == "openai/gpt-4.1" and upstream_models(fake) == [upstream, "gpt-4.1"]


# ---- 3. timeouts -----------------------------------------------------------------------------------


@pytest.mark.parametrize("stream", STREAMS)
@pytest.mark.parametrize("fmt", FORMATS)
def test_an_attempt_over_call_timeout_is_cancelled_upstream_and_falls_back(
    gateway: Gateway, fake: FakeProvider, fmt: str, stream: bool
) -> None:
    slug, upstream = NATIVE[fmt]
    fallback, _ = OTHER[fmt]
    fake.script(upstream, "delay=8")
    # 1.5 s: room for a loaded machine's fallback to answer within it, far below the slow one's 8 s.
    timeout = {"call_timeout": 1500}
    seen = ask(gateway, fmt, slug, stream=stream, timeout=timeout, fallbacks=[{"model": fallback}])
    assert seen.text == REPLY and seen.model == fallback and seen.seconds < 5
    slow = fake.calls_to(upstream)[0]
    deadline = time.monotonic() + 2  # the fake looks for a hang-up every 20 ms
    while slow["outcome"] == "pending" and time.monotonic() < deadline:
        time.sleep(0.05)
    assert slow["outcome"] == "disconnected"  # the gateway hung up on it
    assert generation(gateway, seen.id)["attempts"][0]["error_code"] == "provider_timeout"


@pytest.mark.parametrize("fmt", FORMATS)
def test_a_stream_whose_first_content_is_late_times_out(
    gateway: Gateway, fake: FakeProvider, fmt: str
) -> None:
    slug, upstream = NATIVE[fmt]
    fake.script(upstream, "chunk_delay=5")  # frames five seconds apart: the first content is late
    seen = ask(
        gateway, fmt, slug, stream=True, timeout={"call_timeout": 1500}, fallbacks=[{"model": OTHER[fmt][0]}]
    )
    assert seen.model == OTHER[fmt][0] and seen.text == REPLY


# ---- 4. streams: before and after the first byte ----------------------------------------------------


@pytest.mark.parametrize("fmt", FORMATS)
def test_a_stream_failing_before_its_first_content_falls_back_unseen(
    gateway: Gateway, fake: FakeProvider, fmt: str
) -> None:
    slug, upstream = NATIVE[fmt]
    fake.script(upstream, f"midstream_error error_after={LIFECYCLE[fmt]}")
    seen = ask(gateway, fmt, slug, stream=True, fallbacks=[{"model": OTHER[fmt][0]}])
    assert seen.error is None and seen.text == REPLY and seen.model == OTHER[fmt][0]


@pytest.mark.parametrize("fmt", FORMATS)
def test_a_stream_failing_after_its_first_content_ends_with_the_error_event(
    gateway: Gateway, fake: FakeProvider, fmt: str
) -> None:
    slug, upstream = NATIVE[fmt]
    fake.script(upstream, f"midstream_error error_after={LIFECYCLE[fmt] + 2}")  # two content frames
    seen = ask(gateway, fmt, slug, stream=True, fallbacks=[{"model": OTHER[fmt][0]}], retry={"count": 2})
    assert seen.error is not None and seen.text and REPLY.startswith(seen.text)
    assert upstream_models(fake) == [upstream]  # committed: no retry, no fallback


# ---- 5. what the answer and the record say ----------------------------------------------------------


@pytest.mark.parametrize("fmt", FORMATS)
def test_the_record_keeps_name_metadata_and_charges_only_the_call_that_served(
    gateway: Gateway, fake: FakeProvider, fmt: str
) -> None:
    slug, upstream = NATIVE[fmt]
    fake.script(upstream, "status=529")
    where = "orq" if fmt == "anthropic_messages" else None  # Messages' own `metadata` is Anthropic's
    metadata = {"team": "search", "run": "42"}
    fields: dict[str, Any] = {"name": "nightly-eval", "fallbacks": [{"model": OTHER[fmt][0]}]}
    fields.update({"orq": {"metadata": metadata}} if where else {"metadata": metadata})
    seen = ask(gateway, fmt, slug, **fields)
    record = generation(gateway, seen.id)
    assert record["name"] == "nightly-eval" and record["metadata"] == metadata
    assert seen.cost is not None and record["total_cost"] == pytest.approx(seen.cost) and seen.cost > 0
    assert [a["status"] for a in record["attempts"]] == ["error", "success"]


# ---- 6. weighted load balancing ----------------------------------------------------------------------


def test_the_weighted_split_follows_the_weights(gateway: Gateway, fake: FakeProvider) -> None:
    balancer = {
        "type": "weight_based",
        "models": [{"model": "openai/gpt-4o", "weight": 0.8}, {"model": "openai/gpt-4o-mini", "weight": 0.2}],
    }
    n = 100
    served = Counter(
        ask(gateway, "chat_completions", "openai/gpt-4o", load_balancer=balancer).model for _ in range(n)
    )
    assert set(served) <= {"openai/gpt-4o", "openai/gpt-4o-mini"}
    sigma = (n * 0.8 * 0.2) ** 0.5  # 4
    assert abs(served["openai/gpt-4o"] - 80) <= 5 * sigma
    assert len(fake.calls) == n  # one call each: nothing failed


def test_the_balancers_other_model_is_the_next_fallback(gateway: Gateway, fake: FakeProvider) -> None:
    balancer = {
        "type": "weight_based",
        "models": [{"model": "openai/gpt-4o", "weight": 1}, {"model": "openai/gpt-4o-mini", "weight": 0.001}],
    }
    fake.script("gpt-4o", "status=503")
    seen = ask(gateway, "chat_completions", "openai/gpt-4o", load_balancer=balancer)
    assert seen.model == "openai/gpt-4o-mini" and upstream_models(fake) == ["gpt-4o", "gpt-4o-mini"]


# ---- 8. routes -------------------------------------------------------------------------------------


def test_routes_are_listed_as_models(gateway: Gateway) -> None:
    listed = {m["slug"]: m for m in httpx.get(f"{gateway.url}/api/v1/models").json()["data"]}
    route = listed["hyperinfer/sonnet-with-fallback"]
    assert (
        "route" in route["description"]
        and route["pricing"] == listed["anthropic/claude-sonnet-4.6"]["pricing"]
    )


@pytest.mark.parametrize("fmt", FORMATS)
def test_a_route_falls_back_and_answers_as_the_model_that_served(
    gateway: Gateway, fake: FakeProvider, fmt: str
) -> None:
    fake.script("claude-sonnet-4-6", "status=529", "status=529", "status=529")  # route: 2 retries on 529
    seen = ask(gateway, fmt, "hyperinfer/sonnet-with-fallback")
    assert seen.model == "anthropic/claude-haiku-4.5" and seen.text == REPLY
    assert upstream_models(fake) == ["claude-sonnet-4-6"] * 3 + ["claude-haiku-4-5-20251001"]


def test_holds_never_stack_beyond_the_dearest_candidate(gateway: Gateway, fake: FakeProvider) -> None:
    """Credits for the dearer model's worst case, not for both: the dear primary fails, its hold
    is released, and the cheap fallback is held and answers."""
    from hyperinfer.catalog import load_catalog
    from hyperinfer.gateway.estimate import prompt_upper_bound
    from hyperinfer.gateway.metering import worst_case_cost

    from tests.integration.test_billing import workspace

    catalog = load_catalog(gateway.workdir / "providers.yaml")
    dear, cheap = catalog.find("openai/gpt-4.1"), catalog.find("openai/gpt-4o-mini")
    assert dear is not None and cheap is not None
    say, cap = f"hold {time.monotonic_ns()}", 2000
    body = {"model": dear.slug, "messages": [{"role": "user", "content": say}], "max_tokens": cap}
    prompt = prompt_upper_bound(body)
    dear_hold, cheap_hold = worst_case_cost(dear, prompt, cap), worst_case_cost(cheap, prompt, cap)
    credits = dear_hold + cheap_hold // 2  # short of both holds at once
    _, key = workspace(gateway, f"ws_hold_{time.monotonic_ns()}", credits / 1_000_000)
    fake.script("gpt-4.1", "status=503")
    response = httpx.post(
        f"{gateway.url}/api/v1/chat/completions",
        json={**body, "fallbacks": [{"model": cheap.slug}]},
        headers={"Authorization": f"Bearer {key}"},
        timeout=30,
    )
    assert response.status_code == 200, response.text
    assert response.json()["model"] == cheap.slug
    assert upstream_models(fake) == ["gpt-4.1", "gpt-4o-mini"]
