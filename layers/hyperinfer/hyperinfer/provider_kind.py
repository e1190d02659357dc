"""The provider kinds a catalog provider can be, apart from ``catalog`` so that code naming a kind
(the ingress table, which the batch functions read) does not load the catalog's models with it."""

from __future__ import annotations

from enum import StrEnum


class ProviderKind(StrEnum):
    OPENAI_CHAT = "openai_chat"
    OPENAI_RESPONSES = "openai_responses"
    ANTHROPIC = "anthropic"
    GEMINI = "gemini"
    BEDROCK = "bedrock"
    OPENAI_COMPATIBLE = "openai_compatible"
