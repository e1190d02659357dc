"""IR request -> OpenAI Responses request body (``POST /responses``).

Wire facts (OpenAI API reference, "Create a model response"; function calling and reasoning guides):
- The gateway is stateless: ``store: false``; reasoning survives across turns only as
  ``encrypted_content``, which must be asked for with ``include: ["reasoning.encrypted_content"]``.
- Function tools are flat ``{type: function, name, description, parameters, strict}``. Responses
  makes a tool strict when ``strict`` is omitted (the schema is normalised: every field required),
  unlike Chat Completions and Anthropic, so an unspecified ``strict`` is sent as ``false``.
- ``max_output_tokens`` must be at least 16; ``temperature`` is 0..2 and ``top_p`` 0..1. There are
  no stop sequences and no ``top_k``.
- ``reasoning.effort`` is none / minimal / low / medium / high / xhigh (not every model takes every
  value); ``reasoning.summary`` is auto / concise / detailed.
- ``text.format`` is ``{type: json_schema, name, schema, strict, description}`` or
  ``{type: json_object}``; ``metadata`` holds at most 16 string pairs (keys <= 64, values <= 512).
"""

from __future__ import annotations

from typing import Any

from hyperinfer.errors import invalid
from hyperinfer.ir.effort import effort_for_budget
from hyperinfer.ir.request import Request
from hyperinfer.providers.openai_responses.encode_input import InputEncoder
from hyperinfer.providers.openai_user import openai_user
from hyperinfer.providers.target import Encoded, Target

ENCRYPTED_REASONING = "reasoning.encrypted_content"
MIN_OUTPUT_TOKENS = 16
METADATA_LIMITS = (16, 64, 512)  # pairs, key length, value length

# Advisory fields that the Responses API knows under the same meaning: carried when the value is
# one the API accepts (which also tells them apart from same-named fields of other formats, such as
# Anthropic's service_tier "standard_only"), reported dropped otherwise. Path -> (body path, values
# accepted; None: any string).
ADVISORY: dict[str, tuple[str, frozenset[str] | None]] = {
    "prompt_cache_key": ("prompt_cache_key", None),
    "prompt_cache_retention": ("prompt_cache_retention", frozenset({"in_memory", "24h"})),
    "safety_identifier": ("safety_identifier", None),
    "service_tier": ("service_tier", frozenset({"auto", "default", "flex", "scale", "priority"})),
    "truncation": ("truncation", frozenset({"auto", "disabled"})),
    "text.verbosity": ("text.verbosity", frozenset({"low", "medium", "high"})),
    "verbosity": ("text.verbosity", frozenset({"low", "medium", "high"})),  # Chat Completions' name
}


class _Body:
    def __init__(self, request: Request, target: Target) -> None:
        self.request, self.target = request, target
        self.dropped: list[str] = []
        self.body: dict[str, Any] = {"model": target.upstream_model}

    def build(self) -> dict[str, Any]:
        req, body = self.request, self.body
        if req.system:
            body["instructions"] = "\n\n".join(block.text for block in req.system)
            self.dropped += [
                f"system[{i}].cache_control" for i, b in enumerate(req.system) if b.cache_control
            ]
        inputs = InputEncoder()
        body["input"] = inputs.items(req.messages)
        self.dropped += inputs.dropped
        body["store"] = False
        if self.target.stream:
            body["stream"] = True
        self.tools()
        self.limits()
        self.reasoning()
        self.output_format()
        self.identity()
        self.advisory()
        return body

    def tools(self) -> None:
        req = self.request
        if req.tools:
            self.body["tools"] = [self.tool(i) for i in range(len(req.tools))]
        choice = req.tool_choice
        if choice is None:
            return
        if choice.mode == "tool":
            self.body["tool_choice"] = {"type": "function", "name": choice.name}
        else:
            self.body["tool_choice"] = choice.mode
        if choice.parallel is not None:
            self.body["parallel_tool_calls"] = choice.parallel

    def tool(self, i: int) -> dict[str, Any]:
        tool = self.request.tools[i]
        out: dict[str, Any] = {"type": "function", "name": tool.name}
        if tool.description is not None:
            out["description"] = tool.description
        out["parameters"] = tool.parameters
        out["strict"] = bool(tool.strict)  # see the module docstring: omitted means strict here
        if tool.cache_control is not None:
            self.dropped.append(f"tools[{i}].cache_control")
        return out

    def limits(self) -> None:
        req = self.request
        if req.max_output_tokens is not None:
            if req.max_output_tokens < MIN_OUTPUT_TOKENS:
                raise invalid(
                    "max_output_tokens", f"OpenAI Responses models need at least {MIN_OUTPUT_TOKENS}"
                )
            self.body["max_output_tokens"] = req.max_output_tokens
        if req.temperature is not None:
            if not 0 <= req.temperature <= 2:
                raise invalid("temperature", "must be between 0 and 2 for this model")
            self.body["temperature"] = req.temperature
        if req.top_p is not None:
            if not 0 <= req.top_p <= 1:
                raise invalid("top_p", "must be between 0 and 1 for this model")
            self.body["top_p"] = req.top_p
        if req.stop:
            raise invalid("stop", "stop sequences are not supported by the OpenAI Responses API")
        if req.top_k is not None:
            raise invalid("top_k", "is not supported by the OpenAI Responses API")

    def reasoning(self) -> None:
        """Effort as given, or from the one effort/budget table (ir.effort). A model that does not
        reason has nothing to configure: asking it to reason is reported dropped."""
        reasoning = self.request.reasoning
        if not self.target.reasoning:
            if reasoning is not None and reasoning.enabled:
                self.dropped.append("reasoning")
            return
        config: dict[str, Any] = {}
        if reasoning is not None and not reasoning.enabled:
            config["effort"] = "none"  # documented: turns reasoning off on models that allow it
        elif reasoning is not None:
            if reasoning.effort is not None:
                config["effort"] = reasoning.effort
            elif reasoning.budget_tokens is not None:
                config["effort"] = effort_for_budget(reasoning.budget_tokens)
            if reasoning.summary is not None:
                config["summary"] = reasoning.summary
        if config:
            self.body["reasoning"] = config
        if config.get("effort") != "none":
            self.body["include"] = [ENCRYPTED_REASONING]

    def output_format(self) -> None:
        fmt = self.request.output_format
        if fmt is None or fmt.kind == "text":
            return
        spec: dict[str, Any] = {"type": fmt.kind}
        if fmt.kind == "json_schema":
            spec["name"] = fmt.name or "response"
            spec["schema"] = fmt.schema_ or {"type": "object"}
            if fmt.strict is not None:
                spec["strict"] = fmt.strict
            if fmt.description is not None:
                spec["description"] = fmt.description
        self.body.setdefault("text", {})["format"] = spec

    def identity(self) -> None:
        req = self.request
        if req.user is not None:
            # Deprecated in favour of safety_identifier / prompt_cache_key but still accepted, and
            # the only field that keeps both of its meanings (abuse tracking and cache bucketing).
            self.body["user"] = openai_user(req.user)
        if req.metadata:
            pairs, key_len, value_len = METADATA_LIMITS
            fits = len(req.metadata) <= pairs and all(
                len(k) <= key_len and len(v) <= value_len for k, v in req.metadata.items()
            )
            if fits:
                self.body["metadata"] = dict(req.metadata)
            else:
                self.dropped.append("metadata")

    def advisory(self) -> None:
        for path, value in sorted(self.request.advisory.items()):
            if not self.carry(path, value):
                self.dropped.append(path)

    def carry(self, path: str, value: Any) -> bool:
        """Put an advisory field into the body; False when the upstream cannot take it."""
        if path == "store":
            return value is False  # the gateway always sends store: false
        if path == "include":
            return isinstance(value, list) and set(value) <= set(self.body.get("include", ()))
        if path == "stream_options":
            if self.target.stream and _obfuscation_only(value):
                self.body["stream_options"] = value
                return True
            return False
        known = ADVISORY.get(path)
        if known is None or not isinstance(value, str):
            return False
        body_path, accepted = known
        if accepted is not None and value not in accepted:
            return False
        parent, _, leaf = body_path.rpartition(".")
        holder = self.body.setdefault(parent, {}) if parent else self.body
        holder[leaf] = value
        return True


def _obfuscation_only(value: Any) -> bool:
    return isinstance(value, dict) and all(
        key == "include_obfuscation" and isinstance(flag, bool) for key, flag in value.items()
    )


def encode_request(request: Request, target: Target) -> Encoded:
    body = _Body(request, target)
    return Encoded(body=body.build(), dropped=tuple(body.dropped))
