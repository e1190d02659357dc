"""Provider keys and the internal token read from Secrets Manager (moto), as deployed functions do."""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from hyperinfer import aws
from hyperinfer.gateway.runtime import configure
from hyperinfer.invoke import invoke
from hyperinfer.local.fakes.server import FakeProvider
from hyperinfer.settings import Settings

from tests.support import REPO

COMPLETION = json.loads((REPO / "events/chat_completions/completion.json").read_text())
MINT = json.loads((REPO / "events/playground_keys/mint.json").read_text())
SECRET_KEY = "sk-from-secrets-manager-0123456789"


@pytest.fixture
def secret_name(settings: Settings) -> Iterator[str]:
    name = f"hyperinfer/test/{uuid.uuid4().hex}"
    client = aws.secretsmanager(settings)
    client.create_secret(Name=name, SecretString=json.dumps({"OPENAI_API_KEY": SECRET_KEY}))
    yield name
    client.delete_secret(SecretId=name, ForceDeleteWithoutRecovery=True)


def _upstream_key(fake: FakeProvider) -> str:
    return str(fake.calls[-1]["authorization"]).removeprefix("Bearer ")


def test_the_provider_key_comes_from_the_secret_when_no_variable_is_set(
    settings: Settings, secret_name: str, fake: FakeProvider, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("OPENAI_API_KEY")
    configure(settings.model_copy(update={"provider_keys_secret": secret_name}))
    fake.calls.clear()
    assert invoke("chat_completions", COMPLETION)["statusCode"] == 200
    assert _upstream_key(fake) == SECRET_KEY


def test_a_rotated_key_is_used_once_the_cache_expires(
    settings: Settings, secret_name: str, fake: FakeProvider, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("OPENAI_API_KEY")
    configure(settings.model_copy(update={"provider_keys_secret": secret_name, "secrets_cache_ttl": 0}))
    assert invoke("chat_completions", COMPLETION)["statusCode"] == 200
    rotated = "sk-rotated-0123456789"
    aws.secretsmanager(settings).put_secret_value(
        SecretId=secret_name, SecretString=json.dumps({"OPENAI_API_KEY": rotated})
    )
    assert invoke("chat_completions", COMPLETION)["statusCode"] == 200
    assert _upstream_key(fake) == rotated


def test_a_secret_without_the_providers_field_is_a_named_provider_auth_error(
    settings: Settings, fake: FakeProvider, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("OPENAI_API_KEY")
    name = f"hyperinfer/test/{uuid.uuid4().hex}"
    aws.secretsmanager(settings).create_secret(Name=name, SecretString=json.dumps({"ANTHROPIC_API_KEY": "x"}))
    configure(settings.model_copy(update={"provider_keys_secret": name}))
    fake.calls.clear()
    answer = invoke("chat_completions", COMPLETION)
    error = json.loads(str(answer["body"]))["error"]
    assert answer["statusCode"] == 502 and error["code"] == "provider_auth"
    assert "OPENAI_API_KEY" in error["message"] and "provider-keys secret" in error["message"]
    assert fake.calls == []  # nothing was sent upstream without a key


def test_an_unreadable_secret_is_an_internal_error_that_leaks_nothing(
    settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("OPENAI_API_KEY")
    configure(settings.model_copy(update={"provider_keys_secret": "hyperinfer/test/does-not-exist"}))
    answer = invoke("chat_completions", COMPLETION)
    error = json.loads(str(answer["body"]))["error"]
    assert answer["statusCode"] == 500 and error["code"] == "internal_error"
    assert error["message"] == "Could not read a secret the gateway needs."


def test_the_internal_token_comes_from_its_secret(settings: Settings, tmp_path: Path) -> None:
    name = f"hyperinfer/test/{uuid.uuid4().hex}"
    token = MINT["headers"]["X-Internal-Token"]
    aws.secretsmanager(settings).create_secret(Name=name, SecretString=token)
    configure(settings.model_copy(update={"internal_token": None, "internal_token_secret": name}))
    assert invoke("playground_keys", MINT)["statusCode"] == 201
    wrong = json.loads(json.dumps(MINT))
    wrong["headers"]["X-Internal-Token"] = wrong["multiValueHeaders"]["X-Internal-Token"][0] = "nope"
    assert invoke("playground_keys", wrong)["statusCode"] == 401


def test_without_token_or_secret_the_internal_endpoint_is_closed(settings: Settings) -> None:
    configure(settings.model_copy(update={"internal_token": None}))
    assert invoke("playground_keys", MINT)["statusCode"] == 401
