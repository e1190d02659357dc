"""Provider API keys, read from the environment variable the catalog names for each provider."""

from __future__ import annotations

import os

from hyperinfer.catalog import Provider
from hyperinfer.errors import ErrorCode, GatewayError


def provider_api_key(name: str, provider: Provider) -> str:
    key = os.environ.get(provider.api_key_env, "")
    if not key:
        raise GatewayError(
            ErrorCode.PROVIDER_AUTH,
            f"Provider {name!r} has no API key: set the environment variable {provider.api_key_env}.",
        )
    return key
