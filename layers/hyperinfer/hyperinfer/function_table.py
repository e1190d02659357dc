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


# fmt: off
FUNCTIONS: tuple[FunctionSpec, ...] = (
    FunctionSpec(
        name="chat_completions", method="POST", route="/api/v1/chat/completions",
        mode=InvokeMode.STREAMING, endpoint="chat_completions",
        description="OpenAI Chat Completions ingress.",
    ),
    FunctionSpec(
        name="responses", method="POST", route="/api/v1/responses",
        mode=InvokeMode.STREAMING, endpoint="responses",
        description="OpenAI Responses ingress.",
    ),
    FunctionSpec(
        name="messages", method="POST", route="/api/v1/messages",
        mode=InvokeMode.STREAMING, endpoint="messages", envelope=Envelope.ANTHROPIC,
        description="Anthropic Messages ingress.",
    ),
    FunctionSpec(
        name="messages_count_tokens", method="POST", route="/api/v1/messages/count_tokens",
        mode=InvokeMode.BUFFERED, endpoint="messages_count_tokens", envelope=Envelope.ANTHROPIC,
        description="Anthropic token counting (a local estimate).",
    ),
    FunctionSpec(
        name="generation", method="GET", route="/api/v1/generation",
        mode=InvokeMode.BUFFERED, endpoint="generation",
        description="Post-hoc metadata of one of the workspace's requests.",
    ),
    FunctionSpec(
        name="playground_keys", method="POST", route="/api/v1/playground-keys",
        mode=InvokeMode.BUFFERED, endpoint="playground_keys",
        description="One-time playground keys (internal, X-Internal-Token).",
    ),
    FunctionSpec(
        name="models", method="GET", route="/api/v1/models",
        mode=InvokeMode.BUFFERED, endpoint="models",
        description="Public model catalog.",
    ),
    FunctionSpec(
        name="healthz", method="GET", route="/healthz",
        mode=InvokeMode.BUFFERED, endpoint="healthz",
        description="Liveness.",
    ),
    FunctionSpec(
        name="readyz", method="GET", route="/readyz",
        mode=InvokeMode.BUFFERED, endpoint="readyz",
        description="Readiness of DynamoDB and SQS.",
    ),
    FunctionSpec(
        name="openapi", method="GET", route="/openapi.json",
        mode=InvokeMode.BUFFERED, endpoint="openapi_doc",
        description="The OpenAPI document.",
    ),
)
# fmt: on

BY_NAME: dict[str, FunctionSpec] = {spec.name: spec for spec in FUNCTIONS}


def get_function(name: str) -> FunctionSpec:
    try:
        return BY_NAME[name]
    except KeyError:
        known = ", ".join(sorted(BY_NAME))
        raise KeyError(f"unknown function {name!r}; known: {known}") from None
