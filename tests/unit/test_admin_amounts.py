"""USD typed by an operator becomes exact integer micro-USD, or a clear refusal: never a rounding."""

from __future__ import annotations

import pytest
from hyperinfer.admin.amounts import AmountError, format_usd, parse_usd


@pytest.mark.parametrize(
    ("text", "micro"),
    [
        ("25", 25_000_000),
        ("0.50", 500_000),
        (".5", 500_000),
        ("5.", 5_000_000),
        ("+3", 3_000_000),
        ("-3", -3_000_000),
        ("0.000001", 1),
        ("-0.000001", -1),
        ("0.1", 100_000),  # 0.1 has no exact float: Decimal keeps it exact
        ("1234567.891011", 1_234_567_891_011),
        ("99999999999999999999.999999", 99_999_999_999_999_999_999_999_999),
        ("1.0000000", 1_000_000),  # trailing zeros past the 6th decimal lose nothing
        ("0", 0),
    ],
)
def test_decimal_usd_converts_exactly_to_micro_usd(text: str, micro: int) -> None:
    assert parse_usd(text) == micro
    assert isinstance(parse_usd(text), int)


@pytest.mark.parametrize("text", ["0.0000001", "1.1234567", "-0.0000005", "0.00000150"])
def test_a_seventh_significant_decimal_is_refused_not_rounded(text: str) -> None:
    with pytest.raises(AmountError, match="more than 6 decimals"):
        parse_usd(text)


@pytest.mark.parametrize(
    "text",
    [
        "",
        " ",
        "1e3",
        "1E-2",
        "NaN",
        "inf",
        "-Infinity",
        "1_000",
        "1,000",
        "$5",
        "5 USD",
        " 5",
        "5.5.5",
        "-",
        ".",
    ],
)
def test_anything_but_plain_decimal_notation_is_refused(text: str) -> None:
    with pytest.raises(AmountError, match="not a decimal USD amount"):
        parse_usd(text)


@pytest.mark.parametrize(
    ("micro", "text"),
    [
        (0, "0.00"),
        (1, "0.000001"),
        (500_000, "0.50"),
        (12_345_678, "12.345678"),
        (100_000_000, "100.00"),
        (-1_500_000, "-1.50"),
        (-1, "-0.000001"),
    ],
)
def test_micro_usd_prints_as_cents_plus_every_remaining_digit(micro: int, text: str) -> None:
    assert format_usd(micro) == text


@pytest.mark.parametrize("micro", [0, 1, -1, 7, 999_999, 1_000_001, -123_456_789, 10**20 + 3])
def test_printing_then_parsing_gives_back_the_same_amount(micro: int) -> None:
    assert parse_usd(format_usd(micro)) == micro
