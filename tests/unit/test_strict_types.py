"""Request types are strict where the official APIs are: no string or boolean passes for a number."""

from __future__ import annotations

from typing import Any

import pytest
from hyperinfer.errors import GatewayError
from hyperinfer.formats.anthropic_messages.request import MessagesRequest
from hyperinfer.formats.chat_completions.request import ChatCompletionRequest
from hyperinfer.formats.responses.request import ResponsesRequest
from hyperinfer.gateway.body import validate
from pydantic import BaseModel

BASES: list[tuple[type[BaseModel], dict[str, Any], str]] = [
    (ChatCompletionRequest, {"model": "m", "messages": [{"role": "user", "content": "hi"}]}, "max_tokens"),
    (
        ChatCompletionRequest,
        {"model": "m", "messages": [{"role": "user", "content": "hi"}]},
        "max_completion_tokens",
    ),
    (ResponsesRequest, {"model": "m", "input": "hi"}, "max_output_tokens"),
    (
        MessagesRequest,
        {"model": "m", "max_tokens": 16, "messages": [{"role": "user", "content": "hi"}]},
        "max_tokens",
    ),
]


@pytest.mark.parametrize(("model", "base", "field"), BASES)
@pytest.mark.parametrize("value", ["16", True, 1e40, 16.5, 16.0])
def test_a_cap_that_is_not_an_integer_is_refused_naming_it(
    model: type[BaseModel], base: dict[str, Any], field: str, value: Any
) -> None:
    with pytest.raises(GatewayError) as caught:
        validate(model, {**base, field: value})
    assert (caught.value.status, caught.value.param) == (400, field)
    assert caught.value.message.startswith(f"{field}: ")


@pytest.mark.parametrize(("model", "base", "field"), BASES)
def test_an_integer_cap_and_nested_objects_still_validate(
    model: type[BaseModel], base: dict[str, Any], field: str
) -> None:
    parsed = validate(model, {**base, field: 16, "stream": True, "temperature": 1})
    assert getattr(parsed, field) == 16


@pytest.mark.parametrize(("model", "base", "_field"), BASES)
def test_stream_must_be_a_boolean(model: type[BaseModel], base: dict[str, Any], _field: str) -> None:
    with pytest.raises(GatewayError) as caught:
        validate(model, {**base, "stream": "true"})
    assert caught.value.param == "stream"
