"""How long a batch takes locally: creating it, and running all of its requests to the end.

Starts the fake provider and `hyperinfer dev` (its batch consumer polls the embedded emulator's
queue, as the event source mapping would on Lambda), creates one Message Batch of N requests over
three models and polls it until it ends. Prints the create latency, the time to the end and the
requests per second; every result must have succeeded.

    .venv/bin/python bench/batches.py [--requests 1000]
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "layers" / "hyperinfer"))

from hyperinfer.local.emulator import free_port  # noqa: E402
from hyperinfer.local.fakes.server import FakeProvider, ServerThread  # noqa: E402

from tests.support import catalog_for, wait_until_healthy  # noqa: E402

KEY = "sk-hi-bench"
MODELS = ("claude-haiku-4-5", "gpt-4.1-mini", "gpt-5.3-codex")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--requests", type=int, default=1000)
    n = parser.parse_args().requests

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
        [sys.executable, "-m", "hyperinfer.cli", "dev", "--port", str(port), "--dev-key", KEY],
        cwd=workdir,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        wait_until_healthy(base)
        http = httpx.Client(base_url=f"{base}/api/v1", headers={"x-api-key": KEY}, timeout=60)
        requests = [
            {
                "custom_id": f"r{i}",
                "params": {
                    "model": MODELS[i % len(MODELS)],
                    "max_tokens": 32,
                    "messages": [{"role": "user", "content": f"Question {i}"}],
                },
            }
            for i in range(n)
        ]
        started = time.perf_counter()
        created = http.post("/messages/batches", json={"requests": requests})
        create_ms = (time.perf_counter() - started) * 1000
        created.raise_for_status()
        batch_id = created.json()["id"]
        while True:
            batch = http.get(f"/messages/batches/{batch_id}").json()
            if batch["processing_status"] == "ended":
                break
            time.sleep(0.25)
        total = time.perf_counter() - started
        counts = batch["request_counts"]
        print(f"batch of {n} requests over {len(MODELS)} models")
        print(f"  create          {create_ms:8.1f} ms")
        print(f"  to ended        {total:8.1f} s   ({n / total:.1f} requests/s)")
        print(f"  counts          {counts}")
        if counts["succeeded"] != n:
            raise SystemExit("not every request succeeded")
    finally:
        gateway.terminate()
        gateway.wait(timeout=10)
        upstream.stop()


if __name__ == "__main__":
    main()
