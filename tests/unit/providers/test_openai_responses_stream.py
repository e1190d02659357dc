"""Responses SSE -> IR events, fed one byte at a time, folded back into the same answer.

The hand-written sequences follow OpenAI's "Responses streaming" reference and a captured
api.openai.com stream (reasoning item whose ``encrypted_content`` changes between
``output_item.added`` and ``output_item.done``); the rest come from the fake provider.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from hyperinfer.errors import ErrorCode, GatewayError
from hyperinfer.ir.content import TextBlock, ThinkingBlock, ToolUseBlock
from hyperinfer.ir.events import BlockStart, BlockStop, Event, Finish, MessageStart, UsageUpdate
from hyperinfer.ir.response import Response
from hyperinfer.local.fakes.openai_responses import Answer
from hyperinfer.local.fakes.server import TOOL_ARGUMENTS
from hyperinfer.providers.openai_responses.decode import decode_response
from hyperinfer.providers.openai_responses.stream import StreamDecoder
from hyperinfer.providers.sse import SSEDecoder

from tests.unit.providers.streaming import accumulate, decode_in_reads

USAGE = {
    "input_tokens": 4006,
    "input_tokens_details": {"cached_tokens": 4000},
    "output_tokens": 40,
    "output_tokens_details": {"reasoning_tokens": 27},
    "total_tokens": 4046,
}
REASONING_DONE: dict[str, Any] = {
    "id": "rs_0e17",
    "type": "reasoning",
    "encrypted_content": "gAAAA-final==",
    "summary": [{"type": "summary_text", "text": "**Preparing simple response**"}],
}
MESSAGE_DONE: dict[str, Any] = {
    "id": "msg_0e17",
    "type": "message",
    "status": "completed",
    "role": "assistant",
    "content": [
        {"type": "output_text", "annotations": [], "logprobs": [], "text": "Hello! Ready when you are."}
    ],
}


def stream(*events: tuple[str, dict[str, Any]]) -> bytes:
    """SSE bytes as OpenAI frames them: ``event:`` + ``data:`` with a sequence number from 0."""
    out = b""
    for number, (kind, fields) in enumerate(events):
        data = json.dumps({"type": kind, **fields, "sequence_number": number}, ensure_ascii=False)
        out += f"event: {kind}\ndata: {data}\n\n".encode()
    return out


def final(*output: dict[str, Any], status: str = "completed", **fields: Any) -> dict[str, Any]:
    return {
        "id": "resp_0e17",
        "object": "response",
        "created_at": 1768224742,
        "status": status,
        "error": None,
        "incomplete_details": None,
        "model": "gpt-5-codex",
        "output": list(output),
        "usage": USAGE,
        **fields,
    }


def opening() -> list[tuple[str, dict[str, Any]]]:
    started = {**final(), "status": "in_progress", "output": [], "usage": None}
    return [("response.created", {"response": started}), ("response.in_progress", {"response": started})]


def reasoning_then_text() -> list[tuple[str, dict[str, Any]]]:
    rs = {"item_id": "rs_0e17", "output_index": 0, "summary_index": 0}
    msg = {"item_id": "msg_0e17", "output_index": 1, "content_index": 0}
    part = MESSAGE_DONE["content"][0]
    early = {**REASONING_DONE, "encrypted_content": "gAAAA-early", "summary": []}
    writing = {**MESSAGE_DONE, "status": "in_progress", "content": []}
    return [
        *opening(),
        ("response.output_item.added", {"output_index": 0, "item": early}),
        ("response.reasoning_summary_part.added", {**rs, "part": {"type": "summary_text", "text": ""}}),
        ("response.reasoning_summary_text.delta", {**rs, "delta": "**Preparing", "obfuscation": "OoWf9"}),
        ("response.reasoning_summary_text.delta", {**rs, "delta": " simple response**"}),
        ("response.reasoning_summary_text.done", {**rs, "text": "**Preparing simple response**"}),
        ("response.reasoning_summary_part.done", {**rs, "part": REASONING_DONE["summary"][0]}),
        ("response.output_item.done", {"output_index": 0, "item": REASONING_DONE}),
        ("response.output_item.added", {"output_index": 1, "item": writing}),
        ("response.content_part.added", {**msg, "part": {**part, "text": ""}}),
        ("response.output_text.delta", {**msg, "delta": "Hello! Ready", "logprobs": []}),
        ("response.output_text.delta", {**msg, "delta": " when you are.", "logprobs": []}),
        ("response.output_text.done", {**msg, "text": part["text"], "logprobs": []}),
        ("response.content_part.done", {**msg, "part": part}),
        ("response.output_item.done", {"output_index": 1, "item": MESSAGE_DONE}),
        ("response.completed", {"response": final(REASONING_DONE, MESSAGE_DONE)}),
    ]  # fmt: skip


def call(n: int, arguments: str, status: str = "completed") -> dict[str, Any]:
    return {"id": f"fc_{n}", "type": "function_call", "status": status, "arguments": arguments,
            "call_id": f"call_{n}", "name": "get_weather"}  # fmt: skip


def two_calls() -> list[tuple[str, dict[str, Any]]]:
    events = opening()
    for n, args in enumerate(['{"city":"Paris"}', '{"city":"Zürich"}']):
        ids = {"item_id": f"fc_{n}", "output_index": n}
        events += [
            ("response.output_item.added", {"output_index": n, "item": call(n, "", "in_progress")}),
            ("response.function_call_arguments.delta", {**ids, "delta": args[:7]}),
            ("response.function_call_arguments.delta", {**ids, "delta": args[7:]}),
            ("response.function_call_arguments.done", {**ids, "arguments": args}),
            ("response.output_item.done", {"output_index": n, "item": call(n, args)}),
        ]
    events.append(
        ("response.completed", {"response": final(call(0, '{"city":"Paris"}'), call(1, '{"city":"Zürich"}'))})
    )
    return events


def decode_stream(raw: bytes) -> list[Event]:
    return decode_in_reads(SSEDecoder(), StreamDecoder(), raw)


def fold(events: list[Event]) -> Response:
    return accumulate(events).response()


def assert_invariants(events: list[Event]) -> None:
    """One MessageStart first, Finish last, blocks 0.. in order, each stopped before the next."""
    assert isinstance(events[0], MessageStart) and isinstance(events[-1], Finish)
    assert sum(isinstance(e, MessageStart) for e in events) == 1
    assert isinstance(events[-2], UsageUpdate)
    open_index: int | None = None
    started: list[int] = []
    for event in events[1:-1]:
        if isinstance(event, BlockStart):
            assert open_index is None, "a block started before the previous one stopped"
            open_index = event.index
            started.append(event.index)
        elif isinstance(event, BlockStop):
            assert event.index == open_index
            open_index = None
        elif hasattr(event, "index"):
            assert event.index == open_index, "a delta for a block that is not open"
    assert open_index is None
    assert started == list(range(len(started)))


def same_answer(raw: bytes, body: dict[str, Any]) -> list[Event]:
    events = decode_stream(raw)
    assert_invariants(events)
    assert fold(events) == decode_response(body).model_copy(update={"created": None})
    return events


# -- documented sequences ---------------------------------------------------------------------


def test_reasoning_then_text_folds_to_the_response_object() -> None:
    events = same_answer(stream(*reasoning_then_text()), final(REASONING_DONE, MESSAGE_DONE))
    assert events[0] == MessageStart(id="resp_0e17", model="gpt-5-codex")
    assert fold(events).usage.cache_read_tokens == 4000


def test_a_reasoning_block_carries_the_final_encrypted_content_not_the_early_one() -> None:
    events = decode_stream(stream(*reasoning_then_text()))
    starts = [e for e in events if isinstance(e, BlockStart)]
    assert starts[0].block == ThinkingBlock(
        thinking="", summary=True, encrypted="gAAAA-final==", item_id="rs_0e17"
    )
    assert starts[1].block == TextBlock(text="")


def test_two_function_calls_are_two_blocks_with_their_own_ids_and_arguments() -> None:
    events = same_answer(
        stream(*two_calls()), final(call(0, '{"city":"Paris"}'), call(1, '{"city":"Zürich"}'))
    )
    blocks = fold(events).content
    assert blocks == (
        ToolUseBlock(id="call_0", name="get_weather", input={"city": "Paris"}),
        ToolUseBlock(id="call_1", name="get_weather", input={"city": "Zürich"}),
    )
    assert events[-1] == Finish(stop_reason="tool_use")


def test_arguments_sent_only_whole_at_done_still_arrive() -> None:
    args = '{"city":"Paris"}'
    events = [
        *opening(),
        ("response.output_item.added", {"output_index": 0, "item": call(0, "", "in_progress")}),
        ("response.function_call_arguments.done", {"item_id": "fc_0", "output_index": 0, "arguments": args}),
        ("response.output_item.done", {"output_index": 0, "item": call(0, args)}),
        ("response.completed", {"response": final(call(0, args))}),
    ]
    same_answer(stream(*events), final(call(0, args)))


def test_text_deltas_without_item_events_still_make_a_text_block() -> None:
    """Some Responses-compatible upstreams skip output_item.added / content_part.added."""
    body = final(
        {
            "id": "msg_1",
            "type": "message",
            "role": "assistant",
            "content": [{"type": "output_text", "text": "Hello"}],
        }
    )
    events = [
        *opening(),
        (
            "response.output_text.delta",
            {"item_id": "msg_1", "output_index": 0, "content_index": 0, "delta": "Hel"},
        ),
        (
            "response.output_text.delta",
            {"item_id": "msg_1", "output_index": 0, "content_index": 0, "delta": "lo"},
        ),
        ("response.completed", {"response": body}),
    ]
    same_answer(stream(*events), body)


def test_a_message_item_that_arrives_only_whole_is_emitted_whole() -> None:
    events = [*opening(), ("response.output_item.done", {"output_index": 0, "item": MESSAGE_DONE}),
              ("response.completed", {"response": final(MESSAGE_DONE)})]  # fmt: skip
    same_answer(stream(*events), final(MESSAGE_DONE))


def test_an_incomplete_response_finishes_with_max_tokens_and_its_usage() -> None:
    cut = final(
        REASONING_DONE, MESSAGE_DONE, status="incomplete", incomplete_details={"reason": "max_output_tokens"}
    )
    events = [*reasoning_then_text()[:-1], ("response.incomplete", {"response": cut})]
    decoded = same_answer(stream(*events), cut)
    assert decoded[-1] == Finish(stop_reason="max_tokens")


def test_items_that_interleave_are_an_upstream_fault() -> None:
    msg = {"item_id": "msg_1", "output_index": 0, "content_index": 0}
    events = [
        *opening(),
        ("response.output_text.delta", {**msg, "delta": "a"}),
        ("response.output_item.added", {"output_index": 1, "item": call(1, "", "in_progress")}),
        ("response.output_text.delta", {**msg, "delta": "b"}),
    ]
    with pytest.raises(GatewayError) as caught:
        decode_stream(stream(*events))
    assert caught.value.code is ErrorCode.PROVIDER_UNAVAILABLE


# -- failures ---------------------------------------------------------------------------------


SERVER_ERROR = {"code": "server_error", "message": "The server had an error", "param": None}
NESTED_429 = {
    "error": {"type": "too_many_requests", "code": "too_many_requests", "message": "Too Many Requests"}
}
TOO_LONG = {
    "code": "context_length_exceeded",
    "message": "Your input exceeds the context window",
    "param": "input",
}


@pytest.mark.parametrize(
    ("error", "code"),
    [
        (SERVER_ERROR, ErrorCode.PROVIDER_UNAVAILABLE),
        (NESTED_429, ErrorCode.PROVIDER_RATE_LIMIT),
        (TOO_LONG, ErrorCode.CONTEXT_LENGTH_EXCEEDED),
    ],
)
def test_an_error_event_raises_the_mapped_error_flat_or_nested(
    error: dict[str, Any], code: ErrorCode
) -> None:
    raw = stream(
        *opening(),
        ("response.output_text.delta", {"output_index": 0, "content_index": 0, "delta": "Hi"}),
        ("error", error),
    )
    with pytest.raises(GatewayError) as caught:
        decode_stream(raw)
    assert caught.value.code is code


def test_a_failed_response_raises_with_its_message_and_no_secret() -> None:
    failed = {
        **final(),
        "status": "failed",
        "error": {"code": "server_error", "message": "Failed for sk-proj-abcdefghijklmnop"},
    }
    with pytest.raises(GatewayError) as caught:
        decode_stream(stream(*opening(), ("response.failed", {"response": failed})))
    assert caught.value.code is ErrorCode.PROVIDER_UNAVAILABLE
    assert "Failed for" in caught.value.message and "sk-proj" not in caught.value.message


def test_a_stream_that_ends_without_a_terminal_event_raises_on_close() -> None:
    with pytest.raises(GatewayError) as caught:
        decode_stream(stream(*reasoning_then_text()[:-1]))
    assert caught.value.code is ErrorCode.PROVIDER_UNAVAILABLE


# -- the fake provider's streams --------------------------------------------------------------


def body(stream: bool) -> dict[str, Any]:
    tools = [{"type": "function", "name": "get_weather", "parameters": {"type": "object"}, "strict": False}]
    return {"model": "gpt-5", "input": [{"role": "user", "content": "hi"}], "tools": tools, "stream": stream}


@pytest.mark.parametrize(
    "opts",
    [
        {},
        {"tools": "2"},
        {"think": "1", "tools": "3", "cached": "30"},
        {"max_tokens": "1"},
        {"refusal": "1"},
        {"json": "1"},
    ],
)
def test_the_fakes_streams_fold_to_its_response_objects(opts: dict[str, str]) -> None:
    answer = Answer(body(True), opts)
    same_answer(b"".join(answer.frames()), answer.response())


def test_the_fakes_reasoning_and_calls_arrive_in_order() -> None:
    events = decode_stream(b"".join(Answer(body(True), {"think": "1", "tools": "2"}).frames()))
    content = fold(events).content
    assert isinstance(content[0], ThinkingBlock) and content[0].encrypted
    assert [b.input for b in content[1:] if isinstance(b, ToolUseBlock)] == TOOL_ARGUMENTS[:2]


def test_a_terminal_event_without_a_status_is_read_from_its_name() -> None:
    minimal = {"id": "resp_1", "output": [], "usage": {"input_tokens": 3, "output_tokens": 1}}
    events = decode_stream(stream(*opening(), ("response.completed", {"response": minimal})))
    assert events[-1] == Finish(stop_reason="end_turn")


def test_a_frame_that_is_not_json_is_an_upstream_fault() -> None:
    with pytest.raises(GatewayError) as caught:
        decode_stream(stream(*opening()) + b"event: response.output_text.delta\ndata: {not json\n\n")
    assert caught.value.code is ErrorCode.PROVIDER_UNAVAILABLE
