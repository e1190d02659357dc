"""A lean client for AWS's JSON-protocol APIs (DynamoDB, SQS, Secrets Manager) on the request path.

Why not boto3 there: importing boto3 and building one client costs ~0.3 s on a cold Lambda here,
more than the whole cold-start budget of a function. These three services speak plain JSON over
HTTPS (``X-Amz-Target`` names the operation), so a signed httpx POST does the same call. The
interface is boto3's for exactly the operations we use, one explicit method each (a misspelt
operation is an AttributeError, never a signed call), typed with the ``mypy-boto3-*`` stubs'
request and response TypedDicts, so mypy checks every call; failures raise ``AwsError`` with
boto3's ``error.response["Error"]["Code"]`` shape. Callers cannot tell the two apart, and
``hyperinfer.aws`` can fall back to boto3 where credentials come from a profile rather than the
environment. Requests are signed by ``SigV4`` below, through the project's one signer
(``hyperinfer.providers.sigv4``). The stubs are a development dependency, imported only by the
type checker: the layer does not ship them.
"""

from __future__ import annotations

import datetime as dt
import json
import random
import time
from collections.abc import Callable, Generator, Mapping
from typing import TYPE_CHECKING, Any, NamedTuple, Unpack, cast

import httpx

from hyperinfer.providers.sigv4 import signature_headers
from hyperinfer.tls import client_context

if TYPE_CHECKING:
    from mypy_boto3_dynamodb import type_defs as ddb
    from mypy_boto3_secretsmanager import type_defs as sm
    from mypy_boto3_sqs import type_defs as sqs

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


# NamedTuples, not frozen dataclasses: every cold start defines them (see function_table.py).
class Service(NamedTuple):
    signing_name: str  # SigV4 service name, also the endpoint's first label
    target_prefix: str  # X-Amz-Target = "<prefix>.<Operation>"
    json_version: str  # Content-Type application/x-amz-json-<version>


DYNAMODB = Service("dynamodb", "DynamoDB_20120810", "1.0")
SQS = Service("sqs", "AmazonSQS", "1.0")
SECRETS_MANAGER = Service("secretsmanager", "secretsmanager", "1.1")
SERVICES = {service.signing_name: service for service in (DYNAMODB, SQS, SECRETS_MANAGER)}


# Refresh container credentials this long before they expire.
REFRESH_MARGIN_SECONDS = 300


class Credentials(NamedTuple):
    access_key: str
    secret_key: str
    session_token: str | None = None
    expires_at: float | None = None  # epoch seconds; None: good for the process's life

    @classmethod
    def from_environment(cls, environ: Mapping[str, str]) -> Credentials | None:
        """The variables Lambda sets for the function's role (and the emulator's fakes locally)."""
        access_key = environ.get("AWS_ACCESS_KEY_ID")
        secret_key = environ.get("AWS_SECRET_ACCESS_KEY")
        if not access_key or not secret_key:
            return None
        return cls(access_key, secret_key, environ.get("AWS_SESSION_TOKEN") or None)

    @classmethod
    def from_container(
        cls, environ: Mapping[str, str], get: Callable[[str, dict[str, str]], httpx.Response] | None = None
    ) -> Credentials | None:
        """The role's credentials from the endpoint Lambda names instead of the variables above
        when SnapStart is on (``AWS_CONTAINER_CREDENTIALS_FULL_URI``, authorized by
        ``AWS_CONTAINER_AUTHORIZATION_TOKEN``): a snapshot must not carry credentials."""
        url = environ.get("AWS_CONTAINER_CREDENTIALS_FULL_URI")
        if not url:
            return None
        token = environ.get("AWS_CONTAINER_AUTHORIZATION_TOKEN", "")
        token_file = environ.get("AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE")
        if token_file:
            with open(token_file) as file:
                token = file.read().strip()
        fetch = get or (lambda target, headers: httpx.get(target, headers=headers, timeout=2.0))
        answer = fetch(url, {"Authorization": token} if token else {})
        answer.raise_for_status()
        body = answer.json()
        expiration = body.get("Expiration")
        expires_at = dt.datetime.fromisoformat(expiration).timestamp() if expiration else None
        return cls(body["AccessKeyId"], body["SecretAccessKey"], body.get("Token"), expires_at)

    @classmethod
    def resolve(cls, environ: Mapping[str, str]) -> Credentials | None:
        """Environment variables first, then the container endpoint; None: neither is there."""
        return cls.from_environment(environ) or cls.from_container(environ)

    def expiring(self, now: float) -> bool:
        return self.expires_at is not None and now >= self.expires_at - REFRESH_MARGIN_SECONDS


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


def default_endpoint(service: Service, region: str) -> str:
    suffix = "amazonaws.com.cn" if region.startswith("cn-") else "amazonaws.com"
    return f"https://{service.signing_name}.{region}.{suffix}"


class SigV4(httpx.Auth):
    """SigV4 as an httpx auth, at the clock's time, over the body as it will be sent."""

    requires_request_body = True

    def __init__(
        self,
        *,
        access_key: str,
        secret_key: str,
        region: str,
        service: str,
        session_token: str | None = None,
        clock: Callable[[], dt.datetime] = lambda: dt.datetime.now(dt.UTC),
    ) -> None:
        self.access_key = access_key
        self.secret_key = secret_key
        self.region = region
        self.service = service
        self.session_token = session_token
        self._clock = clock

    def auth_flow(self, request: httpx.Request) -> Generator[httpx.Request, httpx.Response, None]:
        request.headers.update(
            signature_headers(
                request.method,
                str(request.url),
                request.headers,
                request.read(),
                access_key=self.access_key,
                secret_key=self.secret_key,
                session_token=self.session_token,
                region=self.region,
                service=self.service,
                now=self._clock(),
            )
        )
        yield request


class JsonClient:
    """One service in one region; thread-safe (the web layer calls it from a thread pool).
    The subclasses below name the operations; ``call`` is what each of them sends."""

    service: Service

    def __init__(
        self,
        *,
        region: str,
        credentials: Credentials,
        endpoint_url: str | None = None,
        http: httpx.Client | None = None,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        service = self.service
        self.credentials = credentials
        self.region = region
        self.url = (endpoint_url or default_endpoint(service, region)).rstrip("/") + "/"
        self._auth = SigV4(
            access_key=credentials.access_key,
            secret_key=credentials.secret_key,
            region=region,
            service=service.signing_name,
            session_token=credentials.session_token,
        )
        self.http = http or httpx.Client(timeout=httpx.Timeout(5.0, connect=2.0), verify=client_context())
        self._sleep = sleep

    def call(self, operation: str, params: Mapping[str, Any]) -> Any:
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


class DynamoDBClient(JsonClient):
    service = DYNAMODB

    def get_item(self, **params: Unpack[ddb.GetItemInputTypeDef]) -> ddb.GetItemOutputTypeDef:
        return cast("ddb.GetItemOutputTypeDef", self.call("GetItem", params))

    def put_item(self, **params: Unpack[ddb.PutItemInputTypeDef]) -> ddb.PutItemOutputTypeDef:
        return cast("ddb.PutItemOutputTypeDef", self.call("PutItem", params))

    def update_item(self, **params: Unpack[ddb.UpdateItemInputTypeDef]) -> ddb.UpdateItemOutputTypeDef:
        return cast("ddb.UpdateItemOutputTypeDef", self.call("UpdateItem", params))

    def delete_item(self, **params: Unpack[ddb.DeleteItemInputTypeDef]) -> ddb.DeleteItemOutputTypeDef:
        return cast("ddb.DeleteItemOutputTypeDef", self.call("DeleteItem", params))

    def query(self, **params: Unpack[ddb.QueryInputTypeDef]) -> ddb.QueryOutputTypeDef:
        return cast("ddb.QueryOutputTypeDef", self.call("Query", params))

    def scan(self, **params: Unpack[ddb.ScanInputTypeDef]) -> ddb.ScanOutputTypeDef:
        return cast("ddb.ScanOutputTypeDef", self.call("Scan", params))

    def transact_write_items(
        self, **params: Unpack[ddb.TransactWriteItemsInputTypeDef]
    ) -> ddb.TransactWriteItemsOutputTypeDef:
        """Pass a ``ClientRequestToken`` (``accounts.ddb.transaction_token``): the retries below
        then resend one token, and DynamoDB applies a transaction it already applied only once."""
        return cast("ddb.TransactWriteItemsOutputTypeDef", self.call("TransactWriteItems", params))

    def describe_table(
        self, **params: Unpack[ddb.DescribeTableInputTypeDef]
    ) -> ddb.DescribeTableOutputTypeDef:
        return cast("ddb.DescribeTableOutputTypeDef", self.call("DescribeTable", params))

    def create_table(self, **params: Unpack[ddb.CreateTableInputTypeDef]) -> ddb.CreateTableOutputTypeDef:
        return cast("ddb.CreateTableOutputTypeDef", self.call("CreateTable", params))

    def list_tables(self, **params: Unpack[ddb.ListTablesInputTypeDef]) -> ddb.ListTablesOutputTypeDef:
        return cast("ddb.ListTablesOutputTypeDef", self.call("ListTables", params))


class SQSClient(JsonClient):
    service = SQS

    def get_queue_url(self, **params: Unpack[sqs.GetQueueUrlRequestTypeDef]) -> sqs.GetQueueUrlResultTypeDef:
        return cast("sqs.GetQueueUrlResultTypeDef", self.call("GetQueueUrl", params))

    def create_queue(self, **params: Unpack[sqs.CreateQueueRequestTypeDef]) -> sqs.CreateQueueResultTypeDef:
        return cast("sqs.CreateQueueResultTypeDef", self.call("CreateQueue", params))

    def get_queue_attributes(
        self, **params: Unpack[sqs.GetQueueAttributesRequestTypeDef]
    ) -> sqs.GetQueueAttributesResultTypeDef:
        return cast("sqs.GetQueueAttributesResultTypeDef", self.call("GetQueueAttributes", params))

    def send_message(self, **params: Unpack[sqs.SendMessageRequestTypeDef]) -> sqs.SendMessageResultTypeDef:
        return cast("sqs.SendMessageResultTypeDef", self.call("SendMessage", params))

    def send_message_batch(
        self, **params: Unpack[sqs.SendMessageBatchRequestTypeDef]
    ) -> sqs.SendMessageBatchResultTypeDef:
        return cast("sqs.SendMessageBatchResultTypeDef", self.call("SendMessageBatch", params))

    def receive_message(
        self, **params: Unpack[sqs.ReceiveMessageRequestTypeDef]
    ) -> sqs.ReceiveMessageResultTypeDef:
        return cast("sqs.ReceiveMessageResultTypeDef", self.call("ReceiveMessage", params))

    def delete_message(self, **params: Unpack[sqs.DeleteMessageRequestTypeDef]) -> None:
        self.call("DeleteMessage", params)

    def delete_message_batch(
        self, **params: Unpack[sqs.DeleteMessageBatchRequestTypeDef]
    ) -> sqs.DeleteMessageBatchResultTypeDef:
        return cast("sqs.DeleteMessageBatchResultTypeDef", self.call("DeleteMessageBatch", params))


class SecretsManagerClient(JsonClient):
    service = SECRETS_MANAGER

    def get_secret_value(
        self, **params: Unpack[sm.GetSecretValueRequestTypeDef]
    ) -> sm.GetSecretValueResponseTypeDef:
        return cast("sm.GetSecretValueResponseTypeDef", self.call("GetSecretValue", params))

    def create_secret(
        self, **params: Unpack[sm.CreateSecretRequestTypeDef]
    ) -> sm.CreateSecretResponseTypeDef:
        return cast("sm.CreateSecretResponseTypeDef", self.call("CreateSecret", params))

    def delete_secret(
        self, **params: Unpack[sm.DeleteSecretRequestTypeDef]
    ) -> sm.DeleteSecretResponseTypeDef:
        return cast("sm.DeleteSecretResponseTypeDef", self.call("DeleteSecret", params))

    def put_secret_value(
        self, **params: Unpack[sm.PutSecretValueRequestTypeDef]
    ) -> sm.PutSecretValueResponseTypeDef:
        return cast("sm.PutSecretValueResponseTypeDef", self.call("PutSecretValue", params))


CLIENTS: dict[str, type[JsonClient]] = {
    "dynamodb": DynamoDBClient,
    "sqs": SQSClient,
    "secretsmanager": SecretsManagerClient,
}


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
