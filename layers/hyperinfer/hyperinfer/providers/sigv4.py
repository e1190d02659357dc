"""AWS Signature Version 4 as one pure function: the headers that sign a request at a given time.

The one signer of the project: Bedrock's adapter calls it on the request's final bytes, and the
lean AWS clients (``aws_json``, ``aws_s3``) call it from an httpx auth. Stdlib only, no I/O, so it
lives under ``providers/`` and everything may import it. Written out rather than taken from
httpx-auth: importing that package loads its OAuth2 flows, a local HTTP server and ``webbrowser``
(~12 ms of a cold start) for these lines, and it encodes the path the S3 way for every service.

Signed: ``host``, ``content-type`` and every ``x-amz-*`` header. S3 differs from every other
service in two ways, as botocore's own signers do: S3's canonical URI is the decoded path encoded
once, and it requires the body's hash as ``x-amz-content-sha256``; every other service encodes
the path as sent once more, which is what Bedrock's model ids need
(``.../model/us.anthropic.claude-sonnet-4-5-20250929-v1%3A0/converse`` signs ``%253A``).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
from collections.abc import Mapping
from urllib.parse import parse_qsl, quote, unquote, urlsplit

ALGORITHM = "AWS4-HMAC-SHA256"
# RFC 3986 unreserved characters: never percent-encoded in a canonical request.
_UNRESERVED = "-_.~"
_DEFAULT_PORTS = {"https": 443, "http": 80}


def signing_key(secret_key: str, date: str, region: str, service: str) -> bytes:
    key = f"AWS4{secret_key}".encode()
    for part in (date, region, service, "aws4_request"):
        key = hmac.new(key, part.encode(), hashlib.sha256).digest()
    return key


def host_header(url: str) -> str:
    """The Host header an HTTP client sends for ``url`` (the port only when it is not the default)."""
    parts = urlsplit(url)
    host = parts.hostname or ""
    if parts.port is not None and parts.port != _DEFAULT_PORTS.get(parts.scheme):
        host = f"{host}:{parts.port}"
    return host


def signature_headers(
    method: str,
    url: str,
    headers: Mapping[str, str],
    body: bytes,
    *,
    access_key: str,
    secret_key: str,
    session_token: str | None,
    region: str,
    service: str,
    now: dt.datetime,
) -> dict[str, str]:
    """The headers to add to the request (lower-case names): ``x-amz-date``, the session token,
    ``x-amz-content-sha256`` for S3, and ``authorization``."""
    stamp, day = now.strftime("%Y%m%dT%H%M%SZ"), now.strftime("%Y%m%d")
    payload_hash = hashlib.sha256(body).hexdigest()
    added = {"x-amz-date": stamp}
    if service == "s3":
        added["x-amz-content-sha256"] = payload_hash
    if session_token:
        added["x-amz-security-token"] = session_token
    given = {name.lower(): value for name, value in headers.items()}
    signed = {
        name: " ".join(value.split())
        for name, value in {**given, "host": host_header(url), **added}.items()
        if name in ("host", "content-type") or name.startswith("x-amz-")
    }
    names = sorted(signed)
    parts = urlsplit(url)
    path = unquote(parts.path) if service == "s3" else parts.path
    canonical = "\n".join(
        [
            method.upper(),
            quote(path or "/", safe="/" + _UNRESERVED),
            canonical_query(parts.query),
            "".join(f"{name}:{signed[name]}\n" for name in names),
            ";".join(names),
            payload_hash,
        ]
    )
    scope = f"{day}/{region}/{service}/aws4_request"
    to_sign = "\n".join([ALGORITHM, stamp, scope, hashlib.sha256(canonical.encode()).hexdigest()])
    signature = hmac.new(signing_key(secret_key, day, region, service), to_sign.encode(), hashlib.sha256)
    added["authorization"] = (
        f"{ALGORITHM} Credential={access_key}/{scope}, "
        f"SignedHeaders={';'.join(names)}, Signature={signature.hexdigest()}"
    )
    return added


def canonical_query(query: str) -> str:
    pairs = sorted(
        (quote(name, safe=_UNRESERVED), quote(value, safe=_UNRESERVED))
        for name, value in parse_qsl(query, keep_blank_values=True)
    )
    return "&".join(f"{name}={value}" for name, value in pairs)
