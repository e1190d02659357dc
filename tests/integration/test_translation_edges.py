"""What crossing formats adds to the contract: dropped advisory fields named in a header, token
counting for Claude Code, cancellation and error shapes on the IR path."""

from __future__ import annotations

import time

import anthropic
import httpx
from anthropic.types import MessageParam
from hyperinfer.local.fakes.server import FakeProvider

from tests.integration.conftest import DEV_KEY, Gateway

CLAUDE = "anthropic/claude-sonnet-4.6"
HELLO: list[MessageParam] = [{"role": "user", "content": "Hello"}]


def post(gateway: Gateway, path: str, body: dict[str, object]) -> httpx.Response:
    return httpx.post(
        f"{gateway.url}{path}", json=body, headers={"Authorization": f"Bearer {DEV_KEY}"}, timeout=20
    )


def test_advisory_fields_the_target_cannot_take_are_named_in_a_header(
    gateway: Gateway, fake: FakeProvider
) -> None:
    response = post(
        gateway,
        "/api/v1/chat/completions",
        {"model": CLAUDE, "messages": HELLO, "seed": 7, "service_tier": "auto"},
    )
    assert response.status_code == 200
    dropped = response.headers["x-hyperinfer-dropped-params"].split(",")
    assert sorted(dropped) == ["seed", "service_tier"]
    body = fake.calls[0]["body"]
    assert "seed" not in body and "service_tier" not in body


def test_nothing_dropped_means_no_header(gateway: Gateway) -> None:
    response = post(gateway, "/api/v1/chat/completions", {"model": CLAUDE, "messages": HELLO})
    assert response.status_code == 200 and "x-hyperinfer-dropped-params" not in response.headers


def test_meaning_changing_fields_are_refused_by_name(gateway: Gateway, fake: FakeProvider) -> None:
    response = post(
        gateway, "/api/v1/chat/completions", {"model": CLAUDE, "messages": HELLO, "temperature": 1.5}
    )
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["code"] == "invalid_request" and error["param"] == "temperature"
    assert fake.calls == []


def test_count_tokens_answers_with_an_estimate(gateway: Gateway) -> None:
    client = anthropic.Anthropic(base_url=f"{gateway.url}/api", api_key=DEV_KEY, max_retries=0)
    short = client.messages.count_tokens(model=CLAUDE, messages=[{"role": "user", "content": "Hi"}])
    long = client.messages.count_tokens(model=CLAUDE, messages=[{"role": "user", "content": "Hi " * 400}])
    assert 0 < short.input_tokens < long.input_tokens
    raw = client.messages.with_raw_response.count_tokens(model=CLAUDE, messages=HELLO)
    assert raw.headers["x-hyperinfer-token-count"] == "estimate"


def test_seed_refusals_hold_on_the_passthrough_path_too(gateway: Gateway, fake: FakeProvider) -> None:
    response = httpx.post(
        f"{gateway.url}/api/v1/messages",
        headers={"x-api-key": DEV_KEY},
        json={
            "model": CLAUDE,
            "max_tokens": 10,
            "messages": HELLO,
            "response_format": {"type": "json_object"},
        },
    )
    assert response.status_code == 400
    assert (
        response.json()["error"]["code"] == "invalid_request"
        and "response_format" in response.json()["error"]["message"]
    )
    response = post(
        gateway,
        "/api/v1/responses",
        {"model": "openai/gpt-5.3-codex", "input": "hi", "previous_response_id": "resp_1"},
    )
    assert response.status_code == 400 and response.json()["error"]["param"] == "previous_response_id"
    assert fake.calls == []


def test_anthropic_envelope_for_errors_on_messages(gateway: Gateway) -> None:
    response = httpx.post(
        f"{gateway.url}/api/v1/messages",
        headers={"x-api-key": "sk-hi-wrong"},
        json={"model": CLAUDE, "max_tokens": 10, "messages": HELLO},
    )
    assert response.status_code == 401
    body = response.json()
    assert body["type"] == "error" and body["error"]["type"] == "authentication_error"
    assert (
        body["error"]["code"] == "invalid_api_key" and body["request_id"] == response.headers["x-request-id"]
    )


def test_client_disconnect_cancels_the_upstream_call_across_formats(
    gateway: Gateway, fake: FakeProvider
) -> None:
    body = {
        "model": "openai/gpt-5-mini",
        "max_tokens": 100,
        "stream": True,
        "messages": [{"role": "user", "content": "[[fake chunk_delay=0.5]]"}],
    }
    with httpx.stream(
        "POST", f"{gateway.url}/api/v1/messages", json=body, headers={"x-api-key": DEV_KEY}
    ) as response:
        first = next(line for line in response.iter_lines() if line.startswith("event:"))
        assert first == "event: message_start"
    closed = time.monotonic()
    while fake.calls[0]["outcome"] == "pending" and time.monotonic() - closed < 3:
        time.sleep(0.05)
    assert fake.calls[0]["outcome"] == "disconnected"
