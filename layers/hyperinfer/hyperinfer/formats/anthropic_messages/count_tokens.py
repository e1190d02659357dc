"""POST /api/v1/messages/count_tokens answered locally: an estimate, no tokenizer download.

The heuristic, and where its numbers come from:
- text, tool definitions (name, description, input_schema as JSON), tool calls (name and input as
  JSON), tool results and output schemas: about 4 characters per token, the rule of thumb
  Anthropic and OpenAI both give for English text;
- an image: 1,600 tokens. Anthropic's formula is width x height / 750, and an image at the size
  limit (about 1.15 megapixels) costs about 1,600; we do not decode images to measure them;
- a document other than plain text: 2,250 tokens, the middle of the 1,500 to 3,000 tokens per
  PDF page that Anthropic documents, counting one page since the page count is unknown;
- tools present: 346 tokens of tool-use system prompt (Anthropic's figure for current models with
  tool_choice auto or none; 313 with any or tool);
- every turn: 4 tokens of role framing;
- thinking blocks count only in the last turn: Anthropic strips earlier turns' thinking.
"""

from __future__ import annotations

import json
import math
from typing import Any

from hyperinfer.ir.content import (
    Block,
    DocumentBlock,
    ImageBlock,
    TextBlock,
    ThinkingBlock,
    ToolResultBlock,
    ToolUseBlock,
)
from hyperinfer.ir.request import Request

CHARS_PER_TOKEN = 4
IMAGE_TOKENS = 1_600
DOCUMENT_TOKENS = 2_250
TURN_TOKENS = 4
TOOLS_PROMPT_TOKENS = {"auto": 346, "none": 346, "required": 313, "tool": 313}


def _json(value: Any) -> str:
    return json.dumps(value, separators=(",", ":"), ensure_ascii=False)


def _measure(block: Block, *, last_turn: bool) -> tuple[int, int]:
    """(characters of text, fixed tokens) for one block."""
    match block:
        case TextBlock():
            return len(block.text), 0
        case ImageBlock():
            return 0, IMAGE_TOKENS
        case DocumentBlock():
            text = (block.title or "") + (block.context or "")
            if block.source.kind == "text":
                return len(text) + len(block.source.data or ""), 0
            return len(text), DOCUMENT_TOKENS
        case ToolUseBlock():
            return len(block.name) + len(_json(block.input)), 0
        case ToolResultBlock():
            parts = [_measure(part, last_turn=last_turn) for part in block.content]
            return sum(p[0] for p in parts), sum(p[1] for p in parts)
        case ThinkingBlock():
            return (len(block.thinking), 0) if last_turn else (0, 0)
    return 0, 0  # redacted thinking is opaque and earlier turns' is stripped; audio is not Anthropic's


def estimate_input_tokens(request: Request) -> int:
    chars = sum(len(block.text) for block in request.system)
    fixed = TURN_TOKENS * len(request.messages)
    for position, message in enumerate(request.messages, start=1):
        for block in message.content:
            text, tokens = _measure(block, last_turn=position == len(request.messages))
            chars, fixed = chars + text, fixed + tokens
    if request.tools:
        mode = request.tool_choice.mode if request.tool_choice else "auto"
        fixed += TOOLS_PROMPT_TOKENS[mode]
        for tool in request.tools:
            chars += len(
                _json({"name": tool.name, "description": tool.description, "input_schema": tool.parameters})
            )
    if request.output_format and request.output_format.schema_:
        chars += len(_json(request.output_format.schema_))
    return fixed + math.ceil(chars / CHARS_PER_TOKEN)


def render(input_tokens: int) -> dict[str, int]:
    """The body Anthropic's count_tokens endpoint answers with."""
    return {"input_tokens": input_tokens}
