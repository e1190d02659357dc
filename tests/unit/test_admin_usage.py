"""`admin usage`: the --since bound compares as stored timestamps do, and totals add up exactly."""

from __future__ import annotations

import pytest
from hyperinfer.accounts.store import now_iso
from hyperinfer.admin.connect import resolve
from hyperinfer.admin.usage import parse_since, summarize
from hyperinfer.settings import Settings


@pytest.mark.parametrize(
    ("text", "stored"),
    [
        ("2025-06-01", "2025-06-01T00:00:00.000+00:00"),
        ("2025-06-01T12:30", "2025-06-01T12:30:00.000+00:00"),
        ("2025-06-01T12:30:00Z", "2025-06-01T12:30:00.000+00:00"),
        ("2025-06-01T14:30:00+02:00", "2025-06-01T12:30:00.000+00:00"),
        ("2025-06-01T12:30:00.123456+00:00", "2025-06-01T12:30:00.123+00:00"),
    ],
)
def test_since_is_normalised_to_the_stored_utc_format(text: str, stored: str) -> None:
    assert parse_since(text) == stored
    assert len(parse_since(text)) == len(now_iso())


@pytest.mark.parametrize("text", ["yesterday", "2025-13-01", "", "1717200000"])
def test_since_that_is_not_iso_is_refused(text: str) -> None:
    with pytest.raises(ValueError, match="not an ISO 8601"):
        parse_since(text)


def test_totals_sum_tokens_and_cost_per_model_and_source() -> None:
    records = [
        {"model": "a", "source": "api", "status": "success", "cost_micro_usd": 7, "tokens_prompt": 10},
        {"model": "b", "source": "chat", "status": "success", "cost_micro_usd": 30, "tokens_completion": 4},
        {"model": "a", "source": "playground", "status": "error", "cost_micro_usd": 0, "tokens_prompt": 2},
    ]
    summary = summarize(records)
    assert (summary["requests"], summary["errors"], summary["cost_micro_usd"]) == (3, 1, 37)
    assert summary["tokens_prompt"] == 12 and summary["tokens_completion"] == 4
    assert [m["model"] for m in summary["by_model"]] == ["b", "a"]  # most expensive first
    assert summary["by_model"][1]["requests"] == 2 and summary["by_model"][1]["errors"] == 1
    assert {s: t["requests"] for s, t in summary["by_source"].items()} == {
        "api": 1,
        "chat": 1,
        "playground": 1,
    }


def test_no_generations_is_all_zeros() -> None:
    summary = summarize([])
    assert summary["requests"] == 0 and summary["cost_micro_usd"] == 0 and summary["by_model"] == []


STATE = {"aws_endpoint_url": "http://127.0.0.1:5555", "table_name": "dev-table", "aws_region": "eu-west-1"}


def test_explicit_endpoint_beats_the_environment_and_dev_json() -> None:
    target = resolve("http://127.0.0.1:1", Settings(aws_endpoint_url="http://127.0.0.1:2"), STATE)
    assert target.settings.aws_endpoint_url == "http://127.0.0.1:1" and target.origin == "--endpoint-url"
    assert target.settings.table_name != "dev-table"


def test_environment_endpoint_beats_dev_json() -> None:
    target = resolve(None, Settings(aws_endpoint_url="http://127.0.0.1:2"), STATE)
    assert target.settings.aws_endpoint_url == "http://127.0.0.1:2"
    assert target.origin == "HYPERINFER_AWS_ENDPOINT_URL"


def test_dev_json_gives_endpoint_table_and_region_unless_set_explicitly() -> None:
    target = resolve(None, Settings(), STATE)
    assert target.settings.aws_endpoint_url == STATE["aws_endpoint_url"]
    assert (target.settings.table_name, target.settings.aws_region) == ("dev-table", "eu-west-1")
    assert resolve(None, Settings(table_name="mine"), STATE).settings.table_name == "mine"


def test_without_endpoint_or_dev_json_it_is_real_aws() -> None:
    target = resolve(None, Settings(), None)
    assert target.settings.aws_endpoint_url is None and "AWS" in target.where
