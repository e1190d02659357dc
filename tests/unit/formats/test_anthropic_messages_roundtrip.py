"""Decoding loses nothing: an inverse written only for this test rebuilds every generated request
(canonical form: block lists, not string shorthands) from the IR, field for field."""

import base64
import string
from typing import Any

from hyperinfer.formats.anthropic_messages.decode import decode
from hyperinfer.formats.anthropic_messages.request import MessagesRequest
from hyperinfer.ir import content as ir
from hyperinfer.ir.request import Request
from hypothesis import given, settings
from hypothesis import strategies as st

SCHEMA = {"type": "object", "properties": {"q": {"type": "string"}}}

ident = st.text(string.ascii_letters + string.digits + "_", min_size=1, max_size=12)
text = st.text(min_size=1, max_size=30)
b64 = st.binary(min_size=1, max_size=12).map(lambda b: base64.b64encode(b).decode())
cache = st.one_of(
    st.just({"type": "ephemeral"}),
    st.sampled_from(["5m", "1h"]).map(lambda t: {"type": "ephemeral", "ttl": t}),
)
cached = {"cache_control": cache}

citation = st.fixed_dictionaries(
    {"type": st.just("char_location"), "cited_text": text, "document_index": st.integers(0, 3)}
)
text_block = st.fixed_dictionaries(
    {"type": st.just("text"), "text": text},
    optional={**cached, "citations": st.lists(citation, min_size=1, max_size=2)},
)
url_source = st.fixed_dictionaries(
    {"type": st.just("url"), "url": ident.map(lambda s: f"https://example.com/{s}")}
)
file_source = st.fixed_dictionaries({"type": st.just("file"), "file_id": ident})
image = st.fixed_dictionaries(
    {
        "type": st.just("image"),
        "source": st.one_of(
            st.fixed_dictionaries(
                {
                    "type": st.just("base64"),
                    "media_type": st.sampled_from(["image/png", "image/gif"]),
                    "data": b64,
                }
            ),
            url_source,
            file_source,
        ),
    },
    optional=cached,
)
document = st.fixed_dictionaries(
    {
        "type": st.just("document"),
        "source": st.one_of(
            st.fixed_dictionaries(
                {"type": st.just("base64"), "media_type": st.just("application/pdf"), "data": b64}
            ),
            st.fixed_dictionaries(
                {"type": st.just("text"), "media_type": st.just("text/plain"), "data": text}
            ),
            url_source,
            file_source,
        ),
    },
    optional={**cached, "title": text, "context": text},
)
json_value = st.recursive(
    st.none() | st.booleans() | st.integers() | text,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(ident, inner, max_size=3),
    max_leaves=6,
)
tool_use = st.fixed_dictionaries(
    {
        "type": st.just("tool_use"),
        "id": ident,
        "name": ident,
        "input": st.dictionaries(ident, json_value, max_size=3),
    },
    optional=cached,
)
tool_result = st.fixed_dictionaries(
    {
        "type": st.just("tool_result"),
        "tool_use_id": ident,
        "content": st.lists(st.one_of(text_block, image, document), max_size=2),
    },
    optional={**cached, "is_error": st.just(True)},
)
thinking = st.fixed_dictionaries(
    {"type": st.just("thinking"), "thinking": st.text(max_size=30), "signature": b64}
)
redacted = st.fixed_dictionaries({"type": st.just("redacted_thinking"), "data": b64})


def turn(role: str, *blocks: st.SearchStrategy[dict[str, Any]]) -> st.SearchStrategy[dict[str, Any]]:
    content = st.lists(st.one_of(*blocks), min_size=1, max_size=3)
    return st.fixed_dictionaries({"role": st.just(role), "content": content})


def parallel(fields: dict[str, Any]) -> st.SearchStrategy[dict[str, Any]]:
    return st.fixed_dictionaries(fields, optional={"disable_parallel_tool_use": st.booleans()})


tool = st.fixed_dictionaries(
    {
        "name": ident,
        "input_schema": st.fixed_dictionaries(
            {
                "type": st.just("object"),
                "properties": st.dictionaries(ident, st.just({"type": "string"}), max_size=2),
            }
        ),
    },
    optional={**cached, "description": text, "strict": st.booleans()},
)
requests = st.fixed_dictionaries(
    {
        "model": ident,
        "max_tokens": st.integers(1, 200_000),
        "messages": st.lists(
            st.one_of(
                turn("user", text_block, image, document, tool_result),
                turn("assistant", text_block, thinking, redacted, tool_use),
                turn("system", text_block),
            ),
            min_size=1,
            max_size=4,
        ),
    },
    optional={
        "system": st.lists(text_block, min_size=1, max_size=2),
        "tools": st.lists(tool, min_size=1, max_size=3),
        "tool_choice": st.one_of(
            parallel({"type": st.just("auto")}),
            parallel({"type": st.just("any")}),
            parallel({"type": st.just("tool"), "name": ident}),
            st.just({"type": "none"}),
        ),
        "thinking": st.one_of(
            st.fixed_dictionaries({"type": st.just("enabled"), "budget_tokens": st.integers(1024, 64_000)}),
            st.just({"type": "disabled"}),
            st.just({"type": "adaptive"}),
        ),
        "output_config": st.fixed_dictionaries(
            {},
            optional={
                "effort": st.sampled_from(["low", "medium", "high", "xhigh"]),
                "format": st.just({"type": "json_schema", "schema": SCHEMA}),
            },
        ).filter(bool),
        "temperature": st.floats(0, 1),
        "top_p": st.floats(0, 1),
        "top_k": st.integers(0, 500),
        "stop_sequences": st.lists(text, min_size=1, max_size=3),
        "metadata": st.fixed_dictionaries({"user_id": ident}),
        "stream": st.just(True),
        "service_tier": st.sampled_from(["auto", "standard_only"]),
    },
)

# The inverse, for this test only.


def _with(out: dict[str, Any], **optional: Any) -> dict[str, Any]:
    return {**out, **{k: v for k, v in optional.items() if v is not None}}


def _cache(control: ir.CacheControl | None) -> dict[str, Any] | None:
    return None if control is None else _with({"type": "ephemeral"}, ttl=control.ttl)


def _source(source: ir.MediaSource) -> dict[str, Any]:
    match source.kind:
        case "base64" | "text":
            return {"type": source.kind, "media_type": source.media_type, "data": source.data}
        case "url":
            return {"type": "url", "url": source.url}
    return {"type": "file", "file_id": source.file_id}


def _block(block: ir.Block) -> dict[str, Any]:
    match block:
        case ir.TextBlock():
            citations = list(block.citations) if block.citations else None
            return _with(
                {"type": "text", "text": block.text},
                cache_control=_cache(block.cache_control),
                citations=citations,
            )
        case ir.ImageBlock():
            return _with(
                {"type": "image", "source": _source(block.source)}, cache_control=_cache(block.cache_control)
            )
        case ir.DocumentBlock():
            return _with(
                {"type": "document", "source": _source(block.source)},
                title=block.title,
                context=block.context,
                cache_control=_cache(block.cache_control),
            )
        case ir.ToolUseBlock():
            return _with(
                {"type": "tool_use", "id": block.id, "name": block.name, "input": block.input},
                cache_control=_cache(block.cache_control),
            )
        case ir.ToolResultBlock():
            return _with(
                {
                    "type": "tool_result",
                    "tool_use_id": block.tool_use_id,
                    "content": [_block(b) for b in block.content],
                },
                is_error=block.is_error or None,
                cache_control=_cache(block.cache_control),
            )
        case ir.ThinkingBlock():
            return {"type": "thinking", "thinking": block.thinking, "signature": block.signature}
        case ir.RedactedThinkingBlock():
            return {"type": "redacted_thinking", "data": block.data}
    raise AssertionError(block)


def _tool_choice(request: Request) -> dict[str, Any] | None:
    choice = request.tool_choice
    if choice is None:
        return None
    kind = {"auto": "auto", "required": "any", "tool": "tool", "none": "none"}[choice.mode]
    disable = None if choice.parallel is None else not choice.parallel
    return _with({"type": kind}, name=choice.name, disable_parallel_tool_use=disable)


def _thinking(request: Request) -> dict[str, Any] | None:
    reasoning = request.reasoning
    if reasoning is None or (
        reasoning.enabled and not reasoning.adaptive and reasoning.budget_tokens is None
    ):
        return None
    if not reasoning.enabled:
        return {"type": "disabled"}
    if reasoning.adaptive:
        return {"type": "adaptive"}
    return {"type": "enabled", "budget_tokens": reasoning.budget_tokens}


def _output_config(request: Request) -> dict[str, Any] | None:
    output_format = request.output_format
    config = _with(
        {},
        effort=request.reasoning.effort if request.reasoning else None,
        format={"type": "json_schema", "schema": output_format.schema_} if output_format else None,
    )
    return config or None


def encode_request(request: Request) -> dict[str, Any]:
    tools = [
        _with(
            {"name": t.name, "input_schema": t.parameters},
            description=t.description,
            strict=t.strict,
            cache_control=_cache(t.cache_control),
        )
        for t in request.tools
    ]
    return _with(
        {
            "model": request.model,
            "max_tokens": request.max_output_tokens,
            "messages": [
                {"role": m.role, "content": [_block(b) for b in m.content]} for m in request.messages
            ],
        },
        system=[_block(b) for b in request.system] or None,
        tools=tools or None,
        tool_choice=_tool_choice(request),
        thinking=_thinking(request),
        output_config=_output_config(request),
        temperature=request.temperature,
        top_p=request.top_p,
        top_k=request.top_k,
        stop_sequences=list(request.stop) or None,
        metadata={"user_id": request.user} if request.user else None,
        stream=request.stream or None,
        **request.advisory,
    )


@settings(max_examples=300, deadline=None)
@given(requests)
def test_decoding_keeps_every_field_of_the_request(payload: dict[str, Any]) -> None:
    assert encode_request(decode(MessagesRequest.model_validate(payload))) == payload
