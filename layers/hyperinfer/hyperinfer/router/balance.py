"""Weighted load balancing: one random pick per request; the others, dearest weight first, follow
as fallbacks so a request the picked model cannot answer is still answered."""

from __future__ import annotations

import random
from collections.abc import Sequence

from hyperinfer.router.spec import WeightedModel


def pick(models: Sequence[WeightedModel], rng: random.Random) -> tuple[str, tuple[str, ...]]:
    """(the model picked with probability weight / total, the rest by descending weight)."""
    chosen = rng.choices(range(len(models)), weights=[m.weight for m in models])[0]
    rest = sorted((m for i, m in enumerate(models) if i != chosen), key=lambda m: -m.weight)
    return models[chosen].model, tuple(m.model for m in rest)
