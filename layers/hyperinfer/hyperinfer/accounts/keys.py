"""API keys: minted once, stored only as a SHA-256 hash, looked up by that hash."""

from __future__ import annotations

import hashlib
import secrets
from datetime import UTC, datetime
from typing import Any

from pydantic import BaseModel, ConfigDict

KEY_PREFIX = "sk-hi-"
DISPLAY_PREFIX_LENGTH = len(KEY_PREFIX) + 4


class ApiKey(BaseModel):
    """What the gateway knows of a key: never the key itself."""

    model_config = ConfigDict(frozen=True)

    key_id: str
    workspace_id: str
    prefix: str
    name: str
    revoked: bool = False


def hash_key(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def new_key() -> str:
    return KEY_PREFIX + secrets.token_urlsafe(32)


def key_item(key: str, *, key_id: str, workspace_id: str, name: str) -> dict[str, Any]:
    """The DynamoDB item for a key. The plain key appears nowhere in it."""
    created = datetime.now(UTC).isoformat()
    return {
        "pk": {"S": f"KEY#{hash_key(key)}"},
        "sk": {"S": "KEY"},
        "key_id": {"S": key_id},
        "workspace_id": {"S": workspace_id},
        "prefix": {"S": key[:DISPLAY_PREFIX_LENGTH]},
        "name": {"S": name},
        "revoked": {"BOOL": False},
        "created_at": {"S": created},
        "gsi1pk": {"S": f"WS#{workspace_id}"},
        "gsi1sk": {"S": f"KEY#{created}#{key_id}"},
    }


def key_from_item(item: dict[str, Any]) -> ApiKey:
    return ApiKey(
        key_id=item["key_id"]["S"],
        workspace_id=item["workspace_id"]["S"],
        prefix=item["prefix"]["S"],
        name=item["name"]["S"],
        revoked=item.get("revoked", {}).get("BOOL", False),
    )
