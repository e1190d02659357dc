"""The model catalog: ``providers.yaml`` parsed into typed, frozen models, with lookup by slug or alias.

Prices are USD per 1M tokens, which is the same number as micro-USD per token; they are kept as
``Decimal`` so that cost arithmetic stays exact until it is rounded once per request.
"""

import datetime as dt
import re
from decimal import Decimal
from functools import cached_property
from pathlib import Path
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from hyperinfer.provider_kind import ProviderKind as ProviderKind  # noqa: PLC0414 - re-exported
from hyperinfer.router.spec import RouteSpec
from hyperinfer.tools.config import ToolsConfig
from hyperinfer.web_url import WebUrl

# Provider kinds whose base URL also serves OpenAI's Images API (the `image` server tool).
IMAGES_API_KINDS = frozenset(
    {ProviderKind.OPENAI_CHAT, ProviderKind.OPENAI_RESPONSES, ProviderKind.OPENAI_COMPATIBLE}
)
# "pdf": the model reads PDF documents natively; without it the gateway sends their extracted text.
Feature = Literal["tools", "vision", "json_mode", "reasoning", "streaming", "prompt_caching", "pdf"]
Price = Annotated[Decimal, Field(ge=0)]


class _Frozen(BaseModel):
    # defer_build: the catalog is validated once per process, as a whole: one validator built then,
    # with every part inlined, costs less than one per class at import (bench/cold_start.py).
    model_config = ConfigDict(frozen=True, extra="forbid", defer_build=True)


# The Chat Completions request fields the gateway may send that a compatible server can refuse.
CompatField = Literal[
    "temperature",
    "top_p",
    "stop",
    "tools",
    "tool_choice",
    "parallel_tool_calls",
    "response_format",
    "reasoning_effort",
    "user",
    "metadata",
    "messages[].name",
]


class CompatOptions(_Frozen):
    """Where a Chat Completions server that is not OpenAI differs from OpenAI's wire, as data.

    Every option changes what goes on the wire or how the answer is read; see the README's catalog
    section for each one's effect."""

    # The message/delta field that carries reasoning text; None: the server returns none.
    reasoning_field: Literal["reasoning_content", "reasoning"] | None = "reasoning_content"
    # Send the reasoning of earlier assistant turns back in that field (DeepSeek's thinking mode
    # answers 400 when a tool-calling turn comes back without it).
    reasoning_echo: bool = False
    # Turn reasoning on and off with {"thinking": {"type": "enabled"|"disabled"}} (DeepSeek V4).
    thinking_toggle: bool = False
    # Where usage keeps cached prompt tokens: a dotted path (DeepSeek: prompt_cache_hit_tokens).
    cached_tokens_field: str = Field(
        default="prompt_tokens_details.cached_tokens", pattern=r"^[a-z_]+(\.[a-z_]+)*$"
    )
    # The output cap's field: most compatible servers know only the older max_tokens.
    max_tokens_field: Literal["max_tokens", "max_completion_tokens"] = "max_tokens"
    # Chat Completions request fields the server refuses: left out and named when advisory, else
    # the request is refused with 400 naming the field (README "Any format, any model").
    unsupported: tuple[CompatField, ...] = ()


class Provider(_Frozen):
    kind: ProviderKind
    base_url: WebUrl
    # "": no key. A bedrock provider signs with AWS credentials instead; an openai_compatible
    # server may take none (a local Ollama or vLLM), and then none is sent.
    api_key_env: str = Field(default="", pattern=r"^([A-Z_][A-Z0-9_]*)?$")
    region: str | None = Field(default=None, pattern=r"^[a-z]{2}(-[a-z]+)+-\d+$")  # AWS kinds (bedrock)
    compat: CompatOptions | None = None  # openai_compatible only: how this server differs

    @model_validator(mode="before")
    @classmethod
    def _bedrock_endpoint(cls, raw: object) -> object:
        """A bedrock provider's base_url defaults to its region's Bedrock Runtime endpoint."""
        if isinstance(raw, dict) and raw.get("kind") == ProviderKind.BEDROCK and raw.get("region"):
            raw = {"base_url": f"https://bedrock-runtime.{raw['region']}.amazonaws.com", **raw}
        return raw

    @model_validator(mode="after")
    def _credentials_named(self) -> "Provider":
        if self.compat is not None and self.kind is not ProviderKind.OPENAI_COMPATIBLE:
            raise ValueError("compat: only openai_compatible providers take compat options")
        if self.kind is ProviderKind.BEDROCK:
            if not self.region:
                raise ValueError("a bedrock provider needs a region (SigV4 signs for one)")
        elif not self.api_key_env and self.kind is not ProviderKind.OPENAI_COMPATIBLE:
            raise ValueError(f"provider kind {self.kind.value!r} needs api_key_env")
        return self

    @property
    def base(self) -> str:
        """The prefix that provider paths hang from, without a trailing slash."""
        return str(self.base_url).rstrip("/")


class Creator(_Frozen):
    slug: str
    name: str
    brand_color: str | None = Field(default=None, pattern=r"^#[0-9A-Fa-f]{6}$")


class Pricing(_Frozen):
    prompt: Price
    completion: Price
    cached_prompt: Price | None = None
    cache_write: Price | None = None
    cache_write_1h: Price | None = None
    # The fraction taken off a batch request's cost (docs/batches.md); None: batches pay in full.
    batch_discount: Annotated[Decimal, Field(ge=0, lt=1)] | None = None


class Benchmark(_Frozen):
    label: str
    score: float
    unit: Literal["%", "elo", "pass@1"] | None = None
    mode: str | None = None
    source_url: str
    tier: Literal["primary", "extra"]


class Model(_Frozen):
    slug: str = Field(pattern=r"^[a-z0-9-]+/[a-z0-9.\-]+$")
    name: str
    provider: str
    upstream_model: str
    aliases: tuple[str, ...] = ()
    creator: Creator
    pricing: Pricing
    pricing_as_of: str
    pricing_source: str
    context_length: int = Field(gt=0)
    max_output_tokens: int = Field(gt=0)
    features: tuple[Feature, ...]
    # Gemini 3 and later set reasoning by level, not a token budget: the levels the model takes.
    thinking_levels: tuple[Literal["minimal", "low", "medium", "high"], ...] = ()
    datacenter_locations: tuple[str, ...]
    benchmarks: tuple[Benchmark, ...] = ()
    release_date: str = Field(pattern=r"^(\d{4}-\d{2}-\d{2})?$")
    description: str
    hugging_face_id: str | None = None
    # The vendor's announced dates: deprecated (still served), and shut down (gone from the list
    # and refused from that day on; see hyperinfer.lifecycle).
    deprecation_date: dt.date | None = None
    shutdown_date: dt.date | None = None


SLUG = re.compile(r"^[a-z0-9-]+/[a-z0-9.\-]+$")


def _one_entry_per_slug(models: tuple[Model, ...]) -> None:
    """Two entries under one slug would let a lookup silently pick one of them."""
    slugs = [m.slug for m in models]
    twice = sorted({s for s in slugs if slugs.count(s) > 1})
    if twice:
        raise ValueError(f"model slug {twice[0]!r} names more than one entry")


class Catalog(_Frozen):
    providers: dict[str, Provider]
    models: tuple[Model, ...]
    tools: ToolsConfig = Field(default_factory=ToolsConfig)
    # Slugs clients name like a model, each standing for several models (router/, issue 13).
    routes: dict[str, RouteSpec] = Field(default_factory=dict)

    @model_validator(mode="after")
    def _names_resolve(self) -> "Catalog":
        seen: dict[str, str] = {}
        _one_entry_per_slug(self.models)
        for model in self.models:
            if model.provider not in self.providers:
                raise ValueError(f"model {model.slug!r}: provider {model.provider!r} is not in providers")
            for name in (model.slug, *model.aliases):
                if name in seen and seen[name] != model.slug:
                    raise ValueError(f"model name {name!r} is used by both {seen[name]!r} and {model.slug!r}")
                seen[name] = model.slug
        for slug, route in self.routes.items():
            if not SLUG.match(slug):
                raise ValueError(f"route {slug!r}: a route slug is creator/name in lowercase, like a model's")
            if slug in seen:
                raise ValueError(f"route {slug!r}: the name is already model {seen[slug]!r}'s")
            for name in route.model_names():
                if name in self.routes:
                    raise ValueError(f"route {slug!r}: {name!r} is a route; a route names models only")
                if name not in seen:
                    raise ValueError(f"route {slug!r}: unknown model {name!r}")
        image = self.tools.image
        if image and (
            image.model not in seen
            or self.providers[next(m.provider for m in self.models if m.slug == seen[image.model])].kind
            not in IMAGES_API_KINDS
        ):
            raise ValueError(
                f"tools.image.model: {image.model!r} is not a catalog model on an OpenAI-style provider"
            )
        return self

    @cached_property
    def _by_name(self) -> dict[str, Model]:
        return {name: m for m in self.models for name in (m.slug, *m.aliases)}

    def find(self, name: str) -> Model | None:
        """The model a client named, by slug or alias."""
        return self._by_name.get(name)

    def route(self, name: str) -> RouteSpec | None:
        return self.routes.get(name)

    def provider_of(self, model: Model) -> Provider:
        return self.providers[model.provider]


def load_catalog(path: Path) -> Catalog:
    """Parse and validate a catalog file; any mistake fails loudly, naming the field.

    ``providers.yaml`` is the file people edit. A ``.json`` file is the same catalog as
    ``write_catalog_json`` renders it: the layer ships that form, since validating JSON in
    pydantic-core skips importing and running a YAML parser on every cold start (~40 ms here).
    """
    if path.suffix == ".json":
        return Catalog.model_validate_json(path.read_bytes())
    import yaml  # deferred: only YAML catalogs pay for it

    # libyaml's parser when the wheel has it (all manylinux ones do): the pure-Python one takes
    # ~0.15 s on this file, most of a cold start's budget.
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    with path.open("rb") as fh:
        raw = yaml.load(fh, Loader=loader)  # noqa: S506 - a safe loader, chosen above
    return Catalog.model_validate(raw)


def write_catalog_json(catalog: Catalog, target: Path) -> Path:
    """The validated catalog as JSON, which ``load_catalog`` reads back to an equal catalog."""
    target.write_text(catalog.model_dump_json(exclude_defaults=True))
    return target
