"""Cold start of every function: a fresh python3.12 process, the x86_64 twin of the Lambda layer
(same pins, bytecode from the layer), importing the entry module and serving its first request.

    .venv/bin/python bench/cold_start.py [--runs 5] [--no-build] [--only chat_completions,...]
    .venv/bin/python bench/cold_start.py --no-build --against /tmp/before  # an earlier build, copied

Wall time is taken by the parent from spawning the interpreter until the child reports its first
answer, so interpreter start-up, every import (deferred ones included) and the first request's
work (AWS clients, DynamoDB round trips, the upstream call) are all inside it. Streaming functions
also import uvicorn and its h11 protocol, as run.sh does under the Lambda Web Adapter, and are
driven through ASGI in-process; buffered functions and consumers through their Lambda handler.
AWS is the embedded moto server and the provider the fake, both on loopback in this process.
The interpreter runs with -S: this machine's site-packages holds a .pth hook that imports certifi
at every start (~0.1 s) which Lambda's runtime does not have; the layer is on PYTHONPATH as on
Lambda (/opt/python).
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "layers" / "hyperinfer"))
sys.path.insert(0, str(REPO))

LAYER = REPO / "build" / "layer-x86_64"
SAMPLE_KEY = "sk-hi-sample-event-key-do-not-use-in-production"
INTERNAL_TOKEN = "sample-internal-token"  # noqa: S105 - the sample events' token
TABLE = "coldstart"
MARK = "COLDSTART "
# The event each function is measured on: its first successful request.
EVENTS = {
    "chat_completions": "completion.json",
    "responses": "response.json",
    "messages": "message.json",
    "report": "report.json",
    "report_anthropic": "report.json",
    "report_uploads": "mint.json",
    "playground_keys": "mint.json",
    "reports": "list.json",
    "report_ingest": "batch.json",
    "report_uploads_ingest": "test-event.json",
}

# Runs in the child. Prints one JSON line: import ms, request ms, the status it answered, and the
# cycle collector's passes until then with the time they took.
PROBE = r"""
import time
t0 = time.perf_counter()
import gc
collected = {"count": 0, "ms": 0.0, "started": 0.0}
def on_collection(phase, info):  # the cycle collector's passes and their time (hyperinfer.collector)
    if phase == "start":
        collected["started"] = time.perf_counter()
    else:
        collected["count"] += 1
        collected["ms"] += (time.perf_counter() - collected["started"]) * 1000
gc.callbacks.append(on_collection)
import asyncio, json, sys
mode, event_path = sys.argv[1], sys.argv[2]
if mode == "streaming":
    import uvicorn.main, uvicorn.protocols.http.h11_impl, uvicorn.lifespan.on  # what run.sh loads
import app
t1 = time.perf_counter()
event = json.load(open(event_path))

class Context:
    function_name = "coldstart"
    aws_request_id = "00000000-0000-0000-0000-000000000000"
    memory_limit_in_mb = 1024
    invoked_function_arn = "arn:aws:lambda:us-east-1:000000000000:function:coldstart"
    def get_remaining_time_in_millis(self):
        return 900_000

async def asgi(application, event):
    headers = [(k.lower().encode(), v.encode()) for k, v in (event.get("headers") or {}).items()]
    body = (event.get("body") or "").encode()
    scope = {"type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1",
             "method": event["httpMethod"], "scheme": "https", "path": event["path"],
             "raw_path": event["path"].encode(), "query_string": b"", "root_path": "",
             "headers": headers, "client": ("127.0.0.1", 1), "server": ("127.0.0.1", 8080)}
    sent, answer = [False], {"status": 0, "bytes": 0}
    async def receive():
        if not sent[0]:
            sent[0] = True
            return {"type": "http.request", "body": body, "more_body": False}
        await asyncio.sleep(3600)
    async def send(message):
        if message["type"] == "http.response.start":
            answer["status"] = message["status"]
        elif message["type"] == "http.response.body":
            answer["bytes"] += len(message.get("body", b""))
    await application(scope, receive, send)
    return answer["status"]

if mode == "streaming":
    status = asyncio.run(asgi(app.app, event))
elif mode == "consumer":
    result = app.handler(event, Context())
    status = 200 if not result.get("batchItemFailures") else 500
else:
    status = app.handler(event, Context())["statusCode"]
t2 = time.perf_counter()
timings = {"import_ms": (t1 - t0) * 1000, "request_ms": (t2 - t1) * 1000, "status": status,
           "collections": collected["count"], "collect_ms": collected["ms"]}
print("COLDSTART " + json.dumps(timings), flush=True)
"""


# The third-party part of a function's start, with one pydantic model defined (the first model
# class pays for pydantic's schema machinery): what no change to our own code can remove. Streaming
# functions load uvicorn (run.sh), buffered ones and consumers Mangum. Two parts of these libraries
# load on first use rather than at import, and every function's first request uses them: httpx's
# transport (httpcore, with the first client) and anyio's asyncio backend (with starlette's thread
# pool or the first cancel scope, which settlement shields itself with).
FLOOR = """
import sys, asyncio, logging
import pydantic, pydantic_settings
class First(pydantic.BaseModel):
    x: int
First(x=1)
import httpx, starlette.applications
import httpcore, anyio._backends._asyncio
import aws_lambda_powertools.logging, aws_lambda_powertools.metrics
if sys.argv[1] == "streaming":
    import uvicorn.main, uvicorn.protocols.http.h11_impl
else:
    import mangum
print("COLDSTART {}", flush=True)
"""
FLOOR_NOTE = (
    "asyncio, logging, pydantic, pydantic-settings, httpx and httpcore, starlette and anyio's asyncio "
    "backend, Powertools, uvicorn or Mangum"
)


def library_floor_ms(python: str, env: dict[str, str], mode: str) -> float:
    started = time.perf_counter()
    command = [python, "-S", "-c", FLOOR, mode]
    with subprocess.Popen(command, env=env, cwd=REPO, stdout=subprocess.PIPE, text=True) as child:
        assert child.stdout is not None
        line = child.stdout.readline()  # timed like a function: to the answer, not to the exit
        elapsed = (time.perf_counter() - started) * 1000
    if not line.startswith(MARK):
        raise SystemExit("the library-floor probe failed")
    return elapsed


def functions() -> list[tuple[str, str]]:
    from hyperinfer.function_table import CONSUMERS, FUNCTIONS

    named = [(spec.name, spec.mode.value) for spec in FUNCTIONS]
    return named + [(spec.name, "consumer") for spec in CONSUMERS]


def event_for(name: str) -> Path:
    folder = REPO / "events" / name
    chosen = EVENTS.get(name)
    return folder / chosen if chosen else sorted(folder.glob("*.json"))[0]


def prepare(workdir: Path, *, tracer: bool, layer: Path = LAYER) -> dict[str, str]:
    """Start moto and the fake provider, seed the sample key; the children's environment."""
    import yaml
    from hyperinfer.catalog import Catalog, write_catalog_json
    from hyperinfer.gateway.runtime import configure
    from hyperinfer.local.emulator import Emulator, ensure_resources, free_port, use_fake_credentials
    from hyperinfer.local.fakes.server import FakeProvider, ServerThread
    from hyperinfer.settings import Settings

    use_fake_credentials()
    emulator = Emulator()
    emulator.start()
    fake = FakeProvider()
    server = ServerThread(fake.app, free_port())
    server.start()
    catalog: dict[str, Any] = yaml.safe_load((REPO / "providers.yaml").read_text())
    for provider in catalog["providers"].values():
        provider["base_url"] = f"{server.url}/v1"
    # The JSON form the layer ships (scripts/build_layer.py), pointed at the fake.
    providers = write_catalog_json(Catalog.model_validate(catalog), workdir / "providers.json")
    settings = Settings(providers_file=providers, aws_endpoint_url=emulator.endpoint_url, table_name=TABLE)
    ensure_resources(settings)
    accounts = configure(settings).accounts
    # The workspace the sample events name (playground_keys mints a key in it).
    accounts.create_workspace("ws_events", "cold start bench")
    accounts.add_credits("ws_events", 100_000_000, "seed")
    accounts.create_key("ws_events", "bench", key=SAMPLE_KEY)
    return {
        "PATH": os.environ.get("PATH", ""),
        "PYTHONPATH": str(layer / "python"),
        "PYTHONDONTWRITEBYTECODE": "1",  # /var/task is read-only on Lambda
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
        "AWS_SESSION_TOKEN": "testing",
        "AWS_REGION": "us-east-1",
        "HYPERINFER_AWS_ENDPOINT_URL": emulator.endpoint_url,
        "HYPERINFER_TABLE_NAME": TABLE,
        "HYPERINFER_PROVIDERS_FILE": str(providers),
        "HYPERINFER_INTERNAL_TOKEN": INTERNAL_TOKEN,
        "OPENAI_API_KEY": "sk-fake-upstream",
        "ANTHROPIC_API_KEY": "sk-fake-upstream",
        "POWERTOOLS_METRICS_NAMESPACE": "HyperInfer",
        "POWERTOOLS_TRACE_DISABLED": "false" if tracer else "true",
        # Powertools (and our tracing switch) only trace inside Lambda, which this variable marks.
        "LAMBDA_TASK_ROOT": str(workdir),
    }


def measure(python: str, name: str, mode: str, env: dict[str, str]) -> dict[str, float]:
    event = event_for(name)
    started = time.perf_counter()
    with subprocess.Popen(
        [python, "-S", "-c", PROBE, mode, str(event)],
        cwd=REPO / "functions" / name,
        env={**env, "POWERTOOLS_SERVICE_NAME": name},
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    ) as child:
        assert child.stdout is not None and child.stderr is not None
        # The clock stops at the answer, not at exit: interpreter shutdown is not the client's wait.
        # Log lines (JSON, on stdout as on Lambda) come first; the probe's own line is marked.
        line = ""
        for line in child.stdout:
            if line.startswith(MARK):
                break
        wall = (time.perf_counter() - started) * 1000
        stderr = child.stderr.read()
    if child.returncode != 0 or not line.startswith(MARK):
        raise SystemExit(f"{name} failed:\n{stderr[-3000:]}")
    result: dict[str, float] = json.loads(line.removeprefix(MARK))
    # Some functions' only sample is a refusal (generation: an unknown id), still a full request.
    if not 200 <= result["status"] < 500:
        raise SystemExit(f"{name} answered {result['status']} on {event.name}:\n{stderr[-2000:]}")
    return {**result, "wall_ms": wall}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--no-build", action="store_true", help="reuse build/layer-x86_64 as it is")
    parser.add_argument("--only", default="", help="comma-separated function names")
    parser.add_argument("--layer", type=Path, help="measure this built layer as it is (implies --no-build)")
    parser.add_argument(
        "--against",
        type=Path,
        help="an earlier build: its runs alternate with the layer's, and its ours is printed beside",
    )
    parser.add_argument(
        "--tracer",
        choices=["on", "off"],
        default="on",
        help="Powertools Tracer (X-Ray SDK), as config.py sets it",
    )
    args = parser.parse_args()

    from scripts.build_layer import build, find_python312

    python = find_python312()
    if python is None:
        raise SystemExit("python3.12 is needed (Lambda's runtime); see README")
    layer = (args.layer or LAYER).resolve()
    if args.layer is None and (not args.no_build or not (LAYER / "python").is_dir()):
        build(LAYER, "x86_64")
    only = {n for n in args.only.split(",") if n}
    with tempfile.TemporaryDirectory() as tmp:
        env = prepare(Path(tmp), tracer=args.tracer == "on", layer=layer)
        # The same AWS, fake and catalog; only the code on the path differs.
        other = {**env, "PYTHONPATH": str(args.against.resolve() / "python")} if args.against else None
        print(
            f"python {python}, layer {layer}, tracer {args.tracer}, "
            f"median of {args.runs} fresh processes" + (f", against {args.against}" if other else "")
        )
        print(
            f"{'function':<24}{'mode':<11}{'wall ms':>9}{'min':>8}{'import':>9}{'request':>9}"
            f"{'floor':>8}{'ours':>7}{'status':>8}{'gc':>5}{'gc ms':>7}"
            + (f"{'against':>9}" if other else "")
        )
        worst, largest = 0.0, (0.0, "")
        for name, mode in functions():
            if only and name not in only:
                continue
            # The floor is measured between the function's runs: this machine's speed drifts by up to
            # 2x over minutes, and "ours" (wall minus floor) is what our own code adds in that window.
            runs, floors, earlier = [], [], []
            for _ in range(args.runs):
                runs.append(measure(python, name, mode, env))
                floors.append(library_floor_ms(python, env, mode))
                if other:
                    earlier.append(measure(python, name, mode, other)["wall_ms"])
            wall = statistics.median(r["wall_ms"] for r in runs)
            floor = statistics.median(floors)
            worst = max(worst, wall)
            largest = max(largest, (wall - floor, name))
            print(
                f"{name:<24}{mode:<11}{wall:>9.0f}{min(r['wall_ms'] for r in runs):>8.0f}"
                f"{statistics.median(r['import_ms'] for r in runs):>9.0f}"
                f"{statistics.median(r['request_ms'] for r in runs):>9.0f}"
                f"{floor:>8.0f}{wall - floor:>7.0f}{runs[0]['status']:>8.0f}"
                f"{statistics.median(r['collections'] for r in runs):>5.0f}"
                f"{statistics.median(r['collect_ms'] for r in runs):>7.1f}"
                + (f"{statistics.median(earlier) - floor:>9.0f}" if other else "")
            )
        print(f"slowest median: {worst:.0f} ms; largest ours: {largest[0]:.0f} ms ({largest[1]})")
        print("target: every function's ours <= 100 ms at the median (issue 11)")
        print(f"floor: python started and the libraries imported alone ({FLOOR_NOTE})")


if __name__ == "__main__":
    main()
