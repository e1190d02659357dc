"""How the gateway presents a response in any format: its own id, the public model name, the cost."""

from __future__ import annotations

from collections.abc import Callable
from typing import NamedTuple

from hyperinfer.ir.usage import Usage


def _free(_: Usage) -> float:
    return 0.0


# A NamedTuple, not a frozen dataclass: every cold start defines it (see function_table.py).
class View(NamedTuple):
    response_id: str  # gen-<rid>, resp_<rid> or msg_<rid>
    model: str  # the catalog slug the client sees
    created: int  # Unix seconds
    cost: Callable[[Usage], float] = _free  # credits (USD) that a usage costs
