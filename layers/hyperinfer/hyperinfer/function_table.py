"""The one table of functions: each Lambda's name, method, route, invoke mode and envelope.

``functions/<name>/`` entry points, ``hyperinfer dev`` and ``infra/`` all read this table, so they
cannot disagree. Endpoint code is named by module path and imported only by the app that serves it.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class InvokeMode(StrEnum):
    # Runs under the Lambda Web Adapter with response streaming (uvicorn inside Lambda).
    STREAMING = "streaming"
    # Runs through Mangum; the whole response is buffered.
    BUFFERED = "buffered"


class Envelope(StrEnum):
    OPENAI = "openai"
    ANTHROPIC = "anthropic"


@dataclass(frozen=True, slots=True)
class FunctionSpec:
    name: str
    method: str
    route: str
    mode: InvokeMode
    endpoint: str  # module under hyperinfer.endpoints exposing `async def handle(request)`
    envelope: Envelope = Envelope.OPENAI
    description: str = ""


FUNCTIONS: tuple[FunctionSpec, ...] = (
    FunctionSpec(
        "chat_completions",
        "POST",
        "/api/v1/chat/completions",
        InvokeMode.STREAMING,
        "chat_completions",
        description="OpenAI Chat Completions ingress.",
    ),
    FunctionSpec(
        "models", "GET", "/api/v1/models", InvokeMode.BUFFERED, "models", description="Public model catalog."
    ),
    FunctionSpec("healthz", "GET", "/healthz", InvokeMode.BUFFERED, "healthz", description="Liveness."),
    FunctionSpec(
        "readyz",
        "GET",
        "/readyz",
        InvokeMode.BUFFERED,
        "readyz",
        description="Readiness of DynamoDB and SQS.",
    ),
    FunctionSpec(
        "openapi",
        "GET",
        "/openapi.json",
        InvokeMode.BUFFERED,
        "openapi_doc",
        description="The OpenAPI document.",
    ),
)

BY_NAME: dict[str, FunctionSpec] = {spec.name: spec for spec in FUNCTIONS}


def get_function(name: str) -> FunctionSpec:
    try:
        return BY_NAME[name]
    except KeyError:
        known = ", ".join(sorted(BY_NAME))
        raise KeyError(f"unknown function {name!r}; known: {known}") from None
