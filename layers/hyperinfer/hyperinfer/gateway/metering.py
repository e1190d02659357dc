"""Billing around one request: estimate, reserve before each upstream call, settle after it.

A request may make several upstream calls (a retry, a fallback to another model, a tool loop's
turns); the ``Meter`` follows them in order:

- ``reserve(model, ...)`` before each call holds its worst case. After a failed call the hold is
  reused when it covers the next call, else released and taken again for the next model.
- ``call_succeeded(usage)`` / ``call_failed(code, usage)`` end a call (the router's
  ``attempt_failed`` also lists an attempt that failed before its hold). A call's cost is settled
  against the hold it ran under and is bounded by it; the part a provider billed beyond the hold
  is recorded as unbilled, never charged (the balance never goes below zero).
- ``finish()`` writes the one generation record: ``model`` is the model that served, the cost is
  the sum of the billable calls, and ``attempts`` lists every call with its status and latency.

``succeed``, ``fail`` and ``interrupted`` are the one-call shorthands the pipeline and the relays
use: end the current call and finish. Every request that got past authentication leaves a
generation record, success or error. The charging policy (what a failed, broken or abandoned call
costs) is written once in docs/data-model.md.
"""

from __future__ import annotations

import math
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import anyio
from starlette.concurrency import run_in_threadpool

from hyperinfer.accounts.billing import Billing, ExtraRefused, Reservation
from hyperinfer.accounts.generations import Attempt, CallStatus, Generation, Status
from hyperinfer.accounts.keys import ApiKey
from hyperinfer.accounts.pricing import cost_micro_usd
from hyperinfer.accounts.store import now_iso
from hyperinfer.catalog import Model
from hyperinfer.errors import ErrorCode, GatewayError
from hyperinfer.ir.usage import Usage
from hyperinfer.observability import context as observe

if TYPE_CHECKING:
    from mypy_boto3_dynamodb.type_defs import TransactWriteItemTypeDef

CHARS_PER_TOKEN = 4  # for output a client saw but no usage reported: the usual English average


def worst_case_cost(model: Model, prompt_tokens: int, output_tokens: int) -> int:
    """The most a request can cost: every prompt token at the dearest prompt price (a cache write
    may cost more than a plain read), every output token at the completion price."""
    pricing = model.pricing
    prompt_price = max(
        p for p in (pricing.prompt, pricing.cache_write, pricing.cache_write_1h) if p is not None
    )
    return math.ceil(prompt_tokens * prompt_price + output_tokens * pricing.completion)


def affordable_output(model: Model, prompt_tokens: int, balance: int) -> int:
    left = balance - worst_case_cost(model, prompt_tokens, 0)
    if left <= 0 or model.pricing.completion <= 0:
        return 0 if left <= 0 else model.max_output_tokens
    return min(model.max_output_tokens, int(left / model.pricing.completion))


def _plus(a: Usage, b: Usage) -> Usage:
    return Usage(
        input_tokens=a.input_tokens + b.input_tokens,
        output_tokens=a.output_tokens + b.output_tokens,
        reasoning_tokens=a.reasoning_tokens + b.reasoning_tokens,
        cache_read_tokens=a.cache_read_tokens + b.cache_read_tokens,
        cache_write_tokens=a.cache_write_tokens + b.cache_write_tokens,
        cache_write_1h_tokens=a.cache_write_1h_tokens + b.cache_write_1h_tokens,
        cache_writes_reported=a.cache_writes_reported or b.cache_writes_reported,
    )


@dataclass
class _Call:
    model: Model
    prompt_tokens: int  # the prompt's upper bound: what it is charged at if the provider never says
    started: float = field(default_factory=time.monotonic)


@dataclass
class Meter:
    billing: Billing
    api_key: ApiKey
    request_id: str
    ingress_format: str
    model: Model | None = None  # the model of the latest call: the one that served, at the end
    started: float = field(default_factory=time.monotonic)
    reservation: Reservation | None = None
    done: bool = False
    attempts: list[Attempt] = field(default_factory=list)
    # Set by the router: the request's trace name and metadata, and whether the cache answered it.
    trace_name: str | None = None
    trace_metadata: dict[str, str] = field(default_factory=dict)
    cached: bool = False
    _call: _Call | None = None
    _held_cost: int = 0  # cost of the calls made under the open hold, settled with it
    _charged: int = 0  # cost of calls whose holds are already closed
    _usage: Usage = field(default_factory=Usage)  # summed over billable calls
    _unbilled: int = 0
    _tool_costs: dict[str, int] = field(default_factory=dict)  # per server tool, in the cost too
    _estimated: bool = False
    _holds: int = 0  # holds taken so far: the next one's number
    # A batch run: its record says so, and the run ends the request itself (``finish(extra=...)``)
    # once it holds the answer, so that the outcome commits with the charge.
    batch_id: str | None = None

    # -- one upstream call -----------------------------------------------------------------------

    async def reserve(
        self, model: Model, prompt_tokens: int, client_cap: int | None, *, extra: int = 0
    ) -> int:
        """Hold the worst case of the next call; returns the output cap to send upstream. Without a
        client cap the gateway caps the call at what the balance can pay for, so the hold is a
        true bound."""
        if self.api_key.models and model.slug not in self.api_key.models:
            raise GatewayError(
                ErrorCode.MODEL_NOT_ALLOWED, f"model: this key may not use {model.slug!r}.", param="model"
            )
        self.model = model
        observe.note_model(model.slug, self.ingress_format)
        cap = client_cap or model.max_output_tokens
        # extra: what runs under this hold besides the call (a tool loop's round of server tools).
        amount = worst_case_cost(model, prompt_tokens, cap) + extra
        if self.reservation is not None:
            if self._held_cost == 0 and amount <= self.reservation.amount:
                self._call = _Call(model, prompt_tokens)
                return cap  # a failed call left the hold whole, and it covers this call too
            await self._release()
        try:
            self.reservation = await self._hold(amount)
        except GatewayError as error:
            if error.code is not ErrorCode.INSUFFICIENT_CREDITS or client_cap is not None:
                raise
            balance = await run_in_threadpool(self.billing.store.balance, self.api_key.workspace_id)
            cap = affordable_output(model, prompt_tokens, balance - extra)
            if cap < 1:
                raise
            self.reservation = await self._hold(worst_case_cost(model, prompt_tokens, cap) + extra)
        self._call = _Call(model, prompt_tokens)  # a call refused before it went upstream is no attempt
        return cap

    async def admit(self, model: Model) -> None:
        """A request answered without an upstream call (a cache hit) still passes the account's
        checks — a locked workspace, the key's rate and concurrency limits — under a hold of 0."""
        self.model = model
        self.reservation = await self._hold(0)

    def tool_ran(self, tool: str, cost: int) -> None:
        """A server tool ran under the open hold (``reserve(extra=...)`` included its price)."""
        held = self.reservation.amount if self.reservation is not None else 0
        charged = min(cost, held - self._held_cost)
        self._held_cost += charged
        self._unbilled += cost - charged
        if charged:
            self._tool_costs[tool] = self._tool_costs.get(tool, 0) + charged

    @property
    def tool_costs_total(self) -> int:
        return sum(self._tool_costs.values())

    async def call_succeeded(self, usage: Usage, *, estimated: bool = False) -> None:
        await self._end_call(usage, "success", None, estimated=estimated)

    async def call_failed(
        self, code: ErrorCode, usage: Usage | None = None, *, estimated: bool = False
    ) -> None:
        """A failed call is charged nothing, unless it produced output first (`usage`): the provider
        bills us for that, so the request pays it."""
        await self._end_call(usage or Usage(), "error", code.value, estimated=estimated)

    async def attempt_failed(self, model: str, code: ErrorCode, latency_ms: int) -> None:
        """The router's failed attempt: it ends the open call, or, when it failed before its hold (a
        fallback whose provider key is unset), it is listed in ``attempts`` as it is, charged nothing."""
        if self._call is not None:
            await self.call_failed(code)
        elif not self.done:
            self.attempts.append(
                Attempt(model=model, status="error", error_code=code.value, latency_ms=latency_ms)
            )

    async def _end_call(self, usage: Usage, status: CallStatus, code: str | None, *, estimated: bool) -> None:
        call, self._call = self._call, None
        if call is None or self.done:
            return
        latency = int((time.monotonic() - call.started) * 1000)
        self.attempts.append(
            Attempt(model=call.model.slug, status=status, error_code=code, latency_ms=latency)
        )
        cost = cost_micro_usd(usage, call.model.pricing, batch=self.batch_id is not None)
        if cost == 0 and usage == Usage():
            return
        held = self.reservation.amount if self.reservation is not None else 0
        charged = min(cost, held - self._held_cost)
        self._held_cost += charged
        self._unbilled += cost - charged
        self._usage = _plus(self._usage, usage)
        self._estimated |= estimated

    # -- the whole request -----------------------------------------------------------------------

    async def succeed(self, usage: Usage, *, estimated: bool = False) -> None:
        await self.call_succeeded(usage, estimated=estimated)
        if self.batch_id is None:
            await self.finish()

    async def fail(self, code: ErrorCode, usage: Usage | None = None, *, estimated: bool = False) -> None:
        await self.call_failed(code, usage, estimated=estimated)
        if self.batch_id is None:
            await self.finish(error_code=code.value)

    async def interrupted(self, usage: Usage, produced_tokens: int) -> None:
        """The client left mid-stream: charge the prompt and what was produced (a no-op once the
        request settled). The provider processed the prompt whether or not it reported it."""
        if self.done:
            return
        produced, estimated = self._produced(usage, produced_tokens)
        await self._end_call(produced, "cancelled", None, estimated=estimated)
        await self.finish(status="cancelled")

    async def broken(self, code: ErrorCode, usage: Usage, produced_tokens: int) -> None:
        """The stream failed after it began: billed for what it produced, like an abandoned one;
        charged nothing if it produced no output (docs/data-model.md)."""
        if self.done:
            return
        if max(usage.output_tokens, produced_tokens) == 0:
            await self.fail(code)
            return
        produced, estimated = self._produced(usage, produced_tokens)
        await self.fail(code, produced, estimated=estimated)

    def _produced(self, usage: Usage, produced_tokens: int) -> tuple[Usage, bool]:
        """What a call that stopped short produced: the provider's usage so far, its output raised to
        what was relayed, and the prompt at its upper bound when the provider never reported it
        (OpenAI-format streams report usage only in their last chunk)."""
        update: dict[str, int] = {}
        if produced_tokens > usage.output_tokens:
            update["output_tokens"] = produced_tokens
        if usage.prompt_tokens == 0 and self._call is not None:
            update["input_tokens"] = self._call.prompt_tokens
        return (usage.model_copy(update=update) if update else usage), bool(update)

    async def finish(
        self,
        *,
        status: Status | None = None,
        error_code: str | None = None,
        extra: Sequence[TransactWriteItemTypeDef] = (),
    ) -> bool:
        """Settle the open hold and write the request's one generation record, with ``extra`` items
        in the same transaction. False when one of their conditions failed: the charge and the
        record are then written without them."""
        if self.done:
            return False
        self.done = True
        last = self.attempts[-1] if self.attempts else None
        if status is None:
            status = "error" if error_code is not None or last is None else last.status
        if error_code is None and status == "error" and last is not None:
            error_code = last.error_code
        cost = self._charged + self._held_cost
        usage = self._usage
        if error_code is None or cost:
            observe.note_billed(usage.prompt_tokens, usage.output_tokens, cost)
        if error_code is not None:
            observe.note_error(error_code)
        if self._unbilled:
            observe.note_unbilled(self._unbilled)
        generation = Generation(
            id=self.request_id,
            workspace_id=self.api_key.workspace_id,
            key_id=self.api_key.key_id,
            model=self.model.slug if self.model else "",
            ingress_format=self.ingress_format,
            source="batch" if self.batch_id else self.api_key.source,
            batch_id=self.batch_id,
            tokens_prompt=usage.prompt_tokens,
            tokens_completion=usage.output_tokens,
            tokens_reasoning=usage.reasoning_tokens,
            tokens_cached_prompt=usage.cache_read_tokens,
            cost_micro_usd=cost,
            latency_ms=int((time.monotonic() - self.started) * 1000),
            status=status,
            error_code=error_code,
            created_at=now_iso(),
            attempts=tuple(self.attempts),
            name=self.trace_name,
            metadata=self.trace_metadata,
            cached=self.cached,
            estimated=self._estimated,
            unbilled_micro_usd=self._unbilled,
            tool_costs_micro_usd=dict(self._tool_costs),
        )
        with anyio.CancelScope(shield=True):  # settle even when the client has gone
            try:
                await self._settle(generation, extra)
            except ExtraRefused:
                await self._settle(generation, ())
                return False
        return True

    async def _settle(self, generation: Generation, extra: Sequence[TransactWriteItemTypeDef]) -> None:
        if self.reservation is None:
            await run_in_threadpool(self.billing.record, generation, extra)
        else:
            await run_in_threadpool(self.billing.settle, self.reservation, self._held_cost, generation, extra)

    # -- holds -----------------------------------------------------------------------------------

    async def _hold(self, amount: int) -> Reservation:
        about = {"model": self.model.slug if self.model else "", "ingress_format": self.ingress_format}
        # Shielded: a hold written while the request is being cancelled (a router timeout, a client
        # that left) must come back to be settled, never stay open until the sweep.
        with anyio.CancelScope(shield=True):
            reservation: Reservation = await run_in_threadpool(
                self.billing.reserve, self.api_key, amount, self.request_id, about=about, hold=self._holds
            )
        self._holds += 1
        return reservation

    async def _release(self) -> None:
        """Close the open hold, charging the calls made under it; the next call holds anew."""
        reservation, self.reservation = self.reservation, None
        if reservation is None:
            return
        cost, self._held_cost = self._held_cost, 0
        with anyio.CancelScope(shield=True):
            await run_in_threadpool(self.billing.release, reservation, cost)
        self._charged += cost
