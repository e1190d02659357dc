"""USD as people type it <-> integer micro-USD as the table stores it, exactly (no floats)."""

from __future__ import annotations

import re
from decimal import Decimal

MICRO = 1_000_000
# Plain decimal notation only: no exponents, NaN, infinity, separators or currency signs.
_DECIMAL = re.compile(r"[+-]?(\d+(\.\d*)?|\.\d+)")


class AmountError(ValueError):
    """An amount that is not an exact number of micro-USD."""


def parse_usd(text: str) -> int:
    """``"12.5"`` -> 12_500_000. Refuses anything that would need rounding (a 7th decimal)."""
    if not _DECIMAL.fullmatch(text):
        raise AmountError(f"{text!r} is not a decimal USD amount (e.g. 25 or 0.50)")
    micro = Decimal(text) * MICRO
    if micro != micro.to_integral_value():
        raise AmountError(f"{text!r} has more than 6 decimals: the smallest unit is $0.000001")
    return int(micro)


def format_usd(micro: int) -> str:
    """12_500_000 -> ``"12.50"``; at least cents, and every micro-dollar that is there."""
    sign = "-" if micro < 0 else ""
    whole, fraction = divmod(abs(micro), MICRO)
    digits = f"{fraction:06d}".rstrip("0").ljust(2, "0")
    return f"{sign}{whole}.{digits}"
