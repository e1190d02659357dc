"""API Gateway's own answers (no function ran) in the taxonomy's envelope.

One API serves OpenAI, Anthropic and report routes, and a gateway response cannot know which the
client speaks, so every one uses ``universal_error``: a body each of those clients parses. Codes,
statuses and types come from ``hyperinfer.errors`` and ``formats.envelopes``, so they cannot drift.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

from aws_cdk import aws_apigateway as apigateway
from hyperinfer.errors import ErrorCode, GatewayError
from hyperinfer.formats.envelopes import universal_error

# API Gateway substitutes this in the template; quoted in the JSON, it stays a JSON string.
REQUEST_ID = "$context.requestId"


@dataclass(frozen=True, slots=True)
class GatewayAnswer:
    code: ErrorCode
    message: str  # plain text: no `$` or `#`, which the template language would interpret
    retry_after: str | None = None  # seconds, for the clients that back off on Retry-After


NO_ROUTE = "No such route, or no such method on it."

# fmt: off
ANSWERS: dict[str, GatewayAnswer] = {
    # No authorizer is configured, so this is what API Gateway answers for an unknown route, or
    # for a known route with a method it does not serve.
    "MISSING_AUTHENTICATION_TOKEN": GatewayAnswer(ErrorCode.NOT_FOUND, NO_ROUTE),
    "RESOURCE_NOT_FOUND": GatewayAnswer(ErrorCode.NOT_FOUND, NO_ROUTE),
    "THROTTLED": GatewayAnswer(
        ErrorCode.RATE_LIMIT_EXCEEDED, "Too many requests to the API; retry shortly.", retry_after="1"
    ),
    "QUOTA_EXCEEDED": GatewayAnswer(ErrorCode.RATE_LIMIT_EXCEEDED, "The API request quota is used up."),
    "INTEGRATION_TIMEOUT": GatewayAnswer(ErrorCode.PROVIDER_TIMEOUT, "The request took too long to answer."),
    "INTEGRATION_FAILURE": GatewayAnswer(ErrorCode.INTERNAL_ERROR, "The function serving this route failed."),
    "REQUEST_TOO_LARGE": GatewayAnswer(ErrorCode.PAYLOAD_TOO_LARGE, "The request body is too large."),
    "BAD_REQUEST_BODY": GatewayAnswer(ErrorCode.INVALID_REQUEST, "The request body is invalid."),
    "BAD_REQUEST_PARAMETERS": GatewayAnswer(ErrorCode.INVALID_REQUEST, "The request parameters are invalid."),
    "UNSUPPORTED_MEDIA_TYPE": GatewayAnswer(ErrorCode.INVALID_REQUEST, "Unsupported content type."),
    # Only a resource policy or WAF could deny; the taxonomy's word for a refused caller is the key.
    "ACCESS_DENIED": GatewayAnswer(ErrorCode.INVALID_API_KEY, "Access denied."),
    "WAF_FILTERED": GatewayAnswer(ErrorCode.INVALID_API_KEY, "Access denied."),
    "API_CONFIGURATION_ERROR": GatewayAnswer(ErrorCode.INTERNAL_ERROR, "The API is misconfigured."),
    "DEFAULT_4XX": GatewayAnswer(ErrorCode.INVALID_REQUEST, "The request was refused."),
    "DEFAULT_5XX": GatewayAnswer(ErrorCode.INTERNAL_ERROR, "Internal error."),
}
# fmt: on


def body_template(answer: GatewayAnswer) -> str:
    return json.dumps(universal_error(GatewayError(answer.code, answer.message), REQUEST_ID))


def add_gateway_responses(api: apigateway.RestApi) -> None:
    for name, answer in ANSWERS.items():
        error = GatewayError(answer.code, answer.message)
        headers = {"Retry-After": f"'{answer.retry_after}'"} if answer.retry_after else {}
        api.add_gateway_response(
            name.title().replace("_", ""),
            type=getattr(apigateway.ResponseType, name.replace("4XX", "4_XX").replace("5XX", "5_XX")),
            status_code=str(error.status),
            templates={"application/json": body_template(answer)},
            response_headers=headers,
        )
