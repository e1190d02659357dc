"""Money when the provider or the client misbehaves (issue 12 points 1-3), through two `hyperinfer
dev` processes on one DynamoDB emulator: a stream the client abandons, a stream that breaks after
output, and a provider that ignores the cap and reports more usage than the hold covers."""

from __future__ import annotations

import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import httpx
import pytest
from hyperinfer.accounts.billing import Billing
from hyperinfer.accounts.keys import hash_key
from hyperinfer.accounts.pricing import cost_micro_usd
from hyperinfer.accounts.store import AccountStore, key_for_hash
from hyperinfer.catalog import Model, load_catalog
from hyperinfer.gateway.estimate import prompt_upper_bound
from hyperinfer.ir.usage import Usage
from hyperinfer.local.fakes.server import FakeProvider

from tests.integration.conftest import Gateway, running_gateway
from tests.integration.test_billing import MODEL, chat, generations, launch, reservation_of, workspace

PROMPT = "Tell me everything about lighthouses. " * 200  # a prompt worth charging for


@pytest.fixture(scope="module")
def gateway(fake: FakeProvider, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Gateway]:
    with running_gateway(fake, tmp_path_factory.mktemp("misbehaving")) as running:
        yield running


@pytest.fixture(scope="module")
def second(gateway: Gateway, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    process, url = launch(gateway, tmp_path_factory.mktemp("misbehaving-second"))
    yield url
    process.terminate()
    process.wait(timeout=10)


def _model(gateway: Gateway) -> Model:
    model = load_catalog(gateway.workdir / "providers.yaml").find(MODEL)
    assert model is not None
    return model


def _record(store: AccountStore, workspace_id: str, timeout: float = 10) -> dict[str, Any]:
    """The workspace's one generation record, once the (possibly asynchronous) settlement wrote it."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        records = generations(store, workspace_id)
        if records:
            [record] = records
            return record
        time.sleep(0.1)
    raise AssertionError(f"no generation record for {workspace_id}")


def _body(say: str, **fields: Any) -> dict[str, Any]:
    return {"model": MODEL, "messages": [{"role": "user", "content": say}], **fields}


def test_an_abandoned_stream_pays_for_its_prompt_and_what_it_produced(gateway: Gateway, second: str) -> None:
    store, key = workspace(gateway, "ws_abandoned", 5)
    body = _body(PROMPT + "[[fake chunk_delay=0.3]]", stream=True, max_tokens=64)
    deltas = 0
    with httpx.stream(
        "POST", f"{second}/api/v1/chat/completions", json=body, headers={"Authorization": f"Bearer {key}"}
    ) as response:
        for line in response.iter_lines():
            if '"content":"' in line and '"content":""' not in line:
                deltas += 1
            if deltas == 3:
                break  # the client leaves: the provider never gets to its usage chunk
    record = _record(store, "ws_abandoned")
    model = _model(gateway)
    prompt = prompt_upper_bound(body)  # the documented bound: never below the true count
    assert record["status"] == "cancelled" and record["estimated"] is True
    assert record["tokens_prompt"] == prompt and record["tokens_completion"] >= 3
    usage = Usage(input_tokens=prompt, output_tokens=record["tokens_completion"])
    assert record["cost_micro_usd"] == cost_micro_usd(usage, model.pricing)
    assert record["cost_micro_usd"] > cost_micro_usd(Usage(output_tokens=3), model.pricing) * 10
    assert store.balance("ws_abandoned") == 5_000_000 - record["cost_micro_usd"]


@pytest.mark.parametrize("directive", ["drop", "midstream_error"])
def test_a_stream_that_breaks_after_output_is_billed_for_what_it_produced(
    gateway: Gateway, directive: str
) -> None:
    ws = f"ws_broken_{directive}"
    store, key = workspace(gateway, ws, 5)
    body = _body(f"{PROMPT}[[fake {directive}]]", stream=True, max_tokens=64)
    with httpx.stream(
        "POST",
        f"{gateway.url}/api/v1/chat/completions",
        json=body,
        headers={"Authorization": f"Bearer {key}"},
    ) as response:
        text = "".join(response.iter_lines())
    assert '"content":"H' in text and '"error"' in text  # output, then the error event
    record = _record(store, ws)
    assert (record["status"], record["error_code"]) == ("error", "provider_unavailable")
    assert record["estimated"] is True and record["tokens_prompt"] == prompt_upper_bound(body)
    assert record["cost_micro_usd"] > 0
    assert store.balance(ws) == 5_000_000 - record["cost_micro_usd"]


def test_a_stream_that_fails_before_any_output_costs_nothing(gateway: Gateway) -> None:
    store, key = workspace(gateway, "ws_no_output", 5)
    response = chat(gateway.url, key, "[[fake status=503]]", stream=True)
    assert response.status_code == 502
    record = _record(store, "ws_no_output")
    assert record["status"] == "error" and record["cost_micro_usd"] == 0
    assert store.balance("ws_no_output") == 5_000_000


def test_usage_beyond_the_hold_is_recorded_not_charged(gateway: Gateway) -> None:
    store, key = workspace(gateway, "ws_overrun", 5)
    body = _body("hi [[fake completion=2000000]]", max_tokens=16)
    hold = reservation_of(gateway, body, 16)
    response = chat(gateway.url, key, "hi [[fake completion=2000000]]", max_tokens=16)
    assert response.status_code == 200, response.text
    record = _record(store, "ws_overrun")
    model = _model(gateway)
    billed = cost_micro_usd(
        Usage(input_tokens=record["tokens_prompt"], output_tokens=2_000_000), model.pricing
    )
    assert record["tokens_completion"] == 2_000_000
    assert record["cost_micro_usd"] == hold < billed
    assert record["unbilled_micro_usd"] == billed - hold
    public = httpx.get(
        f"{gateway.url}/api/v1/generation",
        params={"id": record["id"]},
        headers={"Authorization": f"Bearer {key}"},
    ).json()["data"]
    assert public["unbilled_micro_usd"] == str(billed - hold)
    assert store.balance("ws_overrun") == 5_000_000 - hold


def test_concurrent_overruns_over_two_processes_never_push_a_balance_or_a_key_past_its_limit(
    gateway: Gateway, second: str
) -> None:
    say = "hi [[fake completion=2000000 chunk_delay=0.2]]"
    body = _body(say, max_tokens=32, stream=True)
    hold = reservation_of(gateway, body, 32)
    store, key = workspace(gateway, "ws_overruns", 0, spend_limit=hold * 6)
    store.add_credits("ws_overruns", hold * 10, "ten-holds")
    with ThreadPoolExecutor(max_workers=16) as pool:
        results = list(
            pool.map(lambda url: chat(url, key, say, max_tokens=32, stream=True), [gateway.url, second] * 8)
        )
    statuses = [r.status_code for r in results]
    assert set(statuses) <= {200, 402} and statuses.count(200) >= 1
    records = generations(store, "ws_overruns")
    assert len(records) == 16
    charged = sum(r["cost_micro_usd"] for r in records)
    assert all(r["cost_micro_usd"] <= hold for r in records)
    assert sum(r["unbilled_micro_usd"] for r in records) > 0
    assert store.balance("ws_overruns") == hold * 10 - charged >= 0
    assert all(s["balance"] >= 0 for s in store.shard_states("ws_overruns"))
    item = store.db.get_item(TableName=store.table, Key=key_for_hash(hash_key(key)))["Item"]
    assert int(item["committed"]["N"]) == charged <= hold * 6  # the key's limit held, nothing held open
    assert Billing(store).open_reservations(older_than=-10) == []
