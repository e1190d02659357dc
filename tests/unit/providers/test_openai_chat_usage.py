from hyperinfer.providers.openai_chat import passthrough_body, usage_from_openai


def test_passthrough_changes_only_the_model_and_drops_gateway_fields() -> None:
    payload = {"model": "openai/gpt-4.1", "messages": [], "seed": 1, "hi_tool_events": True, "plugins": []}
    assert passthrough_body(payload, "gpt-4.1", stream=False) == {
        "model": "gpt-4.1",
        "messages": [],
        "seed": 1,
    }


def test_streams_always_ask_for_usage_and_keep_other_stream_options() -> None:
    payload = {"model": "m", "messages": [], "stream": True, "stream_options": {"include_obfuscation": False}}
    body = passthrough_body(payload, "u", stream=True)
    assert body["stream_options"] == {"include_obfuscation": False, "include_usage": True}
    assert payload["stream_options"] == {"include_obfuscation": False}  # the client's dict is not mutated


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
