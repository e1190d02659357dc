"""ReportStore against the emulator: idempotent puts, S3 offload and re-inflation, time, metadata and
workspace filters, pagination."""

from __future__ import annotations

import json
from typing import Any

import pytest
from botocore.exceptions import ClientError
from hyperinfer import aws
from hyperinfer.accounts.ddb import from_item
from hyperinfer.local.emulator import Emulator
from hyperinfer.reports.layout import body_key
from hyperinfer.reports.records import ITEM_BODY_LIMIT
from hyperinfer.reports.store import CursorError, ReportStore
from hyperinfer.settings import Settings

from tests.unit.reports.storage import T0, isolated_settings, record


@pytest.fixture(scope="module")
def settings(emulator: Emulator) -> Settings:
    return isolated_settings(emulator, "store")


@pytest.fixture
def store(settings: Settings) -> ReportStore:
    return ReportStore.from_settings(settings)


def items(settings: Settings, pk: str) -> list[dict[str, Any]]:
    response = aws.dynamodb(settings).query(
        TableName=settings.table_name,
        KeyConditionExpression="pk = :pk",
        ExpressionAttributeValues={":pk": {"S": pk}},
    )
    return [from_item(item) for item in response["Items"]]


def big(size: int) -> dict[str, Any]:
    return {"model": "gpt-4.1-mini", "messages": [{"role": "user", "content": "x" * size}]}


def test_a_second_put_of_the_same_report_id_stores_nothing(settings: Settings, store: ReportStore) -> None:
    first = record(workspace_id="ws_idem")
    assert store.put(first) is True
    assert store.put(first) is False
    # A client's retry of the same report arrives later: its time differs, its id does not.
    assert store.put(first.model_copy(update={"received_at": T0 + 5_000})) is False
    assert [item["report_id"] for item in items(settings, "RPT#ws_idem")] == [first.report_id]
    [guard] = items(settings, f"RPTID#ws_idem#{first.report_id}")
    assert guard["listing_sk"] == f"{T0:013d}#{first.report_id}"


def test_small_payloads_stay_in_the_item(settings: Settings, store: ReportStore) -> None:
    small = record(workspace_id="ws_small")
    store.put(small)
    [item] = items(settings, "RPT#ws_small")
    assert "body_s3_key" not in item
    assert json.loads(item["body"]) == {"req_payload": small.req_payload, "resp_payload": small.resp_payload}
    assert store.get("ws_small", small.report_id) == small


def test_payloads_over_the_item_limit_go_to_s3_and_come_back(settings: Settings, store: ReportStore) -> None:
    large = record(workspace_id="ws_large", req_payload=big(ITEM_BODY_LIMIT), resp_payload="as a string")
    assert store.put(large) is True
    [item] = items(settings, "RPT#ws_large")
    assert item["body_s3_key"] == body_key("ws_large", large.report_id) and "body" not in item
    stored = aws.s3(settings).get_object(Bucket=settings.report_bucket_name, Key=item["body_s3_key"])
    assert json.loads(stored["Body"].read())["req_payload"] == large.req_payload
    back = store.get("ws_large", large.report_id)
    assert back is not None and back.req_payload == large.req_payload
    assert back.resp_payload == "as a string" and back.body_s3_key == item["body_s3_key"]


def test_the_first_large_body_of_a_report_id_is_the_one_kept(store: ReportStore) -> None:
    first = record(workspace_id="ws_keep", req_payload=big(ITEM_BODY_LIMIT))
    store.put(first)
    assert store.put(first.model_copy(update={"req_payload": big(ITEM_BODY_LIMIT + 10)})) is False
    back = store.get("ws_keep", first.report_id)
    assert back is not None and back.req_payload == first.req_payload


def test_unknown_report_ids_are_not_found(store: ReportStore) -> None:
    assert store.get("ws_a", "0" * 32) is None


def test_a_transaction_cancelled_for_another_reason_is_raised_for_a_retry(
    settings: Settings, store: ReportStore
) -> None:
    class Conflicting:
        def transact_write_items(self, **_: Any) -> None:
            raise ClientError(
                {
                    "Error": {"Code": "TransactionCanceledException", "Message": "conflict"},
                    "CancellationReasons": [{"Code": "TransactionConflict"}, {"Code": "None"}],
                },
                "TransactWriteItems",
            )

    db: Any = Conflicting()  # answers only the one call put makes
    conflicted = ReportStore(db, store.s3, settings.table_name, settings.report_bucket_name)
    with pytest.raises(ClientError):
        conflicted.put(record())


def test_queries_cover_since_inclusive_to_until_exclusive(store: ReportStore) -> None:
    times = [T0, T0 + 1, T0 + 2, T0 + 3]
    for at in times:
        store.put(record(workspace_id="ws_time", received_at=at))

    def got(**kw: Any) -> list[int]:
        return [r.received_at for r in store.query("ws_time", **kw).records]

    assert got() == times
    assert got(since=T0 + 1) == times[1:]
    assert got(until=T0 + 2) == times[:2]
    assert got(since=T0 + 1, until=T0 + 3) == [T0 + 1, T0 + 2]
    assert got(since=T0 + 3, until=T0 + 3) == []


def test_metadata_filters_must_all_match(store: ReportStore) -> None:
    store.put(record(workspace_id="ws_meta", metadata={"user": "1", "prompt": "a"}))
    store.put(record(workspace_id="ws_meta", metadata={"user": "1", "prompt": "b"}))
    store.put(record(workspace_id="ws_meta", metadata={"user": "2", "prompt.with.dots": "a"}))

    def got(**meta: str) -> list[dict[str, str]]:
        return [r.metadata for r in store.query("ws_meta", metadata=meta).records]

    assert len(got(user="1")) == 2
    assert got(user="1", prompt="b") == [{"user": "1", "prompt": "b"}]
    assert got(**{"prompt.with.dots": "a"}) == [{"user": "2", "prompt.with.dots": "a"}]
    assert got(user="3") == []


def test_another_workspace_sees_nothing(store: ReportStore) -> None:
    mine = record(workspace_id="ws_mine")
    store.put(mine)
    assert store.query("ws_theirs").records == []
    assert store.get("ws_theirs", mine.report_id) is None


def test_pages_follow_cursors_through_sparse_filtered_results(store: ReportStore) -> None:
    # 450 reports, every third matching: matches span several DynamoDB query pages (200 items each).
    for n in range(450):
        store.put(record(workspace_id="ws_pages", received_at=T0 + n, metadata={"even": str(n % 3 == 0)}))
    seen: list[int] = []
    cursor = None
    pages = 0
    while True:
        page = store.query("ws_pages", metadata={"even": "True"}, limit=40, cursor=cursor)
        seen += [r.received_at for r in page.records]
        pages += 1
        if page.next_cursor is None:
            break
        assert len(page.records) == 40
        cursor = page.next_cursor
    assert seen == [T0 + n for n in range(0, 450, 3)]
    assert pages == 4  # 150 matches: 40 + 40 + 40 + 30, and no empty page at the end


def test_a_page_stops_early_when_its_records_outgrow_max_bytes(store: ReportStore) -> None:
    for n in range(3):
        store.put(record(workspace_id="ws_bytes", received_at=T0 + n, req_payload=big(10_000)))
    page = store.query("ws_bytes", max_bytes=25_000)
    assert len(page.records) == 2 and page.next_cursor is not None
    rest = store.query("ws_bytes", max_bytes=25_000, cursor=page.next_cursor)
    assert [r.received_at for r in rest.records] == [T0 + 2] and rest.next_cursor is None
    # One record always fits, however small the budget: a page is never empty while records remain.
    assert len(store.query("ws_bytes", max_bytes=1).records) == 1


def test_a_forged_cursor_is_refused(store: ReportStore) -> None:
    with pytest.raises(CursorError):
        store.query("ws_a", cursor="UlBUI3dzX290aGVy")  # base64 of "RPT#ws_other"


def test_a_cancelled_transaction_leaves_no_guard_behind(settings: Settings, store: ReportStore) -> None:
    # The listing item exists but its guard does not: the guard's put succeeds, the listing's
    # condition fails, and the whole transaction (guard included) must roll back.
    orphan = record(workspace_id="ws_rollback")
    db = aws.dynamodb(settings)
    db.put_item(
        TableName=settings.table_name,
        Item={"pk": {"S": "RPT#ws_rollback"}, "sk": {"S": f"{T0:013d}#{orphan.report_id}"}},
    )
    assert store.put(orphan) is False
    assert items(settings, f"RPTID#ws_rollback#{orphan.report_id}") == []


def test_a_large_error_message_pushes_the_payloads_to_s3_too(settings: Settings, store: ReportStore) -> None:
    # Payloads under the limit on their own, but not with the rest of the item.
    crowded = record(
        workspace_id="ws_crowded", req_payload=big(ITEM_BODY_LIMIT - 50_000), error_message="e" * 60_000
    )
    store.put(crowded)
    [item] = items(settings, "RPT#ws_crowded")
    assert "body_s3_key" in item and "error_message" not in item  # it went with the payloads
    assert store.get("ws_crowded", crowded.report_id) == crowded.model_copy(
        update={"body_s3_key": item["body_s3_key"]}
    )


def test_an_error_message_larger_than_an_item_is_stored_in_s3_and_reads_back(
    settings: Settings, store: ReportStore
) -> None:
    huge = record(workspace_id="ws_huge_error", req_payload={"model": "m"}, error_message="é" * 450_000)
    assert store.put(huge) is True
    [item] = items(settings, "RPT#ws_huge_error")
    assert "error_message" not in item and "body" not in item
    assert store.get("ws_huge_error", huge.report_id) == huge.model_copy(
        update={"body_s3_key": item["body_s3_key"]}
    )


@pytest.mark.parametrize(
    ("workspace", "metadata"),
    [
        ("ws_meta_s", {"S": "\U0001f600 non-BMP \U0001d11e"}),
        ("ws_meta_types", {"M": "x", "N": "1", "L": "[]", "NULL": "true", "BOOL": "false", "SS": "a"}),
        ("ws_meta_odd", {"": "empty key", "a.b": "#c", ":v": "x"}),
    ],
)
def test_metadata_keys_that_look_like_dynamodb_types_read_back_and_filter(
    settings: Settings, store: ReportStore, workspace: str, metadata: dict[str, str]
) -> None:
    stored = [record(workspace_id=workspace, metadata=metadata), record(workspace_id=workspace)]
    for one in stored:
        store.put(one)
    first = store.query(workspace, limit=1)
    assert first.next_cursor is not None
    second = store.query(workspace, limit=1, cursor=first.next_cursor)
    assert {r.report_id: r.metadata for r in first.records + second.records} == {
        r.report_id: r.metadata for r in stored
    }
    name, value = next(iter(metadata.items()))
    assert [r.report_id for r in store.query(workspace, metadata={name: value}).records] == [
        stored[0].report_id
    ]
