"""Model lifecycle as data: the shipped catalog's announced dates, the list leaving out a model
past its shutdown date, the gateway refusing it by name and date, and the load-time warning."""

from __future__ import annotations

import datetime as dt
import json
import logging
from pathlib import Path

import pytest
from hyperinfer.catalog import Catalog, load_catalog
from hyperinfer.endpoints.models import render_catalog
from hyperinfer.errors import ErrorCode, GatewayError
from hyperinfer.gateway.runtime import Runtime
from hyperinfer.lifecycle import (
    fixed,
    live_models,
    refuse_if_shut_down,
    routes_through_shut_down,
    shutting_down_soon,
    utc_today,
    warn_about_shutdowns,
)
from hyperinfer.settings import Settings

from tests.support import CATALOG_DATE, REPO

CATALOG_PATH = REPO / "providers.yaml"
DAY = dt.date


@pytest.fixture(scope="module")
def catalog() -> Catalog:
    return load_catalog(CATALOG_PATH)


def listed(catalog: Catalog, today: dt.date) -> set[str]:
    return {m["slug"] for m in json.loads(render_catalog(catalog, today))["data"]}


@pytest.mark.parametrize(
    ("slug", "shutdown"),
    [
        ("openai/gpt-5", DAY(2026, 12, 11)),
        ("openai/gpt-5-mini", DAY(2026, 12, 11)),
        ("openai/gpt-5-nano", DAY(2026, 12, 11)),
        ("openai/o3", DAY(2026, 12, 11)),
        ("openai/gpt-4o", DAY(2027, 1, 14)),
        ("openai/gpt-4o-mini", DAY(2027, 1, 14)),
        ("openai/gpt-4.1", DAY(2027, 1, 14)),
        ("openai/gpt-4.1-mini", DAY(2027, 1, 14)),
        ("anthropic/claude-sonnet-4.5", DAY(2026, 11, 30)),
        ("openai/o4-mini", DAY(2026, 10, 23)),
        ("anthropic/claude-sonnet-4", DAY(2026, 6, 15)),
        ("deepseek/deepseek-chat", DAY(2026, 7, 24)),
        ("deepseek/deepseek-reasoner", DAY(2026, 7, 24)),
    ],
)
def test_announced_shutdowns_are_data(catalog: Catalog, slug: str, shutdown: dt.date) -> None:
    model = catalog.find(slug)
    assert model is not None and model.shutdown_date == shutdown


def test_the_list_leaves_out_models_past_their_shutdown(catalog: Catalog) -> None:
    on_the_day = listed(catalog, CATALOG_DATE)  # 2026-12-03
    assert "anthropic/claude-sonnet-4.5" not in on_the_day  # retired 2026-11-30
    assert {"deepseek/deepseek-chat", "openai/o4-mini"}.isdisjoint(on_the_day)
    assert {"openai/gpt-5-mini", "anthropic/claude-sonnet-4.6", "deepseek/deepseek-v4-flash"} <= on_the_day
    before = listed(catalog, DAY(2026, 11, 29))
    assert "anthropic/claude-sonnet-4.5" in before
    shutdown_day = listed(catalog, DAY(2026, 12, 11))  # the shutdown date itself is already gone
    assert {"openai/gpt-5", "openai/gpt-5-mini", "openai/gpt-5-nano", "openai/o3"}.isdisjoint(shutdown_day)
    assert "openai/gpt-4o" in shutdown_day
    assert len(live_models(catalog, DAY(2027, 1, 14))) == len(live_models(catalog, DAY(2026, 12, 11))) - 4


@pytest.mark.parametrize(
    "name", ["anthropic/claude-sonnet-4.5", "claude-sonnet-4-5-20250929", "claude-sonnet-4-5"]
)
def test_old_names_still_resolve_and_are_refused_with_the_date(catalog: Catalog, name: str) -> None:
    model = catalog.find(name)
    assert model is not None and model.slug == "anthropic/claude-sonnet-4.5"
    with pytest.raises(GatewayError) as caught:
        refuse_if_shut_down(model, name, CATALOG_DATE)
    error = caught.value
    assert error.code is ErrorCode.INVALID_REQUEST and error.param == "model"
    assert name in error.message and "2026-11-30" in error.message
    refuse_if_shut_down(model, name, DAY(2026, 11, 29))  # the day before, it is served


def test_load_warns_about_models_within_thirty_days(
    catalog: Catalog, caplog: pytest.LogCaptureFixture
) -> None:
    soon = {m.slug for m in shutting_down_soon(catalog, CATALOG_DATE)}
    # 2026-12-11 is 8 days away; 2027-01-14 is 42; already past ones are not "soon".
    assert soon == {"openai/gpt-5", "openai/gpt-5-mini", "openai/gpt-5-nano", "openai/o3"}
    assert {m.slug for m in shutting_down_soon(catalog, DAY(2026, 12, 15))} == {
        "openai/gpt-4o",
        "openai/gpt-4o-mini",
        "openai/gpt-4.1",
        "openai/gpt-4.1-mini",
    }
    with caplog.at_level(logging.WARNING, logger="hyperinfer"):
        warn_about_shutdowns(catalog, CATALOG_DATE)
    lines = [r.getMessage() for r in caplog.records]
    assert any("openai/gpt-5-mini shuts down on 2026-12-11 (in 8 days)" in line for line in lines)
    for route, model in routes_through_shut_down(catalog, CATALOG_DATE):  # named too, if any
        assert any(f"route {route} names {model.slug}, shut down" in line for line in lines)
    assert not any("gpt-4o" in line for line in lines)


def test_a_route_through_a_retired_model_is_named() -> None:
    raw = load_catalog(CATALOG_PATH).model_dump()
    raw["routes"] = {"test/gone": {"models": ["deepseek/deepseek-chat", "deepseek/deepseek-v4-flash"]}}
    catalog = Catalog.model_validate(raw)
    [(route, model)] = routes_through_shut_down(catalog, CATALOG_DATE)
    assert (route, model.slug) == ("test/gone", "deepseek/deepseek-chat")
    assert routes_through_shut_down(catalog, DAY(2026, 7, 23)) == []


def test_the_runtime_clock_is_the_setting_when_given(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    fixed_rt = Runtime(Settings(providers_file=CATALOG_PATH, catalog_date=DAY(2026, 12, 1)))
    assert fixed_rt.today() == DAY(2026, 12, 1)
    with caplog.at_level(logging.WARNING, logger="hyperinfer"):
        assert fixed_rt.catalog.find("openai/gpt-5") is not None  # loading it logs the warnings
    assert any("in 10 days" in r.getMessage() for r in caplog.records)
    assert Runtime(Settings(providers_file=CATALOG_PATH)).today() == utc_today()
    assert fixed(None) is utc_today and fixed(DAY(2030, 1, 1))() == DAY(2030, 1, 1)
