"""AWS clients, created once per container (per endpoint) and reused by every request.

DynamoDB, SQS and Secrets Manager go through ``aws_json.JsonClient`` whenever credentials are in
the environment (always on Lambda, and with the emulator's fakes locally): it costs milliseconds
to create where boto3 costs ~0.3 s of cold start. Without them (a developer's profile or SSO
session) boto3 resolves credentials itself. S3 is REST/XML and presigns POSTs, so it stays boto3;
only the reporting functions use it, and only for large bodies and uploads.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from functools import lru_cache
from typing import Any

from hyperinfer.settings import Settings

CONNECT_TIMEOUT = 2.0
READ_TIMEOUT = 5.0


@lru_cache(maxsize=8)
def _client(service: str, region: str, endpoint_url: str | None) -> Any:
    from hyperinfer import aws_json

    credentials = aws_json.Credentials.from_environment(os.environ)
    if credentials is not None:
        return aws_json.JsonClient(
            aws_json.SERVICES[service], region=region, credentials=credentials, endpoint_url=endpoint_url
        )
    return _boto3_client(service, region, endpoint_url)


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


def dynamodb(settings: Settings) -> Any:
    return _client("dynamodb", settings.aws_region, settings.aws_endpoint_url)


def sqs(settings: Settings) -> Any:
    return _client("sqs", settings.aws_region, settings.aws_endpoint_url)


def secretsmanager(settings: Settings) -> Any:
    return _client("secretsmanager", settings.aws_region, settings.aws_endpoint_url)


def s3(settings: Settings) -> Any:
    """Built on first use, not when a store is: most report requests never touch S3 (only bodies
    over the queue's or the item's limit do), and creating the boto3 client costs ~0.3 s."""
    return _Deferred(lambda: _s3(settings.aws_region, settings.aws_endpoint_url))


class _Deferred:
    def __init__(self, make: Callable[[], Any]) -> None:
        self._make = make

    def __getattr__(self, name: str) -> Any:
        return getattr(self._make(), name)  # _s3 is cached, so this builds the client once


@lru_cache(maxsize=4)
def _s3(region: str, endpoint_url: str | None) -> Any:
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
