"""The server-tool loop: offer the activated tools as function tools, run the model's calls to
them, feed the results back, call the model again; at most ``max_iterations`` model calls.

It ends when the model answers without calling a server tool (the answer goes to the client), when
it calls a tool the client defined (the loop stops and the client gets that call, the text of the
earlier turns folded in before it), or at the cap: the model's last answer goes to the client
without its unrun server calls, with a closing note, and ``capped`` set. No model call is made
beyond the cap. The host does the money: ``reserve`` before each model call (with the price of
the tools about to run), ``tool_ran`` after each run.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Protocol

import anyio

from hyperinfer.ir.content import Block, OutputBlock, TextBlock, ToolResultBlock, ToolUseBlock
from hyperinfer.ir.request import Message, Request, Tool
from hyperinfer.ir.response import Response
from hyperinfer.ir.server_tools import ServerToolRun
from hyperinfer.ir.usage import Usage
from hyperinfer.tools.definitions import DESCRIPTIONS, PARAMETERS
from hyperinfer.tools.image import GeneratedImage, as_markdown
from hyperinfer.tools.runner import ToolContext, ToolOutcome, run_tool

CAP_NOTE = (
    "[HyperInfer: the server-tool loop stopped after {n} model calls (HYPERINFER_TOOL_MAX_ITERATIONS).]"
)


class LoopHost(Protocol):
    async def reserve(self, tool_price_micro_usd: int) -> None:
        """Hold the next model call's worst case plus the tools about to run; may refuse (402)."""

    async def call_model(self, request: Request) -> Response:
        """One model call; the host settles its usage."""

    def tool_ran(self, outcome: ToolOutcome) -> None:
        """A tool run ended; its price (zero for a failure) goes on the record."""


@dataclass
class LoopResult:
    response: Response  # the client's answer, usage summed over every model call
    runs: list[ServerToolRun] = field(default_factory=list)
    capped: bool = False
    model_calls: int = 0
    images: list[GeneratedImage] = field(default_factory=list)


def offer(request: Request, tools: Sequence[str]) -> Request:
    offered = tuple(Tool(name=t, description=DESCRIPTIONS[t], parameters=PARAMETERS[t]) for t in tools)
    return request.model_copy(update={"tools": (*request.tools, *offered)})


def _sum(a: Usage, b: Usage) -> Usage:
    fields = ("input_tokens", "cache_read_tokens", "cache_write_tokens", "cache_write_1h_tokens")
    more = ("output_tokens", "reasoning_tokens")
    return Usage(**{name: getattr(a, name) + getattr(b, name) for name in (*fields, *more)})


async def run_loop(
    request: Request,
    tools: Sequence[str],
    host: LoopHost,
    ctx: ToolContext,
    *,
    max_iterations: int,
    prices: dict[str, int],
) -> LoopResult:
    """``tools``: the ids offered as functions; ``prices``: each tool's price per run, micro-USD."""
    current = offer(request, tools)
    server = frozenset(tools)
    folded: list[OutputBlock] = []
    result = LoopResult(response=Response(id="", model="", content=(), stop_reason="end_turn", usage=Usage()))
    usage = Usage()
    await host.reserve(0)
    for call in range(1, max_iterations + 1):
        answer = await host.call_model(current)
        result.model_calls = call
        usage = _sum(usage, answer.usage)
        uses = [b for b in answer.content if isinstance(b, ToolUseBlock)]
        ours = [b for b in uses if b.name in server]
        theirs = [b for b in uses if b.name not in server]
        if not ours or theirs or call == max_iterations:
            result.capped = bool(ours) and not theirs
            result.response = _final(answer, folded, server, usage, result)
            return result
        price = sum(prices.get(b.name, 0) for b in ours)
        await host.reserve(price)  # the next call and this round's tools, before either runs
        outcomes = await _run_all(ours, ctx)
        for use, outcome in zip(ours, outcomes, strict=True):
            host.tool_ran(outcome)
            result.images += outcome.images
            result.runs.append(
                ServerToolRun(
                    id=use.id,
                    name=use.name,
                    input=use.input,
                    is_error=outcome.is_error,
                    text=outcome.text,
                    detail=outcome.detail,
                )
            )
        folded += [b for b in answer.content if isinstance(b, TextBlock) and b.text.strip()]
        results: list[Block] = [
            ToolResultBlock(tool_use_id=u.id, content=(TextBlock(text=o.text),), is_error=o.is_error)
            for u, o in zip(ours, outcomes, strict=True)
        ]
        messages = (
            *current.messages,
            Message(role="assistant", content=tuple(answer.content)),
            Message(role="user", content=tuple(results)),
        )
        current = current.model_copy(update={"messages": messages})
    raise AssertionError("max_iterations is at least 1")


async def _run_all(uses: list[ToolUseBlock], ctx: ToolContext) -> list[ToolOutcome]:
    outcomes: list[ToolOutcome | None] = [None] * len(uses)

    async def one(index: int, use: ToolUseBlock) -> None:
        outcomes[index] = await run_tool(use.name, use.input, ctx)

    async with anyio.create_task_group() as group:
        for index, use in enumerate(uses):
            group.start_soon(one, index, use)
    return [o for o in outcomes if o is not None]


def _final(
    answer: Response,
    folded: list[OutputBlock],
    server: frozenset[str],
    usage: Usage,
    result: LoopResult,
) -> Response:
    kept = [b for b in answer.content if not (isinstance(b, ToolUseBlock) and b.name in server)]
    tail: list[OutputBlock] = []
    if result.images:
        tail.append(TextBlock(text=as_markdown(result.images)))
    stop = answer.stop_reason
    if result.capped:
        tail.append(TextBlock(text=CAP_NOTE.format(n=result.model_calls)))
        stop = "end_turn"
    content = (*folded, *kept, *tail)
    return answer.model_copy(update={"content": content, "usage": usage, "stop_reason": stop})
