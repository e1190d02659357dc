"""A routed stream is held until its first content: failures before it are an attempt's (the
router may fall back), after it the relay gets every byte untouched. Against the fake provider
over HTTP, in each wire format, with the providers' real stream decoders."""

from __future__ import annotations

import importlib
import re
from typing import Any

import httpx
import pytest
from hyperinfer.errors import ErrorCode, GatewayError
from hyperinfer.ir.response import Response
from hyperinfer.local.fakes.server import FakeProvider
from hyperinfer.providers.sse import SSEDecoder
from hyperinfer.router.prefetch import until_first_content

PATHS = {
    "openai_chat": "/v1/chat/completions",
    "anthropic": "/v1/messages",
    "openai_responses": "/v1/responses",
}
FORMATS = sorted(PATHS)
HEADERS = {"authorization": "Bearer sk-test", "x-api-key": "sk-test", "anthropic-version": "2023-06-01"}
# Frames of lifecycle only (role chunk + comment; message_start + ping + empty block; created +
# comment + in_progress + empty item + empty part): an error after these comes before any content.
LIFECYCLE = {"openai_chat": 2, "anthropic": 3, "openai_responses": 5}


def body_for(kind: str, directive: str) -> dict[str, Any]:
    body: dict[str, Any] = {"model": "fake-model", "stream": True}
    if kind == "openai_responses":
        return {**body, "input": directive}
    if kind == "anthropic":
        body["max_tokens"] = 50
    return {**body, "messages": [{"role": "user", "content": directive}]}


async def opened(fake: FakeProvider, kind: str, directive: str) -> tuple[httpx.AsyncClient, httpx.Response]:
    http = httpx.AsyncClient(timeout=5)
    request = http.build_request(
        "POST", fake.url + PATHS[kind], json=body_for(kind, directive), headers=HEADERS
    )
    response = await http.send(request, stream=True)
    assert response.status_code == 200
    return http, response


def untimed(stream: bytes) -> bytes:
    return re.sub(rb'"(created|created_at|completed_at)": ?\d+', b"", stream)


def decoder(kind: str) -> Any:
    return importlib.import_module(f"hyperinfer.providers.{kind}.stream").StreamDecoder()


@pytest.mark.anyio
@pytest.mark.parametrize("kind", FORMATS)
async def test_content_passes_whole_and_a_clean_end_is_folded(fake: FakeProvider, kind: str) -> None:
    http, direct = await opened(fake, kind, "plain")
    expected = await direct.aread()
    await direct.aclose()
    http, response = await opened(fake, kind, "plain")
    seen: list[Response] = []

    async def keep(answer: Response) -> None:
        seen.append(answer)

    committed = await until_first_content(response, SSEDecoder(), decoder(kind), keep)
    relayed = b"".join([piece async for piece in committed.aiter_bytes()])
    assert untimed(relayed) == untimed(expected)
    await committed.aclose()
    await http.aclose()
    assert len(seen) == 1 and "wörld" in str(seen[0].content)


@pytest.mark.anyio
@pytest.mark.parametrize("kind", FORMATS)
async def test_an_error_before_content_is_the_attempts_failure(fake: FakeProvider, kind: str) -> None:
    http, response = await opened(fake, kind, f"[[fake midstream_error error_after={LIFECYCLE[kind]}]]")
    with pytest.raises(GatewayError) as caught:
        await until_first_content(response, SSEDecoder(), decoder(kind))
    await http.aclose()
    assert caught.value.code in (ErrorCode.PROVIDER_UNAVAILABLE, ErrorCode.PROVIDER_OVERLOADED)


@pytest.mark.anyio
@pytest.mark.parametrize("kind", FORMATS)
async def test_an_error_after_content_is_left_to_the_relay_and_never_cached(
    fake: FakeProvider, kind: str
) -> None:
    http, response = await opened(fake, kind, f"[[fake midstream_error error_after={LIFECYCLE[kind] + 1}]]")
    seen: list[Response] = []

    async def keep(answer: Response) -> None:
        seen.append(answer)

    committed = await until_first_content(response, SSEDecoder(), decoder(kind), keep)
    relayed = b"".join([piece async for piece in committed.aiter_bytes()])
    await committed.aclose()
    await http.aclose()
    assert b"error" in relayed and seen == []


@pytest.mark.anyio
async def test_a_stream_closed_before_content_is_a_failure(fake: FakeProvider) -> None:
    http, response = await opened(fake, "openai_responses", "[[fake drop]]")
    # `drop` closes after five events, the fifth being the first text delta: content. Chat's drop
    # keeps three frames (role, comment, first word): content too. So a close before content:
    await response.aclose()
    http2, early = await opened(fake, "anthropic", "[[fake midstream_error error_after=2]]")
    with pytest.raises(GatewayError):
        await until_first_content(early, SSEDecoder(), decoder("anthropic"))
    await http.aclose()
    await http2.aclose()


TERMINAL = {"openai_chat": b"[DONE]", "anthropic": b"message_stop", "openai_responses": b"response.completed"}


@pytest.mark.anyio
@pytest.mark.parametrize("kind", FORMATS)
async def test_the_answer_is_kept_when_the_reader_stops_at_the_terminal_event(
    fake: FakeProvider, kind: str
) -> None:
    http, response = await opened(fake, kind, "plain")
    seen: list[Response] = []

    async def keep(answer: Response) -> None:
        seen.append(answer)

    committed = await until_first_content(response, SSEDecoder(), decoder(kind), keep)
    framer = SSEDecoder()
    async for piece in committed.aiter_bytes():  # as a relay does: it stops at the terminal event
        events = framer.feed(piece)
        if any(TERMINAL[kind].decode() in f"{e.event} {e.data}" for e in events):
            break
    await committed.aclose()
    await http.aclose()
    assert len(seen) == 1
