"""Reading reports back: the public shape of a record and the filters both readers take
(``GET /api/v1/reports`` and ``hyperinfer reports export``)."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime
from typing import Any

from hyperinfer.reports.records import ReportRecord
from hyperinfer.reports.schemas import StoredReport

MAX_META_FILTERS = 10


def public_record(record: ReportRecord) -> dict[str, Any]:
    """A stored report as readers see it (``schemas.StoredReport``): payloads inflated, where the
    body was kept left out."""
    return record.model_dump(mode="json", include=set(StoredReport.model_fields))


def parse_time(text: str) -> int:
    """Unix milliseconds, from Unix milliseconds or an ISO 8601 time (UTC unless it has an offset)."""
    text = text.strip()
    if text.isdigit():
        return int(text)
    try:
        moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        raise ValueError(f"{text!r} is neither Unix milliseconds nor an ISO 8601 time") from None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return int(moment.timestamp() * 1000)


def parse_meta(pairs: Iterable[str]) -> dict[str, str]:
    """``k=v`` pairs into a filter (every pair must match); the same key twice is refused."""
    found: dict[str, str] = {}
    for pair in pairs:
        name, sep, value = pair.partition("=")
        if not sep or not name:
            raise ValueError(f"{pair!r} is not key=value")
        if name in found:
            raise ValueError(f"{name!r} is given twice")
        found[name] = value
    if len(found) > MAX_META_FILTERS:
        raise ValueError(f"at most {MAX_META_FILTERS} metadata filters")
    return found
