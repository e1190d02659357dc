"""The batch store against the emulator: claims are exclusive, leases run out, an outcome is written
once and only by the run holding the claim, and listings page newest first."""

from __future__ import annotations

from typing import Any

import pytest
from hyperinfer import aws
from hyperinfer.batches import ids
from hyperinfer.batches.store import BatchStore
from hyperinfer.local.emulator import Emulator

from tests.unit.reports.storage import isolated_settings

ID = {name: ids.message_batch_id() for name in "ABCDE"}


class Clock:
    def __init__(self) -> None:
        self.now = 1_800_000_000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def store(emulator: Emulator, clock: Clock, request: pytest.FixtureRequest) -> BatchStore:
    settings = isolated_settings(emulator, request.node.name)
    return BatchStore(
        aws.dynamodb(settings),
        settings.table_name,
        aws.s3(settings),
        settings.report_bucket_name,
        clock=clock,
    )


def new_batch(store: BatchStore, batch_id: str, total: int = 2) -> dict[str, Any]:
    batch = {
        "id": batch_id,
        "api": "anthropic",
        "workspace_id": "ws_a",
        "state": "in_progress",
        "total": total,
        "processing": total,
        **{name: 0 for name in ("succeeded", "errored", "canceled", "expired")},
        "created_ms": 1,
        "expires_ms": 2,
        "retain_until": 3,
    }
    store.create(batch)
    rows = [
        {"index": i, "custom_id": f"c{i}", "ingress": "anthropic_messages", "body": {"n": i}}
        for i in range(total)
    ]
    store.put_requests(batch_id, "ws_a", rows, 3)
    return batch


def test_a_request_is_claimed_by_one_run_at_a_time(store: BatchStore) -> None:
    new_batch(store, ID["A"])
    first = store.claim(ID["A"], 0, "tok-1", lease_seconds=60)
    assert first is not None and first["body"] == {"n": 0} and first["attempts"] == 1
    assert store.claim(ID["A"], 0, "tok-2", lease_seconds=60) is None


def test_a_claim_whose_lease_ran_out_can_be_taken_again(store: BatchStore, clock: Clock) -> None:
    new_batch(store, ID["B"])
    assert store.claim(ID["B"], 0, "tok-1", lease_seconds=60) is not None
    clock.now += 61
    again = store.claim(ID["B"], 0, "tok-2", lease_seconds=60)
    assert again is not None and again["attempts"] == 2 and again["claim"] == "tok-2"


def test_only_the_run_holding_the_claim_writes_the_outcome_and_only_once(
    store: BatchStore, clock: Clock
) -> None:
    new_batch(store, ID["C"])
    store.claim(ID["C"], 0, "tok-1", lease_seconds=60)
    clock.now += 61
    store.claim(ID["C"], 0, "tok-2", lease_seconds=60)
    result = {"type": "succeeded", "status_code": 200, "body": {"id": "msg_1"}}

    def settle(token: str) -> bool:
        return store.transact([
            store.outcome_item(ID["C"], 0, "succeeded", result, claim=token),
            store.counts_item("ws_a", ID["C"], "succeeded"),
        ])  # fmt: skip

    assert settle("tok-1") is False  # the stale run: nothing written, counts untouched
    assert settle("tok-2") is True
    assert settle("tok-2") is False  # a duplicate: the request already has its outcome
    batch = store.get("ws_a", ID["C"])
    assert batch is not None and (batch["processing"], batch["succeeded"]) == (1, 1)
    [done] = [r for r in store.requests(ID["C"]) if r["index"] == 0]
    assert (done["state"], store.result_of(done)) == ("succeeded", result)


def test_a_request_is_canceled_only_while_nobody_runs_it(store: BatchStore) -> None:
    new_batch(store, ID["D"])
    store.claim(ID["D"], 0, "tok-1", lease_seconds=60)
    cancel = [
        store.outcome_item(ID["D"], 0, "canceled", {"type": "canceled"}, claim=None),
        store.counts_item("ws_a", ID["D"], "canceled"),
    ]
    assert store.transact(cancel) is False  # running: it finishes
    cancel_other = [
        store.outcome_item(ID["D"], 1, "canceled", {"type": "canceled"}, claim=None),
        store.counts_item("ws_a", ID["D"], "canceled"),
    ]
    assert store.transact(cancel_other) is True
    assert store.claim(ID["D"], 1, "tok-2", lease_seconds=60) is None


def test_a_result_too_large_for_an_item_is_kept_in_s3(store: BatchStore) -> None:
    big = {"type": "succeeded", "status_code": 200, "body": {"text": "x" * 400_000}}
    stored = store.stored_result("ws_a", ID["E"], 7, big)
    assert set(stored) == {"s3_key"}
    assert store.result_of({"result": stored}) == big
    small = {"type": "canceled"}
    assert store.result_of({"result": store.stored_result("ws_a", ID["E"], 8, small)}) == small


def test_workspace_slots_are_leased_and_released(store: BatchStore, clock: Clock) -> None:
    taken = {store.acquire_slot("ws_a", 2, lease_seconds=60) for _ in range(2)}
    assert taken == {0, 1}
    assert store.acquire_slot("ws_a", 2, lease_seconds=60) is None
    store.release_slot("ws_a", 1)
    assert store.acquire_slot("ws_a", 2, lease_seconds=60) == 1
    clock.now += 61  # a consumer that died frees its slot when the lease runs out
    assert store.acquire_slot("ws_a", 2, lease_seconds=60) is not None


def test_listing_pages_newest_first_each_api_its_own(store: BatchStore) -> None:
    made = [ids.message_batch_id(1_800_000_000 + n) for n in range(5)]
    for batch_id in made:
        new_batch(store, batch_id, total=0)
    new_batch(store, ids.openai_batch_id(1_800_000_100), total=0)
    newest = list(reversed(made))
    page, more = store.page("ws_a", "msgbatch_", limit=2, before=None, after=None)
    assert ([b["id"] for b in page], more) == (newest[:2], True)
    page, more = store.page("ws_a", "msgbatch_", limit=2, before=None, after=newest[1])
    assert ([b["id"] for b in page], more) == (newest[2:4], True)
    page, more = store.page("ws_a", "msgbatch_", limit=2, before=None, after=newest[3])
    assert ([b["id"] for b in page], more) == (newest[4:], False)
    page, more = store.page("ws_a", "msgbatch_", limit=2, before=newest[3], after=None)
    assert ([b["id"] for b in page], more) == (newest[1:3], True)
    assert store.page("ws_b", "msgbatch_", limit=2, before=None, after=None) == ([], False)
