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
    (root / "providers.yaml").write_text("providers: {}\n")
    return root
