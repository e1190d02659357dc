"""The request pipeline every generation endpoint shares:
read -> authenticate -> validate -> plan -> attempts (reserve -> call the provider -> respond ->
settle, per candidate) -> one generation record.

Which code runs at each step, and where routing and tool loops plug in, is in docs/architecture.md;
the two seams are ``gateway.plan`` (the candidates) and ``gateway.attempts`` (the loop over them).
A candidate of the client's own format is served by passthrough (only what the gateway owns is
rewritten); any other crosses the IR (decoded by the ingress format, encoded by the provider).
"""

from __future__ import annotations

import time
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cached_property
from typing import TYPE_CHECKING, Any

from pydantic import BaseModel
from starlette.requests import Request
from starlette.responses import Response

from hyperinfer.accounts.pricing import cost_micro_usd, usd
from hyperinfer.catalog import Model
from hyperinfer.errors import ErrorCode, GatewayError
from hyperinfer.formats.view import View
from hyperinfer.gateway.attempts import run_attempts
from hyperinfer.gateway.auth import authenticate, spend_one_time_key
from hyperinfer.gateway.body import parse_object, read_body, validate
from hyperinfer.gateway.estimate import prompt_upper_bound
from hyperinfer.gateway.fields import is_gateway_field, wants_router
from hyperinfer.gateway.ingress import Ingress
from hyperinfer.gateway.metering import Meter
from hyperinfer.gateway.plan import Candidate, plan_for
from hyperinfer.gateway.routed import Routed
from hyperinfer.gateway.runtime import Runtime, runtime
from hyperinfer.gateway.tool_triggers import wants_server_tools
from hyperinfer.gateway.transport import client
from hyperinfer.ir.usage import Usage
from hyperinfer.observability import context as observe
from hyperinfer.request_context import request_id_of

if TYPE_CHECKING:
    from hyperinfer.ir import request as ir
    from hyperinfer.router.session import Hooks
    from hyperinfer.tools.activation import Activation


def view_for(ingress: Ingress, request_id: str, model: Model, *, batch: bool = False) -> View:
    def cost(usage: Usage) -> float:
        return usd(cost_micro_usd(usage, model.pricing, batch=batch))

    return View(f"{ingress.id_prefix}{request_id}", model.slug, int(time.time()), cost)


async def handle_generation(ingress: Ingress, request: Request) -> Response:
    rt = runtime()
    raw = await read_body(request, rt.settings.max_request_bytes)
    # A one-time key is spent only when the request reaches a model (GenerationRequest.attempt).
    api_key = await authenticate(request, rt.accounts, spend_one_time=False)
    rid = request_id_of(request)
    meter = Meter(rt.billing, api_key, rid, ingress.name)
    try:
        return await _generate(rt, ingress, request, raw, meter)
    except GatewayError as error:
        await meter.fail(error.code)
        raise
    except Exception:
        await meter.fail(ErrorCode.INTERNAL_ERROR)
        raise


async def _generate(rt: Runtime, ingress: Ingress, request: Request, raw: bytes, meter: Meter) -> Response:
    return await generate(rt, ingress, parse_object(raw), meter, request.headers)


async def generate(
    rt: Runtime, ingress: Ingress, payload: dict[str, Any], meter: Meter, client_headers: Mapping[str, str]
) -> Response:
    """One request's answer from its parsed body; the batch runner enters here too (unstreamed)."""
    router = None
    if wants_router(payload, ingress.name, rt.catalog.routes):
        from hyperinfer.router.session import RouterSession

        router = RouterSession.start(rt, ingress, meter, payload)  # the body, without its fields
        payload = router.body
    prompt_tokens = prompt_upper_bound(payload)  # first: it also refuses what json_guard refuses
    activation = None
    if wants_server_tools(payload):  # cheap: a request without server tools imports nothing more
        from hyperinfer.tools.activation import activate

        activation, payload = activate(ingress.name, payload, rt.catalog.tools)
    parsed = validate(ingress.request_model, payload)
    ingress.refuse(payload)
    named = rt.catalog.find(payload["model"])
    if named is not None:  # on the record and in the metrics even if planning fails
        meter.model = named
        observe.note_model(named.slug, ingress.name)
    generation = GenerationRequest(
        rt, ingress, client_headers, payload, parsed, meter, prompt_tokens, activation
    )
    if router is not None:
        return await router.run(payload["model"], generation)
    plan = await plan_for(rt, payload)
    meter.model = plan.first.model
    return await run_attempts(plan, meter, generation.attempt)


@dataclass
class GenerationRequest:
    """What every attempt of one request shares: the client's body, parsed once, decoded once."""

    rt: Runtime
    ingress: Ingress
    client_headers: Mapping[str, str]  # a same-format provider sees some of them (Anthropic's version)
    payload: dict[str, Any]
    parsed: BaseModel
    meter: Meter
    prompt_tokens: int  # the prompt's upper bound (gateway/estimate.py), held for every call
    activation: Activation | None = None  # server tools: every call goes through the tool loop
    _decoded: ir.Request | None = None
    _key_spent: bool = False

    @property
    def stream(self) -> bool:
        return bool(self.payload.get("stream"))

    @cached_property
    def client_cap(self) -> int | None:
        return self.ingress.output_cap(self.payload)

    def decoded(self) -> ir.Request:
        if self._decoded is None:
            decoded = self.ingress.codec.decode(self.parsed)
            # The gateway's own fields steer it: never advisory, never reported dropped.
            owned = [path for path in decoded.advisory if is_gateway_field(path)]
            if owned:
                advisory = {k: v for k, v in decoded.advisory.items() if k not in owned}
                decoded = decoded.model_copy(update={"advisory": advisory})
            self._decoded = decoded
        return self._decoded

    async def spend_key(self) -> None:
        """A one-time key is spent as the request reaches a model: once per request, whichever
        candidate is called first; refusals before this point leave it usable."""
        if not self._key_spent:
            await spend_one_time_key(self.meter.api_key, self.rt.accounts)
            self._key_spent = True

    async def attempt(self, candidate: Candidate, hooks: Hooks | None = None) -> Response:
        """One call to one candidate: reserve, call, answer (a stream's answer is its relay).
        ``hooks``: the router's, when it runs the attempts (``router/session.py``)."""
        ingress, meter = self.ingress, self.meter
        if self.activation is not None:
            from hyperinfer.gateway.server_tools import serve_with_tools

            await self.spend_key()  # the tool loop's first model call follows
            return await serve_with_tools(self, self.activation, candidate)
        # openai_compatible is no ingress's native kind: never passthrough (README, "The catalog").
        native = candidate.provider.kind is ingress.native
        # Decoded before reserving: a request the translation refuses costs no DynamoDB round trip.
        ir_request = None if native else self.decoded()
        cap = await meter.reserve(candidate.model, self.prompt_tokens, self.client_cap)
        await self.spend_key()
        settings = self.rt.settings
        http = client(settings.upstream_connect_timeout, settings.upstream_read_timeout)
        view = view_for(ingress, meter.request_id, candidate.model, batch=meter.batch_id is not None)
        routed = Routed(candidate, view, meter, http, self.stream, hooks)
        if ir_request is None:
            from hyperinfer.gateway.passthrough import passthrough

            capped = self.payload if self.client_cap else {**self.payload, ingress.cap_fields[0]: cap}
            return await passthrough(ingress, self.client_headers, capped, routed)
        from hyperinfer.gateway.translated import through_ir

        if not self.client_cap:
            ir_request = ir_request.model_copy(update={"max_output_tokens": cap})
        if "pdf" not in candidate.model.features:
            from hyperinfer.tools.pdf import has_pdf, pdfs_as_text

            ir_request = pdfs_as_text(ir_request) if has_pdf(ir_request) else ir_request
        return await through_ir(ingress, self.parsed, ir_request, routed)
