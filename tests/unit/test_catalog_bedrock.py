"""A bedrock provider in the catalog: a region instead of a key variable, its endpoint from the region."""

from __future__ import annotations

from pathlib import Path

import pytest
from hyperinfer.catalog import Provider, ProviderKind, load_catalog
from pydantic import ValidationError

CATALOG_PATH = Path(__file__).parents[2] / "providers.yaml"


def test_the_endpoint_defaults_to_the_regions_bedrock_runtime() -> None:
    provider = Provider.model_validate({"kind": "bedrock", "region": "eu-central-1"})
    assert provider.base == "https://bedrock-runtime.eu-central-1.amazonaws.com"
    assert provider.api_key_env == ""


def test_an_explicit_endpoint_wins() -> None:
    raw = {
        "kind": "bedrock",
        "region": "us-west-2",
        "base_url": "https://vpce-1.bedrock-runtime.us-west-2.vpce.amazonaws.com",
    }
    assert Provider.model_validate(raw).base.startswith("https://vpce-1.")


@pytest.mark.parametrize(
    ("raw", "why"),
    [
        (
            {"kind": "bedrock", "base_url": "https://bedrock-runtime.us-east-1.amazonaws.com"},
            "needs a region",
        ),
        ({"kind": "bedrock", "region": "US East"}, "region"),
        ({"kind": "anthropic", "base_url": "https://api.anthropic.com/v1"}, "needs api_key_env"),
    ],
)
def test_what_each_kind_needs_is_checked_at_load(raw: dict[str, str], why: str) -> None:
    with pytest.raises(ValidationError, match=why):
        Provider.model_validate(raw)


def test_the_shipped_catalog_has_claude_through_a_profile_nova_and_an_open_weight_model() -> None:
    catalog = load_catalog(CATALOG_PATH)
    bedrock = [m for m in catalog.models if catalog.provider_of(m).kind is ProviderKind.BEDROCK]
    ids = {m.upstream_model for m in bedrock}
    assert any(i.split(".")[0] in ("us", "eu", "global", "apac") and ".anthropic.claude" in i for i in ids)
    assert any(".nova" in i for i in ids)
    assert any(m.hugging_face_id for m in bedrock)
    assert all(catalog.provider_of(m).region for m in bedrock)
