"""AWS clients, created once per container (per endpoint) and reused by every request.

DynamoDB, SQS and Secrets Manager go through ``aws_json.JsonClient``, and S3 through
``aws_s3.S3Client``, whenever credentials are in the environment (always on Lambda, and with the
emulator's fakes locally): they cost milliseconds to create where boto3 costs ~0.3 s of cold start.
Without them (a developer's profile or SSO session) boto3 resolves credentials itself. Either way
the factories below are typed as the lean clients: boto3's clients have the same methods with the
same request and response shapes (the ``mypy-boto3-*`` stubs the lean ones are typed with), and
``tests/functional/test_aws_clients.py`` proves the two answer alike against moto.
"""

from __future__ import annotations

import os
import threading
import time
from functools import lru_cache
from typing import TYPE_CHECKING, Any

from hyperinfer.settings import Settings

if TYPE_CHECKING:
    from hyperinfer.aws_json import DynamoDBClient, SecretsManagerClient, SQSClient
    from hyperinfer.aws_s3 import S3Client

CONNECT_TIMEOUT = 2.0
READ_TIMEOUT = 5.0


# One client per (service, region, endpoint), built on first use and reused by every request.
_clients: dict[tuple[str, str, str | None], Any] = {}
_lock = threading.Lock()


def _client(service: str, region: str, endpoint_url: str | None) -> Any:
    key = (service, region, endpoint_url)
    client = _clients.get(key)
    if client is None or _expiring(client):  # container credentials (SnapStart) run out
        with _lock:
            client = _clients.get(key)
            if client is None or _expiring(client):
                client = _clients[key] = _build(service, region, endpoint_url)
    return client


def _expiring(client: Any) -> bool:
    # boto3's clients refresh their own credentials; the lean ones say when theirs run out.
    credentials = getattr(client, "credentials", None)
    expiring = getattr(credentials, "expiring", None)
    return bool(expiring and expiring(time.time()))


def _build(service: str, region: str, endpoint_url: str | None) -> Any:
    from hyperinfer import aws_json

    credentials = aws_json.Credentials.resolve(os.environ)
    if credentials is None:
        return (
            _boto3_s3(region, endpoint_url)
            if service == "s3"
            else _boto3_client(service, region, endpoint_url)
        )
    if service == "s3":
        from hyperinfer import aws_s3  # a function that never touches the bucket never loads it

        return aws_s3.S3Client(region=region, credentials=credentials, endpoint_url=endpoint_url)
    return aws_json.CLIENTS[service](region=region, credentials=credentials, endpoint_url=endpoint_url)


def reset() -> None:
    """Drop every client with its connections and the credentials it holds (after a SnapStart
    restore the snapshot's belong to another environment); the next call builds fresh ones."""
    with _lock:
        built = list(_clients.values())
        _clients.clear()
    for client in built:
        close = getattr(client, "close", None)
        if close is not None:
            close()


def _boto3_client(service: str, region: str, endpoint_url: str | None) -> Any:
    import boto3
    from botocore.config import Config

    config = Config(
        retries={"max_attempts": 3, "mode": "standard"},
        connect_timeout=CONNECT_TIMEOUT,
        read_timeout=READ_TIMEOUT,
    )
    return boto3.session.Session().client(
        service, region_name=region, endpoint_url=endpoint_url, config=config
    )


def dynamodb(settings: Settings) -> DynamoDBClient:
    client: DynamoDBClient = _client("dynamodb", settings.aws_region, settings.aws_endpoint_url)
    return client


def sqs(settings: Settings) -> SQSClient:
    client: SQSClient = _client("sqs", settings.aws_region, settings.aws_endpoint_url)
    return client


def secretsmanager(settings: Settings) -> SecretsManagerClient:
    client: SecretsManagerClient = _client("secretsmanager", settings.aws_region, settings.aws_endpoint_url)
    return client


def s3(settings: Settings) -> S3Client:
    """Object reads and writes and presigned upload POSTs (``aws_s3`` covers exactly those)."""
    client: S3Client = _client("s3", settings.aws_region, settings.aws_endpoint_url)
    return client


def s3_admin(settings: Settings) -> Any:
    """boto3's full S3 client, for setting up buckets (the emulator's), never on a request path."""
    return _boto3_s3(settings.aws_region, settings.aws_endpoint_url)


@lru_cache(maxsize=4)
def _boto3_s3(region: str, endpoint_url: str | None) -> Any:
    import boto3
    from botocore.config import Config

    # SigV4 for presigned POSTs (SigV2 is refused by newer buckets); path-style on an emulator,
    # whose loopback address cannot take a bucket subdomain.
    config = Config(
        retries={"max_attempts": 3, "mode": "standard"},
        connect_timeout=CONNECT_TIMEOUT,
        read_timeout=10,
        signature_version="s3v4",
        s3={"addressing_style": "path" if endpoint_url else "virtual"},
    )
    return boto3.session.Session().client("s3", region_name=region, endpoint_url=endpoint_url, config=config)
