"""What is known about the request being served, for its log lines, access line and metrics.

One ``Observed`` per request (or Lambda invocation) lives in a ContextVar: asyncio tasks and
``run_in_threadpool`` copy the context, so every log line of a request finds its own, and two
requests served at once by ``hyperinfer dev`` never see each other's. Fields are filled as the
request learns them (workspace after authentication, model after routing, usage after billing).
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from typing import Any


@dataclass
class Observed:
    request_id: str
    function: str
    method: str = ""
    route: str = ""
    workspace: str | None = None
    model: str | None = None
    ingress_format: str | None = None
    lambda_request_id: str | None = None  # the Lambda invocation's id, beside our own request id
    status: int | None = None
    error_code: str | None = None
    tokens_prompt: int | None = None
    tokens_completion: int | None = None
    cost_micro_usd: int | None = None
    unbilled_micro_usd: int = 0  # what a provider billed beyond the request's hold
    streamed: bool = False
    started: float = field(default_factory=time.monotonic)
    first_byte_ms: float | None = None

    def log_keys(self) -> dict[str, Any]:
        """The keys every log line of this request carries."""
        return {
            "request_id": self.request_id,
            "function": self.function,
            "workspace": self.workspace,
            "model": self.model,
            "function_request_id": self.lambda_request_id,
        }

    def elapsed_ms(self) -> float:
        return round((time.monotonic() - self.started) * 1000, 1)


_CURRENT: ContextVar[Observed | None] = ContextVar("hyperinfer_observed", default=None)


def current() -> Observed | None:
    return _CURRENT.get()


@contextmanager
def observing(observed: Observed) -> Iterator[Observed]:
    token = _CURRENT.set(observed)
    try:
        yield observed
    finally:
        _CURRENT.reset(token)


def note_route(function: str, route: str) -> None:
    """The function table's name and route template of the route that matched."""
    if (observed := _CURRENT.get()) is not None:
        observed.function, observed.route = function, route


def note_workspace(workspace: str | None) -> None:
    if (observed := _CURRENT.get()) is not None:
        observed.workspace = workspace


def note_model(model: str, ingress_format: str | None = None) -> None:
    if (observed := _CURRENT.get()) is not None:
        observed.model = model
        observed.ingress_format = ingress_format or observed.ingress_format


def note_error(code: str) -> None:
    """The taxonomy code the client was (or will be) told; the first one noted wins."""
    if (observed := _CURRENT.get()) is not None and observed.error_code is None:
        observed.error_code = code


def note_billed(tokens_prompt: int, tokens_completion: int, cost_micro_usd: int) -> None:
    if (observed := _CURRENT.get()) is not None:
        observed.tokens_prompt = tokens_prompt
        observed.tokens_completion = tokens_completion
        observed.cost_micro_usd = cost_micro_usd


def note_unbilled(micro_usd: int) -> None:
    """What the provider billed beyond the hold: borne by the operator, never by the workspace."""
    if (observed := _CURRENT.get()) is not None:
        observed.unbilled_micro_usd = micro_usd
