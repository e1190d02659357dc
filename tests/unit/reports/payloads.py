"""Report bodies as clients send them, shared by the reporting tests."""

from __future__ import annotations

import json
from typing import Any

CHAT_REQUEST: dict[str, Any] = {
    "model": "gpt-4.1-mini",
    "messages": [{"role": "user", "content": "Count to three."}],
    "metadata": {"prompt_id": "count", "userId": "123"},
}
CHAT_RESPONSE: dict[str, Any] = {
    "id": "chatcmpl-1",
    "object": "chat.completion",
    "created": 1795309600,
    "model": "gpt-4.1-mini-2025-04-14",
    "choices": [
        {
            "index": 0,
            "message": {"role": "assistant", "content": "One, two, three."},
            "finish_reason": "stop",
        }
    ],
    "usage": {"prompt_tokens": 12, "completion_tokens": 6, "total_tokens": 18},
}
MESSAGES_REQUEST: dict[str, Any] = {
    "model": "claude-sonnet-4-5",
    "max_tokens": 256,
    "messages": [{"role": "user", "content": [{"type": "text", "text": "Count to three."}]}],
    "metadata": {"user_id": "u-1"},
}
MESSAGE: dict[str, Any] = {
    "id": "msg_01",
    "type": "message",
    "role": "assistant",
    "model": "claude-sonnet-4-5-20250929",
    "content": [{"type": "text", "text": "One, two, three."}],
    "stop_reason": "end_turn",
    "stop_sequence": None,
    "usage": {
        "input_tokens": 12,
        "output_tokens": 6,
        "cache_creation_input_tokens": 0,
        "cache_read_input_tokens": 0,
    },
}


def openai_report(**fields: Any) -> dict[str, Any]:
    return {
        "requestedAt": 1795309599000,
        "receivedAt": 1795309600000,
        "reqPayload": CHAT_REQUEST,
        "respPayload": CHAT_RESPONSE,
        "statusCode": 200,
        **fields,
    }


def anthropic_report(**fields: Any) -> dict[str, Any]:
    return {
        "requestedAt": 1795309599000,
        "receivedAt": 1795309600000,
        "reqPayload": MESSAGES_REQUEST,
        "respPayload": MESSAGE,
        "statusCode": 200,
        **fields,
    }


def encoded(value: Any) -> str:
    return json.dumps(value)
