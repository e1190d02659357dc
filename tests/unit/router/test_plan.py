"""The order a request's models are tried in: primary or weighted pick, explicit fallbacks, the
balancer's others; a route's settings under the request's own."""

from __future__ import annotations

import datetime as dt
import random
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
from hyperinfer.catalog import Catalog, load_catalog
from hyperinfer.errors import ErrorCode, GatewayError
from hyperinfer.router.balance import pick
from hyperinfer.router.fields import RouterFields, extract
from hyperinfer.router.plan import plan
from hyperinfer.router.spec import RouteSpec, WeightedModel

CATALOG_PATH = Path(__file__).parents[3] / "providers.yaml"
ROUTE = "hyperinfer/sonnet-with-fallback"


@pytest.fixture(scope="module")
def catalog() -> Catalog:
    shipped = load_catalog(CATALOG_PATH)
    balanced = RouteSpec.model_validate(
        {
            "load_balancer": {
                "type": "weight_based",
                "models": [
                    {"model": "openai/gpt-4o", "weight": 0.9},
                    {"model": "openai/gpt-4o-mini", "weight": 0.1},
                ],
            },
            "cache": {"type": "exact_match", "ttl": 60},
        }
    )
    return shipped.model_copy(update={"routes": {**shipped.routes, "test/balanced": balanced}})


def fields(**body: Any) -> RouterFields:
    parsed, _ = extract({"model": "x", **body})
    return parsed


def slugs(catalog: Catalog, requested: str, seed: int = 0, **body: Any) -> list[str]:
    return [m.slug for m in plan(requested, fields(**body), catalog, random.Random(seed)).models]


def test_a_plain_model_is_its_own_plan(catalog: Catalog) -> None:
    assert slugs(catalog, "gpt-4o") == ["openai/gpt-4o"]


def test_fallbacks_follow_the_primary_in_order(catalog: Catalog) -> None:
    order = slugs(
        catalog, "openai/gpt-4o", fallbacks=[{"model": "claude-haiku-4-5"}, {"model": "openai/gpt-5"}]
    )
    assert order == ["openai/gpt-4o", "anthropic/claude-haiku-4.5", "openai/gpt-5"]


def test_a_model_named_twice_is_tried_once(catalog: Catalog) -> None:
    assert slugs(catalog, "openai/gpt-4o", fallbacks=[{"model": "gpt-4o"}]) == ["openai/gpt-4o"]


def test_the_balancers_others_come_after_explicit_fallbacks(catalog: Catalog) -> None:
    lb = {
        "type": "weight_based",
        "models": [{"model": "openai/gpt-4o", "weight": 1}, {"model": "openai/gpt-4o-mini", "weight": 0.001}],
    }
    order = slugs(catalog, "openai/gpt-5", load_balancer=lb, fallbacks=[{"model": "openai/o3"}])
    assert order == ["openai/gpt-4o", "openai/o3", "openai/gpt-4o-mini"]


@pytest.mark.parametrize(
    ("body", "param"),
    [
        ({"fallbacks": [{"model": "openai/gpt-4o"}, {"model": "nobody/none"}]}, "fallbacks[1].model"),
        (
            {
                "load_balancer": {
                    "type": "weight_based",
                    "models": [{"model": "openai/gpt-4o"}, {"model": "no/pe"}],
                }
            },
            "load_balancer.models[1].model",
        ),
        ({"fallbacks": [{"model": ROUTE}]}, "fallbacks[0].model"),
    ],
)
def test_an_unknown_model_anywhere_is_a_400_naming_it(
    catalog: Catalog, body: dict[str, Any], param: str
) -> None:
    with pytest.raises(GatewayError) as caught:
        plan("openai/gpt-4o", fields(**body), catalog, random.Random(0))
    assert caught.value.code is ErrorCode.INVALID_REQUEST and caught.value.param == param


def test_an_unknown_requested_model_is_a_400_on_model(catalog: Catalog) -> None:
    with pytest.raises(GatewayError) as caught:
        plan("nobody/none", RouterFields(), catalog, random.Random(0))
    assert caught.value.param == "model"


def test_a_candidate_outside_the_keys_allow_list_is_a_403(catalog: Catalog) -> None:
    with pytest.raises(GatewayError) as caught:
        plan(
            "openai/gpt-4o",
            fields(fallbacks=[{"model": "openai/gpt-5"}]),
            catalog,
            random.Random(0),
            allowed=("openai/gpt-4o",),
        )
    assert caught.value.code is ErrorCode.MODEL_NOT_ALLOWED and caught.value.param == "fallbacks[0].model"


def test_a_route_applies_its_models_and_policy(catalog: Catalog) -> None:
    routing = plan(ROUTE, RouterFields(), catalog, random.Random(0))
    assert [m.slug for m in routing.models] == [
        "anthropic/claude-sonnet-4.6",
        "anthropic/claude-haiku-4.5",
        "openai/gpt-4.1",
    ]
    assert routing.retry is not None and routing.retry.count == 2 and routing.route == ROUTE


def test_request_fields_override_the_routes(catalog: Catalog) -> None:
    routing = plan(
        ROUTE, fields(retry={"count": 5}, fallbacks=[{"model": "openai/o3"}]), catalog, random.Random(0)
    )
    assert [m.slug for m in routing.models] == ["anthropic/claude-sonnet-4.6", "openai/o3"]
    assert routing.retry is not None and routing.retry.count == 5
    balanced = plan(
        "test/balanced", fields(cache={"type": "exact_match", "ttl": 5}), catalog, random.Random(0)
    )
    assert balanced.cache is not None and balanced.cache.ttl == 5


def test_a_balanced_route_picks_by_weight(catalog: Catalog) -> None:
    firsts = Counter(slugs(catalog, "test/balanced", seed=seed)[0] for seed in range(2000))
    assert 1700 < firsts["openai/gpt-4o"] < 1900  # 0.9 of 2000, within ~6 standard deviations
    assert set(slugs(catalog, "test/balanced")) == {"openai/gpt-4o", "openai/gpt-4o-mini"}


def test_weighted_pick_follows_the_weights_within_a_statistical_bound() -> None:
    models = [
        WeightedModel(model="a", weight=0.7),
        WeightedModel(model="b", weight=0.2),
        WeightedModel(model="c", weight=0.1),
    ]
    rng = random.Random(42)
    n = 10_000
    counts = Counter(pick(models, rng)[0] for _ in range(n))
    for model in models:
        p = model.weight
        sigma = (n * p * (1 - p)) ** 0.5
        assert abs(counts[model.model] - n * p) < 5 * sigma
    chosen, rest = pick(models, random.Random(3))
    assert chosen not in rest and len(rest) == 2
    assert list(rest) == [m for m in ("a", "b", "c") if m != chosen]  # the rest by descending weight


TODAY = dt.date(2026, 12, 3)


def test_a_shut_down_model_the_request_names_is_a_400_naming_it(catalog: Catalog) -> None:
    with pytest.raises(GatewayError) as caught:
        plan(
            "openai/gpt-4o",
            fields(fallbacks=[{"model": "openai/o4-mini"}]),
            catalog,
            random.Random(0),
            today=TODAY,
        )
    assert caught.value.param == "fallbacks[0].model" and "shut down" in caught.value.message


def test_a_routes_shut_down_model_is_skipped(catalog: Catalog) -> None:
    later = dt.date(2027, 2, 1)  # openai/gpt-4.1, the shipped route's last fallback, is gone by then
    routing = plan(ROUTE, RouterFields(), catalog, random.Random(0), today=later)
    assert [m.slug for m in routing.models] == ["anthropic/claude-sonnet-4.6", "anthropic/claude-haiku-4.5"]
