"""The ``tools:`` section of ``providers.yaml``: which server-tool backends this deployment has.

A tool whose section is absent is not configured, and a request activating it is refused with a 400.
Prices are USD per call (or per image), kept as ``Decimal`` like every other catalog price.
"""

from decimal import Decimal
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field

from hyperinfer.web_url import WebUrl

Price = Annotated[Decimal, Field(ge=0)]
MICRO = Decimal(1_000_000)


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid", defer_build=True)  # as the catalog's


class WebSearchConfig(_Frozen):
    kind: Literal["tavily", "brave"]
    base_url: WebUrl  # Tavily: https://api.tavily.com; Brave: https://api.search.brave.com/res/v1
    api_key_env: str = Field(pattern=r"^[A-Z_][A-Z0-9_]*$")
    price_per_call_usd: Price

    @property
    def base(self) -> str:
        return str(self.base_url).rstrip("/")


class WebFetchConfig(_Frozen):
    price_per_call_usd: Price


class ImageConfig(_Frozen):
    model: str  # a catalog slug whose provider speaks OpenAI's Images API
    price_per_image_usd: Price


class ToolsConfig(_Frozen):
    web_search: WebSearchConfig | None = None
    web_fetch: WebFetchConfig | None = None
    image: ImageConfig | None = None


def micro_usd(price_usd: Decimal, count: int = 1) -> int:
    """A configured USD price in integer micro-USD, rounded up: a tool run is never undercharged."""
    exact = price_usd * MICRO * count
    return int(exact.to_integral_value(rounding="ROUND_CEILING"))
