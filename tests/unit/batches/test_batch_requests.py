"""Batch requests are checked at create time as the live endpoints check them, naming the field."""

from __future__ import annotations

import json
from typing import Any

import pytest
from hyperinfer.batches.requests import MAX_REQUESTS, anthropic_requests, openai_requests
from hyperinfer.catalog import Catalog, load_catalog
from hyperinfer.errors import ErrorCode, GatewayError

from tests.support import REPO

MESSAGE = {"model": "claude-haiku-4-5", "max_tokens": 32, "messages": [{"role": "user", "content": "Hi"}]}


@pytest.fixture(scope="module")
def catalog() -> Catalog:
    return load_catalog(REPO / "providers.yaml")


def refused(payload: dict[str, Any], catalog: Catalog) -> GatewayError:
    with pytest.raises(GatewayError) as caught:
        anthropic_requests(payload, catalog)
    assert caught.value.code is ErrorCode.INVALID_REQUEST
    return caught.value


def test_a_valid_batch_keeps_each_request_and_its_format(catalog: Catalog) -> None:
    got = anthropic_requests({"requests": [{"custom_id": "a-1", "params": MESSAGE}]}, catalog)
    assert [(r.custom_id, r.ingress, r.body) for r in got] == [("a-1", "anthropic_messages", MESSAGE)]


@pytest.mark.parametrize(
    ("payload", "param"),
    [
        ({"requests": []}, "requests"),
        ({}, "requests"),
        ({"requests": [{"custom_id": "bad id!", "params": MESSAGE}]}, "requests[0].custom_id"),
        ({"requests": [{"custom_id": "x" * 65, "params": MESSAGE}]}, "requests[0].custom_id"),
        (
            {"requests": [{"custom_id": "a", "params": MESSAGE}, {"custom_id": "a", "params": MESSAGE}]},
            "requests[1].custom_id",
        ),
        (
            {"requests": [{"custom_id": "a", "params": {**MESSAGE, "max_tokens": "many"}}]},
            "requests[0].params.max_tokens",
        ),
        (
            {"requests": [{"custom_id": "a", "params": {**MESSAGE, "model": "nope/nothing"}}]},
            "requests[0].params.model",
        ),
        (
            {"requests": [{"custom_id": "a", "params": {**MESSAGE, "stream": True}}]},
            "requests[0].params.stream",
        ),
        (
            {
                "requests": [
                    {"custom_id": "a", "params": {**MESSAGE, "response_format": {"type": "json_object"}}}
                ]
            },
            "requests[0].params.response_format",
        ),
        ({"requests": [{"custom_id": "a", "params": MESSAGE, "extra": 1}]}, "requests[0].extra"),
        ({"requests": [{"custom_id": "a", "params": [1]}]}, "requests[0].params"),
        ({"requests": [{"custom_id": "a", "params": MESSAGE}], "model": "x"}, "model"),
    ],
)
def test_a_malformed_batch_names_the_field(payload: dict[str, Any], param: str, catalog: Catalog) -> None:
    error = refused(payload, catalog)
    assert error.param == param
    assert param in error.message


def test_more_than_the_limit_of_requests_is_refused(catalog: Catalog) -> None:
    many = [{"custom_id": f"r{i}", "params": MESSAGE} for i in range(MAX_REQUESTS + 1)]
    assert refused({"requests": many}, catalog).param == "requests"


def line(
    custom_id: str, body: dict[str, Any], url: str = "/v1/chat/completions", method: str = "POST"
) -> bytes:
    return json.dumps({"custom_id": custom_id, "method": method, "url": url, "body": body}).encode()


CHAT = {"model": "gpt-4.1-mini", "messages": [{"role": "user", "content": "Hi"}]}


def test_an_openai_input_file_becomes_requests_in_its_endpoint_format(catalog: Catalog) -> None:
    data = b"\n".join([line("a", CHAT), b"", line("b", {**CHAT, "max_tokens": 5})]) + b"\n"
    got, problems = openai_requests(data, "/v1/chat/completions", catalog)
    assert problems == []
    assert [(r.custom_id, r.ingress) for r in got] == [("a", "chat_completions"), ("b", "chat_completions")]


def test_every_bad_line_of_an_input_file_is_reported_with_its_number(catalog: Catalog) -> None:
    data = b"\n".join([
        line("a", CHAT),
        b"{not json",
        line("a", CHAT),
        line("c", CHAT, url="/v1/responses"),
        line("d", CHAT, method="GET"),
        line("e", {**CHAT, "model": "nope/nothing"}),
    ])  # fmt: skip
    _, problems = openai_requests(data, "/v1/chat/completions", catalog)
    assert [(p.line, p.param) for p in problems] == [
        (2, ""),
        (3, "custom_id"),
        (4, "url"),
        (5, "method"),
        (6, "body.model"),
    ]
    assert all(p.message.startswith(f"line {p.line}: ") for p in problems)


def test_an_empty_input_file_is_a_problem(catalog: Catalog) -> None:
    _, problems = openai_requests(b"\n\n", "/v1/chat/completions", catalog)
    assert [p.param for p in problems] == ["input_file_id"]


def test_only_ids_of_the_minted_shape_are_looked_up() -> None:
    from hyperinfer.batches import ids
    from hyperinfer.batches.store import VALID_ID

    for good in (ids.message_batch_id(), ids.openai_batch_id(), ids.file_id()):
        assert VALID_ID.fullmatch(good)
    for bad in ("", "file-", "msgbatch_x", "batch_" + "A" * 2000, "file-" + "0" * 26 + "/x"):
        assert not VALID_ID.fullmatch(bad)
