"""Several upstream calls in one request, through the real attempt loop and Meter: the plan (the
router's seam) is built by hand here with a candidate whose provider is down, then the real one.

DynamoDB is the moto emulator (server mode); the upstream is the fake provider over HTTP, and the
dead candidate is a loopback port nobody listens on."""

from __future__ import annotations

import asyncio
import uuid
from typing import Any

import pytest
from hyperinfer.accounts.billing import Billing
from hyperinfer.accounts.generations import public
from hyperinfer.accounts.keys import ApiKey
from hyperinfer.accounts.pricing import cost_micro_usd
from hyperinfer.accounts.store import AccountStore
from hyperinfer.catalog import Model, Provider
from hyperinfer.errors import ErrorCode, GatewayError
from hyperinfer.gateway.attempts import run_attempts
from hyperinfer.gateway.body import validate
from hyperinfer.gateway.estimate import prompt_upper_bound
from hyperinfer.gateway.ingress import CHAT_COMPLETIONS
from hyperinfer.gateway.metering import Meter, worst_case_cost
from hyperinfer.gateway.pipeline import GenerationRequest
from hyperinfer.gateway.plan import Candidate, Plan, candidate_for, resolve
from hyperinfer.gateway.runtime import Runtime, runtime
from hyperinfer.ir.usage import Usage
from hyperinfer.local.emulator import free_port

CHEAP = "openai/gpt-4.1-mini"
DEAR = "openai/gpt-5"


def _account(rt: Runtime, credits: int = 5_000_000) -> ApiKey:
    ws = f"ws_attempts_{uuid.uuid4().hex[:8]}"
    rt.accounts.create_workspace(ws, "attempts")
    rt.accounts.add_credits(ws, credits, "seed")
    _, key = rt.accounts.create_key(ws, "attempts")
    return key


def _down(candidate: Candidate) -> Candidate:
    """The same candidate with its provider at a port nobody listens on."""
    dead = Provider.model_validate(
        {**candidate.provider.model_dump(), "base_url": f"http://127.0.0.1:{free_port()}/v1"}
    )
    return Candidate(candidate.model, dead, candidate.adapter, candidate.credentials)


async def _candidate(rt: Runtime, slug: str) -> Candidate:
    model, provider = resolve(rt, slug)
    return await candidate_for(rt, model, provider)


async def _generate(rt: Runtime, key: ApiKey, plan: Plan, payload: dict[str, Any]) -> tuple[str, Any]:
    rid = uuid.uuid4().hex
    meter = Meter(rt.billing, key, rid, CHAT_COMPLETIONS.name)
    parsed = validate(CHAT_COMPLETIONS.request_model, payload)
    generation = GenerationRequest(
        rt, CHAT_COMPLETIONS, {}, payload, parsed, meter, prompt_upper_bound(payload)
    )
    try:
        response = await run_attempts(plan, meter, generation.attempt)
    except GatewayError as error:
        await meter.fail(error.code)
        return rid, error
    return rid, response


def _chat(words: int = 4) -> dict[str, Any]:
    return {"model": CHEAP, "messages": [{"role": "user", "content": f"hi [[fake words={words}]]"}]}


def _no_hold_left(rt: Runtime, rid: str) -> bool:
    item = rt.accounts.db.get_item(
        TableName=rt.accounts.table, Key={"pk": {"S": f"RES#{rid}"}, "sk": {"S": "RES"}}
    )
    return "Item" not in item


@pytest.mark.parametrize(("down", "up"), [(CHEAP, DEAR), (DEAR, CHEAP)])
def test_a_provider_that_is_down_moves_on_to_the_next_candidate_and_only_the_served_call_is_paid(
    down: str, up: str
) -> None:
    """Cheap first: the next model needs a bigger hold (released and held again). Dear first: the
    hold left whole by the failed call covers the next one and is kept."""
    rt = runtime()
    key = _account(rt)

    async def run() -> tuple[str, Any]:
        plan = Plan((_down(await _candidate(rt, down)), await _candidate(rt, up)))
        return await _generate(rt, key, plan, _chat())

    rid, response = asyncio.run(run())
    assert response.status_code == 200, response.body
    record = rt.billing.generation(rid)
    assert record is not None
    data = public(record)
    assert data["model"] == up and data["status"] == "success" and data["error_code"] is None
    assert [(a["model"], a["status"], a["error_code"]) for a in data["attempts"]] == [
        (down, "error", "provider_unavailable"),
        (up, "success", None),
    ]
    assert all(a["latency_ms"] >= 0 for a in data["attempts"])
    served: Model | None = rt.catalog.find(up)
    assert served is not None
    usage = Usage(input_tokens=record["tokens_prompt"], output_tokens=record["tokens_completion"])
    assert record["tokens_completion"] == 4
    assert record["cost_micro_usd"] == cost_micro_usd(usage, served.pricing) > 0
    assert rt.accounts.balance(key.workspace_id) == 5_000_000 - record["cost_micro_usd"]
    assert _no_hold_left(rt, rid)


def test_every_candidate_failing_is_one_error_record_charged_nothing() -> None:
    rt = runtime()
    key = _account(rt)

    async def run() -> tuple[str, Any]:
        plan = Plan((_down(await _candidate(rt, CHEAP)), _down(await _candidate(rt, DEAR))))
        return await _generate(rt, key, plan, _chat())

    rid, error = asyncio.run(run())
    assert isinstance(error, GatewayError) and error.code is ErrorCode.PROVIDER_UNAVAILABLE
    record = rt.billing.generation(rid)
    assert record is not None
    assert (record["status"], record["error_code"], record["cost_micro_usd"]) == (
        "error",
        "provider_unavailable",
        0,
    )
    assert [a["model"] for a in record["attempts"]] == [CHEAP, DEAR]
    assert rt.accounts.balance(key.workspace_id) == 5_000_000
    assert _no_hold_left(rt, rid)


def test_a_request_refusal_fails_now_without_trying_the_next_candidate() -> None:
    rt = runtime()
    key = _account(rt)
    payload = {**_chat(), "messages": [{"role": "user", "content": "hi [[fake status=400]]"}]}

    async def run() -> tuple[str, Any]:
        plan = Plan((await _candidate(rt, CHEAP), await _candidate(rt, DEAR)))
        return await _generate(rt, key, plan, payload)

    rid, error = asyncio.run(run())
    assert isinstance(error, GatewayError) and error.code is ErrorCode.INVALID_REQUEST
    record = rt.billing.generation(rid)
    assert record is not None
    assert [(a["model"], a["error_code"]) for a in record["attempts"]] == [(CHEAP, "invalid_request")]
    assert rt.accounts.balance(key.workspace_id) == 5_000_000


def test_several_billable_calls_settle_into_one_record_costing_their_sum() -> None:
    """A tool loop's shape: each call reserved before and charged after, one record at the end."""
    rt = runtime()
    key = _account(rt)
    cheap, dear = rt.catalog.find(CHEAP), rt.catalog.find(DEAR)
    assert cheap is not None and dear is not None
    rid = uuid.uuid4().hex
    meter = Meter(rt.billing, key, rid, CHAT_COMPLETIONS.name)
    first, second = Usage(input_tokens=120, output_tokens=30), Usage(input_tokens=300, output_tokens=5)

    async def run() -> list[int]:
        balances = []
        await meter.reserve(cheap, 200, 50)
        await meter.call_succeeded(first)
        await meter.reserve(dear, 400, 50)
        # the first call is charged and its hold closed before the second is held
        balances.append(rt.accounts.balance(key.workspace_id))
        await meter.call_succeeded(second)
        await meter.finish()
        return balances

    [during] = asyncio.run(run())
    cost = cost_micro_usd(first, cheap.pricing) + cost_micro_usd(second, dear.pricing)
    assert during == 5_000_000 - cost_micro_usd(first, cheap.pricing) - worst_case_cost(dear, 400, 50)
    record = rt.billing.generation(rid)
    assert record is not None
    assert record["cost_micro_usd"] == cost and record["model"] == DEAR and record["status"] == "success"
    assert (record["tokens_prompt"], record["tokens_completion"]) == (420, 35)
    assert [a["model"] for a in record["attempts"]] == [CHEAP, DEAR]
    assert rt.accounts.balance(key.workspace_id) == 5_000_000 - cost
    assert _no_hold_left(rt, rid)


class _Tokens:
    """The emulator's DynamoDB client, noting each transaction's ClientRequestToken on the way (moto
    does not implement token idempotency, so the test checks the tokens DynamoDB would see)."""

    def __init__(self, db: Any) -> None:
        self.db = db
        self.tokens: list[str] = []

    def __getattr__(self, name: str) -> Any:
        return getattr(self.db, name)

    def transact_write_items(self, **kwargs: Any) -> Any:
        self.tokens.append(kwargs["ClientRequestToken"])
        return self.db.transact_write_items(**kwargs)


def test_two_identical_turns_of_one_request_are_distinct_transactions_and_both_charged() -> None:
    """One balance shard and slot: the holds and releases of identical turns would be identical
    transactions but for the hold number, and DynamoDB would take each repeat as a replay."""
    rt = runtime()
    key = _account(rt)
    db = _Tokens(rt.accounts.db)
    store = AccountStore(db, rt.accounts.table, shards=1)  # type: ignore[arg-type]
    model = rt.catalog.find(CHEAP)
    assert model is not None
    rid = uuid.uuid4().hex
    meter = Meter(Billing(store), key, rid, CHAT_COMPLETIONS.name)
    turn = Usage(input_tokens=100, output_tokens=20)

    async def run() -> None:
        for _ in range(3):
            await meter.reserve(model, 150, 40)
            await meter.call_succeeded(turn)
        await meter.finish()

    before = rt.accounts.balance(key.workspace_id)
    asyncio.run(run())
    assert len(db.tokens) == 6 and len(set(db.tokens)) == 6  # three holds, two releases, one settle
    record = rt.billing.generation(rid)
    assert record is not None and record["cost_micro_usd"] == 3 * cost_micro_usd(turn, model.pricing)
    assert rt.accounts.balance(key.workspace_id) == before - record["cost_micro_usd"]
    assert _no_hold_left(rt, rid)
