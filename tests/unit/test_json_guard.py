"""What no endpoint takes in: JSON nested past MAX_DEPTH and lone UTF-16 surrogates, each refused
naming the field, whether the body parses (find_problem, the prompt estimate) or is too deep for
Python's parser (deep_path_in_text)."""

from __future__ import annotations

import json
from typing import Any

import pytest
from hyperinfer.errors import ErrorCode, GatewayError
from hyperinfer.gateway.estimate import prompt_upper_bound
from hyperinfer.json_guard import MAX_DEPTH, deep_path_in_text, find_problem, loads


def nested(levels: int, *, key: str = "a") -> Any:
    value: Any = 1
    for level in range(levels):
        value = {key: value} if level % 2 else [0, value]
    return value


def test_nesting_up_to_the_limit_is_taken_and_one_more_is_refused() -> None:
    assert find_problem({"x": nested(MAX_DEPTH - 1)}) is None
    prompt_upper_bound({"x": nested(MAX_DEPTH - 1)})
    problem = find_problem({"x": nested(MAX_DEPTH)})
    assert problem is not None and problem.code is ErrorCode.INVALID_REQUEST
    assert problem.param is not None and problem.param.startswith("x") and "deeper than 64" in problem.message


@pytest.mark.parametrize(
    "body",
    [
        {"messages": [{"role": "user", "content": "hi"}], "x": nested(300)},
        {"a:b": {'k\\"ey': [1, 2, {"q": nested(200, key="z,[")}]}},
        [1, [2, [3, nested(120)]]],
    ],
)
def test_the_text_scan_names_the_same_field_as_the_parsed_walk(body: Any) -> None:
    raw = json.dumps(body).encode()
    problem = find_problem(json.loads(raw))
    assert problem is not None
    assert deep_path_in_text(raw) == (problem.param or "")


def test_a_body_too_deep_for_the_parser_is_a_400_naming_the_field() -> None:
    raw = b'{"model": "m", "tools": [{"parameters": ' + b'{"p":' * 10_000 + b"1" + b"}" * 10_000 + b"}]}"
    with pytest.raises(GatewayError) as caught:
        loads(raw)
    assert caught.value.status == 400
    assert caught.value.param == "tools[0].parameters" + ".p" * (MAX_DEPTH - 3)


@pytest.mark.parametrize(
    ("body", "param", "what"),
    [
        ('{"messages": [{"content": "a\\ud800b"}]}', "messages[0].content", "the string"),
        ('{"input": [{"url": "data:\\udfff"}]}', "input[0].url", "the string"),
        ('{"metadata": {"\\udc00": 1}}', "metadata", "an object key"),
    ],
)
def test_a_lone_surrogate_is_refused_by_both_walks(body: str, param: str, what: str) -> None:
    payload = json.loads(body)
    problem = find_problem(payload)
    assert problem is not None and problem.param == param and what in problem.message
    with pytest.raises(GatewayError) as caught:
        prompt_upper_bound(payload)
    assert (caught.value.param, caught.value.message) == (param, problem.message)


def test_surrogate_pairs_and_other_unicode_are_text() -> None:
    payload = json.loads('{"content": "\\ud83d\\ude80 ünïcode ✓", "k\\u00fc": ["東京"]}')
    assert find_problem(payload) is None
    assert prompt_upper_bound(payload) > 0
