"""The function table, the functions/ folders and the apps built from them agree."""

from __future__ import annotations

import importlib.util
import os
import re
from types import ModuleType

import pytest
from hyperinfer.function_table import (
    FUNCTIONS,
    FunctionSpec,
    InvokeMode,
    get_function,
)
from hyperinfer.snapstart import AFTER_RESTORE_PATH, BEFORE_CHECKPOINT_PATH
from hyperinfer.web import all_routes_app
from starlette.routing import Route

from tests.support import ALL_SPECS, REPO

ALL_NAMES = sorted(s.name for s in ALL_SPECS)
FOLDERS = sorted(p.name for p in (REPO / "functions").iterdir() if p.is_dir() and not p.name.startswith("_"))


def load_entry(name: str) -> ModuleType:
    path = REPO / "functions" / name / "app.py"
    spec = importlib.util.spec_from_file_location(f"function_{name}", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_one_folder_per_function_and_no_other() -> None:
    assert ALL_NAMES == FOLDERS


def test_routes_are_unique() -> None:
    routes = [(spec.method, spec.route) for spec in FUNCTIONS]
    assert len(routes) == len(set(routes))


@pytest.mark.parametrize("spec", FUNCTIONS, ids=lambda s: s.name)
def test_entry_point_serves_exactly_its_route(spec: FunctionSpec) -> None:
    name = spec.name
    module = load_entry(name)
    routes = [r for r in module.app.routes if isinstance(r, Route)]
    # A streaming function also serves the Web Adapter's two SnapStart hooks (hyperinfer.snapstart).
    hooks = {AFTER_RESTORE_PATH, BEFORE_CHECKPOINT_PATH} if spec.mode is InvokeMode.STREAMING else set()
    assert {r.path for r in routes} - {get_function(name).route} == hooks
    [route] = [r for r in routes if r.path not in hooks]
    assert route.path == get_function(name).route
    assert get_function(name).method in (route.methods or set())
    folder = REPO / "functions" / name
    if get_function(name).mode is InvokeMode.STREAMING:
        run = folder / "run.sh"
        assert run.exists() and os.access(run, os.X_OK)
        assert "uvicorn" in run.read_text() and "app:app" in run.read_text()
        assert not hasattr(module, "handler")
    else:
        assert callable(module.handler)
        assert not (folder / "run.sh").exists()


def test_dev_app_serves_every_route() -> None:
    paths = {r.path for r in all_routes_app().routes if isinstance(r, Route)}
    assert paths == {spec.route for spec in FUNCTIONS}


def test_names_are_unique_across_the_three_tables() -> None:
    assert len(ALL_NAMES) == len(set(ALL_NAMES))


def test_unknown_function_is_a_clear_error() -> None:
    with pytest.raises(KeyError, match="known: "):
        get_function("nope")


def test_events_folder_has_samples_for_every_function() -> None:
    names = ALL_NAMES
    assert sorted(p.name for p in (REPO / "events").iterdir() if p.is_dir()) == names
    assert all(any((REPO / "events" / name).glob("*.json")) for name in names)


def test_the_readme_lists_every_function_with_its_route() -> None:
    readme = (REPO / "README.md").read_text()
    rows = dict(re.findall(r"^\| `(\w+)` \| (.+?) \|", readme, re.M))
    assert sorted(name for name in rows if name in set(ALL_NAMES)) == ALL_NAMES
    for spec in FUNCTIONS:
        assert f"{spec.method} {spec.route}" in rows[spec.name]
