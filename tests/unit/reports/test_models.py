from __future__ import annotations

import re
from typing import Any

import pytest
from hyperinfer.api_schemas import ReportError
from hyperinfer.errors import ErrorCode, GatewayError
from hyperinfer.formats.envelopes import report_error
from hyperinfer.reports.anthropic_report import AnthropicReport
from hyperinfer.reports.message import ReportFormat
from hyperinfer.reports.models import (
    OpenAIReport,
    check_idempotency_key,
    report_id,
    to_record,
    validate_report,
)
from hyperinfer.reports.records import ReportRecord

from tests.unit.reports.payloads import (
    CHAT_REQUEST,
    CHAT_RESPONSE,
    MESSAGE,
    MESSAGES_REQUEST,
    anthropic_report,
    encoded,
    openai_report,
)


def rejected(fmt: ReportFormat, body: dict[str, Any]) -> GatewayError:
    with pytest.raises(GatewayError) as caught:
        validate_report(fmt, body)
    assert caught.value.code is ErrorCode.INVALID_REQUEST
    return caught.value


def record(fmt: ReportFormat, body: dict[str, Any]) -> ReportRecord:
    report = validate_report(fmt, body)
    return to_record(
        report, fmt=fmt, report_id="r1", workspace_id="ws_a", key_id="key_1", origin="api", received_at=7
    )


# /report


def test_openai_report_with_object_payloads_is_recorded_as_sent() -> None:
    stored = record("openai", openai_report(errorMessage=None))
    assert isinstance(validate_report("openai", openai_report()), OpenAIReport)
    assert stored.req_payload == CHAT_REQUEST and stored.resp_payload == CHAT_RESPONSE
    assert (stored.requested_at, stored.status_code, stored.received_at) == (1795309599000, 200, 7)
    assert (stored.report_id, stored.workspace_id, stored.key_id, stored.format) == (
        "r1",
        "ws_a",
        "key_1",
        "openai",
    )


def test_json_encoded_string_payloads_are_kept_as_strings_and_their_metadata_read() -> None:
    req, resp = encoded(CHAT_REQUEST), encoded(CHAT_RESPONSE)
    stored = record("openai", openai_report(reqPayload=req, respPayload=resp))
    assert stored.req_payload == req and stored.resp_payload == resp
    assert stored.metadata == {"prompt_id": "count", "userId": "123"}


@pytest.mark.parametrize(
    ("value", "why"),
    [
        ("not json", "not valid JSON"),
        (encoded([1, 2]), "JSON object"),
        (42, "JSON object"),
        ([CHAT_REQUEST], "JSON object"),
    ],
)
def test_a_payload_that_is_not_an_object_or_its_encoding_is_refused_by_name(value: Any, why: str) -> None:
    error = rejected("openai", openai_report(respPayload=value))
    assert error.param == "respPayload" and error.message.startswith("respPayload: ") and why in error.message


def test_every_field_is_optional_and_null_means_absent() -> None:
    stored = record("openai", {})
    assert (stored.req_payload, stored.requested_at, stored.metadata) == (None, None, {})
    nulls = dict.fromkeys(["requestedAt", "reqPayload", "respPayload", "statusCode", "tags"])
    assert record("openai", nulls).req_payload is None
    assert record("anthropic", {**nulls, "metadata": None}).resp_payload is None


@pytest.mark.parametrize("fmt", ["openai", "anthropic"])
@pytest.mark.parametrize("field", ["model", "requested_at", "req_payload", "extra"])
def test_unknown_top_level_fields_are_refused_by_name(fmt: ReportFormat, field: str) -> None:
    body = openai_report() if fmt == "openai" else anthropic_report()
    error = rejected(fmt, {**body, field: 1})
    assert error.param == field and error.message.startswith(f"{field}: ")


def test_metadata_is_not_a_field_of_the_openai_report() -> None:
    assert rejected("openai", openai_report(metadata={"a": "b"})).param == "metadata"


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("requestedAt", "1795309599000"),
        ("receivedAt", True),
        ("requestedAt", float("inf")),
        ("statusCode", 200.5),
        ("statusCode", "200"),
        ("errorMessage", 5),
    ],
)
def test_scalars_must_have_their_json_type(field: str, value: Any) -> None:
    assert rejected("openai", openai_report(**{field: value})).param == field


def test_fractional_milliseconds_are_dropped_and_whole_float_statuses_accepted() -> None:
    stored = record("openai", openai_report(requestedAt=1795309599000.75, statusCode=404.0))
    assert stored.requested_at == 1795309599000 and stored.status_code == 404


# /report-anthropic


def test_anthropic_report_keeps_payloads_as_sent_not_as_parsed() -> None:
    request = {**MESSAGES_REQUEST, "temperature": 1, "service_tier": "auto", "future_field": {"x": 1}}
    stored = record("anthropic", anthropic_report(reqPayload=request))
    assert isinstance(validate_report("anthropic", anthropic_report()), AnthropicReport)
    assert stored.req_payload == request and type(stored.req_payload["temperature"]) is int
    assert stored.resp_payload == MESSAGE


def test_anthropic_responses_with_what_the_real_api_returns_are_accepted() -> None:
    message = {
        **MESSAGE,
        "content": [
            {"type": "thinking", "thinking": "Let me count.", "signature": "sig"},
            {"type": "redacted_thinking", "data": "opaque"},
            {"type": "server_tool_use", "id": "srvtoolu_1", "name": "web_search", "input": {"q": "x"}},
            {"type": "web_search_tool_result", "tool_use_id": "srvtoolu_1", "content": []},
            {"type": "text", "text": "One.", "citations": [{"type": "web_search_result_location"}]},
            {"type": "tool_use", "id": "toolu_1", "name": "count", "input": {"to": 3}},
        ],
        "stop_reason": "refusal",
        "usage": {"input_tokens": 1, "output_tokens": 2, "service_tier": "standard"},
        "container": None,
    }
    assert record("anthropic", anthropic_report(respPayload=message)).resp_payload == message


@pytest.mark.parametrize(
    ("request_", "param"),
    [
        ({k: v for k, v in MESSAGES_REQUEST.items() if k != "max_tokens"}, "reqPayload.max_tokens"),
        ({**MESSAGES_REQUEST, "messages": [{"role": "user", "content": [{"type": "text"}]}]},
         "reqPayload.messages[0].content[0].text"),
        ({**MESSAGES_REQUEST, "messages": [{"role": "robot", "content": "x"}]},
         "reqPayload.messages[0].role"),
        ({**MESSAGES_REQUEST, "max_tokens": "many"}, "reqPayload.max_tokens"),
    ],
)  # fmt: skip
def test_anthropic_request_problems_name_the_field_inside_reqpayload(
    request_: dict[str, Any], param: str
) -> None:
    error = rejected("anthropic", anthropic_report(reqPayload=request_))
    assert error.param == param and error.message.startswith(param)


@pytest.mark.parametrize(
    ("message", "param"),
    [
        ({k: v for k, v in MESSAGE.items() if k != "usage"}, "respPayload.usage"),
        ({**MESSAGE, "stop_reason": "bored"}, "respPayload.stop_reason"),
        ({**MESSAGE, "role": "user"}, "respPayload.role"),
        ({**MESSAGE, "content": [{"type": "thinking", "thinking": "x"}]}, "respPayload.content[0].signature"),
        ({**MESSAGE, "content": [{"text": "no type"}]}, "respPayload.content[0].type"),
    ],
)
def test_anthropic_response_problems_name_the_field_inside_resppayload(
    message: dict[str, Any], param: str
) -> None:
    assert rejected("anthropic", anthropic_report(respPayload=message)).param == param


def test_anthropic_payloads_are_objects_not_encoded_strings() -> None:
    assert rejected("anthropic", anthropic_report(reqPayload=encoded(MESSAGES_REQUEST))).param == "reqPayload"


def test_anthropic_metadata_values_must_be_strings() -> None:
    error = rejected("anthropic", anthropic_report(metadata={"ok": "yes", "count": 3}))
    assert error.param == "metadata.count"


def test_tag_values_must_be_scalars() -> None:
    error = rejected("anthropic", anthropic_report(tags={"nested": {"a": 1}}))
    assert error.param == "tags.nested" and "string, number, boolean or null" in error.message


def test_a_validation_error_renders_in_the_report_envelope_naming_the_field() -> None:
    error = rejected("anthropic", anthropic_report(reqPayload={"model": "m", "messages": []}))
    rendered = ReportError.model_validate(report_error(error, "rid"))
    assert rendered.code == "BAD_REQUEST" and rendered.issues[0].message.startswith("reqPayload.")


def test_a_report_cannot_be_recorded_under_the_other_format() -> None:
    report = validate_report("openai", openai_report())
    with pytest.raises(ValueError, match="openai report recorded as anthropic"):
        to_record(report, fmt="anthropic", report_id="r", workspace_id="w", key_id="k", origin="api",
                  received_at=1)  # fmt: skip


# Report ids and the Idempotency-Key


def test_an_idempotency_key_gives_the_same_id_within_a_workspace_only() -> None:
    first = report_id("ws_a", "retry-me")
    assert re.fullmatch(r"[0-9a-f]{32}", first)
    assert report_id("ws_a", "retry-me") == first
    assert report_id("ws_b", "retry-me") != first
    assert report_id("ws_a", "another") != first


def test_without_an_idempotency_key_every_report_gets_a_new_random_id() -> None:
    ids = {report_id("ws_a") for _ in range(100)}
    assert len(ids) == 100 and all(re.fullmatch(r"[0-9a-f]{32}", i) for i in ids)


@pytest.mark.parametrize("value", ["", "k" * 256, "tab\there"])
def test_an_unusable_idempotency_key_is_refused_by_name(value: str) -> None:
    with pytest.raises(GatewayError) as caught:
        check_idempotency_key(value)
    assert caught.value.code is ErrorCode.INVALID_REQUEST and caught.value.param == "Idempotency-Key"


def test_an_absent_or_usable_idempotency_key_passes() -> None:
    assert check_idempotency_key(None) is None
    assert check_idempotency_key("k" * 255) == "k" * 255


# Ranges: what is acknowledged can be stored and reads back as sent.


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("requestedAt", 1e200),
        ("receivedAt", -1e30),
        ("requestedAt", 253_402_300_800_000),
        ("statusCode", 10**40),
        ("statusCode", -1),
    ],
)
@pytest.mark.parametrize("fmt", ["openai", "anthropic"])
def test_numbers_outside_what_is_stored_exactly_are_refused_by_name(
    fmt: ReportFormat, field: str, value: Any
) -> None:
    body = openai_report(**{field: value}) if fmt == "openai" else anthropic_report(**{field: value})
    assert rejected(fmt, body).param == field


def test_times_at_the_ends_of_the_range_read_back_exactly() -> None:
    for millis in (253_402_300_799_999, -62_135_596_800_000, 0, 123):
        assert record("openai", openai_report(requestedAt=millis, receivedAt=millis)).requested_at == millis


@pytest.mark.parametrize("fmt", ["openai", "anthropic"])
def test_metadata_too_large_for_the_item_is_refused_by_name(fmt: ReportFormat) -> None:
    tags = {f"k{n}": "v" * 1_000 for n in range(101)}
    body = openai_report(tags=tags) if fmt == "openai" else anthropic_report(metadata=tags)
    assert rejected(fmt, body).param == ("reqPayload.metadata" if fmt == "openai" else "metadata")


def test_every_problem_is_its_own_issue_naming_its_field() -> None:
    error = rejected("anthropic", anthropic_report(reqPayload={"model": "claude-sonnet-4-5"}))
    issues = report_error(error, "req_1")["issues"]
    assert sorted(issue["message"] for issue in issues) == [
        "reqPayload.max_tokens: Field required",
        "reqPayload.messages: Field required",
    ]
    ReportError.model_validate(report_error(error, "req_1"))  # still the seed's shape


def test_a_single_problem_is_a_single_issue() -> None:
    error = rejected("openai", openai_report(statusCode="200"))
    assert report_error(error, "req_1")["issues"] == [{"message": error.message}]
