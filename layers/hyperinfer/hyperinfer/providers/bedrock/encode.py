"""The IR request as a Converse body (https://docs.aws.amazon.com/bedrock/latest/APIReference/API_runtime_Converse.html).

The model id is in the URL, not the body; ``maxTokens`` defaults to the catalog's cap so a call's
reservation and its upstream limit agree.
"""

from __future__ import annotations

from typing import Any

from hyperinfer.errors import invalid
from hyperinfer.ir.content import ToolResultBlock, ToolUseBlock
from hyperinfer.ir.request import Request
from hyperinfer.providers.bedrock.content import encode_conversation
from hyperinfer.providers.bedrock.hints import BedrockEncoded, DecodeHints
from hyperinfer.providers.bedrock.model_fields import family, model_fields
from hyperinfer.providers.bedrock.tools import encode_tools
from hyperinfer.providers.target import Target

Json = dict[str, Any]

# The families Converse caches prompts for (cachePoint blocks); others refuse the block.
CACHING_FAMILIES = frozenset({"anthropic", "amazon"})


def encode_request(request: Request, target: Target) -> BedrockEncoded:
    dropped: list[str] = []
    system, messages = encode_conversation(request, dropped)
    max_tokens = request.max_output_tokens or target.max_output_tokens
    body: Json = {"messages": messages}
    if system:
        body["system"] = system

    fields = model_fields(request, target, max_tokens, dropped)
    inference: Json = {"maxTokens": max_tokens}
    if request.temperature is not None:
        inference["temperature"] = request.temperature
    if request.top_p is not None:
        inference["topP"] = request.top_p
    if request.stop:
        inference["stopSequences"] = list(request.stop)
    body["inferenceConfig"] = inference
    if fields.top_k_inference is not None:
        fields.additional.setdefault("inferenceConfig", {})["topK"] = fields.top_k_inference

    history_has_tools = any(
        isinstance(block, ToolUseBlock | ToolResultBlock) for m in request.messages for block in m.content
    )
    plan = encode_tools(request, dropped, history_has_tools)
    if fields.thinking and plan.forces_tool:
        path = "output_format" if plan.structured_tool else "tool_choice"
        raise invalid(path, "Claude cannot be made to call a tool while reasoning is on; turn reasoning off")
    config = plan.config()
    if config is not None:
        body["toolConfig"] = config
    if fields.additional:
        body["additionalModelRequestFields"] = fields.additional
    if fields.output_config is not None:
        body["outputConfig"] = fields.output_config

    if family(target.upstream_model) not in CACHING_FAMILIES and _strip_cache_points(body):
        dropped.append("cache_control")  # a hint only: the answer is the same without the cache
    if request.user:
        dropped.append("user")
    dropped += [f"metadata.{key}" for key in request.metadata or {}]
    dropped += list(request.advisory)
    return BedrockEncoded(body=body, dropped=tuple(dropped), hints=DecodeHints(plan.structured_tool))


def _strip_cache_points(body: Json) -> bool:
    """Take every cachePoint block out of the body; whether there was one."""
    lists = [body.get("system") or [], *(turn["content"] for turn in body["messages"])]
    lists.append((body.get("toolConfig") or {}).get("tools") or [])
    found = False
    for blocks in lists:
        kept = [block for block in blocks if "cachePoint" not in block]
        found = found or len(kept) != len(blocks)
        blocks[:] = kept
    return found
