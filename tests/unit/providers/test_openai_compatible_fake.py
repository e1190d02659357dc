"""The DeepSeek-like fake over real HTTP: the official OpenAI SDK reads it (reasoning_content and
DeepSeek's usage fields arrive as the SDK's extra fields), it refuses what DeepSeek refuses, and
the bodies this adapter builds from the catalog's DeepSeek options are accepted where OpenAI's
defaults are not."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import httpx
import openai
from hyperinfer.catalog import CompatOptions, load_catalog
from hyperinfer.ir.accumulate import Accumulator
from hyperinfer.ir.content import TextBlock, ThinkingBlock, ToolResultBlock, ToolUseBlock
from hyperinfer.ir.request import Message, Reasoning, Request, Tool
from hyperinfer.local.fakes.server import REPLY_WORDS, THINKING, FakeProvider
from hyperinfer.providers.contract import Credentials
from hyperinfer.providers.openai_compatible import ADAPTER
from hyperinfer.providers.target import Target

REPO = Path(__file__).resolve().parents[3]
DEEPSEEK: CompatOptions = (
    load_catalog(REPO / "providers.yaml").providers["deepseek"].compat or CompatOptions()
)
KEY = "sk-deepseek-fake-0123456789abcdef"
TOOL = Tool(name="get_weather", parameters={"type": "object", "properties": {"city": {"type": "string"}}})


def sdk(fake: FakeProvider) -> openai.OpenAI:
    return openai.OpenAI(base_url=fake.url, api_key=KEY, max_retries=0)


def test_the_openai_sdk_reads_deepseeks_reasoning_and_usage(fake: FakeProvider) -> None:
    completion = sdk(fake).chat.completions.create(
        model="deepseek-v4-flash", messages=[{"role": "user", "content": "hi [[fake think cached=7]]"}]
    )
    message = completion.choices[0].message
    assert message.content == " ".join(REPLY_WORDS)
    assert getattr(message, "reasoning_content", None) == THINKING
    assert completion.usage is not None
    extra: dict[str, Any] = completion.usage.model_extra or {}
    assert extra["prompt_cache_hit_tokens"] == 7
    assert (
        extra["prompt_cache_hit_tokens"] + extra["prompt_cache_miss_tokens"] == completion.usage.prompt_tokens
    )


def test_the_openai_sdk_streams_reasoning_deltas(fake: FakeProvider) -> None:
    stream = sdk(fake).chat.completions.create(
        model="deepseek-v4-flash",
        messages=[{"role": "user", "content": "hi [[fake think]]"}],
        stream=True,
        stream_options={"include_usage": True},
    )
    thinking, text, usage = "", "", None
    for chunk in stream:
        for choice in chunk.choices:
            thinking += getattr(choice.delta, "reasoning_content", None) or ""
            text += choice.delta.content or ""
        usage = chunk.usage or usage
    assert thinking == THINKING and text == " ".join(REPLY_WORDS) and usage is not None


def test_it_refuses_fields_deepseek_does_not_know_and_a_missing_key(fake: FakeProvider) -> None:
    url = f"{fake.url}/chat/completions"
    body = {"model": "deepseek-v4-flash", "messages": [{"role": "user", "content": "hi"}]}
    refused = httpx.post(
        url, json={**body, "max_completion_tokens": 5}, headers={"Authorization": f"Bearer {KEY}"}
    )
    assert refused.status_code == 400 and "max_completion_tokens" in refused.json()["error"]["message"]
    assert httpx.post(url, json=body).status_code == 401


def encoded(options: CompatOptions, **fields: Any) -> dict[str, Any]:
    history = (
        Message(role="user", content=(TextBlock(text="Weather? [[fake think]]"),)),
        Message(
            role="assistant",
            content=(
                ThinkingBlock(thinking="call it", signature="s"),
                ToolUseBlock(id="call_1", name="get_weather", input={"city": "Paris"}),
            ),
        ),
        Message(
            role="user", content=(ToolResultBlock(tool_use_id="call_1", content=(TextBlock(text="12°C"),)),)
        ),
    )
    request = Request(model="deepseek/deepseek-v4-flash", messages=history, tools=(TOOL,), **fields)
    target = Target("deepseek-v4-flash", 8192, False, True, compat=options)
    return ADAPTER.encode_request(request, target).body


def test_the_catalogs_deepseek_options_build_a_body_deepseek_accepts(fake: FakeProvider) -> None:
    headers = ADAPTER.headers(Credentials(api_key=KEY))
    fields = {"max_output_tokens": 100, "user": "u1", "reasoning": Reasoning(effort="high")}
    good = httpx.post(f"{fake.url}/chat/completions", json=encoded(DEEPSEEK, **fields), headers=headers)
    assert good.status_code == 200, good.text
    answer = ADAPTER.decode_response(good.json(), DEEPSEEK)
    assert isinstance(answer.content[0], ThinkingBlock) and answer.usage.reasoning_tokens == 12
    # OpenAI's defaults (max_completion_tokens, user, no reasoning echoed) are refused.
    bad = httpx.post(f"{fake.url}/chat/completions", json=encoded(CompatOptions(), **fields), headers=headers)
    assert bad.status_code == 400
    # Without the echo alone, DeepSeek's thinking mode refuses the tool turn.
    no_echo = DEEPSEEK.model_copy(update={"reasoning_echo": False})
    refused = httpx.post(f"{fake.url}/chat/completions", json=encoded(no_echo, **fields), headers=headers)
    assert refused.status_code == 400 and "reasoning_content" in refused.json()["error"]["message"]


def test_a_streamed_answer_over_http_folds_like_the_whole_one(fake: FakeProvider) -> None:
    headers = ADAPTER.headers(Credentials(api_key=KEY))
    body = encoded(DEEPSEEK, stream=True)
    body["stream"], body["stream_options"] = True, {"include_usage": True}
    framer, decoder, acc = ADAPTER.framer(), ADAPTER.stream_decoder(DEEPSEEK, (KEY,)), Accumulator()
    with httpx.stream("POST", f"{fake.url}/chat/completions", json=body, headers=headers) as response:
        for piece in response.iter_bytes():
            for event in framer.feed(piece):
                for ir in decoder.feed(event):
                    acc.add(ir)
    for event in framer.close():
        for ir in decoder.feed(event):
            acc.add(ir)
    for ir in decoder.close():
        acc.add(ir)
    streamed = acc.response()
    whole = ADAPTER.decode_response(
        httpx.post(f"{fake.url}/chat/completions", json={**body, "stream": False}, headers=headers).json(),
        DEEPSEEK,
    )
    assert streamed.content == whole.content and streamed.usage == whole.usage
