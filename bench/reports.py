"""Reports per second: accepted by the API function, drained by the consumer, ingested from an upload.

Everything runs in this process against the moto emulator (server mode, loopback), the way
`hyperinfer dev` runs it:
- accept: POST /api/v1/report through the `report` function's Lambda handler (Mangum), from
  ``--threads`` concurrent callers, ``--wave`` reports at a time;
- drain: then the `report_ingest` consumer on batches of 10 received from the queue, until it is
  empty (the dev poller's path: receive, handler, delete);
- upload: one JSONL file of ``--reports`` lines through the upload consumer (10 writers).

The emulator serializes every AWS call and its SQS calls scan the whole queue (hence the waves), so
these are the local pipeline's figures, not Lambda's: on AWS each stage scales out with concurrent
invocations.

    .venv/bin/python bench/reports.py [--reports 1000] [--threads 1] [--wave 100]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "layers" / "hyperinfer"))

from hyperinfer import aws  # noqa: E402
from hyperinfer.consumers import BY_NAME, load_handler  # noqa: E402
from hyperinfer.gateway.runtime import configure  # noqa: E402
from hyperinfer.invoke import LambdaContext  # noqa: E402
from hyperinfer.local.emulator import Emulator, ensure_resources  # noqa: E402
from hyperinfer.local.poller import QueuePoller  # noqa: E402
from hyperinfer.reports.layout import upload_key  # noqa: E402
from hyperinfer.reports.queue import queue_url  # noqa: E402
from hyperinfer.reports.uploads import Uploads  # noqa: E402
from hyperinfer.settings import Settings  # noqa: E402
from hyperinfer.web import function_app, lambda_handler  # noqa: E402

from tests.unit.reports.payloads import openai_report  # noqa: E402

KEY = "sk-hi-bench-reports-0123456789"
WORKSPACE = "ws_bench"


def api_event(body: dict[str, Any]) -> dict[str, Any]:
    headers = {"Authorization": f"Bearer {KEY}", "Content-Type": "application/json", "Host": "bench"}
    return {
        "resource": "/api/v1/report",
        "path": "/api/v1/report",
        "httpMethod": "POST",
        "headers": headers,
        "multiValueHeaders": {k: [v] for k, v in headers.items()},
        "queryStringParameters": None,
        "multiValueQueryStringParameters": None,
        "pathParameters": None,
        "stageVariables": None,
        "requestContext": {"resourcePath": "/api/v1/report", "httpMethod": "POST", "stage": "bench"},
        "body": json.dumps(body),
        "isBase64Encoded": False,
    }


def accept_and_drain(settings: Settings, n: int, threads: int, wave: int) -> tuple[float, float]:
    """Reports per second of each stage, its time summed over waves: moto's SQS scans the whole
    queue on every call, so a deep queue would measure the emulator, not our code."""
    handler = lambda_handler(function_app("report"))
    spec = BY_NAME["report_ingest"]
    poller = QueuePoller(
        aws.sqs(settings),
        queue_url(settings, settings.report_queue_name),
        load_handler(spec),
        batch_size=spec.batch_size,
        function_name=spec.name,
    )

    def one(i: int) -> None:
        response = handler(api_event(openai_report(tags={"i": i})), LambdaContext(function_name="report"))
        if response["statusCode"] != 200:
            raise RuntimeError(response["body"])

    def new_loop() -> None:  # one event loop per thread, as each Lambda container has its own
        asyncio.set_event_loop(asyncio.new_event_loop())

    accepting = draining = 0.0
    drained = 0
    with ThreadPoolExecutor(threads, initializer=new_loop) as pool:
        for start in range(0, n, wave):
            began = time.perf_counter()
            list(pool.map(one, range(start, min(n, start + wave))))
            accepting += time.perf_counter() - began
            began = time.perf_counter()
            while received := poller.poll_once():
                drained += received
            draining += time.perf_counter() - began
    assert drained == n, f"drained {drained} of {n}"
    return n / accepting, n / draining


def upload(settings: Settings, n: int) -> float:
    uploads = Uploads(settings)
    minted = uploads.mint(WORKSPACE, "key_bench", now_ms=int(time.time() * 1000))
    key = upload_key(WORKSPACE, minted["upload_id"])
    lines = "".join(json.dumps(openai_report(tags={"line": i})) + "\n" for i in range(n))
    aws.s3(settings).put_object(Bucket=settings.report_bucket_name, Key=key, Body=lines.encode())
    start = time.perf_counter()
    status = uploads.ingest(settings.report_bucket_name, key)
    elapsed = time.perf_counter() - start
    assert status is not None and status["stored"] == n, status
    return n / elapsed


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--reports", type=int, default=1000)
    parser.add_argument("--threads", type=int, default=1, help="concurrent callers (Lambda containers)")
    parser.add_argument("--wave", type=int, default=100, help="reports accepted, then drained, at a time")
    args = parser.parse_args()

    emulator = Emulator()
    emulator.start()
    settings = Settings(aws_endpoint_url=emulator.endpoint_url, table_name="bench-reports")
    ensure_resources(settings)
    accounts = configure(settings).accounts
    accounts.create_workspace(WORKSPACE, "Bench")
    accounts.create_key(WORKSPACE, "bench", key=KEY)
    try:
        accepted, drained = accept_and_drain(settings, args.reports, args.threads, args.wave)
        ingested = upload(settings, args.reports)
    finally:
        emulator.stop()
    print(f"reports: {args.reports} (one ~1 KB OpenAI chat log each), moto emulator in-process")
    print(f"  accepted by the report function ({args.threads} at a time)  {accepted:8.0f} reports/s")
    print(f"  drained by report_ingest (batches of 10)          {drained:8.0f} reports/s")
    print(f"  ingested from one JSONL upload                    {ingested:8.0f} lines/s")


if __name__ == "__main__":
    main()
