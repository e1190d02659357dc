"""Chat Completions client -> OpenAI Chat Completions provider: same format, no detour through the IR.

Only what the gateway owns is rewritten: the model id, the response id, usage (normalised, with
cost) and the seed's stream framing (role frame first, a usage-only chunk always, then [DONE]).
"""

from __future__ import annotations

import json
from typing import Any

from hyperinfer.errors import ErrorCode, GatewayError
from hyperinfer.formats.chat_completions import sse
from hyperinfer.formats.chat_completions.usage import render_usage
from hyperinfer.formats.view import View
from hyperinfer.gateway.transport import UpstreamCall
from hyperinfer.ir.usage import Usage
from hyperinfer.providers import openai_chat
from hyperinfer.providers.errors import error_message
from hyperinfer.providers.sse import SSEEvent

# What OpenAI's Chat Completions API reads (its SDK's create() parameters). A field outside it is
# not sent (OpenAI would refuse the call) and is named in X-HyperInfer-Dropped-Params, as the IR
# path names a field its target has no place for.
OPENAI_CHAT_FIELDS = frozenset(
    {
        "audio", "frequency_penalty", "function_call", "functions", "logit_bias", "logprobs",
        "max_completion_tokens", "max_tokens", "messages", "metadata", "modalities", "model",
        "moderation", "n", "parallel_tool_calls", "prediction", "presence_penalty", "prompt_cache_key",
        "prompt_cache_options", "prompt_cache_retention", "reasoning_effort", "response_format",
        "safety_identifier", "seed", "service_tier", "stop", "store", "stream", "stream_options",
        "temperature", "tool_choice", "tools", "top_logprobs", "top_p", "user", "verbosity",
        "web_search_options",
    }
)  # fmt: skip


def finish_response(upstream: dict[str, Any], view: View) -> tuple[dict[str, Any], Usage]:
    """The provider's completion with the gateway's id, model and usage."""
    usage = openai_chat.usage_from_openai(upstream.get("usage"))
    rewritten = {**upstream, "id": view.response_id, "model": view.model}
    rewritten["usage"] = render_usage(usage, view.cost(usage))
    return rewritten, usage


class ChatRewriter:
    """Rewrites upstream chunks one by one and remembers what the final frames need."""

    def __init__(self, call: UpstreamCall, view: View) -> None:
        self.call, self.view = call, view
        self.created = view.created
        self.usage = Usage()
        self.role_sent = False
        self.finish_seen = False
        self.finished = False
        self.deltas = 0

    def rewrite(self, event: SSEEvent) -> list[bytes]:
        if event.data.strip() == "[DONE]":
            self.finished = True
            return []
        try:
            payload = json.loads(event.data)
        except ValueError:
            raise GatewayError(
                ErrorCode.PROVIDER_UNAVAILABLE, "Upstream sent a malformed stream chunk."
            ) from None
        if "error" in payload:
            # A mid-stream error carries no HTTP status; rate limits are the one kind clients retry on.
            _, kind = error_message(event.data.encode())
            raise self.call.error(429 if "rate_limit" in kind else 500, event.data.encode(), {})
        if payload.get("usage"):
            self.usage = openai_chat.usage_from_openai(payload["usage"])
        self.created = payload.get("created", self.created)
        choices = payload.get("choices") or []
        if not choices:
            return []  # the upstream's usage-only chunk: the gateway sends its own at the end
        self.deltas += 1
        frames = []
        if not self.role_sent and "role" not in (choices[0].get("delta") or {}):
            frames.append(sse.frame(self._chunk([sse.role_choice()])))
        self.role_sent = True
        self.finish_seen |= any(choice.get("finish_reason") for choice in choices)
        rewritten = {k: v for k, v in payload.items() if k != "usage"}
        rewritten.update(id=self.view.response_id, model=self.view.model)
        frames.append(sse.frame(rewritten))
        return frames

    def closing_frames(self) -> list[bytes]:
        # Some OpenAI-compatible servers end without [DONE]; a finish_reason is what counts.
        if not self.finish_seen:
            raise GatewayError(
                ErrorCode.PROVIDER_UNAVAILABLE, "Upstream stream ended before the completion finished."
            )
        usage = render_usage(self.usage, self.view.cost(self.usage))
        return [sse.frame(self._chunk([], usage)), sse.DONE]

    def _chunk(self, choices: list[dict[str, Any]], usage: dict[str, Any] | None = None) -> dict[str, Any]:
        return sse.chunk(self.view.response_id, self.created, self.view.model, choices, usage)
