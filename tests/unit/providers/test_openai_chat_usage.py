from hyperinfer.providers.openai_chat import usage_from_openai


def test_usage_splits_cached_tokens_out_of_prompt_tokens() -> None:
    usage = usage_from_openai(
        {
            "prompt_tokens": 100,
            "completion_tokens": 30,
            "prompt_tokens_details": {"cached_tokens": 60},
            "completion_tokens_details": {"reasoning_tokens": 20},
        }
    )
    assert (usage.input_tokens, usage.cache_read_tokens, usage.output_tokens, usage.reasoning_tokens) == (
        40,
        60,
        30,
        20,
    )
    assert usage.prompt_tokens == 100 and usage.total_tokens == 130


def test_missing_usage_is_zero() -> None:
    assert usage_from_openai(None).total_tokens == 0
