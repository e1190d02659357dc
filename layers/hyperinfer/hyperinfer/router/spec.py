"""The router's settings as seed 003 writes them (orq.ai's router body): retry, load balancing,
timeout and cache. A request carries them; a catalog route carries them too (``catalog.py``), so
this module imports only pydantic and is cheap to load with the catalog.

Every model forbids unknown keys: a misspelt setting is a 400 naming it, never silently ignored.
"""

from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

StatusCode = Annotated[int, Field(ge=100, le=599)]


class _Spec(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid", defer_build=True)  # as the catalog's


class Retry(_Spec):
    # `count` retries follow the first try: count=3 is up to four calls to one model.
    count: int = Field(default=3, ge=1, le=5)
    on_codes: tuple[StatusCode, ...] = Field(default=(429,), min_length=1)


class WeightedModel(_Spec):
    model: str = Field(min_length=1)
    weight: float = Field(default=0.5, ge=0.001, le=1)


class LoadBalancer(_Spec):
    type: Literal["weight_based"]
    models: tuple[WeightedModel, ...] = Field(min_length=1)


class Timeout(_Spec):
    call_timeout: float = Field(ge=1, description="Milliseconds one attempt may take.")

    @property
    def seconds(self) -> float:
        return self.call_timeout / 1000


class Cache(_Spec):
    type: Literal["exact_match"]
    ttl: int = Field(default=1800, ge=1, le=259_200)


class RouteSpec(_Spec):
    """A catalog route: a slug clients name like a model, standing for several (``routes:``)."""

    models: tuple[str, ...] | None = Field(default=None, min_length=1)
    load_balancer: LoadBalancer | None = None
    retry: Retry | None = None
    timeout: Timeout | None = None
    cache: Cache | None = None
    description: str | None = None

    @model_validator(mode="after")
    def _one_way_to_name_models(self) -> "RouteSpec":
        if (self.models is None) == (self.load_balancer is None):
            raise ValueError("a route names its models in exactly one of `models` or `load_balancer`")
        return self

    def model_names(self) -> tuple[str, ...]:
        if self.models is not None:
            return self.models
        return tuple(m.model for m in self.load_balancer.models) if self.load_balancer else ()
