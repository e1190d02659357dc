"""A lean client for AWS's JSON-protocol APIs (DynamoDB, SQS, Secrets Manager) on the request path.

Why not boto3 there: importing boto3 and building one client costs ~0.3 s on a cold Lambda here,
more than the whole cold-start budget of a function. These three services speak plain JSON over
HTTPS (``X-Amz-Target`` names the operation), so a signed httpx POST does the same call. The
interface is boto3's (``client.get_item(TableName=..., Key=...)`` returns the parsed response;
failures raise ``AwsError`` with boto3's ``error.response["Error"]["Code"]`` shape), so callers
cannot tell the two apart and ``hyperinfer.aws`` can fall back to boto3 where credentials come
from a profile rather than the environment. Signing is httpx-auth's SigV4.
"""

from __future__ import annotations

import json
import random
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

import httpx

from hyperinfer.tls import client_context

# Server-side refusals worth another attempt (botocore's "standard" retry set for these services).
RETRYABLE_CODES = frozenset(
    {
        "ThrottlingException",
        "Throttling",
        "ProvisionedThroughputExceededException",
        "RequestLimitExceeded",
        "RequestThrottled",
        "RequestThrottledException",
        "TooManyRequestsException",
        "InternalServerError",
        "InternalFailure",
        "ServiceUnavailable",
        "TransactionInProgressException",
    }
)
RETRYABLE_STATUSES = frozenset({500, 502, 503, 504})
MAX_ATTEMPTS = 3
BACKOFF_BASE = 0.05  # seconds; doubled per attempt, with full jitter


@dataclass(frozen=True, slots=True)
class Service:
    signing_name: str  # SigV4 service name, also the endpoint's first label
    target_prefix: str  # X-Amz-Target = "<prefix>.<Operation>"
    json_version: str  # Content-Type application/x-amz-json-<version>


DYNAMODB = Service("dynamodb", "DynamoDB_20120810", "1.0")
SQS = Service("sqs", "AmazonSQS", "1.0")
SECRETS_MANAGER = Service("secretsmanager", "secretsmanager", "1.1")
SERVICES = {service.signing_name: service for service in (DYNAMODB, SQS, SECRETS_MANAGER)}


@dataclass(frozen=True, slots=True)
class Credentials:
    access_key: str
    secret_key: str
    session_token: str | None = None

    @classmethod
    def from_environment(cls, environ: Mapping[str, str]) -> Credentials | None:
        """The variables Lambda sets for the function's role (and the emulator's fakes locally)."""
        access_key = environ.get("AWS_ACCESS_KEY_ID")
        secret_key = environ.get("AWS_SECRET_ACCESS_KEY")
        if not access_key or not secret_key:
            return None
        return cls(access_key, secret_key, environ.get("AWS_SESSION_TOKEN") or None)


class AwsError(Exception):
    """A refused call, shaped like botocore's ClientError so ``accounts.ddb.error_code`` reads it."""

    def __init__(self, operation: str, status: int, body: Mapping[str, Any]) -> None:
        code = error_code_of(body) or f"HTTP{status}"
        message = str(body.get("message") or body.get("Message") or "")
        self.response: dict[str, Any] = {
            "Error": {"Code": code, "Message": message},
            "ResponseMetadata": {"HTTPStatusCode": status},
        }
        if "CancellationReasons" in body:  # TransactWriteItems: which item's condition failed
            self.response["CancellationReasons"] = body["CancellationReasons"]
        self.operation = operation
        super().__init__(f"{operation} failed: {code} ({status}) {message}".rstrip())

    @property
    def code(self) -> str:
        return str(self.response["Error"]["Code"])


def error_code_of(body: Mapping[str, Any]) -> str:
    """``"com.amazonaws.dynamodb.v20120810#ConditionalCheckFailedException"`` -> the bare name."""
    raw = str(body.get("__type") or body.get("code") or "")
    return raw.rsplit("#", 1)[-1]


def operation_name(method: str) -> str:
    """boto3's ``transact_write_items`` -> the API's ``TransactWriteItems``."""
    return "".join(part[:1].upper() + part[1:] for part in method.split("_"))


def default_endpoint(service: Service, region: str) -> str:
    suffix = "amazonaws.com.cn" if region.startswith("cn-") else "amazonaws.com"
    return f"https://{service.signing_name}.{region}.{suffix}"


class JsonClient:
    """One service in one region; thread-safe (the web layer calls it from a thread pool)."""

    def __init__(
        self,
        service: Service,
        *,
        region: str,
        credentials: Credentials,
        endpoint_url: str | None = None,
        http: httpx.Client | None = None,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        from httpx_auth import AWS4Auth

        self.service = service
        self.region = region
        self.url = (endpoint_url or default_endpoint(service, region)).rstrip("/") + "/"
        self._auth = AWS4Auth(
            access_id=credentials.access_key,
            secret_key=credentials.secret_key,
            region=region,
            service=service.signing_name,
            security_token=credentials.session_token,
        )
        self.http = http or httpx.Client(timeout=httpx.Timeout(5.0, connect=2.0), verify=client_context())
        self._sleep = sleep

    def __getattr__(self, method: str) -> Callable[..., dict[str, Any]]:
        if method.startswith("_"):
            raise AttributeError(method)
        operation = operation_name(method)

        def call(**params: Any) -> dict[str, Any]:
            return self.call(operation, params)

        call.__name__ = method
        return call

    def call(self, operation: str, params: Mapping[str, Any]) -> dict[str, Any]:
        body = json.dumps(params, separators=(",", ":")).encode()
        headers = {
            "Content-Type": f"application/x-amz-json-{self.service.json_version}",
            "X-Amz-Target": f"{self.service.target_prefix}.{operation}",
        }
        response = send_with_retries(
            lambda: self.http.post(self.url, content=body, headers=headers, auth=self._auth),
            lambda refused: AwsError(operation, refused.status_code, _payload(refused)),
            RETRYABLE_CODES,
            self._sleep,
        )
        return _payload(response)

    def close(self) -> None:
        self.http.close()


def _payload(response: httpx.Response) -> dict[str, Any]:
    payload: dict[str, Any] = response.json() if response.content else {}
    return payload


def send_with_retries(
    send: Callable[[], httpx.Response],
    refusal: Callable[[httpx.Response], AwsError],
    retryable_codes: frozenset[str],
    sleep: Callable[[float], None],
) -> httpx.Response:
    """``send`` until it answers below 300, retrying (with jittered backoff) a refused connection
    and the refusals ``retryable_codes`` or RETRYABLE_STATUSES name; any other refusal raises the
    ``refusal`` built from it. Shared by the JSON-protocol client and ``aws_s3``."""
    for attempt in range(1, MAX_ATTEMPTS + 1):
        try:
            response = send()
        except httpx.ConnectError:
            # Nothing reached the service, so another attempt cannot apply anything twice.
            if attempt == MAX_ATTEMPTS:
                raise
            _backoff(sleep, attempt)
            continue
        if response.status_code < 300:
            return response
        error = refusal(response)
        if attempt < MAX_ATTEMPTS and (
            error.code in retryable_codes or response.status_code in RETRYABLE_STATUSES
        ):
            _backoff(sleep, attempt)
            continue
        raise error
    raise AssertionError("unreachable")  # pragma: no cover - the loop returns or raises


def _backoff(sleep: Callable[[float], None], attempt: int) -> None:
    sleep(random.uniform(0, BACKOFF_BASE * 2**attempt))  # noqa: S311 - jitter, not crypto
