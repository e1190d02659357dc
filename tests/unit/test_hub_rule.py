"""The hub rule (docs/architecture.md): `ir/` imports nothing of ours; `formats/` and `providers/`
import `ir/` and nothing of each other (nor the gateway, nor anything that does I/O); only
`gateway/` knows both sides."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from tests.support import REPO

PACKAGE = REPO / "layers" / "hyperinfer" / "hyperinfer"
# What each pure package may import of ours (itself always).
ALLOWED = {
    "ir": {"ir"},
    "formats": {"formats", "ir", "errors"},
    "providers": {"providers", "ir", "errors", "catalog"},  # catalog: the compat options' types
}


def _ours(path: Path) -> set[str]:
    """The top-level hyperinfer subpackages or modules a file imports, at any depth of the file."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text())):
        names = [node.module or ""] if isinstance(node, ast.ImportFrom) else []
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        for name in names:
            parts = name.split(".")
            if parts[0] == "hyperinfer" and len(parts) > 1:
                found.add(parts[1])
    return found


@pytest.mark.parametrize("package", sorted(ALLOWED))
def test_a_pure_package_imports_only_what_the_hub_rule_allows(package: str) -> None:
    breaches = {}
    for path in sorted((PACKAGE / package).rglob("*.py")):
        name = str(path.relative_to(PACKAGE))
        extra = _ours(path) - ALLOWED[package]
        if extra:
            breaches[name] = sorted(extra)
    assert breaches == {}
