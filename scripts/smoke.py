"""Smoke checks of a deployed HyperInfer stage, made with the official OpenAI and Anthropic SDKs.

    HYPERINFER_SMOKE_KEY=sk-hi-... python scripts/smoke.py --env prod      # URL from stack outputs
    HYPERINFER_SMOKE_KEY=sk-hi-... python scripts/smoke.py --base-url https://api.example.com

Each check prints PASS or FAIL, its duration and what it saw (or why it failed); the exit status is
1 when any check fails, 2 when the checks cannot start (no key, no stack, no URL output).
`--env` reads the CloudFormation outputs of stack HyperInfer-<env> with boto3 (the usual AWS
credentials and region): the custom-domain URL (an output whose key contains "Domain") unless
`--endpoint stage` picks the API Gateway stage URL (an output whose key contains "Endpoint").

Deliberately outside the `hyperinfer` package: the layer ships that package to every function, and
this script talks to the gateway only the way a client does, over HTTPS.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import anthropic
import httpx
import openai

DEFAULT_MODEL = "openai/gpt-4.1-mini"
DEFAULT_ANTHROPIC_MODEL = "anthropic/claude-haiku-4.5"
PROMPT = "Reply with one short sentence: what is an API gateway?"
MAX_TOKENS = 64
GENERATION_WAIT = 10.0  # seconds: the record is written as the call settles, just after the reply


class CheckFailed(Exception):
    """An expectation a check made about the gateway's answer that did not hold."""


class SetupError(Exception):
    """The checks cannot start: the message is the one line the user sees."""


def expect(condition: object, message: str) -> None:
    if not condition:
        raise CheckFailed(message)


@dataclass
class Smoke:
    base_url: str
    api_key: str
    model: str
    anthropic_model: str
    timeout: float = 60.0
    # Filled by the plain Chat Completions check, read by the generation check.
    generation_id: str | None = field(default=None, init=False)
    generation_model: str | None = field(default=None, init=False)

    def openai(self) -> openai.OpenAI:
        return openai.OpenAI(
            base_url=f"{self.base_url}/api/v1", api_key=self.api_key, max_retries=0, timeout=self.timeout
        )

    def anthropic(self) -> anthropic.Anthropic:
        # The SDK appends /v1/messages itself.
        return anthropic.Anthropic(
            base_url=f"{self.base_url}/api", api_key=self.api_key, max_retries=0, timeout=self.timeout
        )


@dataclass(frozen=True)
class Result:
    name: str
    ok: bool
    detail: str
    seconds: float


# ---- the checks: each returns what it saw, or raises -------------------------------------------


def check_models(smoke: Smoke) -> str:
    listed = smoke.openai().models.list()
    slugs = {(entry.model_extra or {}).get("slug") for entry in listed.data}
    expect(slugs, "the catalog is empty")
    for model in (smoke.model, smoke.anthropic_model):
        expect(model in slugs, f"{model} is not in the catalog")
    return f"{len(slugs)} models"


def check_chat(smoke: Smoke) -> str:
    done = smoke.openai().chat.completions.create(
        model=smoke.model, messages=[{"role": "user", "content": PROMPT}], max_tokens=MAX_TOKENS
    )
    expect(done.id.startswith("gen-"), f"id {done.id!r} is not gen-...")
    expect(done.choices, "no choices")
    expect((done.choices[0].message.content or "").strip(), "empty content")
    expect(done.choices[0].finish_reason, "no finish_reason")
    usage = done.usage
    expect(usage and usage.prompt_tokens > 0 and usage.completion_tokens > 0, f"usage missing: {usage}")
    assert usage is not None
    expect((usage.model_extra or {}).get("cost") is not None, "usage.cost missing")
    smoke.generation_id, smoke.generation_model = done.id, done.model
    return f"{done.id}, {usage.prompt_tokens}+{usage.completion_tokens} tokens"


def spread(start: float, first: float | None) -> str:
    """When the first text arrived against the whole stream: a stage that buffers instead of
    streaming shows the first text only at the very end."""
    return f"first text at {first or 0:.2f} s of {time.perf_counter() - start:.2f} s"


def check_chat_stream(smoke: Smoke) -> str:
    start = time.perf_counter()
    first: float | None = None
    text, finish, usage, chunks = "", None, None, 0
    stream = smoke.openai().chat.completions.create(
        model=smoke.model,
        messages=[{"role": "user", "content": PROMPT}],
        max_tokens=MAX_TOKENS,
        stream=True,
        stream_options={"include_usage": True},
    )
    for chunk in stream:
        chunks += 1
        expect(chunk.id.startswith("gen-"), f"chunk id {chunk.id!r} is not gen-...")
        for choice in chunk.choices:
            if choice.delta.content and first is None:
                first = time.perf_counter() - start
            text += choice.delta.content or ""
            finish = choice.finish_reason or finish
        usage = chunk.usage or usage
    expect(text.strip(), "no content deltas")
    expect(finish, "the stream ended without a finish_reason")
    expect(usage and usage.completion_tokens > 0, "the stream ended without usage")
    return f"{chunks} chunks, {spread(start, first)}"


def check_responses(smoke: Smoke) -> str:
    done = smoke.openai().responses.create(model=smoke.model, input=PROMPT, max_output_tokens=MAX_TOKENS)
    expect(done.id.startswith("resp_"), f"id {done.id!r} is not resp_...")
    expect(done.status == "completed", f"status {done.status!r}")
    expect(done.output_text.strip(), "empty output_text")
    usage = done.usage
    expect(usage and usage.input_tokens > 0 and usage.output_tokens > 0, f"usage missing: {usage}")
    return f"{done.id}, {len(done.output_text)} characters"


def check_responses_stream(smoke: Smoke) -> str:
    start = time.perf_counter()
    first: float | None = None
    text, completed, events = "", None, 0
    stream = smoke.openai().responses.create(
        model=smoke.model, input=PROMPT, max_output_tokens=MAX_TOKENS, stream=True
    )
    for event in stream:
        events += 1
        if event.type == "response.output_text.delta":
            first = first if first is not None else time.perf_counter() - start
            text += event.delta
        elif event.type == "response.completed":
            completed = event.response
        elif event.type in ("response.failed", "error"):
            raise CheckFailed(f"{event.type}: {event}")
    expect(text.strip(), "no output_text deltas")
    expect(completed is not None, "the stream ended without response.completed")
    assert completed is not None
    expect(completed.usage and completed.usage.output_tokens > 0, "response.completed carries no usage")
    expect(completed.output_text == text, "the deltas differ from the completed response's text")
    return f"{events} events, {spread(start, first)}"


def check_messages(smoke: Smoke) -> str:
    done = smoke.anthropic().messages.create(
        model=smoke.anthropic_model, max_tokens=MAX_TOKENS, messages=[{"role": "user", "content": PROMPT}]
    )
    expect(done.id.startswith("msg_"), f"id {done.id!r} is not msg_...")
    text = "".join(block.text for block in done.content if block.type == "text")
    expect(text.strip(), "no text block")
    expect(done.stop_reason, "no stop_reason")
    expect(done.usage.input_tokens > 0 and done.usage.output_tokens > 0, f"usage missing: {done.usage}")
    return f"{done.id}, stop_reason {done.stop_reason}"


def check_messages_stream(smoke: Smoke) -> str:
    start = time.perf_counter()
    first: float | None = None
    text, stopped, output_tokens, events = "", False, 0, 0
    stream = smoke.anthropic().messages.create(
        model=smoke.anthropic_model,
        max_tokens=MAX_TOKENS,
        messages=[{"role": "user", "content": PROMPT}],
        stream=True,
    )
    for event in stream:
        events += 1
        if event.type == "message_start":
            expect(event.message.id.startswith("msg_"), f"id {event.message.id!r} is not msg_...")
        elif event.type == "content_block_delta" and event.delta.type == "text_delta":
            first = first if first is not None else time.perf_counter() - start
            text += event.delta.text
        elif event.type == "message_delta":
            output_tokens = event.usage.output_tokens
        elif event.type == "message_stop":
            stopped = True
    expect(text.strip(), "no text deltas")
    expect(output_tokens > 0, "no usage in message_delta")
    expect(stopped, "the stream ended without message_stop")
    return f"{events} events, {spread(start, first)}"


def check_count_tokens(smoke: Smoke) -> str:
    counted = smoke.anthropic().messages.count_tokens(
        model=smoke.anthropic_model, messages=[{"role": "user", "content": PROMPT}]
    )
    expect(counted.input_tokens > 0, f"input_tokens {counted.input_tokens}")
    return f"{counted.input_tokens} input tokens"


def check_generation(smoke: Smoke) -> str:
    expect(smoke.generation_id, "no generation id to look up (chat.completions failed)")
    deadline = time.monotonic() + GENERATION_WAIT
    while True:
        response = httpx.get(
            f"{smoke.base_url}/api/v1/generation",
            params={"id": smoke.generation_id},
            headers={"Authorization": f"Bearer {smoke.api_key}"},
            timeout=smoke.timeout,
        )
        if response.status_code != 404 or time.monotonic() > deadline:
            break
        time.sleep(0.5)
    expect(response.status_code == 200, f"{response.status_code}: {response.text[:200]}")
    record: dict[str, Any] = response.json()["data"]
    expect(f"gen-{record['id']}" == smoke.generation_id, f"another record: {record['id']}")
    expect(record["status"] == "success", f"status {record['status']!r}")
    expect(
        record["model"] == smoke.generation_model,
        f"model {record['model']!r}, answered {smoke.generation_model!r}",
    )
    expect(record["tokens_prompt"] > 0 and record["tokens_completion"] > 0, "no tokens recorded")
    return f"{record['status']}, {record['cost_micro_usd']} micro-USD, {record['latency_ms']} ms"


CHECKS: tuple[tuple[str, Callable[[Smoke], str]], ...] = (
    ("models", check_models),
    ("chat.completions", check_chat),
    ("chat.completions stream", check_chat_stream),
    ("responses", check_responses),
    ("responses stream", check_responses_stream),
    ("messages", check_messages),
    ("messages stream", check_messages_stream),
    ("messages.count_tokens", check_count_tokens),
    ("generation", check_generation),
)


def reason(error: Exception) -> str:
    if isinstance(error, openai.APIStatusError | anthropic.APIStatusError):
        # The OpenAI SDK keeps the inner error object, the Anthropic SDK the whole envelope.
        body = error.body if isinstance(error.body, dict) else {}
        inner = body["error"] if isinstance(body.get("error"), dict) else body
        code = inner.get("code") or inner.get("type")
        text = (
            f"HTTP {error.status_code}{f' {code}' if code else ''}: {inner.get('message') or error.message}"
        )
        request_id = error.response.headers.get("x-request-id")
        return f"{text} (request {request_id})" if request_id else text
    if isinstance(error, openai.APITimeoutError | anthropic.APITimeoutError):
        return f"no answer within {error.request.extensions.get('timeout', {}).get('read', '?')} s"
    if isinstance(error, openai.APIConnectionError | anthropic.APIConnectionError):
        return f"cannot connect: {error.__cause__ or error}"  # the SDKs hide the cause (DNS, TLS...)
    if isinstance(error, CheckFailed):
        return str(error)
    return f"{type(error).__name__}: {error}"


def run_checks(smoke: Smoke) -> list[Result]:
    results = []
    for name, check in CHECKS:
        start = time.perf_counter()
        try:
            ok, detail = True, check(smoke)
        except Exception as error:  # every failure is reported, and the next check still runs
            ok, detail = False, reason(error)
        result = Result(name, ok, detail, time.perf_counter() - start)
        print(f"{'PASS' if ok else 'FAIL'}  {name:<24} {result.seconds:6.2f} s  {detail}", flush=True)
        results.append(result)
    return results


# ---- where the stage is ------------------------------------------------------------------------


def pick_url(outputs: dict[str, str], endpoint: str) -> str:
    """The base URL among a stack's outputs: the custom domain's (key containing "Domain"), the
    stage's (key containing "Endpoint", as CDK names a RestApi's URL output), or with "auto" the
    domain's when the stack has one, else the stage's."""
    if endpoint == "auto":
        try:
            return pick_url(outputs, "domain")
        except SetupError:
            return pick_url(outputs, "stage")
    wanted = {"domain": "domain", "stage": "endpoint"}[endpoint]
    urls = {
        key: value
        for key, value in outputs.items()
        if wanted in key.lower() and value.startswith(("https://", "http://"))
    }
    if not urls:
        raise SetupError(f"no {endpoint} URL among the stack outputs: {', '.join(sorted(outputs)) or 'none'}")
    if len(urls) > 1:
        raise SetupError(f"several {endpoint} URL outputs: {', '.join(sorted(urls))}")
    return next(iter(urls.values())).rstrip("/")


def stack_outputs(stack_name: str, region: str | None) -> dict[str, str]:
    import boto3
    import botocore.exceptions

    try:
        stacks = boto3.client("cloudformation", region_name=region).describe_stacks(StackName=stack_name)
    except (botocore.exceptions.BotoCoreError, botocore.exceptions.ClientError) as error:
        raise SetupError(f"cannot read stack {stack_name}: {error}") from None
    return {o["OutputKey"]: o["OutputValue"] for o in stacks["Stacks"][0].get("Outputs", [])}


def base_url(args: argparse.Namespace) -> str:
    if args.base_url:
        return str(args.base_url).rstrip("/")
    return pick_url(stack_outputs(f"HyperInfer-{args.env}", args.region), args.endpoint)


def parser() -> argparse.ArgumentParser:
    cli = argparse.ArgumentParser(
        description="Official-SDK smoke checks of a deployed HyperInfer stage.",
        epilog="Key: HYPERINFER_SMOKE_KEY. Models: SMOKE_MODEL for the OpenAI SDK checks (default "
        f"{DEFAULT_MODEL}), SMOKE_ANTHROPIC_MODEL for the Anthropic SDK ones ({DEFAULT_ANTHROPIC_MODEL}).",
    )
    where = cli.add_mutually_exclusive_group(required=True)
    where.add_argument("--base-url", help="the gateway's root URL, e.g. https://api.example.com")
    where.add_argument("--env", help="read the URL from stack HyperInfer-<env>'s outputs")
    cli.add_argument(
        "--endpoint",
        choices=("auto", "domain", "stage"),
        default="auto",
        help="with --env: the custom domain (auto: when the stack has one) or the stage URL",
    )
    cli.add_argument("--region", default=None, help="with --env: the stack's region (default: boto3's)")
    cli.add_argument("--timeout", type=float, default=60.0, help="seconds per request")
    return cli


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    key = os.environ.get("HYPERINFER_SMOKE_KEY", "")
    try:
        if not key:
            raise SetupError(
                "set HYPERINFER_SMOKE_KEY to an API key of the stage (`hyperinfer admin keys create`)"
            )
        url = base_url(args)
    except SetupError as error:
        print(f"smoke: {error}", file=sys.stderr)
        return 2
    smoke = Smoke(
        base_url=url,
        api_key=key,
        model=os.environ.get("SMOKE_MODEL") or DEFAULT_MODEL,
        anthropic_model=os.environ.get("SMOKE_ANTHROPIC_MODEL") or DEFAULT_ANTHROPIC_MODEL,
        timeout=args.timeout,
    )
    print(f"smoke checks against {url} ({smoke.model}, {smoke.anthropic_model})", flush=True)
    results = run_checks(smoke)
    failed = [r.name for r in results if not r.ok]
    total = sum(r.seconds for r in results)
    if failed:
        print(f"{len(failed)} of {len(results)} checks failed ({total:.1f} s): {', '.join(failed)}")
        return 1
    print(f"all {len(results)} checks passed ({total:.1f} s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
