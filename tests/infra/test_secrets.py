"""Secrets Manager: two secrets per environment, no plain value in the template, and each function
told of (and allowed to read) exactly the secrets its spec names."""

from __future__ import annotations

import pytest
from hyperinfer.function_table import FUNCTIONS, Secret
from hyperinfer_infra.secrets import ENV_VARS
from hyperinfer_infra.stack import function_construct_id

from tests.infra.support import Resources, of_type, one, policy_statements
from tests.support import ALL_SPECS, AnySpec

SECRET_IDS = {Secret.PROVIDER_KEYS: "SecretsProviderKeys", Secret.INTERNAL_TOKEN: "SecretsInternalToken"}


def secret_id(resources: Resources, secret: Secret) -> str:
    return one(resources, "AWS::SecretsManager::Secret", SECRET_IDS[secret])


def test_two_secrets_named_after_the_environment_with_no_value_in_the_template(resources: Resources) -> None:
    assert len(of_type(resources, "AWS::SecretsManager::Secret")) == 2
    keys = resources[secret_id(resources, Secret.PROVIDER_KEYS)]["Properties"]
    assert keys["Name"] == "hyperinfer/dev/provider-keys"
    # An empty JSON object, to be replaced after deploy: no key is ever in the template.
    assert keys["SecretString"] == "{}" and "GenerateSecretString" not in keys
    token = resources[secret_id(resources, Secret.INTERNAL_TOKEN)]["Properties"]
    assert token["Name"] == "hyperinfer/dev/internal-token"
    assert "SecretString" not in token
    assert token["GenerateSecretString"] == {"ExcludePunctuation": True, "PasswordLength": 48}


@pytest.mark.parametrize("spec", ALL_SPECS, ids=lambda spec: spec.name)
def test_each_function_knows_and_reads_only_its_own_secrets(resources: Resources, spec: AnySpec) -> None:
    name = spec.name
    needs = set(spec.touches.secrets)
    [lid] = [
        lid
        for lid in of_type(resources, "AWS::Lambda::Function")
        if lid.startswith(f"{function_construct_id(name)}Function")
    ]
    env = resources[lid]["Properties"]["Environment"]["Variables"]
    for secret, variable in ENV_VARS.items():
        if secret in needs:
            assert env[variable] == {"Ref": secret_id(resources, secret)}
        else:
            assert variable not in env
    readable = [
        statement["Resource"]
        for statement in policy_statements(resources, lid)
        if "secretsmanager:GetSecretValue" in statement["Action"]
    ]
    assert sorted(map(str, readable)) == sorted(str({"Ref": secret_id(resources, s)}) for s in needs)


def test_the_secret_needing_functions_are_the_ingress_and_playground_keys() -> None:
    # The table's own claim, checked once here so a new secret does not go unnoticed by infra.
    assert {s.name for s in FUNCTIONS if Secret.PROVIDER_KEYS in s.secrets} == {
        "chat_completions",
        "responses",
        "messages",
    }
    assert {s.name for s in FUNCTIONS if Secret.INTERNAL_TOKEN in s.secrets} == {"playground_keys"}
