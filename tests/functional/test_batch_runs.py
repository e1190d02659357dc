"""The batch consumer in-process on real SQS event shapes, against the emulator and the fake
provider: a redelivered or duplicated message never calls the upstream twice nor charges twice,
and a consumer killed mid-request leaves the request claimable after its lease, its hold to the
sweep."""

from __future__ import annotations

import copy
import hashlib
import json
import math
import time
from pathlib import Path
from typing import Any

import yaml
from hyperinfer.accounts.keys import hash_key
from hyperinfer.accounts.sweep import sweep
from hyperinfer.batches import ids, service
from hyperinfer.batches.requests import BatchRequest
from hyperinfer.batches.runner import BatchMessage
from hyperinfer.gateway.runtime import configure
from hyperinfer.invoke import invoke
from hyperinfer.local.fakes.server import FakeProvider
from hyperinfer.settings import Settings

from tests.support import REPO, SAMPLE_EVENT_KEY

TEMPLATE = json.loads((REPO / "events/batch_run/deleted-batch.json").read_text())


def sqs_event(*messages: BatchMessage) -> dict[str, Any]:
    event: dict[str, Any] = {"Records": []}
    for n, message in enumerate(messages):
        record = copy.deepcopy(TEMPLATE["Records"][0])
        record["messageId"] = f"message-{n}"
        record["body"] = message.model_dump_json()
        record["md5OfBody"] = hashlib.md5(record["body"].encode()).hexdigest()  # noqa: S324 - SQS's checksum
        event["Records"].append(record)
    return event


def new_batch(settings: Settings, say: str, count: int = 1) -> str:
    rt = configure(settings)
    api_key = rt.accounts.key_by_hash(hash_key(SAMPLE_EVENT_KEY))
    assert api_key is not None
    body = {"model": "gpt-4.1-mini", "messages": [{"role": "user", "content": say}]}
    requests = [BatchRequest(f"c{n}", "chat_completions", body) for n in range(count)]
    batch_id = ids.openai_batch_id()
    extra = {"endpoint": "/v1/chat/completions", "input_file_id": "file-x", "completion_window": "24h"}
    service.create(settings, api_key, requests, api="openai", batch_id=batch_id, extra=extra)
    return batch_id


def expand_and_run(batch_id: str, *indexes: int, copies: int = 1) -> dict[str, Any]:
    expand = BatchMessage(kind="expand", workspace_id="ws_events", batch_id=batch_id, chunk=0)
    assert invoke("batch_run", sqs_event(expand)) == {"batchItemFailures": []}
    runs = [BatchMessage(kind="run", workspace_id="ws_events", batch_id=batch_id, index=i) for i in indexes]
    return invoke("batch_run", sqs_event(*(runs * copies)))


def calls(fake: FakeProvider, marker: str) -> int:
    return sum(marker in json.dumps(call["body"]) for call in fake.calls)


def test_a_duplicated_and_redelivered_run_message_calls_and_charges_once(
    settings: Settings, fake: FakeProvider
) -> None:
    rt = configure(settings)
    before = rt.accounts.balance("ws_events")
    batch_id = new_batch(settings, "exactly-once")
    assert expand_and_run(batch_id, 0, copies=3) == {"batchItemFailures": []}  # three at once
    assert invoke(
        "batch_run", sqs_event(BatchMessage(kind="run", workspace_id="ws_events", batch_id=batch_id))
    ) == {"batchItemFailures": []}  # and once more, later
    assert calls(fake, "exactly-once") == 1
    record = rt.billing.generation(f"{batch_id}-0-1")
    assert record is not None and record["status"] == "success" and record["batch_id"] == batch_id
    assert rt.accounts.balance("ws_events") == before - int(record["cost_micro_usd"])
    batch = service.store_for(settings).get("ws_events", batch_id)
    assert batch is not None and (batch["state"], batch["succeeded"], batch["processing"]) == ("ended", 1, 0)


def test_a_consumer_killed_mid_request_leaves_it_claimable_and_its_hold_to_the_sweep(
    settings: Settings, fake: FakeProvider
) -> None:
    short = settings.model_copy(update={"batch_lease_seconds": 1})
    rt = configure(short)
    before = rt.accounts.balance("ws_events")
    batch_id = new_batch(short, "killed-mid-request")
    expand = BatchMessage(kind="expand", workspace_id="ws_events", batch_id=batch_id, chunk=0)
    assert invoke("batch_run", sqs_event(expand)) == {"batchItemFailures": []}
    # What a consumer that died after claiming and reserving leaves behind:
    store = service.store_for(short)
    assert store.claim(batch_id, 0, "dead-run", lease_seconds=1) is not None
    api_key = rt.accounts.key_by_hash(hash_key(SAMPLE_EVENT_KEY))
    assert api_key is not None
    dead_hold = rt.billing.reserve(api_key, 5_000, f"{batch_id}-0-1", about={"model": "openai/gpt-4.1-mini"})
    run = sqs_event(BatchMessage(kind="run", workspace_id="ws_events", batch_id=batch_id, index=0))
    assert invoke("batch_run", run) == {"batchItemFailures": []}
    assert calls(fake, "killed-mid-request") == 0  # the claim still holds: nobody calls
    time.sleep(2.1)
    assert invoke("batch_run", run) == {"batchItemFailures": []}
    assert calls(fake, "killed-mid-request") == 1
    second = rt.billing.generation(f"{batch_id}-0-2")
    assert second is not None and second["status"] == "success"
    assert rt.billing.generation(f"{batch_id}-0-1") is None
    assert f"{batch_id}-0-1" in sweep(rt.billing, older_than=-10)
    swept = rt.billing.generation(f"{batch_id}-0-1")
    assert swept is not None and swept["status"] == "swept" and swept["cost_micro_usd"] == dead_hold.amount
    assert rt.accounts.balance("ws_events") == before - int(second["cost_micro_usd"]) - dead_hold.amount
    assert invoke("batch_run", run) == {"batchItemFailures": []}  # done: no third call
    assert calls(fake, "killed-mid-request") == 1


def test_the_sample_event_for_a_deleted_batch_is_acknowledged_and_runs_nothing(fake: FakeProvider) -> None:
    before = len(fake.calls)
    assert invoke("batch_run", TEMPLATE) == {"batchItemFailures": []}
    assert len(fake.calls) == before


def test_a_models_batch_discount_applies_to_its_batch_requests(
    settings: Settings, fake: FakeProvider, tmp_path: Path
) -> None:
    raw = yaml.safe_load(settings.providers_file.read_text())
    model = next(m for m in raw["models"] if m["slug"] == "openai/gpt-4.1-mini")
    model["pricing"]["batch_discount"] = "0.5"
    catalog = tmp_path / "providers.yaml"
    catalog.write_text(yaml.safe_dump(raw, sort_keys=False))
    discounted = settings.model_copy(update={"providers_file": catalog})
    rt = configure(discounted)
    batch_id = new_batch(discounted, "half-price")
    assert expand_and_run(batch_id, 0) == {"batchItemFailures": []}
    record = rt.billing.generation(f"{batch_id}-0-1")
    assert record is not None and record["status"] == "success"
    pricing = rt.catalog.find("openai/gpt-4.1-mini").pricing  # type: ignore[union-attr]
    full = record["tokens_prompt"] * pricing.prompt + record["tokens_completion"] * pricing.completion
    assert record["cost_micro_usd"] == math.ceil(full / 2) and record["cost_micro_usd"] > 0
    stored = service.store_for(discounted).result_of(next(service.store_for(discounted).requests(batch_id)))
    assert stored["body"]["usage"]["cost"] == record["cost_micro_usd"] / 1_000_000


def test_a_request_too_large_for_an_item_runs_from_its_chunk_file(
    settings: Settings, fake: FakeProvider
) -> None:
    rt = configure(settings)
    say = "large-request " + "x" * 400_000  # over DynamoDB's item size, under the body limit
    batch_id = new_batch(settings, say, count=2)
    assert expand_and_run(batch_id, 0, 1) == {"batchItemFailures": []}
    assert calls(fake, "large-request") == 2
    sent = [c["body"] for c in fake.calls if "large-request" in json.dumps(c["body"])]
    assert all(body["messages"][0]["content"] == say for body in sent)
    assert all(rt.billing.generation(f"{batch_id}-{i}-1") is not None for i in (0, 1))
