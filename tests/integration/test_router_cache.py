"""The exact-match cache through `hyperinfer dev` and the official SDKs: a hit answers without an
upstream call, with a fresh id, cost 0 and `X-HyperInfer-Cache: hit`; one entry serves the request
streamed or not in the client's own protocol; entries expire; workspaces never share them; errors
and broken streams are never kept."""

from __future__ import annotations

import time
from collections.abc import Iterator
from typing import Any

import pytest
from hyperinfer.local.fakes.server import REPLY_WORDS, FakeProvider

from tests.integration.conftest import Gateway
from tests.integration.router_clients import FORMATS, NATIVE, OTHER, ask, generation, refusal, router_gateway
from tests.integration.test_billing import workspace
from tests.integration.test_router import LIFECYCLE

REPLY = " ".join(REPLY_WORDS)
CACHE = {"type": "exact_match", "ttl": 60}
ROUTES = {"test/cached-mini": {"models": ["openai/gpt-4o-mini"], "cache": {"type": "exact_match", "ttl": 60}}}


@pytest.fixture(scope="module")
def gateway(fake: FakeProvider, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Gateway]:
    with router_gateway(fake, tmp_path_factory.mktemp("router-cache"), routes=ROUTES) as running:
        yield running


def unique(label: str) -> str:
    """A question no other test asks, so each test starts on a cold cache."""
    return f"{label} {time.monotonic_ns()}"


@pytest.mark.parametrize("models", [NATIVE, OTHER], ids=["same-format", "through-ir"])
@pytest.mark.parametrize("first_streamed", [False, True])
@pytest.mark.parametrize("fmt", FORMATS)
def test_a_hit_answers_without_upstream_streamed_or_not(
    gateway: Gateway, fake: FakeProvider, fmt: str, first_streamed: bool, models: dict[str, tuple[str, str]]
) -> None:
    slug, _ = models[fmt]
    say = unique("cache me")
    miss = ask(gateway, fmt, slug, say, stream=first_streamed, cache=CACHE)
    assert miss.headers["x-hyperinfer-cache"] == "miss" and miss.text == REPLY
    assert len(fake.calls) == 1
    for stream in (False, True):
        hit = ask(gateway, fmt, slug, say, stream=stream, cache=CACHE)
        assert hit.headers["x-hyperinfer-cache"] == "hit"
        assert hit.text == REPLY and hit.model == slug
        assert hit.id != miss.id and hit.cost == 0
        record = generation(gateway, hit.id)
        assert record["status"] == "success" and record["cached"] is True and record["cost_micro_usd"] == "0"
    assert len(fake.calls) == 1  # the hits never went upstream


def test_what_does_not_change_the_answer_still_hits(gateway: Gateway, fake: FakeProvider) -> None:
    say = unique("noise")
    ask(gateway, "chat_completions", "openai/gpt-4o", say, cache=CACHE, name="a", metadata={"k": "1"})
    hit = ask(gateway, "chat_completions", "gpt-4o", say, cache={"type": "exact_match", "ttl": 5}, name="b")
    assert hit.headers["x-hyperinfer-cache"] == "hit" and len(fake.calls) == 1


def test_what_changes_the_answer_misses(gateway: Gateway, fake: FakeProvider) -> None:
    say = unique("params")
    ask(gateway, "chat_completions", "openai/gpt-4o", say, cache=CACHE)
    other = ask(gateway, "chat_completions", "openai/gpt-4o", say, cache=CACHE, temperature=0.1)
    assert other.headers["x-hyperinfer-cache"] == "miss" and len(fake.calls) == 2


def test_an_entry_expires_after_its_ttl(gateway: Gateway, fake: FakeProvider) -> None:
    say = unique("short-lived")
    short = {"type": "exact_match", "ttl": 1}
    ask(gateway, "chat_completions", "openai/gpt-4o", say, cache=short)
    assert (
        ask(gateway, "chat_completions", "openai/gpt-4o", say, cache=short).headers["x-hyperinfer-cache"]
        == "hit"
    )
    time.sleep(1.2)
    late = ask(gateway, "chat_completions", "openai/gpt-4o", say, cache=short)
    assert late.headers["x-hyperinfer-cache"] == "miss" and len(fake.calls) == 2


def test_another_workspace_never_sees_the_entry(gateway: Gateway, fake: FakeProvider) -> None:
    say = unique("private")
    _, theirs = workspace(gateway, f"ws_cache_{time.monotonic_ns()}", 5)
    ask(gateway, "chat_completions", "openai/gpt-4o", say, cache=CACHE)
    elsewhere = ask(gateway, "chat_completions", "openai/gpt-4o", say, key=theirs, cache=CACHE)
    assert elsewhere.headers["x-hyperinfer-cache"] == "miss" and len(fake.calls) == 2


def test_a_locked_workspace_gets_no_cached_answer(gateway: Gateway, fake: FakeProvider) -> None:
    say = unique("locked")
    store, key = workspace(gateway, f"ws_locked_{time.monotonic_ns()}", 5)
    ask(gateway, "chat_completions", "openai/gpt-4o", say, key=key, cache=CACHE)
    store.set_locked(store_workspace_of(store, key), True)
    response = refusal_with(gateway, key, say)
    assert response.status_code == 403 and response.json()["error"]["code"] == "workspace_locked"
    assert len(fake.calls) == 1


def store_workspace_of(store: Any, key: str) -> str:
    found = store.find_key(key)
    assert found is not None
    workspace_id: str = found.workspace_id
    return workspace_id


def refusal_with(gateway: Gateway, key: str, say: str) -> Any:
    import httpx

    body = {"model": "openai/gpt-4o", "messages": [{"role": "user", "content": say}], "cache": CACHE}
    return httpx.post(
        f"{gateway.url}/api/v1/chat/completions",
        json=body,
        headers={"Authorization": f"Bearer {key}"},
        timeout=30,
    )


@pytest.mark.parametrize("fmt", FORMATS)
def test_errors_and_broken_streams_are_never_cached(gateway: Gateway, fake: FakeProvider, fmt: str) -> None:
    slug, upstream = NATIVE[fmt]
    say = unique("fragile")
    fake.script(upstream, "status=503", f"midstream_error error_after={LIFECYCLE[fmt] + 2}")
    assert refusal(gateway, fmt, slug, say, cache=CACHE).status_code == 502
    broken = ask(gateway, fmt, slug, say, stream=True, cache=CACHE)
    assert broken.error is not None
    again = ask(gateway, fmt, slug, say, cache=CACHE)
    assert again.headers["x-hyperinfer-cache"] == "miss" and again.text == REPLY
    assert len(fake.calls) == 3


def test_a_plain_request_says_nothing_about_the_cache(gateway: Gateway) -> None:
    assert "x-hyperinfer-cache" not in ask(gateway, "chat_completions", "openai/gpt-4o").headers


def test_a_routes_cache_applies_to_a_client_that_sends_only_a_model(
    gateway: Gateway, fake: FakeProvider
) -> None:
    say = unique("route")
    fields: dict[str, Any] = {}
    ask(gateway, "responses", "test/cached-mini", say, **fields)
    hit = ask(gateway, "responses", "test/cached-mini", say, stream=True)
    assert hit.headers["x-hyperinfer-cache"] == "hit" and hit.model == "openai/gpt-4o-mini"
    assert len(fake.calls) == 1
