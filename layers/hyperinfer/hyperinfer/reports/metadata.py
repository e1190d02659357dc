"""A report's metadata: the current field and the deprecated ``tags``, merged into one string map.

Rules (the README's "Reporting" section states them for clients):
- ``tags`` values may be a string, number, boolean or null. Strings are kept; numbers and booleans
  become their JSON text (``3`` -> ``"3"``, ``2.5`` -> ``"2.5"``, ``true`` -> ``"true"``); null drops
  the key.
- The current field (``metadata`` on /report-anthropic, ``reqPayload.metadata`` on /report) wins over
  ``tags`` on a shared key: ``tags`` is deprecated, the seeds point clients to the other.
- ``reqPayload.metadata`` is part of a logged OpenAI request, untyped by the seed (it may be the log of
  a request OpenAI refused), so it is read with the ``tags`` rules, objects and arrays as their
  compact JSON text; when it is not an object at all no metadata is read from it. The payload itself
  is stored as sent either way, so nothing is lost.
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping
from typing import Annotated, Any

from pydantic import AfterValidator, WithJsonSchema
from pydantic_core import PydanticCustomError

TAG_VALUE_SCHEMA: dict[str, Any] = {
    "anyOf": [{"type": "string"}, {"type": "number"}, {"type": "boolean"}, {"type": "null"}]
}


def _scalar(value: Any) -> Any:
    finite = not isinstance(value, float) or math.isfinite(value)
    if value is None or (isinstance(value, str | int | float) and finite):
        return value  # bool is an int
    raise PydanticCustomError("tag_value", "must be a string, number, boolean or null")


TagValue = Annotated[Any, AfterValidator(_scalar), WithJsonSchema(TAG_VALUE_SCHEMA)]


def as_text(value: Any) -> str | None:
    """A metadata value as stored: strings unchanged, null dropped (None), anything else as JSON."""
    if value is None or isinstance(value, str):
        return value
    return json.dumps(value, separators=(",", ":"), ensure_ascii=False)


def texts(values: Mapping[str, Any]) -> dict[str, str]:
    return {key: text for key, value in values.items() if (text := as_text(value)) is not None}


def payload_metadata(payload: Any) -> dict[str, str]:
    """``metadata`` of a logged request (an object, or its JSON-encoded string); {} when it has none."""
    if isinstance(payload, str):
        try:
            payload = json.loads(payload)
        except ValueError:
            return {}
    found = payload.get("metadata") if isinstance(payload, dict) else None
    return texts(found) if isinstance(found, dict) else {}


def merge(current: Mapping[str, Any], tags: Mapping[str, Any]) -> dict[str, str]:
    """``tags`` first, then the current field over it."""
    return {**texts(tags), **texts(current)}
