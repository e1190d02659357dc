"""What the admin commands print: aligned tables for people, plain JSON-ready dicts for scripts.

Records are rendered from an allowlist of fields, so nothing secret (a key's hash) can leak by
being added to the table later.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from hyperinfer.accounts.keys import ApiKey
from hyperinfer.admin.amounts import format_usd

WORKSPACE_FIELDS = ("workspace_id", "name", "locked", "concurrency_cap", "created_at")


def table(headers: Sequence[str], rows: Iterable[Sequence[Any]], empty: str = "(none)") -> str:
    cells = [[cell(v) for v in row] for row in rows]
    if not cells:
        return empty
    widths = [max(len(h), *(len(r[i]) for r in cells)) for i, h in enumerate(headers)]
    lines = [headers, ["-" * w for w in widths], *cells]
    return "\n".join(
        "  ".join(v.ljust(w) for v, w in zip(line, widths, strict=True)).rstrip() for line in lines
    )


def cell(value: Any) -> str:
    if value is None:
        return "-"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, list | tuple):
        return ",".join(str(v) for v in value) or "any"
    return str(value)


def usd(micro: int | None) -> str | None:
    return None if micro is None else "$" + format_usd(micro)


def workspace_record(values: dict[str, Any]) -> dict[str, Any]:
    return {field: values.get(field) for field in WORKSPACE_FIELDS}


def workspaces_table(records: list[dict[str, Any]]) -> str:
    headers = ("id", "name", "locked", "concurrency cap", "created")
    rows = [
        [r["workspace_id"], r["name"], r["locked"], r["concurrency_cap"], r["created_at"]] for r in records
    ]
    return table(headers, rows, empty="(no workspaces)")


def key_record(key: ApiKey) -> dict[str, Any]:
    """A key as the admin sees it: never its hash (nor, of course, the key)."""
    return {
        "key_id": key.key_id,
        "prefix": key.prefix,
        "name": key.name,
        "workspace_id": key.workspace_id,
        "spend_limit_micro_usd": key.spend_limit,
        "spend_limit_usd": None if key.spend_limit is None else format_usd(key.spend_limit),
        "models": list(key.models),
        "rpm": key.rpm,
        "source": key.source,
        "one_time": key.one_time,
        "expires_at": key.expires_at,
        "revoked": key.revoked,
        "created_at": key.created_at,
        "last_used_at": key.last_used_at,
    }


def keys_table(records: list[dict[str, Any]]) -> str:
    headers = ("prefix", "id", "name", "spend limit", "models", "rpm", "source", "revoked", "created")
    rows = [
        [
            r["prefix"] + "...",
            r["key_id"],
            r["name"],
            usd(r["spend_limit_micro_usd"]) or "none",
            r["models"],
            r["rpm"] or "none",
            r["source"],
            r["revoked"],
            r["created_at"],
        ]
        for r in records
    ]
    return table(headers, rows, empty="(no keys)")


def ledger_table(entries: list[dict[str, Any]]) -> str:
    headers = ("created", "kind", "amount", "idempotency key", "note")
    rows = [
        [e["created_at"], e["kind"], usd(e["amount_micro_usd"]), e["idempotency_key"], e["note"] or ""]
        for e in entries
    ]
    return table(headers, rows, empty="(no ledger entries)")


def usage_text(report: dict[str, Any]) -> str:
    totals = report["generations"]
    since = f" since {report['since']}" if report["since"] else ""
    errors = f", {totals['errors']} failed" if totals["errors"] else ""
    headers = ("model", "requests", "prompt", "completion", "reasoning", "cached prompt", "cost")
    rows = [
        [
            m["model"],
            m["requests"],
            m["tokens_prompt"],
            m["tokens_completion"],
            m["tokens_reasoning"],
            m["tokens_cached_prompt"],
            usd(m["cost_micro_usd"]),
        ]
        for m in totals["by_model"]
    ]
    return "\n".join(
        [
            f"workspace {report['workspace_id']}: balance {usd(report['balance_micro_usd'])}"
            + (" (locked)" if report["locked"] else ""),
            "",
            f"ledger{since}:",
            ledger_table(report["ledger"]),
            "",
            f"generations{since}: {totals['requests']} requests{errors}, "
            f"cost {usd(totals['cost_micro_usd'])}",
            table(headers, rows, empty="(no generations)"),
        ]
    )
