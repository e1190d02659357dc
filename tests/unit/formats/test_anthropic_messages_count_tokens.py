import json
from typing import Any

from hyperinfer.formats.anthropic_messages.count_tokens import (
    DOCUMENT_TOKENS,
    IMAGE_TOKENS,
    TOOLS_PROMPT_TOKENS,
    TURN_TOKENS,
    estimate_input_tokens,
    render,
)
from hyperinfer.formats.anthropic_messages.decode import decode
from hyperinfer.formats.anthropic_messages.request import CountTokensRequest

SCHEMA = {"type": "object", "properties": {"city": {"type": "string"}}}


def estimate(**fields: Any) -> int:
    body = {"model": "m", "messages": [{"role": "user", "content": "x" * 400}], **fields}
    return estimate_input_tokens(decode(CountTokensRequest.model_validate(body)))


def test_text_counts_four_characters_per_token_plus_turn_framing() -> None:
    assert estimate() == 100 + TURN_TOKENS
    assert estimate(system="y" * 40) == 110 + TURN_TOKENS


def test_partial_tokens_round_up() -> None:
    assert estimate(messages=[{"role": "user", "content": "abcde"}]) == 2 + TURN_TOKENS


def test_images_and_pdfs_cost_fixed_amounts_and_text_documents_their_text() -> None:
    image = {"type": "image", "source": {"type": "url", "url": "https://x/a.png"}}
    pdf = {"type": "document", "source": {"type": "url", "url": "https://x/a.pdf"}}
    text_doc = {"type": "document", "source": {"type": "text", "media_type": "text/plain", "data": "z" * 80}}
    base = estimate(messages=[{"role": "user", "content": [{"type": "text", "text": "x" * 400}]}])
    with_media = estimate(
        messages=[{"role": "user", "content": [{"type": "text", "text": "x" * 400}, image, pdf, text_doc]}]
    )
    assert with_media - base == IMAGE_TOKENS + DOCUMENT_TOKENS + 20


def test_tools_add_the_tool_prompt_and_their_definitions() -> None:
    tool = {"name": "weather", "description": "Look it up", "input_schema": SCHEMA}
    definition = json.dumps(
        {"name": "weather", "description": "Look it up", "input_schema": SCHEMA}, separators=(",", ":")
    )
    added = estimate(tools=[tool]) - estimate()
    assert (
        TOOLS_PROMPT_TOKENS["auto"] + len(definition) // 4
        <= added
        <= TOOLS_PROMPT_TOKENS["auto"] + len(definition) // 4 + 1
    )
    forced = estimate(tools=[tool], tool_choice={"type": "any"}) - estimate(tools=[tool])
    assert forced == TOOLS_PROMPT_TOKENS["required"] - TOOLS_PROMPT_TOKENS["auto"]


def test_tool_calls_and_results_count_as_text() -> None:
    calls = [
        {"role": "user", "content": "x" * 400},
        {
            "role": "assistant",
            "content": [{"type": "tool_use", "id": "t", "name": "f", "input": {"a": "b" * 100}}],
        },
        {"role": "user", "content": [{"type": "tool_result", "tool_use_id": "t", "content": "r" * 200}]},
    ]
    assert estimate(messages=calls) > estimate() + 50 + 25


def test_thinking_counts_only_in_the_last_turn() -> None:
    thinking = {"type": "thinking", "thinking": "t" * 4000, "signature": "s"}
    earlier = [
        {"role": "user", "content": "x" * 400},
        {"role": "assistant", "content": [thinking, {"type": "text", "text": "ok"}]},
        {"role": "user", "content": "go"},
    ]
    last = earlier[:2]
    without_thinking = [earlier[0], {"role": "assistant", "content": [{"type": "text", "text": "ok"}]}]
    assert estimate(messages=earlier) < estimate(messages=last) - 900
    assert estimate(messages=last) - estimate(messages=without_thinking) == 1000


def test_the_answer_has_anthropics_shape() -> None:
    assert render(42) == {"input_tokens": 42}
