"""POST /api/v1/playground-keys: the platform app mints a one-time key for the docs playground or
the dashboard chat. Internal: authenticated by the ``X-Internal-Token`` shared secret, not a key.

The key lives 10 minutes and is spent atomically by the first request that reaches a model
(``gateway.auth.spend_one_time_key``; other endpoints spend it on arrival, ``AccountStore.find_key``);
requests made with it are recorded with its source.
"""

from __future__ import annotations

import hmac
import json
import time
from datetime import UTC, datetime
from typing import Literal

from pydantic import BaseModel, Field
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response

from hyperinfer import json_guard
from hyperinfer.accounts.store import AccountError
from hyperinfer.errors import ErrorCode, GatewayError
from hyperinfer.gateway.body import parse_object, read_body, validate
from hyperinfer.gateway.runtime import runtime
from hyperinfer.gateway.secret_reads import internal_token

TTL_SECONDS = 600


class PlaygroundKeyRequest(BaseModel):
    workspace_id: str = Field(min_length=1, max_length=256)
    user_id: str = Field(min_length=1, max_length=256, description="The platform user the key is for.")
    source: Literal["playground", "chat"] = "playground"


def check_internal_token(presented: str | None, expected: str | None) -> None:
    """Constant-time comparison; with no token configured the endpoint is closed to everyone."""
    if not expected or not presented or not hmac.compare_digest(presented.encode(), expected.encode()):
        raise GatewayError(ErrorCode.INVALID_API_KEY, "Missing or invalid X-Internal-Token.")


def iso_utc(epoch: int) -> str:
    return datetime.fromtimestamp(epoch, UTC).isoformat().replace("+00:00", "Z")


async def handle(request: Request) -> Response:
    current = runtime()
    # Authenticate before reading the body: an unauthenticated caller gets nothing processed.
    check_internal_token(request.headers.get("x-internal-token"), await internal_token(current))
    body = await read_body(request, current.settings.max_request_bytes)
    payload = parse_object(body)
    json_guard.check(payload)
    asked = validate(PlaygroundKeyRequest, payload)
    expires_at = int(time.time()) + TTL_SECONDS
    try:
        plain, _ = await run_in_threadpool(
            current.accounts.create_key,
            asked.workspace_id,
            f"playground:{asked.user_id}",
            source=asked.source,
            one_time=True,
            expires_at=expires_at,
        )
    except AccountError:
        # A freshly drawn random key cannot collide, so the one refusal left is the workspace.
        raise GatewayError(ErrorCode.NOT_FOUND, f"No workspace {asked.workspace_id!r}.") from None
    answer = {"key": plain, "expires_at": iso_utc(expires_at), "source": asked.source}
    return Response(
        json.dumps(answer),
        status_code=201,
        media_type="application/json",
        headers={"Cache-Control": "no-store"},  # the body is a credential
    )
