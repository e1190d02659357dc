"""SnapStart is an environment switch: on in prod (every function publishes a version with
SnapStart on published versions, a "live" alias points at it, and the API, the queues and the
schedule invoke the alias), off in dev (no version, no alias, $LATEST invoked as before)."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest
from hyperinfer.function_table import CONSUMERS, FUNCTIONS, InvokeMode
from hyperinfer.snapstart import AFTER_RESTORE_PATH, BEFORE_CHECKPOINT_PATH
from hyperinfer_infra.config import env_config

from tests.infra.conftest import Synth
from tests.infra.support import Resources, of_type
from tests.support import ALL_SPECS

HOOK_VARIABLES = {
    "AWS_LWA_SNAPSTART_BEFORE_CHECKPOINT_PATH": BEFORE_CHECKPOINT_PATH,
    "AWS_LWA_SNAPSTART_AFTER_RESTORE_PATH": AFTER_RESTORE_PATH,
}


def function_lid(resources: Resources, name: str) -> str:
    prefix = "".join(part.capitalize() for part in name.split("_")) + "Function"
    [lid] = [lid for lid in of_type(resources, "AWS::Lambda::Function") if lid.startswith(prefix)]
    return lid


def alias_of(resources: Resources, function: str) -> str:
    [alias] = [
        lid
        for lid, res in of_type(resources, "AWS::Lambda::Alias").items()
        if res["Properties"]["FunctionName"] == {"Ref": function}
    ]
    return alias


def integration_uris(resources: Resources) -> list[str]:
    methods = of_type(resources, "AWS::ApiGateway::Method").values()
    return [
        json.dumps(m["Properties"]["Integration"]["Uri"]) for m in methods if "Integration" in m["Properties"]
    ]


def test_the_switch_is_on_in_prod_only() -> None:
    assert [env_config(name).snapstart for name in ("dev", "staging", "prod")] == [False, False, True]


def test_prod_snapshots_published_versions_behind_a_live_alias(synth: Callable[[str], Synth]) -> None:
    resources = synth("prod").json["Resources"]
    versions = of_type(resources, "AWS::Lambda::Version")
    assert len(versions) == len(ALL_SPECS) == len(of_type(resources, "AWS::Lambda::Alias"))
    for spec in ALL_SPECS:
        function = function_lid(resources, spec.name)
        assert resources[function]["Properties"]["SnapStart"] == {"ApplyOn": "PublishedVersions"}
        alias = resources[alias_of(resources, function)]["Properties"]
        assert alias["Name"] == "live"
        [version] = [
            lid for lid, v in versions.items() if v["Properties"]["FunctionName"] == {"Ref": function}
        ]
        assert alias["FunctionVersion"] == {"Fn::GetAtt": [version, "Version"]}


def test_prod_invokes_the_alias_everywhere(synth: Callable[[str], Synth]) -> None:
    resources = synth("prod").json["Resources"]
    uris = integration_uris(resources)
    assert len(uris) == len(FUNCTIONS)
    for spec in FUNCTIONS:
        function = function_lid(resources, spec.name)
        alias = alias_of(resources, function)
        assert sum(f'"Ref": "{alias}"' in uri for uri in uris) == 1, spec.name
        assert not [uri for uri in uris if f'"{function}"' in uri], spec.name
    aliases = set(of_type(resources, "AWS::Lambda::Alias"))
    mappings = of_type(resources, "AWS::Lambda::EventSourceMapping").values()
    assert len(mappings) == len(CONSUMERS)
    for mapping in mappings:  # "<function name>:live", the name cut from the alias's ARN
        named = json.dumps(mapping["Properties"]["FunctionName"])
        assert named.endswith(':live"]]}') and [alias for alias in aliases if f'"{alias}"' in named]
    [rule] = of_type(resources, "AWS::Events::Rule").values()
    assert rule["Properties"]["Targets"][0]["Arn"]["Ref"] in aliases


@pytest.mark.parametrize("env", ["dev", "staging"])
def test_without_snapstart_latest_is_invoked(synth: Callable[[str], Synth], env: str) -> None:
    resources = synth(env).json["Resources"]
    assert not of_type(resources, "AWS::Lambda::Version") and not of_type(resources, "AWS::Lambda::Alias")
    for spec in ALL_SPECS:
        assert "SnapStart" not in resources[function_lid(resources, spec.name)]["Properties"]
    uris = integration_uris(resources)
    for spec in FUNCTIONS:
        assert sum(f'"{function_lid(resources, spec.name)}"' in uri for uri in uris) == 1


@pytest.mark.parametrize("env", ["dev", "prod"])
def test_streaming_functions_get_the_web_adapters_snapshot_hooks_where_snapstart_is_on(
    synth: Callable[[str], Synth], env: str
) -> None:
    built = synth(env)
    resources: dict[str, Any] = built.json["Resources"]
    for spec in FUNCTIONS:
        props = resources[function_lid(resources, spec.name)]["Properties"]
        variables = props["Environment"]["Variables"]
        hooked = {k: v for k, v in variables.items() if k.startswith("AWS_LWA_SNAPSTART_")}
        expected = HOOK_VARIABLES if built.config.snapstart and spec.mode is InvokeMode.STREAMING else {}
        assert hooked == expected, spec.name
        if spec.mode is InvokeMode.STREAMING:  # v1.1.0, the first adapter with snapshot support
            assert ":layer:LambdaAdapterLayerArm64:30" in json.dumps(props["Layers"])
