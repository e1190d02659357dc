"""IR request -> a compatible server's Chat Completions body: OpenAI's encoding, then the
provider's options applied to it (cap field, reasoning switch and echo, refused fields)."""

from __future__ import annotations

from typing import Any

from hyperinfer.catalog import CompatOptions
from hyperinfer.errors import ErrorCode, GatewayError
from hyperinfer.ir.content import ThinkingBlock
from hyperinfer.ir.request import Message, Request
from hyperinfer.providers.openai_chat.encode import _Encoder
from hyperinfer.providers.openai_compatible.options import options_of
from hyperinfer.providers.target import Encoded, Target

# Refused fields the gateway may leave out without changing the answer (named in
# X-HyperInfer-Dropped-Params); any other refused field is a 400 naming it.
ADVISORY = frozenset({"user", "metadata", "reasoning_effort"})


class _CompatEncoder(_Encoder):
    def __init__(self, request: Request, target: Target, options: CompatOptions) -> None:
        super().__init__(request, target)
        self.options = options

    def assistant(self, message: Message, path: str) -> dict[str, Any]:
        out = super().assistant(message, path)
        if self.options.reasoning_echo and self.options.reasoning_field and out.get("tool_calls"):
            # The thinking of a tool-calling turn goes back where it came from; a turn that had
            # none (another model's, or a client that kept no reasoning) sends it empty.
            thoughts = [(j, b) for j, b in enumerate(message.content) if isinstance(b, ThinkingBlock)]
            out[self.options.reasoning_field] = "".join(b.thinking for _, b in thoughts)
            sent = {f"{path}.content[{j}]" for j, _ in thoughts}
            self.dropped = [d for d in self.dropped if d not in sent]
        return out


def _apply_reasoning_switch(body: dict[str, Any], request: Request, target: Target) -> None:
    """DeepSeek V4 turns thinking on and off with ``thinking``; its effort stays in reasoning_effort."""
    reasoning = request.reasoning
    if reasoning is None or not target.reasoning:
        return
    body["thinking"] = {"type": "enabled" if reasoning.enabled else "disabled"}
    if body.get("reasoning_effort") == "none":
        del body["reasoning_effort"]


def _refuse_or_drop(body: dict[str, Any], options: CompatOptions, dropped: list[str]) -> None:
    for field in options.unsupported:
        if field == "messages[].name":
            for i, message in enumerate(body["messages"]):
                if message.pop("name", None) is not None:
                    dropped.append(f"messages[{i}].name")
            continue
        if field not in body:
            continue
        value = body[field]
        # parallel_tool_calls=true is the default anyway; false (one call at most) is not.
        if field in ADVISORY or (field == "parallel_tool_calls" and value is True):
            del body[field]
            dropped.append("reasoning" if field == "reasoning_effort" else field)
            continue
        raise GatewayError(
            ErrorCode.INVALID_REQUEST,
            f"{field}: is not supported by this model's provider.",
            param=field,
        )


def encode_request(request: Request, target: Target) -> Encoded:
    options = options_of(target.compat)
    encoder = _CompatEncoder(request, target, options)
    body = encoder.body()
    if "max_completion_tokens" in body and options.max_tokens_field != "max_completion_tokens":
        body[options.max_tokens_field] = body.pop("max_completion_tokens")
    if options.thinking_toggle:
        _apply_reasoning_switch(body, request, target)
    _refuse_or_drop(body, options, encoder.dropped)
    return Encoded(body=body, dropped=tuple(encoder.dropped), hints=options)
