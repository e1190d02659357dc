import json
from typing import Any

import anthropic
import httpx2
import pytest
from hyperinfer.formats.anthropic_messages.decode import decode
from hyperinfer.formats.anthropic_messages.encode import encode_response
from hyperinfer.formats.anthropic_messages.request import MessagesRequest
from hyperinfer.formats.view import View
from hyperinfer.ir import content as ir
from hyperinfer.ir.response import Response, StopReason
from hyperinfer.ir.usage import Usage

USAGE = Usage(
    input_tokens=10,
    cache_read_tokens=100,
    cache_write_tokens=20,
    cache_write_1h_tokens=5,
    output_tokens=40,
    reasoning_tokens=12,
)


def view() -> View:
    return View(
        response_id="msg_rid1",
        model="anthropic/claude-sonnet-4.5",
        created=1_700_000_000,
        cost=lambda usage: usage.total_tokens / 1_000_000,
    )


def response(*content: ir.OutputBlock, stop: StopReason = "end_turn", usage: Usage = USAGE) -> Response:
    return Response(id="upstream-id", model="upstream-model", content=content, stop_reason=stop, usage=usage)


def test_the_message_has_the_documented_shape_with_the_gateways_id_and_model() -> None:
    body = encode_response(
        response(
            ir.ThinkingBlock(thinking="weigh it", signature="EqQB"),
            ir.RedactedThinkingBlock(data="EmwK"),
            ir.TextBlock(text="Calling."),
            ir.ToolUseBlock(id="toolu_1", name="lookup", input={"q": "x"}),
            stop="tool_use",
        ),
        view(),
    )
    assert body == {
        "id": "msg_rid1",
        "type": "message",
        "role": "assistant",
        "model": "anthropic/claude-sonnet-4.5",
        "content": [
            {"type": "thinking", "thinking": "weigh it", "signature": "EqQB"},
            {"type": "redacted_thinking", "data": "EmwK"},
            {"type": "text", "text": "Calling."},
            {"type": "tool_use", "id": "toolu_1", "name": "lookup", "input": {"q": "x"}},
        ],
        "stop_reason": "tool_use",
        "stop_sequence": None,
        "usage": {
            "input_tokens": 10,
            "cache_creation_input_tokens": 25,
            "cache_read_input_tokens": 100,
            "cache_creation": {"ephemeral_5m_input_tokens": 20, "ephemeral_1h_input_tokens": 5},
            "output_tokens": 40,
            "cost": 175 / 1_000_000,
        },
    }


@pytest.mark.parametrize(
    ("stop", "wire"),
    [
        ("end_turn", "end_turn"),
        ("max_tokens", "max_tokens"),
        ("tool_use", "tool_use"),
        ("stop_sequence", "stop_sequence"),
        ("refusal", "refusal"),
        ("content_filter", "refusal"),
    ],
)
def test_stop_reasons(stop: StopReason, wire: str) -> None:
    assert encode_response(response(stop=stop), view())["stop_reason"] == wire


def test_the_matched_stop_sequence_is_reported() -> None:
    resp = Response(
        id="i", model="m", content=(), stop_reason="stop_sequence", stop_sequence="END", usage=Usage()
    )
    assert encode_response(resp, view())["stop_sequence"] == "END"


def test_citations_are_rendered_only_when_present() -> None:
    cited = ir.TextBlock(text="Paris.", citations=({"type": "char_location", "cited_text": "Paris"},))
    body = encode_response(response(cited, ir.TextBlock(text="plain")), view())
    assert body["content"][0]["citations"] == [{"type": "char_location", "cited_text": "Paris"}]
    assert "citations" not in body["content"][1]


def test_reasoning_without_a_signature_renders_with_an_empty_one_that_decodes_back_to_none() -> None:
    body = encode_response(response(ir.ThinkingBlock(thinking="plain reasoning")), view())
    assert body["content"] == [{"type": "thinking", "thinking": "plain reasoning", "signature": ""}]
    echoed = echo(body["content"])
    assert echoed == (ir.ThinkingBlock(thinking="plain reasoning"),)


def test_openai_encrypted_reasoning_survives_a_round_trip_through_an_anthropic_client() -> None:
    original = ir.ThinkingBlock(
        thinking="summary", encrypted="gAAAAABoZ-opaque==", item_id="rs_1", summary=True
    )
    body = encode_response(response(original), view())
    assert body["content"][0]["signature"].startswith("~")  # never a valid base64 Anthropic signature
    assert echo(body["content"]) == (original,)


def echo(content: list[dict[str, Any]]) -> tuple[ir.Block, ...]:
    """What decode makes of a client sending these blocks back as the assistant turn."""
    parsed = MessagesRequest.model_validate(
        {
            "model": "m",
            "max_tokens": 10,
            "messages": [{"role": "user", "content": "q"}, {"role": "assistant", "content": content}],
        }
    )
    return decode(parsed).messages[1].content


def sdk_client(body: bytes, content_type: str) -> anthropic.Anthropic:
    def answer(request: httpx2.Request) -> httpx2.Response:
        return httpx2.Response(200, headers={"content-type": content_type}, content=body)

    http = httpx2.Client(transport=httpx2.MockTransport(answer))
    return anthropic.Anthropic(api_key="k", base_url="http://gateway.test", http_client=http, max_retries=0)


def test_the_official_sdk_parses_the_message() -> None:
    body = encode_response(
        response(
            ir.ThinkingBlock(thinking="weigh it", signature="EqQB"),
            ir.TextBlock(text="Hello"),
            ir.ToolUseBlock(id="toolu_1", name="lookup", input={"q": "x"}),
            stop="tool_use",
        ),
        view(),
    )
    client = sdk_client(json.dumps(body).encode(), "application/json")
    message = client.messages.create(
        model="anthropic/claude-sonnet-4.5", max_tokens=100, messages=[{"role": "user", "content": "hi"}]
    )
    assert message.id == "msg_rid1" and message.stop_reason == "tool_use"
    assert [block.type for block in message.content] == ["thinking", "text", "tool_use"]
    tool_use = message.content[2]
    assert tool_use.type == "tool_use" and tool_use.input == {"q": "x"}
    usage = message.usage
    assert (usage.input_tokens, usage.output_tokens, usage.cache_read_input_tokens) == (10, 40, 100)
    assert usage.cache_creation is not None and usage.cache_creation.ephemeral_1h_input_tokens == 5
    # The gateway's extra usage field, as the SDK serializes it back.
    usage_dict = message.to_dict()["usage"]
    assert isinstance(usage_dict, dict) and usage_dict["cost"] == 175 / 1_000_000


@pytest.mark.parametrize("forged", ["~hi1~not base64!", "~hi1~" + "WzFd", "~hi1~eyJlIjogMX0="])
def test_a_signature_that_only_looks_like_ours_stays_an_opaque_signature(forged: str) -> None:
    assert echo([{"type": "thinking", "thinking": "t", "signature": forged}]) == (
        ir.ThinkingBlock(thinking="t", signature=forged),
    )
