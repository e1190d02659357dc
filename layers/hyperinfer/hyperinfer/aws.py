"""AWS clients, created once per container (per endpoint) and reused by every request."""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from hyperinfer.settings import Settings


@lru_cache(maxsize=8)
def _client(service: str, region: str, endpoint_url: str | None) -> Any:
    import boto3  # deferred: the heaviest import of the request path, paid on first use only
    from botocore.config import Config

    config = Config(retries={"max_attempts": 3, "mode": "standard"}, connect_timeout=2, read_timeout=5)
    return boto3.session.Session().client(
        service, region_name=region, endpoint_url=endpoint_url, config=config
    )


def dynamodb(settings: Settings) -> Any:
    return _client("dynamodb", settings.aws_region, settings.aws_endpoint_url)


def sqs(settings: Settings) -> Any:
    return _client("sqs", settings.aws_region, settings.aws_endpoint_url)


def s3(settings: Settings) -> Any:
    return _s3(settings.aws_region, settings.aws_endpoint_url)


@lru_cache(maxsize=4)
def _s3(region: str, endpoint_url: str | None) -> Any:
    import boto3
    from botocore.config import Config

    # SigV4 for presigned POSTs (SigV2 is refused by newer buckets); path-style on an emulator,
    # whose loopback address cannot take a bucket subdomain.
    config = Config(
        retries={"max_attempts": 3, "mode": "standard"},
        connect_timeout=2,
        read_timeout=10,
        signature_version="s3v4",
        s3={"addressing_style": "path" if endpoint_url else "virtual"},
    )
    return boto3.session.Session().client("s3", region_name=region, endpoint_url=endpoint_url, config=config)
