"""The IR request as a Gemini ``generateContent`` body (https://ai.google.dev/api/generate-content).

The model and the streaming mode travel in the URL, not the body. Tools are declared with
``parametersJsonSchema`` (full JSON Schema, as clients write it) and JSON output with
``responseJsonSchema``, so schemas pass through untranslated.
"""

from __future__ import annotations

from typing import Any

from hyperinfer.errors import invalid
from hyperinfer.ir.request import Request
from hyperinfer.providers.gemini.contents import encode_contents
from hyperinfer.providers.gemini.thinking import thinking_config
from hyperinfer.providers.target import Encoded, Target

Json = dict[str, Any]
MAX_STOP_SEQUENCES = 5  # Gemini's documented limit
_MODE = {"auto": "AUTO", "none": "NONE", "required": "ANY", "tool": "ANY"}


def encode_request(request: Request, target: Target) -> Encoded:
    dropped: list[str] = []
    system, contents = encode_contents(request, dropped, strict_signatures=bool(target.thinking_levels))
    body: Json = {"contents": contents}
    if system:
        body["systemInstruction"] = {"parts": system}
    _tools(request, body, dropped)
    config = _generation_config(request, target, dropped)
    if config:
        body["generationConfig"] = config
    if request.user:
        dropped.append("user")
    dropped += [f"metadata.{key}" for key in request.metadata or {}]
    dropped += sorted(request.advisory)
    return Encoded(body=body, dropped=tuple(dropped))


def _tools(request: Request, body: Json, dropped: list[str]) -> None:
    names = [tool.name for tool in request.tools]
    declarations = []
    for i, tool in enumerate(request.tools):
        declaration: Json = {"name": tool.name, "parametersJsonSchema": tool.parameters}
        if tool.description:
            declaration["description"] = tool.description
        if tool.strict:
            dropped.append(f"tools[{i}].strict")
        if tool.cache_control is not None:
            dropped.append(f"tools[{i}].cache_control")
        declarations.append(declaration)
    if declarations:
        body["tools"] = [{"functionDeclarations": declarations}]
    choice = request.tool_choice
    if choice is None:
        return
    if not names:
        if choice.mode in ("auto", "none"):
            return
        raise invalid("tool_choice", f"{choice.mode!r} needs tools, and the request has none")
    calling: Json = {"mode": _MODE[choice.mode]}
    if choice.mode == "tool":
        if choice.name not in names:
            raise invalid("tool_choice", f"no tool named {choice.name!r} in tools")
        calling["allowedFunctionNames"] = [choice.name]
    if choice.parallel is False:
        dropped.append("tool_choice.parallel")  # Gemini has no switch for one call at a time
    body["toolConfig"] = {"functionCallingConfig": calling}


def _generation_config(request: Request, target: Target, dropped: list[str]) -> Json:
    config: Json = {}
    if request.max_output_tokens is not None:
        config["maxOutputTokens"] = request.max_output_tokens
    if request.temperature is not None:
        config["temperature"] = request.temperature
    if request.top_p is not None:
        config["topP"] = request.top_p
    if request.top_k is not None:
        config["topK"] = request.top_k
    if request.stop:
        if len(request.stop) > MAX_STOP_SEQUENCES:
            raise invalid(
                "stop", f"Gemini takes at most {MAX_STOP_SEQUENCES} stop sequences, got {len(request.stop)}"
            )
        config["stopSequences"] = list(request.stop)
    fmt = request.output_format
    if fmt is not None and fmt.kind != "text":
        config["responseMimeType"] = "application/json"
        if fmt.kind == "json_schema" and fmt.schema_:
            config["responseJsonSchema"] = fmt.schema_
        if fmt.description:
            dropped.append("output_format.description")
    thinking = thinking_config(request.reasoning, target, dropped)
    if thinking is not None:
        config["thinkingConfig"] = thinking
    return config
