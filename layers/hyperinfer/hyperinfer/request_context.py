"""Request ids: one per request, time-ordered, carried in the ASGI scope and the X-Request-Id header."""

from __future__ import annotations

import secrets
import time

from starlette.requests import Request
from starlette.types import ASGIApp, Message, Receive, Scope, Send

REQUEST_ID_HEADER = b"x-request-id"


def new_request_id() -> str:
    """12 hex digits of milliseconds, then 16 random: sortable by time, unguessable."""
    return f"{int(time.time() * 1000):012x}{secrets.token_hex(8)}"


def request_id_of(request: Request) -> str:
    rid: str = request.scope["state"]["request_id"]
    return rid


class RequestIdMiddleware:
    """Pure ASGI (not BaseHTTPMiddleware) so that streaming and cancellation pass straight through."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        rid = new_request_id()
        scope.setdefault("state", {})["request_id"] = rid

        async def send_with_id(message: Message) -> None:
            if message["type"] == "http.response.start":
                message["headers"] = [*message.get("headers", []), (REQUEST_ID_HEADER, rid.encode())]
            await send(message)

        await self.app(scope, receive, send_with_id)
