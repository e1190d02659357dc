"""The one TLS context every outbound client shares (AWS APIs and providers).

Loading a CA bundle costs ~60 ms here, and each httpx client loads its own by default: two per
function on its first request. So one context is built, once, and from the hashed CA directory the
layer ships (``scripts/build_layer.py`` writes certifi's bundle as ``<subject hash>.<n>`` files):
with a directory OpenSSL reads only the issuers a handshake asks for, which makes building the
context ~1 ms. Without the directory (a checkout, tests) it falls back to certifi's bundle file —
the same trust either way.
"""

from __future__ import annotations

import ssl
from functools import cache
from pathlib import Path

CA_DIRECTORY = Path(__file__).resolve().parent / "_ca"


@cache
def client_context() -> ssl.SSLContext:
    return context_for(CA_DIRECTORY)


def context_for(directory: Path) -> ssl.SSLContext:
    if directory.is_dir() and any(directory.iterdir()):
        return ssl.create_default_context(capath=str(directory))
    import certifi

    return ssl.create_default_context(cafile=certifi.where())
