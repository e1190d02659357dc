"""The scheduled functions under ``hyperinfer dev``, as their EventBridge rules run them on AWS:
each ``SCHEDULED`` handler on its ``rate(...)`` with a scheduled event, in a daemon thread."""

from __future__ import annotations

import logging
import re
import threading
import uuid
from datetime import UTC, datetime
from typing import Any

from hyperinfer.function_table import SCHEDULED, ScheduledSpec

log = logging.getLogger("hyperinfer")
_RATE = re.compile(r"rate\((\d+) (minute|minutes|hour|hours|day|days)\)")
_UNIT_SECONDS = {"minute": 60, "hour": 3600, "day": 86400}


def interval_seconds(expression: str) -> int:
    """Seconds between runs of a ``rate(...)`` schedule; cron schedules have no local runner."""
    match = _RATE.fullmatch(expression)
    if match is None:
        raise ValueError(f"only rate(...) schedules run locally, not {expression!r}")
    return int(match[1]) * _UNIT_SECONDS[match[2].removesuffix("s")]


def scheduled_event(spec: ScheduledSpec) -> dict[str, Any]:
    """EventBridge's "Scheduled Event" (as in events/<name>/), for the local rule of ``spec``."""
    return {
        "version": "0",
        "id": str(uuid.uuid4()),
        "detail-type": "Scheduled Event",
        "source": "aws.events",
        "account": "000000000000",
        "time": datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "region": "us-east-1",
        "resources": [f"arn:aws:events:us-east-1:000000000000:rule/local-{spec.name}"],
        "detail": {},
    }


def _run(spec: ScheduledSpec, stop: threading.Event, first_after: float) -> None:
    from hyperinfer.invoke import LambdaContext
    from hyperinfer.scheduled import load_handler

    handler = load_handler(spec)
    delay = first_after
    while not stop.wait(delay):
        try:
            handler(scheduled_event(spec), LambdaContext(function_name=spec.name))
        except Exception:  # a failed run is retried by the next one, as on AWS (no retries)
            log.exception("scheduled function failed", extra={"function": spec.name})
        delay = interval_seconds(spec.schedule)


def start(
    specs: tuple[ScheduledSpec, ...] = SCHEDULED, *, first_after: float | None = None
) -> threading.Event:
    """Run each spec on its schedule until the returned event is set; the first run comes one
    interval after the start (``first_after`` overrides it)."""
    stop = threading.Event()
    for spec in specs:
        first = interval_seconds(spec.schedule) if first_after is None else first_after
        thread = threading.Thread(
            target=_run, args=(spec, stop, first), name=f"schedule-{spec.name}", daemon=True
        )
        thread.start()
    return stop
