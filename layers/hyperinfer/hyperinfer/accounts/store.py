"""Workspaces, balance shards, the credit ledger and API keys in DynamoDB (docs/data-model.md).

Blocking boto3 calls: the web layer runs them off the event loop.
"""

from __future__ import annotations

import time
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from hyperinfer.accounts.ddb import error_code, from_item, key, to_item, transaction_token
from hyperinfer.accounts.key_cache import KeyCache
from hyperinfer.accounts.keys import (
    DISPLAY_PREFIX_LENGTH,
    ApiKey,
    Source,
    hash_key,
    key_from_values,
    key_values,
    new_key,
    new_key_id,
)

if TYPE_CHECKING:
    from mypy_boto3_dynamodb.type_defs import TransactWriteItemTypeDef

    from hyperinfer.aws_json import DynamoDBClient

DEFAULT_CONCURRENCY_CAP = 64


def now_iso() -> str:
    return datetime.now(UTC).isoformat(timespec="milliseconds")


class AccountError(Exception):
    """An admin operation that cannot be done as asked (unknown workspace, duplicate, ...)."""


class AccountStore:
    def __init__(
        self, client: DynamoDBClient, table_name: str, *, key_cache_ttl: float = 0.0, shards: int = 8
    ) -> None:
        self.db = client
        self.table = table_name
        self.shards = shards
        self._keys = KeyCache(key_cache_ttl)

    # -- keys ------------------------------------------------------------------------------------

    def find_key(self, key: str, *, spend_one_time: bool = True) -> ApiKey | None:
        """The key's record. A one-time key is spent here, atomically, unless ``spend_one_time`` is
        False: then it is only checked unspent and unexpired, and the caller spends it with
        ``spend_key`` once the request reaches a model (so a typo does not lose it)."""
        digest = hash_key(key)
        cached = self._keys.get(digest)
        if cached is not None:
            return cached
        item = self.db.get_item(TableName=self.table, Key=key_for_hash(digest)).get("Item")
        if item is None:
            return None
        values = from_item(item)
        found = key_from_values(values)
        if found.one_time:
            if spend_one_time:
                return found if self._consume(digest) else None
            usable = "used_at" not in values and (found.expires_at or 0) > int(time.time())
            return found if usable else None
        self._keys.put(digest, found)
        return found

    def spend_key(self, api_key: ApiKey) -> bool:
        """Spend a one-time key: True for exactly one caller, however many try at once."""
        return self._consume(api_key.key_hash)

    def key_by_hash(self, digest: str) -> ApiKey | None:
        """A key's record by its hash, as it is now (a batch run re-reads its creator's key: a
        revocation or a tightened limit applies to the requests not yet run). Never consumes."""
        item = self.db.get_item(TableName=self.table, Key=key_for_hash(digest), ConsistentRead=True).get(
            "Item"
        )
        return key_from_values(from_item(item)) if item else None

    def _consume(self, digest: str) -> bool:
        try:
            self.db.update_item(
                TableName=self.table,
                Key=key_for_hash(digest),
                UpdateExpression="SET used_at = :now",
                ConditionExpression="attribute_not_exists(used_at) AND expires_at > :epoch",
                ExpressionAttributeValues=to_item({":now": now_iso(), ":epoch": int(time.time())}),
            )
        except Exception as error:
            if error_code(error) == "ConditionalCheckFailedException":
                return False
            raise
        return True

    def create_key(
        self,
        workspace_id: str,
        name: str,
        *,
        key: str | None = None,
        spend_limit: int | None = None,
        models: tuple[str, ...] = (),
        rpm: int | None = None,
        source: Source = "api",
        one_time: bool = False,
        expires_at: int | None = None,
    ) -> tuple[str, ApiKey]:
        """Mint a key (or store the one given); the plain key is returned once and never stored."""
        if self.workspace(workspace_id) is None:
            raise AccountError(f"no workspace {workspace_id!r}")
        plain = key or new_key("sk-hi-pg-" if one_time else "sk-hi-")
        api_key = ApiKey(
            key_id=new_key_id(),
            key_hash=hash_key(plain),
            workspace_id=workspace_id,
            prefix=plain[:DISPLAY_PREFIX_LENGTH],
            name=name,
            spend_limit=spend_limit,
            models=models,
            rpm=rpm,
            source=source,
            one_time=one_time,
            expires_at=expires_at,
            created_at=now_iso(),
        )
        values = key_values(plain, api_key)
        if expires_at is not None:
            values["expires_at"] = expires_at  # also the table's TTL attribute: DynamoDB deletes it later
        by_id = {
            "pk": f"KEYID#{api_key.key_id}",
            "sk": "KEYID",
            "key_hash": api_key.key_hash,
            "expires_at": expires_at,
        }
        items: list[TransactWriteItemTypeDef] = [
            {
                "Put": {
                    "TableName": self.table,
                    "Item": to_item(values),
                    "ConditionExpression": "attribute_not_exists(pk)",
                }
            },
            {"Put": {"TableName": self.table, "Item": to_item(by_id)}},
        ]
        try:
            self.db.transact_write_items(
                TransactItems=items, ClientRequestToken=transaction_token("create_key", items)
            )
        except Exception as error:
            if error_code(error) == "TransactionCanceledException":
                raise AccountError("that key already exists") from None
            raise
        return plain, api_key

    def keys(self, workspace_id: str) -> list[ApiKey]:
        items = self._query_gsi(f"WS#{workspace_id}", "KEY#")
        return [key_from_values(item) for item in items]

    def revoke_key(self, key_id: str) -> ApiKey:
        item = self.db.get_item(TableName=self.table, Key=key(f"KEYID#{key_id}", "KEYID")).get("Item")
        if item is None:
            raise AccountError(f"no key {key_id!r}")
        digest = from_item(item)["key_hash"]
        updated = self.db.update_item(
            TableName=self.table,
            Key=key_for_hash(digest),
            UpdateExpression="SET revoked = :t",
            ExpressionAttributeValues={":t": {"BOOL": True}},
            ReturnValues="ALL_NEW",
        )
        return key_from_values(from_item(updated["Attributes"]))

    # -- workspaces ------------------------------------------------------------------------------

    def create_workspace(
        self, workspace_id: str, name: str, *, concurrency_cap: int = DEFAULT_CONCURRENCY_CAP
    ) -> None:
        created = now_iso()
        # The cap is spread exactly: slot k takes cap // S, and one more for the first cap % S slots.
        share, extra = divmod(concurrency_cap, self.shards)
        workspace = {
            "pk": f"WS#{workspace_id}",
            "sk": "WS",
            "workspace_id": workspace_id,
            "name": name,
            "locked": False,
            "concurrency_cap": concurrency_cap,
            "created_at": created,
            "gsi1pk": "WORKSPACES",
            "gsi1sk": f"{created}#{workspace_id}",
        }
        items: list[TransactWriteItemTypeDef] = [
            {
                "Put": {
                    "TableName": self.table,
                    "Item": to_item(workspace),
                    "ConditionExpression": "attribute_not_exists(pk)",
                }
            }
        ]
        items += [
            {
                "Put": {
                    "TableName": self.table,
                    "Item": to_item(item),
                }
            }
            for k in range(self.shards)
            for item in (
                {"pk": f"WS#{workspace_id}", "sk": shard_sk(k), "balance": 0},
                # The cap lives on the slots themselves: the reservation's condition compares two
                # attributes, so enforcing a workspace's own cap costs no read.
                {
                    "pk": f"WS#{workspace_id}",
                    "sk": slot_sk(k),
                    "inflight": 0,
                    "slot_cap": share + (k < extra),
                },
            )
        ]
        try:
            self.db.transact_write_items(
                TransactItems=items, ClientRequestToken=transaction_token("create_workspace", items)
            )
        except Exception as error:
            if error_code(error) == "TransactionCanceledException":
                raise AccountError(f"workspace {workspace_id!r} already exists") from None
            raise

    def workspace(self, workspace_id: str) -> dict[str, Any] | None:
        item = self.db.get_item(TableName=self.table, Key=key(f"WS#{workspace_id}", "WS")).get("Item")
        return from_item(item) if item else None

    def workspaces(self) -> list[dict[str, Any]]:
        return self._query_gsi("WORKSPACES", "")

    def set_locked(self, workspace_id: str, locked: bool) -> None:
        try:
            self.db.update_item(
                TableName=self.table,
                Key=key(f"WS#{workspace_id}", "WS"),
                UpdateExpression="SET locked = :l",
                ConditionExpression="attribute_exists(pk)",
                ExpressionAttributeValues={":l": {"BOOL": locked}},
            )
        except Exception as error:
            if error_code(error) == "ConditionalCheckFailedException":
                raise AccountError(f"no workspace {workspace_id!r}") from None
            raise

    def shard_states(self, workspace_id: str, prefix: str = "BAL#") -> list[dict[str, Any]]:
        """Balance shards (BAL#) or concurrency slots (SLOT#), read consistently."""
        response = self.db.query(
            TableName=self.table,
            KeyConditionExpression="pk = :pk AND begins_with(sk, :bal)",
            ExpressionAttributeValues=to_item({":pk": f"WS#{workspace_id}", ":bal": prefix}),
            ConsistentRead=True,
        )
        return [from_item(item) for item in response["Items"]]

    def balance(self, workspace_id: str) -> int:
        return sum(shard["balance"] for shard in self.shard_states(workspace_id))

    # -- the credit ledger -----------------------------------------------------------------------

    def add_credits(
        self, workspace_id: str, amount: int, idempotency_key: str, *, kind: str = "top_up", note: str = ""
    ) -> bool:
        """Credit (or, negative, debit) a workspace once per idempotency key; False if already done."""
        if self.workspace(workspace_id) is None:
            raise AccountError(f"no workspace {workspace_id!r}")
        created = now_iso()
        entry_sk = f"LEDGER#{created}#{idempotency_key}"
        items: list[TransactWriteItemTypeDef] = [
            {
                "Put": {
                    "TableName": self.table,
                    "ConditionExpression": "attribute_not_exists(pk)",
                    "Item": to_item(
                        {"pk": f"IDEM#{workspace_id}#{idempotency_key}", "sk": "IDEM", "entry": entry_sk}
                    ),
                }
            },
            {
                "Put": {
                    "TableName": self.table,
                    "Item": to_item(
                        {
                            "pk": f"WS#{workspace_id}",
                            "sk": entry_sk,
                            "amount": amount,
                            "kind": kind,
                            "note": note,
                            "idempotency_key": idempotency_key,
                            "created_at": created,
                        }
                    ),
                }
            },
        ]
        # Split evenly over the shards, the remainder on shard 0, so every shard can serve requests.
        share, rest = divmod(amount, self.shards)
        for k in range(self.shards):
            part = share + (rest if k == 0 else 0)
            if part:
                items.append(
                    {
                        "Update": {
                            "TableName": self.table,
                            "Key": key(f"WS#{workspace_id}", shard_sk(k)),
                            "UpdateExpression": "ADD balance :a",
                            "ExpressionAttributeValues": to_item({":a": part}),
                        }
                    }
                )
        try:
            self.db.transact_write_items(
                TransactItems=items, ClientRequestToken=transaction_token("top_up", items)
            )
        except Exception as error:
            reasons = getattr(error, "response", {}).get("CancellationReasons") or []
            if reasons and reasons[0].get("Code") == "ConditionalCheckFailed":
                return False  # this top-up was already credited
            raise
        return True

    def ledger(self, workspace_id: str) -> list[dict[str, Any]]:
        response = self.db.query(
            TableName=self.table,
            KeyConditionExpression="pk = :pk AND begins_with(sk, :l)",
            ExpressionAttributeValues=to_item({":pk": f"WS#{workspace_id}", ":l": "LEDGER#"}),
        )
        return [from_item(item) for item in response["Items"]]

    # -- helpers ---------------------------------------------------------------------------------

    def _query_gsi(self, partition: str, prefix: str) -> list[dict[str, Any]]:
        condition = "gsi1pk = :p" + (" AND begins_with(gsi1sk, :s)" if prefix else "")
        values = {":p": partition, **({":s": prefix} if prefix else {})}
        out: list[dict[str, Any]] = []
        kwargs: dict[str, Any] = {
            "TableName": self.table,
            "IndexName": "gsi1",
            "KeyConditionExpression": condition,
            "ExpressionAttributeValues": to_item(values),
        }
        while True:
            response = self.db.query(**kwargs)
            out += [from_item(item) for item in response["Items"]]
            if "LastEvaluatedKey" not in response:
                return out
            kwargs["ExclusiveStartKey"] = response["LastEvaluatedKey"]

    def generations(self, workspace_id: str, since: str | None = None) -> list[dict[str, Any]]:
        """A workspace's generation records, oldest first; ``since`` is a time as ``now_iso`` writes it."""
        if since is None:
            return self._query_gsi(f"WS#{workspace_id}", "GEN#")
        # begins_with cannot be combined with a lower bound: BETWEEN GEN#<since> and GEN#~ instead
        # ('~' sorts after the digit every timestamp starts with).
        kwargs: dict[str, Any] = {
            "TableName": self.table,
            "IndexName": "gsi1",
            "KeyConditionExpression": "gsi1pk = :p AND gsi1sk BETWEEN :lo AND :hi",
            "ExpressionAttributeValues": to_item(
                {":p": f"WS#{workspace_id}", ":lo": f"GEN#{since}", ":hi": "GEN#~"}
            ),
        }
        out: list[dict[str, Any]] = []
        while True:
            response = self.db.query(**kwargs)
            out += [from_item(item) for item in response["Items"]]
            if "LastEvaluatedKey" not in response:
                return out
            kwargs["ExclusiveStartKey"] = response["LastEvaluatedKey"]


def key_for_hash(digest: str) -> dict[str, Any]:
    return key(f"KEY#{digest}", "KEY")


def shard_sk(k: int) -> str:
    return f"BAL#{k}"


def slot_sk(k: int) -> str:
    return f"SLOT#{k}"
