"""IR reasoning into Anthropic's ``thinking`` and, where the effort is Anthropic's own, ``output_config``.

Anthropic budgets thinking in tokens: at least 1024 and less than ``max_tokens``. An OpenAI-style
effort becomes a budget through ``EFFORT_BUDGET``, capped below ``max_tokens`` (effort is relative,
so the cap keeps its meaning); an explicit budget that does not fit is rejected, never clamped.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, cast

from hyperinfer.errors import invalid
from hyperinfer.ir.effort import EFFORT_BUDGET, BudgetEffort
from hyperinfer.ir.request import Reasoning
from hyperinfer.providers.target import Target

MIN_BUDGET = 1024  # Anthropic's documented minimum budget_tokens

DEFAULT_EFFORT: BudgetEffort = "medium"  # reasoning asked for with neither an effort nor a budget

# Anthropic's output_config.effort levels this gateway passes on ("max" has no IR form).
_OUTPUT_EFFORTS = frozenset({"low", "medium", "high", "xhigh"})


@dataclass(frozen=True, slots=True)
class Thinking:
    thinking: dict[str, Any] | None = None
    output_config: dict[str, Any] | None = None

    @property
    def on(self) -> bool:
        return self.thinking is not None and self.thinking["type"] != "disabled"


def encode_thinking(reasoning: Reasoning | None, max_tokens: int, target: Target) -> Thinking:
    """An effort alone is a request to reason (OpenAI's meaning) and becomes a budget; an effort beside
    an explicit budget, adaptive thinking or disabled thinking is Anthropic's ``output_config.effort``."""
    if reasoning is None or reasoning.effort == "none":
        return Thinking()
    if not reasoning.enabled:
        # Only a reasoning model has thinking to turn off; for any other it is off already.
        off = {"type": "disabled"} if target.reasoning else None
        return Thinking(off, _effort_config(reasoning))
    if not target.reasoning:
        raise invalid("reasoning", f"model {target.upstream_model!r} does not reason")
    if reasoning.adaptive:
        return Thinking({"type": "adaptive"}, _effort_config(reasoning))
    budget = _budget(reasoning, max_tokens)
    alongside = _effort_config(reasoning) if reasoning.budget_tokens is not None else None
    return Thinking({"type": "enabled", "budget_tokens": budget}, alongside)


def _effort_config(reasoning: Reasoning) -> dict[str, Any] | None:
    if reasoning.effort is None:
        return None
    if reasoning.effort not in _OUTPUT_EFFORTS:
        raise invalid(
            "reasoning.effort",
            f"{reasoning.effort!r} has no Anthropic output_config.effort equivalent "
            f"(use one of {', '.join(sorted(_OUTPUT_EFFORTS))})",
        )
    return {"effort": reasoning.effort}


def _budget(reasoning: Reasoning, max_tokens: int) -> int:
    if reasoning.budget_tokens is not None:
        budget = reasoning.budget_tokens
        if budget < MIN_BUDGET:
            raise invalid("reasoning.budget_tokens", f"Anthropic needs at least {MIN_BUDGET}, got {budget}")
        if budget >= max_tokens:
            raise invalid(
                "reasoning.budget_tokens", f"must be less than max_tokens ({max_tokens}), got {budget}"
            )
        return budget
    if max_tokens <= MIN_BUDGET:
        raise invalid(
            "max_tokens",
            f"{max_tokens} leaves no room for Anthropic's minimum thinking budget of {MIN_BUDGET} tokens; "
            f"ask for more than {MIN_BUDGET} or turn reasoning off",
        )
    effort = cast(BudgetEffort, reasoning.effort or DEFAULT_EFFORT)  # 'none' never reaches here
    return min(EFFORT_BUDGET[effort], max_tokens - 1)
