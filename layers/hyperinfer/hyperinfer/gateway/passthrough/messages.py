"""Anthropic Messages client -> Anthropic provider: the gateway rewrites the message id, the model,
and usage (adding its cost); every other event passes byte for byte, pings included."""

from __future__ import annotations

import json
from typing import Any

from hyperinfer.errors import ErrorCode, GatewayError
from hyperinfer.formats.view import View
from hyperinfer.gateway.passthrough.relay import frame
from hyperinfer.gateway.transport import UpstreamCall
from hyperinfer.ir.usage import Usage
from hyperinfer.providers.anthropic.errors import stream_error
from hyperinfer.providers.anthropic.usage import usage_from_anthropic
from hyperinfer.providers.sse import SSEEvent


def finish_message(upstream: dict[str, Any], view: View) -> tuple[dict[str, Any], Usage]:
    raw = upstream.get("usage") or {}
    usage = usage_from_anthropic(raw)
    rewritten = {**upstream, "id": view.response_id, "model": view.model}
    rewritten["usage"] = {**raw, "cost": view.cost(usage)}
    return rewritten, usage


class MessagesRewriter:
    def __init__(self, call: UpstreamCall, view: View) -> None:
        self.call, self.view = call, view
        self.usage = Usage()
        self._raw_usage: dict[str, Any] = {}
        self.finished = False
        self.deltas = 0

    def rewrite(self, event: SSEEvent) -> list[bytes]:
        name = event.event
        if name == "error":
            raise stream_error(json.loads(event.data), self.call.secrets)
        if name == "message_start":
            payload = json.loads(event.data)
            message = payload["message"]
            message.update(id=self.view.response_id, model=self.view.model)
            self._raw_usage = dict(message.get("usage") or {})
            self.usage = usage_from_anthropic(self._raw_usage)
            return [frame(event, json.dumps(payload, ensure_ascii=False))]
        if name == "message_delta":
            # message_delta's usage is cumulative and may repeat input counts: merge, don't add.
            payload = json.loads(event.data)
            delta_usage = payload.get("usage") or {}
            self._raw_usage.update(delta_usage)
            self.usage = usage_from_anthropic(self._raw_usage)
            payload["usage"] = {**delta_usage, "cost": self.view.cost(self.usage)}
            return [frame(event, json.dumps(payload, ensure_ascii=False))]
        if name == "message_stop":
            self.finished = True
        elif name == "content_block_delta":
            self.deltas += 1
        return [frame(event)]

    def closing_frames(self) -> list[bytes]:
        if not self.finished:
            raise GatewayError(
                ErrorCode.PROVIDER_UNAVAILABLE, "Upstream stream ended before the message finished."
            )
        return []
