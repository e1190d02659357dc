"""web_fetch: one page for the model, as Markdown or text, SSRF-safe and capped.

http and https only. Each hop (the URL, then every redirect, at most ``MAX_REDIRECTS``) is resolved
and checked by ``ssrf.checked_destination`` before any byte is sent, and the connection goes to the
checked address, with the name in Host and in TLS SNI (so the certificate is checked against the
name). No proxy from the environment is used: it would make the check meaningless.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urljoin, urlsplit

import anyio
import httpx

from hyperinfer.tools.ssrf import Destination, FetchRefused, Resolver, checked_destination, system_resolver

MAX_REDIRECTS = 5
MAX_BYTES = 2_000_000  # read from the wire; a longer body is cut there
MAX_CHARS = 40_000  # of converted text handed to the model (~10k tokens)
TIMEOUT_SECONDS = 15.0  # for the whole fetch, redirects included
HTML_TYPES = frozenset({"text/html", "application/xhtml+xml"})
TEXT_TYPES = frozenset(
    {"text/plain", "text/markdown", "text/csv", "text/xml", "application/xml", "application/json"}
)
PDF_TYPE = "application/pdf"
_REDIRECTS = frozenset({301, 302, 303, 307, 308})
_USER_AGENT = "HyperInfer-WebFetch/1 (+server tool)"


class FetchFailed(Exception):
    """The fetch ran but gave nothing usable (status, type, size, time); safe to show the model."""


@dataclass(frozen=True)
class FetchPolicy:
    allow_hosts: frozenset[str] = frozenset()
    max_bytes: int = MAX_BYTES
    max_chars: int = MAX_CHARS
    timeout: float = TIMEOUT_SECONDS
    resolve: Resolver = system_resolver


@dataclass(frozen=True)
class Page:
    url: str  # after redirects
    content_type: str
    text: str
    bytes_read: int
    truncated: bool


def _split(url: str) -> tuple[str, str, int]:
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https"):
        raise FetchRefused(f"only http and https URLs can be fetched, not {parts.scheme or 'none'!r}")
    if not parts.hostname:
        raise FetchRefused("the URL has no host")
    if parts.username or parts.password:
        raise FetchRefused("URLs with credentials are not fetched")
    try:
        port = parts.port or (443 if parts.scheme == "https" else 80)
    except ValueError as error:
        raise FetchRefused("the URL has an invalid port") from error
    return parts.scheme, parts.hostname, port


def _pinned_request(client: httpx.AsyncClient, url: str, scheme: str, to: Destination) -> httpx.Request:
    """The request for ``url`` sent to ``to.address``: the checked IP in the URL, the name in Host/SNI."""
    host, port, address = to.host, to.port, to.address
    literal = f"[{address}]" if ":" in address else address
    parts = urlsplit(url)
    default = port == (443 if scheme == "https" else 80)
    shown = f"[{host}]" if ":" in host else host
    host_header = shown if default else f"{shown}:{port}"
    target = parts._replace(netloc=f"{literal}:{port}").geturl()
    extensions = {"sni_hostname": host} if scheme == "https" else {}
    headers = {"Host": host_header, "User-Agent": _USER_AGENT, "Accept": "text/html, text/*;q=0.9, */*;q=0.5"}
    return client.build_request("GET", target, headers=headers, extensions=extensions)


async def fetch(url: str, policy: FetchPolicy, client: httpx.AsyncClient) -> Page:
    """Fetch and convert; raises ``FetchRefused`` (nothing was sent) or ``FetchFailed``."""
    try:
        with anyio.fail_after(policy.timeout):
            return await _follow(url, policy, client)
    except TimeoutError as error:
        raise FetchFailed(f"the page did not arrive within {policy.timeout:g} s") from error
    except httpx.HTTPError as error:
        raise FetchFailed(f"the page could not be fetched ({type(error).__name__})") from error


async def _follow(url: str, policy: FetchPolicy, client: httpx.AsyncClient) -> Page:
    for _hop in range(MAX_REDIRECTS + 1):
        scheme, host, port = _split(url)
        destination = await checked_destination(host, port, policy.allow_hosts, policy.resolve)
        request = _pinned_request(client, url, scheme, destination)
        response = await client.send(request, stream=True)
        try:
            if response.status_code in _REDIRECTS and "location" in response.headers:
                url = urljoin(url, response.headers["location"])
                continue
            return await _read(url, response, policy)
        finally:
            await response.aclose()
    raise FetchFailed(f"more than {MAX_REDIRECTS} redirects")


async def _read(url: str, response: httpx.Response, policy: FetchPolicy) -> Page:
    if response.status_code >= 400:
        raise FetchFailed(f"the server answered HTTP {response.status_code}")
    media_type = response.headers.get("content-type", "").split(";")[0].strip().lower()
    if media_type not in HTML_TYPES | TEXT_TYPES | {PDF_TYPE}:
        raise FetchFailed(f"content type {media_type or 'unknown'!r} is not fetched")
    body = bytearray()
    async for chunk in response.aiter_bytes():  # decoded as it streams: a gzip bomb stops at the cap
        body += chunk
        if len(body) > policy.max_bytes:
            break
    cut = len(body) > policy.max_bytes
    data = bytes(body[: policy.max_bytes])
    text = _convert(data, media_type, response.encoding or "utf-8", policy.max_chars)
    truncated = cut or len(text) > policy.max_chars
    return Page(url, media_type, text[: policy.max_chars], len(body), truncated)


def _convert(data: bytes, media_type: str, encoding: str, max_chars: int) -> str:
    if media_type == PDF_TYPE:
        from hyperinfer.tools.pdf import PdfUnreadable, pdf_text

        try:
            return pdf_text(data, max_chars)
        except PdfUnreadable as error:
            raise FetchFailed(f"the PDF could not be read ({error})") from error
    decoded = data.decode(encoding, errors="replace")
    if media_type in HTML_TYPES:
        from hyperinfer.tools.html_text import html_to_markdown

        return html_to_markdown(decoded)
    return decoded


def fetch_client() -> httpx.AsyncClient:
    """A client for fetches only: no redirects of its own, no proxies or netrc from the environment."""
    from hyperinfer.tls import client_context

    return httpx.AsyncClient(
        follow_redirects=False,
        trust_env=False,
        verify=client_context(),
        timeout=httpx.Timeout(TIMEOUT_SECONDS),
    )
