"""Server-tool runs for Chat Completions, which has no idiom for them: HyperInfer events, one per
call and one per result. A whole completion lists them under ``choices[0].message.hi_tool_events``;
a stream sends each as a chunk with no choices and a ``hi_tool_event`` field, before the answer's
chunks. The OpenAI SDKs keep unknown fields and skip choice-less chunks, so both parse as usual."""

from __future__ import annotations

import json
from typing import Any

from hyperinfer.ir.server_tools import ServerToolRun


def tool_events(runs: list[ServerToolRun]) -> list[dict[str, Any]]:
    events: list[dict[str, Any]] = []
    for run in runs:
        events.append(
            {
                "type": "tool_call",
                "id": run.id,
                "name": run.name,
                "arguments": json.dumps(run.input, ensure_ascii=False),
            }
        )
        events.append(
            {
                "type": "tool_result",
                "id": run.id,
                "name": run.name,
                "is_error": run.is_error,
                "content": run.text,
            }
        )
    return events


def event_chunk(event: dict[str, Any], completion_id: str, model: str, created: int) -> dict[str, Any]:
    return {
        "id": completion_id,
        "object": "chat.completion.chunk",
        "created": created,
        "model": model,
        "choices": [],
        "hi_tool_event": event,
    }
