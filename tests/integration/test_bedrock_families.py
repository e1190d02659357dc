"""Bedrock's model families through `hyperinfer dev` and the fake Bedrock: each family's own request
fields (Nova's reasoningConfig, gpt-oss's reasoning_effort), cache hints only where Converse caches,
and the answer, usage and cost back in the client's format. Claude on Bedrock is in the any-to-any
matrix (test_any_to_any.py)."""

from __future__ import annotations

from typing import Any

import anthropic
import pytest
from hyperinfer.local.fakes.server import REPLY_WORDS, THINKING, FakeProvider

from tests.integration.conftest import DEV_KEY, Gateway

REPLY = " ".join(REPLY_WORDS)
NOVA, GPT_OSS = "amazon/nova-2-lite", "openai/gpt-oss-120b"


def only_call(fake: FakeProvider) -> dict[str, Any]:
    [call] = fake.calls
    assert call["path"].startswith("/model/") and call["outcome"] == "completed"
    return call


@pytest.mark.parametrize("stream", [False, True], ids=["plain", "stream"])
@pytest.mark.parametrize(
    ("model", "upstream", "fields"),
    [
        (
            NOVA,
            "us.amazon.nova-2-lite-v1:0",
            {"reasoningConfig": {"type": "enabled", "maxReasoningEffort": "high"}},
        ),
        (GPT_OSS, "openai.gpt-oss-120b-1:0", {"reasoning_effort": "high"}),
    ],
)
def test_reasoning_effort_in_each_familys_own_field(
    gateway: Gateway, fake: FakeProvider, model: str, upstream: str, fields: dict[str, Any], stream: bool
) -> None:
    client = gateway.client()
    messages: Any = [{"role": "user", "content": "Think first. [[fake think]]"}]
    if stream:
        chunks = list(
            client.chat.completions.create(
                model=model,
                messages=messages,
                reasoning_effort="high",
                stream=True,
                stream_options={"include_usage": True},
            )
        )
        text = "".join(c.choices[0].delta.content or "" for c in chunks if c.choices)
        usage = chunks[-1].usage
    else:
        answer = client.chat.completions.create(model=model, messages=messages, reasoning_effort="high")
        text, usage = answer.choices[0].message.content or "", answer.usage
    assert text == REPLY
    assert usage is not None and usage.prompt_tokens > 0 and usage.completion_tokens > 0
    call = only_call(fake)
    assert call["model"] == upstream  # the id in the path, decoded back by the fake
    assert call["body"]["additionalModelRequestFields"] == fields
    assert call["path"].endswith("/converse-stream" if stream else "/converse")


def test_cache_hints_become_cache_points_on_nova_and_are_dropped_on_gpt_oss(
    gateway: Gateway, fake: FakeProvider
) -> None:
    client = anthropic.Anthropic(base_url=f"{gateway.url}/api", api_key=DEV_KEY, max_retries=0, timeout=20)
    system: Any = [{"type": "text", "text": "A long, stable prompt.", "cache_control": {"type": "ephemeral"}}]
    messages: Any = [{"role": "user", "content": "Hi [[fake cached=30]]"}]

    nova = client.messages.with_raw_response.create(
        model=NOVA, max_tokens=512, system=system, messages=messages
    )
    body = only_call(fake)["body"]
    assert body["system"] == [{"text": "A long, stable prompt."}, {"cachePoint": {"type": "default"}}]
    assert nova.parse().usage.cache_read_input_tokens == 30
    assert "cache_control" not in (nova.headers.get("x-hyperinfer-dropped-params") or "")

    fake.calls.clear()
    oss = client.messages.with_raw_response.create(
        model=GPT_OSS, max_tokens=512, system=system, messages=messages
    )
    body = only_call(fake)["body"]
    assert body["system"] == [{"text": "A long, stable prompt."}]
    assert "cache_control" in oss.headers["x-hyperinfer-dropped-params"].split(",")
    assert oss.parse().content[0].type == "text"


def test_nova_reasoning_comes_back_as_thinking(gateway: Gateway, fake: FakeProvider) -> None:
    client = anthropic.Anthropic(base_url=f"{gateway.url}/api", api_key=DEV_KEY, max_retries=0, timeout=20)
    answer = client.messages.create(
        model=NOVA,
        max_tokens=4096,
        thinking={"type": "enabled", "budget_tokens": 2048},
        messages=[{"role": "user", "content": "Hi [[fake think]]"}],
    )
    assert [block.type for block in answer.content] == ["thinking", "text"]
    assert answer.content[0].thinking == THINKING  # type: ignore[union-attr]
    body = only_call(fake)["body"]
    assert body["additionalModelRequestFields"] == {
        "reasoningConfig": {"type": "enabled", "maxReasoningEffort": "low"}
    }
