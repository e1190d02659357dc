"""Money through the real path: two `hyperinfer dev` processes share one DynamoDB emulator, as
Lambdas share one table; every limit must hold across them."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import httpx
import pytest
from hyperinfer.accounts.billing import Billing
from hyperinfer.accounts.store import AccountStore
from hyperinfer.accounts.sweep import sweep
from hyperinfer.catalog import load_catalog
from hyperinfer.gateway.estimate import prompt_upper_bound
from hyperinfer.gateway.metering import worst_case_cost
from hyperinfer.local.emulator import free_port
from hyperinfer.local.fakes.server import FakeProvider

from tests.integration.conftest import DEV_KEY, MAX_BODY, Gateway, running_gateway
from tests.support import wait_until_healthy

MODEL = "openai/gpt-4.1-mini"


def store_of(gateway: Gateway) -> AccountStore:
    return AccountStore(gateway.aws("dynamodb"), gateway.state()["table_name"])


def launch(gateway: Gateway, workdir: Path) -> tuple[subprocess.Popen[bytes], str]:
    """Another gateway process on the first one's emulator: another Lambda on the same table."""
    port = free_port()
    env = {
        **os.environ,
        "OPENAI_API_KEY": "sk-upstream-secret-key-1234567890abcdef",
        "HYPERINFER_PROVIDERS_FILE": str(gateway.workdir / "providers.yaml"),
        "HYPERINFER_DEV_KEY": DEV_KEY,
        "HYPERINFER_UPSTREAM_READ_TIMEOUT": "5",
        "HYPERINFER_KEY_CACHE_TTL": "0",
    }
    out = (workdir / "second.log").open("wb")
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "hyperinfer.cli",
            "dev",
            "--port",
            str(port),
            "--aws-endpoint",
            gateway.state()["aws_endpoint_url"],
        ],
        cwd=workdir,
        env=env,
        stdout=out,
        stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{port}"
    wait_until_healthy(url)
    return process, url


@pytest.fixture(scope="module")
def gateway(fake: FakeProvider, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Gateway]:
    """A gateway of this module's own: a fresh table keeps moto's transactions (which copy the whole
    table) quick under fifty concurrent requests."""
    with running_gateway(fake, tmp_path_factory.mktemp("billing")) as running:
        yield running


@pytest.fixture(scope="module")
def second(gateway: Gateway, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    process, url = launch(gateway, tmp_path_factory.mktemp("second"))
    yield url
    process.terminate()
    process.wait(timeout=10)


@pytest.fixture
def pair_urls(gateway: Gateway, second: str) -> list[str]:
    return [gateway.url, second]


def workspace(
    gateway: Gateway, name: str, credits_usd: float, **key_options: Any
) -> tuple[AccountStore, str]:
    store = store_of(gateway)
    store.create_workspace(name, name)
    store.add_credits(name, int(credits_usd * 1_000_000), f"{name}-seed")
    key, _ = store.create_key(name, "test", **key_options)
    return store, key


def chat(url: str, key: str, say: str = "hi", **fields: Any) -> httpx.Response:
    body = {"model": MODEL, "messages": [{"role": "user", "content": say}], **fields}
    return httpx.post(
        f"{url}/api/v1/chat/completions", json=body, headers={"Authorization": f"Bearer {key}"}, timeout=30
    )


def generations(store: AccountStore, workspace_id: str) -> list[dict[str, Any]]:
    return store._query_gsi(f"WS#{workspace_id}", "GEN#")


def reservation_of(gateway: Gateway, body: dict[str, Any], cap: int) -> int:
    """What the gateway holds for `body`: the worst case the pipeline computes, from the same functions."""
    model = load_catalog(gateway.workdir / "providers.yaml").find(MODEL)
    assert model is not None
    return worst_case_cost(model, prompt_upper_bound(body), cap)


def test_fifty_parallel_requests_over_two_processes_never_overspend(gateway: Gateway, second: str) -> None:
    store, key = workspace(gateway, "ws_race", 0)
    say = "[[fake chunk_delay=0.4]]"  # each answer streams for about four seconds, holding its reservation
    body = {"model": MODEL, "messages": [{"role": "user", "content": say}], "max_tokens": 64, "stream": True}
    store.add_credits("ws_race", reservation_of(gateway, body, 64) * 20, "covers-20")  # 20 holds at once
    initial = store.balance("ws_race")
    urls = [gateway.url, second] * 25
    with ThreadPoolExecutor(max_workers=50) as pool:
        results = list(pool.map(lambda url: chat(url, key, say, max_tokens=64, stream=True), urls))
    statuses = [r.status_code for r in results]
    assert set(statuses) <= {200, 402}, statuses
    # Twenty holds fit at once; later arrivals fit only as earlier streams settle (and refund the
    # difference between their hold and their real, smaller cost). Some must have been refused.
    assert statuses.count(200) >= 20 and statuses.count(402) >= 5
    assert all(r.json()["error"]["code"] == "insufficient_credits" for r in results if r.status_code == 402)
    final = store.balance("ws_race")
    shards = store.shard_states("ws_race")
    assert final >= 0 and all(s["balance"] >= 0 for s in shards)
    assert all(slot["inflight"] == 0 for slot in store.shard_states("ws_race", "SLOT#"))
    records = generations(store, "ws_race")
    assert len(records) == 50  # every request recorded, success or error
    assert sorted(r["status"] for r in records) == sorted(
        "success" if c == 200 else "error" for c in statuses
    )
    assert initial - final == sum(r["cost_micro_usd"] for r in records)
    assert Billing(store).open_reservations(older_than=-10) == []


def test_requests_per_minute_hold_across_processes(gateway: Gateway, second: str) -> None:
    _, key = workspace(gateway, "ws_rpm", 5, rpm=5)
    # The limit counts per clock minute: all eight requests must fall in one (a run that crossed
    # a minute boundary once admitted 3 + 5).
    left = 60 - time.time() % 60
    if left < 20:
        time.sleep(left + 0.5)
    results = [chat(url, key) for url in [gateway.url, second] * 4]
    assert [r.status_code for r in results].count(200) == 5
    limited = [r for r in results if r.status_code == 429]
    assert len(limited) == 3
    assert all(r.json()["error"]["code"] == "rate_limit_exceeded" for r in limited)
    assert all(1 <= int(r.headers["retry-after"]) <= 60 for r in limited)


def test_a_process_killed_mid_stream_leaves_a_reservation_the_sweep_settles(
    gateway: Gateway, tmp_path_factory: pytest.TempPathFactory, fake: FakeProvider
) -> None:
    store, key = workspace(gateway, "ws_killed", 5)
    before = store.balance("ws_killed")
    process, url = launch(gateway, tmp_path_factory.mktemp("killed"))
    body = {
        "model": MODEL,
        "stream": True,
        "max_tokens": 64,
        "messages": [{"role": "user", "content": "[[fake chunk_delay=1]]"}],
    }
    with httpx.stream(
        "POST", f"{url}/api/v1/chat/completions", json=body, headers={"Authorization": f"Bearer {key}"}
    ) as response:
        next(line for line in response.iter_lines() if line.startswith("data:"))
        process.send_signal(signal.SIGKILL)  # the function dies mid-stream: no settlement
        process.wait(timeout=10)
    held = before - store.balance("ws_killed")
    assert held > 0 and generations(store, "ws_killed") == []
    billing = Billing(store)
    [open_one] = [r for r in billing.open_reservations(older_than=-10) if r["workspace_id"] == "ws_killed"]
    assert open_one["amount"] == held
    settled = sweep(billing, older_than=-10)
    assert open_one["pk"].removeprefix("RES#") in settled
    [record] = generations(store, "ws_killed")
    assert (
        record["status"] == "swept" and record["cost_micro_usd"] == held
    )  # the policy: the hold is the bill
    assert before - store.balance("ws_killed") == held
    assert sweep(billing, older_than=-10) == []  # nothing settles twice


# One request per ingress format: (gateway url, API key, extra body fields) -> the response.
IngressCall = Callable[[str, str, dict[str, str]], httpx.Response]
INGRESS_CALLS: dict[str, IngressCall] = {
    "chat_completions": lambda url, key, extra: httpx.post(
        f"{url}/api/v1/chat/completions",
        headers={"Authorization": f"Bearer {key}"},
        timeout=20,
        json={"model": MODEL, "messages": [{"role": "user", "content": "hi"}], **extra},
    ),
    "responses": lambda url, key, extra: httpx.post(
        f"{url}/api/v1/responses",
        headers={"Authorization": f"Bearer {key}"},
        timeout=20,
        json={"model": MODEL, "input": "hi", **extra},
    ),
    "anthropic_messages": lambda url, key, extra: httpx.post(
        f"{url}/api/v1/messages",
        headers={"x-api-key": key},
        timeout=20,
        json={"model": MODEL, "max_tokens": 64, "messages": [{"role": "user", "content": "hi"}], **extra},
    ),
}


def code_of(response: httpx.Response, ingress: str) -> str:
    body = response.json()
    if ingress == "anthropic_messages":
        assert body["type"] == "error" and body["request_id"] == response.headers["x-request-id"]
    else:
        assert body["error"]["request_id"] == response.headers["x-request-id"]
    return str(body["error"]["code"])


@pytest.mark.parametrize("ingress", list(INGRESS_CALLS))
def test_every_account_error_code_in_each_format(gateway: Gateway, ingress: str) -> None:
    call = INGRESS_CALLS[ingress]
    ws = f"ws_codes_{ingress}"
    store, key = workspace(gateway, ws, 0)
    response = call(gateway.url, key, {})
    assert (response.status_code, code_of(response, ingress)) == (402, "insufficient_credits")
    store.add_credits(ws, 5_000_000, "five-dollars")
    limited, _ = store.create_key(ws, "tiny", spend_limit=1)
    response = call(gateway.url, limited, {})
    assert (response.status_code, code_of(response, ingress)) == (402, "key_limit_exceeded")
    narrow, _ = store.create_key(ws, "narrow", models=("anthropic/claude-sonnet-4.6",))
    response = call(gateway.url, narrow, {})
    assert (response.status_code, code_of(response, ingress)) == (403, "model_not_allowed")
    store.set_locked(ws, True)
    response = call(gateway.url, key, {})
    assert (response.status_code, code_of(response, ingress)) == (403, "workspace_locked")
    store.set_locked(ws, False)
    assert call(gateway.url, key, {}).status_code == 200
    revoked, record = store.create_key(ws, "gone")
    store.revoke_key(record.key_id)
    response = call(gateway.url, revoked, {})
    assert (response.status_code, code_of(response, ingress)) == (401, "invalid_api_key")
    once, _ = store.create_key(ws, "once-a-minute", rpm=1)
    assert call(gateway.url, once, {}).status_code == 200
    response = call(gateway.url, once, {})
    assert (response.status_code, code_of(response, ingress)) == (429, "rate_limit_exceeded")
    assert int(response.headers["retry-after"]) >= 1
    response = call(gateway.url, key, {"padding": "x" * (MAX_BODY + 1)})
    assert (response.status_code, code_of(response, ingress)) == (413, "payload_too_large")


def test_generations_are_private_to_their_workspace(gateway: Gateway) -> None:
    _, mine = workspace(gateway, "ws_mine", 5)
    _, theirs = workspace(gateway, "ws_theirs", 5)
    done = chat(gateway.url, mine, "[[fake cached=3]]")
    request_id = done.headers["x-request-id"]
    for ident in (request_id, f"gen-{request_id}", f"resp_{request_id}", f"msg_{request_id}"):
        got = httpx.get(
            f"{gateway.url}/api/v1/generation",
            params={"id": ident},
            headers={"Authorization": f"Bearer {mine}"},
        )
        assert got.status_code == 200, got.text
    data = got.json()["data"]
    assert data["id"] == request_id and data["status"] == "success" and data["error_code"] is None
    assert data["source"] == "api" and data["ingress_format"] == "chat_completions" and data["model"] == MODEL
    assert data["tokens_cached_prompt"] == 3 and data["tokens_completion"] > 0
    [attempt] = data["attempts"]
    assert (attempt["model"], attempt["status"], attempt["error_code"]) == (MODEL, "success", None)
    assert 0 <= attempt["latency_ms"] <= data["latency_ms"]
    assert data["estimated"] is False and data["unbilled_micro_usd"] == "0"
    assert data["total_cost"] == done.json()["usage"]["cost"] and data["cost_micro_usd"] == str(
        round(data["total_cost"] * 1_000_000)
    )
    other = httpx.get(
        f"{gateway.url}/api/v1/generation",
        params={"id": request_id},
        headers={"Authorization": f"Bearer {theirs}"},
    )
    assert other.status_code == 404 and other.json()["error"]["code"] == "not_found"


def test_no_plaintext_key_anywhere_in_the_table(gateway: Gateway) -> None:
    store, key = workspace(gateway, "ws_secret", 1)
    chat(gateway.url, key)
    items = store.db.scan(TableName=store.table)["Items"]
    dump = json.dumps(items)
    assert key not in dump and DEV_KEY not in dump
    assert key[len("sk-hi-") :] not in dump


def test_a_workspace_cap_on_requests_in_flight_holds_across_processes(
    pair_urls: list[str], gateway: Gateway
) -> None:
    store = store_of(gateway)
    store.create_workspace("ws_cap", "capped", concurrency_cap=2)
    store.add_credits("ws_cap", 5_000_000, "seed")
    key, _ = store.create_key("ws_cap", "test")
    with ThreadPoolExecutor(max_workers=4) as pool:
        results = list(
            pool.map(lambda url: chat(url, key, "[[fake chunk_delay=0.4]]", stream=True), pair_urls * 2)
        )
    statuses = sorted(r.status_code for r in results)
    assert statuses == [200, 200, 429, 429]
    assert all(r.json()["error"]["code"] == "rate_limit_exceeded" for r in results if r.status_code == 429)
    assert all(slot["inflight"] == 0 for slot in store.shard_states("ws_cap", "SLOT#"))
