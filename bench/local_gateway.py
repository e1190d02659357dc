"""The benches' local stack: the fake provider in this process, `hyperinfer dev` in its own (with
its embedded emulator), the catalog pointed at the fake. One place for what every bench starts."""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "layers" / "hyperinfer"))

from hyperinfer.local.emulator import free_port  # noqa: E402
from hyperinfer.local.fakes.server import FakeProvider, ServerThread  # noqa: E402

from tests.support import catalog_for, wait_until_healthy  # noqa: E402


@dataclass(frozen=True)
class LocalGateway:
    base: str  # the gateway's URL
    upstream: str  # the fake provider's URL
    fake: FakeProvider
    pid: int  # the gateway process, for its CPU time


@contextmanager
def local_gateway(key: str) -> Iterator[LocalGateway]:
    fake = FakeProvider(hostile=False)
    upstream = ServerThread(fake.app, free_port())
    upstream.start()
    workdir = Path(tempfile.mkdtemp())
    port = free_port()
    env = {
        **os.environ,
        "OPENAI_API_KEY": "sk-bench-upstream",
        "HYPERINFER_PROVIDERS_FILE": str(catalog_for(upstream.url, workdir / "providers.yaml")),
    }
    gateway = subprocess.Popen(
        [sys.executable, "-m", "hyperinfer.cli", "dev", "--port", str(port), "--dev-key", key],
        cwd=workdir,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        wait_until_healthy(base)
        yield LocalGateway(base, upstream.url, fake, gateway.pid)
    finally:
        gateway.terminate()
        gateway.wait(timeout=10)
        upstream.stop()
