"""GET /api/v1/models: the public catalog, exactly the seed's PublicModel shape. No auth."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from starlette.requests import Request
from starlette.responses import Response

from hyperinfer.catalog import Catalog, Model
from hyperinfer.gateway.runtime import runtime
from hyperinfer.router.spec import RouteSpec

# The seed's PublicModel feature enum; catalog-only features (such as "pdf") stay internal.
PUBLIC_FEATURES = frozenset({"tools", "vision", "json_mode", "reasoning", "streaming", "prompt_caching"})


def public_model(model: Model) -> dict[str, Any]:
    pricing: dict[str, float] = {
        "prompt": float(model.pricing.prompt),
        "completion": float(model.pricing.completion),
    }
    if model.pricing.cached_prompt is not None:
        pricing["cached_prompt"] = float(model.pricing.cached_prompt)
    provider: dict[str, str] = {"slug": model.creator.slug, "name": model.creator.name}
    if model.creator.brand_color:
        provider["brand_color"] = model.creator.brand_color
    rendered: dict[str, Any] = {
        "slug": model.slug,
        "name": model.name,
        "provider": provider,
        "description": model.description,
        "release_date": model.release_date,
        "context_length": model.context_length,
        "max_output_tokens": model.max_output_tokens,
        "pricing": pricing,
        "features": [f for f in model.features if f in PUBLIC_FEATURES],
        "datacenter_locations": list(model.datacenter_locations),
        "benchmarks": [b.model_dump(exclude_none=True) for b in model.benchmarks],
    }
    if model.hugging_face_id:
        rendered["hugging_face_id"] = model.hugging_face_id
    return rendered


def public_route(slug: str, route: RouteSpec, catalog: Catalog) -> dict[str, Any]:
    """A route as a model entry: its first model's figures under the route's slug and description."""
    names = route.model_names()
    first = catalog.find(names[0])
    assert first is not None  # the catalog checked every route's models when it loaded
    how = "weighted across" if route.load_balancer else "falling back in order across"
    about = route.description or f"Route {slug}"
    return {
        **public_model(first),
        "slug": slug,
        "name": f"Route: {slug}",
        "description": f"{about} (route: {how} {', '.join(names)}; figures are {first.slug}'s).",
    }


def render_catalog(catalog: Catalog, today: dt.date) -> bytes:
    """The models still served on ``today``: one past its shutdown date is left out."""
    from hyperinfer.lifecycle import live_models

    data = [public_model(m) for m in live_models(catalog, today)]
    data += [public_route(slug, route, catalog) for slug, route in catalog.routes.items()]
    body = {"data": data, "meta": {"image_generation_configured": catalog.tools.image is not None}}
    return json.dumps(body, separators=(",", ":")).encode()


_rendered: dict[int, tuple[Catalog, dt.date, bytes]] = {}


async def handle(request: Request) -> Response:
    rt = runtime()
    catalog, today = rt.catalog, rt.today()
    cached = _rendered.get(id(catalog))
    # The catalog is immutable: render it once a day (a shutdown date takes effect at midnight UTC).
    if cached is None or cached[0] is not catalog or cached[1] != today:
        cached = _rendered[id(catalog)] = (catalog, today, render_catalog(catalog, today))
    return Response(cached[2], media_type="application/json")
