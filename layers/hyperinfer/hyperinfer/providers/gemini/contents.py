"""IR messages into Gemini's ``systemInstruction`` and its user / model ``contents``.

Gemini has no system role inside ``contents``: system and developer turns are hoisted, in order,
into ``systemInstruction``. Assistant turns are role ``model``; consecutive turns of one role merge.
A tool result becomes a ``functionResponse`` part, which must name the function: the name comes
from the call of the same id earlier in the conversation.
"""

from __future__ import annotations

from typing import Any

from hyperinfer.errors import invalid
from hyperinfer.ir.content import (
    AudioBlock,
    Block,
    DocumentBlock,
    ImageBlock,
    MediaSource,
    TextBlock,
    ThinkingBlock,
    ToolResultBlock,
    ToolUseBlock,
)
from hyperinfer.ir.request import Message, Request
from hyperinfer.providers.gemini import signatures

Json = dict[str, Any]


def encode_contents(
    request: Request, dropped: list[str], *, strict_signatures: bool
) -> tuple[list[Json], list[Json]]:
    """(systemInstruction parts, contents). ``strict_signatures``: the model refuses a function call
    without its signature, so a call whose signature a client lost gets Gemini's stand-in."""
    names = {
        block.id: block.name
        for message in request.messages
        for block in message.content
        if isinstance(block, ToolUseBlock)
    }
    system = [_cached(block, path, dropped) for path, block in _system_texts(request)]
    contents: list[Json] = []
    for i, message in enumerate(request.messages):
        path = f"messages[{i}]"
        if message.name is not None:
            dropped.append(f"{path}.name")
        if message.role in ("system", "developer"):
            system += [_cached(b, f"{path}.content[{j}]", dropped) for j, b in _text_only(message, path)]
            continue
        if message.role == "user":
            parts = [
                _user_part(b, f"{path}.content[{j}]", names, dropped) for j, b in enumerate(message.content)
            ]
        else:
            parts = _model_parts(message, path, dropped, strict_signatures=strict_signatures)
        parts = [part for part in parts if part != {"text": ""}]
        if not parts:
            continue
        role = "user" if message.role == "user" else "model"
        if contents and contents[-1]["role"] == role:
            contents[-1]["parts"] += parts
        else:
            contents.append({"role": role, "parts": parts})
    return [part for part in system if part["text"]], contents


def _system_texts(request: Request) -> list[tuple[str, TextBlock]]:
    return [(f"system[{i}]", block) for i, block in enumerate(request.system)]


def _text_only(message: Message, path: str) -> list[tuple[int, TextBlock]]:
    out = []
    for j, block in enumerate(message.content):
        if not isinstance(block, TextBlock):
            raise invalid(f"{path}.content[{j}]", f"a {message.role} message can only carry text on Gemini")
        out.append((j, block))
    return out


def _cached(block: TextBlock, path: str, dropped: list[str]) -> Json:
    if block.cache_control is not None:
        dropped.append(f"{path}.cache_control")  # Gemini caches implicitly; no breakpoints
    return {"text": block.text}


def _user_part(block: Block, path: str, names: dict[str, str], dropped: list[str]) -> Json:
    match block:
        case TextBlock():
            if block.citations:
                dropped.append(f"{path}.citations")
            return _cached(block, path, dropped)
        case ImageBlock() | DocumentBlock() | AudioBlock():
            return media_part(block, path, dropped)
        case ToolResultBlock():
            return _function_response(block, path, names, dropped)
    raise invalid(path, f"a user message cannot carry a {block.type} block on Gemini")


def media_part(block: ImageBlock | DocumentBlock | AudioBlock, path: str, dropped: list[str]) -> Json:
    if isinstance(block, AudioBlock):
        return {"inlineData": {"mimeType": f"audio/{block.format}", "data": block.data}}
    if getattr(block, "cache_control", None) is not None:
        dropped.append(f"{path}.cache_control")
    if isinstance(block, ImageBlock) and block.detail not in (None, "auto"):
        dropped.append(f"{path}.detail")
    source: MediaSource = block.source
    if source.kind == "text":
        return {"text": source.data or ""}
    if source.kind != "base64":
        raise invalid(
            f"{path}.source", f"Gemini takes {block.type}s inline (base64 data), not as a {source.kind}"
        )
    default = "application/pdf" if isinstance(block, DocumentBlock) else None
    mime = source.media_type or default
    if mime is None:
        raise invalid(f"{path}.source", "an inline image needs its media type")
    return {"inlineData": {"mimeType": mime, "data": source.data or ""}}


def _function_response(block: ToolResultBlock, path: str, names: dict[str, str], dropped: list[str]) -> Json:
    name = names.get(block.tool_use_id)
    if name is None:
        raise invalid(
            f"{path}.tool_use_id",
            f"no earlier tool call has id {block.tool_use_id!r}; Gemini needs the function's name",
        )
    texts = [part.text for part in block.content if isinstance(part, TextBlock)]
    media = [
        media_part(part, f"{path}.content[{k}]", dropped)
        for k, part in enumerate(block.content)
        if not isinstance(part, TextBlock)
    ]
    # Gemini's convention: the output under "output", a failure under "error".
    response: Json = {"error" if block.is_error else "output": "\n".join(texts)}
    out: Json = {"name": name, "response": response}
    upstream_id = signatures.upstream_call_id(block.tool_use_id)
    if upstream_id:
        out["id"] = upstream_id
    if media:
        out["parts"] = media
    if block.cache_control is not None:
        dropped.append(f"{path}.cache_control")
    return {"functionResponse": out}


def _model_parts(message: Message, path: str, dropped: list[str], *, strict_signatures: bool) -> list[Json]:
    parts: list[Json] = []
    for j, block in enumerate(message.content):
        where = f"{path}.content[{j}]"
        match block:
            case TextBlock():
                parts.append({"text": block.text})
            case ToolUseBlock():
                call: Json = {"name": block.name, "args": block.input}
                upstream_id = signatures.upstream_call_id(block.id)
                if upstream_id:
                    call["id"] = upstream_id
                parts.append({"functionCall": call})
            case ThinkingBlock():
                _thinking(block, parts, where, dropped)
            case _:
                dropped.append(where)  # redacted thinking and the like: another provider's
    if strict_signatures:
        calls = [part for part in parts if "functionCall" in part]
        if calls and not calls[0].get("thoughtSignature"):
            calls[0]["thoughtSignature"] = signatures.DUMMY
    return parts


def _thinking(block: ThinkingBlock, parts: list[Json], path: str, dropped: list[str]) -> None:
    carried = signatures.split(block.signature)
    if carried is None:
        dropped.append(path)  # reasoning Gemini did not sign: it has no way to take it back
        return
    kind, signature = carried
    if kind == "thought":
        thought: Json = {"text": block.thinking, "thought": True}
        if signature:
            thought["thoughtSignature"] = signature
        parts.append(thought)
        return
    previous = parts[-1] if parts else None
    if previous is not None and not previous.get("thought") and "thoughtSignature" not in previous:
        previous["thoughtSignature"] = signature
    else:
        parts.append({"text": "", "thoughtSignature": signature})
