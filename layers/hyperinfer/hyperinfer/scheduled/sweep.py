"""The scheduled sweep: settles stale reservations (policy in ``accounts/sweep.py``), as the
``hyperinfer admin sweep`` command does, with the same staleness bound: a reservation older than the
longest a request can run plus a grace period."""

from __future__ import annotations

import logging
from typing import Any

from hyperinfer.accounts.sweep import GRACE_SECONDS, sweep
from hyperinfer.gateway.runtime import runtime

log = logging.getLogger("hyperinfer")


def stale_after(stream_max_duration: float) -> int:
    """Seconds after which no live request can still own a reservation."""
    return int(stream_max_duration) + GRACE_SECONDS


def handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    current = runtime()
    older_than = stale_after(current.settings.stream_max_duration)
    settled = sweep(current.billing, older_than=older_than)
    # Request ids only: they identify the holds without saying anything about their content.
    log.info("sweep settled stale reservations", extra={"settled": settled, "older_than": older_than})
    return {"settled": settled, "older_than": older_than}
