"""Logs and metrics of real requests through the real app (in-process ASGI, moto, the fake provider):
every line keyed by request id, workspace and model; no credential, secret or prompt in any of them;
one EMF document per request with the billed tokens and cost, and one per error by taxonomy code."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from hyperinfer import aws
from hyperinfer.gateway.runtime import configure
from hyperinfer.invoke import invoke
from hyperinfer.reports.layout import upload_key
from hyperinfer.settings import Settings
from hyperinfer.web import all_routes_app

from tests.support import REPO, UPSTREAM_KEY

KEY_A = "sk-hi-observability-key-a-0123456789abcdef"
KEY_B = "sk-hi-observability-key-b-0123456789abcdef"
PROMPT = "canary prompt 7f3a9 never to be logged"
MODEL_A, MODEL_B = "openai/gpt-4.1-mini", "openai/gpt-4o-mini"


@pytest.fixture(scope="module")
def workspaces(settings: Settings) -> dict[str, str]:
    accounts = configure(settings).accounts  # tests before may have configured another runtime
    for workspace, key in (("ws_obs_a", KEY_A), ("ws_obs_b", KEY_B)):
        accounts.create_workspace(workspace, workspace)
        accounts.add_credits(workspace, 10_000_000, f"seed-{workspace}")
        accounts.create_key(workspace, "obs", key=key)
    return {KEY_A: "ws_obs_a", KEY_B: "ws_obs_b"}


@pytest.fixture
def client(workspaces: dict[str, str]) -> Iterator[httpx.AsyncClient]:
    transport = httpx.ASGITransport(app=all_routes_app())
    yield httpx.AsyncClient(transport=transport, base_url="http://gateway")


def chat(model: str, *, stream: bool = False, prompt: str = PROMPT) -> dict[str, Any]:
    return {"model": model, "messages": [{"role": "user", "content": prompt}], "stream": stream}


def lines(output: str) -> list[dict[str, Any]]:
    return [json.loads(line) for line in output.splitlines() if line.startswith("{")]


def access_lines(output: str) -> dict[str, dict[str, Any]]:
    return {line["request_id"]: line for line in lines(output) if line.get("message") == "request"}


def emf(output: str) -> list[dict[str, Any]]:
    return [line for line in lines(output) if "_aws" in line]


def dimensions(document: dict[str, Any]) -> list[list[str]]:
    [directive] = document["_aws"]["CloudWatchMetrics"]
    assert directive["Namespace"] == "HyperInfer"
    dims: list[list[str]] = directive["Dimensions"]
    return dims


def value(document: dict[str, Any], metric: str) -> float:
    """Powertools writes each metric's values as a list: one request, one value."""
    [single] = document[metric]
    return float(single)


def test_no_credential_secret_or_prompt_is_logged_and_every_request_is_keyed(
    client: httpx.AsyncClient, capsys: pytest.CaptureFixture[str]
) -> None:
    async def scenario() -> list[httpx.Response]:
        bearer = {"Authorization": f"Bearer {KEY_A}"}
        return [
            await client.post("/api/v1/chat/completions", json=chat(MODEL_A), headers=bearer),
            await client.post("/api/v1/chat/completions", json=chat(MODEL_A, stream=True), headers=bearer),
            await client.post(
                "/api/v1/messages",
                json={"model": MODEL_A, "max_tokens": 50, "messages": [{"role": "user", "content": PROMPT}]},
                headers={"x-api-key": KEY_A, "anthropic-version": "2023-06-01"},
            ),
            # Refused requests that quote the prompt or the key back in their own fields.
            await client.post(
                "/api/v1/chat/completions",
                json={"model": MODEL_A, "messages": [{"role": PROMPT, "content": PROMPT}]},
                headers=bearer,
            ),
            await client.post(
                "/api/v1/chat/completions", json=chat(MODEL_A), headers={"x-api-key": KEY_A + "x"}
            ),
            await client.post(
                "/api/v1/chat/completions", json=chat(MODEL_A), headers={"Authorization": KEY_A}
            ),
        ]

    responses = asyncio.run(scenario())
    assert [r.status_code for r in responses] == [200, 200, 200, 400, 401, 401]
    captured = capsys.readouterr()
    output = captured.out + captured.err
    for secret in (KEY_A, KEY_A[len("sk-hi-") :], UPSTREAM_KEY, PROMPT):
        assert secret not in output
    access = access_lines(captured.out)
    for response in responses[:3]:  # authenticated and routed: the workspace and model are known
        line = access[response.headers["x-request-id"]]
        assert (line["workspace"], line["model"]) == ("ws_obs_a", MODEL_A)
        assert line["service"] == "hyperinfer" and line["method"] == "POST"
    billed = access[responses[0].headers["x-request-id"]]
    assert billed["function"] == "chat_completions" and billed["route"] == "/api/v1/chat/completions"
    assert billed["status"] == 200 and billed["tokens_prompt"] > 0 and billed["cost_micro_usd"] > 0
    assert "first_byte_ms" in access[responses[1].headers["x-request-id"]]
    assert access[responses[2].headers["x-request-id"]]["function"] == "messages"
    refused = access[responses[3].headers["x-request-id"]]  # refused before routing: no model yet
    assert (refused["status"], refused["error_code"], refused["workspace"]) == (
        400,
        "invalid_request",
        "ws_obs_a",
    )
    bad_key = access[responses[4].headers["x-request-id"]]
    assert (bad_key["error_code"], "workspace" in bad_key) == ("invalid_api_key", False)


def test_concurrent_requests_never_see_each_others_keys(
    client: httpx.AsyncClient, capsys: pytest.CaptureFixture[str], workspaces: dict[str, str]
) -> None:
    plan = [(KEY_A, MODEL_A), (KEY_B, MODEL_B)] * 6

    async def scenario() -> list[httpx.Response]:
        return await asyncio.gather(
            *(
                client.post(
                    "/api/v1/chat/completions",
                    json=chat(model, stream=index % 3 == 0, prompt=f"hello {index}"),
                    headers={"Authorization": f"Bearer {key}"},
                )
                for index, (key, model) in enumerate(plan)
            )
        )

    responses = asyncio.run(scenario())
    access = access_lines(capsys.readouterr().out)
    for response, (key, model) in zip(responses, plan, strict=True):
        assert response.status_code == 200
        line = access[response.headers["x-request-id"]]
        assert (line["workspace"], line["model"]) == (workspaces[key], model)


def test_emf_for_a_billed_request_and_for_errors(
    client: httpx.AsyncClient, capsys: pytest.CaptureFixture[str]
) -> None:
    async def scenario() -> list[httpx.Response]:
        bearer = {"Authorization": f"Bearer {KEY_A}"}
        return [
            await client.post("/api/v1/chat/completions", json=chat(MODEL_A, stream=True), headers=bearer),
            await client.post("/api/v1/chat/completions", json=chat(MODEL_A), headers={"x-api-key": "nope"}),
            await client.post("/api/v1/chat/completions", json=chat("test/unkeyed"), headers=bearer),
        ]

    billed, unauthorized, unkeyed = asyncio.run(scenario())
    assert (billed.status_code, unauthorized.status_code, unkeyed.status_code) == (200, 401, 502)
    documents = emf(capsys.readouterr().out)
    assert all("workspace" not in doc and "ws_obs_a" not in json.dumps(doc) for doc in documents)

    [request] = [d for d in documents if "CostMicroUSD" in d]
    assert dimensions(request) == [["function"], ["function", "model"]]
    assert (request["function"], request["model"], value(request, "Requests")) == (
        "chat_completions",
        MODEL_A,
        1,
    )
    assert all(value(request, name) > 0 for name in ("PromptTokens", "CompletionTokens", "CostMicroUSD"))
    assert 0 <= value(request, "TimeToFirstByte") <= value(request, "Latency")
    names = {m["Name"]: m["Unit"] for m in request["_aws"]["CloudWatchMetrics"][0]["Metrics"]}
    assert names["Latency"] == "Milliseconds" and names["Requests"] == "Count"

    errors = {d["error_code"]: d for d in documents if "Errors" in d}
    assert set(errors) == {"invalid_api_key", "provider_auth"}
    assert dimensions(errors["invalid_api_key"]) == [["function"], ["function", "error_code"]]
    unauthorized_doc, provider_doc = errors["invalid_api_key"], errors["provider_auth"]
    assert (value(unauthorized_doc, "Errors"), value(unauthorized_doc, "ServerErrors")) == (1, 0)
    assert (value(provider_doc, "Errors"), value(provider_doc, "ServerErrors")) == (1, 1)
    requests = [d for d in documents if "Requests" in d]
    assert len(requests) == 3 and sum("model" in d for d in requests) == 2  # no model: refused before routing


def test_a_consumer_invocation_is_logged_with_each_records_workspace(
    settings: Settings, capsys: pytest.CaptureFixture[str]
) -> None:
    sample = json.loads((REPO / "events/report_ingest/poison.json").read_text())
    invoke("report_ingest", sample)
    output = lines(capsys.readouterr().out)
    [invocation] = [line for line in output if line.get("message") == "invocation"]
    assert (invocation["function"], invocation["records"], invocation["failures"]) == ("report_ingest", 3, 2)
    assert invocation["request_id"] == invocation["function_request_id"]  # the Lambda request id
    failed = {line["message_id"]: line for line in output if line.get("message") == "report message failed"}
    unparseable, invalid = (record["messageId"] for record in sample["Records"][1:])
    assert "workspace" not in failed[unparseable]  # the record before it named one: it does not linger
    assert failed[invalid]["workspace"] == "ws_events"
    assert {line["request_id"] for line in failed.values()} == {invocation["request_id"]}
    [document] = [line for line in output if "_aws" in line]
    assert (document["function"], value(document, "Requests")) == ("report_ingest", 1)


def test_an_uploads_log_lines_name_the_workspace_its_key_belongs_to(
    settings: Settings, capsys: pytest.CaptureFixture[str]
) -> None:
    key = upload_key("ws_obs_upload", "d4" * 16)  # never minted: ingestion refuses it, and says so
    aws.s3(settings).put_object(Bucket=settings.report_bucket_name, Key=key, Body=b"{}\n")
    sample = json.loads((REPO / "events/report_uploads_ingest/object-created.json").read_text())
    notification = json.loads(sample["Records"][0]["body"])
    notification["Records"][0]["s3"]["object"]["key"] = key
    sample["Records"][0]["body"] = json.dumps(notification)
    assert invoke("report_uploads_ingest", sample) == {"batchItemFailures": []}
    [ingested] = [line for line in lines(capsys.readouterr().out) if line.get("message") == "upload ingested"]
    assert (ingested["workspace"], ingested["state"]) == ("ws_obs_upload", "failed")
    assert ingested["function"] == "report_uploads_ingest"
