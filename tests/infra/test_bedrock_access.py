"""bedrock:InvokeModel* on exactly the catalog's Bedrock models, to exactly the functions that call
providers; nothing else in the stack may invoke a model."""

from __future__ import annotations

import json
from typing import Any

from hyperinfer.catalog import ProviderKind, load_catalog
from hyperinfer.function_table import CONSUMERS, FUNCTIONS, Secret
from hyperinfer_infra.bedrock_access import ACTIONS, bedrock_resources
from hyperinfer_infra.stack import CATALOG_FILE, function_construct_id

from tests.infra.support import Resources, of_type, policy_statements

# The functions holding provider keys: the generation functions and the batch consumer.
CALLERS = {
    name
    for name, touches in [(s.name, s.touches) for s in FUNCTIONS] + [(c.name, c.touches) for c in CONSUMERS]
    if Secret.PROVIDER_KEYS in touches.secrets
}


def bedrock_statements(resources: Resources, lid: str) -> list[dict[str, Any]]:
    found = []
    for statement in policy_statements(resources, lid):
        action = statement["Action"]
        actions = {action} if isinstance(action, str) else set(action)
        if any(a.startswith("bedrock:") for a in actions):
            found.append(statement)
    return found


def rendered(resource: Any) -> str:
    """An ARN as the template writes it, with the pseudo parameters named: a Fn::Join flattened."""
    if isinstance(resource, str):
        return resource
    parts = resource["Fn::Join"][1]
    return "".join(p if isinstance(p, str) else "<" + p["Ref"] + ">" for p in parts)


def test_the_callers_are_the_three_generation_functions_and_the_batch_consumer() -> None:
    assert {"chat_completions", "responses", "messages", "batch_run"} == CALLERS


def test_only_the_callers_may_invoke_and_only_the_catalogs_models(resources: Resources) -> None:
    catalog = load_catalog(CATALOG_FILE)
    expected: set[str] = set()
    for model in catalog.models:
        provider = catalog.provider_of(model)
        if provider.kind is not ProviderKind.BEDROCK:
            continue
        model_id, region = model.upstream_model, provider.region
        geography, _, base = model_id.partition(".")
        if geography in ("us", "eu", "apac", "global"):
            expected.add(
                f"arn:<AWS::Partition>:bedrock:{region}:<AWS::AccountId>:inference-profile/{model_id}"
            )
            expected.add(f"arn:<AWS::Partition>:bedrock:*::foundation-model/{base}")
            if geography == "global":
                expected.add(f"arn:<AWS::Partition>:bedrock:::foundation-model/{base}")
        else:
            expected.add(f"arn:<AWS::Partition>:bedrock:{region}::foundation-model/{model_id}")
    assert expected, "the shipped catalog has Bedrock models"

    granted: dict[str, list[dict[str, Any]]] = {}
    for lid in of_type(resources, "AWS::Lambda::Function"):
        statements = bedrock_statements(resources, lid)
        if statements:
            granted[lid] = statements
    callers = {lid for lid in granted}
    assert {lid.split("Function")[0] for lid in callers} == {function_construct_id(n) for n in CALLERS}
    for lid, statements in granted.items():
        [statement] = statements
        assert statement["Effect"] == "Allow"
        assert sorted(statement["Action"]) == sorted(ACTIONS), lid
        assert {rendered(r) for r in statement["Resource"]} == expected, lid
        assert "*" not in statement["Resource"]


def test_no_other_policy_in_the_stack_names_bedrock(resources: Resources) -> None:
    text = json.dumps({lid: r for lid, r in of_type(resources, "AWS::IAM::Policy").items()})
    assert text.count("bedrock:InvokeModelWithResponseStream") == len(CALLERS)
    assert '"bedrock:*"' not in text  # no action wildcard


def test_a_catalog_without_bedrock_grants_nothing(tmp_path: Any) -> None:
    catalog = load_catalog(CATALOG_FILE)
    others = catalog.model_copy(
        update={
            "models": tuple(
                m for m in catalog.models if catalog.provider_of(m).kind is not ProviderKind.BEDROCK
            )
        }
    )
    assert bedrock_resources(others) == []
