"""The collector during a cold start (``hyperinfer.collector``): on Lambda, held from the package's
import until the first answer, then the start is frozen and the defaults return."""

from __future__ import annotations

import gc
import json
import subprocess
import sys
from collections.abc import Iterator
from typing import Any

import pytest
from hyperinfer import collector
from hyperinfer.observability.handlers import observed_handler
from hyperinfer.web import function_app
from starlette.testclient import TestClient


@pytest.fixture(autouse=True)
def defaults() -> Iterator[tuple[int, int, int]]:
    before = gc.get_threshold()
    yield before
    collector.release()
    gc.unfreeze()  # what a test froze goes back to the collector's generations
    gc.set_threshold(*before)


def test_holding_raises_the_young_threshold_until_release(defaults: tuple[int, int, int]) -> None:
    collector.hold()
    collector.hold()  # the second changes nothing: release still returns to the defaults
    assert gc.get_threshold() == (collector.STARTING_THRESHOLD, *defaults[1:])
    assert collector.holding()
    built = [[index] for index in range(1000)]  # what a start builds: young, and kept
    collector.release()
    assert gc.get_threshold() == defaults
    assert not collector.holding()
    assert gc.get_freeze_count() >= len(built)  # frozen out of every later collection


def test_release_without_a_hold_changes_nothing(defaults: tuple[int, int, int]) -> None:
    collector.release()
    assert gc.get_threshold() == defaults
    assert gc.get_freeze_count() == 0


def test_a_functions_first_answer_ends_the_hold(defaults: tuple[int, int, int]) -> None:
    client = TestClient(function_app("healthz"))
    collector.hold()
    assert client.get("/healthz").status_code == 200
    assert gc.get_threshold() == defaults
    assert not collector.holding()


def test_a_consumers_first_invocation_ends_the_hold(defaults: tuple[int, int, int]) -> None:
    @observed_handler("report_ingest")
    def handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
        assert collector.holding()  # still starting while the first invocation runs
        return {"batchItemFailures": []}

    collector.hold()
    assert handler({"Records": []}, None) == {"batchItemFailures": []}
    assert gc.get_threshold() == defaults


@pytest.mark.parametrize(("lambda_task_root", "held"), [("/var/task", True), ("", False)])
def test_the_package_holds_the_collector_only_on_lambda(lambda_task_root: str, held: bool) -> None:
    probe = "import gc, json; import hyperinfer; print(json.dumps(gc.get_threshold()))"
    env = {"LAMBDA_TASK_ROOT": lambda_task_root} if lambda_task_root else {}
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True, env=env)
    young = json.loads(out.stdout)[0]
    assert (young == collector.STARTING_THRESHOLD) is held
