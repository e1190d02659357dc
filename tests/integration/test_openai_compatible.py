"""openai_compatible through `hyperinfer dev`, end to end: a keyless local server gets no key, the
DeepSeek-like server's refused fields are left out and named (or refused by name), its cache hits
are billed at the cached price, and its retired names are refused with their date."""

from __future__ import annotations

import math
from decimal import Decimal

import httpx
import openai
from hyperinfer.catalog import load_catalog
from hyperinfer.local.fakes.server import FakeProvider
from openai.types.chat import ChatCompletionMessageParam

from tests.integration.conftest import DEV_KEY, Gateway
from tests.support import REPO

DEEPSEEK = "deepseek/deepseek-v4-flash"
LOCAL = "qwen/qwen3-8b"
HELLO: list[ChatCompletionMessageParam] = [{"role": "user", "content": "Hello"}]


def post(gateway: Gateway, body: dict[str, object]) -> httpx.Response:
    return httpx.post(
        f"{gateway.openai_base}/chat/completions",
        json=body,
        headers={"Authorization": f"Bearer {DEV_KEY}"},
        timeout=20,
    )


def test_a_keyless_local_server_gets_no_authorization(gateway: Gateway, fake: FakeProvider) -> None:
    answer = gateway.client().chat.completions.create(model=LOCAL, messages=HELLO, max_tokens=50, user="u1")
    assert answer.choices[0].message.content and answer.model == LOCAL
    [call] = fake.calls
    assert call["path"] == "/v1/chat/completions"  # the example's base_url path, kept
    assert call["authorization"] is None
    body = call["body"]
    assert body["model"] == "qwen3:8b" and body["max_tokens"] == 50
    assert "max_completion_tokens" not in body and "user" not in body


def test_refused_advisory_fields_are_left_out_and_named(gateway: Gateway, fake: FakeProvider) -> None:
    # (Top-level `metadata` on Chat Completions is the router's own, never sent upstream.)
    response = post(gateway, {"model": DEEPSEEK, "messages": HELLO, "user": "u1"})
    assert response.status_code == 200, response.text
    assert response.headers["x-hyperinfer-dropped-params"].split(",") == ["user"]
    assert "user" not in fake.calls[0]["body"]


def test_a_refused_field_that_changes_the_answer_is_a_400_naming_it(
    gateway: Gateway, fake: FakeProvider
) -> None:
    tools = [{"type": "function", "function": {"name": "f", "parameters": {"type": "object"}}}]
    response = post(
        gateway, {"model": DEEPSEEK, "messages": HELLO, "tools": tools, "parallel_tool_calls": False}
    )
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["code"] == "invalid_request" and error["param"] == "parallel_tool_calls"
    assert fake.calls == []


def test_cache_hits_are_billed_at_the_cached_price(gateway: Gateway) -> None:
    client: openai.OpenAI = gateway.client()
    answer = client.chat.completions.create(
        model=DEEPSEEK, messages=[{"role": "user", "content": "[[fake cached=40]]"}]
    )
    usage = answer.usage
    assert usage is not None and usage.prompt_tokens_details is not None
    cached = usage.prompt_tokens_details.cached_tokens
    assert cached == 40
    model = load_catalog(REPO / "providers.yaml").find(DEEPSEEK)
    assert model is not None and model.pricing.cached_prompt is not None
    micro = math.ceil(
        (usage.prompt_tokens - 40) * model.pricing.prompt
        + 40 * model.pricing.cached_prompt
        + usage.completion_tokens * model.pricing.completion
    )
    extra = usage.model_extra or {}
    assert Decimal(str(extra["cost"])) == Decimal(micro) / 1_000_000


def test_a_retired_deepseek_name_is_refused_with_its_date(gateway: Gateway, fake: FakeProvider) -> None:
    response = post(gateway, {"model": "deepseek-chat", "messages": HELLO})
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["param"] == "model" and "2026-07-24" in error["message"]
    assert fake.calls == []
