"""`hyperinfer dev --fake-upstream` rewrites the catalog: every provider at the fake, on its own path."""

from __future__ import annotations

import os
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from hyperinfer.catalog import load_catalog
from hyperinfer.local.demo import FAKE_KEY, pointed_at, write_fake_catalog

from tests.support import REPO

FAKE = "http://127.0.0.1:9100"


def test_every_provider_keeps_its_path_on_the_fakes_host() -> None:
    real = load_catalog(REPO / "providers.yaml")
    demo = pointed_at(real, FAKE)
    assert demo.models == real.models
    assert demo.providers.keys() == real.providers.keys()
    for name, provider in demo.providers.items():
        before, after = urlsplit(real.providers[name].base), urlsplit(provider.base)
        assert (after.scheme, after.netloc, after.path) == ("http", "127.0.0.1:9100", before.path), name
        assert provider.kind == real.providers[name].kind
    assert demo.providers["anthropic"].base == f"{FAKE}/v1"  # the fake serves /v1/messages


def test_the_written_catalog_loads_and_every_key_variable_holds_the_fake_key(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    real = load_catalog(REPO / "providers.yaml")
    keyed = [p for p in real.providers.values() if p.api_key_env]  # bedrock has none: AWS signs
    for provider in keyed:
        monkeypatch.setenv(provider.api_key_env, "sk-a-real-key-the-demo-must-not-send")
    written = write_fake_catalog(REPO / "providers.yaml", FAKE, tmp_path / "demo" / "providers.json")
    assert load_catalog(written) == pointed_at(real, FAKE)
    assert {os.environ[p.api_key_env] for p in keyed} == {FAKE_KEY}
