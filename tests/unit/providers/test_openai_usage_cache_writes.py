"""Cache writes reported inside an OpenAI-style prompt count become their own IR figure."""

from __future__ import annotations

from hyperinfer.ir.usage import Usage
from hyperinfer.providers.openai_chat import usage_from_openai
from hyperinfer.providers.openai_responses.outcome import usage_from_responses


def test_chat_usage_splits_reads_and_writes_out_of_prompt_tokens() -> None:
    usage = usage_from_openai(
        {
            "prompt_tokens": 1000,
            "completion_tokens": 7,
            "prompt_tokens_details": {"cached_tokens": 200, "cache_write_tokens": 300},
        }
    )
    assert usage == Usage(
        input_tokens=500,
        cache_read_tokens=200,
        cache_write_tokens=300,
        output_tokens=7,
        cache_writes_reported=True,
    )
    assert usage.prompt_tokens == 1000


def test_responses_usage_does_the_same_and_never_counts_past_the_total() -> None:
    usage = usage_from_responses(
        {
            "input_tokens": 100,
            "output_tokens": 1,
            "input_tokens_details": {"cached_tokens": 60, "cache_write_tokens": 90},
        }
    )
    assert (usage.input_tokens, usage.cache_read_tokens, usage.cache_write_tokens) == (0, 60, 40)
    assert usage.prompt_tokens == 100


def test_no_figure_given_is_no_figure_reported() -> None:
    assert not usage_from_openai(
        {"prompt_tokens": 5, "prompt_tokens_details": {"cached_tokens": 0}}
    ).cache_writes_reported
    assert usage_from_openai(
        {"prompt_tokens": 5, "prompt_tokens_details": {"cache_write_tokens": 0}}
    ).cache_writes_reported
