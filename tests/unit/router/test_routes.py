"""Catalog routes: checked when the catalog loads, so a wrong route never reaches a request."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml
from hyperinfer.catalog import Catalog, load_catalog, write_catalog_json
from pydantic import ValidationError

CATALOG_PATH = Path(__file__).parents[3] / "providers.yaml"


@pytest.fixture(scope="module")
def raw() -> dict[str, Any]:
    loaded: dict[str, Any] = yaml.safe_load(CATALOG_PATH.read_text())
    return loaded


def with_routes(raw: dict[str, Any], routes: dict[str, Any]) -> dict[str, Any]:
    return {**raw, "routes": routes}


def test_the_shipped_catalog_has_a_working_example_route() -> None:
    catalog = load_catalog(CATALOG_PATH)
    assert catalog.routes, "providers.yaml ships one example route"
    for route in catalog.routes.values():
        assert all(catalog.find(name) for name in route.model_names())


def test_routes_survive_the_json_form(tmp_path: Path) -> None:
    catalog = load_catalog(CATALOG_PATH)
    assert load_catalog(write_catalog_json(catalog, tmp_path / "c.json")).routes == catalog.routes


@pytest.mark.parametrize(
    ("routes", "complaint"),
    [
        ({"x/r": {"models": ["openai/gpt-4o", "nobody/none"]}}, "unknown model 'nobody/none'"),
        ({"x/r": {"models": []}}, "at least 1 item"),
        ({"x/r": {"load_balancer": {"type": "weight_based", "models": []}}}, "at least 1 item"),
        ({"x/r": {"models": ["openai/gpt-4o"]}, "x/s": {"models": ["x/r"]}}, "'x/r' is a route"),
        ({"x/r": {}}, "exactly one of"),
        (
            {
                "x/r": {
                    "models": ["openai/gpt-4o"],
                    "load_balancer": {"type": "weight_based", "models": [{"model": "openai/gpt-4o"}]},
                }
            },
            "exactly one of",
        ),
        ({"openai/gpt-4o": {"models": ["openai/gpt-4o-mini"]}}, "already model"),
        ({"Bad Slug": {"models": ["openai/gpt-4o"]}}, "route slug"),
        ({"x/r": {"models": ["openai/gpt-4o"], "retry": {"count": 9}}}, "count"),
        ({"x/r": {"models": ["openai/gpt-4o"], "cach": {"type": "exact_match"}}}, "cach"),
    ],
)
def test_a_bad_route_fails_the_load_naming_it(
    raw: dict[str, Any], routes: dict[str, Any], complaint: str
) -> None:
    with pytest.raises(ValidationError, match=complaint.replace("(", r"\(")):
        Catalog.model_validate(with_routes(raw, routes))


def test_a_route_may_name_models_by_alias(raw: dict[str, Any]) -> None:
    catalog = Catalog.model_validate(with_routes(raw, {"x/r": {"models": ["gpt-4o", "claude-haiku-4-5"]}}))
    assert catalog.route("x/r") is not None and catalog.find("x/r") is None


def test_routes_are_listed_with_their_first_models_figures() -> None:
    import json

    from hyperinfer.endpoints.models import public_model, render_catalog

    from tests.support import CATALOG_DATE

    catalog = load_catalog(CATALOG_PATH)
    listed = {entry["slug"]: entry for entry in json.loads(render_catalog(catalog, CATALOG_DATE))["data"]}
    for slug, route in catalog.routes.items():
        first = catalog.find(route.model_names()[0])
        assert first is not None
        entry = listed[slug]
        figures = public_model(first)
        for field in ("pricing", "context_length", "max_output_tokens", "features", "provider"):
            assert entry[field] == figures[field]
        assert "route" in entry["description"] and first.slug in entry["description"]
