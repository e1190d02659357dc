"""The one table between reasoning effort (OpenAI) and a thinking budget in tokens (Anthropic).

Budgets follow Anthropic's guidance (minimum 1024; larger budgets for harder tasks); going the
other way, a budget maps to the smallest effort whose budget covers it.
"""

from __future__ import annotations

from typing import Literal

# Reasoning effort as OpenAI names it; here, apart from the IR's models, so that a format's request
# schema can name it without loading them.
Effort = Literal["none", "minimal", "low", "medium", "high", "xhigh"]
BudgetEffort = Literal["minimal", "low", "medium", "high", "xhigh"]

EFFORT_BUDGET: dict[BudgetEffort, int] = {
    "minimal": 1024,
    "low": 2048,
    "medium": 8192,
    "high": 16384,
    "xhigh": 32000,
}


def effort_for_budget(budget_tokens: int) -> BudgetEffort:
    for effort, budget in EFFORT_BUDGET.items():
        if budget_tokens <= budget:
            return effort
    return "xhigh"
