"""The batch endpoints of both APIs; each ``endpoints/`` module names one of these as its handler.

Anthropic Message Batches under ``/api/v1/messages/batches``; the OpenAI Batch API under
``/api/v1/batches`` and ``/api/v1/files``. ``POST /api/v1/batches`` with ``requests`` instead of
``input_file_id`` is a Message Batch (seed 004's idiom).
"""

from __future__ import annotations

from collections.abc import AsyncGenerator, Callable
from typing import Any

from starlette.concurrency import run_in_threadpool
from starlette.datastructures import FormData
from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from hyperinfer.accounts.keys import ApiKey
from hyperinfer.batches import ids, render, service
from hyperinfer.batches.requests import ENDPOINTS, anthropic_requests, openai_requests
from hyperinfer.batches.runner import results_object
from hyperinfer.batches.store import RETENTION_SECONDS
from hyperinfer.errors import ErrorCode, GatewayError
from hyperinfer.gateway.auth import authenticate
from hyperinfer.gateway.body import parse_object, read_body
from hyperinfer.gateway.runtime import Runtime, runtime
from hyperinfer.settings import Settings

MESSAGE_BATCH = "msgbatch_"
OPENAI_BATCH = "batch_"
# service.get or service.cancel: (settings, caller, batch id, id prefix) -> the batch
BatchOperation = Callable[[Settings, ApiKey, str, str], dict[str, Any]]


def _invalid(message: str, param: str) -> GatewayError:
    return GatewayError(ErrorCode.INVALID_REQUEST, message, param=param)


def _base_url(request: Request) -> str:
    return str(request.base_url).rstrip("/")


async def _caller(request: Request) -> tuple[Runtime, ApiKey]:
    rt = runtime()
    return rt, await authenticate(request, rt.accounts)


def _allowed(api_key: ApiKey, rt: Runtime, models: list[tuple[str, str]]) -> None:
    """A key limited to some models may batch only those (checked again when each request runs)."""
    if not api_key.models:
        return
    for where, name in models:
        model = rt.catalog.find(name)
        if model is not None and model.slug not in api_key.models:
            raise GatewayError(
                ErrorCode.MODEL_NOT_ALLOWED, f"{where}: this key may not use {model.slug!r}.", param=where
            )


def _limit(request: Request, default: int = 20) -> int:
    raw = request.query_params.get("limit", str(default))
    if not raw.isdigit() or not 1 <= int(raw) <= 1000:
        raise _invalid("limit: must be a whole number from 1 to 1000.", "limit")
    return int(raw)


# -- Anthropic Message Batches -------------------------------------------------------------------


async def create_message_batch(request: Request, payload: dict[str, Any] | None = None) -> Response:
    rt, api_key = await _caller(request)
    if payload is None:
        payload = parse_object(await read_body(request, rt.settings.max_request_bytes))
    requests = anthropic_requests(payload, rt.catalog)
    _allowed(api_key, rt, [(f"requests[{i}].params.model", r.body["model"]) for i, r in enumerate(requests)])
    batch = await run_in_threadpool(
        service.create, rt.settings, api_key, requests, api="anthropic", batch_id=ids.message_batch_id()
    )
    return JSONResponse(render.message_batch(batch, _base_url(request)))


async def _named(request: Request, operation: BatchOperation, kind: str) -> dict[str, Any]:
    """The caller's batch of ``kind`` named in the path, as ``operation`` (get, cancel) leaves it."""
    rt, api_key = await _caller(request)
    return await run_in_threadpool(operation, rt.settings, api_key, request.path_params["batch_id"], kind)


async def get_message_batch(request: Request) -> Response:
    batch = await _named(request, service.get, MESSAGE_BATCH)
    return JSONResponse(render.message_batch(batch, _base_url(request)))


async def list_message_batches(request: Request) -> Response:
    rt, api_key = await _caller(request)
    before, after = request.query_params.get("before_id"), request.query_params.get("after_id")
    if before and after:
        raise _invalid("before_id: give before_id or after_id, not both.", "before_id")
    found, more = await run_in_threadpool(
        service.store_for(rt.settings).page,
        api_key.workspace_id,
        MESSAGE_BATCH,
        limit=_limit(request),
        before=before,
        after=after,
    )
    data = [render.message_batch(b, _base_url(request)) for b in found]
    return JSONResponse({
        "data": data,
        "has_more": more,
        "first_id": data[0]["id"] if data else None,
        "last_id": data[-1]["id"] if data else None,
    })  # fmt: skip


async def cancel_message_batch(request: Request) -> Response:
    batch = await _named(request, service.cancel, MESSAGE_BATCH)
    return JSONResponse(render.message_batch(batch, _base_url(request)))


async def delete_message_batch(request: Request) -> Response:
    rt, api_key = await _caller(request)
    batch_id = request.path_params["batch_id"]
    await run_in_threadpool(service.delete, rt.settings, api_key, batch_id, MESSAGE_BATCH)
    return JSONResponse({"id": batch_id, "type": "message_batch_deleted"})


async def message_batch_results(request: Request) -> Response:
    rt, api_key = await _caller(request)
    batch_id = request.path_params["batch_id"]
    batch = await run_in_threadpool(service.get, rt.settings, api_key, batch_id, MESSAGE_BATCH)
    if batch["state"] != "ended":
        raise _invalid(
            f"Batch {batch_id!r} is still {batch['state']}: its results are ready once it has ended.",
            "batch_id",
        )
    store = service.store_for(rt.settings)
    data = await run_in_threadpool(store.get_object, results_object(api_key.workspace_id, batch_id))
    return Response(data, media_type="application/binary")


# -- OpenAI Batch API ----------------------------------------------------------------------------


async def create_batch(request: Request) -> Response:
    rt, api_key = await _caller(request)
    payload = parse_object(await read_body(request, rt.settings.max_request_bytes))
    if "requests" in payload and "input_file_id" not in payload:
        return await create_message_batch(request, payload)
    unknown = sorted(set(payload) - {"input_file_id", "endpoint", "completion_window", "metadata"})
    if unknown:
        raise _invalid(f"{unknown[0]}: unknown field.", unknown[0])
    endpoint = payload.get("endpoint")
    if endpoint not in ENDPOINTS:
        raise _invalid(f"endpoint: must be one of {', '.join(ENDPOINTS)}.", "endpoint")
    if payload.get("completion_window") != "24h":
        raise _invalid("completion_window: must be '24h'.", "completion_window")
    metadata = payload.get("metadata") or {}
    if (
        not isinstance(metadata, dict)
        or len(metadata) > 16
        or not all(
            isinstance(k, str) and len(k) <= 64 and isinstance(v, str) and len(v) <= 512
            for k, v in metadata.items()
        )
    ):
        raise _invalid(
            "metadata: at most 16 string pairs, keys up to 64 and values up to 512 characters.", "metadata"
        )
    file_id = payload.get("input_file_id")
    record = None
    if isinstance(file_id, str):
        record = await run_in_threadpool(
            service.store_for(rt.settings).get_file, api_key.workspace_id, file_id
        )
    if record is None or record["purpose"] != "batch":
        raise GatewayError(
            ErrorCode.NOT_FOUND,
            f"input_file_id: no batch file {file_id!r} in this workspace.",
            param="input_file_id",
        )
    data = await run_in_threadpool(
        service.store_for(rt.settings).file_content, api_key.workspace_id, record["id"]
    )
    requests, problems = openai_requests(data, endpoint, rt.catalog)
    extra = {
        "endpoint": endpoint,
        "input_file_id": record["id"],
        "completion_window": "24h",
        "metadata": metadata,
    }
    if problems:
        batch = await run_in_threadpool(service.failed_openai_batch, rt.settings, api_key, problems, extra)
        return JSONResponse(render.openai_batch(batch))
    _allowed(api_key, rt, [(f"body.model (custom_id {r.custom_id})", r.body["model"]) for r in requests])
    batch = await run_in_threadpool(
        service.create,
        rt.settings,
        api_key,
        requests,
        api="openai",
        batch_id=ids.openai_batch_id(),
        extra=extra,
    )
    return JSONResponse(render.openai_batch(batch))


async def get_batch(request: Request) -> Response:
    return JSONResponse(render.openai_batch(await _named(request, service.get, OPENAI_BATCH)))


async def list_batches(request: Request) -> Response:
    rt, api_key = await _caller(request)
    found, more = await run_in_threadpool(
        service.store_for(rt.settings).page,
        api_key.workspace_id,
        OPENAI_BATCH,
        limit=_limit(request),
        before=None,
        after=request.query_params.get("after"),
    )
    data = [render.openai_batch(b) for b in found]
    return JSONResponse({
        "object": "list",
        "data": data,
        "first_id": data[0]["id"] if data else None,
        "last_id": data[-1]["id"] if data else None,
        "has_more": more,
    })  # fmt: skip


async def cancel_batch(request: Request) -> Response:
    return JSONResponse(render.openai_batch(await _named(request, service.cancel, OPENAI_BATCH)))


# -- OpenAI Files (batch input and output) -------------------------------------------------------


async def create_file(request: Request) -> Response:
    rt, api_key = await _caller(request)
    raw = await read_body(request, rt.settings.max_request_bytes)  # the size limit, before parsing
    if not request.headers.get("content-type", "").startswith("multipart/form-data"):
        raise _invalid("Request body must be multipart/form-data with a 'file' and a 'purpose'.", "file")
    try:
        form = await _multipart(request, raw)
    except Exception:
        raise _invalid(
            "Request body must be multipart/form-data with a 'file' and a 'purpose'.", "file"
        ) from None
    purpose, upload = form.get("purpose"), form.get("file")
    if purpose != "batch":
        raise _invalid("purpose: only 'batch' files are accepted here.", "purpose")
    if upload is None or isinstance(upload, str):
        raise _invalid("file: the multipart field 'file' is required.", "file")
    data = await upload.read()
    if not data.strip():
        raise _invalid("file: the file is empty.", "file")
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        raise _invalid("file: a batch file is UTF-8 JSONL.", "file") from None
    store = service.store_for(rt.settings)
    created = store.now_ms() // 1000
    record: dict[str, Any] = {
        "id": ids.file_id(),
        "filename": upload.filename or "batch.jsonl",
        "bytes": len(data),
        "purpose": "batch",
        "created_at": created,
        "workspace_id": api_key.workspace_id,
        "expires_at": created + RETENTION_SECONDS,  # the table's TTL
    }
    await run_in_threadpool(store.put_file, api_key.workspace_id, record, data)
    return JSONResponse(render.file_object(record))


async def _multipart(request: Request, raw: bytes) -> FormData:
    from starlette.formparsers import MultiPartParser

    async def body() -> AsyncGenerator[bytes, None]:
        yield raw

    return await MultiPartParser(request.headers, body(), max_files=1, max_fields=4).parse()


async def _file(request: Request) -> tuple[Runtime, ApiKey, dict[str, Any]]:
    rt, api_key = await _caller(request)
    file_id = request.path_params["file_id"]
    record = await run_in_threadpool(service.store_for(rt.settings).get_file, api_key.workspace_id, file_id)
    if record is None:
        raise GatewayError(ErrorCode.NOT_FOUND, f"No file {file_id!r} in this workspace.")
    return rt, api_key, record


async def get_file(request: Request) -> Response:
    _, _, record = await _file(request)
    return JSONResponse(render.file_object(record))


async def file_content(request: Request) -> Response:
    rt, api_key, record = await _file(request)
    data = await run_in_threadpool(
        service.store_for(rt.settings).file_content, api_key.workspace_id, record["id"]
    )
    return Response(data, media_type="application/jsonl")
