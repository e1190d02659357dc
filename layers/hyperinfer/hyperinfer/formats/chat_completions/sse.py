"""Chat Completions SSE framing: ``data:`` frames of chunks, keep-alive comments, ``[DONE]``."""

from __future__ import annotations

from typing import Any

from hyperinfer.formats import sse as shared

DONE = b"data: [DONE]\n\n"
KEEPALIVE = shared.KEEPALIVE


frame = shared.data_frame


def chunk(
    chunk_id: str,
    created: int,
    model: str,
    choices: list[dict[str, Any]],
    usage: dict[str, Any] | None = None,
) -> dict[str, Any]:
    payload: dict[str, Any] = {
        "id": chunk_id,
        "object": "chat.completion.chunk",
        "created": created,
        "model": model,
        "choices": choices,
    }
    if usage is not None:
        payload["usage"] = usage
    return payload


def role_choice() -> dict[str, Any]:
    return {
        "index": 0,
        "delta": {"role": "assistant", "content": ""},
        "logprobs": None,
        "finish_reason": None,
    }
