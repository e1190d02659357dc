"""What the decoders must know about the request that was sent, and the encoder's result carrying it."""

from __future__ import annotations

from dataclasses import dataclass, field

from hyperinfer.providers.target import Encoded


@dataclass(frozen=True, slots=True)
class DecodeHints:
    """``structured_tool``: the forced tool that emulates a JSON output format; its input is the
    answer, turned back into a text block, and its ``tool_use`` stop into ``end_turn``."""

    structured_tool: str | None = None


@dataclass(frozen=True, slots=True)
class BedrockEncoded(Encoded):
    hints: DecodeHints = field(default_factory=DecodeHints)
