"""The shipped catalog, providers.yaml: it loads, and what it says about prices and names holds together."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

import pytest
import yaml
from hyperinfer.catalog import Catalog, Model, ProviderKind, load_catalog

CATALOG_PATH = Path(__file__).parents[2] / "providers.yaml"
PRICE_FIELDS = ("prompt", "completion", "cached_prompt", "cache_write", "cache_write_1h")
DATED_SNAPSHOT = re.compile(r"^(?P<base>.+)-(?P<date>\d{8})$")


@pytest.fixture(scope="module")
def catalog() -> Catalog:
    return load_catalog(CATALOG_PATH)


@pytest.fixture(scope="module")
def raw() -> dict[str, Any]:
    with CATALOG_PATH.open("rb") as fh:
        loaded: dict[str, Any] = yaml.safe_load(fh)
    return loaded


def _kind(catalog: Catalog, model: Model) -> ProviderKind:
    return catalog.provider_of(model).kind


def _anthropic_models(catalog: Catalog) -> list[Model]:
    return [m for m in catalog.models if _kind(catalog, m) is ProviderKind.ANTHROPIC]


def _openai_models(catalog: Catalog) -> list[Model]:
    kinds = {ProviderKind.OPENAI_CHAT, ProviderKind.OPENAI_RESPONSES}
    return [m for m in catalog.models if _kind(catalog, m) in kinds]


def test_every_model_names_a_declared_provider(catalog: Catalog) -> None:
    missing = [(m.slug, m.provider) for m in catalog.models if m.provider not in catalog.providers]
    assert not missing


def test_provider_kinds_and_urls(catalog: Catalog) -> None:
    expected = {
        "openai": ProviderKind.OPENAI_CHAT,
        "openai-responses": ProviderKind.OPENAI_RESPONSES,
        "anthropic": ProviderKind.ANTHROPIC,
    }
    for name, kind in expected.items():
        assert catalog.providers[name].kind is kind, name
    for name, provider in catalog.providers.items():
        # Plain HTTP only to this machine (the self-hosted example), never across a network.
        local = provider.base_url.host in {"127.0.0.1", "localhost"}
        assert provider.base_url.scheme == "https" or local, name
        assert not provider.base.endswith("/"), name
        # Only a server on this machine goes without a key (Bedrock signs with AWS credentials).
        assert provider.api_key_env or local or provider.kind is ProviderKind.BEDROCK, name


def test_openai_and_anthropic_models_are_both_present(catalog: Catalog) -> None:
    assert len(_openai_models(catalog)) >= 5
    assert len(_anthropic_models(catalog)) >= 3
    assert any(_kind(catalog, m) is ProviderKind.OPENAI_RESPONSES for m in catalog.models)


def test_prices_are_quoted_strings_in_the_file(raw: dict[str, Any]) -> None:
    # A bare 0.075 in YAML becomes a float before pydantic sees it; quoting keeps the decimal exact.
    for entry in raw["models"]:
        for field in PRICE_FIELDS:
            value = entry["pricing"].get(field)
            assert value is None or isinstance(value, str), (entry["slug"], field, value)


def test_loaded_prices_equal_the_written_decimals(catalog: Catalog, raw: dict[str, Any]) -> None:
    by_slug = {m.slug: m for m in catalog.models}
    for entry in raw["models"]:
        model = by_slug[entry["slug"]]
        for field in PRICE_FIELDS:
            written = entry["pricing"].get(field)
            loaded = getattr(model.pricing, field)
            if written is None:
                assert loaded is None, (model.slug, field)
            else:
                assert loaded == Decimal(written), (model.slug, field)


def test_every_anthropic_model_prices_all_cache_operations(catalog: Catalog) -> None:
    for m in _anthropic_models(catalog):
        p = m.pricing
        assert p.cached_prompt is not None, m.slug
        assert p.cache_write is not None, m.slug
        assert p.cache_write_1h is not None, m.slug
        # Reading the cache is cheaper than fresh input; writing costs more, and a 1h write more still.
        assert p.cached_prompt < p.prompt < p.cache_write < p.cache_write_1h, m.slug


def test_openai_models_bill_no_cache_writes(catalog: Catalog) -> None:
    for m in _openai_models(catalog):
        assert m.pricing.cache_write is None, m.slug
        assert m.pricing.cache_write_1h is None, m.slug
        assert m.pricing.cached_prompt is not None, m.slug


def test_cache_reads_are_cheaper_than_prompt(catalog: Catalog) -> None:
    for m in catalog.models:
        if m.pricing.cached_prompt is not None:
            assert m.pricing.cached_prompt < m.pricing.prompt, m.slug


def test_output_costs_more_than_input(catalog: Catalog) -> None:
    for m in catalog.models:
        if catalog.provider_of(m).base_url.host in {"127.0.0.1", "localhost"}:
            # Self-hosted: the hardware is the user's, so nothing is billed per token.
            assert m.pricing.prompt == m.pricing.completion == 0, m.slug
            continue
        assert m.pricing.completion > m.pricing.prompt > 0, m.slug


def test_every_alias_and_slug_resolves_to_its_own_model(catalog: Catalog) -> None:
    for m in catalog.models:
        assert catalog.find(m.slug) is m, m.slug
        for alias in m.aliases:
            found = catalog.find(alias)
            assert found is not None, alias
            assert found.slug == m.slug, (alias, found.slug, m.slug)


def test_slugs_are_unique_and_match_their_creator(catalog: Catalog) -> None:
    slugs = [m.slug for m in catalog.models]
    assert len(slugs) == len(set(slugs))
    for m in catalog.models:
        assert m.slug == m.slug.lower(), m.slug
        assert m.slug.split("/", 1)[0] == m.creator.slug, m.slug


def test_upstream_id_is_a_name_clients_can_send(catalog: Catalog) -> None:
    for m in catalog.models:
        assert m.upstream_model in m.aliases, m.slug


def test_anthropic_aliases_cover_the_forms_clients_send(catalog: Catalog) -> None:
    for m in _anthropic_models(catalog):
        names = set(m.aliases)
        undated = m.upstream_model
        dated = DATED_SNAPSHOT.match(m.upstream_model)
        if dated:
            undated = dated.group("base")
            assert m.upstream_model in names, m.slug
        assert undated in names, (m.slug, undated)
        assert f"anthropic/{undated}" in names, m.slug
        # The dotted version: claude-sonnet-4-5 -> anthropic/claude-sonnet-4.5.
        dotted = re.sub(r"-(\d+)-(\d+)$", r"-\1.\2", undated)
        assert catalog.find(f"anthropic/{dotted}") is m, (m.slug, dotted)


def test_requested_models_are_resolvable(catalog: Catalog) -> None:
    for name in (
        "gpt-5",
        "gpt-5-mini",
        "gpt-5-nano",
        "gpt-4.1",
        "gpt-4.1-mini",
        "gpt-4o",
        "gpt-4o-mini",
        "o3",
        "claude-sonnet-4-5",
        "claude-sonnet-4-5-20250929",
        "anthropic/claude-sonnet-4.5",
        "claude-haiku-4-5",
        "claude-opus-4-5",
    ):
        assert catalog.find(name) is not None, name


def test_pricing_source_is_an_https_url(catalog: Catalog) -> None:
    for m in catalog.models:
        url = urlparse(m.pricing_source)
        assert url.scheme == "https", m.slug
        assert url.netloc and "." in url.netloc, m.slug


def test_output_limit_fits_in_the_context_window(catalog: Catalog) -> None:
    for m in catalog.models:
        assert 0 < m.max_output_tokens <= m.context_length, m.slug


def test_dates_are_real_and_release_precedes_pricing(catalog: Catalog) -> None:
    for m in catalog.models:
        as_of = dt.date.fromisoformat(m.pricing_as_of)
        if m.release_date:
            assert dt.date.fromisoformat(m.release_date) <= as_of, m.slug


def test_features_are_not_repeated(catalog: Catalog) -> None:
    for m in catalog.models:
        assert len(m.features) == len(set(m.features)), m.slug


# Figures read on the vendor's own page (see the comments in providers.yaml); a typo here is a billing bug.
CONFIRMED_PRICES = {
    "gpt-5-nano": ("0.05", "0.40", "0.005", None, None),
    "gpt-5-mini": ("0.25", "2.00", "0.025", None, None),
    "claude-opus-4-5": ("5", "25", "0.50", "6.25", "10"),
    "claude-opus-4-6": ("5", "25", "0.50", "6.25", "10"),
}


@pytest.mark.parametrize(("name", "prices"), sorted(CONFIRMED_PRICES.items()))
def test_confirmed_prices(catalog: Catalog, name: str, prices: tuple[str | None, ...]) -> None:
    model = catalog.find(name)
    assert model is not None
    for field, want in zip(PRICE_FIELDS, prices, strict=True):
        got = getattr(model.pricing, field)
        assert got == (None if want is None else Decimal(want)), (name, field)


def test_two_entries_under_one_slug_fail_the_load(catalog: Catalog) -> None:
    from pydantic import ValidationError

    raw = catalog.model_dump()
    raw["models"] = [*raw["models"], {**raw["models"][0], "aliases": ()}]
    with pytest.raises(ValidationError, match="names more than one entry"):
        Catalog.model_validate(raw)
