"""Usage figures cross formats as the upstream gave them: a cache-write count an OpenAI-compatible
upstream reports reaches a Responses client, and one it does not report is not invented as 0."""

from __future__ import annotations

import pytest
from hyperinfer.local.fakes.server import FakeProvider

from tests.integration.conftest import Gateway

CHAT_MODEL = "openai/gpt-4.1-mini"  # an openai_chat upstream: Responses crosses the IR


@pytest.mark.parametrize("stream", [False, True])
def test_a_cache_write_count_from_an_openai_chat_upstream_reaches_a_responses_client(
    gateway: Gateway, fake: FakeProvider, stream: bool
) -> None:
    client = gateway.client()
    prompt = "Hello [[fake cache_write=300 cached=40]]"
    if stream:
        with client.responses.stream(model=CHAT_MODEL, input=prompt) as events:
            usage = events.get_final_response().usage
    else:
        usage = client.responses.create(model=CHAT_MODEL, input=prompt).usage
    assert usage is not None
    upstream = fake.calls[-1]
    assert upstream["path"] == "/v1/chat/completions"
    assert usage.input_tokens_details.cache_write_tokens == 300
    assert usage.input_tokens_details.cached_tokens == 40
    assert usage.input_tokens > 340  # every prompt token, as OpenAI counts them


def test_a_figure_the_upstream_did_not_give_is_not_shown(gateway: Gateway) -> None:
    usage = gateway.client().responses.create(model=CHAT_MODEL, input="Hello").usage
    assert usage is not None
    assert usage.input_tokens_details.cache_write_tokens is None
    assert usage.input_tokens_details.cached_tokens == 0  # OpenAI's usage always carries this one
