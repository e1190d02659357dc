"""Chat completions through the real path: the official OpenAI SDK -> `hyperinfer dev` -> fake provider."""

from __future__ import annotations

import math
import time

import httpx
import openai
import pytest
from hyperinfer.catalog import load_catalog
from hyperinfer.local.fakes.server import REPLY_WORDS, FakeProvider
from openai.types.chat import ChatCompletionMessageParam

from tests.integration.conftest import DEV_KEY, MAX_BODY, Gateway
from tests.support import UNSET_KEY_VARIABLE, UPSTREAM_KEY

MODEL = "openai/gpt-4.1-mini"
REPLY = " ".join(REPLY_WORDS)
HELLO: list[ChatCompletionMessageParam] = [
    {"role": "system", "content": "Be brief."},
    {"role": "user", "content": "Hello"},
]


def expected_cost(gateway: Gateway, prompt: int, cached: int, completion: int) -> float:
    model = load_catalog(gateway.workdir / "providers.yaml").find(MODEL)
    assert model is not None and model.pricing.cached_prompt is not None
    exact = (prompt - cached) * model.pricing.prompt + cached * model.pricing.cached_prompt
    exact += completion * model.pricing.completion
    return math.ceil(exact) / 1_000_000


def test_completion_comes_back_with_gateway_id_model_and_cost(gateway: Gateway, fake: FakeProvider) -> None:
    raw = gateway.client().chat.completions.with_raw_response.create(model=MODEL, messages=HELLO)
    completion = raw.parse()
    request_id = raw.headers["x-request-id"]
    assert completion.id == f"gen-{request_id}"
    assert completion.model == MODEL
    assert completion.choices[0].message.content == REPLY
    assert completion.choices[0].finish_reason == "stop"
    usage = completion.usage
    assert usage is not None and usage.completion_tokens == len(REPLY_WORDS)
    cost = (usage.model_extra or {})["cost"]
    assert cost == pytest.approx(expected_cost(gateway, usage.prompt_tokens, 0, usage.completion_tokens))
    # What arrived upstream: the provider's model id, our provider key, the client's messages.
    [call] = fake.calls
    assert call["body"]["model"] == "gpt-4.1-mini"
    assert call["authorization"] == f"Bearer {UPSTREAM_KEY}"
    assert call["body"]["messages"] == HELLO


def test_unknown_fields_pass_through_and_gateway_fields_do_not(gateway: Gateway, fake: FakeProvider) -> None:
    gateway.client().chat.completions.create(
        model=MODEL, messages=HELLO, seed=7, logit_bias={"50256": -100}, extra_body={"hi_tool_events": False}
    )
    body = fake.calls[0]["body"]
    assert body["seed"] == 7 and body["logit_bias"] == {"50256": -100}
    assert "hi_tool_events" not in body


def test_x_api_key_header_authenticates_too(gateway: Gateway) -> None:
    response = httpx.post(
        f"{gateway.openai_base}/chat/completions",
        headers={"x-api-key": DEV_KEY},
        json={"model": MODEL, "messages": HELLO},
    )
    assert response.status_code == 200
    assert response.json()["choices"][0]["message"]["content"] == REPLY


def test_stream_has_role_frame_deltas_finish_usage_chunk_and_done(
    gateway: Gateway, fake: FakeProvider
) -> None:
    client = gateway.client()
    with client.chat.completions.with_streaming_response.create(
        model=MODEL, messages=HELLO, stream=True
    ) as raw:
        request_id = raw.headers["x-request-id"]
        assert raw.headers["content-type"].startswith("text/event-stream")
        chunks = list(raw.parse())
    assert {chunk.id for chunk in chunks} == {f"gen-{request_id}"}
    assert {chunk.model for chunk in chunks} == {MODEL}
    assert chunks[0].choices[0].delta.role == "assistant"
    text = "".join(c.choices[0].delta.content or "" for c in chunks if c.choices)
    assert text == REPLY  # multi-byte characters survived 7-byte writes upstream
    finishes = [c.choices[0].finish_reason for c in chunks if c.choices and c.choices[0].finish_reason]
    assert finishes == ["stop"]
    last = chunks[-1]
    assert last.choices == [] and last.usage is not None
    assert last.usage.completion_tokens == len(REPLY_WORDS)
    assert (last.usage.model_extra or {})["cost"] > 0
    # The client did not ask for usage; the gateway asked upstream anyway.
    assert fake.calls[0]["body"]["stream_options"] == {"include_usage": True}


def test_stream_ends_with_done_and_reports_cached_tokens(gateway: Gateway) -> None:
    body = {
        "model": MODEL,
        "stream": True,
        "messages": [{"role": "user", "content": "hi [[fake cached=40]]"}],
    }
    with httpx.stream(
        "POST",
        f"{gateway.openai_base}/chat/completions",
        json=body,
        headers={"Authorization": f"Bearer {DEV_KEY}"},
    ) as response:
        lines = [line for line in response.iter_lines() if line]
    assert lines[-1] == "data: [DONE]"
    import json

    usage = json.loads(lines[-2].removeprefix("data: "))["usage"]
    assert usage["prompt_tokens_details"]["cached_tokens"] == 40
    assert usage["cost"] == pytest.approx(
        expected_cost(gateway, usage["prompt_tokens"], 40, usage["completion_tokens"])
    )


def test_keepalive_comments_fill_upstream_silence(gateway: Gateway) -> None:
    body = {
        "model": MODEL,
        "stream": True,
        "messages": [{"role": "user", "content": "[[fake chunk_delay=0.8 words=2]]"}],
    }
    with httpx.stream(
        "POST",
        f"{gateway.openai_base}/chat/completions",
        json=body,
        headers={"Authorization": f"Bearer {DEV_KEY}"},
    ) as response:
        lines = list(response.iter_lines())
    assert ": keep-alive" in lines
    assert lines[-2:] == ["data: [DONE]", ""] or [line for line in lines if line][-1] == "data: [DONE]"


def test_bad_key_is_401_invalid_api_key(gateway: Gateway) -> None:
    with pytest.raises(openai.AuthenticationError) as caught:
        gateway.client("sk-hi-not-a-real-key").chat.completions.create(model=MODEL, messages=HELLO)
    error = caught.value.body
    assert isinstance(error, dict) and error["code"] == "invalid_api_key"
    assert error["request_id"] == caught.value.response.headers["x-request-id"]


def test_missing_key_is_401(gateway: Gateway) -> None:
    response = httpx.post(f"{gateway.openai_base}/chat/completions", json={"model": MODEL, "messages": HELLO})
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "invalid_api_key"


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"model": MODEL, "messages": []}, "messages"),
        ({"model": MODEL, "messages": [{"role": "robot", "content": "hi"}]}, "messages[0].role"),
        ({"model": MODEL, "messages": HELLO, "temperature": 2.5}, "temperature"),
        ({"model": MODEL, "messages": HELLO, "max_tokens": 0}, "max_tokens"),
        ({"messages": HELLO}, "model"),
        (
            {"model": MODEL, "messages": [{"role": "user", "content": [{"type": "image_url"}]}]},
            "messages[0].content[0].image_url",
        ),
    ],
)
def test_bad_body_is_400_naming_the_field(gateway: Gateway, body: dict[str, object], field: str) -> None:
    response = httpx.post(
        f"{gateway.openai_base}/chat/completions", json=body, headers={"Authorization": f"Bearer {DEV_KEY}"}
    )
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["code"] == "invalid_request" and error["type"] == "invalid_request_error"
    assert error["param"] == field and error["message"].startswith(field)


def test_body_that_is_not_json_is_400(gateway: Gateway) -> None:
    response = httpx.post(
        f"{gateway.openai_base}/chat/completions",
        content=b"{not json",
        headers={"Authorization": f"Bearer {DEV_KEY}"},
    )
    assert response.status_code == 400
    assert "not valid JSON" in response.json()["error"]["message"]


def test_unknown_model_is_400_invalid_request(gateway: Gateway, fake: FakeProvider) -> None:
    with pytest.raises(openai.BadRequestError) as caught:
        gateway.client().chat.completions.create(model="nobody/nothing-1", messages=HELLO)
    assert isinstance(caught.value.body, dict)
    assert caught.value.body["code"] == "invalid_request" and caught.value.body["param"] == "model"
    assert fake.calls == []


def test_body_over_the_limit_is_413(gateway: Gateway) -> None:
    big: list[ChatCompletionMessageParam] = [{"role": "user", "content": "x" * (MAX_BODY + 10)}]
    with pytest.raises(openai.APIStatusError) as caught:
        gateway.client().chat.completions.create(model=MODEL, messages=big)
    assert caught.value.status_code == 413
    assert isinstance(caught.value.body, dict) and caught.value.body["code"] == "payload_too_large"


def test_provider_without_key_is_502_naming_the_variable(gateway: Gateway, fake: FakeProvider) -> None:
    with pytest.raises(openai.APIStatusError) as caught:
        gateway.client().chat.completions.create(model="test/unkeyed", messages=HELLO)
    assert caught.value.status_code == 502
    assert isinstance(caught.value.body, dict) and caught.value.body["code"] == "provider_auth"
    assert UNSET_KEY_VARIABLE in caught.value.body["message"]
    assert fake.calls == []


@pytest.mark.parametrize("stream", [False, True])
def test_upstream_429_keeps_retry_after_and_scrubs_secrets(gateway: Gateway, stream: bool) -> None:
    messages: list[ChatCompletionMessageParam] = [
        {"role": "user", "content": "[[fake status=429 retry_after=7]]"}
    ]
    with pytest.raises(openai.RateLimitError) as caught:
        result = gateway.client().chat.completions.create(model=MODEL, messages=messages, stream=stream)
        list(result)
    assert caught.value.response.headers["retry-after"] == "7"
    body = caught.value.body
    assert isinstance(body, dict) and body["code"] == "provider_rate_limit"
    assert "sk-proj" not in body["message"] and "[redacted]" in body["message"]


@pytest.mark.parametrize(
    ("directive", "status", "code"),
    [
        ("status=500", 502, "provider_unavailable"),
        ("status=503", 502, "provider_unavailable"),
        ("status=401", 502, "provider_auth"),
        ("status=529", 529, "provider_overloaded"),
        ("context", 400, "context_length_exceeded"),
        ("delay=3", 504, "provider_timeout"),
    ],
)
def test_upstream_failures_map_into_the_taxonomy(
    gateway: Gateway, directive: str, status: int, code: str
) -> None:
    messages: list[ChatCompletionMessageParam] = [{"role": "user", "content": f"[[fake {directive}]]"}]
    with pytest.raises(openai.APIStatusError) as caught:
        gateway.client().chat.completions.create(model=MODEL, messages=messages)
    assert caught.value.status_code == status
    assert isinstance(caught.value.body, dict) and caught.value.body["code"] == code


@pytest.mark.parametrize(
    ("directive", "code"), [("midstream_error", "provider_unavailable"), ("drop", "provider_unavailable")]
)
def test_mid_stream_failure_ends_with_an_error_not_a_finish(
    gateway: Gateway, directive: str, code: str
) -> None:
    stream = gateway.client().chat.completions.create(
        model=MODEL, messages=[{"role": "user", "content": f"[[fake {directive}]]"}], stream=True
    )
    received = []
    with pytest.raises(openai.APIError) as caught:
        for chunk in stream:
            received.append(chunk)
    assert received and all(not c.choices or c.choices[0].finish_reason is None for c in received)
    assert isinstance(caught.value.body, dict) and caught.value.body["code"] == code


def test_client_disconnect_cancels_the_upstream_call(gateway: Gateway, fake: FakeProvider) -> None:
    body = {
        "model": MODEL,
        "stream": True,
        "messages": [{"role": "user", "content": "[[fake chunk_delay=0.5]]"}],
    }
    with httpx.stream(
        "POST",
        f"{gateway.openai_base}/chat/completions",
        json=body,
        headers={"Authorization": f"Bearer {DEV_KEY}"},
    ) as response:
        first = next(line for line in response.iter_lines() if line.startswith("data:"))
        assert '"role":"assistant"' in first
    closed = time.monotonic()
    # Left alone, the upstream stream would run for 8 x 0.5 s more; it must be cancelled well before.
    while fake.calls[0]["outcome"] == "pending" and time.monotonic() - closed < 3:
        time.sleep(0.05)
    assert fake.calls[0]["outcome"] == "disconnected"
    assert time.monotonic() - closed < 3
