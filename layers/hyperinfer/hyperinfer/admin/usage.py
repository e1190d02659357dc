"""A workspace's usage: totals over its generation records, and the ``--since`` bound they start at."""

from __future__ import annotations

from collections import defaultdict
from datetime import UTC, datetime
from typing import Any

TOKEN_FIELDS = ("tokens_prompt", "tokens_completion", "tokens_reasoning", "tokens_cached_prompt")


def parse_since(text: str) -> str:
    """An ISO 8601 date or time -> UTC in the format records are written in (so strings compare).

    A time without an offset is taken as UTC.
    """
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        raise ValueError(
            f"--since {text!r} is not an ISO 8601 date or time (e.g. 2025-06-01T00:00Z)"
        ) from None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC).isoformat(timespec="milliseconds")


def _totals(records: list[dict[str, Any]]) -> dict[str, int]:
    totals = {"requests": len(records), "errors": 0, "cost_micro_usd": 0, **dict.fromkeys(TOKEN_FIELDS, 0)}
    for record in records:
        totals["errors"] += record.get("status") != "success"
        totals["cost_micro_usd"] += int(record.get("cost_micro_usd", 0))
        for field in TOKEN_FIELDS:
            totals[field] += int(record.get(field, 0))
    return totals


def summarize(records: list[dict[str, Any]]) -> dict[str, Any]:
    """Totals, then the same per model (most expensive first) and per source (api/playground/chat)."""
    by_model: dict[str, list[dict[str, Any]]] = defaultdict(list)
    by_source: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for record in records:
        by_model[str(record.get("model", ""))].append(record)
        by_source[str(record.get("source", "api"))].append(record)
    models: list[dict[str, Any]] = [{"model": model, **_totals(group)} for model, group in by_model.items()]
    models.sort(key=lambda m: (-m["cost_micro_usd"], m["model"]))
    return {
        **_totals(records),
        "by_model": models,
        "by_source": {source: _totals(group) for source, group in sorted(by_source.items())},
    }
