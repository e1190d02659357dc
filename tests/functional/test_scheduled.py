"""The scheduled functions in-process, as Lambda runs them on EventBridge's scheduled events."""

from __future__ import annotations

import json
import time
from pathlib import Path

import pytest
from hyperinfer.accounts.billing import Billing
from hyperinfer.accounts.sweep import GRACE_SECONDS
from hyperinfer.cli import main
from hyperinfer.function_table import SCHEDULED
from hyperinfer.gateway.runtime import runtime
from hyperinfer.invoke import invoke
from hyperinfer.local.scheduler import interval_seconds, start
from hyperinfer.settings import Settings

from tests.support import REPO

EVENTS = sorted(p for p in (REPO / "events").glob("*/*.json") if p.parent.name in {s.name for s in SCHEDULED})
STALE = 900 + GRACE_SECONDS + 60  # older than the longest request (stream_max_duration) plus the grace


def hold(workspace: str, request_id: str, *, age: float) -> None:
    """A reservation made `age` seconds ago whose function then died: nothing settled it."""
    accounts = runtime().accounts
    accounts.create_workspace(workspace, "Sweep")
    accounts.add_credits(workspace, 2_000_000, "seed")
    _, key = accounts.create_key(workspace, "k")
    past = Billing(accounts, clock=lambda: time.time() - age)
    past.reserve(key, 300_000, request_id, about={"model": "m/x", "ingress_format": "anthropic_messages"})


def test_every_scheduled_function_has_a_scheduled_event() -> None:
    assert {p.parent.name for p in EVENTS} == {spec.name for spec in SCHEDULED}
    for path in EVENTS:
        event = json.loads(path.read_text())
        assert (event["source"], event["detail-type"]) == ("aws.events", "Scheduled Event")


@pytest.mark.parametrize("path", EVENTS, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_sweep_event_settles_a_stale_reservation_and_leaves_a_live_one(path: Path) -> None:
    hold("ws_sweep_stale", "req-sweep-stale", age=STALE)
    hold("ws_sweep_live", "req-sweep-live", age=60)  # a request that may still be streaming
    accounts = runtime().accounts
    assert accounts.balance("ws_sweep_stale") == 1_700_000

    result = invoke(path.parent.name, json.loads(path.read_text()))

    assert "req-sweep-stale" in result["settled"] and "req-sweep-live" not in result["settled"]
    assert result["older_than"] == 900 + GRACE_SECONDS
    assert accounts.balance("ws_sweep_stale") == 1_700_000  # the hold charged in full: the policy
    [record] = accounts.generations("ws_sweep_stale")
    assert (record["status"], record["cost_micro_usd"], record["ingress_format"]) == (
        "swept",
        300_000,
        "anthropic_messages",
    )
    assert accounts.generations("ws_sweep_live") == []
    # Settled once: the next run finds nothing of it.
    again = invoke(path.parent.name, json.loads(path.read_text()))
    assert "req-sweep-stale" not in again["settled"]


def test_invoke_command_runs_the_sweep(capsys: pytest.CaptureFixture[str], settings: Settings) -> None:
    import os

    os.environ["HYPERINFER_AWS_ENDPOINT_URL"] = str(settings.aws_endpoint_url)
    os.environ["HYPERINFER_TABLE_NAME"] = settings.table_name
    try:
        assert main(["invoke", "sweep", str(REPO / "events/sweep/scheduled.json")]) == 0
    finally:
        del os.environ["HYPERINFER_AWS_ENDPOINT_URL"], os.environ["HYPERINFER_TABLE_NAME"]
    printed = json.loads(capsys.readouterr().out)
    assert printed["older_than"] == 900 + GRACE_SECONDS and isinstance(printed["settled"], list)


def test_rate_schedules_run_locally_and_cron_ones_are_refused() -> None:
    assert interval_seconds("rate(5 minutes)") == 300
    assert interval_seconds("rate(1 hour)") == 3600 and interval_seconds("rate(2 days)") == 172_800
    with pytest.raises(ValueError, match="only rate"):
        interval_seconds("cron(0 * * * ? *)")
    assert all(interval_seconds(spec.schedule) > 0 for spec in SCHEDULED)


def test_hyperinfer_dev_runs_the_sweep_on_its_schedule() -> None:
    hold("ws_sweep_local", "req-sweep-local", age=STALE)
    stop = start(first_after=0)  # the first run at once instead of one interval after the start
    try:
        deadline = time.monotonic() + 20
        while runtime().accounts.generations("ws_sweep_local") == [] and time.monotonic() < deadline:
            time.sleep(0.1)
    finally:
        stop.set()
    [record] = runtime().accounts.generations("ws_sweep_local")
    assert record["status"] == "swept" and record["id"] == "req-sweep-local"
