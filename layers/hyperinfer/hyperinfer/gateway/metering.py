"""Billing around one request: estimate, reserve before the upstream call, settle after it.

Every request that got past authentication leaves a generation record, success or error. A failed
call costs nothing; a stream the client left is charged for what was produced.
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass, field

import anyio
from starlette.concurrency import run_in_threadpool

from hyperinfer.accounts.billing import Billing, Reservation
from hyperinfer.accounts.generations import Generation, Status
from hyperinfer.accounts.keys import ApiKey
from hyperinfer.accounts.pricing import cost_micro_usd
from hyperinfer.accounts.store import now_iso
from hyperinfer.catalog import Model
from hyperinfer.errors import ErrorCode, GatewayError
from hyperinfer.ir.usage import Usage
from hyperinfer.observability import context as observe

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


@dataclass
class Meter:
    billing: Billing
    api_key: ApiKey
    request_id: str
    ingress_format: str
    model: Model | None = None
    started: float = field(default_factory=time.monotonic)
    reservation: Reservation | None = None
    done: bool = False

    async def reserve(self, model: Model, prompt_tokens: int, client_cap: int | None) -> int:
        """Hold the worst case; returns the output cap to send upstream. Without a client cap the
        gateway caps the call at what the balance can pay for, so the hold is a true bound."""
        self.model = model
        observe.note_model(model.slug, self.ingress_format)
        if self.api_key.models and model.slug not in self.api_key.models:
            raise GatewayError(
                ErrorCode.MODEL_NOT_ALLOWED, f"model: this key may not use {model.slug!r}.", param="model"
            )
        cap = client_cap or model.max_output_tokens
        try:
            self.reservation = await self._hold(worst_case_cost(model, prompt_tokens, cap))
        except GatewayError as error:
            if error.code is not ErrorCode.INSUFFICIENT_CREDITS or client_cap is not None:
                raise
            balance = await run_in_threadpool(self.billing.store.balance, self.api_key.workspace_id)
            cap = affordable_output(model, prompt_tokens, balance)
            if cap < 1:
                raise
            self.reservation = await self._hold(worst_case_cost(model, prompt_tokens, cap))
        return cap

    async def _hold(self, amount: int) -> Reservation:
        about = {"model": self.model.slug if self.model else "", "ingress_format": self.ingress_format}
        return await run_in_threadpool(
            self.billing.reserve,
            self.api_key,
            amount,
            self.request_id,
            about=about,
        )

    async def succeed(self, usage: Usage) -> None:
        await self._finish(usage, "success", None)

    async def fail(self, code: ErrorCode) -> None:
        await self._finish(Usage(), "error", code.value)

    async def interrupted(self, usage: Usage, produced_tokens: int) -> None:
        """The client left, or the stream broke after output began: charge what was produced."""
        output = max(usage.output_tokens, produced_tokens)
        await self._finish(usage.model_copy(update={"output_tokens": output}), "cancelled", None)

    async def _finish(self, usage: Usage, status: Status, error_code: str | None) -> None:
        if self.done:
            return
        self.done = True
        cost = cost_micro_usd(usage, self.model.pricing) if self.model and status != "error" else 0
        if error_code is None:
            observe.note_billed(usage.prompt_tokens, usage.output_tokens, cost)
        else:
            observe.note_error(error_code)
        generation = Generation(
            id=self.request_id,
            workspace_id=self.api_key.workspace_id,
            key_id=self.api_key.key_id,
            model=self.model.slug if self.model else "",
            ingress_format=self.ingress_format,
            source=self.api_key.source,
            tokens_prompt=usage.prompt_tokens,
            tokens_completion=usage.output_tokens,
            tokens_reasoning=usage.reasoning_tokens,
            tokens_cached_prompt=usage.cache_read_tokens,
            cost_micro_usd=cost,
            latency_ms=int((time.monotonic() - self.started) * 1000),
            status=status,
            error_code=error_code,
            created_at=now_iso(),
        )
        with anyio.CancelScope(shield=True):  # settle even when the client has gone
            if self.reservation is None:
                await run_in_threadpool(self.billing.record, generation)
            else:
                await run_in_threadpool(self.billing.settle, self.reservation, cost, generation)
