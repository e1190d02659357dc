"""web_fetch against the fake page server over real HTTP: SSRF refusals before any byte is sent,
redirects re-checked, caps on bytes, time, types and redirects, and the HTML/PDF conversions."""

from __future__ import annotations

import asyncio
import ipaddress
from collections.abc import Iterator
from urllib.parse import quote, urlsplit

import httpx
import pytest
from hyperinfer.local.fakes.web import FakeWeb
from hyperinfer.tools.ssrf import FetchRefused, checked_destination, parse_allow_hosts, refusal
from hyperinfer.tools.web_fetch import FetchFailed, FetchPolicy, Page, fetch, fetch_client


@pytest.fixture(autouse=True)
def _fresh(fake_web: FakeWeb) -> Iterator[None]:
    fake_web.calls.clear()
    yield


def _port(fake_web: FakeWeb) -> int:
    port = urlsplit(fake_web.url).port
    assert port is not None
    return port


def _policy(fake_web: FakeWeb, **changes: object) -> FetchPolicy:
    allowed = frozenset({f"127.0.0.1:{_port(fake_web)}"})
    return FetchPolicy(allow_hosts=allowed, **changes)  # type: ignore[arg-type]


class NoNetwork(httpx.AsyncBaseTransport):
    """Counts what a client tried to send: a refused fetch must send nothing."""

    def __init__(self) -> None:
        self.sent: list[httpx.Request] = []

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        self.sent.append(request)
        return httpx.Response(200, html="<p>must never be read</p>")


def _run(url: str, policy: FetchPolicy, client: httpx.AsyncClient | None = None) -> Page:
    async def go() -> Page:
        async with client or fetch_client() as http:
            return await fetch(url, policy, http)

    return asyncio.run(go())


@pytest.mark.parametrize(
    "url",
    [
        "http://169.254.169.254/latest/meta-data/iam/security-credentials/",
        "http://[::1]:8080/",
        "http://10.0.0.5/admin",
        "http://192.168.1.1/",
        "http://172.16.0.1/",
        "http://100.64.0.1/",
        "http://0.0.0.0:80/",
        "http://[::]/",
        "http://224.0.0.1/",
        "http://[fd00::1]/",
        "http://[fe80::1]/",
        "http://[::ffff:127.0.0.1]/",
        "http://127.0.0.1:9/",
        "http://2130706433/",  # 127.0.0.1 as one decimal number
    ],
)
def test_private_and_special_destinations_are_refused_before_anything_is_sent(url: str) -> None:
    transport = NoNetwork()
    with pytest.raises(FetchRefused):
        _run(url, FetchPolicy(), httpx.AsyncClient(transport=transport))
    assert transport.sent == []


def test_a_name_resolving_to_loopback_is_refused_on_its_address_not_its_name() -> None:
    async def evil_dns(host: str, port: int) -> list[str]:
        return ["127.0.0.1"]

    transport = NoNetwork()
    policy = FetchPolicy(resolve=evil_dns)
    with pytest.raises(FetchRefused, match="loopback"):
        _run("https://innocent-looking.example/", policy, httpx.AsyncClient(transport=transport))
    assert transport.sent == []


def test_localhost_through_the_system_resolver_is_refused(fake_web: FakeWeb) -> None:
    with pytest.raises(FetchRefused, match="loopback"):
        _run(f"http://localhost:{_port(fake_web)}/pages/article", FetchPolicy())
    assert fake_web.calls == []


def test_a_name_with_one_public_and_one_private_address_is_refused() -> None:
    async def rebinding_dns(host: str, port: int) -> list[str]:
        return ["93.184.216.34", "10.1.2.3"]

    with pytest.raises(FetchRefused, match="private"):
        _run(
            "http://rebind.example/",
            FetchPolicy(resolve=rebinding_dns),
            httpx.AsyncClient(transport=NoNetwork()),
        )


def test_only_http_and_https_are_fetched() -> None:
    for url in ("file:///etc/passwd", "ftp://example.com/x", "gopher://example.com/", "javascript:alert(1)"):
        with pytest.raises(FetchRefused, match="only http and https"):
            _run(url, FetchPolicy(), httpx.AsyncClient(transport=NoNetwork()))


def test_a_redirect_to_loopback_is_refused_and_never_followed(fake_web: FakeWeb) -> None:
    target = f"http://localhost:{_port(fake_web)}/pages/article"
    with pytest.raises(FetchRefused, match="loopback"):
        _run(f"{fake_web.url}/pages/redirect?to={quote(target)}", _policy(fake_web))
    assert [call["path"] for call in fake_web.calls] == ["/pages/redirect"]


def test_a_redirect_to_the_metadata_address_is_refused(fake_web: FakeWeb) -> None:
    target = "http://169.254.169.254/latest/meta-data/"
    with pytest.raises(FetchRefused, match="link-local"):
        _run(f"{fake_web.url}/pages/redirect?to={quote(target)}", _policy(fake_web))
    assert len(fake_web.calls) == 1


def test_the_connection_goes_to_the_checked_address_with_the_name_in_host(fake_web: FakeWeb) -> None:
    port = _port(fake_web)

    async def pinned_dns(host: str, port: int) -> list[str]:
        return ["127.0.0.1"]

    policy = FetchPolicy(allow_hosts=frozenset({f"docs.intranet.test:{port}"}), resolve=pinned_dns)
    page = _run(f"http://docs.intranet.test:{port}/pages/notes.txt", policy)
    assert page.text.startswith("plain notes")
    assert fake_web.calls[0]["host"] == f"docs.intranet.test:{port}"


def test_allow_hosts_parse_as_lowercase_host_port_pairs() -> None:
    assert parse_allow_hosts(" Docs.Example:8443, 127.0.0.1:9000 ,,") == {
        "docs.example:8443",
        "127.0.0.1:9000",
    }
    assert parse_allow_hosts(None) == frozenset()


def test_an_allowed_host_on_another_port_is_still_refused(fake_web: FakeWeb) -> None:
    with pytest.raises(FetchRefused):
        asyncio.run(checked_destination("127.0.0.1", _port(fake_web) + 1, _policy(fake_web).allow_hosts))


def test_public_addresses_pass_the_check() -> None:
    for address in ("93.184.216.34", "2606:4700:4700::1111", "8.8.8.8"):
        assert refusal(ipaddress.ip_address(address)) is None


def test_html_becomes_markdown_without_scripts_styles_or_navigation(fake_web: FakeWeb) -> None:
    page = _run(f"{fake_web.url}/pages/article", _policy(fake_web))
    assert page.content_type == "text/html"
    assert "# Fake Article Heading" in page.text
    assert "**brown**" in page.text
    assert "[lazy dog](https://example.com/dog)" in page.text
    assert "- First point" in page.text or "* First point" in page.text
    assert "Zürich" in page.text
    for hidden in ("alert", "color: red", "Home | About", "<p>"):
        assert hidden not in page.text


def test_a_pdf_page_becomes_its_text(fake_web: FakeWeb) -> None:
    page = _run(f"{fake_web.url}/pages/doc.pdf", _policy(fake_web))
    assert "The secret word is pelican." in page.text


def test_a_content_type_outside_the_list_is_not_read(fake_web: FakeWeb) -> None:
    with pytest.raises(FetchFailed, match="image/png"):
        _run(f"{fake_web.url}/pages/image.png", _policy(fake_web))


def test_a_large_page_is_cut_at_the_byte_cap(fake_web: FakeWeb) -> None:
    page = _run(f"{fake_web.url}/pages/big", _policy(fake_web, max_bytes=50_000, max_chars=1_000))
    assert page.truncated
    assert page.bytes_read < 200_000  # stopped reading soon after the cap, not 3 MB later
    assert len(page.text) <= 1_000


def test_a_slow_page_ends_at_the_time_cap(fake_web: FakeWeb) -> None:
    with pytest.raises(FetchFailed, match="did not arrive"):
        _run(f"{fake_web.url}/pages/slow?seconds=3", _policy(fake_web, timeout=0.3))


def test_five_redirects_are_followed_and_a_sixth_is_not(fake_web: FakeWeb) -> None:
    assert "Fake Article Heading" in _run(f"{fake_web.url}/pages/chain/5", _policy(fake_web)).text
    fake_web.calls.clear()
    with pytest.raises(FetchFailed, match="more than 5 redirects"):
        _run(f"{fake_web.url}/pages/chain/6", _policy(fake_web))
    assert len(fake_web.calls) == 6


def test_an_error_status_is_a_failure(fake_web: FakeWeb) -> None:
    with pytest.raises(FetchFailed, match="HTTP 404"):
        _run(f"{fake_web.url}/pages/missing", _policy(fake_web))
