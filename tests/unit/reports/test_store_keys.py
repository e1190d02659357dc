"""The store's pure parts: keys, cursors and the query it sends."""

from __future__ import annotations

from typing import Any

import pytest
from hyperinfer.reports.store import CursorError, ReportStore, decode_cursor, encode_cursor, guard_key


def test_the_guard_key_depends_on_workspace_and_report_id_only() -> None:
    assert guard_key("ws_a", "abc") == ("RPTID#ws_a#abc", "RPTID")


def test_a_cursor_round_trips_a_sort_key() -> None:
    sk = "1795309600000#0123456789abcdef0123456789abcdef"
    assert decode_cursor(encode_cursor(sk)) == sk


@pytest.mark.parametrize("cursor", ["", "!!!", encode_cursor("RPT#ws_other"), encode_cursor("123#abc")])
def test_anything_but_a_handed_out_cursor_is_refused(cursor: str) -> None:
    with pytest.raises(CursorError):
        decode_cursor(cursor)


def query_args(
    since: int | None = None, until: int | None = None, metadata: dict[str, str] | None = None
) -> dict[str, Any]:
    unused: Any = None  # building query arguments touches neither client
    store = ReportStore(db=unused, s3=unused, table="t", bucket="b")
    return store._query_args("ws_a", since, until, metadata or {})


def test_a_closed_range_is_one_between_with_until_exclusive() -> None:
    args = query_args(since=1000, until=2000)
    assert args["KeyConditionExpression"] == "pk = :pk AND sk BETWEEN :lo AND :hi"
    values = args["ExpressionAttributeValues"]
    assert values[":lo"] == {"S": "0000000001000"} and values[":hi"] == {"S": "0000000001999#~"}


def test_metadata_names_are_placeholders_so_any_key_is_safe() -> None:
    args = query_args(metadata={"a.b": "1", "size": "2"})
    # Keys are stored behind "=" (so none reads as a DynamoDB type name); items from before, bare.
    assert args["FilterExpression"] == "(#m.#k0 = :v0 OR #m.#o0 = :v0) AND (#m.#k1 = :v1 OR #m.#o1 = :v1)"
    assert args["ExpressionAttributeNames"] == {
        "#m": "metadata",
        "#k0": "=a.b",
        "#o0": "a.b",
        "#k1": "=size",
        "#o1": "size",
    }
