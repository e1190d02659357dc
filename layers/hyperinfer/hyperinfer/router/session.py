"""The router inside one request: the pipeline hands over when the body carries a router field or
names a route (``gateway.fields.wants_router``), and nowhere else.

It takes the router's fields out of the body before anything validates or forwards it, looks the
answer up in the cache, plans the models to try, and runs the gateway's own attempt
(``pipeline._Generation.attempt``) for each under the retry/fallback/timeout policy. Into each
attempt it lends ``hooks``: a stream is held until its first content (so it can still fall back),
and a finished answer is kept when the cache asked for it.
"""

from __future__ import annotations

import random
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import httpx
from starlette.concurrency import run_in_threadpool
from starlette.responses import Response

from hyperinfer.router.attempts import Outcome, run_attempts
from hyperinfer.router.cache import CachedAnswer, ResponseCache, cache_key
from hyperinfer.router.fields import RouterFields, extract
from hyperinfer.router.plan import Routing, plan
from hyperinfer.router.policy import Backoff
from hyperinfer.router.prefetch import until_first_content

if TYPE_CHECKING:
    from hyperinfer.catalog import Model
    from hyperinfer.gateway.ingress import Ingress
    from hyperinfer.gateway.metering import Meter
    from hyperinfer.gateway.pipeline import GenerationRequest
    from hyperinfer.gateway.plan import Candidate
    from hyperinfer.gateway.runtime import Runtime
    from hyperinfer.ir.response import Response as Answer

CACHE_HEADER = "X-HyperInfer-Cache"
_rng = random.SystemRandom()
_caches: dict[int, ResponseCache] = {}


def read_fields(ingress: Ingress, payload: dict[str, Any]) -> tuple[RouterFields, dict[str, Any]]:
    """The router's fields and the body without them (a 400 naming the field if one is wrong)."""
    from hyperinfer.gateway.fields import FORMAT_OWNED

    return extract(payload, FORMAT_OWNED.get(ingress.name, frozenset()))


def response_cache(rt: Runtime) -> ResponseCache:
    cache = _caches.get(id(rt))
    if cache is None:
        cache = _caches[id(rt)] = ResponseCache(rt.accounts.db, rt.settings.table_name)
    return cache


@dataclass
class Hooks:
    """What one routed attempt does besides the plain path: hold a stream until its first content,
    and hand a finished answer to the cache."""

    keep: Callable[[Model, Answer], Awaitable[None]] | None

    @property
    def wants_answer(self) -> bool:
        return self.keep is not None

    async def committed(
        self, response: httpx.Response, candidate: Candidate, hints: Any, secrets: tuple[str, ...]
    ) -> httpx.Response:
        adapter, keep = candidate.adapter, self.keep
        finished = None if keep is None else (lambda answer: keep(candidate.model, answer))
        return await until_first_content(
            response, adapter.framer(), adapter.stream_decoder(hints, secrets), finished
        )

    async def answered(self, candidate: Candidate, answer: Answer) -> None:
        if self.keep is not None:
            await self.keep(candidate.model, answer)


class RouterSession:
    def __init__(
        self, rt: Runtime, ingress: Ingress, meter: Meter, fields: RouterFields, body: dict[str, Any]
    ):
        self.rt, self.ingress, self.meter, self.fields, self.body = rt, ingress, meter, fields, body

    @classmethod
    def start(cls, rt: Runtime, ingress: Ingress, meter: Meter, payload: dict[str, Any]) -> RouterSession:
        fields, body = read_fields(ingress, payload)
        return cls(rt, ingress, meter, fields, body)

    async def run(self, requested: str, generation: GenerationRequest) -> Response:
        rt, meter = self.rt, self.meter
        routing = plan(
            requested, self.fields, rt.catalog, _rng, allowed=meter.api_key.models, today=rt.today()
        )
        meter.model = routing.primary
        meter.trace_name, meter.trace_metadata = routing.name, routing.metadata
        keep: Callable[[Model, Answer], Awaitable[None]] | None = None
        if routing.cache is not None:
            digest = self._cache_key(requested, routing)
            cache, workspace, ttl = response_cache(rt), meter.api_key.workspace_id, routing.cache.ttl
            hit = await run_in_threadpool(cache.get, workspace, digest)
            if hit is not None:
                from hyperinfer.router.hit import serve_hit

                answered = await serve_hit(
                    hit, rt.catalog, self.ingress, meter, parsed=generation.parsed, stream=generation.stream
                )
                if answered is not None:
                    answered.headers[CACHE_HEADER] = "hit"
                    return answered

            async def keep(model: Model, answer: Answer) -> None:
                entry = CachedAnswer(model.slug, answer.model_dump_json())
                await run_in_threadpool(cache.put, workspace, digest, entry, ttl)

        hooks = Hooks(keep)
        done = await run_attempts(
            routing.models,
            lambda model: self._attempt(model, generation, hooks),
            retry=routing.retry,
            timeout=routing.timeout,
            backoff=Backoff(rt.settings.retry_backoff_base_ms, rt.settings.retry_after_max_seconds),
            rng=_rng,
            on_outcome=self._outcome,
        )
        if routing.cache is not None:
            done.value.headers[CACHE_HEADER] = "miss"
        return done.value

    async def _attempt(self, model: Model, generation: GenerationRequest, hooks: Hooks) -> Response:
        from hyperinfer.gateway.plan import candidate_for

        # Built per attempt: a fallback whose provider has no key fails its own attempt, not the plan.
        candidate = await candidate_for(self.rt, model, self.rt.catalog.provider_of(model))
        return await generation.attempt(candidate, hooks)

    async def _outcome(self, outcome: Outcome) -> None:
        if outcome.status == "error" and outcome.error_code is not None:
            from hyperinfer.errors import ErrorCode

            await self.meter.attempt_failed(outcome.model, ErrorCode(outcome.error_code), outcome.latency_ms)

    def _cache_key(self, requested: str, routing: Routing) -> str:
        found = self.rt.catalog.find(requested)
        name = found.slug if found is not None else requested  # a route is its own name
        choices = self.fields.model_dump(include={"fallbacks", "load_balancer"}, exclude_defaults=True)
        return cache_key(self.meter.api_key.workspace_id, self.ingress.name, name, self.body, choices)
