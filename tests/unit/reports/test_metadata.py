from __future__ import annotations

from typing import Any

import pytest
from hyperinfer.reports.message import ReportFormat
from hyperinfer.reports.models import validate_report

from tests.unit.reports.payloads import CHAT_REQUEST, anthropic_report, encoded, openai_report


def merged(fmt: ReportFormat, body: dict[str, Any]) -> dict[str, str]:
    return validate_report(fmt, body).merged_metadata()


@pytest.mark.parametrize("fmt", ["openai", "anthropic"])
def test_tag_values_become_text_and_null_drops_the_key(fmt: ReportFormat) -> None:
    tags = {"s": "x", "i": 3, "f": 2.5, "t": True, "no": False, "gone": None}
    body = openai_report(reqPayload={"model": "m"}) if fmt == "openai" else anthropic_report()
    assert merged(fmt, {**body, "tags": tags}) == {"s": "x", "i": "3", "f": "2.5", "t": "true", "no": "false"}


def test_anthropic_metadata_wins_over_tags_on_a_shared_key() -> None:
    body = anthropic_report(metadata={"env": "prod", "user": "u1"}, tags={"env": "dev", "run": 4})
    assert merged("anthropic", body) == {"env": "prod", "user": "u1", "run": "4"}


def test_anthropic_reqpayload_metadata_is_not_report_metadata() -> None:
    # Anthropic's own request metadata (user_id) is a provider field, not a filtering tag.
    assert merged("anthropic", anthropic_report()) == {}


def test_openai_reqpayload_metadata_wins_over_tags_on_a_shared_key() -> None:
    body = openai_report(tags={"prompt_id": "old", "extra": "kept"})
    assert merged("openai", body) == {"prompt_id": "count", "userId": "123", "extra": "kept"}


def test_a_null_tag_does_not_remove_the_same_key_from_metadata() -> None:
    body = anthropic_report(metadata={"env": "prod"}, tags={"env": None})
    assert merged("anthropic", body) == {"env": "prod"}


def test_openai_reqpayload_metadata_values_become_text_like_tags() -> None:
    request = {**CHAT_REQUEST, "metadata": {"n": 1, "b": False, "gone": None, "obj": {"a": [1, "é"]}}}
    expected = {"n": "1", "b": "false", "obj": '{"a":[1,"é"]}'}
    assert merged("openai", openai_report(reqPayload=request)) == expected
    assert merged("openai", openai_report(reqPayload=encoded(request))) == expected


@pytest.mark.parametrize("value", ["a string", ["a", "list"], 7])
def test_openai_reqpayload_metadata_that_is_not_an_object_gives_none(value: Any) -> None:
    body = openai_report(reqPayload={**CHAT_REQUEST, "metadata": value}, tags={"t": "1"})
    assert merged("openai", body) == {"t": "1"}
