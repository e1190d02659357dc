"""The router's tests speak each ingress format through its official SDK: one question, plain or
streamed, with router fields in ``extra_body``, and what the client saw in neutral terms."""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import anthropic
import httpx
import openai
from hyperinfer.local.fakes.server import FakeProvider

from tests.integration.conftest import DEV_KEY, Gateway, running_gateway

FORMATS = ("chat_completions", "responses", "anthropic_messages")
# A model of each format's own kind (served same-format) and one of another kind (through the IR).
NATIVE = {
    "chat_completions": ("openai/gpt-4o", "gpt-4o"),
    "responses": ("openai/gpt-5.3-codex", "gpt-5.3-codex"),
    "anthropic_messages": ("anthropic/claude-haiku-4.5", "claude-haiku-4-5-20251001"),
}
OTHER = {
    "chat_completions": ("anthropic/claude-sonnet-4.6", "claude-sonnet-4-6"),
    "responses": ("openai/gpt-4o-mini", "gpt-4o-mini"),
    "anthropic_messages": ("openai/gpt-4.1", "gpt-4.1"),
}
BACKOFF_BASE_MS = 200
RETRY_AFTER_MAX = 1.5
ROUTER_ENV = {
    "HYPERINFER_RETRY_BACKOFF_BASE_MS": str(BACKOFF_BASE_MS),
    "HYPERINFER_RETRY_AFTER_MAX_SECONDS": str(RETRY_AFTER_MAX),
    "HYPERINFER_UPSTREAM_READ_TIMEOUT": "10",
}


@contextmanager
def router_gateway(
    fake: FakeProvider, workdir: Path, routes: dict[str, Any] | None = None
) -> Iterator[Gateway]:
    with running_gateway(fake, workdir, env=ROUTER_ENV, routes=routes) as gateway:
        yield gateway


@dataclass
class Seen:
    text: str = ""
    model: str = ""
    id: str = ""
    headers: dict[str, str] = field(default_factory=dict)
    cost: float | None = None
    error: str | None = None  # the code of an error event that ended a stream
    seconds: float = 0.0


def openai_client(gateway: Gateway, key: str = DEV_KEY) -> openai.OpenAI:
    return openai.OpenAI(base_url=gateway.openai_base, api_key=key, max_retries=0, timeout=30)


def anthropic_client(gateway: Gateway, key: str = DEV_KEY) -> anthropic.Anthropic:
    return anthropic.Anthropic(base_url=f"{gateway.url}/api", api_key=key, max_retries=0, timeout=30)


def ask(
    gateway: Gateway,
    fmt: str,
    model: str,
    say: str = "Hello there",
    *,
    stream: bool = False,
    key: str = DEV_KEY,
    **fields: Any,
) -> Seen:
    """One request in ``fmt``; router fields go in the body as the SDKs send them, via extra_body."""
    started = time.monotonic()
    asker = {"chat_completions": _chat, "responses": _responses, "anthropic_messages": _messages}[fmt]
    seen = asker(gateway, key, model, say, stream, fields)
    seen.seconds = time.monotonic() - started
    return seen


def _chat(gateway: Gateway, key: str, model: str, say: str, stream: bool, fields: dict[str, Any]) -> Seen:
    create = openai_client(gateway, key).chat.completions
    messages: Any = [{"role": "user", "content": say}]
    if not stream:
        raw = create.with_raw_response.create(model=model, messages=messages, extra_body=fields)
        done = raw.parse()
        cost = (done.usage.model_extra or {}).get("cost") if done.usage else None
        return Seen(done.choices[0].message.content or "", done.model, done.id, dict(raw.headers), cost)
    seen = Seen()
    options: Any = {"include_usage": True}
    with create.with_streaming_response.create(
        model=model, messages=messages, stream=True, stream_options=options, extra_body=fields
    ) as streamed:
        seen.headers = dict(streamed.headers)
        try:
            for chunk in streamed.parse():
                seen.model, seen.id = chunk.model, chunk.id
                if chunk.choices:
                    seen.text += chunk.choices[0].delta.content or ""
                if chunk.usage is not None:
                    seen.cost = (chunk.usage.model_extra or {}).get("cost")
        except openai.APIError as error:
            seen.error = _code(error.body)
    return seen


def _responses(
    gateway: Gateway, key: str, model: str, say: str, stream: bool, fields: dict[str, Any]
) -> Seen:
    create = openai_client(gateway, key).responses
    if not stream:
        raw = create.with_raw_response.create(model=model, input=say, extra_body=fields)
        done = raw.parse()
        cost = (done.usage.model_extra or {}).get("cost") if done.usage else None
        return Seen(done.output_text, done.model, done.id, dict(raw.headers), cost)
    seen = Seen()
    with create.with_streaming_response.create(
        model=model, input=say, stream=True, extra_body=fields
    ) as streamed:
        seen.headers = dict(streamed.headers)
        try:
            for event in streamed.parse():
                if event.type == "response.output_text.delta":
                    seen.text += event.delta
                elif event.type in ("response.created", "response.completed"):
                    seen.model, seen.id = event.response.model, event.response.id
                    usage = event.response.usage
                    if usage is not None:
                        seen.cost = (usage.model_extra or {}).get("cost")
                elif event.type == "error":
                    seen.error = event.code or "error"
        except openai.APIError as error:
            seen.error = _code(error.body)
    return seen


def _messages(gateway: Gateway, key: str, model: str, say: str, stream: bool, fields: dict[str, Any]) -> Seen:
    create = anthropic_client(gateway, key).messages
    messages: Any = [{"role": "user", "content": say}]
    if not stream:
        raw = create.with_raw_response.create(
            model=model, max_tokens=200, messages=messages, extra_body=fields
        )
        done = raw.parse()
        text = "".join(b.text for b in done.content if b.type == "text")
        cost = (done.usage.model_extra or {}).get("cost")
        return Seen(text, done.model, done.id, dict(raw.headers), cost)
    seen = Seen()
    with create.with_streaming_response.create(
        model=model, max_tokens=200, messages=messages, stream=True, extra_body=fields
    ) as streamed:
        seen.headers = dict(streamed.headers)
        try:
            for event in streamed.parse():
                if event.type == "message_start":
                    seen.model, seen.id = event.message.model, event.message.id
                elif event.type == "content_block_delta" and event.delta.type == "text_delta":
                    seen.text += event.delta.text
                elif event.type == "message_delta":
                    seen.cost = (event.usage.model_extra or {}).get("cost")
        except anthropic.APIError as error:
            seen.error = _code(error.body)
    return seen


def _code(body: object) -> str:
    if isinstance(body, dict):
        inner = body.get("error", body)
        if isinstance(inner, dict):
            return str(inner.get("code") or inner.get("type") or "error")
    return "error"


def refusal(
    gateway: Gateway, fmt: str, model: str, say: str = "Hello there", **fields: Any
) -> httpx.Response:
    """The raw HTTP answer to a request the gateway refuses (status, headers, envelope)."""
    bodies: dict[str, tuple[str, dict[str, Any]]] = {
        "chat_completions": ("/api/v1/chat/completions", {"messages": [{"role": "user", "content": say}]}),
        "responses": ("/api/v1/responses", {"input": say}),
        "anthropic_messages": (
            "/api/v1/messages",
            {"max_tokens": 200, "messages": [{"role": "user", "content": say}]},
        ),
    }
    path, body = bodies[fmt]
    headers = {"Authorization": f"Bearer {DEV_KEY}", "anthropic-version": "2023-06-01"}
    return httpx.post(
        f"{gateway.url}{path}", json={"model": model, **body, **fields}, headers=headers, timeout=30
    )


def error_code(response: httpx.Response) -> tuple[str, str]:
    """(taxonomy code, where it names the field) from the format's own envelope: OpenAI's ``param``,
    the message in Anthropic's (which has no param)."""
    error = response.json()["error"]
    return error["code"], error.get("param") or error["message"]


def generation(gateway: Gateway, seen_id: str, key: str = DEV_KEY) -> dict[str, Any]:
    response = httpx.get(
        f"{gateway.url}/api/v1/generation", params={"id": seen_id}, headers={"Authorization": f"Bearer {key}"}
    )
    assert response.status_code == 200, response.text
    data: dict[str, Any] = response.json()["data"]
    return data
