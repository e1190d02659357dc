"""Model lifecycle as data: the vendor's deprecation and shutdown dates on each catalog model.

A model past its shutdown date is left out of the public list and refused by the gateway (its
vendor would refuse it anyway, less clearly); one within ``WARN_WITHIN`` of it is logged when the
catalog loads, so an operator sees it coming. "Today" always comes from a clock the caller passes,
so tests fix the day.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable

from hyperinfer.catalog import Catalog, Model
from hyperinfer.errors import ErrorCode, GatewayError

Clock = Callable[[], dt.date]
WARN_WITHIN = dt.timedelta(days=30)
log = logging.getLogger("hyperinfer")


def utc_today() -> dt.date:
    return dt.datetime.now(dt.UTC).date()


def fixed(day: dt.date | None) -> Clock:
    """A clock stopped on ``day``; the real one when ``day`` is None."""
    return utc_today if day is None else (lambda: day)


def is_shut_down(model: Model, today: dt.date) -> bool:
    return model.shutdown_date is not None and today >= model.shutdown_date


def live_models(catalog: Catalog, today: dt.date) -> tuple[Model, ...]:
    return tuple(m for m in catalog.models if not is_shut_down(m, today))


def refuse_if_shut_down(model: Model, name: str, today: dt.date, param: str = "model") -> None:
    if is_shut_down(model, today):
        raise GatewayError(
            ErrorCode.INVALID_REQUEST,
            f"{param}: {name!r} ({model.slug}) was shut down by its vendor on "
            f"{model.shutdown_date}; choose a current model from GET /api/v1/models.",
            param=param,
        )


def shutting_down_soon(catalog: Catalog, today: dt.date) -> list[Model]:
    """Models still served today whose shutdown date is at most ``WARN_WITHIN`` away."""
    return [
        m
        for m in catalog.models
        if m.shutdown_date is not None and today < m.shutdown_date <= today + WARN_WITHIN
    ]


def routes_through_shut_down(catalog: Catalog, today: dt.date) -> list[tuple[str, Model]]:
    """(route, model) for every route member already past its shutdown date."""
    return [
        (slug, model)
        for slug, route in catalog.routes.items()
        for name in route.model_names()
        if (model := catalog.find(name)) is not None and is_shut_down(model, today)
    ]


def warn_about_shutdowns(catalog: Catalog, today: dt.date) -> None:
    for slug, model in routes_through_shut_down(catalog, today):
        log.warning(
            "catalog: route %s names %s, shut down on %s; its vendor no longer serves it",
            slug,
            model.slug,
            model.shutdown_date,
            extra={"route": slug, "model": model.slug, "shutdown_date": str(model.shutdown_date)},
        )
    for model in shutting_down_soon(catalog, today):
        days = (model.shutdown_date - today).days if model.shutdown_date else 0
        log.warning(
            "catalog: %s shuts down on %s (in %d days); move its traffic to a current model",
            model.slug,
            model.shutdown_date,
            days,
            extra={"model": model.slug, "shutdown_date": str(model.shutdown_date)},
        )
