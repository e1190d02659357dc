"""A request with server tools, served by one candidate: the tool loop over the IR, each model call
reserved and settled on the Meter, each tool run priced on the record, and the answer in the
client's format with the tool runs shown when asked (see ``tools.loop`` for how the loop ends).

Model calls are made without streaming (a call's tool requests must be complete before they can
run); a streaming client gets the exchange as one stream: the tool runs first, in the format's
idiom, then the answer, preceded by keep-alives when the loop outlasts one keep-alive interval.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator
from typing import TYPE_CHECKING, Any

from starlette.responses import JSONResponse, Response, StreamingResponse

from hyperinfer.accounts.pricing import cost_micro_usd, usd
from hyperinfer.errors import ErrorCode, GatewayError
from hyperinfer.formats.view import View
from hyperinfer.gateway.routed import SSE_HEADERS, dropped_header, target_for, upstream_call
from hyperinfer.gateway.transport import post_json
from hyperinfer.ir import request as ir
from hyperinfer.ir.events import MessageStart
from hyperinfer.ir.replay import block_events
from hyperinfer.ir.response import Response as IRResponse
from hyperinfer.ir.server_tools import ServerToolRun
from hyperinfer.tools.activation import Activation
from hyperinfer.tools.config import micro_usd
from hyperinfer.tools.loop import LoopResult, run_loop
from hyperinfer.tools.runner import ImageTarget, ToolContext, ToolOutcome
from hyperinfer.tools.ssrf import parse_allow_hosts
from hyperinfer.tools.web_fetch import FetchPolicy

if TYPE_CHECKING:
    from hyperinfer.gateway.pipeline import GenerationRequest as _Generation
    from hyperinfer.gateway.plan import Candidate
    from hyperinfer.gateway.runtime import Runtime

CAPPED_HEADER = "X-HyperInfer-Tool-Loop"


def _prices(rt: Runtime) -> dict[str, int]:
    tools = rt.catalog.tools
    prices = {"datetime": 0}
    if tools.web_search:
        prices["web_search"] = micro_usd(tools.web_search.price_per_call_usd)
    if tools.web_fetch:
        prices["web_fetch"] = micro_usd(tools.web_fetch.price_per_call_usd)
    if tools.image:
        prices["image"] = micro_usd(tools.image.price_per_image_usd)
    return prices


async def _key(rt: Runtime, variable: str, missing: type[Exception]) -> str:
    """A backend's key, found as a provider's is (environment, else the provider-keys secret) and
    registered for redaction; ``missing`` is the tool's own failure, so the model hears of it."""
    import os

    from hyperinfer.gateway.secret_reads import read_secret
    from hyperinfer.observability.redact import register_secret
    from hyperinfer.secrets import json_field

    key = os.environ.get(variable, "")
    if not key and rt.settings.provider_keys_secret:
        key = json_field(await read_secret(rt, rt.settings.provider_keys_secret), variable) or ""
    if not key:
        raise missing("the backend has no API key configured")
    register_secret(key)
    return key


def _context(rt: Runtime, http: Any) -> ToolContext:
    from hyperinfer.tools.image import ImageFailed
    from hyperinfer.tools.web_search import SearchFailed

    tools = rt.catalog.tools
    search_key = None
    if tools.web_search is not None:
        variable = tools.web_search.api_key_env

        async def search_key() -> str:
            return await _key(rt, variable, SearchFailed)

    image = None
    if tools.image is not None:
        model = rt.catalog.find(tools.image.model)
        assert model is not None  # the catalog checks it at load
        provider = rt.catalog.provider_of(model)

        async def image_key() -> str:
            return await _key(rt, provider.api_key_env, ImageFailed)

        image = ImageTarget(base=provider.base, upstream_model=model.upstream_model, api_key=image_key)
    policy = FetchPolicy(allow_hosts=parse_allow_hosts(rt.settings.web_fetch_allow_hosts))
    return ToolContext(tools=tools, http=http, fetch_policy=policy, search_key=search_key, image=image)


class _Host:
    """The loop's money and model calls for one candidate."""

    def __init__(self, generation: _Generation, candidate: Candidate, http: Any) -> None:
        self.generation, self.candidate, self.http = generation, candidate, http
        self.grown = 0  # prompt tokens the loop added (answers and tool results fed back)
        self.dropped: tuple[str, ...] = ()
        self.cap = 0

    async def reserve(self, tool_price_micro_usd: int) -> None:
        gen = self.generation
        self.cap = await gen.meter.reserve(
            self.candidate.model, gen.prompt_tokens + self.grown, gen.client_cap, extra=tool_price_micro_usd
        )

    async def call_model(self, request: ir.Request) -> IRResponse:
        candidate = self.candidate
        adapter = candidate.adapter
        if not self.generation.client_cap:
            request = request.model_copy(update={"max_output_tokens": self.cap})
        encoded = adapter.encode_request(request, target_for(candidate, False))
        self.dropped = tuple(encoded.dropped)
        call = upstream_call(candidate, encoded.body, False)
        answer = adapter.decode_response(await post_json(self.http, call), encoded.hints)
        await self.generation.meter.call_succeeded(answer.usage)
        self.grown += answer.usage.output_tokens
        return answer

    def tool_ran(self, outcome: ToolOutcome) -> None:
        self.generation.meter.tool_ran(outcome.tool, outcome.cost_micro_usd)
        self.grown += len(outcome.text.encode()) // 2 + 16  # the estimate's own rule for text


def _prepared(request: ir.Request, candidate: Candidate) -> ir.Request:
    if "pdf" in candidate.model.features:
        return request
    from hyperinfer.tools.pdf import has_pdf, pdfs_as_text

    return pdfs_as_text(request) if has_pdf(request) else request


async def serve_with_tools(generation: _Generation, activation: Activation, candidate: Candidate) -> Response:
    from hyperinfer.gateway.transport import client

    rt = generation.rt
    settings = rt.settings
    http = client(settings.upstream_connect_timeout, settings.upstream_read_timeout)
    host = _Host(generation, candidate, http)
    request = _prepared(generation.decoded(), candidate)

    async def loop() -> LoopResult:
        result = await run_loop(
            request,
            activation.offered,
            host,
            _context(rt, http),
            max_iterations=settings.tool_max_iterations,
            prices=_prices(rt),
        )
        await generation.meter.finish()
        return result

    if not generation.stream:
        result = await loop()
        body = generation.ingress.codec.encode_response(
            result.response, _view(generation, candidate), generation.parsed
        )
        runs = result.runs if activation.events else []
        return JSONResponse(
            _with_runs(generation.ingress.name, body, runs, result), headers=_headers(host, result)
        )
    # A stream waits for the loop up to one keep-alive interval, so that a failure early on is
    # still an HTTP error the attempt loop may retry elsewhere; a longer loop starts the stream
    # and keeps it alive (proxies and API Gateway want a first byte), its failures then ending
    # the stream with the format's error event.
    task = asyncio.ensure_future(loop())
    await asyncio.wait({task}, timeout=settings.keepalive_interval)
    if task.done():
        result = task.result()
        frames = _stream(generation, candidate, result, activation.events)
        headers = {**SSE_HEADERS, **_headers(host, result)}
        return StreamingResponse(iter(frames), media_type="text/event-stream", headers=headers)
    late = _late_stream(task, generation, candidate, activation.events, settings.keepalive_interval)
    return StreamingResponse(late, media_type="text/event-stream", headers=SSE_HEADERS)


async def _late_stream(
    task: asyncio.Future[LoopResult],
    generation: _Generation,
    candidate: Candidate,
    events: bool,
    interval: float,
) -> AsyncIterator[bytes]:
    codec = generation.ingress.codec
    try:
        while not task.done():
            finished, _ = await asyncio.wait({task}, timeout=interval)
            if not finished:
                yield codec.keepalive
        for frame in _stream(generation, candidate, task.result(), events):
            yield frame
    except GatewayError as error:
        await generation.meter.fail(error.code)
        encoder = codec.stream_encoder(_view(generation, candidate), generation.parsed)
        yield encoder.error(error, generation.meter.request_id)
    except Exception:
        await generation.meter.fail(ErrorCode.INTERNAL_ERROR)
        internal = GatewayError(ErrorCode.INTERNAL_ERROR, "The server-tool loop failed.")
        yield codec.stream_encoder(_view(generation, candidate), generation.parsed).error(
            internal, generation.meter.request_id
        )
        raise
    finally:
        if not task.done():  # the client left: the loop still ends and settles what it ran
            await asyncio.shield(task)


def _headers(host: _Host, result: LoopResult) -> dict[str, str]:
    headers = dropped_header(host.dropped)
    if result.capped:
        headers[CAPPED_HEADER] = "capped"
    return headers


def _view(generation: _Generation, candidate: Candidate) -> View:
    pricing = candidate.model.pricing
    tool_costs = generation.meter.tool_costs_total
    batch = generation.meter.batch_id is not None

    def cost(usage: Any) -> float:
        return usd(cost_micro_usd(usage, pricing, batch=batch) + tool_costs)

    prefix = generation.ingress.id_prefix
    return View(f"{prefix}{generation.meter.request_id}", candidate.model.slug, int(time.time()), cost)


def _images(result: LoopResult) -> dict[str, str]:
    by_run: dict[str, str] = {}
    pictures = iter(result.images)
    for run in result.runs:
        if run.name == "image" and not run.is_error:
            picture = next(pictures, None)
            if picture is not None and picture.url.startswith("data:"):
                by_run[run.id] = picture.url.partition(",")[2]
    return by_run


def _with_runs(
    ingress: str, body: dict[str, Any], runs: list[ServerToolRun], result: LoopResult
) -> dict[str, Any]:
    if not runs:
        return body
    if ingress == "responses":
        from hyperinfer.formats.responses.server_tools import tool_items

        return {**body, "output": [*tool_items(runs, _images(result)), *body["output"]]}
    if ingress == "anthropic_messages":
        from hyperinfer.formats.anthropic_messages.server_tools import tool_blocks

        return {**body, "content": [*tool_blocks(runs), *body["content"]]}
    from hyperinfer.formats.chat_completions.server_tools import tool_events

    choice = body["choices"][0]
    message = {**choice["message"], "hi_tool_events": tool_events(runs)}
    return {**body, "choices": [{**choice, "message": message}, *body["choices"][1:]]}


def _stream(generation: _Generation, candidate: Candidate, result: LoopResult, events: bool) -> list[bytes]:
    """The finished exchange as the format's stream: start, the tool runs, the answer's blocks."""
    ingress, parsed, view = generation.ingress, generation.parsed, _view(generation, candidate)
    runs = result.runs if events else []
    encoder = ingress.codec.stream_encoder(view, parsed)
    answer = result.response
    frames: list[bytes] = encoder.encode(MessageStart(id=view.response_id, model=view.model))
    first_index = 0
    if runs and ingress.name == "responses":
        from hyperinfer.formats.responses.server_tools import tool_items
        from hyperinfer.formats.responses.stream import StreamEncoder as ResponsesEncoder

        assert isinstance(encoder, ResponsesEncoder)
        frames += encoder.done_items(tool_items(runs, _images(result)))
    elif runs and ingress.name == "anthropic_messages":
        from hyperinfer.formats.anthropic_messages.server_tools import tool_blocks
        from hyperinfer.formats.anthropic_messages.stream import frame

        for index, block in enumerate(tool_blocks(runs)):
            frames.append(frame({"type": "content_block_start", "index": index, "content_block": block}))
            frames.append(frame({"type": "content_block_stop", "index": index}))
            first_index = index + 1
    elif runs:
        import json

        from hyperinfer.formats.chat_completions.server_tools import event_chunk, tool_events

        for tool_event in tool_events(runs):
            chunk = event_chunk(tool_event, view.response_id, view.model, view.created)
            frames.append(b"data: " + json.dumps(chunk, ensure_ascii=False).encode() + b"\n\n")
    for event in block_events(answer, first_index):
        frames += encoder.encode(event)
    return frames
