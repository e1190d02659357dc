"""API keys: minted once, stored only as a SHA-256 hash, looked up by that hash."""

import hashlib
import secrets
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict

KEY_PREFIX = "sk-hi-"
DISPLAY_PREFIX_LENGTH = len(KEY_PREFIX) + 4
Source = Literal["api", "playground", "chat", "batch"]


class ApiKey(BaseModel):
    """What the gateway knows of a key: never the key itself."""

    model_config = ConfigDict(frozen=True)

    key_id: str
    key_hash: str
    workspace_id: str
    prefix: str
    name: str
    revoked: bool = False
    spend_limit: int | None = None  # micro-USD over the key's life
    models: tuple[str, ...] = ()  # allowlist of model slugs; empty: every model
    rpm: int | None = None  # requests per minute
    source: Source = "api"
    one_time: bool = False  # playground keys: spent by the first request that reaches a model
    expires_at: int | None = None  # Unix seconds
    created_at: str = ""
    last_used_at: str | None = None


def hash_key(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def new_key(prefix: str = KEY_PREFIX) -> str:
    return prefix + secrets.token_urlsafe(32)


def new_key_id() -> str:
    return "key_" + secrets.token_hex(8)


def key_values(key: str, api_key: ApiKey) -> dict[str, Any]:
    """The DynamoDB item (plain values) for a key. The plain key appears nowhere in it."""
    assert api_key.key_hash == hash_key(key)
    values = api_key.model_dump(exclude={"models"}, exclude_none=True)
    if api_key.models:
        values["models"] = list(api_key.models)
    return {
        "pk": f"KEY#{api_key.key_hash}",
        "sk": "KEY",
        **values,
        "gsi1pk": f"WS#{api_key.workspace_id}",
        "gsi1sk": f"KEY#{api_key.created_at}#{api_key.key_id}",
        "committed": 0,  # micro-USD spent plus reserved: what the spend limit is checked against
    }


def key_from_values(values: dict[str, Any]) -> ApiKey:
    fields = {k: v for k, v in values.items() if k in ApiKey.model_fields}
    fields["models"] = tuple(values.get("models") or ())
    return ApiKey.model_validate(fields)
