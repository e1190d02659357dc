"""One batch request through the live pipeline, unstreamed, its outcome committed with its charge.

The request runs as its live endpoint would run it (``pipeline.generate``: plan, attempts, the
same translation, provider and billing code) under a ``Meter`` marked with the batch, which leaves
the end of the request to this module: the answer (or the error in the request's own envelope)
becomes the request's outcome, written in the settlement's transaction. Retryable upstream failures
are retried here first, with the router's backoff, as a live client would retry them.
"""

from __future__ import annotations

import json
import logging
import random
import time
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import anyio
from starlette.concurrency import run_in_threadpool

from hyperinfer.accounts.ddb import transaction_token
from hyperinfer.batches.runner import FinishItems
from hyperinfer.errors import ErrorCode, GatewayError
from hyperinfer.formats.envelopes import anthropic_error, openai_error
from hyperinfer.function_table import Envelope
from hyperinfer.gateway.ingress import Ingress
from hyperinfer.gateway.metering import Meter
from hyperinfer.gateway.pipeline import generate
from hyperinfer.gateway.runtime import Runtime
from hyperinfer.router.policy import Backoff

if TYPE_CHECKING:
    pass

# Upstream failures worth another try after a pause; anything else is the request's outcome.
RETRYABLE = frozenset({
    ErrorCode.PROVIDER_RATE_LIMIT,
    ErrorCode.PROVIDER_OVERLOADED,
    ErrorCode.PROVIDER_UNAVAILABLE,
    ErrorCode.PROVIDER_TIMEOUT,
})  # fmt: skip
RETRIES = 2
log = logging.getLogger("hyperinfer")


@dataclass(frozen=True, slots=True)
class BatchCall:
    rt: Runtime
    ingress: Ingress
    batch: dict[str, Any]
    request_id: str  # the batch, the request and the claim's attempt
    finish_items: FinishItems  # the outcome's transaction items, committed with the charge

    async def run(self, payload: dict[str, Any]) -> None:
        rt = self.rt
        api_key = await run_in_threadpool(rt.accounts.key_by_hash, self.batch["key_hash"])
        if api_key is None or api_key.revoked:
            revoked = GatewayError(ErrorCode.INVALID_API_KEY, "The key that created this batch is revoked.")
            await self.errored(revoked, None)
            return
        # A one-time key was spent once, creating the batch: its requests run on that spend.
        api_key = api_key.model_copy(update={"one_time": False})
        backoff = Backoff(rt.settings.retry_backoff_base_ms, rt.settings.retry_after_max_seconds)
        rng = random.Random()  # noqa: S311 - jitter, not secrecy
        # One Meter for every try: one generation record, its attempts list showing each call.
        meter = Meter(rt.billing, api_key, self.request_id, self.ingress.name, batch_id=self.batch["id"])
        for retry in range(RETRIES + 1):
            try:
                response = await generate(rt, self.ingress, payload, meter, {})
            except GatewayError as error:
                if error.code in RETRYABLE and retry < RETRIES:
                    await anyio.sleep(backoff.wait(retry, error.retry_after, rng, time.time()))
                    continue
                await self.errored(error, meter)
                return
            except Exception:
                log.exception("batch request failed", extra={"request_id": self.request_id})
                await self.errored(
                    GatewayError(ErrorCode.INTERNAL_ERROR, "The gateway failed to run it."), meter
                )
                return
            body = json.loads(bytes(response.body))
            result = {"type": "succeeded", "status_code": 200, "body": body, "request_id": self.request_id}
            await meter.finish(extra=self.finish_items("succeeded", result))
            return

    async def errored(self, error: GatewayError, meter: Meter | None) -> None:
        """The request's outcome is this error, in its own format's envelope; its record (charged
        only for output a provider billed) commits with it."""
        envelope = anthropic_error if self.ingress.envelope is Envelope.ANTHROPIC else openai_error
        body = envelope(error, self.request_id)
        result = {"type": "errored", "status_code": error.status, "body": body, "request_id": self.request_id}
        items = self.finish_items("errored", result)
        if meter is None:  # no call behind it (the batch's key is gone): nothing to charge or record
            token = transaction_token("batch-outcome", items)
            db = self.rt.accounts.db
            await run_in_threadpool(
                lambda: db.transact_write_items(TransactItems=items, ClientRequestToken=token)
            )
            return
        await meter.call_failed(error.code)
        await meter.finish(error_code=error.code.value, extra=items)
