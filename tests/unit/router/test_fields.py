"""The router's request fields: read from the top level and from `orq`, validated with the field's
path in the error, and taken out of the body a provider sees."""

from __future__ import annotations

from typing import Any

import pytest
from hyperinfer.errors import ErrorCode, GatewayError
from hyperinfer.gateway.fields import GATEWAY_FIELDS, ROUTER_FIELDS, wants_router
from hyperinfer.router.fields import FIELDS, ORQ, extract

BASE: dict[str, Any] = {"model": "openai/gpt-4o", "messages": [{"role": "user", "content": "hi"}]}


def refused(body: dict[str, Any], kept: tuple[str, ...] = ()) -> GatewayError:
    with pytest.raises(GatewayError) as caught:
        extract({**BASE, **body}, kept)
    assert caught.value.code is ErrorCode.INVALID_REQUEST
    return caught.value


def test_defaults_follow_the_seed() -> None:
    fields, _ = extract({**BASE, "retry": {}, "cache": {"type": "exact_match"}})
    assert fields.retry is not None and fields.retry.count == 3 and fields.retry.on_codes == (429,)
    assert fields.cache is not None and fields.cache.ttl == 1800
    weighted, _ = extract({**BASE, "load_balancer": {"type": "weight_based", "models": [{"model": "a/b"}]}})
    assert weighted.load_balancer is not None and weighted.load_balancer.models[0].weight == 0.5


def test_no_router_field_reaches_the_provider_body() -> None:
    body = {
        **BASE,
        "retry": {"count": 2},
        "fallbacks": [{"model": "openai/gpt-4o-mini"}],
        "timeout": {"call_timeout": 500},
        "name": "trace",
        "metadata": {"team": "search"},
        "orq": {"cache": {"type": "exact_match", "ttl": 60}},
    }
    fields, stripped = extract(body)
    assert stripped == BASE
    assert fields.cache is not None and fields.cache.ttl == 60
    assert fields.timeout is not None and fields.timeout.seconds == 0.5
    assert fields.name == "trace" and fields.metadata == {"team": "search"}


def test_orq_fields_the_gateway_does_not_serve_are_refused_not_dropped() -> None:
    error = refused({"orq": {"retry": {"count": 1}, "variables": {"name": "x"}}})
    assert error.param == "orq.variables"


def test_a_format_keeps_its_own_metadata_and_the_router_reads_orq() -> None:
    anthropic_metadata = {"user_id": "u-1"}
    fields, stripped = extract(
        {**BASE, "metadata": anthropic_metadata, "orq": {"metadata": {"k": "v"}}}, kept=("metadata",)
    )
    assert stripped["metadata"] == anthropic_metadata and fields.metadata == {"k": "v"}


def test_both_places_with_different_values_is_a_400_naming_the_field() -> None:
    error = refused({"retry": {"count": 2}, "orq": {"retry": {"count": 3}}})
    assert error.param == "retry" and "orq" in error.message


def test_both_places_with_the_same_value_is_accepted() -> None:
    fields, _ = extract({**BASE, "retry": {"count": 2}, "orq": {"retry": {"count": 2}}})
    assert fields.retry is not None and fields.retry.count == 2


@pytest.mark.parametrize(
    ("body", "param"),
    [
        ({"retry": {"count": 0}}, "retry.count"),
        ({"retry": {"count": 6}}, "retry.count"),
        ({"retry": {"count": 2.5}}, "retry.count"),
        ({"retry": {"on_codes": []}}, "retry.on_codes"),
        ({"retry": {"on_codes": [429, 600]}}, "retry.on_codes[1]"),
        ({"retry": {"tries": 2}}, "retry.tries"),
        ({"cache": {"type": "exact_match", "ttl": 0}}, "cache.ttl"),
        ({"cache": {"type": "exact_match", "ttl": 259_201}}, "cache.ttl"),
        ({"cache": {"type": "semantic"}}, "cache.type"),
        ({"cache": {"ttl": 5}}, "cache.type"),
        ({"timeout": {"call_timeout": 0}}, "timeout.call_timeout"),
        ({"timeout": {}}, "timeout.call_timeout"),
        ({"fallbacks": [{"name": "x"}]}, "fallbacks[0].model"),
        ({"fallbacks": {"model": "x"}}, "fallbacks"),
        (
            {
                "load_balancer": {
                    "type": "weight_based",
                    "models": [{"model": "a/b"}, {"model": "c/d", "weight": 2}],
                }
            },
            "load_balancer.models[1].weight",
        ),
        (
            {"load_balancer": {"type": "weight_based", "models": [{"model": "a/b", "weight": 0.0001}]}},
            "load_balancer.models[0].weight",
        ),
        ({"load_balancer": {"type": "weight_based", "models": []}}, "load_balancer.models"),
        ({"load_balancer": {"type": "round_robin", "models": [{"model": "a/b"}]}}, "load_balancer.type"),
        ({"metadata": {"k" * 65: "v"}}, "metadata"),
        ({"metadata": {"k": "v" * 513}}, "metadata.k"),
        ({"metadata": {str(i): "v" for i in range(17)}}, "metadata"),
        ({"metadata": {"k": 1}}, "metadata.k"),
        ({"name": 5}, "name"),
        ({"orq": {"retry": {"count": 9}}}, "orq.retry.count"),
        ({"orq": "fast"}, "orq"),
    ],
)
def test_each_bad_value_is_a_400_whose_param_is_the_path(body: dict[str, Any], param: str) -> None:
    error = refused(body)
    assert error.param == param
    assert error.message.startswith(f"{param}: ")


def test_only_bodies_with_router_fields_or_a_route_ask_for_the_router() -> None:
    assert {*FIELDS, ORQ} == ROUTER_FIELDS
    routes = {"x/route": object()}
    assert not wants_router(BASE, "chat_completions", routes)
    assert all(wants_router({**BASE, name: {}}, "chat_completions", routes) for name in ROUTER_FIELDS)
    assert wants_router({**BASE, "model": "x/route"}, "responses", routes)
    # Claude Code sends Anthropic's own metadata on every request: that alone does not cost a router.
    assert not wants_router({**BASE, "metadata": {"user_id": "u"}}, "anthropic_messages", routes)


def test_the_router_fields_are_gateway_owned_except_anthropics_metadata() -> None:
    assert ROUTER_FIELDS - {"metadata"} <= GATEWAY_FIELDS and "metadata" not in GATEWAY_FIELDS
