"""Provider HTTP goes one way for every kind: the body serialized once, signed by the adapter as it
will be sent, sent as those bytes, and a stream cut by the adapter's own framer."""

from __future__ import annotations

import asyncio
import hashlib
import json
from typing import Any

import httpx
import pytest
from hyperinfer.catalog import ProviderKind
from hyperinfer.errors import ErrorCode, GatewayError
from hyperinfer.gateway.adapters import PACKAGES, _loaded, adapter_for
from hyperinfer.gateway.transport import UpstreamCall, open_stream, post_json, stream_events
from hyperinfer.providers import anthropic, bedrock, openai_chat, openai_responses
from hyperinfer.providers.contract import Credentials, Framer, OutgoingRequest, ProviderAdapter
from hyperinfer.providers.sse import SSEEvent

KEY = "sk-transport-test-key-0123456789"


class _PipeFramer:
    """Events separated by '|', so the test proves the adapter's framer is used (not SSE)."""

    def __init__(self) -> None:
        self.buffer = b""

    def feed(self, chunk: bytes) -> list[SSEEvent]:
        self.buffer += chunk
        *done, self.buffer = self.buffer.split(b"|")
        return [SSEEvent("piece", part.decode()) for part in done]

    def close(self) -> list[SSEEvent]:
        rest, self.buffer = self.buffer, b""
        return [SSEEvent("piece", rest.decode())] if rest else []


class _Signing:
    """OpenAI Chat's adapter with a signature over the final body bytes and its own framing."""

    def __init__(self) -> None:
        self.inner = openai_chat.ADAPTER
        self.signed: list[bytes] = []

    def __getattr__(self, name: str) -> Any:
        return getattr(self.inner, name)

    def sign(self, request: OutgoingRequest, credentials: Credentials, now: float) -> OutgoingRequest:
        self.signed.append(request.body)
        digest = hashlib.sha256(request.body).hexdigest()
        headers = {**request.headers, "x-signature": f"{credentials.api_key[:5]}:{digest}:{int(now) > 0}"}
        return OutgoingRequest(request.method, request.url, headers, request.body)

    def framer(self) -> Framer:
        return _PipeFramer()


def _call(adapter: Any, body: dict[str, Any]) -> UpstreamCall:
    credentials = Credentials(api_key=KEY)
    return UpstreamCall(
        provider_name="test",
        adapter=adapter,
        credentials=credentials,
        url=adapter.url("https://upstream.invalid/v1", "m", False),
        headers=adapter.headers(credentials),
        body=body,
    )


def test_the_registry_serves_each_package_adapter_and_refuses_a_kind_not_built(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    assert adapter_for(ProviderKind.OPENAI_CHAT) is openai_chat.ADAPTER
    assert adapter_for(ProviderKind.OPENAI_RESPONSES) is openai_responses.ADAPTER
    assert adapter_for(ProviderKind.ANTHROPIC) is anthropic.ADAPTER
    assert adapter_for(ProviderKind.BEDROCK) is bedrock.ADAPTER
    # Every kind the catalog names is served now; one whose package were taken out is refused.
    assert set(PACKAGES) == set(ProviderKind)
    monkeypatch.delitem(PACKAGES, ProviderKind.GEMINI)
    monkeypatch.delitem(_loaded, ProviderKind.GEMINI, raising=False)
    with pytest.raises(GatewayError) as refused:
        adapter_for(ProviderKind.GEMINI)
    assert refused.value.code is ErrorCode.INVALID_REQUEST and refused.value.param == "model"
    assert "not available yet" in refused.value.message


def test_the_bytes_signed_are_the_bytes_sent() -> None:
    seen: list[httpx.Request] = []

    def upstream(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(200, json={"ok": True})

    adapter = _Signing()
    body = {"model": "m", "messages": [{"role": "user", "content": "héllo ✓"}]}

    async def run() -> dict[str, Any]:
        async with httpx.AsyncClient(transport=httpx.MockTransport(upstream)) as http:
            return await post_json(http, _call(adapter, body))

    assert asyncio.run(run()) == {"ok": True}
    [request] = seen
    [signed] = adapter.signed
    assert request.content == signed and json.loads(signed) == body
    assert "✓".encode() in signed  # UTF-8 as sent, not \\u escapes
    assert request.headers["x-signature"] == f"{KEY[:5]}:{hashlib.sha256(signed).hexdigest()}:True"
    assert request.headers["authorization"] == f"Bearer {KEY}"
    assert str(request.url) == "https://upstream.invalid/v1/chat/completions"


def test_a_stream_is_cut_by_the_adapter_framer_and_a_refusal_is_mapped_before_any_byte() -> None:
    def upstream(request: httpx.Request) -> httpx.Response:
        if json.loads(request.content).get("refuse"):
            return httpx.Response(429, json={"error": {"message": f"slow down {KEY}", "type": "rate_limit"}})
        return httpx.Response(200, content=b"one|two|thr" + b"ee")

    adapter: ProviderAdapter = _Signing()

    async def run() -> list[str]:
        async with httpx.AsyncClient(transport=httpx.MockTransport(upstream)) as http:
            with pytest.raises(GatewayError) as refused:
                await open_stream(http, _call(adapter, {"refuse": True}))
            assert refused.value.code is ErrorCode.PROVIDER_RATE_LIMIT and KEY not in refused.value.message
            response = await open_stream(http, _call(adapter, {}))
            return [event.data async for event in stream_events(response, adapter)]

    assert asyncio.run(run()) == ["one", "two", "three"]


def test_a_body_json_cannot_carry_is_a_bad_request_not_a_crash() -> None:
    async def run() -> None:
        async with httpx.AsyncClient(transport=httpx.MockTransport(lambda _: httpx.Response(200))) as http:
            await post_json(http, _call(openai_chat.ADAPTER, {"temperature": float("nan")}))

    with pytest.raises(GatewayError) as refused:
        asyncio.run(run())
    assert refused.value.code is ErrorCode.INVALID_REQUEST
