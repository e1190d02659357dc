"""The two reporting endpoints in-process: a fake key store, and the queue replaced by a recorder."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from typing import Any

import pytest
from hyperinfer.accounts.keys import ApiKey, hash_key
from hyperinfer.api_schemas import ReportError
from hyperinfer.function_table import get_function
from hyperinfer.gateway import runtime
from hyperinfer.reports import queue
from hyperinfer.reports.message import ReportMessage
from hyperinfer.settings import Settings
from hyperinfer.web import build_app
from starlette.testclient import TestClient

from tests.unit.reports.payloads import CHAT_REQUEST, anthropic_report, encoded, openai_report

KEYS = {"sk-hi-alpha": ("ws_alpha", "key_alpha"), "sk-hi-beta": ("ws_beta", "key_beta")}
LIMIT = 20_000


class FakeAccounts:
    def find_key(self, key: str, *, spend_one_time: bool = True) -> ApiKey | None:
        if key not in KEYS:
            return None
        workspace, key_id = KEYS[key]
        return ApiKey(
            key_id=key_id, key_hash=hash_key(key), workspace_id=workspace, prefix=key[:10], name="t"
        )


@pytest.fixture
def sent(monkeypatch: pytest.MonkeyPatch) -> list[ReportMessage]:
    messages: list[ReportMessage] = []
    monkeypatch.setattr(queue, "enqueue", lambda settings, message: messages.append(message))
    return messages


@pytest.fixture
def client() -> Iterator[TestClient]:
    previous = runtime._current
    rt = runtime.configure(Settings(max_request_bytes=LIMIT, aws_endpoint_url="http://127.0.0.1:9"))
    rt.__dict__["accounts"] = FakeAccounts()  # cached_property: the fake takes its place
    app = build_app([get_function("report"), get_function("report_anthropic")])
    try:
        with TestClient(app) as test_client:
            yield test_client
    finally:
        runtime._current = previous


def post(client: TestClient, path: str, body: Any, key: str | None = "sk-hi-alpha", **headers: str) -> Any:
    if key is not None:
        headers["Authorization"] = f"Bearer {key}"
    content = body if isinstance(body, bytes) else json.dumps(body).encode()
    return client.post(f"/api/v1/{path}", content=content, headers=headers)


def error_of(response: Any) -> ReportError:
    return ReportError.model_validate(response.json())


def test_a_report_is_enqueued_as_sent_under_the_keys_workspace(
    client: TestClient, sent: list[ReportMessage]
) -> None:
    body = openai_report(reqPayload=encoded(CHAT_REQUEST))
    before = time.time() * 1000
    response = post(client, "report", body)
    assert response.status_code == 200 and response.json() == {"status": "ok"}
    [message] = sent
    assert (message.workspace_id, message.key_id, message.format, message.origin) == (
        "ws_alpha",
        "key_alpha",
        "openai",
        "api",
    )
    assert message.report == body and before - 1 <= message.received_at <= time.time() * 1000 + 1


def test_the_anthropic_endpoint_enqueues_the_anthropic_format(
    client: TestClient, sent: list[ReportMessage]
) -> None:
    assert post(
        client, "report-anthropic", anthropic_report(), key=None, **{"x-api-key": "sk-hi-beta"}
    ).json() == {"status": "ok"}
    assert (sent[0].format, sent[0].workspace_id) == ("anthropic", "ws_beta")


def test_an_idempotency_key_fixes_the_report_id_per_workspace(
    client: TestClient, sent: list[ReportMessage]
) -> None:
    for key in ["sk-hi-alpha", "sk-hi-alpha", "sk-hi-beta"]:
        assert (
            post(client, "report", openai_report(), key=key, **{"Idempotency-Key": "call-1"}).status_code
            == 200
        )
    post(client, "report", openai_report())
    post(client, "report", openai_report())
    ids = [m.report_id for m in sent]
    assert ids[0] == ids[1] and len(set(ids)) == 4


def test_a_bad_key_is_unauthorized_and_nothing_is_enqueued(
    client: TestClient, sent: list[ReportMessage]
) -> None:
    for key in ["sk-hi-unknown", None]:
        response = post(client, "report", openai_report(), key=key)
        assert response.status_code == 401 and error_of(response).code == "UNAUTHORIZED"
    assert sent == []


def test_a_malformed_body_is_a_bad_request_naming_the_field(
    client: TestClient, sent: list[ReportMessage]
) -> None:
    response = post(client, "report-anthropic", anthropic_report(tags={"x": [1]}))
    error = error_of(response)
    assert (
        response.status_code == 400 and error.code == "BAD_REQUEST" and error.message.startswith("tags.x: ")
    )
    assert error.issues[0].message == error.message and sent == []


@pytest.mark.parametrize(
    ("raw", "why"),
    [(b"{not json", "not valid JSON"), (b"[1, 2]", "JSON object"), (b'{"requestedAt": NaN}', "NaN")],
)
def test_bodies_that_are_not_json_objects_are_bad_requests(client: TestClient, raw: bytes, why: str) -> None:
    response = post(client, "report", raw)
    assert response.status_code == 400 and why in error_of(response).message


def test_a_body_over_the_limit_is_payload_too_large_before_the_key_is_checked(
    client: TestClient, sent: list[ReportMessage]
) -> None:
    big = openai_report(errorMessage="x" * LIMIT)
    for key in ["sk-hi-alpha", "sk-hi-unknown"]:
        response = post(client, "report", big, key=key)
        assert response.status_code == 413 and error_of(response).code == "PAYLOAD_TOO_LARGE"
    assert sent == []


def test_an_unusable_idempotency_key_is_a_bad_request(client: TestClient) -> None:
    response = post(client, "report", openai_report(), **{"Idempotency-Key": "k" * 300})
    assert response.status_code == 400 and error_of(response).message.startswith("Idempotency-Key: ")


def test_a_failed_enqueue_is_an_internal_server_error_never_ok(
    client: TestClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(settings: Settings, message: ReportMessage) -> None:
        raise ConnectionError("SQS unreachable")

    monkeypatch.setattr(queue, "enqueue", broken)
    response = post(client, "report", openai_report())
    error = error_of(response)
    assert response.status_code == 500 and error.code == "INTERNAL_SERVER_ERROR"
    assert "could not be queued" in error.message and response.headers["x-request-id"] == error.request_id
