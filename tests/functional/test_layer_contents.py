"""The built Lambda layer holds only what Lambda runs: no moto, no fake provider, no CLI, no
emulator, and nothing left in it imports what was left out.

The layer is built once per session (the x86_64 twin: same pins and file set as arm64, but its
binaries load on this machine, so the entry modules can be imported from it for real).
"""

from __future__ import annotations

import ast
import subprocess
from pathlib import Path

import pytest

from scripts.build_layer import (
    DEVELOPER_ONLY_DISTRIBUTIONS,
    DEVELOPER_ONLY_MODULES,
    REPO_ROOT,
    build,
    find_python312,
)

FUNCTIONS_DIR = REPO_ROOT / "functions"
# Top-level names that must never ship: the AWS emulator, the SDKs the tests drive, test tooling.
FORBIDDEN_TOP_LEVEL = ("moto", "openai", "anthropic", "pytest", "hypothesis", "mypy", "ruff", "boto3", "yaml")


@pytest.fixture(scope="module")
def layer(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("layer") / "layer"
    build(out, "x86_64")
    return out


def site_files(layer: Path) -> list[str]:
    site = layer / "python"
    return sorted(str(path.relative_to(site)) for path in site.rglob("*") if path.is_file())


def test_no_emulator_fake_or_cli_module_ships(layer: Path) -> None:
    files = site_files(layer)
    assert "hyperinfer/web.py" in files  # the listing is of a real layer
    shipped_sources = {name for name in files if name.startswith("hyperinfer/") and name.endswith(".py")}
    for relative in DEVELOPER_ONLY_MODULES:
        prefix = f"hyperinfer/{relative}"
        assert not [name for name in files if name == prefix or name.startswith(prefix + "/")], relative
    assert not [name for name in shipped_sources if "/fakes/" in name or name.endswith("/cli.py")]
    assert not [name for name in shipped_sources if "/local/" in name or name.startswith("hyperinfer/local")]


def test_no_developer_distribution_ships(layer: Path) -> None:
    site = layer / "python"
    top = {path.name.split("-")[0].lower() for path in site.iterdir()}
    for name in FORBIDDEN_TOP_LEVEL:
        assert name not in top, name
    for distribution in DEVELOPER_ONLY_DISTRIBUTIONS:
        normalized = distribution.lower().replace("-", "_")
        assert not list(site.glob(f"{normalized}-*.dist-info")), distribution
        assert not list(site.glob(f"{distribution}-*.dist-info")), distribution


def hyperinfer_imports(source: Path) -> set[str]:
    """Every ``hyperinfer.*`` module a file imports, at the top or deferred inside a function."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(source.read_text())):
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names if alias.name.startswith("hyperinfer")}
        elif isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("hyperinfer"):
            found.add(node.module)
            found |= {f"{node.module}.{alias.name}" for alias in node.names}
    return found


def resolves(module: str, site: Path) -> bool:
    """A module, or a name imported from one (``from hyperinfer.x import y``), exists in the layer."""
    path = site / module.replace(".", "/")
    if path.with_suffix(".py").is_file() or (path / "__init__.py").is_file():
        return True
    parent = site / module.rsplit(".", 1)[0].replace(".", "/")
    return parent.with_suffix(".py").is_file() or (parent / "__init__.py").is_file()


def test_nothing_shipped_imports_what_was_left_out(layer: Path) -> None:
    site = layer / "python"
    sources = [*site.joinpath("hyperinfer").rglob("*.py"), *FUNCTIONS_DIR.rglob("*.py")]
    missing = {
        f"{source.name}: {module}"
        for source in sources
        for module in hyperinfer_imports(source)
        if not resolves(module, site)
    }
    assert not missing


def test_every_entry_module_imports_from_the_layer_alone(layer: Path) -> None:
    python312 = find_python312()
    assert python312, "the layer's wheels are for python3.12, which the build needs too"
    entries = sorted(FUNCTIONS_DIR.glob("*/app.py"))
    assert len(entries) >= 18
    # -S -I: no site-packages of this machine, only the layer on the path (as /opt/python on Lambda).
    script = (
        "import runpy, sys\n"
        "for path in sys.argv[1:]:\n"
        "    sys.path.insert(0, path.rsplit('/', 1)[0])\n"
        "    runpy.run_path(path)\n"
        "    sys.path.pop(0)\n"
        "assert 'hyperinfer.local' not in sys.modules\n"
    )
    answer = subprocess.run(
        [python312, "-S", "-I", "-c", f"import sys; sys.path.insert(0, {str(site_dir(layer))!r})\n{script}"]
        + [str(entry) for entry in entries],
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
        env={"HYPERINFER_PROVIDERS_FILE": str(layer / "providers.json"), "AWS_DEFAULT_REGION": "us-east-1"},
    )
    assert answer.returncode == 0, answer.stderr[-3000:]


def site_dir(layer: Path) -> Path:
    return layer / "python"
