import json
from typing import Any

import httpx2
import openai
import pytest
from hyperinfer.errors import ErrorCode, GatewayError
from hyperinfer.formats.responses.encode import encode_response
from hyperinfer.formats.responses.request import ResponsesRequest
from hyperinfer.formats.responses.stream import KEEPALIVE, StreamEncoder
from hyperinfer.formats.view import View
from hyperinfer.ir.accumulate import Accumulator
from hyperinfer.ir.content import RedactedThinkingBlock, TextBlock, ThinkingBlock, ToolUseBlock
from hyperinfer.ir.events import (
    ArgumentsDelta,
    BlockStart,
    BlockStop,
    Event,
    Finish,
    MessageStart,
    SignatureDelta,
    TextDelta,
    ThinkingDelta,
    UsageUpdate,
)
from hyperinfer.ir.response import StopReason
from hyperinfer.ir.usage import Usage
from hyperinfer.providers.sse import SSEDecoder

VIEW = View(
    response_id="resp_s1", model="anthropic/claude-sonnet-4.5", created=1_760_000_000, cost=lambda u: 0.5
)
USAGE = Usage(input_tokens=20, cache_read_tokens=5, output_tokens=11, reasoning_tokens=4)


def start() -> MessageStart:
    return MessageStart(id="up", model="claude", usage=Usage(input_tokens=20))


def text_events(*pieces: str, index: int = 0) -> list[Event]:
    return [
        BlockStart(index=index, block=TextBlock(text="")),
        *(TextDelta(index=index, text=piece) for piece in pieces),
        BlockStop(index=index),
    ]


def call_events(index: int, call_id: str, name: str, *pieces: str) -> list[Event]:
    return [
        BlockStart(index=index, block=ToolUseBlock(id=call_id, name=name, input={})),
        *(ArgumentsDelta(index=index, partial_json=piece) for piece in pieces),
        BlockStop(index=index),
    ]


def end(stop: StopReason = "end_turn") -> list[Event]:
    return [UsageUpdate(usage=USAGE), Finish(stop_reason=stop)]


def encoded(events: list[Event]) -> bytes:
    encoder = StreamEncoder(VIEW)
    return b"".join(frame for event in events for frame in encoder.encode(event))


def frames(raw: bytes) -> list[tuple[str | None, dict[str, Any]]]:
    return [(event.event, json.loads(event.data)) for event in SSEDecoder().feed(raw)]


def client_for(raw: bytes) -> openai.OpenAI:
    def reply(request: httpx2.Request) -> httpx2.Response:
        assert json.loads(request.content)["stream"] is True
        return httpx2.Response(200, content=raw, headers={"content-type": "text/event-stream"})

    return openai.OpenAI(
        api_key="k",
        base_url="https://gw/api/v1",
        http_client=httpx2.Client(transport=httpx2.MockTransport(reply)),
    )


THINK_TEXT_CALLS: list[Event] = [
    start(),
    BlockStart(index=0, block=ThinkingBlock(thinking="")),
    ThinkingDelta(index=0, thinking="The user wants "),
    ThinkingDelta(index=0, thinking="weather."),
    SignatureDelta(index=0, signature="EqQB"),
    BlockStop(index=0),
    *text_events("Checking ", "both.", index=1),
    *call_events(2, "toolu_1", "weather", '{"city":', '"Oslo"}'),
    *call_events(3, "toolu_2", "weather", '{"city":"Bergen"}'),
    *end("tool_use"),
]


def test_every_frame_is_a_typed_event_with_a_sequence_number_counting_from_zero() -> None:
    parsed = frames(encoded(THINK_TEXT_CALLS))
    assert all(name == data["type"] for name, data in parsed)
    assert [data["sequence_number"] for _, data in parsed] == list(range(len(parsed)))
    assert parsed[0][1]["response"]["status"] == "in_progress"
    assert parsed[0][1]["response"]["output"] == []


def test_the_sdk_stream_helper_sees_text_deltas_and_the_final_text_and_usage() -> None:
    raw = encoded([start(), *text_events("Hel", "lo", "!"), *end()])
    with client_for(raw).responses.stream(model="m", input="hi") as stream:
        events = list(stream)
        final = stream.get_final_response()
    assert [event.type for event in events] == [
        "response.created",
        "response.in_progress",
        "response.output_item.added",
        "response.content_part.added",
        "response.output_text.delta",
        "response.output_text.delta",
        "response.output_text.delta",
        "response.output_text.done",
        "response.content_part.done",
        "response.output_item.done",
        "response.completed",
    ]
    snapshots = [event.snapshot for event in events if event.type == "response.output_text.delta"]
    assert snapshots == ["Hel", "Hello", "Hello!"]
    assert final.output_text == "Hello!"
    assert final.status == "completed"
    assert final.id == "resp_s1"
    assert final.usage is not None
    assert (final.usage.input_tokens, final.usage.output_tokens, final.usage.total_tokens) == (25, 11, 36)
    assert final.usage.input_tokens_details.cached_tokens == 5
    assert final.usage.output_tokens_details.reasoning_tokens == 4
    assert final.usage.model_extra == {"cost": 0.5}


def test_the_sdk_stream_helper_assembles_reasoning_text_and_parallel_function_calls() -> None:
    with client_for(encoded(THINK_TEXT_CALLS)).responses.stream(model="m", input="hi") as stream:
        types = [event.type for event in stream]
        final = stream.get_final_response()
    assert "response.reasoning_summary_text.delta" in types
    assert types.count("response.function_call_arguments.delta") == 3
    reasoning, message, first, second = final.output
    assert reasoning.type == "reasoning"
    assert reasoning.summary[0].text == "The user wants weather."
    assert reasoning.encrypted_content == "hyperinfer.signature:EqQB"
    assert message.type == "message"
    assert final.output_text == "Checking both."
    assert first.type == "function_call"
    assert second.type == "function_call"
    assert [(c.call_id, c.name, c.arguments, c.status) for c in (first, second)] == [
        ("toolu_1", "weather", '{"city":"Oslo"}', "completed"),
        ("toolu_2", "weather", '{"city":"Bergen"}', "completed"),
    ]


def test_raw_events_from_create_stream_true_carry_item_ids_indexes_and_the_full_response() -> None:
    events = list(client_for(encoded(THINK_TEXT_CALLS)).responses.create(model="m", input="hi", stream=True))
    added = [
        (e.output_index, e.item.type, e.item.id) for e in events if e.type == "response.output_item.added"
    ]
    assert added == [
        (0, "reasoning", "rs_s1_0"),
        (1, "message", "msg_s1_1"),
        (2, "function_call", "fc_s1_2"),
        (3, "function_call", "fc_s1_3"),
    ]
    done = [e for e in events if e.type == "response.function_call_arguments.done"]
    assert [(e.item_id, e.output_index, e.arguments) for e in done] == [
        ("fc_s1_2", 2, '{"city":"Oslo"}'),
        ("fc_s1_3", 3, '{"city":"Bergen"}'),
    ]
    completed = events[-1]
    assert completed.type == "response.completed"
    assert [item.id for item in completed.response.output] == ["rs_s1_0", "msg_s1_1", "fc_s1_2", "fc_s1_3"]
    assert completed.response.usage is not None
    assert completed.response.usage.total_tokens == 36


def test_the_final_response_of_a_stream_equals_the_json_response_for_the_same_answer() -> None:
    accumulator = Accumulator()
    for event in THINK_TEXT_CALLS:
        accumulator.add(event)
    completed = frames(encoded(THINK_TEXT_CALLS))[-1][1]["response"]
    assert completed == encode_response(accumulator.response(), VIEW)


def test_adjacent_text_blocks_stream_as_parts_of_one_message() -> None:
    raw = encoded([start(), *text_events("A", index=0), *text_events("B", index=1), *end()])
    events = list(client_for(raw).responses.create(model="m", input="hi", stream=True))
    parts = [(e.output_index, e.content_index) for e in events if e.type == "response.content_part.added"]
    assert parts == [(0, 0), (0, 1)]
    completed = events[-1]
    assert completed.type == "response.completed"
    assert completed.response.output_text == "AB"


def test_tool_input_given_whole_at_the_start_is_streamed_as_one_arguments_delta() -> None:
    raw = encoded(
        [
            start(),
            BlockStart(index=0, block=ToolUseBlock(id="c", name="f", input={"q": "x"})),
            BlockStop(index=0),
            *end("tool_use"),
        ]
    )
    with client_for(raw).responses.stream(model="m", input="hi") as stream:
        deltas = [event.delta for event in stream if event.type == "response.function_call_arguments.delta"]
        final = stream.get_final_response()
    assert deltas == ['{"q":"x"}']
    assert final.output[0].type == "function_call"
    assert final.output[0].arguments == '{"q":"x"}'


def test_redacted_thinking_streams_as_a_reasoning_item_with_opaque_content() -> None:
    raw = encoded(
        [
            start(),
            BlockStart(index=0, block=RedactedThinkingBlock(data="ErU")),
            BlockStop(index=0),
            *text_events("x", index=1),
            *end(),
        ]
    )
    with client_for(raw).responses.stream(model="m", input="hi") as stream:
        final = stream.get_final_response()
    assert final.output[0].type == "reasoning"
    assert (final.output[0].summary, final.output[0].encrypted_content) == ([], "hyperinfer.redacted:ErU")


def test_a_token_limit_ends_with_response_incomplete_and_an_incomplete_last_item() -> None:
    raw = encoded([start(), *text_events("Once upon"), *end("max_tokens")])
    events = list(client_for(raw).responses.create(model="m", input="hi", stream=True))
    last = events[-1]
    assert last.type == "response.incomplete"
    assert last.response.status == "incomplete"
    assert last.response.incomplete_details is not None
    assert last.response.incomplete_details.reason == "max_output_tokens"
    message = last.response.output[0]
    assert message.type == "message" and message.status == "incomplete"
    item_done = [e.item for e in events if e.type == "response.output_item.done"]
    assert item_done[0].type == "message" and item_done[0].status == "incomplete"
    # Like the real API, the SDK helper only returns a final response for response.completed.
    with client_for(raw).responses.stream(model="m", input="hi") as stream, pytest.raises(RuntimeError):
        stream.get_final_response()


def test_keep_alive_comments_between_events_are_ignored_by_the_sdk() -> None:
    events: list[Event] = [start(), *text_events("ok"), *end()]
    encoder = StreamEncoder(VIEW)
    raw = b"".join(KEEPALIVE + b"".join(encoder.encode(event)) for event in events)
    assert KEEPALIVE == b": keep-alive\n\n"
    with client_for(raw).responses.stream(model="m", input="hi") as stream:
        assert stream.get_final_response().output_text == "ok"


def test_an_error_mid_stream_makes_the_sdk_raise_with_code_message_and_request_id() -> None:
    encoder = StreamEncoder(VIEW)
    raw = b"".join(frame for event in [start(), *text_events("partial")] for frame in encoder.encode(event))
    raw += encoder.error(GatewayError(ErrorCode.PROVIDER_OVERLOADED, "upstream is overloaded"), "r-42")
    with (
        client_for(raw).responses.stream(model="m", input="hi") as stream,
        pytest.raises(openai.APIError) as caught,
    ):
        list(stream)
    assert caught.value.message == "upstream is overloaded"
    assert caught.value.code == "provider_overloaded"
    assert isinstance(caught.value.body, dict)
    assert caught.value.body["request_id"] == "r-42"


def test_an_error_ends_with_response_failed_for_clients_that_wait_for_a_terminal_event() -> None:
    encoder = StreamEncoder(VIEW)
    head = b"".join(frame for event in [start(), *text_events("partial")] for frame in encoder.encode(event))
    tail = frames(head + encoder.error(GatewayError(ErrorCode.CONTEXT_LENGTH_EXCEEDED, "too long"), "r-1"))[
        -2:
    ]
    (error_name, error), (failed_name, failed) = tail
    assert (error_name, error["code"], error["message"], error["error"]["code"]) == (
        "error",
        "context_length_exceeded",
        "too long",
        "context_length_exceeded",
    )
    assert failed_name == "response.failed"
    assert failed["sequence_number"] == error["sequence_number"] + 1
    assert failed["response"]["status"] == "failed"
    assert failed["response"]["error"] == {"code": "context_length_exceeded", "message": "too long"}
    assert failed["response"]["output"][0]["content"][0]["text"] == "partial"


def test_an_error_before_any_event_still_makes_the_sdk_raise() -> None:
    raw = StreamEncoder(VIEW).error(GatewayError(ErrorCode.INTERNAL_ERROR, "boom"), "r-2")
    with pytest.raises(openai.APIError) as caught:
        list(client_for(raw).responses.create(model="m", input="hi", stream=True))
    assert caught.value.message == "boom"


def test_a_streamed_call_to_a_namespaced_function_names_its_namespace() -> None:
    request = ResponsesRequest.model_validate(
        {
            "model": "m",
            "input": "x",
            "tools": [
                {"type": "namespace", "name": "agents", "tools": [{"type": "function", "name": "spawn"}]}
            ],
        }
    )
    encoder = StreamEncoder(VIEW, request=request)
    events = [start(), *call_events(0, "c1", "spawn", "{}"), *end("tool_use")]
    raw = b"".join(frame for event in events for frame in encoder.encode(event))
    parsed = [data for _, data in frames(raw)]
    added = next(data for data in parsed if data["type"] == "response.output_item.added")
    assert added["item"]["namespace"] == "agents"
    with client_for(raw).responses.stream(model="m", input="hi") as stream:
        final = stream.get_final_response()
    assert final.output[0].type == "function_call"
    assert final.output[0].namespace == "agents"
    assert final.tools[0].type == "namespace"


def test_an_error_inside_a_text_block_keeps_the_partial_text_in_the_failed_response() -> None:
    encoder = StreamEncoder(VIEW)
    events: list[Event] = [
        start(),
        BlockStart(index=0, block=TextBlock(text="")),
        TextDelta(index=0, text="half"),
    ]
    head = b"".join(frame for event in events for frame in encoder.encode(event))
    raw = head + encoder.error(GatewayError(ErrorCode.PROVIDER_TIMEOUT, "slow"), "r-3")
    failed = frames(raw)[-1][1]["response"]
    assert failed["output"][0]["status"] == "incomplete"
    assert failed["output"][0]["content"][0]["text"] == "half"


def test_arguments_cut_off_by_the_token_limit_end_the_stream_as_streamed() -> None:
    raw = encoded([start(), *call_events(0, "c", "f", '{"path": "/tm'), *end("max_tokens")])
    last = frames(raw)[-1][1]
    assert last["type"] == "response.incomplete"
    assert last["response"]["output"][0]["arguments"] == '{"path": "/tm'
    assert last["response"]["output"][0]["status"] == "incomplete"
