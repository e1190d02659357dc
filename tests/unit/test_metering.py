"""The numbers a reservation is made of: a prompt bound that never undershoots, the worst-case cost,
and the output cap a small balance can still pay for."""

from __future__ import annotations

import base64
from decimal import Decimal

from hyperinfer.catalog import load_catalog
from hyperinfer.gateway.estimate import MEDIA_TOKENS, prompt_upper_bound
from hyperinfer.gateway.metering import affordable_output, worst_case_cost
from hypothesis import given
from hypothesis import strategies as st

from tests.support import REPO

CATALOG = load_catalog(REPO / "providers.yaml")
SONNET = CATALOG.find("anthropic/claude-sonnet-4.5")
MINI = CATALOG.find("openai/gpt-4.1-mini")


@given(st.text(min_size=1, max_size=400))
def test_the_prompt_bound_is_at_least_a_token_per_two_bytes_of_text(text: str) -> None:
    payload = {"messages": [{"role": "user", "content": text}]}
    assert prompt_upper_bound(payload) >= len(text.encode()) // 2


def test_inline_media_counts_as_a_whole_image_however_small_its_bytes() -> None:
    tiny = base64.b64encode(b"\x89PNG").decode()
    chat = {
        "messages": [
            {
                "role": "user",
                "content": [{"type": "image_url", "image_url": {"url": f"data:image/png;base64,{tiny}"}}],
            }
        ]
    }
    anthropic = {
        "messages": [
            {
                "role": "user",
                "content": [
                    {"type": "image", "source": {"type": "base64", "media_type": "image/png", "data": tiny}}
                ],
            }
        ]
    }
    assert prompt_upper_bound(chat) >= MEDIA_TOKENS and prompt_upper_bound(anthropic) >= MEDIA_TOKENS


def test_the_model_name_is_not_prompt() -> None:
    assert prompt_upper_bound({"model": "x" * 1000}) == prompt_upper_bound({"model": "x"})


def test_worst_case_prices_the_prompt_at_the_dearest_rate() -> None:
    assert SONNET is not None and SONNET.pricing.cache_write_1h == Decimal("6")
    # 1,000 prompt tokens at the 1-hour cache-write price (6) + 100 output tokens at 15.
    assert worst_case_cost(SONNET, 1000, 100) == 6000 + 1500


def test_affordable_output_fits_the_balance_and_never_exceeds_the_model() -> None:
    assert MINI is not None
    prompt_cost = worst_case_cost(MINI, 500, 0)
    cap = affordable_output(MINI, 500, prompt_cost + 1600)  # 1,600 µUSD buys 1,000 tokens at $1.60/M
    assert cap == 1000 and worst_case_cost(MINI, 500, cap) <= prompt_cost + 1600
    assert affordable_output(MINI, 500, 10**12) == MINI.max_output_tokens
    assert affordable_output(MINI, 500, prompt_cost) == 0
