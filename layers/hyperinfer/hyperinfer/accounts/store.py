"""DynamoDB access for workspaces and keys. Blocking boto3 calls; callers run them off the event loop."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from hyperinfer.accounts.key_cache import KeyCache
from hyperinfer.accounts.keys import ApiKey, hash_key, key_from_item, key_item


class AccountStore:
    def __init__(self, client: Any, table_name: str, key_cache_ttl: float = 0.0) -> None:
        self._db = client
        self._table = table_name
        self._keys = KeyCache(key_cache_ttl)

    def find_key(self, key: str) -> ApiKey | None:
        digest = hash_key(key)
        cached = self._keys.get(digest)
        if cached is not None:
            return cached
        response = self._db.get_item(
            TableName=self._table, Key={"pk": {"S": f"KEY#{digest}"}, "sk": {"S": "KEY"}}
        )
        item = response.get("Item")
        if item is None:
            return None
        found = key_from_item(item)
        self._keys.put(digest, found)
        return found

    def put_workspace(self, workspace_id: str, name: str, balance_micro_usd: int) -> None:
        """Create the workspace if it is new; an existing one keeps its balance."""
        self._put_new(
            {
                "pk": {"S": f"WS#{workspace_id}"},
                "sk": {"S": "WS"},
                "name": {"S": name},
                "balance_micro_usd": {"N": str(balance_micro_usd)},
                "locked": {"BOOL": False},
                "created_at": {"S": datetime.now(UTC).isoformat()},
            }
        )

    def put_key(self, key: str, *, key_id: str, workspace_id: str, name: str) -> None:
        """Store a key's hash; storing the same key again is a no-op."""
        self._put_new(key_item(key, key_id=key_id, workspace_id=workspace_id, name=name))

    def _put_new(self, item: dict[str, Any]) -> None:
        from botocore.exceptions import ClientError

        try:
            self._db.put_item(
                TableName=self._table, Item=item, ConditionExpression="attribute_not_exists(pk)"
            )
        except ClientError as error:
            if error.response["Error"]["Code"] != "ConditionalCheckFailedException":
                raise
