"""Every file under events/ runs through its function's handler and gets the answer it stands for."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hyperinfer.api_schemas import ModelList, OpenAIError, Readiness, ReportError
from hyperinfer.cli import main
from hyperinfer.function_table import BY_NAME
from hyperinfer.gateway.runtime import configure
from hyperinfer.invoke import invoke
from hyperinfer.local.fakes.server import REPLY_WORDS, FakeProvider
from hyperinfer.settings import Settings

from tests.support import REPO

# Consumer events (SQS batches) are run by test_consumers.py; these are the HTTP functions' events.
EVENTS = sorted(p for p in (REPO / "events").glob("*/*.json") if p.parent.name in BY_NAME)
EXPECTED_STATUS = {
    "chat_completions/completion.json": 200,
    "chat_completions/stream.json": 200,
    "chat_completions/missing-key.json": 401,
    "chat_completions/invalid-body.json": 400,
    "responses/response.json": 200,
    "responses/stream.json": 200,
    "responses/previous-response-id.json": 400,
    "messages/message.json": 200,
    "messages/stream.json": 200,
    "messages/response-format.json": 400,
    "messages_count_tokens/count.json": 200,
    "generation/unknown-id.json": 404,
    "playground_keys/mint.json": 201,
    "playground_keys/wrong-token.json": 401,
    "report/report.json": 200,
    "report/json-string-payloads.json": 200,
    "report/unknown-field.json": 400,
    "report/missing-key.json": 401,
    "report_anthropic/report.json": 200,
    "report_anthropic/invalid-payload.json": 400,
    "report_uploads/mint.json": 201,
    "report_uploads/missing-key.json": 401,
    "report_upload_status/unknown-id.json": 404,
    "reports/list.json": 200,
    "reports/bad-limit.json": 400,
    "models/list.json": 200,
    "healthz/get.json": 200,
    "readyz/get.json": 200,
    "openapi/get.json": 200,
    "message_batches_create/create.json": 200,
    "message_batches_create/duplicate-custom-id.json": 400,
    "message_batches_list/list.json": 200,
    "message_batch/unknown-id.json": 404,
    "message_batch_cancel/unknown-id.json": 404,
    "message_batch_delete/unknown-id.json": 404,
    "message_batch_results/unknown-id.json": 404,
    "batches_create/unknown-file.json": 404,
    "batches_list/list.json": 200,
    "batch/unknown-id.json": 404,
    "batch_cancel/unknown-id.json": 404,
    "files_create/upload.json": 200,
    "file/unknown-id.json": 404,
    "file_content/unknown-id.json": 404,
}


def run(path: Path) -> dict[str, object]:
    return invoke(path.parent.name, json.loads(path.read_text()))


def test_every_event_file_has_an_expectation_and_a_function() -> None:
    names = {f"{p.parent.name}/{p.name}" for p in EVENTS}
    assert names == set(EXPECTED_STATUS)
    assert {p.parent.name for p in EVENTS} == set(BY_NAME)


@pytest.mark.parametrize("path", EVENTS, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_event_gets_its_status_and_a_request_id(path: Path) -> None:
    response = run(path)
    assert response["statusCode"] == EXPECTED_STATUS[f"{path.parent.name}/{path.name}"]
    headers = response["headers"]
    assert isinstance(headers, dict) and len(headers["x-request-id"]) == 28


def test_completion_event_reaches_the_provider(fake: FakeProvider) -> None:
    fake.calls.clear()
    response = run(REPO / "events/chat_completions/completion.json")
    body = json.loads(str(response["body"]))
    assert body["choices"][0]["message"]["content"] == " ".join(REPLY_WORDS)
    assert fake.calls[0]["body"]["model"] == "gpt-4.1-mini"


def test_stream_event_is_buffered_sse_ending_in_done() -> None:
    response = run(REPO / "events/chat_completions/stream.json")
    body = str(response["body"])
    assert body.startswith("data: ") and body.endswith("data: [DONE]\n\n")
    assert '"usage"' in body


def test_error_events_use_the_openai_envelope() -> None:
    for name, code in [("missing-key", "invalid_api_key"), ("invalid-body", "invalid_request")]:
        body = OpenAIError.model_validate_json(
            str(run(REPO / f"events/chat_completions/{name}.json")["body"])
        )
        assert body.error.code == code


def test_report_error_events_use_the_report_envelope_and_name_the_field() -> None:
    cases = [
        ("report/missing-key.json", "UNAUTHORIZED", None),
        ("report/unknown-field.json", "BAD_REQUEST", "model"),
        ("report_anthropic/invalid-payload.json", "BAD_REQUEST", "reqPayload."),
    ]
    for name, code, field in cases:
        body = ReportError.model_validate_json(str(run(REPO / f"events/{name}")["body"]))
        assert body.code == code and body.issues and body.issues[0].message
        if field is not None:
            assert body.message.startswith(field), body.message


def test_models_event_renders_the_public_schema() -> None:
    listed = ModelList.model_validate_json(str(run(REPO / "events/models/list.json")["body"]))
    assert listed.data and listed.meta.image_generation_configured is False


def test_openapi_event_is_cacheable_and_lists_every_route() -> None:
    response = run(REPO / "events/openapi/get.json")
    headers = response["headers"]
    assert isinstance(headers, dict) and headers["cache-control"] == "max-age=300"
    document = json.loads(str(response["body"]))
    assert {spec.route for spec in BY_NAME.values()} <= set(document["paths"])


def test_readyz_names_the_dependency_that_is_down(settings: Settings) -> None:
    configure(settings.model_copy(update={"table_name": "no-such-table"}))
    response = run(REPO / "events/readyz/get.json")
    assert response["statusCode"] == 503
    ready = Readiness.model_validate_json(str(response["body"]))
    assert ready.status == "degraded" and ready.checks.dynamodb == "down" and ready.checks.sqs == "ok"


def test_invoke_command_prints_the_lambda_response(
    capsys: pytest.CaptureFixture[str], settings: Settings
) -> None:
    import os

    os.environ["HYPERINFER_AWS_ENDPOINT_URL"] = str(settings.aws_endpoint_url)
    try:
        assert main(["invoke", "healthz", str(REPO / "events/healthz/get.json")]) == 0
    finally:
        del os.environ["HYPERINFER_AWS_ENDPOINT_URL"]
    printed = json.loads(capsys.readouterr().out)
    assert printed["statusCode"] == 200 and json.loads(printed["body"]) == {"status": "ok"}


def test_invoke_command_rejects_an_unknown_function(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["invoke", "nope", str(REPO / "events/healthz/get.json")]) == 2
    assert "unknown function 'nope'" in capsys.readouterr().err
