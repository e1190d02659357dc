from decimal import Decimal

from hyperinfer.accounts.pricing import cost_micro_usd, usd
from hyperinfer.catalog import Pricing
from hyperinfer.ir.usage import Usage
from hypothesis import given
from hypothesis import strategies as st

SONNET = Pricing(
    prompt=Decimal("3"),
    completion=Decimal("15"),
    cached_prompt=Decimal("0.30"),
    cache_write=Decimal("3.75"),
    cache_write_1h=Decimal("6"),
)
NANO = Pricing(prompt=Decimal("0.05"), completion=Decimal("0.40"), cached_prompt=Decimal("0.005"))


def test_each_token_class_has_its_own_price() -> None:
    usage = Usage(
        input_tokens=1000,
        cache_read_tokens=2000,
        cache_write_tokens=100,
        cache_write_1h_tokens=10,
        output_tokens=500,
    )
    # 1000*3 + 2000*0.3 + 100*3.75 + 10*6 + 500*15 = 3000 + 600 + 375 + 60 + 7500
    assert cost_micro_usd(usage, SONNET) == 11_535


def test_fractions_are_summed_exactly_and_rounded_up_once() -> None:
    # 3 * 0.05 + 3 * 0.40 = 1.35 micro-USD: one rounding gives 2, rounding each part would give 3.
    assert cost_micro_usd(Usage(input_tokens=3, output_tokens=3), NANO) == 2


def test_missing_cache_prices_fall_back_to_the_prompt_price() -> None:
    plain = Pricing(prompt=Decimal("2"), completion=Decimal("8"))
    assert cost_micro_usd(Usage(cache_read_tokens=10, cache_write_tokens=10), plain) == 40


def test_nothing_used_costs_nothing() -> None:
    assert cost_micro_usd(Usage(), SONNET) == 0


@given(st.integers(0, 10**7), st.integers(0, 10**7), st.integers(0, 10**6))
def test_cost_is_the_exact_sum_rounded_up(prompt: int, cached: int, completion: int) -> None:
    usage = Usage(input_tokens=prompt, cache_read_tokens=cached, output_tokens=completion)
    exact = prompt * NANO.prompt + cached * Decimal("0.005") + completion * NANO.completion
    cost = cost_micro_usd(usage, NANO)
    assert cost - 1 < exact <= cost


def test_usd_renders_micro_usd_as_dollars() -> None:
    assert usd(1_234_567) == 1.234567
