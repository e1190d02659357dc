"""Tracer: never imported when tracing is off; on Lambda, a subsegment per request, joined to the
invocation's trace (the runtime's for buffered handlers, the Web Adapter's header for streaming).

Each case runs in a fresh interpreter: what is imported, and the X-Ray SDK's process-wide state,
are the point. Segments are read from a UDP socket standing in for the X-Ray daemon.
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
from collections.abc import Iterator
from typing import Any

import pytest

from tests.support import REPO

TRACE_ROOT = "1-5759e988-bd862e3fe1be46a994272793"
STREAM_ROOT = "1-5759e989-00112233445566778899aabb"  # each invocation has its own trace
STREAM_PARENT = "53995c3f42cd8ad8"
BUFFERED_PARENT = "0123456789abcdef"

SCRIPT = f"""
import asyncio, json, os, sys
from hyperinfer.invoke import LambdaContext
from hyperinfer.web import function_app, lambda_handler

event = json.loads(open("events/healthz/get.json").read())
os.environ["_X_AMZN_TRACE_ID"] = "Root={TRACE_ROOT};Parent={BUFFERED_PARENT};Sampled=1"
buffered = lambda_handler(function_app("healthz"))(event, LambdaContext(function_name="healthz"))

async def streamed():
    # Under the Web Adapter the runtime never sets the variable in uvicorn's process: the header only.
    del os.environ["_X_AMZN_TRACE_ID"]
    trace = "Root={STREAM_ROOT};Parent={STREAM_PARENT};Sampled=1"
    invocation = json.dumps({{"request_id": "inv-1", "xray_trace_id": trace}}).encode()
    scope = {{"type": "http", "method": "GET", "path": "/healthz", "raw_path": b"/healthz",
             "query_string": b"", "headers": [(b"x-amzn-lambda-context", invocation)],
             "scheme": "http", "server": ("app", 80), "http_version": "1.1"}}
    sent = []

    async def receive():
        return {{"type": "http.request", "body": b"", "more_body": False}}

    async def send(message):
        sent.append(message)

    await function_app("healthz")(scope, receive, send)
    return sent[0]["status"]

status = asyncio.run(streamed())
xray = "aws_xray_sdk" in sys.modules
print(json.dumps({{"buffered": buffered["statusCode"], "streamed": status, "xray": xray}}))
"""


@pytest.fixture
def daemon() -> Iterator[socket.socket]:
    listener = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    listener.bind(("127.0.0.1", 0))
    listener.settimeout(0.5)
    yield listener
    listener.close()


def run(**env: str) -> dict[str, Any]:
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("POWERTOOLS_", "_X_AMZN", "AWS_SAM"))}
    done = subprocess.run(
        [sys.executable, "-c", SCRIPT],
        cwd=REPO,
        env={**clean, "LAMBDA_TASK_ROOT": str(REPO), **env},
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    result: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def received(daemon: socket.socket) -> list[dict[str, Any]]:
    segments: list[dict[str, Any]] = []
    while True:
        try:
            packet = daemon.recv(65536).decode()
        except TimeoutError:
            return segments
        _header, _, body = packet.partition("\n")
        segments.append(json.loads(body))


def test_tracing_off_never_imports_the_xray_sdk(daemon: socket.socket) -> None:
    port = daemon.getsockname()[1]
    result = run(POWERTOOLS_TRACE_DISABLED="true", AWS_XRAY_DAEMON_ADDRESS=f"127.0.0.1:{port}")
    assert result == {"buffered": 200, "streamed": 200, "xray": False}
    assert received(daemon) == []


def test_tracing_on_joins_each_request_to_its_invocations_trace(daemon: socket.socket) -> None:
    port = daemon.getsockname()[1]
    result = run(AWS_XRAY_DAEMON_ADDRESS=f"127.0.0.1:{port}")
    assert result == {"buffered": 200, "streamed": 200, "xray": True}
    by_parent = {segment.get("parent_id"): segment for segment in received(daemon)}
    streamed = by_parent[STREAM_PARENT]  # under the Web Adapter: from the x-amzn-lambda-context header
    assert (streamed["name"], streamed["trace_id"]) == ("## healthz", STREAM_ROOT)
    assert streamed["annotations"]["request_id"]
    buffered = by_parent[BUFFERED_PARENT]  # in the Lambda runtime: capture_lambda_handler
    assert buffered["trace_id"] == TRACE_ROOT and buffered["name"].startswith("## ")
