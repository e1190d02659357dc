"""What arrived at the fake provider, read back in neutral terms whatever its wire format."""

from __future__ import annotations

import json
from typing import Any


def kind_of(call: dict[str, Any]) -> str:
    if call["path"].startswith("/model/"):
        return "bedrock"
    if call["path"].startswith("/v1/models/"):
        return "gemini"  # the model and the streaming mode are in the path
    return {
        "/v1/chat/completions": "openai_chat",
        "/v1/responses": "openai_responses",
        "/v1/messages": "anthropic",
        "/chat/completions": "openai_compatible",  # DeepSeek's path (the fake's DeepSeek flavour)
        "/openai/v1/chat/completions": "openai_compatible",  # Groq's
    }[call["path"]]


def model_sent(call: dict[str, Any]) -> str:
    if kind_of(call) == "bedrock":
        return str(call["model"])  # the fake's reading of the id in the path
    if kind_of(call) == "gemini":
        return str(call["path"].removeprefix("/v1/models/").partition(":")[0])
    return str(call["body"]["model"])


def system_text(call: dict[str, Any]) -> str:
    body = call["body"]
    match kind_of(call):
        case "bedrock":
            return "".join(block.get("text", "") for block in body.get("system") or [])
        case "gemini":
            return _text((body.get("systemInstruction") or {}).get("parts"))
        case "anthropic":
            system = body.get("system") or ""
            return system if isinstance(system, str) else "".join(b["text"] for b in system)
        case "openai_responses":
            if body.get("instructions"):
                return str(body["instructions"])
            items = [i for i in body["input"] if i.get("role") in ("system", "developer")]
            return "".join(_text(i.get("content")) for i in items)
        case _:
            return "".join(
                _text(m["content"]) for m in body["messages"] if m["role"] in ("system", "developer")
            )


def _text(content: Any) -> str:
    if isinstance(content, str):
        return content
    return "".join(part.get("text", "") for part in content or [])


def tool_result(call: dict[str, Any], call_id: str) -> str | None:
    """The text of the result for `call_id`, found where the wire format keeps it."""
    body = call["body"]
    match kind_of(call):
        case "bedrock":
            return _converse_tool_result(body, call_id)
        case "gemini":
            return _gemini_result(body, call_id)
        case "anthropic":
            for message in body["messages"]:
                for block in message["content"] if isinstance(message["content"], list) else []:
                    if block.get("type") == "tool_result" and block["tool_use_id"] == call_id:
                        return _text(block.get("content"))
        case "openai_responses":
            for item in body["input"]:
                if item.get("type") == "function_call_output" and item["call_id"] == call_id:
                    return str(item["output"]) if isinstance(item["output"], str) else _text(item["output"])
        case _:
            for message in body["messages"]:
                if message["role"] == "tool" and message["tool_call_id"] == call_id:
                    return _text(message["content"])
    return None


def _converse_tool_result(body: dict[str, Any], call_id: str) -> str | None:
    for message in body["messages"]:
        for block in message["content"]:
            result = block.get("toolResult")
            if result and result["toolUseId"] == call_id:
                return "".join(part.get("text", "") for part in result["content"])
    return None


def _gemini_result(body: dict[str, Any], call_id: str) -> str | None:
    responses = [
        p["functionResponse"] for c in body["contents"] for p in c["parts"] if "functionResponse" in p
    ]
    for response in responses:
        if response.get("id") == call_id:
            return str(response["response"].get("output") or response["response"].get("error"))
    return None


def has_image(call: dict[str, Any], data: str) -> bool:
    body = json.dumps(call["body"])
    match kind_of(call):
        case "bedrock":
            return f'"bytes": "{data}"' in body and '"format": "png"' in body
        case "gemini":
            return f'"data": "{data}"' in body and '"inlineData"' in body
        case "anthropic":
            return f'"data": "{data}"' in body and '"type": "image"' in body
        case "openai_responses":
            return f"data:image/png;base64,{data}" in body and "input_image" in body
        case _:
            return f"data:image/png;base64,{data}" in body and "image_url" in body


def tool_names(call: dict[str, Any]) -> list[str]:
    if kind_of(call) == "bedrock":
        tools = (call["body"].get("toolConfig") or {}).get("tools") or []
        return [t["toolSpec"]["name"] for t in tools if "toolSpec" in t]
    tools = call["body"].get("tools") or []
    if kind_of(call) == "gemini":
        return [d["name"] for t in tools for d in t["functionDeclarations"]]
    if kind_of(call) in ("openai_chat", "openai_compatible"):
        return [t["function"]["name"] for t in tools]
    return [t["name"] for t in tools]


def reasoning_sent(call: dict[str, Any]) -> Any:
    body = call["body"]
    match kind_of(call):
        case "bedrock":  # Claude's own thinking object, as a model-specific field
            return (body.get("additionalModelRequestFields") or {}).get("thinking")
        case "gemini":
            return (body.get("generationConfig") or {}).get("thinkingConfig")
        case "anthropic":
            return body.get("thinking")
        case "openai_responses":
            return body.get("reasoning")
        case _:
            return body.get("reasoning_effort")
