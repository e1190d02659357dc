"""Routes for the clients that can send nothing but a model name: Claude Code and Codex CLI name a
route's slug, its primary fails, and the fallback's answer is what they print."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from hyperinfer.local.fakes.server import FakeProvider

from tests.integration.conftest import Gateway
from tests.integration.router_clients import router_gateway
from tests.integration.test_real_clients import REPLY, claude_code, codex

ROUTES = {"test/codex-failover": {"models": ["openai/gpt-5.3-codex", "openai/gpt-4o"]}}


@pytest.fixture(scope="module")
def gateway(fake: FakeProvider, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Gateway]:
    with router_gateway(fake, tmp_path_factory.mktemp("router-clients"), routes=ROUTES) as running:
        yield running


def test_claude_code_on_a_route_is_answered_by_the_fallback(
    gateway: Gateway, fake: FakeProvider, tmp_path: Path
) -> None:
    fake.script("claude-sonnet-4-6", "status=529", "status=529", "status=529")  # the route retries twice
    result = claude_code(gateway, "hyperinfer/sonnet-with-fallback", "Say hello", tmp_path)
    assert result.returncode == 0, result.report()
    assert REPLY in result.stdout, result.report()
    models = [call["body"]["model"] for call in fake.calls]
    assert models[:4] == ["claude-sonnet-4-6"] * 3 + ["claude-haiku-4-5-20251001"]
    assert fake.calls[3]["outcome"] == "completed"


def test_codex_on_a_route_is_answered_by_a_fallback_of_another_format(
    gateway: Gateway, fake: FakeProvider, tmp_path: Path
) -> None:
    fake.script("gpt-5.3-codex", "status=503")
    result = codex(gateway, "test/codex-failover", "Say hello", tmp_path)
    assert result.returncode == 0, result.report()
    assert REPLY in result.stdout, result.report()
    assert [(c["path"], c["body"]["model"]) for c in fake.calls] == [
        ("/v1/responses", "gpt-5.3-codex"),
        ("/v1/chat/completions", "gpt-4o"),
    ]
