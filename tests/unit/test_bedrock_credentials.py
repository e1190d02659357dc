"""Bedrock's credentials: the environment's AWS credentials (the function's role on Lambda), never a key."""

from __future__ import annotations

import pytest
from hyperinfer.catalog import Provider
from hyperinfer.errors import ErrorCode, GatewayError
from hyperinfer.gateway.credentials import aws_credentials
from hyperinfer.observability.redact import scrub

PROVIDER = Provider.model_validate({"kind": "bedrock", "region": "eu-west-1"})


def test_the_environment_credentials_and_the_providers_region(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "ASIAEXAMPLEROLEKEY01")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "role-secret-0123456789abcdef")
    monkeypatch.setenv("AWS_SESSION_TOKEN", "role-session-token-0123456789")
    credentials = aws_credentials("bedrock", PROVIDER)
    assert (credentials.region, credentials.aws_access_key_id) == ("eu-west-1", "ASIAEXAMPLEROLEKEY01")
    assert credentials.aws_session_token == "role-session-token-0123456789"
    assert credentials.api_key == ""
    # Both secrets are scrubbed from text for clients and from log lines.
    assert set(credentials.secrets) == {"role-secret-0123456789abcdef", "role-session-token-0123456789"}
    assert "role-secret" not in scrub("signed with role-secret-0123456789abcdef")


def test_rotated_credentials_are_read_on_each_call(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "AKIDFIRST")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "first-secret-value")
    monkeypatch.delenv("AWS_SESSION_TOKEN", raising=False)
    assert aws_credentials("bedrock", PROVIDER).aws_access_key_id == "AKIDFIRST"
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "AKIDSECOND")
    assert aws_credentials("bedrock", PROVIDER).aws_access_key_id == "AKIDSECOND"


def test_no_credentials_is_provider_auth_naming_the_variables(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("AWS_ACCESS_KEY_ID", raising=False)
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "x")
    with pytest.raises(GatewayError) as caught:
        aws_credentials("bedrock-us", PROVIDER)
    assert caught.value.code is ErrorCode.PROVIDER_AUTH
    assert "AWS_ACCESS_KEY_ID" in caught.value.message and "'bedrock-us'" in caught.value.message
