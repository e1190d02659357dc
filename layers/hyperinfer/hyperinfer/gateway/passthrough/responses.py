"""OpenAI Responses client -> Responses provider: the gateway rewrites the response id, the model
and usage (adding its cost) in the events that carry the response object; every other event
passes byte for byte."""

from __future__ import annotations

import json
from typing import Any

from hyperinfer.errors import ErrorCode, GatewayError
from hyperinfer.formats.view import View
from hyperinfer.gateway.passthrough.relay import frame
from hyperinfer.gateway.transport import UpstreamCall
from hyperinfer.ir.usage import Usage
from hyperinfer.providers.openai_responses.outcome import failure, usage_from_responses
from hyperinfer.providers.sse import SSEEvent

TERMINAL = frozenset({"response.completed", "response.incomplete"})
CARRY_RESPONSE = frozenset({"response.created", "response.in_progress", "response.queued", *TERMINAL})


def rewrite_response(response: dict[str, Any], view: View) -> tuple[dict[str, Any], Usage]:
    usage = usage_from_responses(response.get("usage"))
    out = {**response, "id": view.response_id, "model": view.model}
    if response.get("usage"):
        out["usage"] = {**response["usage"], "cost": view.cost(usage)}
    return out, usage


def rewrite_body(body: dict[str, Any], view: View) -> tuple[dict[str, Any], Usage]:
    return rewrite_response(body, view)


class ResponsesRewriter:
    def __init__(self, call: UpstreamCall, view: View) -> None:
        self.call, self.view = call, view
        self.usage = Usage()
        self.finished = False
        self.deltas = 0

    def rewrite(self, event: SSEEvent) -> list[bytes]:
        name = event.event or ""
        if name == "error":
            raise failure(json.loads(event.data), self.call.secrets)
        if name == "response.failed":
            raise failure(json.loads(event.data).get("response"), self.call.secrets)
        if name not in CARRY_RESPONSE:
            self.deltas += name.endswith(".delta")
            return [frame(event)]
        payload = json.loads(event.data)
        payload["response"], usage = rewrite_response(payload.get("response") or {}, self.view)
        if name in TERMINAL:
            self.usage, self.finished = usage, True
        return [frame(event, json.dumps(payload, ensure_ascii=False))]

    def closing_frames(self) -> list[bytes]:
        if not self.finished:
            raise GatewayError(
                ErrorCode.PROVIDER_UNAVAILABLE, "Upstream stream ended before the response completed."
            )
        return []
