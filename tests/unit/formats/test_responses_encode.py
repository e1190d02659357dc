from typing import Any

import httpx2
import openai
from hyperinfer.formats.responses.decode import decode
from hyperinfer.formats.responses.encode import encode_response
from hyperinfer.formats.responses.request import ResponsesRequest
from hyperinfer.formats.view import View
from hyperinfer.ir.content import (
    OutputBlock,
    RedactedThinkingBlock,
    TextBlock,
    ThinkingBlock,
    ToolUseBlock,
)
from hyperinfer.ir.response import Response, StopReason
from hyperinfer.ir.usage import Usage
from openai.types.responses import Response as SDKResponse

VIEW = View(
    response_id="resp_r1", model="anthropic/claude-sonnet-4.5", created=1_760_000_000, cost=lambda u: 0.25
)
USAGE = Usage(
    input_tokens=100,
    cache_read_tokens=40,
    cache_write_tokens=8,
    cache_write_1h_tokens=2,
    output_tokens=30,
    reasoning_tokens=12,
    cache_writes_reported=True,  # as an Anthropic upstream does
)


def answer(*content: OutputBlock, stop: StopReason = "end_turn") -> Response:
    return Response(id="up-1", model="claude", content=content, stop_reason=stop, usage=USAGE)


def through_sdk(body: dict[str, Any]) -> SDKResponse:
    """What the official SDK makes of the body when POST /responses answers with it."""
    seen: list[httpx2.Request] = []

    def reply(request: httpx2.Request) -> httpx2.Response:
        seen.append(request)
        return httpx2.Response(200, json=body)

    client = openai.OpenAI(
        api_key="k",
        base_url="https://gw/api/v1",
        http_client=httpx2.Client(transport=httpx2.MockTransport(reply)),
    )
    result = client.responses.create(model="anthropic/claude-sonnet-4.5", input="hi")
    assert seen[0].url.path == "/api/v1/responses"
    return result


def test_a_text_answer_reads_as_a_completed_response_with_usage_and_cost() -> None:
    sdk = through_sdk(encode_response(answer(TextBlock(text="Hello!")), VIEW))
    assert (sdk.id, sdk.object, sdk.model, sdk.created_at) == (
        "resp_r1",
        "response",
        VIEW.model,
        VIEW.created,
    )
    assert (sdk.status, sdk.incomplete_details, sdk.error) == ("completed", None, None)
    assert sdk.output_text == "Hello!"
    assert sdk.usage is not None
    assert sdk.usage.input_tokens == 150  # every prompt token, cached ones included
    assert sdk.usage.input_tokens_details.cached_tokens == 40
    assert sdk.usage.input_tokens_details.cache_write_tokens == 10
    assert sdk.usage.output_tokens == 30
    assert sdk.usage.output_tokens_details.reasoning_tokens == 12
    assert sdk.usage.total_tokens == 180
    assert sdk.usage.model_extra == {"cost": 0.25}
    # The SDK's Response model has no `store` field; the value arrives as an extra.
    assert sdk.model_extra is not None and sdk.model_extra["store"] is False


def test_reasoning_text_and_tool_calls_are_output_items_in_order_with_ids_from_the_response_id() -> None:
    sdk = through_sdk(
        encode_response(
            answer(
                ThinkingBlock(thinking="Need the weather.", encrypted="gAAAA", summary=True),
                TextBlock(text="Let me check."),
                ToolUseBlock(id="call_1", name="weather", input={"city": "Oslo"}),
                ToolUseBlock(id="call_2", name="weather", input={"city": "Bergen"}),
                stop="tool_use",
            ),
            VIEW,
        )
    )
    assert sdk.status == "completed"
    reasoning, message, first, second = sdk.output
    assert reasoning.type == "reasoning"
    assert reasoning.id == "rs_r1_0"
    assert [(s.type, s.text) for s in reasoning.summary] == [("summary_text", "Need the weather.")]
    assert reasoning.encrypted_content == "gAAAA"
    assert message.type == "message"
    assert (message.id, message.role, message.status) == ("msg_r1_1", "assistant", "completed")
    assert [(c.type, c.text, c.annotations) for c in message.content if c.type == "output_text"] == [
        ("output_text", "Let me check.", [])
    ]
    assert first.type == "function_call"
    assert second.type == "function_call"
    assert (first.id, first.call_id, first.name, first.arguments, first.status) == (
        "fc_r1_2",
        "call_1",
        "weather",
        '{"city":"Oslo"}',
        "completed",
    )
    assert (second.id, second.call_id, second.arguments) == ("fc_r1_3", "call_2", '{"city":"Bergen"}')


def test_anthropic_thinking_shows_as_a_summary_and_carries_its_signature_to_the_next_turn() -> None:
    content = (
        ThinkingBlock(thinking="Let me think.", signature="EqQBCkYI"),
        RedactedThinkingBlock(data="ErUBCkYI"),
        ToolUseBlock(id="toolu_1", name="f", input={"x": 1}),
    )
    sdk = through_sdk(encode_response(answer(*content, stop="tool_use"), VIEW))
    assert sdk.output[0].type == "reasoning"
    assert sdk.output[0].summary[0].text == "Let me think."
    assert sdk.output[1].type == "reasoning"
    assert sdk.output[1].summary == []
    # The client sends the output back as the next input; decode restores the provider's blocks.
    follow_up = [
        {"role": "user", "content": "go"},
        *(item.model_dump(exclude_none=True) for item in sdk.output),
    ]
    request = decode(ResponsesRequest.model_validate({"model": "m", "input": follow_up}))
    assert request.messages[1].content == content


def test_a_reasoning_item_the_provider_named_keeps_its_id() -> None:
    block = ThinkingBlock(thinking="", encrypted="gAAAA", item_id="rs_upstream", summary=True)
    sdk = through_sdk(encode_response(answer(block, TextBlock(text="x")), VIEW))
    assert (sdk.output[0].id, sdk.output[1].id) == ("rs_upstream", "msg_r1_1")


def test_an_answer_cut_off_by_the_token_limit_is_incomplete_and_so_is_its_last_item() -> None:
    sdk = through_sdk(encode_response(answer(TextBlock(text="Once upon a"), stop="max_tokens"), VIEW))
    assert sdk.status == "incomplete"
    assert sdk.incomplete_details is not None
    assert sdk.incomplete_details.reason == "max_output_tokens"
    assert sdk.output[0].type == "message"
    assert sdk.output[0].status == "incomplete"
    assert sdk.output_text == "Once upon a"


def test_a_filtered_answer_is_incomplete_for_content_filter() -> None:
    sdk = through_sdk(encode_response(answer(TextBlock(text=""), stop="content_filter"), VIEW))
    assert sdk.status == "incomplete"
    assert sdk.incomplete_details is not None
    assert sdk.incomplete_details.reason == "content_filter"


def test_a_refusal_is_a_refusal_part_not_output_text() -> None:
    sdk = through_sdk(
        encode_response(answer(TextBlock(text="I can't help with that."), stop="refusal"), VIEW)
    )
    assert sdk.status == "completed"
    assert sdk.output_text == ""
    message = sdk.output[0]
    assert message.type == "message"
    assert [(part.type, getattr(part, "refusal", None)) for part in message.content] == [
        ("refusal", "I can't help with that.")
    ]


def test_adjacent_text_blocks_are_parts_of_one_message_and_text_after_a_call_is_a_new_one() -> None:
    body = encode_response(
        answer(
            TextBlock(text="A"),
            TextBlock(text="B"),
            ToolUseBlock(id="c", name="f", input={}),
            TextBlock(text="C"),
        ),
        VIEW,
    )
    sdk = through_sdk(body)
    assert [item.type for item in sdk.output] == ["message", "function_call", "message"]
    assert sdk.output_text == "ABC"
    assert [item["id"] for item in body["output"]] == ["msg_r1_0", "fc_r1_1", "msg_r1_2"]
    assert len(body["output"][0]["content"]) == 2


def test_the_response_repeats_the_parameters_of_the_request() -> None:
    request = ResponsesRequest.model_validate(
        {
            "model": "m",
            "instructions": "be brief",
            "input": "hi",
            "tools": [{"type": "function", "name": "f", "parameters": {"type": "object"}, "strict": True}],
            "tool_choice": {"type": "function", "name": "f"},
            "parallel_tool_calls": False,
            "temperature": 0.5,
            "top_p": 0.8,
            "max_output_tokens": 99,
            "reasoning": {"effort": "low", "summary": "auto"},
            "text": {"format": {"type": "json_object"}, "verbosity": "low"},
            "metadata": {"k": "v"},
            "prompt_cache_key": "pk",
            "user": "u",
        }
    )
    sdk = through_sdk(encode_response(answer(TextBlock(text="{}")), VIEW, request=request))
    assert sdk.instructions == "be brief"
    assert [(t.type, getattr(t, "name", None), getattr(t, "strict", None)) for t in sdk.tools] == [
        ("function", "f", True)
    ]
    assert not isinstance(sdk.tool_choice, str) and sdk.tool_choice.type == "function"
    assert sdk.parallel_tool_calls is False
    assert (sdk.temperature, sdk.top_p, sdk.max_output_tokens) == (0.5, 0.8, 99)
    assert sdk.reasoning is not None
    assert (sdk.reasoning.effort, sdk.reasoning.summary) == ("low", "auto")
    assert sdk.text is not None
    assert sdk.text.format is not None
    assert (sdk.text.format.type, sdk.text.verbosity) == ("json_object", "low")
    assert (sdk.metadata, sdk.prompt_cache_key, sdk.user) == ({"k": "v"}, "pk", "u")


def test_without_the_request_the_response_shows_openai_defaults() -> None:
    sdk = through_sdk(encode_response(answer(TextBlock(text="x")), VIEW))
    assert (sdk.tools, sdk.tool_choice, sdk.parallel_tool_calls, sdk.instructions) == ([], "auto", True, None)
    assert sdk.text is not None
    assert sdk.text.format is not None
    assert sdk.text.format.type == "text"


def test_a_call_to_a_namespaced_function_names_its_namespace() -> None:
    request = ResponsesRequest.model_validate(
        {
            "model": "m",
            "input": "x",
            "tools": [
                {"type": "function", "name": "plain"},
                {"type": "namespace", "name": "agents", "tools": [{"type": "function", "name": "spawn"}]},
            ],
        }
    )
    calls = (ToolUseBlock(id="c1", name="spawn", input={}), ToolUseBlock(id="c2", name="plain", input={}))
    body = encode_response(answer(*calls, stop="tool_use"), VIEW, request=request)
    assert [item.get("namespace") for item in body["output"]] == ["agents", None]
    sdk = through_sdk(body)
    assert sdk.output[0].type == "function_call"
    assert sdk.output[0].namespace == "agents"
    assert sdk.tools[1].type == "namespace"
