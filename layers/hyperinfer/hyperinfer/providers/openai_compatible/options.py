"""The options an encoder or decoder was handed, with OpenAI's behaviour where none were."""

from __future__ import annotations

from typing import Any

from hyperinfer.catalog import CompatOptions

DEFAULT = CompatOptions()


def options_of(value: Any) -> CompatOptions:
    return value if isinstance(value, CompatOptions) else DEFAULT
