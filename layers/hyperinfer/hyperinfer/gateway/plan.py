"""The plan: the ordered candidates that may serve one request (model, provider, its adapter and
credentials), tried in order by ``gateway.attempts``.

Today a plan holds exactly one candidate, the model the request names. Routing (fallback models,
load balancing over providers of one model) builds a longer list here, in ``plan_for``, and nowhere
else: the attempt loop, the Meter and both relays already take any number of candidates.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from hyperinfer.catalog import Model, Provider
from hyperinfer.errors import ErrorCode, GatewayError
from hyperinfer.gateway.adapters import adapter_for
from hyperinfer.gateway.credentials import credentials_for
from hyperinfer.gateway.runtime import Runtime
from hyperinfer.providers.contract import Credentials, ProviderAdapter


@dataclass(frozen=True, slots=True)
class Candidate:
    model: Model
    provider: Provider
    adapter: ProviderAdapter
    credentials: Credentials

    @property
    def provider_name(self) -> str:
        """The catalog's name for the provider, as messages name it."""
        return self.model.provider


@dataclass(frozen=True, slots=True)
class Plan:
    candidates: tuple[Candidate, ...]

    @property
    def first(self) -> Candidate:
        return self.candidates[0]


def resolve(rt: Runtime, name: str) -> tuple[Model, Provider]:
    model = rt.catalog.find(name)
    if model is None:
        raise GatewayError(ErrorCode.INVALID_REQUEST, f"model: unknown model {name!r}.", param="model")
    from hyperinfer.lifecycle import refuse_if_shut_down

    refuse_if_shut_down(model, name, rt.today())
    return model, rt.catalog.provider_of(model)


async def candidate_for(rt: Runtime, model: Model, provider: Provider) -> Candidate:
    adapter = adapter_for(provider.kind)  # a kind no package serves yet: 400 before any credential
    return Candidate(model, provider, adapter, await credentials_for(rt, model.provider, provider))


async def plan_for(rt: Runtime, payload: dict[str, Any]) -> Plan:
    """The candidates for this request, best first. `payload` is the validated client body."""
    model, provider = resolve(rt, payload["model"])
    return Plan((await candidate_for(rt, model, provider),))
