"""`hyperinfer dev --fake-upstream` (what `make demo` runs) as a new user meets it: the real
providers.yaml, no provider key in the environment, and the README's OpenAI SDK snippet, every
catalog model, Claude Code and Codex answered offline by the built-in fake provider."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import anthropic
import pytest
from hyperinfer.catalog import ProviderKind, load_catalog
from hyperinfer.gateway.adapters import PACKAGES
from hyperinfer.lifecycle import live_models, utc_today
from hyperinfer.local.fakes.server import REPLY_WORDS

from tests.integration.conftest import DEV_KEY, Gateway, dev_process
from tests.integration.test_real_clients import claude_code, codex
from tests.support import REPO

REPLY = " ".join(REPLY_WORDS)
CATALOG = load_catalog(REPO / "providers.yaml")
# Every live model of a kind the pipeline serves; a kind joins here as soon as the gateway calls it.
SERVED = [m.slug for m in live_models(CATALOG, utc_today()) if CATALOG.provider_of(m).kind in PACKAGES]


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Gateway]:
    workdir = tmp_path_factory.mktemp("demo")
    key_variables = {p.api_key_env for p in CATALOG.providers.values() if p.api_key_env}
    env = {
        name: value
        for name, value in os.environ.items()
        if name not in key_variables and not name.startswith("HYPERINFER_")
    }
    args = ["--fake-upstream", "--providers", str(REPO / "providers.yaml"), "--dev-key", DEV_KEY]
    with dev_process(args, workdir, env) as running:
        yield running


def readme_openai_snippet() -> str:
    readme = (REPO / "README.md").read_text()
    snippet: str
    [snippet] = re.findall(r"```python\n(from openai import OpenAI\n.*?)```", readme, flags=re.S)
    return snippet


def test_the_banner_says_loudly_that_answers_are_fake(demo: Gateway) -> None:
    banner = demo.log.read_text()
    assert "OFFLINE DEMO (--fake-upstream)" in banner
    assert f"all {len(CATALOG.providers)} catalog providers answer from the" in banner


def test_the_readme_snippet_answers_with_no_provider_key(demo: Gateway, tmp_path: Path) -> None:
    snippet = readme_openai_snippet()
    assert 'base_url="http://127.0.0.1:8080/api/v1"' in snippet and 'api_key="sk-hi-dev"' in snippet
    script = tmp_path / "snippet.py"
    script.write_text(
        snippet.replace("http://127.0.0.1:8080", demo.url).replace(
            'api_key="sk-hi-dev"', f'api_key="{DEV_KEY}"'
        )
    )
    done = subprocess.run(
        [sys.executable, str(script)], capture_output=True, text=True, timeout=60, check=False
    )
    assert (done.returncode, done.stdout.strip()) == (0, REPLY), done.stderr


@pytest.mark.parametrize("slug", SERVED)
def test_every_catalog_model_answers_offline(demo: Gateway, slug: str) -> None:
    model = CATALOG.find(slug)
    assert model is not None
    if CATALOG.provider_of(model).kind is ProviderKind.ANTHROPIC:
        client = anthropic.Anthropic(base_url=f"{demo.url}/api", api_key=DEV_KEY, max_retries=0)
        message = client.messages.create(
            model=slug, max_tokens=64, messages=[{"role": "user", "content": "Hello"}]
        )
        assert message.content[0].type == "text" and message.content[0].text == REPLY
    else:
        answer = demo.client().responses.create(model=slug, input="Hello")
        assert answer.output_text == REPLY


def test_claude_code_answers_offline(demo: Gateway, tmp_path: Path) -> None:
    result = claude_code(demo, "anthropic/claude-sonnet-4.6", "Say hello", tmp_path)
    assert result.returncode == 0 and REPLY in result.stdout, result.report()


def test_codex_answers_offline(demo: Gateway, tmp_path: Path) -> None:
    result = codex(demo, "openai/gpt-5.3-codex", "Say hello", tmp_path)
    assert result.returncode == 0 and REPLY in result.stdout, result.report()
