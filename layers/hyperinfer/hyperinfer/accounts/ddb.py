"""Plain dicts <-> DynamoDB's typed attribute values, and the error code of a failed call."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping, Sequence
from decimal import Decimal
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from mypy_boto3_dynamodb.type_defs import TransactWriteItemTypeDef

# DynamoDB's bound on a ClientRequestToken.
TOKEN_LENGTH = 36

# DynamoDB's typed values, written by hand rather than through boto3's TypeSerializer: importing
# boto3 for two small pure functions would cost ~0.2 s of every function's cold start.


def serialize(value: Any) -> dict[str, Any]:
    """A Python value -> DynamoDB's attribute value, e.g. ``5 -> {"N": "5"}``."""
    if isinstance(value, bool):  # before int: bool is an int
        return {"BOOL": value}
    if value is None:
        return {"NULL": True}
    if isinstance(value, str):
        return {"S": value}
    if isinstance(value, int | Decimal):
        return {"N": str(value)}
    if isinstance(value, Mapping):
        return {"M": {str(k): serialize(v) for k, v in value.items()}}
    if isinstance(value, list | tuple):
        return {"L": [serialize(v) for v in value]}
    if isinstance(value, set | frozenset) and value:
        if all(isinstance(v, str) for v in value):
            return {"SS": sorted(value)}
        if all(isinstance(v, int | Decimal) and not isinstance(v, bool) for v in value):
            return {"NS": [str(v) for v in sorted(value)]}
    # Floats are refused as boto3 refuses them: money and counts here are exact integers.
    raise TypeError(f"cannot store {type(value).__name__} in DynamoDB: {value!r}")


def deserialize(attribute: Mapping[str, Any]) -> Any:
    """DynamoDB's attribute value -> a plain value; numbers come back as ``int`` (all of ours are
    integers: micro-USD, counts, seconds) or ``Decimal`` when they have a fraction."""
    [(kind, raw)] = attribute.items()
    if kind == "S":
        return raw
    if kind == "N":
        return _number(raw)
    if kind == "BOOL":
        return bool(raw)
    if kind == "NULL":
        return None
    if kind == "M":
        return {k: deserialize(v) for k, v in raw.items()}
    if kind == "L":
        return [deserialize(v) for v in raw]
    if kind == "SS":
        return set(raw)
    if kind == "NS":
        return {_number(v) for v in raw}
    raise TypeError(f"unsupported DynamoDB attribute type {kind!r}")


def _number(raw: str) -> int | Decimal:
    number = Decimal(raw)
    return int(number) if number == number.to_integral_value() else number


def to_item(values: dict[str, Any]) -> dict[str, Any]:
    return {k: serialize(v) for k, v in values.items() if v is not None}


def from_item(item: dict[str, Any]) -> dict[str, Any]:
    return {k: deserialize(v) for k, v in item.items()}


def error_code(error: Exception) -> str:
    response = getattr(error, "response", None) or {}
    return str(response.get("Error", {}).get("Code", ""))


def transaction_token(purpose: str, items: Sequence[TransactWriteItemTypeDef], *nonce: str) -> str:
    """The ClientRequestToken of a TransactWriteItems: a digest of what the transaction is (its
    purpose and every item, values included). Each retry of one call, and any re-send of the very
    same transaction within DynamoDB's 10-minute window, then carries the same token and is applied
    once; a transaction differing in any value gets another token (DynamoDB refuses a reused token
    with other parameters). Pass a ``nonce`` where two identical transactions are distinct
    operations (moving the same balances twice), so only the client's own retries coincide."""
    canonical = json.dumps([purpose, items, *nonce], sort_keys=True, separators=(",", ":"), default=str)
    return hashlib.sha256(canonical.encode()).hexdigest()[:TOKEN_LENGTH]


def key(pk: str, sk: str) -> dict[str, Any]:
    return {"pk": {"S": pk}, "sk": {"S": sk}}
