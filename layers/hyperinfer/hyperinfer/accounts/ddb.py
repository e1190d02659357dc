"""Plain dicts <-> DynamoDB's typed attribute values, and the error code of a failed call."""

from __future__ import annotations

from decimal import Decimal
from functools import cache
from typing import Any


@cache
def _codecs() -> tuple[Any, Any]:
    # Deferred: importing boto3 costs ~0.3 s, which a function pays on its first request, not at
    # import (cold start is measured to the first answer either way, but health checks skip it).
    from boto3.dynamodb.types import TypeDeserializer, TypeSerializer

    return TypeSerializer(), TypeDeserializer()


def to_item(values: dict[str, Any]) -> dict[str, Any]:
    serializer = _codecs()[0]
    return {k: serializer.serialize(v) for k, v in values.items() if v is not None}


def from_item(item: dict[str, Any]) -> dict[str, Any]:
    deserializer = _codecs()[1]
    return {k: _plain(deserializer.deserialize(v)) for k, v in item.items()}


def _plain(value: Any) -> Any:
    """DynamoDB numbers come back as Decimal; ours are all integers (micro-USD, counts, seconds)."""
    if isinstance(value, Decimal):
        return int(value)
    if isinstance(value, list):
        return [_plain(v) for v in value]
    if isinstance(value, set):
        return {_plain(v) for v in value}
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    return value


def error_code(error: Exception) -> str:
    response = getattr(error, "response", None) or {}
    return str(response.get("Error", {}).get("Code", ""))


def key(pk: str, sk: str) -> dict[str, Any]:
    return {"pk": {"S": pk}, "sk": {"S": sk}}
