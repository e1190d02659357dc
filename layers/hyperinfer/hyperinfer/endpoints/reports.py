"""GET /api/v1/reports: the caller's workspace's stored reports, oldest first.

Query: ``since`` and ``until`` (Unix ms or ISO 8601; ``since <= received_at < until``), ``meta.<key>=
<value>`` (repeatable, every pair must match), ``limit`` (1-200, default 50) and ``cursor`` (the
previous page's ``next_cursor``). Answers ``{"data": [...], "next_cursor": str | null}``; a page also
stops early to stay under Lambda's 6 MB response limit.
"""

from __future__ import annotations

import json

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response

from hyperinfer.errors import invalid
from hyperinfer.gateway.auth import authenticate
from hyperinfer.gateway.runtime import runtime
from hyperinfer.reports.export import parse_meta, parse_time, public_record
from hyperinfer.reports.store import CursorError, Page, ReportStore

DEFAULT_LIMIT = 50
MAX_LIMIT = 200
PAGE_BYTES = 4_500_000  # below Lambda's 6 MB buffered response, with room for JSON escaping


def _time(request: Request, name: str) -> int | None:
    text = request.query_params.get(name)
    if text is None:
        return None
    try:
        return parse_time(text)
    except ValueError as error:
        raise invalid(name, str(error)) from None


def _limit(request: Request) -> int:
    text = request.query_params.get("limit", str(DEFAULT_LIMIT))
    if not text.isdigit() or not 1 <= int(text) <= MAX_LIMIT:
        raise invalid("limit", f"must be a whole number from 1 to {MAX_LIMIT}")
    return int(text)


def _meta(request: Request) -> dict[str, str]:
    pairs = [
        f"{name.removeprefix('meta.')}={value}"
        for name, value in request.query_params.multi_items()
        if name.startswith("meta.")
    ]
    try:
        return parse_meta(pairs)
    except ValueError as error:
        raise invalid("meta", str(error)) from None


async def handle(request: Request) -> Response:
    rt = runtime()
    api_key = await authenticate(request, rt.accounts)
    since, until, limit, metadata = (
        _time(request, "since"),
        _time(request, "until"),
        _limit(request),
        _meta(request),
    )
    cursor = request.query_params.get("cursor") or None
    store = ReportStore.from_settings(rt.settings)
    try:
        page: Page = await run_in_threadpool(
            lambda: store.query(
                api_key.workspace_id,
                since=since,
                until=until,
                metadata=metadata,
                limit=limit,
                cursor=cursor,
                max_bytes=PAGE_BYTES,
            )
        )
    except CursorError as error:
        raise invalid("cursor", str(error)) from None
    body = {"data": [public_record(record) for record in page.records], "next_cursor": page.next_cursor}
    return Response(json.dumps(body), media_type="application/json")
