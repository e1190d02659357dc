"""SecretCache: one fetch per secret per TTL, whatever the concurrency; JSON fields by name."""

from __future__ import annotations

import threading
import time

import pytest
from hyperinfer.errors import GatewayError
from hyperinfer.secrets import SecretCache, json_field


class Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def test_a_value_is_fetched_once_then_again_after_the_ttl() -> None:
    fetched: list[str] = []

    def fetch(sid: str) -> str:
        fetched.append(sid)
        return f"v{len(fetched)}"

    clock = Clock()
    cache = SecretCache(fetch, ttl=300, clock=clock)
    assert cache.fresh("s") is None
    assert cache.get("s") == "v1" and cache.get("s") == "v1" and cache.fresh("s") == "v1"
    clock.now = 299.9
    assert cache.get("s") == "v1"
    clock.now = 300.0
    assert cache.fresh("s") is None and cache.get("s") == "v2"
    assert fetched == ["s", "s"]


def test_concurrent_first_uses_share_one_fetch() -> None:
    calls = 0

    def slow(_: str) -> str:
        nonlocal calls
        calls += 1
        time.sleep(0.05)
        return "value"

    cache = SecretCache(slow, ttl=60)
    results: list[str] = []
    threads = [threading.Thread(target=lambda: results.append(cache.get("s"))) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert results == ["value"] * 8 and calls == 1


def test_json_fields() -> None:
    assert json_field('{"OPENAI_API_KEY": "k", "EMPTY": ""}', "OPENAI_API_KEY") == "k"
    assert json_field('{"OPENAI_API_KEY": "k"}', "ANTHROPIC_API_KEY") is None
    assert json_field('{"EMPTY": ""}', "EMPTY") is None
    assert json_field('["not", "an", "object"]', "X") is None
    with pytest.raises(GatewayError, match="not a JSON object"):
        json_field("plain text", "X")
