"""Every ingress format against every upstream kind, through the real path: the official SDKs ->
`hyperinfer dev` -> the fake provider over HTTP (hostile delivery), streamed and not."""

from __future__ import annotations

import json

import anthropic
import openai
import pytest
from hyperinfer.ir.effort import EFFORT_BUDGET
from hyperinfer.local.fakes.server import JSON_REPLY, REPLY_WORDS, THINKING, TOOL_ARGUMENTS, FakeProvider

from tests.integration import upstream_view as up
from tests.integration.clients import PNG, RUNNERS, Conversation, Seen
from tests.integration.conftest import Gateway

REPLY = " ".join(REPLY_WORDS)
MODELS = {
    "openai_chat": "openai/gpt-5-mini",
    "openai_responses": "openai/gpt-5.3-codex",
    "anthropic": "anthropic/claude-sonnet-4.6",
    "bedrock": "anthropic/claude-sonnet-4.6-bedrock",
    "openai_compatible": "deepseek/deepseek-v4-flash",  # the DeepSeek fake: its wire's quirks
    "gemini": "google/gemini-3.8-flash",
}
INGRESSES = tuple(RUNNERS)
PAIRS = [(ingress, kind) for ingress in INGRESSES for kind in MODELS]
STOP = {
    "stop": "end",
    "completed": "end",
    "end_turn": "end",
    "tool_calls": "tool",
    "tool_use": "tool",
    "length": "max",
    "incomplete": "max",
    "max_tokens": "max",
}

streams = pytest.mark.parametrize("stream", [False, True], ids=["plain", "stream"])
pairs = pytest.mark.parametrize(("ingress", "kind"), PAIRS, ids=[f"{i}->{k}" for i, k in PAIRS])


def run(gateway: Gateway, ingress: str, kind: str, conv: Conversation, stream: bool) -> Seen:
    return RUNNERS[ingress](gateway, MODELS[kind], conv, stream=stream)


@streams
@pairs
def test_plain_text(gateway: Gateway, fake: FakeProvider, ingress: str, kind: str, stream: bool) -> None:
    seen = run(gateway, ingress, kind, Conversation(), stream)
    assert seen.text == REPLY
    assert STOP[seen.stop] == "end"
    assert seen.completion_tokens > 0 and seen.prompt_tokens > 0
    assert seen.cost is not None and seen.cost > 0
    [call] = fake.calls
    assert up.kind_of(call) == kind
    assert up.model_sent(call) != MODELS[kind]  # the provider's own id went upstream


@streams
@pairs
def test_system_and_earlier_turns_arrive_in_order(
    gateway: Gateway, fake: FakeProvider, ingress: str, kind: str, stream: bool
) -> None:
    seen = run(
        gateway, ingress, kind, Conversation(say="Second question", system="Be brief.", history=True), stream
    )
    assert seen.text == REPLY
    [call] = fake.calls
    assert up.system_text(call) == "Be brief."
    wire = json.dumps(call["body"], ensure_ascii=False)
    positions = [
        wire.index(s) for s in ("First question", "12°C and sunny", "It is 12°C in Paris.", "Second question")
    ]
    assert positions == sorted(positions)


@streams
@pairs
def test_tool_result_round_trip(
    gateway: Gateway, fake: FakeProvider, ingress: str, kind: str, stream: bool
) -> None:
    run(gateway, ingress, kind, Conversation(say="And now?", history=True), stream)
    [call] = fake.calls
    result = up.tool_result(call, "call_1")
    assert result is not None and "12°C and sunny" in result
    assert up.tool_names(call) == ["get_weather"]


@streams
@pairs
@pytest.mark.parametrize("count", [1, 2])
def test_tool_calls(
    gateway: Gateway, fake: FakeProvider, ingress: str, kind: str, stream: bool, count: int
) -> None:
    seen = run(gateway, ingress, kind, Conversation(say=f"[[fake tools={count}]]", tools=True), stream)
    assert seen.tool_calls == [("get_weather", TOOL_ARGUMENTS[i]) for i in range(count)]
    assert STOP[seen.stop] == "tool"


@streams
@pairs
def test_image_reaches_the_provider(
    gateway: Gateway, fake: FakeProvider, ingress: str, kind: str, stream: bool
) -> None:
    seen = run(gateway, ingress, kind, Conversation(say="What is this?", image=True), stream)
    assert seen.text == REPLY
    assert up.has_image(fake.calls[0], PNG)


@streams
@pairs
def test_reasoning(gateway: Gateway, fake: FakeProvider, ingress: str, kind: str, stream: bool) -> None:
    seen = run(gateway, ingress, kind, Conversation(say="Think. [[fake think]]", reasoning=True), stream)
    assert seen.text == REPLY
    sent = up.reasoning_sent(fake.calls[0])
    if kind in ("anthropic", "bedrock"):  # Claude, on Anthropic's API or on Bedrock
        # Chat and Responses clients ask for "high": the documented effort-to-budget table decides.
        budget = 2048 if ingress == "anthropic_messages" else EFFORT_BUDGET["high"]
        assert sent == {"type": "enabled", "budget_tokens": budget}
    elif kind == "openai_responses":
        assert sent["effort"] in ("high", "low")
    elif kind == "gemini":  # a level model: Anthropic's 2048-token budget counts as "low"
        level = "LOW" if ingress == "anthropic_messages" else "HIGH"
        assert sent == {"includeThoughts": True, "thinkingLevel": level}
    else:
        assert sent in ("high", "low")
    if kind == "openai_compatible":  # DeepSeek switches thinking with its own field
        assert fake.calls[0]["body"]["thinking"] == {"type": "enabled"}
        if ingress != "anthropic_messages":
            assert seen.reasoning_tokens == 12  # completion_tokens_details, as DeepSeek reports it
    if kind != "openai_chat":  # OpenAI Chat never returns reasoning text, only its token count
        assert THINKING in seen.reasoning
    elif ingress != "anthropic_messages":  # Anthropic usage has no reasoning-token field
        assert seen.reasoning_tokens == 12


@streams
@pairs
def test_structured_output(
    gateway: Gateway, fake: FakeProvider, ingress: str, kind: str, stream: bool
) -> None:
    seen = run(
        gateway, ingress, kind, Conversation(say="Answer in JSON [[fake json]]", json_schema=True), stream
    )
    assert json.loads(seen.text) == JSON_REPLY
    assert STOP[seen.stop] == "end" and seen.tool_calls == []
    body = fake.calls[0]["body"]
    if kind == "anthropic" and ingress == "anthropic_messages":  # passthrough: Anthropic's own field
        assert body["output_config"]["format"]["type"] == "json_schema"
    elif kind == "bedrock":  # emulated in Converse's toolConfig
        forced = body["toolConfig"]["toolChoice"]["tool"]["name"]
        assert any(t["toolSpec"]["name"] == forced for t in body["toolConfig"]["tools"])
    elif kind == "anthropic":  # emulated: a forced tool whose input is the answer
        assert body["tool_choice"]["type"] == "tool"
        assert next(t for t in body["tools"] if t["name"] == body["tool_choice"]["name"])["input_schema"]
    elif kind == "openai_responses":
        assert body["text"]["format"]["type"] == "json_schema"
    elif kind == "gemini":
        config = body["generationConfig"]
        assert config["responseMimeType"] == "application/json" and config["responseJsonSchema"]
    else:
        assert body["response_format"]["type"] == "json_schema"


@streams
@pairs
def test_cached_tokens_are_reported(gateway: Gateway, ingress: str, kind: str, stream: bool) -> None:
    seen = run(gateway, ingress, kind, Conversation(say="[[fake cached=40]]"), stream)
    assert seen.cached_tokens == 40
    assert seen.prompt_tokens > 40


ERRORS: dict[str, tuple[type[Exception], type[Exception]]] = {
    "openai": (openai.APIStatusError, openai.APIError),
    "anthropic": (anthropic.APIStatusError, anthropic.APIError),
}


def error_body(error: Exception) -> dict[str, object]:
    body = getattr(error, "body", None)
    assert isinstance(body, dict), body
    inner = body.get("error", body)
    assert isinstance(inner, dict)
    return inner


@streams
@pairs
@pytest.mark.parametrize(
    ("directive", "status", "code"),
    [
        ("status=429 retry_after=7", 429, "provider_rate_limit"),
        ("status=500", 502, "provider_unavailable"),
        ("context", 400, "context_length_exceeded"),
    ],
)
def test_upstream_errors_arrive_in_the_clients_envelope(
    gateway: Gateway, ingress: str, kind: str, stream: bool, directive: str, status: int, code: str
) -> None:
    family = "anthropic" if ingress == "anthropic_messages" else "openai"
    with pytest.raises(ERRORS[family][0]) as caught:
        run(gateway, ingress, kind, Conversation(say=f"[[fake {directive}]]"), stream)
    error = caught.value
    assert isinstance(error, openai.APIStatusError | anthropic.APIStatusError)
    assert error.status_code == status
    assert error_body(error)["code"] == code
    if status in (429, 529):
        assert error.response.headers["retry-after"] in ("7", "3")


@pairs
def test_mid_stream_failure_ends_with_an_error(gateway: Gateway, ingress: str, kind: str) -> None:
    family = "anthropic" if ingress == "anthropic_messages" else "openai"
    with pytest.raises(ERRORS[family][1]):
        run(gateway, ingress, kind, Conversation(say="[[fake midstream_error]]"), stream=True)
