"""What translating one request, one answer and one stream costs, for every ingress x provider pair.

Pure CPU, no network: the same components the gateway's pipeline calls (gateway/ingress.py,
gateway/adapters.py, gateway/passthrough/), fed a 20-message agent conversation with tools and
an image, and the fake provider's exact wire answers (long text, thinking, two tool calls).

- request: the client's parsed JSON validated into the ingress request model, decoded into the IR,
  encoded into the provider body (passthrough: validated, then the body with the model swapped).
- response: the provider's parsed JSON decoded into the IR and encoded for the client
  (passthrough: the rewrite of what the gateway owns).
- stream: provider SSE events -> StreamDecoder.feed -> IR events -> Accumulator.add (billing, as
  relay_ir does) -> StreamEncoder.encode; passthrough rows run the format's Rewriter instead.
JSON bytes <-> dict conversion is left out of all three and shown once per body for scale.

    .venv/bin/python bench/translation.py
"""

from __future__ import annotations

import gc
import json
import os
import platform
import statistics
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import Any

import pydantic

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "layers" / "hyperinfer"))

from hyperinfer.accounts.pricing import cost_micro_usd, usd  # noqa: E402
from hyperinfer.catalog import Pricing, ProviderKind, load_catalog  # noqa: E402
from hyperinfer.formats.view import View  # noqa: E402
from hyperinfer.gateway.adapters import adapter_for as upstream_for  # noqa: E402
from hyperinfer.gateway.ingress import ANTHROPIC_MESSAGES, CHAT_COMPLETIONS, RESPONSES, Ingress  # noqa: E402
from hyperinfer.gateway.passthrough import flavour_of, upstream_body  # noqa: E402
from hyperinfer.gateway.transport import UpstreamCall  # noqa: E402
from hyperinfer.ir.accumulate import Accumulator  # noqa: E402
from hyperinfer.ir.usage import Usage  # noqa: E402
from hyperinfer.local.fakes import anthropic as fake_anthropic  # noqa: E402
from hyperinfer.local.fakes import bedrock as fake_bedrock  # noqa: E402
from hyperinfer.local.fakes import gemini as fake_gemini  # noqa: E402
from hyperinfer.local.fakes import openai_chat as fake_chat  # noqa: E402
from hyperinfer.local.fakes import openai_compatible as fake_compatible  # noqa: E402
from hyperinfer.local.fakes import openai_responses as fake_responses  # noqa: E402
from hyperinfer.local.fakes.server import REPLY_WORDS  # noqa: E402
from hyperinfer.providers.contract import Credentials, ProviderAdapter  # noqa: E402
from hyperinfer.providers.sse import SSEDecoder, SSEEvent  # noqa: E402
from hyperinfer.providers.target import Target  # noqa: E402

from bench.conversation import IMAGE, chat_request, messages_request, responses_request  # noqa: E402

ITERATIONS = 2000
WARMUP = 200
STREAM_SECONDS = 1.0  # per pair: repeat the whole stream for about this long
ANSWER_WORDS = 400
THINKING_WORDS = 150
INGRESSES = (CHAT_COMPLETIONS, RESPONSES, ANTHROPIC_MESSAGES)
KINDS = (
    ProviderKind.OPENAI_CHAT,
    ProviderKind.OPENAI_RESPONSES,
    ProviderKind.ANTHROPIC,
    ProviderKind.OPENAI_COMPATIBLE,
    ProviderKind.GEMINI,
    ProviderKind.BEDROCK,
)
# openai_compatible is measured with the catalog's DeepSeek options (the most that kind reshapes).
DEEPSEEK = load_catalog(REPO / "providers.yaml").providers["deepseek"].compat
PRICING = Pricing.model_validate(
    {"prompt": "3", "completion": "15", "cached_prompt": "0.3", "cache_write": "3.75", "cache_write_1h": "6"}
)

CLIENT_REQUESTS: dict[str, Callable[[], dict[str, Any]]] = {
    CHAT_COMPLETIONS.name: chat_request,
    RESPONSES.name: responses_request,
    ANTHROPIC_MESSAGES.name: messages_request,
}

# -- the provider's answers: the fakes' exact wire shapes, made long ----------------------------

WORDS = REPLY_WORDS  # the fake's own words, multi-byte characters included
ANSWER = " ".join(WORDS[i % len(WORDS)] for i in range(ANSWER_WORDS))
THINKING = " ".join(WORDS[(i * 7) % len(WORDS)] for i in range(THINKING_WORDS))
OPTS = {"tools": "2", "think": "1"}


class ResponsesAnswer(fake_responses.Answer):
    def reasoning_item(self) -> dict[str, Any]:
        item = super().reasoning_item()
        return {**item, "summary": [{"type": "summary_text", "text": THINKING}]}


def provider_answer(kind: ProviderKind, body: dict[str, Any]) -> tuple[dict[str, Any], list[bytes]]:
    """The non-streamed answer and the stream frames for one provider request body."""
    if kind is ProviderKind.OPENAI_COMPATIBLE:  # DeepSeek's shape: reasoning_content, its usage
        compatible = fake_compatible.CompatAnswer(body, OPTS, "deepseek")
        compatible.text, compatible.thinking = ANSWER, THINKING
        return compatible.completion(), compatible.frames()
    if kind is ProviderKind.OPENAI_CHAT:
        chat = fake_chat.Answer(body, OPTS)
        chat.text = ANSWER
        completion = chat.completion()
        # OpenAI-compatible servers (DeepSeek, vLLM) send reasoning as reasoning_content.
        completion["choices"][0]["message"]["reasoning_content"] = THINKING
        frames = chat.frames()
        base = json.loads(frames[0].removeprefix(b"data: "))
        base["choices"][0]["delta"] = {}
        thinking = []
        for i, word in enumerate(THINKING.split(" ")):
            base["choices"][0]["delta"] = {"reasoning_content": (" " if i else "") + word}
            thinking.append(b"data: " + json.dumps(base, ensure_ascii=False).encode() + b"\n\n")
        return completion, [*frames[:2], *thinking, *frames[2:]]
    if kind is ProviderKind.OPENAI_RESPONSES:
        responses = ResponsesAnswer(body, OPTS)
        responses.text = ANSWER
        return responses.response(), responses.frames()
    if kind is ProviderKind.GEMINI:  # a thought summary, the text, two calls (the first signed)
        gemini = fake_gemini.Answer(body, OPTS, "upstream-model")
        calls = [part for part in gemini.parts if "functionCall" in part]
        gemini.parts = [{"text": THINKING, "thought": True}, {"text": ANSWER}, *calls]
        return gemini.whole(), gemini.frames()
    if kind is ProviderKind.BEDROCK:  # Claude on Converse: signed reasoning, the text, two calls
        converse = fake_bedrock.Answer(body, OPTS)
        converse.blocks[0]["reasoningContent"]["reasoningText"]["text"] = THINKING
        converse.blocks.insert(1, {"text": ANSWER})
        return converse.converse(), converse.frames()
    message = fake_anthropic.Answer(body, OPTS)
    message.blocks[0]["thinking"] = THINKING
    message.blocks.insert(1, {"type": "text", "text": ANSWER})
    return message.message(), message.frames()


def sse_events(frames: list[bytes]) -> list[SSEEvent]:
    decoder = SSEDecoder()
    return decoder.feed(b"".join(frames)) + decoder.close()


def framed(upstream: ProviderAdapter, frames: list[bytes]) -> list[SSEEvent]:
    """The stream cut into events by the kind's own framer (SSE, or Bedrock's binary event stream)."""
    framer = upstream.framer()
    return framer.feed(b"".join(frames)) + framer.close()


# -- timing ------------------------------------------------------------------------------------


def sample(call: Callable[[], object], iterations: int = ITERATIONS) -> tuple[float, float]:
    """Median and p99 in microseconds."""
    for _ in range(WARMUP):
        call()
    gc.collect()
    times: list[int] = []
    for _ in range(iterations):
        start = time.perf_counter_ns()
        call()
        times.append(time.perf_counter_ns() - start)
    times.sort()
    return statistics.median(times) / 1000, times[min(len(times) - 1, round(0.99 * (len(times) - 1)))] / 1000


@dataclass(frozen=True)
class Stream:
    sse: int  # upstream SSE events read
    ir: int  # IR events produced (0 on a passthrough route)
    out: int  # bytes of frames for the client
    seconds: float = 0.0  # median time of the whole stream


def throughput(run: Callable[[], Stream]) -> Stream:
    """The stream repeated for about STREAM_SECONDS; the median run's time."""
    counts = run()
    for _ in range(3):
        run()
    gc.collect()
    times: list[int] = []
    deadline = time.perf_counter() + STREAM_SECONDS
    while time.perf_counter() < deadline or len(times) < 5:
        start = time.perf_counter_ns()
        run()
        times.append(time.perf_counter_ns() - start)
    return Stream(counts.sse, counts.ir, counts.out, statistics.median(times) / 1e9)


# -- one pair ----------------------------------------------------------------------------------


@dataclass
class Row:
    ingress: str
    provider: str
    route: str
    request: tuple[float, float]
    response: tuple[float, float]
    stream: Stream


def view_for(ingress: Ingress) -> View:
    def cost(usage: Usage) -> float:
        return usd(cost_micro_usd(usage, PRICING))

    return View(f"{ingress.id_prefix}bench0123456789", "bench/model", int(time.time()), cost)


def target(stream: bool, kind: ProviderKind) -> Target:
    compat = DEEPSEEK if kind is ProviderKind.OPENAI_COMPATIBLE else None
    levels = ("low", "medium", "high") if kind is ProviderKind.GEMINI else ()  # Gemini 3's, as cataloged
    # Bedrock reads the model family from the id: Claude's, through a global inference profile.
    upstream_model = (
        "global.anthropic.claude-sonnet-4-6" if kind is ProviderKind.BEDROCK else "upstream-model"
    )
    return Target(
        upstream_model,
        max_output_tokens=8192,
        stream=stream,
        reasoning=True,
        compat=compat,
        thinking_levels=levels,
    )


def translated(ingress: Ingress, kind: ProviderKind) -> Row:
    upstream = upstream_for(kind)
    payload = CLIENT_REQUESTS[ingress.name]()
    model = ingress.request_model
    view = view_for(ingress)

    plain, streaming = target(False, kind), target(True, kind)

    def request_path() -> object:
        parsed = model.model_validate(payload)
        ingress.refuse(payload)
        return upstream.encode_request(ingress.codec.decode(parsed), plain)

    parsed = model.model_validate(payload)
    encoded = upstream.encode_request(ingress.codec.decode(parsed), plain)
    answer, _ = provider_answer(kind, encoded.body)

    def response_path() -> object:
        return ingress.codec.encode_response(upstream.decode_response(answer, encoded.hints), view, parsed)

    streamed = upstream.encode_request(ingress.codec.decode(parsed), streaming)
    _, frames = provider_answer(kind, streamed.body)
    events = framed(upstream, frames)

    def stream_path() -> Stream:
        # relay_ir's loop, without the network and the keep-alive timer.
        decoder = upstream.stream_decoder(streamed.hints, ("sk-bench",))
        encoder = ingress.codec.stream_encoder(view, parsed)
        folded = Accumulator()
        read = count = out = 0
        for event in events:
            read += 1
            for ir in decoder.feed(event):
                folded.add(ir)
                count += 1
                out += sum(len(frame) for frame in encoder.encode(ir))
            if folded.finished:
                break
        if not folded.finished:
            for ir in decoder.close():
                folded.add(ir)
                count += 1
                out += sum(len(frame) for frame in encoder.encode(ir))
        return Stream(read, count, out)

    return Row(
        ingress.name,
        kind.value,
        "IR",
        sample(request_path),
        sample(response_path),
        throughput(stream_path),
    )


@dataclass(frozen=True)
class _Model:
    """The one catalog field upstream_body reads."""

    upstream_model: str


def passthrough(ingress: Ingress) -> Row:
    kind = ingress.native
    upstream = upstream_for(kind)
    payload = CLIENT_REQUESTS[ingress.name]()
    model = ingress.request_model
    view = view_for(ingress)
    catalog_model: Any = _Model("upstream-model")
    flavour = flavour_of(ingress.name)

    def request_path() -> object:
        model.model_validate(payload)  # the pipeline validates before it picks the route
        ingress.refuse(payload)
        return upstream_body(ingress, payload, catalog_model, stream=False)

    answer, _ = provider_answer(kind, upstream_body(ingress, payload, catalog_model, stream=False))
    streamed = upstream_body(ingress, payload, catalog_model, stream=True)
    _, frames = provider_answer(kind, streamed)
    events = sse_events(frames)
    credentials = Credentials(api_key="sk-bench")
    call = UpstreamCall(
        provider_name="bench",
        adapter=upstream,
        credentials=credentials,
        url="http://upstream.invalid",
        headers=upstream.headers(credentials),
        body=streamed,
    )

    def stream_path() -> Stream:
        # relay_passthrough's loop, without the network and the keep-alive timer.
        rewriter = flavour.rewriter(call, view)
        read = out = 0
        for event in events:
            read += 1
            out += sum(len(frame) for frame in rewriter.rewrite(event))
            if rewriter.finished:
                break
        out += sum(len(frame) for frame in rewriter.closing_frames())
        return Stream(read, 0, out)

    return Row(
        ingress.name,
        kind.value,
        "passthrough",
        sample(request_path),
        sample(lambda: flavour.finish(answer, view)),
        throughput(stream_path),
    )


# -- report ----------------------------------------------------------------------------------


def json_costs() -> list[str]:
    """For scale: what parsing and serialising the bodies costs, which every route pays."""
    bodies = [(f"{name} request", build()) for name, build in CLIENT_REQUESTS.items()]
    for kind in KINDS:
        body = (
            upstream_for(kind)
            .encode_request(CHAT_COMPLETIONS.codec.decode(_chat_parsed()), target(False, kind))
            .body
        )
        bodies.append((f"{kind.value} answer", provider_answer(kind, body)[0]))
    lines = []
    for name, body in bodies:
        raw = json.dumps(body, ensure_ascii=False).encode()
        loads = sample(partial(json.loads, raw), 500)[0]
        dumps = sample(partial(json.dumps, body, ensure_ascii=False), 500)[0]
        lines.append(f"  {name:<28}{len(raw) / 1024:6.1f} KiB: loads {loads:6.1f} us, dumps {dumps:6.1f} us")
    return lines


def _chat_parsed() -> Any:
    return CHAT_COMPLETIONS.request_model.model_validate(chat_request())


HEADER = (
    f"{'ingress':<19}{'provider':<18}{'route':<12}{'req p50':>8}{'req p99':>8}{'resp p50':>9}{'resp p99':>9}"
    f"{'SSE in':>8}{'IR ev':>7}{'SSE in/s':>10}{'IR ev/s':>10}{'MB/s out':>9}"
)


def line(row: Row) -> str:
    stream = row.stream
    ir_rate = f"{stream.ir / stream.seconds:>10,.0f}" if stream.ir else f"{'-':>10}"
    return (
        f"{row.ingress:<19}{row.provider:<18}{row.route:<12}"
        f"{row.request[0]:>8.0f}{row.request[1]:>8.0f}{row.response[0]:>9.0f}{row.response[1]:>9.0f}"
        f"{stream.sse:>8}{stream.ir or '-':>7}{stream.sse / stream.seconds:>10,.0f}{ir_rate}"
        f"{stream.out / stream.seconds / 1e6:>9.1f}"
    )


def main() -> None:
    started = time.perf_counter()
    print(
        f"# {platform.platform()}, os.cpu_count()={os.cpu_count()}, Python {platform.python_version()}, "
        f"pydantic {pydantic.VERSION}, load average {os.getloadavg()[0]:.2f}, one thread; "
        "reproduce: .venv/bin/python bench/translation.py"
    )
    print(
        f"# req = validate + decode + encode, resp = decode + encode: microseconds, median and p99 of "
        f"{ITERATIONS} after {WARMUP} warm-up. Stream: the whole answer re-encoded (feed -> IR -> "
        "fold -> encode; passthrough: the rewriter), rates per core. JSON bytes <-> dict excluded."
    )
    rows: list[Row] = []
    for ingress in INGRESSES:
        for kind in KINDS:
            rows.append(translated(ingress, kind))
            if kind is ingress.native:
                rows.append(passthrough(ingress))
    print(HEADER)
    print("-" * len(HEADER))
    for row in rows:
        print(line(row))
    print(
        f"# conversation: 20 chat messages (system, 7 tool calls and results, a {len(IMAGE) // 1024} KiB "
        f"base64 image), 3 tools; answer: {THINKING_WORDS}-word thinking, {ANSWER_WORDS}-word text, "
        "2 tool calls. MB = 10^6 bytes."
    )
    print("# for scale, JSON bytes <-> dict (median):")
    for text in json_costs():
        print(text)
    print(f"# total {time.perf_counter() - started:.0f} s")


if __name__ == "__main__":
    main()
