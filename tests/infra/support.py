"""Helpers shared by the infra tests."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

REPO_ROOT = Path(__file__).resolve().parents[2]


def cdk_context() -> dict[str, Any]:
    """cdk.json's context (feature flags), so in-process synths match what the CLI produces."""
    context: dict[str, Any] = json.loads((REPO_ROOT / "cdk.json").read_text())["context"]
    return context


def make_fake_layer(root: Path) -> Path:
    """Just enough layout for the asset and the app's check; real builds use scripts/build_layer.py."""
    (root / "python" / "hyperinfer").mkdir(parents=True)
    (root / "python" / "hyperinfer" / "__init__.py").write_text("")
    (root / "providers.json").write_text('{"providers": {}, "models": []}')
    return root


Resources = dict[str, dict[str, Any]]


def of_type(resources: Resources, kind: str) -> Resources:
    return {lid: res for lid, res in resources.items() if res["Type"] == kind}


def one(resources: Resources, kind: str, prefix: str) -> str:
    [lid] = [lid for lid in of_type(resources, kind) if lid.startswith(prefix)]
    return lid


def policy_statements(resources: Resources, function_lid: str) -> list[dict[str, Any]]:
    """The statements of the inline policy attached to a function's role."""
    role = resources[function_lid]["Properties"]["Role"]["Fn::GetAtt"][0]
    statements: list[dict[str, Any]] = []
    for res in of_type(resources, "AWS::IAM::Policy").values():
        if {"Ref": role} in res["Properties"]["Roles"]:
            statements += res["Properties"]["PolicyDocument"]["Statement"]
    return statements


def actions(statements: list[dict[str, Any]]) -> set[str]:
    found: set[str] = set()
    for statement in statements:
        action = statement["Action"]
        found |= {action} if isinstance(action, str) else set(action)
    return found
