"""Handlers called in-process on the `events/` files, as `hyperinfer invoke` (and `sam local invoke`)
run them.

The data they need lives in the moto emulator (server mode); providers resolve to the fake provider.
"""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest
from hyperinfer.gateway.runtime import configure
from hyperinfer.local.emulator import Emulator, ensure_resources
from hyperinfer.local.fakes.server import FakeProvider
from hyperinfer.settings import Settings

from tests.support import CATALOG_DATE, SAMPLE_EVENT_KEY, UPSTREAM_KEY, catalog_for


@pytest.fixture(scope="session")
def settings(
    emulator: Emulator, fake: FakeProvider, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Settings]:
    catalog = catalog_for(fake.url, tmp_path_factory.mktemp("functional") / "providers.yaml")
    settings = Settings(
        providers_file=catalog,
        aws_endpoint_url=emulator.endpoint_url,
        table_name="functional",
        internal_token="sample-internal-token",
        catalog_date=CATALOG_DATE,
    )
    ensure_resources(settings)
    accounts = configure(settings).accounts
    accounts.create_workspace("ws_events", "Sample events")
    accounts.add_credits("ws_events", 10_000_000, "seed")
    accounts.create_key("ws_events", "events", key=SAMPLE_EVENT_KEY)
    previous = os.environ.get("OPENAI_API_KEY")
    os.environ["OPENAI_API_KEY"] = UPSTREAM_KEY
    yield settings
    if previous is None:
        del os.environ["OPENAI_API_KEY"]
    else:
        os.environ["OPENAI_API_KEY"] = previous


@pytest.fixture(autouse=True)
def _configured(settings: Settings) -> None:
    configure(settings)
