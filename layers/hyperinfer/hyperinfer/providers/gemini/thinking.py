"""IR reasoning into Gemini's ``thinkingConfig``: a token budget (2.5) or a level (3 and later).

Which of the two a model takes is catalog data (``thinking_levels``: the levels it offers, none for
a budget model), never read off the model's name. An effort picks the nearest level the model
offers at or above it; a budget picks the effort it covers first. Gemini 3 cannot switch thinking
off: "off" becomes its lowest level, reported as dropped.
"""

from __future__ import annotations

from typing import Any, cast

from hyperinfer.errors import invalid
from hyperinfer.ir.effort import EFFORT_BUDGET, BudgetEffort, effort_for_budget
from hyperinfer.ir.request import Reasoning
from hyperinfer.providers.target import Target

LEVEL_ORDER = ("minimal", "low", "medium", "high")
DYNAMIC = -1  # Gemini's "let the model decide" budget


def thinking_config(reasoning: Reasoning | None, target: Target, dropped: list[str]) -> dict[str, Any] | None:
    if reasoning is None:
        return None
    levels = tuple(level for level in LEVEL_ORDER if level in target.thinking_levels)
    if not reasoning.enabled or reasoning.effort == "none":
        if not target.reasoning:
            return None  # nothing to switch off
        if levels:
            dropped.append("reasoning.enabled")
            return {"thinkingLevel": levels[0].upper()}
        return {"thinkingBudget": 0}
    if not target.reasoning:
        raise invalid("reasoning", f"model {target.upstream_model!r} does not reason")
    config: dict[str, Any] = {"includeThoughts": True}
    effort = _effort(reasoning)
    if levels:
        if effort is not None and not reasoning.adaptive:
            config["thinkingLevel"] = nearest_level(effort, levels).upper()
        return config
    if reasoning.budget_tokens is not None and not reasoning.adaptive:
        config["thinkingBudget"] = reasoning.budget_tokens
    elif effort is not None and not reasoning.adaptive:
        config["thinkingBudget"] = EFFORT_BUDGET[effort]
    else:
        config["thinkingBudget"] = DYNAMIC
    return config


def _effort(reasoning: Reasoning) -> BudgetEffort | None:
    if reasoning.effort is not None:
        return cast(BudgetEffort, reasoning.effort)  # "none" is handled before
    if reasoning.budget_tokens is not None:
        return effort_for_budget(reasoning.budget_tokens)
    return None


def nearest_level(effort: BudgetEffort, levels: tuple[str, ...]) -> str:
    wanted = min(LEVEL_ORDER.index(effort) if effort in LEVEL_ORDER else len(LEVEL_ORDER) - 1, 3)
    for level in levels:
        if LEVEL_ORDER.index(level) >= wanted:
            return level
    return levels[-1]
