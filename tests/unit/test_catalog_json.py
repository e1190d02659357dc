"""The layer's catalog is providers.yaml rendered as JSON at build time: same catalog, no YAML parser."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

import pytest
from hyperinfer.catalog import load_catalog
from pydantic import ValidationError

from scripts.build_layer import write_catalog

SOURCE = Path(__file__).parents[2] / "providers.yaml"


def test_the_layers_json_loads_to_the_same_catalog(tmp_path: Path) -> None:
    written = write_catalog(SOURCE, tmp_path / "providers.json")
    from_yaml, from_json = load_catalog(SOURCE), load_catalog(written)
    assert from_json == from_yaml
    # Exact prices survive the trip: Decimals are written as strings, never as floats.
    model = from_json.models[0]
    assert isinstance(model.pricing.prompt, Decimal)
    raw = json.loads(written.read_text())
    assert isinstance(raw["models"][0]["pricing"]["prompt"], str)
    assert from_json.find(model.aliases[0] if model.aliases else model.slug) == model


def test_a_bad_catalog_fails_the_build_naming_the_field(tmp_path: Path) -> None:
    broken = tmp_path / "providers.yaml"
    broken.write_text(SOURCE.read_text().replace("context_length:", "context_length: -1 #", 1))
    with pytest.raises(ValidationError, match="context_length"):
        write_catalog(broken, tmp_path / "providers.json")
    assert not (tmp_path / "providers.json").exists()


def test_a_json_catalog_is_validated_like_the_yaml(tmp_path: Path) -> None:
    written = write_catalog(SOURCE, tmp_path / "providers.json")
    raw = json.loads(written.read_text())
    raw["models"][0]["provider"] = "nowhere"
    written.write_text(json.dumps(raw))
    with pytest.raises(ValidationError, match="provider 'nowhere' is not in providers"):
        load_catalog(written)
