"""The reporting pipeline through `hyperinfer dev`: the API enqueues, the dev poller runs the consumers
on the emulator's queues, readers read back; `hyperinfer reports` upload, export and redrive."""

from __future__ import annotations

import json
import subprocess
import sys
import time
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import httpx
import pytest
from hyperinfer.accounts.store import AccountStore
from hyperinfer.api_schemas import ReportError
from hyperinfer.reports.message import ReportMessage

from tests.integration.conftest import DEV_KEY, Gateway
from tests.unit.reports.payloads import anthropic_report, openai_report

T = TypeVar("T")


def eventually(check: Callable[[], T | None], timeout: float = 30.0) -> T:
    deadline = time.monotonic() + timeout
    while True:
        value = check()
        if value:
            return value
        if time.monotonic() > deadline:
            raise TimeoutError("the pipeline did not get there in time")
        time.sleep(0.2)


def auth(key: str = DEV_KEY) -> dict[str, str]:
    return {"Authorization": f"Bearer {key}"}


def listed(gateway: Gateway, key: str = DEV_KEY, **params: str) -> list[dict[str, Any]]:
    response = httpx.get(f"{gateway.url}/api/v1/reports", params=params, headers=auth(key))
    assert response.status_code == 200, response.text
    data: list[dict[str, Any]] = response.json()["data"]
    return data


def run_cli(gateway: Gateway, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "hyperinfer.cli", "reports", *args],
        cwd=gateway.workdir,  # where `hyperinfer dev` wrote .hyperinfer/dev.json
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


@pytest.fixture(scope="module")
def other_key(gateway: Gateway) -> str:
    accounts = AccountStore(gateway.aws("dynamodb"), gateway.state()["table_name"])
    accounts.create_workspace("ws_reports_other", "Another workspace")
    key, _ = accounts.create_key("ws_reports_other", "other")
    return key


@pytest.fixture
def run_id() -> str:
    return uuid.uuid4().hex


def test_reports_of_both_formats_are_stored_and_listed_by_metadata(gateway: Gateway, run_id: str) -> None:
    openai = httpx.post(
        f"{gateway.url}/api/v1/report", json=openai_report(tags={"run": run_id}), headers=auth()
    )
    anthropic = httpx.post(
        f"{gateway.url}/api/v1/report-anthropic",
        json=anthropic_report(metadata={"run": run_id, "kind": "anthropic"}),
        headers=auth(),
    )
    assert openai.json() == {"status": "ok"} and anthropic.json() == {"status": "ok"}

    def both() -> list[dict[str, Any]] | None:
        got = listed(gateway, **{"meta.run": run_id})
        return got if len(got) == 2 else None

    found = eventually(both)
    assert sorted(r["format"] for r in found) == ["anthropic", "openai"]
    assert {r["workspace_id"] for r in found} == {"ws_dev"} and {r["origin"] for r in found} == {"api"}
    only = listed(gateway, **{"meta.run": run_id, "meta.kind": "anthropic"})
    assert [r["format"] for r in only] == ["anthropic"]
    assert only[0]["resp_payload"] == anthropic_report()["respPayload"]


def test_a_retry_with_the_same_idempotency_key_is_stored_once(gateway: Gateway, run_id: str) -> None:
    for _ in range(3):
        response = httpx.post(
            f"{gateway.url}/api/v1/report",
            json=openai_report(tags={"run": run_id}),
            headers={**auth(), "Idempotency-Key": run_id},
        )
        assert response.status_code == 200
    eventually(lambda: listed(gateway, **{"meta.run": run_id}))
    time.sleep(1.0)  # the retries' messages, had they been stored, would be listed by now
    assert len(listed(gateway, **{"meta.run": run_id})) == 1


def test_a_malformed_report_is_refused_naming_the_field(gateway: Gateway) -> None:
    response = httpx.post(
        f"{gateway.url}/api/v1/report", json=openai_report(statusCode="200"), headers=auth()
    )
    assert response.status_code == 400
    error = ReportError.model_validate(response.json())
    assert error.code == "BAD_REQUEST" and "statusCode" in error.message


def test_another_workspace_sees_none_of_these_reports(gateway: Gateway, other_key: str, run_id: str) -> None:
    httpx.post(f"{gateway.url}/api/v1/report", json=openai_report(tags={"run": run_id}), headers=auth())
    eventually(lambda: listed(gateway, **{"meta.run": run_id}))
    assert listed(gateway, other_key, **{"meta.run": run_id}) == []
    assert all(r["workspace_id"] == "ws_reports_other" for r in listed(gateway, other_key))


def test_listing_rejects_bad_parameters_in_the_report_envelope(gateway: Gateway) -> None:
    response = httpx.get(f"{gateway.url}/api/v1/reports", params={"limit": "0"}, headers=auth())
    assert response.status_code == 400
    assert ReportError.model_validate(response.json()).message.startswith("limit:")
    response = httpx.get(f"{gateway.url}/api/v1/reports", params={"cursor": "nope"}, headers=auth())
    assert response.status_code == 400 and response.json()["message"].startswith("cursor:")
    assert httpx.get(f"{gateway.url}/api/v1/reports").json()["code"] == "UNAUTHORIZED"


def test_upload_cli_ingests_good_lines_and_the_api_shows_the_bad_ones(
    gateway: Gateway, other_key: str, run_id: str, tmp_path: Path
) -> None:
    lines = [
        json.dumps(openai_report(tags={"run": run_id})),
        json.dumps({**anthropic_report(metadata={"run": run_id}), "format": "anthropic"}),
        json.dumps(openai_report(tags={"run": run_id}, statusCode="oops")),
    ]
    upload = tmp_path / "reports.jsonl"
    upload.write_text("\n".join(lines) + "\n")
    done = run_cli(gateway, "upload", str(upload), "--api-key", DEV_KEY, "--timeout", "60")
    assert done.returncode == 0, done.stderr
    assert "100%" in done.stderr  # the progress bar
    status = json.loads(done.stdout)
    assert (status["state"], status["lines"], status["stored"], status["rejected"]) == ("done", 3, 2, 1)
    assert (
        status["errors"] == [{"line": 3, "reason": status["errors"][0]["reason"], "field": "statusCode"}]
        and "statusCode" in status["errors"][0]["reason"]
    )

    stored = listed(gateway, **{"meta.run": run_id})
    assert {r["origin"] for r in stored} == {"upload"} and len(stored) == 2
    assert {r["upload_id"] for r in stored} == {status["upload_id"]}
    # The status is the uploading workspace's alone.
    mine = httpx.get(f"{gateway.url}/api/v1/report-uploads/{status['upload_id']}", headers=auth())
    assert mine.json()["state"] == "done"
    theirs = httpx.get(f"{gateway.url}/api/v1/report-uploads/{status['upload_id']}", headers=auth(other_key))
    assert theirs.status_code == 404 and theirs.json()["code"] == "NOT_FOUND"


def test_a_minted_upload_is_pending_until_its_file_arrives(gateway: Gateway) -> None:
    minted = httpx.post(f"{gateway.url}/api/v1/report-uploads", headers=auth())
    assert minted.status_code == 201
    grant = minted.json()
    assert set(grant) == {"upload_id", "url", "fields", "expires_at", "max_bytes"}
    assert grant["fields"]["key"] == f"uploads/ws_dev/{grant['upload_id']}.jsonl"
    status = httpx.get(f"{gateway.url}/api/v1/report-uploads/{grant['upload_id']}", headers=auth())
    assert status.json() == {"upload_id": grant["upload_id"], "state": "pending"}


def test_export_writes_the_workspace_reports_as_jsonl(gateway: Gateway, run_id: str) -> None:
    for n in range(3):
        httpx.post(
            f"{gateway.url}/api/v1/report", json=openai_report(tags={"run": run_id, "n": n}), headers=auth()
        )
    eventually(lambda: len(listed(gateway, **{"meta.run": run_id})) == 3)
    done = run_cli(
        gateway, "export", "--workspace", "ws_dev", "--since", "2020-01-01", "--meta", f"run={run_id}"
    )
    assert done.returncode == 0, done.stderr
    exported = [json.loads(line) for line in done.stdout.splitlines()]
    assert sorted(r["metadata"]["n"] for r in exported) == ["0", "1", "2"]
    assert "exported 3 report(s)" in done.stderr
    later = run_cli(
        gateway, "export", "--workspace", "ws_dev", "--since", "2999-01-01", "--meta", f"run={run_id}"
    )
    assert later.returncode == 0 and later.stdout == ""


def test_redrive_moves_dead_letters_back_to_be_stored(gateway: Gateway, run_id: str) -> None:
    sqs = gateway.aws("sqs")
    dlq = sqs.get_queue_url(QueueName=f"{gateway.state()['report_queue_name']}-dlq")["QueueUrl"]
    parked = ReportMessage(
        report_id=run_id,
        workspace_id="ws_dev",
        key_id="key_dlq",
        format="openai",
        received_at=int(time.time() * 1000),
        report=openai_report(tags={"run": run_id}),
    )
    sqs.send_message(QueueUrl=dlq, MessageBody=parked.model_dump_json(exclude_none=True))
    done = run_cli(gateway, "redrive")
    assert done.returncode == 0, done.stderr
    assert "moved 1 message(s)" in done.stdout
    [stored] = eventually(lambda: listed(gateway, **{"meta.run": run_id}))
    assert stored["report_id"] == run_id and stored["key_id"] == "key_dlq"
