"""The readers' filters and record shape."""

from __future__ import annotations

import pytest
from hyperinfer.reports.export import parse_meta, parse_time, public_record

from tests.unit.reports.storage import record


@pytest.mark.parametrize(
    ("text", "ms"),
    [
        ("1795309600000", 1795309600000),
        ("2026-01-01T00:00:00Z", 1767225600000),
        ("2026-01-01T01:00:00+01:00", 1767225600000),
        ("2026-01-01", 1767225600000),  # no offset: UTC
        ("2026-01-01T00:00:00.250Z", 1767225600250),
    ],
)
def test_times_are_unix_ms_or_iso_8601(text: str, ms: int) -> None:
    assert parse_time(text) == ms


def test_other_times_are_refused() -> None:
    with pytest.raises(ValueError, match="neither Unix milliseconds nor an ISO 8601"):
        parse_time("yesterday")


def test_meta_pairs_split_at_the_first_equals_sign() -> None:
    assert parse_meta(["a=1", "b=x=y", "c="]) == {"a": "1", "b": "x=y", "c": ""}


@pytest.mark.parametrize(
    ("pairs", "why"), [(["a"], "not key=value"), (["=1"], "not key=value"), (["a=1", "a=2"], "twice")]
)
def test_bad_meta_pairs_are_refused(pairs: list[str], why: str) -> None:
    with pytest.raises(ValueError, match=why):
        parse_meta(pairs)


def test_a_public_record_hides_where_its_body_was_stored() -> None:
    shown = public_record(record(body_s3_key="bodies/ws_a/x.json"))
    assert "body_s3_key" not in shown
    assert shown["req_payload"]["model"] == "gpt-4.1-mini" and shown["metadata"] == {"prompt_id": "count"}


def test_the_documented_stored_report_has_every_record_field_but_the_body_key() -> None:
    from hyperinfer.reports.records import ReportRecord
    from hyperinfer.reports.schemas import StoredReport

    assert set(StoredReport.model_fields) == set(ReportRecord.model_fields) - {"body_s3_key"}
    assert StoredReport.model_validate(public_record(record())).report_id
