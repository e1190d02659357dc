"""Where a fetch for a user may go: public unicast addresses, judged on what DNS returns.

The host name is never trusted: it is resolved once, every address is checked, and the connection
goes to a checked address (so a second lookup that answers differently, DNS rebinding, never
decides where bytes go). Hosts in the allow list (``host:port``) are exempt, for tests and
intranet docs.
"""

from __future__ import annotations

import ipaddress
import socket
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass

import anyio

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
Resolver = Callable[[str, int], Awaitable[list[str]]]

_UNIQUE_LOCAL = ipaddress.ip_network("fc00::/7")
_SHARED = ipaddress.ip_network("100.64.0.0/10")  # carrier-grade NAT: private in practice


class FetchRefused(Exception):
    """A destination the gateway will not connect to; the message is safe to show the model."""


def refusal(address: IPAddress) -> str | None:
    """Why this address is off limits, or None for a public unicast address."""
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        return refusal(address.ipv4_mapped)
    checks = (
        (address.is_unspecified, "unspecified"),
        (address.is_loopback, "loopback"),
        (address.is_link_local, "link-local"),  # 169.254.169.254, the instance metadata, included
        (address.is_multicast, "multicast"),
        (isinstance(address, ipaddress.IPv6Address) and address in _UNIQUE_LOCAL, "unique-local"),
        (isinstance(address, ipaddress.IPv4Address) and address in _SHARED, "private"),
        (address.is_private, "private"),
        (address.is_reserved, "reserved"),
        (not address.is_global, "non-public"),
    )
    return next((why for hit, why in checks if hit), None)


async def system_resolver(host: str, port: int) -> list[str]:
    infos = await anyio.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    return [str(info[4][0]) for info in infos]


def parse_allow_hosts(raw: str | None) -> frozenset[str]:
    """``HYPERINFER_WEB_FETCH_ALLOW_HOSTS``: comma-separated ``host:port``, case-insensitive."""
    return frozenset(part.strip().lower() for part in (raw or "").split(",") if part.strip())


@dataclass(frozen=True)
class Destination:
    host: str  # as the URL names it (what Host and SNI carry)
    port: int
    address: str  # the checked address the connection goes to


async def checked_destination(
    host: str, port: int, allow: Iterable[str], resolve: Resolver = system_resolver
) -> Destination:
    """Resolve ``host`` and pick an address that may be connected to, or refuse."""
    name = host.strip("[]").lower()
    exempt = f"{host.lower()}:{port}" in allow or f"{name}:{port}" in allow
    try:
        literal: IPAddress | None = ipaddress.ip_address(name)
    except ValueError:
        literal = None
    if literal is not None:
        addresses = [literal]
    else:
        try:
            addresses = [ipaddress.ip_address(a.split("%")[0]) for a in await resolve(name, port)]
        except (OSError, ValueError) as error:
            raise FetchRefused(f"the host {name!r} could not be resolved") from error
    if not addresses:
        raise FetchRefused(f"the host {name!r} could not be resolved")
    if not exempt:
        # Every address must pass: a name that resolves to one public and one private address
        # is a rebinding setup, not a public site.
        for address in addresses:
            why = refusal(address)
            if why:
                raise FetchRefused(f"the destination {name!r} resolves to a {why} address ({address})")
    return Destination(host=name, port=port, address=str(addresses[0]))
