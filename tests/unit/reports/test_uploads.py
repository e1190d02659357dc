"""Uploads: the key layout, line parsing and the presigned POST's policy."""

from __future__ import annotations

import base64
import json
import time

import pytest
from hyperinfer.local.emulator import Emulator
from hyperinfer.reports.anthropic_report import AnthropicReport
from hyperinfer.reports.layout import errors_key, parse_upload_key, status_key, upload_key
from hyperinfer.reports.models import OpenAIReport
from hyperinfer.reports.uploads import URL_TTL_SECONDS, LineError, Uploads, _lines, line_report_id, parse_line
from hyperinfer.settings import Settings

from tests.unit.reports.payloads import anthropic_report, openai_report
from tests.unit.reports.storage import isolated_settings

UPLOAD_ID = "0123456789abcdef0123456789abcdef"


def line(value: object) -> bytes:
    return json.dumps(value).encode()


def test_only_uploaded_files_parse_as_uploads() -> None:
    assert parse_upload_key(upload_key("ws_a", UPLOAD_ID)) == ("ws_a", UPLOAD_ID)
    assert parse_upload_key(errors_key("ws_a", UPLOAD_ID)) is None
    assert parse_upload_key(status_key("ws_a", UPLOAD_ID)) is None
    assert parse_upload_key(f"uploads/ws_a/nested/{UPLOAD_ID}.jsonl") is None
    assert parse_upload_key("uploads/ws_a/not-an-id.jsonl") is None


def test_line_report_ids_are_stable_and_distinct_per_line() -> None:
    key = upload_key("ws_a", UPLOAD_ID)
    assert line_report_id(key, 1) == line_report_id(key, 1)
    assert line_report_id(key, 1) != line_report_id(key, 2)
    assert len(line_report_id(key, 1)) == 32


def test_lines_are_numbered_from_one_counting_blank_lines_and_crlf_is_accepted() -> None:
    assert list(_lines(b'{"a":1}\r\n\n  \n{"b":2}')) == [(1, b'{"a":1}'), (4, b'{"b":2}')]


def test_a_line_without_format_is_an_openai_report() -> None:
    fmt, report = parse_line(line(openai_report()), max_bytes=10_000)
    assert fmt == "openai" and isinstance(report, OpenAIReport)


def test_format_anthropic_selects_the_anthropic_schema() -> None:
    fmt, report = parse_line(line({**anthropic_report(), "format": "anthropic"}), max_bytes=10_000)
    assert fmt == "anthropic" and isinstance(report, AnthropicReport)


@pytest.mark.parametrize(
    ("raw", "field", "why"),
    [
        (b"not json", None, "not valid JSON"),
        (b"[1, 2]", None, "must be a JSON object"),
        (b'{"statusCode": NaN}', None, "not valid JSON"),
        (line({"format": "gemini"}), "format", "format: must be one of"),
        (line(openai_report(model="gpt-4.1")), "model", "model"),
        (line(openai_report(statusCode="200")), "statusCode", "statusCode"),
        (
            line({**anthropic_report(respPayload={"type": "message"}), "format": "anthropic"}),
            "respPayload.",
            "",
        ),
    ],
)
def test_a_bad_line_names_its_field_and_reason(raw: bytes, field: str | None, why: str) -> None:
    with pytest.raises(LineError) as caught:
        parse_line(raw, max_bytes=10_000)
    if field is None:
        assert caught.value.field is None
    else:
        assert (caught.value.field or "").startswith(field)
    assert why in caught.value.reason


def test_a_line_over_the_size_limit_is_refused_before_parsing() -> None:
    with pytest.raises(LineError, match="at most 10"):
        parse_line(b'{"statusCode": 200}', max_bytes=10)


@pytest.fixture(scope="module")
def settings(emulator: Emulator) -> Settings:
    return isolated_settings(emulator, "uploads").model_copy(update={"upload_max_bytes": 12345})


def policy_of(fields: dict[str, str]) -> dict[str, object]:
    document: dict[str, object] = json.loads(base64.b64decode(fields["policy"]))
    return document


def test_the_presigned_post_fixes_key_size_and_lifetime(settings: Settings) -> None:
    before = time.time()
    minted = Uploads(settings).mint("ws_up", "key_up", now_ms=int(before * 1000))
    key = upload_key("ws_up", minted["upload_id"])
    assert minted["fields"]["key"] == key and minted["max_bytes"] == 12345
    assert minted["url"].endswith(f"/{settings.report_bucket_name}")
    policy = policy_of(minted["fields"])
    conditions = policy["conditions"]
    assert isinstance(conditions, list)
    assert {"key": key} in conditions and {"bucket": settings.report_bucket_name} in conditions
    assert ["content-length-range", 1, 12345] in conditions
    assert not any(isinstance(c, list) and c[0] == "starts-with" for c in conditions)
    expiration = time.mktime(time.strptime(str(policy["expiration"]), "%Y-%m-%dT%H:%M:%SZ")) - time.timezone
    assert URL_TTL_SECONDS - 5 <= expiration - before <= URL_TTL_SECONDS + 5
    assert minted["expires_at"] == int(before * 1000) + URL_TTL_SECONDS * 1000


def test_an_upload_is_recorded_for_its_workspace_only(settings: Settings) -> None:
    uploads = Uploads(settings)
    minted = uploads.mint("ws_up", "key_up", now_ms=1)
    found = uploads.upload("ws_up", minted["upload_id"])
    assert found is not None and found.key_id == "key_up" and found.max_bytes == 12345
    assert uploads.upload("ws_other", minted["upload_id"]) is None
    assert uploads.status("ws_other", minted["upload_id"]) is None
    assert uploads.status("ws_up", minted["upload_id"]) == {
        "upload_id": minted["upload_id"],
        "state": "pending",
    }
