"""The contract every provider kind keeps, so mypy checks each call the gateway makes into one.

A provider kind is a package under ``hyperinfer.providers`` whose ``ADAPTER`` object satisfies
``ProviderAdapter``. Translation stays pure (no I/O, no environment); the three hooks that touch
the wire — the URL, signing of the final body, and stream framing — are pure functions too: the
gateway's transport does the HTTP and hands them what they need.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, NamedTuple, Protocol

from hyperinfer.providers.sse import SSEDecoder, SSEEvent

if TYPE_CHECKING:  # a passthrough request never builds the IR's models: it imports none of them
    from hyperinfer.errors import GatewayError
    from hyperinfer.ir.events import Event
    from hyperinfer.ir.request import Request
    from hyperinfer.ir.response import Response
    from hyperinfer.providers.target import Encoded, Target


# A NamedTuple, not a frozen dataclass: every cold start defines it (see function_table.py).
class Credentials(NamedTuple):
    """What a provider authenticates with: an API key, or AWS credentials for SigV4 signing."""

    api_key: str = ""
    region: str = ""
    aws_access_key_id: str = ""
    aws_secret_access_key: str = ""
    aws_session_token: str = ""

    @property
    def secrets(self) -> tuple[str, ...]:
        """Every value to scrub from text passed on to a client."""
        return tuple(s for s in (self.api_key, self.aws_secret_access_key, self.aws_session_token) if s)


@dataclass(frozen=True, slots=True)
class OutgoingRequest:
    """One HTTP request to a provider exactly as it will be sent: signing sees the final bytes."""

    method: str
    url: str
    headers: dict[str, str]
    body: bytes = b""
    extra: Mapping[str, Any] = field(default_factory=dict)


class Framer(Protocol):
    """Cuts a provider's stream bytes into events (SSE today; AWS eventstream for Bedrock).

    Each event is an ``SSEEvent``: a name (the SSE ``event:`` field, or eventstream's
    ``:event-type`` / ``:exception-type``) and its data as text. Raises ``GatewayError`` on bytes
    that cannot be framed (a CRC mismatch)."""

    def feed(self, chunk: bytes) -> list[SSEEvent]: ...
    def close(self) -> list[SSEEvent]: ...


class StreamDecoder(Protocol):
    """Provider stream events -> IR events. Raises ``GatewayError`` for an upstream error event."""

    def feed(self, event: SSEEvent) -> list[Event]: ...
    def close(self) -> list[Event]: ...


class ProviderAdapter(Protocol):
    """One upstream wire format. Everything here is pure."""

    def url(self, base: str, upstream_model: str, stream: bool) -> str:
        """The endpoint: some kinds put the model and the streaming mode in the path (Gemini, Bedrock)."""
        ...

    def headers(self, credentials: Credentials) -> dict[str, str]:
        """Headers before signing (content type, API key, version)."""
        ...

    def sign(self, request: OutgoingRequest, credentials: Credentials, now: float) -> OutgoingRequest:
        """The request as sent, given its final body: identity for key-authenticated kinds, SigV4 for
        Bedrock. ``now`` is the Unix time to sign at (the caller's clock, so tests can fix it)."""
        ...

    def framer(self) -> Framer:
        """A fresh stream framer for one response."""
        ...

    def encode_request(self, request: Request, target: Target) -> Encoded: ...

    def decode_response(self, body: dict[str, Any], hints: Any) -> Response: ...

    def stream_decoder(self, hints: Any, secrets: tuple[str, ...]) -> StreamDecoder: ...

    def map_error(
        self, provider: str, status: int, body: bytes, headers: Mapping[str, str], secrets: Iterable[str]
    ) -> GatewayError:
        """An upstream refusal in the taxonomy, with every secret scrubbed from its text."""
        ...


class SSEFraming:
    """The default framing hook: Server-Sent Events."""

    def framer(self) -> Framer:
        return SSEDecoder()


class KeyAuth:
    """The default signing hook: nothing to sign, the key travels in ``headers``."""

    def sign(self, request: OutgoingRequest, credentials: Credentials, now: float) -> OutgoingRequest:
        return request
