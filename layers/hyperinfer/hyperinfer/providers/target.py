"""What a provider encoder needs to know beyond the IR request, and what it hands back."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True, slots=True)
class Target:
    upstream_model: str
    max_output_tokens: int  # the catalog's cap: the default where the provider requires one
    stream: bool
    reasoning: bool = False  # the model reasons (reasoning_effort / thinking are meaningful)
    compat: Any = None  # the provider entry's options, for kinds that take them (openai_compatible)
    thinking_levels: tuple[str, ...] = ()  # the catalog's levels for a model set by level, not budget


@dataclass(frozen=True, slots=True)
class Encoded:
    body: dict[str, Any]
    dropped: tuple[str, ...] = field(default=())  # client field paths left out (advisory only)
    # What the decoders must know about the request sent (e.g. an emulation used); passed back to
    # the provider's decode_response and StreamDecoder as they are.
    hints: Any = None
