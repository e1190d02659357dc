"""Shared test plumbing: a catalog pointed at the fake upstream, waiting for servers."""

from __future__ import annotations

import datetime as dt
import time
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import httpx
import yaml
from hyperinfer.function_table import (
    CONSUMERS,
    FUNCTIONS,
    SCHEDULED,
    ConsumerSpec,
    FunctionSpec,
    ScheduledSpec,
)

REPO = Path(__file__).resolve().parents[1]
# Every Lambda function the tables define, whichever table (request, queue or schedule) it is in.
AnySpec = FunctionSpec | ConsumerSpec | ScheduledSpec
ALL_SPECS: tuple[AnySpec, ...] = (*FUNCTIONS, *CONSUMERS, *SCHEDULED)
UPSTREAM_KEY = "sk-upstream-secret-key-1234567890abcdef"
UNSET_KEY_VARIABLE = "HYPERINFER_TEST_NEVER_SET_KEY"
SAMPLE_EVENT_KEY = "sk-hi-sample-event-key-do-not-use-in-production"


# The day the tests judge model shutdown dates at, whatever the calendar says.
CATALOG_DATE = dt.date(2026, 12, 3)


def catalog_for(upstream_url: str, path: Path, routes: dict[str, Any] | None = None) -> Path:
    """The real providers.yaml with every provider sent to the fake, plus one provider with no key
    (and ``routes`` added to the shipped ones).
    openai_compatible providers keep their paths (the fake serves each flavour at its vendor's);
    one that takes no key (the self-hosted example) keeps taking none."""
    raw: dict[str, Any] = yaml.safe_load((REPO / "providers.yaml").read_text())
    for provider in raw["providers"].values():
        compat = provider["kind"] == "openai_compatible"
        prefix = urlsplit(provider["base_url"]).path.rstrip("/") if compat else "/v1"
        if provider["kind"] == "bedrock":
            prefix = ""  # Bedrock's paths start at the host: /model/{modelId}/converse
        provider["base_url"] = f"{upstream_url}{prefix}"
        if provider.get("api_key_env"):
            provider["api_key_env"] = "OPENAI_API_KEY"
    raw["providers"]["unkeyed"] = {
        "kind": "openai_chat",
        "base_url": f"{upstream_url}/v1",
        "api_key_env": UNSET_KEY_VARIABLE,
    }
    template = next(m for m in raw["models"] if m["slug"] == "openai/gpt-4.1-mini")
    raw["models"].append({**template, "slug": "test/unkeyed", "aliases": [], "provider": "unkeyed"})
    raw["routes"] = {**raw.get("routes", {}), **(routes or {})}
    path.write_text(yaml.safe_dump(raw, sort_keys=False))
    return path


def wait_until_healthy(url: str, timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"{url}/healthz", timeout=1).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.1)
    raise TimeoutError(f"{url} did not become healthy in {timeout} s")


class Recorder:
    """An httpx transport answering from a script and keeping every request it saw."""

    def __init__(self, *answers: httpx.Response | Exception) -> None:
        self.answers = list(answers)
        self.requests: list[httpx.Request] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        request.read()
        self.requests.append(request)
        answer = self.answers.pop(0)
        if isinstance(answer, Exception):
            raise answer
        return answer
