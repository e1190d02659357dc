"""How long a batch takes locally: creating it, and running all of its requests to the end.

Starts the fake provider and `hyperinfer dev` (its batch consumer polls the embedded emulator's
queue, as the event source mapping would on Lambda), creates one Message Batch of N requests over
three models and polls it until it ends. Prints the create latency, the time to the end and the
requests per second; every result must have succeeded.

    .venv/bin/python bench/batches.py [--requests 1000]
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.local_gateway import local_gateway

KEY = "sk-hi-bench"
MODELS = ("claude-haiku-4-5", "gpt-4.1-mini", "gpt-5.3-codex")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--requests", type=int, default=1000)
    n = parser.parse_args().requests

    with local_gateway(KEY) as local:
        http = httpx.Client(base_url=f"{local.base}/api/v1", headers={"x-api-key": KEY}, timeout=60)
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


if __name__ == "__main__":
    main()
