"""Which models a request tries, in order, and under which policy: the requested model or route,
the load balancer's pick, explicit fallbacks, then the balancer's other models.

A request's own fields override its route's. Pure: the catalog and a random source come in.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from hyperinfer.errors import ErrorCode, GatewayError
from hyperinfer.lifecycle import is_shut_down, refuse_if_shut_down
from hyperinfer.router.balance import pick
from hyperinfer.router.fields import RouterFields
from hyperinfer.router.spec import Cache, Retry, RouteSpec, Timeout

if TYPE_CHECKING:
    from hyperinfer.catalog import Catalog, Model


@dataclass(frozen=True)
class Routing:
    models: tuple[Model, ...]  # the primary first; each later one is a fallback
    retry: Retry | None = None
    timeout: Timeout | None = None
    cache: Cache | None = None
    name: str | None = None
    metadata: dict[str, str] = field(default_factory=dict)
    route: str | None = None  # the route slug the client named, if it named one

    @property
    def primary(self) -> Model:
        return self.models[0]


def plan(
    requested: str,
    fields: RouterFields,
    catalog: Catalog,
    rng: random.Random,
    *,
    allowed: tuple[str, ...] = (),
    today: dt.date | None = None,
) -> Routing:
    """``allowed``: the key's model allow-list (empty: any model); a candidate outside it is a 403.
    ``today``: a model the request names that its vendor has shut down is a 400 naming it; one a
    route names is skipped (the route outlived it; its other models still serve)."""
    route = catalog.route(requested)
    named = [(f"fallbacks[{i}].model", f.model) for i, f in enumerate(fields.fallbacks)]
    if fields.load_balancer:
        named += [
            (f"load_balancer.models[{i}].model", m.model) for i, m in enumerate(fields.load_balancer.models)
        ]
    if route is None:
        named.insert(0, ("model", requested))
    by_name: dict[str, Model] = {}
    for param, name in named:  # every model the request names is checked, not only the ones tried
        by_name[name] = _known(catalog, param, name, allowed)
        if today is not None:
            refuse_if_shut_down(by_name[name], name, today, param)
    if route is not None:  # a route's models were checked when the catalog loaded
        for name in route.model_names():
            model = _known(catalog, "model", name, allowed)
            if today is None or not is_shut_down(model, today):
                by_name.setdefault(name, model)
    models: list[Model] = []
    for name in _candidates(requested, fields, route, rng):
        found = by_name.get(name)
        if found is not None and found not in models:  # a model that failed is not tried twice
            models.append(found)
    if not models:
        raise GatewayError(
            ErrorCode.INVALID_REQUEST,
            f"model: every model of route {requested!r} has been shut down.",
            param="model",
        )
    return Routing(
        models=tuple(models),
        retry=fields.retry or (route.retry if route else None),
        timeout=fields.timeout or (route.timeout if route else None),
        cache=fields.cache or (route.cache if route else None),
        name=fields.name,
        metadata=dict(fields.metadata),
        route=requested if route else None,
    )


def _known(catalog: Catalog, param: str, name: str, allowed: tuple[str, ...]) -> Model:
    model = catalog.find(name)
    if model is None:
        why = "is a route; name a model here" if catalog.route(name) else f"unknown model {name!r}"
        raise GatewayError(ErrorCode.INVALID_REQUEST, f"{param}: {why}.", param=param)
    if allowed and model.slug not in allowed:
        raise GatewayError(
            ErrorCode.MODEL_NOT_ALLOWED, f"{param}: this key may not use {model.slug!r}.", param=param
        )
    return model


def _candidates(
    requested: str, fields: RouterFields, route: RouteSpec | None, rng: random.Random
) -> list[str]:
    """Model names in the order they are tried."""
    balancer = fields.load_balancer or (route.load_balancer if route else None)
    rest: tuple[str, ...] = ()
    if balancer is not None:
        primary, rest = pick(balancer.models, rng)
    elif route is not None and route.models:
        primary = route.models[0]
    else:
        primary = requested
    if fields.fallbacks:
        fallbacks = [f.model for f in fields.fallbacks]
    elif route is not None and route.models and balancer is None:
        fallbacks = list(route.models[1:])
    else:
        fallbacks = []
    return [primary, *fallbacks, *rest]
