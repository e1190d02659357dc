"""Bad input on every JSON endpoint of `hyperinfer dev`: a lone UTF-16 surrogate in each string and
key, JSON nested 10,000 deep (past the parser) and 500 deep (past the limit) in an unknown field
and in a real one, caps of the wrong type, bodies labelled as something else than JSON, and random
JSON anywhere. Each is a 400 in the endpoint's own envelope naming the field, or (for the bodies
labelled otherwise) an answer; never a 5xx. Afterwards every report answered 200 is stored and
reads back, and the report queues hold nothing."""

from __future__ import annotations

import json
import time
import uuid
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from hyperinfer.function_table import FUNCTIONS, Envelope
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.integration.conftest import DEV_KEY, INTERNAL_TOKEN, Gateway

RUN = uuid.uuid4().hex  # tags every report this module sends, to find them again
HELLO = [{"role": "user", "content": "Hello"}]
BODIES: dict[str, dict[str, Any]] = {
    "/api/v1/chat/completions": {"model": "openai/gpt-4.1-mini", "messages": HELLO, "max_tokens": 16},
    "/api/v1/responses": {"model": "openai/gpt-4.1-mini", "input": "Hello", "max_output_tokens": 16},
    "/api/v1/messages": {"model": "anthropic/claude-sonnet-4.6", "max_tokens": 16, "messages": HELLO},
    "/api/v1/messages/count_tokens": {"model": "anthropic/claude-sonnet-4.6", "messages": HELLO},
    "/api/v1/report": {
        "requestedAt": 1795309599000,
        "reqPayload": {"model": "gpt-4.1-mini", "messages": HELLO},
        "tags": {"fuzz": RUN},
    },
    "/api/v1/report-anthropic": {
        "reqPayload": {"model": "claude-sonnet-4-5", "max_tokens": 16, "messages": HELLO},
        "metadata": {"fuzz": RUN},
    },
    "/api/v1/playground-keys": {"workspace_id": "ws_dev_missing", "user_id": "u1"},
}
CAPS = {
    "/api/v1/chat/completions": "max_tokens",
    "/api/v1/responses": "max_output_tokens",
    "/api/v1/messages": "max_tokens",
}
ENVELOPES = {spec.route: spec.envelope for spec in FUNCTIONS if spec.route in BODIES}
HEADERS = {"Authorization": f"Bearer {DEV_KEY}", "X-Internal-Token": INTERNAL_TOKEN}
MARK = "\u2063fuzz-here\u2063"  # a string no base body holds: where the raw JSON is spliced in
ACCEPTED: list[str] = []  # the report endpoints' 200s: each must be stored


def post(gateway: Gateway, path: str, raw: bytes, content_type: str = "application/json") -> httpx.Response:
    response = httpx.post(
        f"{gateway.url}{path}", content=raw, headers={**HEADERS, "Content-Type": content_type}, timeout=30
    )
    if (
        ENVELOPES[path] is Envelope.REPORT
        and path != "/api/v1/playground-keys"
        and response.status_code == 200
    ):
        ACCEPTED.append(path)
    return response


def spliced(body: Any, raw_json: str) -> bytes:
    """``body`` as JSON with the MARK string replaced by raw JSON text."""
    text = json.dumps(body, ensure_ascii=False)
    assert text.count(json.dumps(MARK, ensure_ascii=False)) == 1
    return text.replace(json.dumps(MARK, ensure_ascii=False), raw_json).encode()


def string_leaves(value: Any, path: str = "") -> Iterator[tuple[str, Any]]:
    """(field path, the same body with MARK at that string) for every string of the body."""
    if isinstance(value, str):
        yield path, MARK
    elif isinstance(value, dict):
        for key, child in value.items():
            for where, replaced in string_leaves(child, f"{path}.{key}" if path else key):
                yield where, {**value, key: replaced}
    elif isinstance(value, list):
        for index, child in enumerate(value):
            for where, replaced in string_leaves(child, f"{path}[{index}]"):
                yield where, [*value[:index], replaced, *value[index + 1 :]]


def refusal(response: httpx.Response, envelope: Envelope) -> tuple[str, str | None]:
    """(message, param) of a 400 in the envelope's own shape."""
    assert response.status_code == 400, response.text[:500]
    body = response.json()
    if envelope is Envelope.OPENAI:
        assert body["error"]["code"] == "invalid_request"
        return body["error"]["message"], body["error"]["param"]
    if envelope is Envelope.ANTHROPIC:
        assert body["type"] == "error" and body["error"]["type"] == "invalid_request_error"
        return body["error"]["message"], None
    assert body["code"] == "BAD_REQUEST" and body["issues"]
    return body["message"], None


def assert_names(response: httpx.Response, path: str, field: str) -> None:
    message, param = refusal(response, ENVELOPES[path])
    assert message.startswith(f"{field}:") or message.startswith(f"{field}."), (field, message)
    if param is not None:
        assert param.startswith(field), (field, param)


CASES = [(path, where, body) for path, base in BODIES.items() for where, body in string_leaves(base)]


@pytest.mark.parametrize(("path", "field", "body"), CASES, ids=[f"{p} {w}" for p, w, _ in CASES])
def test_a_lone_surrogate_in_any_string_is_a_400_naming_it(
    gateway: Gateway, path: str, field: str, body: Any
) -> None:
    response = post(gateway, path, spliced(body, '"a\\ud800b"'))
    if field == "model" and path in CAPS:  # a model name is looked up before the body is read as text
        assert refusal(response, ENVELOPES[path])[0].startswith("model:")
        return
    assert_names(response, path, field)


@pytest.mark.parametrize("path", list(BODIES))
def test_a_lone_surrogate_in_a_key_is_a_400(gateway: Gateway, path: str) -> None:
    raw = json.dumps(BODIES[path])[:-1] + ', "odd": {"\\udc00": 1}}'
    assert_names(post(gateway, path, raw.encode()), path, "odd")


def deep(levels: int) -> str:
    return '{"a": [' * levels + "1" + "]}" * levels


@pytest.mark.parametrize("levels", [10_000, 500])
@pytest.mark.parametrize("path", list(BODIES))
def test_deep_json_in_an_unknown_field_is_a_400_naming_it(gateway: Gateway, path: str, levels: int) -> None:
    assert_names(post(gateway, path, spliced({**BODIES[path], "x": MARK}, deep(levels))), path, "x")


@pytest.mark.parametrize("path", [p for p in BODIES if "messages" in BODIES[p]])
def test_deep_json_in_a_real_field_is_a_400_naming_it(gateway: Gateway, path: str) -> None:
    body = {**BODIES[path], "messages": [{"role": "user", "content": MARK}]}
    assert_names(post(gateway, path, spliced(body, deep(10_000))), path, "messages[0].content")


@pytest.mark.parametrize("value", ['"16"', "true", "1e40", "16.5"])
@pytest.mark.parametrize("path", list(CAPS))
def test_a_cap_of_the_wrong_type_is_a_400_naming_it(gateway: Gateway, path: str, value: str) -> None:
    body = {**BODIES[path], CAPS[path]: MARK}
    assert_names(post(gateway, path, spliced(body, value)), path, CAPS[path])


@pytest.mark.parametrize("content_type", ["text/plain", "application/x-www-form-urlencoded", ""])
@pytest.mark.parametrize("path", ["/api/v1/chat/completions", "/api/v1/messages", "/api/v1/report"])
def test_a_json_body_labelled_otherwise_is_read_as_json(
    gateway: Gateway, path: str, content_type: str
) -> None:
    response = post(gateway, path, json.dumps(BODIES[path]).encode(), content_type)
    assert response.status_code == 200, response.text[:300]


JSON = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=False)
    | st.text(st.characters(codec=None)),
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(st.characters(codec=None)), inner, max_size=4)
    ),
    max_leaves=20,
)


@pytest.mark.parametrize("path", list(BODIES))
def test_random_json_anywhere_never_answers_a_5xx(gateway: Gateway, path: str) -> None:
    @given(
        extra=st.dictionaries(st.text(max_size=8), JSON, max_size=3), text=st.text(st.characters(codec=None))
    )
    @settings(
        max_examples=15,
        deadline=None,
        derandomize=True,
        database=None,
        suppress_health_check=list(HealthCheck),
    )
    def run(extra: dict[str, Any], text: str) -> None:
        base = BODIES[path]
        body = {**base, **{k: v for k, v in extra.items() if k not in base}}
        if "messages" in base:
            body["messages"] = [{"role": "user", "content": text or "Hello"}]
        raw = json.dumps(body, ensure_ascii=True).encode()  # surrogates travel as \u escapes
        response = post(gateway, path, raw)
        assert response.status_code < 500, response.text[:300]

    run()


def report_queues_drain(gateway: Gateway, within: float = 30) -> int:
    """Messages left on the report queue and its DLQ once the consumer has had ``within`` seconds;
    in-flight ones count, so a message that failed and waits for its retry is seen."""
    state = gateway.state()
    sqs = gateway.aws("sqs")
    urls = [
        sqs.get_queue_url(QueueName=name)["QueueUrl"]
        for name in (state["report_queue_name"], f"{state['report_queue_name']}-dlq")
    ]

    def pending() -> int:
        total = 0
        for url in urls:
            counts = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["All"])["Attributes"]
            total += int(counts["ApproximateNumberOfMessages"]) + int(
                counts["ApproximateNumberOfMessagesNotVisible"]
            )
        return total

    deadline = time.monotonic() + within
    while pending() and time.monotonic() < deadline:
        time.sleep(0.2)
    return pending()


def _stored(gateway: Gateway) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = []
    cursor: str | None = None
    while True:
        params = {"meta.fuzz": RUN, "limit": "200", **({"cursor": cursor} if cursor else {})}
        page = httpx.get(f"{gateway.url}/api/v1/reports", params=params, headers=HEADERS, timeout=30)
        assert page.status_code == 200, page.text[:300]
        found += page.json()["data"]
        cursor = page.json()["next_cursor"]
        if cursor is None:
            return found


@pytest.mark.parametrize("metadata", [{"S": "\U0001f600 𝄞"}, {"M": "x", "N": "1", "NULL": "true"}, {"": "e"}])
def test_every_report_answered_200_is_stored_and_the_queues_end_empty(
    gateway: Gateway, metadata: dict[str, str]
) -> None:
    sent = {
        "reqPayload": BODIES["/api/v1/report-anthropic"]["reqPayload"],
        "metadata": {**metadata, "fuzz": RUN},
    }
    response = post(
        gateway,
        "/api/v1/report-anthropic",
        json.dumps({**sent, "errorMessage": "é" * 60_000}, ensure_ascii=False).encode(),
    )
    assert response.status_code == 200
    assert report_queues_drain(gateway) == 0  # nothing waiting, failed and hidden for a retry, or dead
    stored = _stored(gateway)
    assert len(stored) == len(ACCEPTED)  # every 200 of this module, once
    assert any(
        r["metadata"] == {**metadata, "fuzz": RUN} and r["error_message"] == "é" * 60_000 for r in stored
    )
