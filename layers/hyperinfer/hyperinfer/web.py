"""The app factory shared by every function and by ``hyperinfer dev``.

A function's app serves its one route; the dev app serves every route of the function table.
Errors are rendered here, in one place, in the envelope of the function that failed.
Starlette, not FastAPI: FastAPI's import alone cost ~0.59 s here against ~0.13 s for Starlette,
and requests are validated by our own pydantic models anyway.
"""

from __future__ import annotations

import importlib
import logging
from collections.abc import Awaitable, Callable, Iterable
from typing import Any

from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from hyperinfer.errors import ErrorCode, GatewayError
from hyperinfer.formats.envelopes import anthropic_error, openai_error, report_error
from hyperinfer.function_table import FUNCTIONS, Envelope, FunctionSpec, InvokeMode, get_function
from hyperinfer.observability import context as observe
from hyperinfer.request_context import RequestIdMiddleware, request_id_of

Handler = Callable[[Request], Awaitable[Response]]
log = logging.getLogger("hyperinfer")


_ENVELOPES = {
    Envelope.OPENAI: openai_error,
    Envelope.ANTHROPIC: anthropic_error,
    Envelope.REPORT: report_error,
}


def error_response(error: GatewayError, request_id: str, envelope: Envelope) -> JSONResponse:
    body = _ENVELOPES[envelope](error, request_id)
    headers = {"Retry-After": error.retry_after} if error.retry_after else None
    return JSONResponse(body, status_code=error.status, headers=headers)


def load_handler(spec: FunctionSpec) -> Handler:
    module = importlib.import_module(f"hyperinfer.endpoints.{spec.endpoint}")
    handle: Handler = module.handle
    return handle


def _guarded(handle: Handler, spec: FunctionSpec) -> Handler:
    """Turn every failure before the response starts into the taxonomy, in the route's envelope."""
    envelope = spec.envelope

    async def endpoint(request: Request) -> Response:
        observe.note_route(spec.name, spec.route)
        try:
            return await handle(request)
        except GatewayError as error:
            observe.note_error(error.code)
            return error_response(error, request_id_of(request), envelope)
        except Exception:
            log.exception("unhandled error", extra={"request_id": request_id_of(request)})
            internal = GatewayError(ErrorCode.INTERNAL_ERROR, "The gateway failed to handle this request.")
            observe.note_error(internal.code)
            return error_response(internal, request_id_of(request), envelope)

    return endpoint


def _envelope_for_path(specs: tuple[FunctionSpec, ...], path: str) -> Envelope:
    for spec in specs:
        if path.startswith(spec.route):
            return spec.envelope
    return Envelope.OPENAI


def build_app(specs: Iterable[FunctionSpec], name: str = "hyperinfer") -> Starlette:
    from hyperinfer.observability.middleware import instrument

    specs = tuple(specs)
    app = Starlette()
    for spec in specs:
        app.router.add_route(spec.route, _guarded(load_handler(spec), spec), methods=[spec.method])

    async def unknown_route(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, HTTPException)
        error = GatewayError(ErrorCode.NOT_FOUND, f"No route {request.method} {request.url.path}.")
        observe.note_error(error.code)
        return error_response(error, request_id_of(request), _envelope_for_path(specs, request.url.path))

    app.add_exception_handler(HTTPException, unknown_route)
    instrument(app, name)
    app.add_middleware(RequestIdMiddleware)  # added last: outermost, so the id exists for every log line
    return app


def function_app(name: str) -> Starlette:
    """The app of one Lambda function: its single route. On Lambda, a resource name missing from
    the environment fails here, at init (``hyperinfer.deployment``). SnapStart's hooks are
    registered with the runtime, or served to the Web Adapter by a streaming function."""
    import os

    from hyperinfer import snapstart
    from hyperinfer.deployment import check_environment

    check_environment(name, os.environ)
    spec = get_function(name)
    app = build_app([spec], name)
    if spec.mode is InvokeMode.STREAMING:
        for path, hook in (
            (snapstart.BEFORE_CHECKPOINT_PATH, snapstart.before_snapshot),
            (snapstart.AFTER_RESTORE_PATH, snapstart.after_restore),
        ):
            app.router.add_route(path, _hook_endpoint(hook), methods=["POST"])
    else:
        snapstart.register()
    snapstart.prewarm(os.environ)
    return app


def _hook_endpoint(hook: Callable[[], None]) -> Handler:
    async def endpoint(request: Request) -> Response:
        hook()
        return Response(status_code=204)

    return endpoint


def all_routes_app() -> Starlette:
    """Every function's route on one app, as ``hyperinfer dev`` serves them."""
    return build_app(FUNCTIONS, "hyperinfer")


def lambda_handler(app: Starlette) -> Callable[[dict[str, Any], Any], dict[str, Any]]:
    """A buffered Lambda handler for an API Gateway REST proxy event (traced when tracing is on)."""
    from mangum import Mangum

    from hyperinfer.observability.tracing import traced_handler

    handler: Callable[[dict[str, Any], Any], dict[str, Any]] = traced_handler(Mangum(app, lifespan="off"))
    return handler
