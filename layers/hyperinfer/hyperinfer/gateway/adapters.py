"""One registry of provider kinds: each a package under ``hyperinfer.providers`` whose ``ADAPTER``
satisfies ``providers.contract.ProviderAdapter``. Imported on first use, so a function loads only
the kinds it calls. A new kind is one line in ``PACKAGES``."""

from __future__ import annotations

import importlib

from hyperinfer.catalog import ProviderKind
from hyperinfer.errors import ErrorCode, GatewayError
from hyperinfer.providers.contract import ProviderAdapter

PACKAGES: dict[ProviderKind, str] = {
    ProviderKind.OPENAI_CHAT: "openai_chat",
    ProviderKind.OPENAI_RESPONSES: "openai_responses",
    ProviderKind.ANTHROPIC: "anthropic",
    ProviderKind.BEDROCK: "bedrock",
    ProviderKind.OPENAI_COMPATIBLE: "openai_compatible",
    ProviderKind.GEMINI: "gemini",
}

_loaded: dict[ProviderKind, ProviderAdapter] = {}


def adapter_for(kind: ProviderKind) -> ProviderAdapter:
    """The kind's adapter; a kind the catalog knows but no package serves yet answers 400."""
    adapter = _loaded.get(kind)
    if adapter is not None:
        return adapter
    package = PACKAGES.get(kind)
    if package is None:
        raise GatewayError(
            ErrorCode.INVALID_REQUEST,
            f"model: provider kind {kind.value!r} is not available yet.",
            param="model",
        )
    loaded: ProviderAdapter = importlib.import_module(f"hyperinfer.providers.{package}").ADAPTER
    _loaded[kind] = loaded
    return loaded
