"""Latency the gateway adds over calling the provider directly, both measured in one interleaved run.

Starts the fake provider and `hyperinfer dev` on loopback, then alternates identical requests to
each. Prints p50/p99 of whole non-streamed completions and of streaming time to first byte, and the
gateway process's CPU time per request (user + system, from /proc), which is steadier than latency
on a shared machine. Then a cache-hit row: one request with the router's exact-match `cache`,
whose upstream answer takes 200 ms, asked again and again (only the first goes upstream).

    .venv/bin/python bench/gateway_latency.py [--requests 300]
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

import httpx

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from hyperinfer.local.fakes.server import FakeProvider  # noqa: E402

from bench.local_gateway import LocalGateway, local_gateway  # noqa: E402

KEY = "sk-hi-bench"
MESSAGES = [{"role": "user", "content": "Hello there"}]


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def cpu_seconds(pid: int) -> float:
    """User + system CPU time of a process (Linux /proc), in seconds."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def timed(call: Callable[[], None]) -> float:
    start = time.perf_counter()
    call()
    return (time.perf_counter() - start) * 1000


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--requests", type=int, default=300)
    n = parser.parse_args().requests

    with local_gateway(KEY) as local:
        run_bench(local, n)


def run_bench(local: LocalGateway, n: int) -> None:
    fake, base = local.fake, local.base
    http = httpx.Client(timeout=30)
    targets = {
        "direct": (f"{local.upstream}/v1/chat/completions", {"model": "gpt-4.1-mini"}, {}),
        "gateway": (
            f"{base}/api/v1/chat/completions",
            {"model": "openai/gpt-4.1-mini"},
            {"Authorization": f"Bearer {KEY}"},
        ),
    }

    def complete(name: str) -> Callable[[], None]:
        url, model, headers = targets[name]

        def run() -> None:
            http.post(url, json={**model, "messages": MESSAGES}, headers=headers).raise_for_status()

        return run

    def first_byte(name: str) -> Callable[[], None]:
        url, model, headers = targets[name]

        def run() -> None:
            with http.stream(
                "POST", url, json={**model, "messages": MESSAGES, "stream": True}, headers=headers
            ) as response:
                next(response.iter_bytes())

        return run

    for name in targets:  # warm connections, caches and the first-request imports
        for _ in range(10):
            complete(name)()
    results: dict[str, list[float]] = {
        key: [] for key in ("direct", "gateway", "direct ttfb", "gateway ttfb")
    }
    cpu_before = cpu_seconds(local.pid)
    for _ in range(n):
        for name in targets:
            results[name].append(timed(complete(name)))
            results[f"{name} ttfb"].append(timed(first_byte(name)))
        fake.calls.clear()
    cpu_ms = (cpu_seconds(local.pid) - cpu_before) * 1000 / (2 * n)
    print(f"{n} interleaved requests per row (loopback, fake provider, {os.cpu_count()} cores)")
    print(f"{'':<16}{'p50 ms':>10}{'p99 ms':>10}")
    for key, values in results.items():
        print(f"{key:<16}{percentile(values, 0.5):>10.2f}{percentile(values, 0.99):>10.2f}")
    for kind, suffix in (("completion", ""), ("stream TTFB", " ttfb")):
        added50 = statistics.median(results["gateway" + suffix]) - statistics.median(
            results["direct" + suffix]
        )
        added99 = percentile(results["gateway" + suffix], 0.99) - percentile(results["direct" + suffix], 0.99)
        print(f"added by the gateway, {kind}: p50 {added50:.2f} ms, p99 {added99:.2f} ms")
    print(f"gateway CPU per request (completion and stream alternating): {cpu_ms:.2f} ms")
    print_cache_hits(http, base, n, local.pid, fake)


def print_cache_hits(http: httpx.Client, base: str, n: int, pid: int, fake: FakeProvider) -> None:
    body = {
        "model": "openai/gpt-4.1-mini",
        "messages": [{"role": "user", "content": "Cache me [[fake delay=0.2]]"}],
        "cache": {"type": "exact_match", "ttl": 3600},
    }
    url, headers = f"{base}/api/v1/chat/completions", {"Authorization": f"Bearer {KEY}"}

    def ask() -> None:
        http.post(url, json=body, headers=headers).raise_for_status()

    fake.calls.clear()
    miss = timed(ask)
    hits: list[float] = []
    cpu_before = cpu_seconds(pid)
    for _ in range(n):
        hits.append(timed(ask))
    cpu_ms = (cpu_seconds(pid) - cpu_before) * 1000 / n
    assert len(fake.calls) == 1, "a cache hit went upstream"
    print(f"{'cache miss':<16}{miss:>10.2f}{'':>10}  (the upstream answers in 200 ms)")
    print(f"{'cache hit':<16}{percentile(hits, 0.5):>10.2f}{percentile(hits, 0.99):>10.2f}")
    print(f"gateway CPU per cache hit: {cpu_ms:.2f} ms")


if __name__ == "__main__":
    main()
