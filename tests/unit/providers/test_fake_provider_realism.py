"""The fake provider behaves as the real APIs do where real clients (Claude Code, Codex) would notice:
an over-long end-user id is refused, an agent's tool loop can end, and long frames arrive in time.

Uses the session's fake provider over real HTTP (tests/conftest.py).
"""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from hyperinfer.local.fakes.server import EDGE, PIECE, SEGMENT, FakeProvider, hostile_pieces

OPENAI_PATHS = ["/v1/chat/completions", "/v1/responses"]
ANTHROPIC_HEADERS = {"x-api-key": "sk-test", "anthropic-version": "2023-06-01"}
TOOL = {"name": "get_weather", "description": "Weather now", "schema": {"type": "object", "properties": {}}}


def post(fake: FakeProvider, path: str, body: dict[str, Any]) -> httpx.Response:
    headers = ANTHROPIC_HEADERS if path == "/v1/messages" else {"authorization": "Bearer sk-test"}
    return httpx.post(f"{fake.url}{path}", json=body, headers=headers, timeout=10)


def openai_body(path: str, **fields: Any) -> dict[str, Any]:
    if path == "/v1/responses":
        return {"model": "gpt-5", "input": "Hello", **fields}
    return {"model": "gpt-4.1", "messages": [{"role": "user", "content": "Hello"}], **fields}


@pytest.mark.parametrize("field", ["user", "safety_identifier"])
@pytest.mark.parametrize("path", OPENAI_PATHS)
def test_an_identifier_over_64_characters_is_refused_as_openai_does(
    fake: FakeProvider, path: str, field: str
) -> None:
    response = post(fake, path, openai_body(path, **{field: "u" * 65}))
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["type"] == "invalid_request_error" and error["code"] == "string_above_max_length"
    assert error["param"] == field
    assert error["message"].startswith(f"Invalid '{field}': string too long.")
    assert "maximum length 64, but got a string with length 65" in error["message"]
    assert fake.calls[-1]["outcome"] == "error"


@pytest.mark.parametrize("path", OPENAI_PATHS)
def test_an_identifier_of_64_characters_is_accepted(fake: FakeProvider, path: str) -> None:
    assert post(fake, path, openai_body(path, user="u" * 64)).status_code == 200


# ---- `once`: tools on the first turn only -------------------------------------------------------

FIRST_TURN: dict[str, dict[str, Any]] = {
    "/v1/chat/completions": {
        "model": "gpt-4.1",
        "messages": [{"role": "user", "content": "Go [[fake tools=1 once]]"}],
        "tools": [{"type": "function", "function": {"name": TOOL["name"], "parameters": TOOL["schema"]}}],
    },
    "/v1/responses": {
        "model": "gpt-5",
        "input": [{"role": "user", "content": "Go [[fake tools=1 once]]"}],
        "tools": [{"type": "function", "name": TOOL["name"], "parameters": TOOL["schema"]}],
    },
    "/v1/messages": {
        "model": "claude-sonnet-4-5",
        "max_tokens": 1024,
        "messages": [{"role": "user", "content": "Go [[fake tools=1 once]]"}],
        "tools": [{"name": TOOL["name"], "input_schema": TOOL["schema"]}],
    },
}
# What each format's second turn appends: the call and its result.
RESULT_TURN: dict[str, tuple[str, list[dict[str, Any]]]] = {
    "/v1/chat/completions": (
        "messages",
        [
            {
                "role": "assistant",
                "content": None,
                "tool_calls": [
                    {"id": "c1", "type": "function", "function": {"name": "get_weather", "arguments": "{}"}}
                ],
            },
            {"role": "tool", "tool_call_id": "c1", "content": "sunny"},
        ],
    ),
    "/v1/responses": (
        "input",
        [
            {"type": "function_call", "call_id": "c1", "name": "get_weather", "arguments": "{}"},
            {"type": "function_call_output", "call_id": "c1", "output": "sunny"},
        ],
    ),
    "/v1/messages": (
        "messages",
        [
            {
                "role": "assistant",
                "content": [{"type": "tool_use", "id": "c1", "name": "get_weather", "input": {}}],
            },
            {"role": "user", "content": [{"type": "tool_result", "tool_use_id": "c1", "content": "sunny"}]},
        ],
    ),
}


def called_tools(path: str, answer: dict[str, Any]) -> list[str]:
    if path == "/v1/chat/completions":
        return [c["function"]["name"] for c in answer["choices"][0]["message"].get("tool_calls") or []]
    if path == "/v1/responses":
        return [item["name"] for item in answer["output"] if item["type"] == "function_call"]
    return [block["name"] for block in answer["content"] if block["type"] == "tool_use"]


@pytest.mark.parametrize("path", list(FIRST_TURN))
def test_once_calls_the_tools_until_a_tool_result_comes_back_then_answers_in_text(
    fake: FakeProvider, path: str
) -> None:
    first = FIRST_TURN[path]
    assert called_tools(path, post(fake, path, first).json()) == ["get_weather"]
    key, appended = RESULT_TURN[path]
    second = post(fake, path, {**first, key: [*first[key], *appended]}).json()
    assert called_tools(path, second) == []
    # Without `once` the directive still calls the tools on every turn, as before.
    again = {**first, key: [*first[key], *appended]}
    again[key][0] = {**again[key][0], "content": "Go [[fake tools=1]]"}
    assert called_tools(path, post(fake, path, again).json()) == ["get_weather"]


# ---- delivery of long frames --------------------------------------------------------------------


@pytest.mark.parametrize("size", [0, 1, PIECE, 2 * EDGE, 2 * EDGE + 1, 5000, 40_000])
def test_hostile_pieces_reassemble_the_frame(size: int) -> None:
    data = bytes(i % 251 for i in range(size))
    pieces = hostile_pieces(data)
    assert b"".join(pieces) == data
    assert all(pieces)


def test_a_short_frame_goes_out_piece_by_piece() -> None:
    pieces = hostile_pieces(("data: " + "🚀" * 100 + "\n\n").encode())
    assert {len(p) for p in pieces[:-1]} == {PIECE}


def test_a_long_frame_has_small_writes_at_both_edges_and_network_sized_ones_between() -> None:
    data = b"x" * 40_000
    pieces = hostile_pieces(data)
    assert len(pieces) < 40_000 // PIECE // 10
    assert b"".join(pieces[: EDGE // PIECE]) == data[: EDGE // PIECE * PIECE]
    assert all(len(p) <= PIECE for p in pieces[: EDGE // PIECE])
    assert all(len(p) <= PIECE for p in pieces[-(EDGE // PIECE) :])
    assert max(len(p) for p in pieces) == SEGMENT
