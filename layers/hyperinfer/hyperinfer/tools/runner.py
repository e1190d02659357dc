"""Run one server-tool call the model made: validate its arguments, run the backend, price it, log it.

Whatever goes wrong becomes an error result for the model (``is_error``), never an exception for
the request: bad arguments, a refused URL, a backend failure. Only successful runs are charged. The
log line says which tool, how long, how many bytes and how it ended; never the content.
"""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

import httpx
from pydantic import ValidationError

from hyperinfer.tools.config import ToolsConfig, micro_usd
from hyperinfer.tools.definitions import ARGUMENTS, DatetimeArgs, ImageArgs, WebFetchArgs, WebSearchArgs
from hyperinfer.tools.image import GeneratedImage
from hyperinfer.tools.web_fetch import FetchPolicy

log = logging.getLogger("hyperinfer.tools")
KeyOf = Callable[[], Awaitable[str]]


@dataclass(frozen=True)
class ImageTarget:
    base: str
    upstream_model: str
    api_key: KeyOf


@dataclass(frozen=True)
class ToolContext:
    """What the tools may use: their own config, keys fetched only when a tool runs, and HTTP."""

    tools: ToolsConfig
    http: httpx.AsyncClient  # backends (search, images); fetches use their own pinned client
    fetch_policy: FetchPolicy = field(default_factory=FetchPolicy)
    search_key: KeyOf | None = None
    image: ImageTarget | None = None
    fetch_client: Callable[[], httpx.AsyncClient] | None = None


@dataclass(frozen=True)
class ToolOutcome:
    tool: str
    text: str  # what the model reads
    is_error: bool = False
    cost_micro_usd: int = 0
    bytes: int = 0
    images: tuple[GeneratedImage, ...] = ()
    detail: dict[str, Any] = field(default_factory=dict)  # for events: query, url, result list


class _Failure(Exception):
    def __init__(self, outcome: str, message: str) -> None:
        super().__init__(message)
        self.outcome = outcome


def parse_arguments(tool: str, raw: dict[str, Any] | str) -> Any:
    model = ARGUMENTS.get(tool)
    if model is None:
        raise _Failure("unknown_tool", f"{tool!r} is not a server tool of this request")
    try:
        value = json.loads(raw or "{}") if isinstance(raw, str) else raw
        return model.model_validate(value)
    except (ValueError, ValidationError) as error:
        problems = (
            "; ".join(f"{'.'.join(map(str, e['loc'])) or 'arguments'}: {e['msg']}" for e in error.errors())
            if isinstance(error, ValidationError)
            else "the arguments are not a JSON object"
        )
        raise _Failure("invalid_arguments", f"invalid arguments for {tool}: {problems}") from error


async def run_tool(tool: str, raw: dict[str, Any] | str, ctx: ToolContext) -> ToolOutcome:
    started = time.monotonic()
    try:
        outcome = await _run(tool, parse_arguments(tool, raw), ctx)
        status = "ok"
    except _Failure as failure:
        outcome = ToolOutcome(tool, f"Error: {failure}", is_error=True)
        status = failure.outcome
    log.info(
        "tool run",
        extra={
            "tool": tool,
            "duration_ms": int((time.monotonic() - started) * 1000),
            "bytes": outcome.bytes,
            "outcome": status,
        },
    )
    return outcome


async def _run(tool: str, args: Any, ctx: ToolContext) -> ToolOutcome:
    if isinstance(args, WebSearchArgs):
        return await _web_search(args, ctx)
    if isinstance(args, WebFetchArgs):
        return await _web_fetch(args, ctx)
    if isinstance(args, ImageArgs):
        return await _image(args, ctx)
    if isinstance(args, DatetimeArgs):
        from hyperinfer.tools.datetime_tool import UnknownTimeZone, now_in

        try:
            return ToolOutcome(tool, json.dumps(now_in(args.timezone)))
        except UnknownTimeZone as error:
            raise _Failure("invalid_arguments", str(error)) from error
    raise _Failure("unknown_tool", f"{tool!r} is not a server tool of this request")


async def _web_search(args: WebSearchArgs, ctx: ToolContext) -> ToolOutcome:
    from hyperinfer.tools.web_search import SearchFailed, render_hits, search

    config = ctx.tools.web_search
    if config is None or ctx.search_key is None:
        raise _Failure("not_configured", "web_search is not configured on this deployment")
    try:
        hits = await search(config, await ctx.search_key(), args.query, args.max_results, ctx.http)
    except SearchFailed as error:
        raise _Failure("failed", f"web_search failed: {error}") from error
    text = render_hits(args.query, hits)
    detail = {"query": args.query, "results": [{"title": h.title, "url": h.url} for h in hits]}
    cost = micro_usd(config.price_per_call_usd)
    return ToolOutcome("web_search", text, cost_micro_usd=cost, bytes=len(text.encode()), detail=detail)


async def _web_fetch(args: WebFetchArgs, ctx: ToolContext) -> ToolOutcome:
    from hyperinfer.tools.ssrf import FetchRefused
    from hyperinfer.tools.web_fetch import FetchFailed, fetch, fetch_client

    config = ctx.tools.web_fetch
    if config is None:
        raise _Failure("not_configured", "web_fetch is not configured on this deployment")
    client = (ctx.fetch_client or fetch_client)()
    try:
        async with client:
            page = await fetch(args.url, ctx.fetch_policy, client)
    except FetchRefused as error:
        raise _Failure("refused", f"web_fetch refused: {error}") from error
    except FetchFailed as error:
        raise _Failure("failed", f"web_fetch failed: {error}") from error
    note = "\n\n[content truncated]" if page.truncated else ""
    text = f"URL: {page.url}\nContent-Type: {page.content_type}\n\n{page.text}{note}"
    detail = {"url": args.url, "final_url": page.url, "content_type": page.content_type}
    cost = micro_usd(config.price_per_call_usd)
    return ToolOutcome("web_fetch", text, cost_micro_usd=cost, bytes=page.bytes_read, detail=detail)


async def _image(args: ImageArgs, ctx: ToolContext) -> ToolOutcome:
    from hyperinfer.tools.image import ImageFailed, generate

    config = ctx.tools.image
    if config is None or ctx.image is None:
        raise _Failure("not_configured", "image is not configured on this deployment")
    target = ctx.image
    try:
        images = await generate(
            target.base,
            await target.api_key(),
            target.upstream_model,
            prompt=args.prompt,
            size=args.size,
            http=ctx.http,
        )
    except ImageFailed as error:
        raise _Failure("failed", f"image failed: {error}") from error
    count = len(images)
    revised = next((i.revised_prompt for i in images if i.revised_prompt), None)
    text = f"Generated {count} image(s); they are shown to the user after your answer." + (
        f" Revised prompt: {revised}" if revised else ""
    )
    size = sum(len(i.url) for i in images)
    cost = micro_usd(config.price_per_image_usd, count)
    return ToolOutcome(
        "image", text, cost_micro_usd=cost, bytes=size, images=tuple(images), detail={"prompt": args.prompt}
    )
