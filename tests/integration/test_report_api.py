"""The reporting API end to end: `hyperinfer dev` accepts reports, its queue consumer stores them, and
the stored records are read back from the emulator through the report store."""

from __future__ import annotations

import json
import time
import uuid
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import httpx
import pytest
from hyperinfer import aws
from hyperinfer.accounts.store import AccountStore
from hyperinfer.gateway.runtime import Runtime
from hyperinfer.local.dev import DEV_WORKSPACE
from hyperinfer.local.emulator import use_fake_credentials
from hyperinfer.reports.layout import inbound_key
from hyperinfer.reports.models import report_id
from hyperinfer.reports.records import ReportRecord
from hyperinfer.reports.store import ReportStore
from hyperinfer.settings import Settings

from tests.integration.conftest import DEV_KEY, MAX_BODY, Gateway
from tests.unit.reports.payloads import CHAT_REQUEST, CHAT_RESPONSE, anthropic_report, encoded, openai_report

if TYPE_CHECKING:
    from mypy_boto3_sqs.literals import QueueAttributeNameType

OTHER_WORKSPACE = "ws_report_other"
STORED_WITHIN = 20.0  # seconds for the dev poller to consume and store a report


@pytest.fixture(scope="module")
def settings(gateway: Gateway) -> Settings:
    use_fake_credentials()
    state = json.loads((gateway.workdir / ".hyperinfer" / "dev.json").read_text())
    return Settings(
        aws_endpoint_url=state["aws_endpoint_url"],
        aws_region=state["aws_region"],
        table_name=state["table_name"],
        report_queue_name=state["report_queue_name"],
        report_bucket_name=state["report_bucket_name"],
    )


@pytest.fixture(scope="module")
def store(settings: Settings) -> ReportStore:
    return ReportStore.from_settings(settings)


@pytest.fixture(scope="module")
def other_key(settings: Settings) -> str:
    accounts: AccountStore = Runtime(settings).accounts
    accounts.create_workspace(OTHER_WORKSPACE, "Another tenant")
    key, _ = accounts.create_key(OTHER_WORKSPACE, "reports")
    return key


def post(gateway: Gateway, path: str, body: Any, key: str | None = DEV_KEY, **headers: str) -> httpx.Response:
    if key is not None:
        headers["Authorization"] = f"Bearer {key}"
    content = body if isinstance(body, bytes) else json.dumps(body).encode()
    headers.setdefault("Content-Type", "application/json")
    return httpx.post(f"{gateway.url}/api/v1/{path}", content=content, headers=headers, timeout=30)


def ok(response: httpx.Response) -> None:
    assert (response.status_code, response.json()) == (200, {"status": "ok"}), response.text


def eventually(found: Callable[[], list[ReportRecord]], count: int = 1) -> list[ReportRecord]:
    deadline = time.monotonic() + STORED_WITHIN
    while time.monotonic() < deadline:
        records = found()
        if len(records) >= count:
            return records
        time.sleep(0.2)
    raise AssertionError(f"fewer than {count} report(s) stored within {STORED_WITHIN} s")


def tagged(store: ReportStore, workspace: str, run: str) -> Callable[[], list[ReportRecord]]:
    return lambda: store.query(workspace, metadata={"run": run}).records


def queue_drained(settings: Settings) -> None:
    """Until the report queue holds nothing, in flight or waiting: every message was consumed."""
    sqs = aws.sqs(settings)
    url = sqs.get_queue_url(QueueName=settings.report_queue_name)["QueueUrl"]
    names: list[QueueAttributeNameType] = [
        "ApproximateNumberOfMessages",
        "ApproximateNumberOfMessagesNotVisible",
    ]
    deadline = time.monotonic() + STORED_WITHIN
    while time.monotonic() < deadline:
        attributes = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=names)["Attributes"]
        if all(attributes[name] == "0" for name in names):
            return
        time.sleep(0.2)
    raise AssertionError("the report queue was not drained")


def error_body(response: httpx.Response) -> dict[str, Any]:
    """The seeds' error shape, exactly: message, code, issues [{message}] (and the request id)."""
    body: dict[str, Any] = response.json()
    assert set(body) == {"message", "code", "issues", "request_id"}
    assert body["request_id"] == response.headers["x-request-id"]
    assert body["issues"] and all(set(issue) == {"message"} for issue in body["issues"])
    return body


def test_an_openai_report_is_stored_as_sent_in_the_callers_workspace(
    gateway: Gateway, store: ReportStore
) -> None:
    run = uuid.uuid4().hex
    body = openai_report(reqPayload=encoded(CHAT_REQUEST), tags={"run": run, "attempt": 2})
    ok(post(gateway, "report", body))
    [stored] = eventually(tagged(store, DEV_WORKSPACE, run))
    assert (stored.format, stored.origin, stored.status_code, stored.requested_at) == (
        "openai",
        "api",
        200,
        1795309599000,
    )
    assert stored.req_payload == encoded(CHAT_REQUEST) and stored.resp_payload == CHAT_RESPONSE
    assert stored.metadata == {"run": run, "attempt": "2", "prompt_id": "count", "userId": "123"}
    assert stored.key_id.startswith("key_") and len(stored.report_id) == 32


def test_an_anthropic_report_is_stored_with_its_metadata(gateway: Gateway, store: ReportStore) -> None:
    run = uuid.uuid4().hex
    body = anthropic_report(metadata={"run": run, "env": "prod"}, tags={"env": "dev"})
    ok(post(gateway, "report-anthropic", body))
    [stored] = eventually(tagged(store, DEV_WORKSPACE, run))
    assert stored.format == "anthropic" and stored.metadata == {"run": run, "env": "prod"}
    assert (stored.req_payload, stored.resp_payload) == (body["reqPayload"], body["respPayload"])


def test_a_report_too_large_for_a_queue_message_goes_through_s3_and_arrives_whole(
    gateway: Gateway, store: ReportStore, settings: Settings
) -> None:
    # Just under the body limit (256 KiB, SQS's own cap): the message around it is over SQS's cap.
    run, key = uuid.uuid4().hex, f"large-{uuid.uuid4()}"
    body = openai_report(respPayload={**CHAT_RESPONSE, "padding": ""}, tags={"run": run})
    body["respPayload"]["padding"] = "p" * (MAX_BODY - 64 - len(json.dumps(body)))
    assert MAX_BODY - 100 < len(json.dumps(body)) <= MAX_BODY
    ok(post(gateway, "report", body, **{"Idempotency-Key": key}))
    [stored] = eventually(tagged(store, DEV_WORKSPACE, run))
    assert stored.resp_payload == body["respPayload"]
    pointer = inbound_key(DEV_WORKSPACE, report_id(DEV_WORKSPACE, key))
    assert aws.s3(settings).head_object(Bucket=settings.report_bucket_name, Key=pointer)["ContentLength"] > 0


def test_retries_with_one_idempotency_key_store_one_report(
    gateway: Gateway, store: ReportStore, settings: Settings
) -> None:
    run, key = uuid.uuid4().hex, f"retry-{uuid.uuid4()}"
    for _ in range(3):
        ok(post(gateway, "report", openai_report(tags={"run": run}), **{"Idempotency-Key": key}))
    eventually(tagged(store, DEV_WORKSPACE, run))
    queue_drained(settings)
    assert len(tagged(store, DEV_WORKSPACE, run)()) == 1
    got = store.get(DEV_WORKSPACE, report_id(DEV_WORKSPACE, key))
    assert got is not None and got.metadata["run"] == run


def test_reports_land_only_in_the_callers_workspace(
    gateway: Gateway, store: ReportStore, other_key: str, settings: Settings
) -> None:
    run, key = uuid.uuid4().hex, f"shared-{uuid.uuid4()}"
    for api_key, side in [(DEV_KEY, "dev"), (other_key, "other")]:
        body = anthropic_report(metadata={"run": run, "side": side})
        ok(post(gateway, "report-anthropic", body, key=api_key, **{"Idempotency-Key": key}))
    [mine] = eventually(tagged(store, DEV_WORKSPACE, run))
    [theirs] = eventually(tagged(store, OTHER_WORKSPACE, run))
    queue_drained(settings)
    assert (mine.workspace_id, mine.metadata["side"]) == (DEV_WORKSPACE, "dev")
    assert (theirs.workspace_id, theirs.metadata["side"]) == (OTHER_WORKSPACE, "other")
    assert mine.key_id != theirs.key_id and len(tagged(store, DEV_WORKSPACE, run)()) == 1


@pytest.mark.parametrize("path", ["report", "report-anthropic"])
@pytest.mark.parametrize("key", ["sk-hi-not-a-real-key-000000000000", None])
def test_a_bad_or_missing_key_is_unauthorized_in_the_seed_shape(
    gateway: Gateway, path: str, key: str | None
) -> None:
    response = post(gateway, path, openai_report() if path == "report" else anthropic_report(), key=key)
    assert response.status_code == 401 and error_body(response)["code"] == "UNAUTHORIZED"


@pytest.mark.parametrize(
    ("path", "body", "field"),
    [
        ("report", openai_report(model="gpt-4.1-mini"), "model"),
        ("report", openai_report(reqPayload="{not json"), "reqPayload"),
        ("report-anthropic", anthropic_report(metadata={"n": 1}), "metadata.n"),
        ("report-anthropic", anthropic_report(reqPayload={"model": "m", "max_tokens": 5, "messages": [{}]}),
         "reqPayload.messages[0]"),
    ],
)  # fmt: skip
def test_a_malformed_body_is_a_bad_request_naming_the_field(
    gateway: Gateway, path: str, body: dict[str, Any], field: str
) -> None:
    response = post(gateway, path, body)
    error = error_body(response)
    assert response.status_code == 400 and error["code"] == "BAD_REQUEST"
    assert error["message"].startswith(field) and error["issues"][0]["message"].startswith(field)


def test_a_body_over_the_limit_is_payload_too_large(gateway: Gateway) -> None:
    body = openai_report(errorMessage="x" * MAX_BODY)
    response = post(gateway, "report", body)
    assert response.status_code == 413 and error_body(response)["code"] == "PAYLOAD_TOO_LARGE"
