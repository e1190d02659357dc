"""The exact-match cache: what its key depends on, and entries in DynamoDB (moto, server mode)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from hyperinfer import aws
from hyperinfer.local.emulator import Emulator, ensure_resources
from hyperinfer.router.cache import MAX_ENTRY_BYTES, CachedAnswer, ResponseCache, cache_key
from hyperinfer.settings import Settings

BODY: dict[str, Any] = {
    "messages": [{"role": "user", "content": "hi"}],
    "temperature": 0.2,
    "tools": [{"type": "function", "function": {"name": "f", "parameters": {}}}],
}


def key(
    body: dict[str, Any] = BODY, workspace: str = "ws_a", model: str = "openai/gpt-4o", choices: Any = None
) -> str:
    return cache_key(workspace, "chat_completions", model, body, choices)


def test_what_does_not_change_the_answer_is_not_in_the_key() -> None:
    noise = {
        "stream": True,
        "stream_options": {"include_usage": True},
        "metadata": {"run": "7"},
        "name": "trace",
        "user": "someone",
        "model": "gpt-4o",  # the alias a client sent: the resolved slug is what counts
    }
    assert key({**BODY, **noise}) == key()
    assert key(dict(reversed(list(BODY.items())))) == key()


@pytest.mark.parametrize(
    "change",
    [
        {"messages": [{"role": "user", "content": "hello"}]},
        {"temperature": 0.3},
        {"tools": []},
        {"max_tokens": 10},
    ],
)
def test_what_changes_the_answer_changes_the_key(change: dict[str, Any]) -> None:
    assert key({**BODY, **change}) != key()


def test_workspace_model_format_and_model_choices_are_in_the_key() -> None:
    assert key(workspace="ws_b") != key()
    assert key(model="openai/gpt-4o-mini") != key()
    assert key(choices={"fallbacks": [{"model": "openai/o3"}]}) != key()
    assert cache_key("ws_a", "responses", "openai/gpt-4o", BODY, None) != key()


class Clock:
    def __init__(self) -> None:
        self.now = 1_800_000_000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def table(emulator: Emulator) -> Iterator[tuple[Any, str]]:
    settings = Settings(aws_endpoint_url=emulator.endpoint_url, table_name="router-cache")
    ensure_resources(settings)
    yield aws.dynamodb(settings), settings.table_name


ANSWER = CachedAnswer(model="openai/gpt-4o", response_json='{"id":"x"}')


def test_an_entry_is_served_until_its_ttl_then_missed(table: tuple[Any, str]) -> None:
    clock = Clock()
    cache = ResponseCache(*table, clock=clock)
    digest = key()
    assert cache.get("ws_a", digest) is None
    assert cache.put("ws_a", digest, ANSWER, ttl=60)
    clock.now += 59.9
    assert cache.get("ws_a", digest) == ANSWER
    clock.now += 0.2
    assert cache.get("ws_a", digest) is None  # expired: DynamoDB's own TTL would delete it late


def test_the_table_ttl_attribute_is_whole_seconds_past_expiry(table: tuple[Any, str]) -> None:
    client, name = table
    clock = Clock()
    ResponseCache(client, name, clock=clock).put("ws_a", "d1", ANSWER, ttl=30)
    item = client.get_item(TableName=name, Key={"pk": {"S": "CACHE#ws_a#d1"}, "sk": {"S": "CACHE"}})["Item"]
    assert item["expires_at"] == {"N": str(int(clock.now) + 30)}


def test_another_workspace_never_sees_an_entry(table: tuple[Any, str]) -> None:
    cache = ResponseCache(*table)
    cache.put("ws_a", "same-digest", ANSWER, ttl=60)
    assert cache.get("ws_b", "same-digest") is None


def test_an_answer_too_large_for_an_item_is_not_cached(table: tuple[Any, str]) -> None:
    cache = ResponseCache(*table)
    big = CachedAnswer(model="openai/gpt-4o", response_json="x" * (MAX_ENTRY_BYTES + 1))
    assert not cache.put("ws_a", "big", big, ttl=60)
    assert cache.get("ws_a", "big") is None
