"""Batches through both official SDKs against `hyperinfer dev`, its batch consumer and the fake
provider: every kind of model, successes and upstream errors, cancel, expiry, paging, delete,
results, charges, and isolation between workspaces."""

from __future__ import annotations

import io
import json
import time
from collections.abc import Iterator
from typing import Any

import anthropic
import openai
import pytest
from anthropic.types.messages import MessageBatchErroredResult
from hyperinfer.local.fakes.server import REPLY_WORDS, FakeProvider

from tests.integration.conftest import DEV_KEY, Gateway, running_gateway
from tests.integration.test_billing import generations, workspace

REPLY = " ".join(REPLY_WORDS)
# One model of each kind the catalog serves: the batch runs each through its own provider. The first
# three are the cheap ones the other tests use.
MODELS = (
    "anthropic/claude-haiku-4.5",
    "openai/gpt-4.1-mini",
    "openai/gpt-5.3-codex",
    "google/gemini-3.8-flash",
    "anthropic/claude-sonnet-4.6-bedrock",
    "deepseek/deepseek-v4-flash",
)


@pytest.fixture(scope="module")
def gateway(fake: FakeProvider, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Gateway]:
    env = {"HYPERINFER_BATCH_WORKSPACE_CONCURRENCY": "2", "HYPERINFER_KEY_CACHE_TTL": "0"}
    with running_gateway(fake, tmp_path_factory.mktemp("batches"), env=env) as running:
        yield running


def anthropic_client(gateway: Gateway, key: str = DEV_KEY) -> anthropic.Anthropic:
    return anthropic.Anthropic(base_url=f"{gateway.url}/api", api_key=key, max_retries=0, timeout=20)


def params(model: str, say: str = "Hello") -> Any:  # the SDK's TypedDict, built loosely
    # A fractional temperature: a batch keeps its requests' numbers exact, floats included.
    return {
        "model": model,
        "max_tokens": 64,
        "temperature": 0.7,
        "messages": [{"role": "user", "content": say}],
    }


def wait_ended(client: anthropic.Anthropic, batch_id: str, timeout: float = 60) -> Any:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        batch = client.messages.batches.retrieve(batch_id)
        if batch.processing_status == "ended":
            return batch
        time.sleep(0.2)
    raise TimeoutError(f"batch {batch_id} did not end")


def calls_for(fake: FakeProvider, marker: str) -> int:
    return sum(marker in json.dumps(call["body"]) for call in fake.calls)


def test_a_message_batch_runs_every_kind_of_model_once_and_bills_each(
    gateway: Gateway, fake: FakeProvider
) -> None:
    store, key = workspace(gateway, "ws_batch_mix", 5)
    client = anthropic_client(gateway, key)
    requests: list[Any] = [
        {"custom_id": f"ok-{n}", "params": params(model, f"mix-ok-{n}")} for n, model in enumerate(MODELS)
    ]
    requests.append({"custom_id": "refused", "params": params(MODELS[0], "mix-refused [[fake status=400]]")})
    created = client.messages.batches.create(requests=requests)
    assert created.processing_status == "in_progress" and created.request_counts.processing == len(MODELS) + 1
    assert created.id.startswith("msgbatch_") and created.results_url is None
    ended = wait_ended(client, created.id)
    counts = ended.request_counts
    assert (counts.succeeded, counts.errored, counts.processing) == (len(MODELS), 1, 0)
    assert ended.results_url and ended.ended_at is not None
    results = {r.custom_id: r.result for r in client.messages.batches.results(created.id)}
    assert set(results) == {f"ok-{n}" for n in range(len(MODELS))} | {"refused"}
    for n, model in enumerate(MODELS):
        result = results[f"ok-{n}"]
        assert result.type == "succeeded"
        assert result.message.content[0].type == "text" and result.message.content[0].text == REPLY
        assert calls_for(fake, f"mix-ok-{n}") == 1, model
    refused = results["refused"]
    assert refused.type == "errored" and refused.error.error.type == "invalid_request_error"
    records = [g for g in generations(store, "ws_batch_mix")]
    assert sorted(g["status"] for g in records) == ["error"] + ["success"] * len(MODELS)
    assert {g["source"] for g in records} == {"batch"} and {g["batch_id"] for g in records} == {created.id}
    charged = sum(int(g["cost_micro_usd"]) for g in records)
    assert charged > 0 and all(int(g["cost_micro_usd"]) == 0 for g in records if g["status"] == "error")
    assert store.balance("ws_batch_mix") == 5_000_000 - charged


def test_a_retryable_upstream_error_is_retried_before_it_is_recorded(
    gateway: Gateway, fake: FakeProvider
) -> None:
    _, key = workspace(gateway, "ws_batch_retry", 5)
    client = anthropic_client(gateway, key)
    created = client.messages.batches.create(
        requests=[
            {"custom_id": "busy", "params": params(MODELS[1], "retry-me [[fake status=503 retry_after=0]]")}
        ]
    )
    ended = wait_ended(client, created.id)
    assert ended.request_counts.errored == 1
    [result] = list(client.messages.batches.results(created.id))
    assert result.result.type == "errored"
    assert calls_for(fake, "retry-me") == 3  # the first call and two retries, then the error


def test_cancel_stops_the_requests_not_yet_started(gateway: Gateway, fake: FakeProvider) -> None:
    _, key = workspace(gateway, "ws_batch_cancel", 5)
    client = anthropic_client(gateway, key)
    requests: list[Any] = [
        {"custom_id": f"r{n}", "params": params(MODELS[0], f"slow-{n} [[fake delay=0.5]]")} for n in range(10)
    ]
    created = client.messages.batches.create(requests=requests)
    deadline = time.monotonic() + 20
    while calls_for(fake, "slow-") == 0 and time.monotonic() < deadline:
        time.sleep(0.05)
    canceling = client.messages.batches.cancel(created.id)
    assert canceling.processing_status in ("canceling", "ended") and canceling.cancel_initiated_at is not None
    ended = wait_ended(client, created.id)
    counts = ended.request_counts
    assert counts.canceled > 0 and counts.succeeded >= 1
    assert counts.succeeded + counts.canceled == 10 and counts.errored == 0
    results = {r.custom_id: r.result.type for r in client.messages.batches.results(created.id)}
    assert sorted(results.values()).count("canceled") == counts.canceled
    assert calls_for(fake, "slow-") == counts.succeeded  # a canceled request never went upstream


def test_batches_list_newest_first_page_by_page(gateway: Gateway) -> None:
    _, key = workspace(gateway, "ws_batch_list", 5)
    client = anthropic_client(gateway, key)
    made = [
        client.messages.batches.create(requests=[{"custom_id": "a", "params": params(MODELS[0])}]).id
        for _ in range(5)
    ]
    first = client.messages.batches.list(limit=2)
    assert [b.id for b in first.data] == made[::-1][:2] and first.has_more
    assert [b.id for b in first] == made[::-1]  # the SDK follows after_id to the end
    before = client.messages.batches.list(limit=2, before_id=made[1])
    assert [b.id for b in before.data] == [made[3], made[2]]


def test_delete_only_once_ended_and_then_gone(gateway: Gateway) -> None:
    _, key = workspace(gateway, "ws_batch_delete", 5)
    client = anthropic_client(gateway, key)
    created = client.messages.batches.create(
        requests=[{"custom_id": "a", "params": params(MODELS[0], "[[fake delay=1]]")}]
    )
    with pytest.raises(anthropic.BadRequestError):
        client.messages.batches.delete(created.id)
    wait_ended(client, created.id)
    deleted = client.messages.batches.delete(created.id)
    assert (deleted.id, deleted.type) == (created.id, "message_batch_deleted")
    with pytest.raises(anthropic.NotFoundError):
        client.messages.batches.retrieve(created.id)


def test_another_workspace_sees_nothing_of_a_batch(gateway: Gateway) -> None:
    _, mine = workspace(gateway, "ws_batch_mine", 5)
    _, theirs = workspace(gateway, "ws_batch_theirs", 5)
    created = anthropic_client(gateway, mine).messages.batches.create(
        requests=[{"custom_id": "a", "params": params(MODELS[0])}]
    )
    wait_ended(anthropic_client(gateway, mine), created.id)
    other = anthropic_client(gateway, theirs)
    for call in (
        lambda: other.messages.batches.retrieve(created.id),
        lambda: other.messages.batches.cancel(created.id),
        lambda: other.messages.batches.delete(created.id),
        lambda: list(other.messages.batches.results(created.id)),
    ):
        with pytest.raises(anthropic.NotFoundError):
            call()
    assert list(other.messages.batches.list()) == []


def test_a_malformed_batch_names_the_request_and_field(gateway: Gateway) -> None:
    client = anthropic_client(gateway)
    with pytest.raises(anthropic.BadRequestError) as caught:
        client.messages.batches.create(
            requests=[
                {"custom_id": "fine", "params": params(MODELS[0])},
                {"custom_id": "bad", "params": {**params(MODELS[0]), "max_tokens": "lots"}},  # type: ignore[typeddict-item]
            ]
        )
    assert "requests[1].params.max_tokens" in str(caught.value)


def test_a_workspace_that_runs_out_of_credits_gets_errored_results(gateway: Gateway) -> None:
    store, key = workspace(gateway, "ws_batch_broke", 0.0002)
    client = anthropic_client(gateway, key)
    requests: list[Any] = [
        {"custom_id": f"r{n}", "params": {**params(MODELS[2], f"broke-{n}"), "max_tokens": 4000}}
        for n in range(4)
    ]
    created = client.messages.batches.create(requests=requests)
    ended = wait_ended(client, created.id)
    results = [r.result for r in client.messages.batches.results(created.id)]
    errored = [r for r in results if isinstance(r, MessageBatchErroredResult)]
    assert errored and ended.request_counts.errored == len(errored)
    assert all(r.error.error.type == "billing_error" for r in errored)
    assert store.balance("ws_batch_broke") >= 0


def test_an_openai_batch_from_an_uploaded_file(gateway: Gateway, fake: FakeProvider) -> None:
    store, key = workspace(gateway, "ws_batch_openai", 5)
    client = openai.OpenAI(base_url=gateway.openai_base, api_key=key, max_retries=0, timeout=20)
    lines: list[dict[str, Any]] = [
        {"custom_id": f"q{n}", "method": "POST", "url": "/v1/chat/completions",
         "body": {"model": model, "messages": [{"role": "user", "content": f"openai-batch-{n}"}]}}
        for n, model in enumerate(MODELS[:3])
    ]  # fmt: skip
    lines.append(
        {
            **lines[0],
            "custom_id": "bad",
            "body": {**lines[0]["body"], "messages": [{"role": "user", "content": "x [[fake status=400]]"}]},
        }
    )
    data = "\n".join(json.dumps(line) for line in lines).encode()
    uploaded = client.files.create(file=("batch.jsonl", io.BytesIO(data)), purpose="batch")
    assert uploaded.bytes == len(data) and uploaded.purpose == "batch"
    assert client.files.content(uploaded.id).content == data
    batch = client.batches.create(
        input_file_id=uploaded.id,
        endpoint="/v1/chat/completions",
        completion_window="24h",
        metadata={"run": "42"},
    )
    assert (
        batch.status == "in_progress" and batch.request_counts is not None and batch.request_counts.total == 4
    )
    deadline = time.monotonic() + 60
    while batch.status not in ("completed", "failed", "expired", "cancelled") and time.monotonic() < deadline:
        time.sleep(0.2)
        batch = client.batches.retrieve(batch.id)
    assert batch.status == "completed" and batch.metadata == {"run": "42"}
    assert batch.request_counts is not None and (
        batch.request_counts.completed,
        batch.request_counts.failed,
    ) == (3, 1)
    assert batch.output_file_id and batch.error_file_id
    output = [json.loads(line) for line in client.files.content(batch.output_file_id).text.splitlines()]
    assert sorted(line["custom_id"] for line in output) == ["q0", "q1", "q2"]
    for line in output:
        body = line["response"]["body"]
        assert line["response"]["status_code"] == 200 and body["object"] == "chat.completion"
        assert body["choices"][0]["message"]["content"] == REPLY
    [failed] = [json.loads(line) for line in client.files.content(batch.error_file_id).text.splitlines()]
    assert failed["custom_id"] == "bad" and failed["response"]["status_code"] == 400
    assert failed["response"]["body"]["error"]["code"] == "invalid_request"
    assert [b.id for b in client.batches.list(limit=5)] == [batch.id]
    records = generations(store, "ws_batch_openai")
    assert len(records) == 4 and {g["ingress_format"] for g in records} == {"chat_completions"}
    assert store.balance("ws_batch_openai") == 5_000_000 - sum(int(g["cost_micro_usd"]) for g in records)


def test_an_openai_batch_whose_file_has_bad_lines_fails_naming_them(gateway: Gateway) -> None:
    _, key = workspace(gateway, "ws_batch_badfile", 5)
    client = openai.OpenAI(base_url=gateway.openai_base, api_key=key, max_retries=0, timeout=20)
    good = {
        "custom_id": "a",
        "method": "POST",
        "url": "/v1/chat/completions",
        "body": {"model": MODELS[1], "messages": [{"role": "user", "content": "hi"}]},
    }
    data = (
        json.dumps(good) + "\n" + json.dumps({**good, "custom_id": "b", "url": "/v1/embeddings"}) + "\n"
    ).encode()
    uploaded = client.files.create(file=("bad.jsonl", io.BytesIO(data)), purpose="batch")
    batch = client.batches.create(
        input_file_id=uploaded.id, endpoint="/v1/chat/completions", completion_window="24h"
    )
    assert batch.status == "failed" and batch.errors is not None and batch.errors.data
    assert [(e.line, e.param) for e in batch.errors.data] == [(2, "url")]


def test_a_batch_of_another_workspace_file_is_not_found(gateway: Gateway) -> None:
    _, mine = workspace(gateway, "ws_batch_file_a", 5)
    _, theirs = workspace(gateway, "ws_batch_file_b", 5)
    line = {
        "custom_id": "a",
        "method": "POST",
        "url": "/v1/chat/completions",
        "body": {"model": MODELS[1], "messages": [{"role": "user", "content": "hi"}]},
    }
    mine_client = openai.OpenAI(base_url=gateway.openai_base, api_key=mine, max_retries=0)
    uploaded = mine_client.files.create(
        file=("a.jsonl", io.BytesIO(json.dumps(line).encode())), purpose="batch"
    )
    theirs_client = openai.OpenAI(base_url=gateway.openai_base, api_key=theirs, max_retries=0)
    with pytest.raises(openai.NotFoundError):
        theirs_client.files.retrieve(uploaded.id)
    with pytest.raises(openai.NotFoundError):
        theirs_client.files.content(uploaded.id)
    with pytest.raises(openai.NotFoundError):
        theirs_client.batches.create(
            input_file_id=uploaded.id, endpoint="/v1/chat/completions", completion_window="24h"
        )


def test_requests_as_a_body_of_batches_are_a_message_batch(gateway: Gateway) -> None:
    """Seed 004's idiom: POST /api/v1/batches with `requests` answers a Message Batch."""
    import httpx

    body = {"requests": [{"custom_id": "a", "params": params(MODELS[0])}]}
    answer = httpx.post(
        f"{gateway.openai_base}/batches", json=body, headers={"x-api-key": DEV_KEY}, timeout=20
    )
    assert answer.status_code == 200 and answer.json()["type"] == "message_batch"
    assert anthropic_client(gateway).messages.batches.retrieve(answer.json()["id"]).id == answer.json()["id"]


@pytest.fixture(scope="module")
def short_lived(fake: FakeProvider, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Gateway]:
    env = {"HYPERINFER_BATCH_EXPIRY_SECONDS": "2", "HYPERINFER_BATCH_WORKSPACE_CONCURRENCY": "1"}
    with running_gateway(fake, tmp_path_factory.mktemp("batches-expiry"), env=env) as running:
        yield running


def test_requests_still_pending_at_expiry_expire_without_a_call(
    short_lived: Gateway, fake: FakeProvider
) -> None:
    client = anthropic_client(short_lived)
    requests: list[Any] = [
        {"custom_id": f"r{n}", "params": params(MODELS[0], f"expiring-{n} [[fake delay=0.8]]")}
        for n in range(6)
    ]
    created = client.messages.batches.create(requests=requests)
    ended = wait_ended(client, created.id)
    counts = ended.request_counts
    assert counts.expired > 0 and counts.succeeded + counts.expired == 6
    kinds = [r.result.type for r in client.messages.batches.results(created.id)]
    assert kinds.count("expired") == counts.expired
    assert calls_for(fake, "expiring-") == counts.succeeded
