"""Session-wide real parts: the fake provider over HTTP and the moto AWS emulator in server mode."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from hyperinfer.local.emulator import Emulator, free_port
from hyperinfer.local.fakes.server import FakeProvider, ServerThread
from hyperinfer.local.fakes.web import FakeWeb


@pytest.fixture(scope="session")
def fake() -> Iterator[FakeProvider]:
    fake = FakeProvider()
    server = ServerThread(fake.app, free_port())
    server.start()
    fake.url = server.url
    yield fake
    server.stop()


@pytest.fixture(scope="session")
def fake_web() -> Iterator[FakeWeb]:
    """Tavily, Brave and a page server (the server tools' backends) on one loopback port."""
    web = FakeWeb()
    server = ServerThread(web.app, free_port())
    server.start()
    web.url = server.url
    yield web
    server.stop()


@pytest.fixture(scope="session")
def emulator() -> Iterator[Emulator]:
    emulator = Emulator()
    emulator.start()
    yield emulator
    emulator.stop()
