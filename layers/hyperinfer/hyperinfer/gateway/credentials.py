"""What the gateway authenticates with upstream: a provider's ``Credentials``.

A key is an environment variable when set (local runs), else a field of the Secrets Manager secret
the stack names (deployed functions). ``credentials_for`` is the one place a provider's credentials
are built; Bedrock's are AWS credentials (``aws_credentials``), which sign instead of a key."""

from __future__ import annotations

import os

from hyperinfer.catalog import Provider, ProviderKind
from hyperinfer.errors import ErrorCode, GatewayError
from hyperinfer.gateway.runtime import Runtime
from hyperinfer.gateway.secret_reads import read_secret
from hyperinfer.observability.redact import register_secret
from hyperinfer.providers.contract import Credentials
from hyperinfer.secrets import json_field


async def provider_api_key(rt: Runtime, name: str, provider: Provider) -> str:
    if not provider.api_key_env:
        return ""  # a server that takes no key (a local Ollama): nothing to look up, nothing sent
    key = os.environ.get(provider.api_key_env, "")
    secret_id = rt.settings.provider_keys_secret
    if not key and secret_id:
        key = json_field(await read_secret(rt, secret_id), provider.api_key_env) or ""
    if not key:
        where = f"the environment variable {provider.api_key_env}"
        if secret_id:
            where += f" or the field {provider.api_key_env} of the provider-keys secret"
        raise GatewayError(ErrorCode.PROVIDER_AUTH, f"Provider {name!r} has no API key: set {where}.")
    return key


async def credentials_for(rt: Runtime, name: str, provider: Provider) -> Credentials:
    """The credentials a call to `provider` (catalog name `name`) authenticates with; every secret in
    them is registered for redaction before any can reach a log line."""
    if provider.kind is ProviderKind.BEDROCK:
        return aws_credentials(name, provider)
    api_key = await provider_api_key(rt, name, provider)
    register_secret(api_key)
    return Credentials(api_key=api_key)


def aws_credentials(name: str, provider: Provider) -> Credentials:
    """SigV4 credentials from the environment, the standard chain's first step: on Lambda the runtime
    puts the function's role's temporary credentials there (and renews them between invocations, so
    they are read per call, never cached); locally they are the developer's own or the emulator's."""
    access_key = os.environ.get("AWS_ACCESS_KEY_ID", "")
    secret_key = os.environ.get("AWS_SECRET_ACCESS_KEY", "")
    if not access_key or not secret_key:
        raise GatewayError(
            ErrorCode.PROVIDER_AUTH,
            f"Provider {name!r} has no AWS credentials: set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY "
            "(on Lambda the function's role provides them).",
        )
    token = os.environ.get("AWS_SESSION_TOKEN", "")
    for secret in (secret_key, token):
        if secret:
            register_secret(secret)
    return Credentials(
        region=provider.region or "",
        aws_access_key_id=access_key,
        aws_secret_access_key=secret_key,
        aws_session_token=token,
    )
