"""Properties of the hub: a conversation keeps its meaning through the IR, within one format and
across formats (chat -> IR -> Anthropic -> IR -> chat)."""

from __future__ import annotations

import json
from typing import Any

from hyperinfer.formats.anthropic_messages.decode import decode as decode_messages
from hyperinfer.formats.anthropic_messages.request import MessagesRequest
from hyperinfer.formats.chat_completions.decode import decode as decode_chat
from hyperinfer.formats.chat_completions.request import ChatCompletionRequest
from hyperinfer.providers.anthropic.encode import encode_request as to_anthropic
from hyperinfer.providers.openai_chat.encode import encode_request as to_chat
from hyperinfer.providers.target import Target
from hypothesis import given, settings
from hypothesis import strategies as st

TARGET = Target(upstream_model="up", max_output_tokens=4096, stream=False)
words = st.text(
    st.characters(codec="utf-8", exclude_categories=("Cs", "Cc")), min_size=1, max_size=40
).filter(lambda s: s.strip() == s and s != "")
arguments = st.dictionaries(
    st.sampled_from(["city", "days", "unit"]), st.one_of(words, st.integers(0, 99)), max_size=3
)


@st.composite
def conversations(draw: st.DrawFn) -> dict[str, Any]:
    messages: list[dict[str, Any]] = []
    if draw(st.booleans()):
        messages.append({"role": "system", "content": draw(words)})
    call_number = 0
    for _ in range(draw(st.integers(1, 4))):
        messages.append({"role": "user", "content": draw(words)})
        if draw(st.booleans()):
            calls = []
            for _ in range(draw(st.integers(1, 3))):
                call_number += 1
                calls.append(
                    {
                        "id": f"call_{call_number}",
                        "type": "function",
                        "function": {
                            "name": draw(st.sampled_from(["weather", "search"])),
                            "arguments": json.dumps(draw(arguments), ensure_ascii=False),
                        },
                    }
                )
            messages.append(
                {"role": "assistant", "content": draw(st.one_of(st.none(), words)), "tool_calls": calls}
            )
            messages += [{"role": "tool", "tool_call_id": c["id"], "content": draw(words)} for c in calls]
        messages.append({"role": "assistant", "content": draw(words)})
    messages.append({"role": "user", "content": draw(words)})
    tools = [
        {"type": "function", "function": {"name": name, "parameters": {"type": "object"}}}
        for name in ("weather", "search")
    ]
    return {"model": "m", "messages": messages, "tools": tools}


def meaning(messages: list[dict[str, Any]]) -> list[tuple[Any, ...]]:
    """Roles in order, the text each turn says, tool calls with ids and arguments, results by id."""
    out: list[tuple[Any, ...]] = []
    for m in messages:
        content = m.get("content")
        text = content if isinstance(content, str) or content is None else "".join(p["text"] for p in content)
        calls = tuple(
            (c["id"], c["function"]["name"], json.loads(c["function"]["arguments"]))
            for c in m.get("tool_calls") or []
        )
        out.append((m["role"], text or None, calls, m.get("tool_call_id")))
    return out


@settings(max_examples=150, deadline=None)
@given(conversations())
def test_chat_through_the_ir_and_back_is_unchanged(request: dict[str, Any]) -> None:
    ir = decode_chat(ChatCompletionRequest.model_validate(request))
    body = to_chat(ir, TARGET).body
    assert meaning(body["messages"]) == meaning(request["messages"])
    assert [t["function"]["name"] for t in body["tools"]] == ["weather", "search"]


@settings(max_examples=150, deadline=None)
@given(conversations())
def test_chat_to_anthropic_and_back_keeps_roles_order_tool_ids_and_content(request: dict[str, Any]) -> None:
    ir = decode_chat(ChatCompletionRequest.model_validate(request))
    anthropic_body = to_anthropic(ir, TARGET).body
    back = decode_messages(MessagesRequest.model_validate(anthropic_body))
    body = to_chat(back, TARGET).body
    assert meaning(body["messages"]) == meaning(request["messages"])


@settings(max_examples=100, deadline=None)
@given(conversations())
def test_anthropic_within_its_own_format_is_unchanged(request: dict[str, Any]) -> None:
    first = to_anthropic(decode_chat(ChatCompletionRequest.model_validate(request)), TARGET).body
    again = to_anthropic(decode_messages(MessagesRequest.model_validate(first)), TARGET).body
    assert again == first
