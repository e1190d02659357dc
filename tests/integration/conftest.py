"""The local gateway as users run it: `hyperinfer dev` in its own process, on a loopback port,
with its embedded moto, talking to the fake provider over HTTP."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import boto3
import openai
import pytest
from hyperinfer.local.emulator import free_port
from hyperinfer.local.fakes.server import FakeProvider

from tests.support import CATALOG_DATE, UPSTREAM_KEY, catalog_for, wait_until_healthy

DEV_KEY = "sk-hi-integration-dev-key-0123456789"
INTERNAL_TOKEN = "integration-internal-token"
READ_TIMEOUT = 2.0
KEEPALIVE = 0.3
MAX_BODY = 256 * 1024


@dataclass(frozen=True)
class Gateway:
    url: str
    workdir: Path
    log: Path

    @property
    def openai_base(self) -> str:
        return f"{self.url}/api/v1"

    def client(self, key: str = DEV_KEY) -> openai.OpenAI:
        return openai.OpenAI(base_url=self.openai_base, api_key=key, max_retries=0, timeout=20)

    def state(self) -> dict[str, Any]:
        """.hyperinfer/dev.json: where this gateway's emulator and its table, queues and bucket are."""
        loaded: dict[str, Any] = json.loads((self.workdir / ".hyperinfer" / "dev.json").read_text())
        return loaded

    def aws(self, service: str) -> Any:
        """A boto3 client on this gateway's embedded emulator."""
        state = self.state()
        return boto3.client(
            service,
            endpoint_url=state["aws_endpoint_url"],
            region_name=state["aws_region"],
            aws_access_key_id="x",
            aws_secret_access_key="x",
        )


@contextmanager
def running_gateway(
    fake: FakeProvider,
    workdir: Path,
    *,
    catalog: Path | None = None,
    env: dict[str, str] | None = None,
    routes: dict[str, Any] | None = None,
) -> Iterator[Gateway]:
    """`hyperinfer dev` in its own process and workdir, with its own embedded emulator; ``env`` adds
    settings, ``routes`` adds catalog routes to the default catalog."""
    catalog = catalog or catalog_for(fake.url, workdir / "providers.yaml", routes)
    env = {
        **os.environ,
        "OPENAI_API_KEY": UPSTREAM_KEY,
        "HYPERINFER_PROVIDERS_FILE": str(catalog),
        "HYPERINFER_DEV_KEY": DEV_KEY,
        "HYPERINFER_INTERNAL_TOKEN": INTERNAL_TOKEN,
        "HYPERINFER_UPSTREAM_READ_TIMEOUT": str(READ_TIMEOUT),
        "HYPERINFER_KEEPALIVE_INTERVAL": str(KEEPALIVE),
        "HYPERINFER_MAX_REQUEST_BYTES": str(MAX_BODY),
        "HYPERINFER_CATALOG_DATE": CATALOG_DATE.isoformat(),
        **(env or {}),
    }
    with dev_process([], workdir, env) as running:
        yield running


@contextmanager
def dev_process(args: list[str], workdir: Path, env: dict[str, str]) -> Iterator[Gateway]:
    """`hyperinfer dev --port <free> *args` in ``workdir`` with exactly ``env``, its output in
    gateway.log, stopped on exit."""
    port = free_port()
    log = workdir / "gateway.log"
    with log.open("wb") as out:
        process = subprocess.Popen(
            [sys.executable, "-m", "hyperinfer.cli", "dev", "--port", str(port), *args],
            cwd=workdir,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    url = f"http://127.0.0.1:{port}"
    try:
        wait_until_healthy(url)
        yield Gateway(url, workdir, log)
    finally:
        process.terminate()
        process.wait(timeout=10)


@pytest.fixture(scope="session")
def gateway(fake: FakeProvider, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Gateway]:
    with running_gateway(fake, tmp_path_factory.mktemp("dev")) as running:
        yield running


@pytest.fixture(autouse=True)
def _fresh_fake(fake: FakeProvider) -> None:
    fake.calls.clear()
    fake.scripts.clear()
