"""POST /api/v1/report: the log of an OpenAI call made elsewhere, buffered in SQS for storage.

Both reporting endpoints run ``accept``: read the body (size limit first), authenticate the key,
validate the body against its seed, and answer ``{"status": "ok"}`` only once the report is on the
queue (or, when too large for a queue message, in S3 with a pointer on the queue). An
``Idempotency-Key`` header fixes the report id, so a client's retry of the same report stores one.
"""

from __future__ import annotations

import logging
import time
from typing import Any

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from hyperinfer import json_guard
from hyperinfer.errors import ErrorCode, GatewayError
from hyperinfer.gateway.auth import authenticate
from hyperinfer.gateway.body import read_body
from hyperinfer.gateway.runtime import runtime
from hyperinfer.reports import queue
from hyperinfer.reports.message import ReportFormat, ReportMessage
from hyperinfer.reports.models import check_idempotency_key, report_id, validate_report
from hyperinfer.request_context import request_id_of

log = logging.getLogger("hyperinfer")


def _not_json(constant: str) -> Any:
    raise ValueError(f"{constant} is not a JSON value")


def parse_report(raw: bytes) -> dict[str, Any]:
    """The body as a JSON object. NaN and Infinity are refused: they could not be stored as sent."""
    try:
        body = json_guard.loads(raw, parse_constant=_not_json)
    except (ValueError, UnicodeDecodeError) as error:
        raise GatewayError(ErrorCode.INVALID_REQUEST, f"Request body is not valid JSON: {error}.") from None
    if not isinstance(body, dict):
        raise GatewayError(ErrorCode.INVALID_REQUEST, "Request body must be a JSON object.")
    json_guard.check(body)  # a lone surrogate could not be queued, a deep one not stored
    return body


async def accept(request: Request, fmt: ReportFormat) -> Response:
    rt = runtime()
    raw = await read_body(request, rt.settings.max_request_bytes)
    api_key = await authenticate(request, rt.accounts)
    idempotency_key = check_idempotency_key(request.headers.get("idempotency-key"))
    body = parse_report(raw)
    validate_report(fmt, body)
    message = ReportMessage(
        report_id=report_id(api_key.workspace_id, idempotency_key),
        workspace_id=api_key.workspace_id,
        key_id=api_key.key_id,
        format=fmt,
        origin="api",
        received_at=time.time_ns() // 1_000_000,
        report=body,  # as sent: the consumer validates it again and keeps the payloads verbatim
    )
    try:
        await run_in_threadpool(queue.enqueue, rt.settings, message)
    except Exception:
        log.exception("report not enqueued", extra={"request_id": request_id_of(request)})
        raise GatewayError(
            ErrorCode.INTERNAL_ERROR,
            "The report could not be queued; send it again (an Idempotency-Key makes that safe).",
        ) from None
    return JSONResponse({"status": "ok"})


async def handle(request: Request) -> Response:
    return await accept(request, "openai")
