"""SigV4 for Bedrock Runtime over the request's final bytes, at a clock the caller gives.

The same signing the lean AWS clients use (``hyperinfer.sigv4.signing_key`` derives the key), written out
here rather than through httpx-auth for one reason: Bedrock paths carry percent-encoded model ids
(``.../model/us.anthropic.claude-sonnet-4-5-20250929-v1%3A0/converse``), and for every service but
S3 the canonical URI encodes the path as sent once more (``%3A`` -> ``%253A``), as botocore does;
httpx-auth encodes the decoded path once, which AWS refuses for such ids.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
from urllib.parse import quote, urlsplit

from hyperinfer.providers.contract import Credentials, OutgoingRequest
from hyperinfer.sigv4 import ALGORITHM, signing_key

SERVICE = "bedrock"
_DEFAULT_PORTS = {"https": 443, "http": 80}


def host_header(url: str) -> str:
    """The Host header an HTTP client sends for ``url`` (the port only when it is not the default)."""
    parts = urlsplit(url)
    host = parts.hostname or ""
    if parts.port is not None and parts.port != _DEFAULT_PORTS.get(parts.scheme):
        host = f"{host}:{parts.port}"
    return host


def sign(
    request: OutgoingRequest, credentials: Credentials, now: float, service: str = SERVICE
) -> OutgoingRequest:
    """``request`` with ``host``, ``x-amz-date``, the session token and ``Authorization`` added; every
    header it already had is signed."""
    when = dt.datetime.fromtimestamp(now, dt.UTC)
    stamp, day = when.strftime("%Y%m%dT%H%M%SZ"), when.strftime("%Y%m%d")
    headers = {name.lower(): " ".join(value.split()) for name, value in request.headers.items()}
    headers.pop("authorization", None)
    headers["host"] = host_header(request.url)
    headers["x-amz-date"] = stamp
    if credentials.aws_session_token:
        headers["x-amz-security-token"] = credentials.aws_session_token
    names = sorted(headers)
    signed = ";".join(names)
    parts = urlsplit(request.url)
    canonical = "\n".join(
        [
            request.method.upper(),
            quote(parts.path or "/", safe="/~"),
            "",  # Converse URLs carry no query string
            "".join(f"{name}:{headers[name]}\n" for name in names),
            signed,
            hashlib.sha256(request.body).hexdigest(),
        ]
    )
    scope = f"{day}/{credentials.region}/{service}/aws4_request"
    to_sign = "\n".join([ALGORITHM, stamp, scope, hashlib.sha256(canonical.encode()).hexdigest()])
    key = signing_key(credentials.aws_secret_access_key, day, credentials.region, service)
    signature = hmac.new(key, to_sign.encode(), hashlib.sha256).hexdigest()
    headers["authorization"] = (
        f"{ALGORITHM} Credential={credentials.aws_access_key_id}/{scope}, "
        f"SignedHeaders={signed}, Signature={signature}"
    )
    return OutgoingRequest(request.method, request.url, headers, request.body, request.extra)
