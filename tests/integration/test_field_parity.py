"""A field's fate never depends on which provider serves the model (issue 12 point 4): each field
goes down both paths — to a provider of the client's own format (passthrough) and to one of
another format (the IR) — and meets one outcome."""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from hyperinfer.local.fakes.server import FakeProvider

from tests.integration.conftest import DEV_KEY, Gateway

CHAT, RESPONSES, ANTHROPIC = "openai/gpt-5-mini", "openai/gpt-5.3-codex", "anthropic/claude-sonnet-4.6"
# ingress -> (its path, the model served in its own format, a model served through the IR)
PATHS = {
    "chat": ("/api/v1/chat/completions", CHAT, ANTHROPIC),
    "responses": ("/api/v1/responses", RESPONSES, ANTHROPIC),
    "messages": ("/api/v1/messages", ANTHROPIC, CHAT),
}


def _send(gateway: Gateway, ingress: str, model: str, extra: dict[str, Any]) -> httpx.Response:
    path = PATHS[ingress][0]
    if ingress == "chat":
        body: dict[str, Any] = {"model": model, "messages": [{"role": "user", "content": "hi"}]}
    elif ingress == "responses":
        body = {"model": model, "input": "hi"}
    else:
        body = {"model": model, "max_tokens": 64, "messages": [{"role": "user", "content": "hi"}]}
    headers = {"x-api-key": DEV_KEY} if ingress == "messages" else {"Authorization": f"Bearer {DEV_KEY}"}
    return httpx.post(f"{gateway.url}{path}", json={**body, **extra}, headers=headers, timeout=20)


def _both(gateway: Gateway, ingress: str, extra: dict[str, Any]) -> tuple[httpx.Response, httpx.Response]:
    _, native, translated = PATHS[ingress]
    return _send(gateway, ingress, native, extra), _send(gateway, ingress, translated, extra)


def _refusal(response: httpx.Response) -> tuple[int, str, str]:
    error = response.json()["error"]
    return response.status_code, error["code"], error["message"]


REFUSED = [
    ("responses", {"background": True}, "background"),
    ("responses", {"prompt": {"id": "pmpt_123"}}, "prompt"),
    ("responses", {"tools": [{"type": "file_search", "vector_store_ids": ["vs_1"]}]}, "tools[0].type"),
    ("responses", {"tools": [{"type": "code_interpreter", "container": {"type": "auto"}}]}, "tools[0].type"),
    (
        "messages",
        {"mcp_servers": [{"type": "url", "url": "https://mcp.example", "name": "x"}]},
        "mcp_servers",
    ),
    ("messages", {"tools": [{"type": "code_execution_20250522", "name": "code_execution"}]}, "tools[0]"),
]


@pytest.mark.parametrize(("ingress", "extra", "param"), REFUSED)
def test_an_unbilled_provider_feature_is_refused_alike_on_both_paths(
    gateway: Gateway, fake: FakeProvider, ingress: str, extra: dict[str, Any], param: str
) -> None:
    fake.calls.clear()
    native, translated = _both(gateway, ingress, extra)
    assert _refusal(native) == _refusal(translated)
    status, code, message = _refusal(native)
    assert (status, code) == (400, "invalid_request") and message.startswith(f"{param}: ")
    if ingress != "messages":
        assert native.json()["error"]["param"] == param
    assert fake.calls == []  # nothing went upstream on the operator's key


def _history(*blocks: dict[str, Any]) -> dict[str, Any]:
    return {
        "messages": [
            {"role": "user", "content": "look it up"},
            {"role": "assistant", "content": [*blocks, {"type": "text", "text": "Found nothing."}]},
            {"role": "user", "content": "thanks"},
        ]
    }


def test_the_gateway_own_tool_runs_in_history_are_left_out_alike_on_both_paths(
    gateway: Gateway, fake: FakeProvider
) -> None:
    extra = _history(
        {"type": "server_tool_use", "id": "srvtoolu_1", "name": "web_search", "input": {"query": "x"}},
        {"type": "web_search_tool_result", "tool_use_id": "srvtoolu_1", "content": []},
    )
    fake.calls.clear()
    native, translated = _both(gateway, "messages", extra)
    assert (native.status_code, translated.status_code) == (200, 200), (native.text, translated.text)
    native_turn, translated_turn = (call["body"]["messages"][1]["content"] for call in fake.calls)
    assert native_turn == [{"type": "text", "text": "Found nothing."}]  # Anthropic's shape
    assert translated_turn == "Found nothing."  # Chat Completions' shape: the same turn


def test_anthropic_server_tool_blocks_in_history_go_to_anthropic_and_are_refused_by_name_elsewhere(
    gateway: Gateway, fake: FakeProvider
) -> None:
    extra = _history(
        {"type": "mcp_tool_use", "id": "mcptoolu_1", "name": "lookup", "server_name": "docs", "input": {}},
        {"type": "mcp_tool_result", "tool_use_id": "mcptoolu_1", "content": [{"type": "text", "text": "-"}]},
    )
    fake.calls.clear()
    native, translated = _both(gateway, "messages", extra)
    assert native.status_code == 200, native.text
    [call] = fake.calls
    assert [b["type"] for b in call["body"]["messages"][1]["content"]] == [
        "mcp_tool_use",
        "mcp_tool_result",
        "text",
    ]
    assert translated.status_code == 400
    assert translated.json()["error"]["message"].startswith("messages[1].content[0].type: ")


@pytest.mark.parametrize("path", ["native", "translated"])
def test_a_chat_field_neither_read_nor_advisory_is_carried_where_the_target_has_it_else_named(
    gateway: Gateway, fake: FakeProvider, path: str
) -> None:
    fake.calls.clear()
    _, native, translated = PATHS["chat"]
    model = native if path == "native" else translated
    response = _send(gateway, "chat", model, {"top_k": 5, "some_vendor_flag": True})
    assert response.status_code == 200, response.text
    dropped = set(filter(None, response.headers.get("x-hyperinfer-dropped-params", "").split(",")))
    [call] = fake.calls
    sent = call["body"]
    assert "some_vendor_flag" in dropped and "some_vendor_flag" not in sent
    # OpenAI has no top_k: named; Anthropic has one: carried. Never silently gone.
    assert ("top_k" in dropped) == (path == "native") and (sent.get("top_k") == 5) == (path == "translated")
    assert ("top_k" in dropped) != (sent.get("top_k") == 5)


@pytest.mark.parametrize("path", ["native", "translated"])
def test_a_dropped_field_named_outside_latin_1_is_named_escaped_and_the_call_answers(
    gateway: Gateway, fake: FakeProvider, path: str
) -> None:
    # Any JSON key may be a field name; a header value may not hold it raw (a 500 once, billed).
    fake.calls.clear()
    _, native, translated = PATHS["chat"]
    response = _send(gateway, "chat", native if path == "native" else translated, {"Ā,b%\r\n": 1})
    assert response.status_code == 200, response.text
    assert response.headers["x-hyperinfer-dropped-params"] == "%C4%80%2Cb%25%0D%0A"
    [call] = fake.calls
    assert "Ā,b%\r\n" not in call["body"]


def test_a_chat_thinking_object_becomes_the_target_reasoning(gateway: Gateway, fake: FakeProvider) -> None:
    fake.calls.clear()
    thinking = {"type": "enabled", "budget_tokens": 2048}
    response = _send(gateway, "chat", ANTHROPIC, {"thinking": thinking, "max_tokens": 4096})
    assert response.status_code == 200, response.text
    [call] = fake.calls
    assert call["body"]["thinking"] == {"type": "enabled", "budget_tokens": 2048}
    assert "thinking" not in response.headers.get("x-hyperinfer-dropped-params", "")
