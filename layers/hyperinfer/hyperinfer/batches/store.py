"""Batches, their requests and files in the table and the bucket (layout in docs/batches.md).

- batch    pk=BATCH#<ws>   sk=<batch id>    state, counts, timestamps (ms), OpenAI fields
- request  pk=BREQ#<batch> sk=<index:07d>   custom_id, ingress, state, claim, lease_until, body,
                                            result (or result_key when too large for an item)
- file     pk=FILE#<ws>    sk=<file id>     filename, bytes, purpose, created_at (s), s3 key
- slot     pk=BSLOT#<ws>   sk=<n>           lease_until: the workspace's batch concurrency

Every item carries ``expires_at`` (the table's TTL attribute) 29 days after its batch was created.
Blocking calls: the async callers run them off the event loop.
"""

from __future__ import annotations

import json
import random
import re
import time
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any, Literal

from hyperinfer.accounts.ddb import error_code, from_item, key, to_item, transaction_token

if TYPE_CHECKING:
    from mypy_boto3_dynamodb.type_defs import TransactWriteItemTypeDef

RETENTION_SECONDS = 29 * 24 * 3600
# The shape of every id batches/ids.py mints (msgbatch_, batch_, file-, and the output files' own).
VALID_ID = re.compile(r"(msgbatch_|batch_|file-)[0-9A-Z]{26}[oe]?")
ITEM_BODY_LIMIT = 300_000  # bytes of JSON kept in an item; larger bodies go to S3 (items cap at 400 KB)
CHUNK = 500  # requests per chunk file and per expand message

Outcome = Literal["succeeded", "errored", "canceled", "expired"]
OUTCOMES: tuple[Outcome, ...] = ("succeeded", "errored", "canceled", "expired")


def batch_key(workspace_id: str, batch_id: str) -> dict[str, Any]:
    return key(f"BATCH#{workspace_id}", batch_id)


def request_key(batch_id: str, index: int) -> dict[str, Any]:
    return key(f"BREQ#{batch_id}", f"{index:07d}")


def file_key(workspace_id: str, file_id: str) -> dict[str, Any]:
    return key(f"FILE#{workspace_id}", file_id)


def chunk_object(workspace_id: str, batch_id: str, chunk: int) -> str:
    return f"batches/{workspace_id}/{batch_id}/requests/{chunk:05d}.jsonl"


def result_object(workspace_id: str, batch_id: str, index: int) -> str:
    return f"batches/{workspace_id}/{batch_id}/results/{index:07d}.json"


def file_object(workspace_id: str, file_id: str) -> str:
    return f"batches/{workspace_id}/files/{file_id}.jsonl"


def _is(error: Exception, code: str) -> bool:
    return error_code(error) == code


class BatchStore:
    def __init__(self, db: Any, table: str, s3: Any, bucket: str, *, clock: Any = time.time) -> None:
        self.db, self.table, self.s3, self.bucket, self.clock = db, table, s3, bucket, clock

    def now_ms(self) -> int:
        return int(self.clock() * 1000)

    # -- objects ---------------------------------------------------------------------------------

    def put_object(self, object_key: str, data: bytes) -> None:
        self.s3.put_object(Bucket=self.bucket, Key=object_key, Body=data, ContentType="application/jsonl")

    def get_object(self, object_key: str) -> bytes:
        data: bytes = self.s3.get_object(Bucket=self.bucket, Key=object_key)["Body"].read()
        return data

    # -- batches ---------------------------------------------------------------------------------

    def create(self, batch: dict[str, Any]) -> None:
        item = {**batch_key(batch["workspace_id"], batch["id"])}
        self.db.put_item(
            TableName=self.table,
            Item={**item, **to_item(batch)},
            ConditionExpression="attribute_not_exists(pk)",
        )

    def get(self, workspace_id: str, batch_id: str) -> dict[str, Any] | None:
        if not VALID_ID.fullmatch(batch_id):  # never one of ours (and DynamoDB refuses '' or 2 KB)
            return None
        item = self.db.get_item(
            TableName=self.table, Key=batch_key(workspace_id, batch_id), ConsistentRead=True
        ).get("Item")
        return _strip(from_item(item)) if item else None

    def page(
        self, workspace_id: str, prefix: str, *, limit: int, before: str | None, after: str | None
    ) -> tuple[list[dict[str, Any]], bool]:
        """Newest first (ids sort by time). ``after``: the page that follows that id; ``before``: the
        page just before it. ``prefix`` (``msgbatch_``, ``batch_``) keeps each API to its own."""
        query: dict[str, Any] = {
            "TableName": self.table,
            "KeyConditionExpression": "pk = :pk AND begins_with(sk, :prefix)",
            "ExpressionAttributeValues": to_item({":pk": f"BATCH#{workspace_id}", ":prefix": prefix}),
            "ScanIndexForward": before is not None,
            "Limit": limit + 1,
        }
        if after is not None:
            query["ExclusiveStartKey"] = batch_key(workspace_id, after)
        if before is not None:
            query["ExclusiveStartKey"] = batch_key(workspace_id, before)
        found: list[dict[str, Any]] = []
        while len(found) <= limit:
            page = self.db.query(**query)
            found += [from_item(item) for item in page["Items"]]
            if "LastEvaluatedKey" not in page:
                break
            query["ExclusiveStartKey"] = page["LastEvaluatedKey"]
        more = len(found) > limit
        found = found[:limit]
        if before is not None:
            found.reverse()
        return [_strip(b) for b in found], more

    def update(
        self,
        workspace_id: str,
        batch_id: str,
        changes: dict[str, Any],
        condition: str = "",
        condition_values: dict[str, Any] | None = None,
    ) -> bool:
        """SET ``changes`` on the batch; False when ``condition`` (``#state`` names the batch's
        state, ``condition_values`` its ``:`` values) does not hold."""
        names = {f"#{n}": n for n in changes}
        values = {f":{n}": v for n, v in changes.items()} | (condition_values or {})
        request: dict[str, Any] = {
            "TableName": self.table,
            "Key": batch_key(workspace_id, batch_id),
            "UpdateExpression": "SET " + ", ".join(f"#{n} = :{n}" for n in changes),
            "ExpressionAttributeNames": names,
            "ExpressionAttributeValues": to_item(values),
            "ConditionExpression": f"attribute_exists(pk) AND ({condition})"
            if condition
            else "attribute_exists(pk)",
        }
        if condition:
            request["ExpressionAttributeNames"]["#state"] = "state"
        try:
            self.db.update_item(**request)
        except Exception as error:
            if _is(error, "ConditionalCheckFailedException"):
                return False
            raise
        return True

    def delete(self, workspace_id: str, batch_id: str) -> None:
        """The batch and its requests leave the table (nothing reaches its objects any more); the
        objects themselves go with the bucket's lifecycle rule, as nothing here deletes objects."""
        for request in self.requests(batch_id):
            self.db.delete_item(TableName=self.table, Key=request_key(batch_id, request["index"]))
        self.db.delete_item(TableName=self.table, Key=batch_key(workspace_id, batch_id))

    def counts_item(self, workspace_id: str, batch_id: str, outcome: Outcome) -> TransactWriteItemTypeDef:
        """The transaction item that moves one request from processing to ``outcome``."""
        return {
            "Update": {
                "TableName": self.table,
                "Key": batch_key(workspace_id, batch_id),
                "UpdateExpression": "ADD processing :minus, #o :one",
                "ExpressionAttributeNames": {"#o": outcome},
                "ExpressionAttributeValues": to_item({":minus": -1, ":one": 1}),
            }
        }

    # -- requests --------------------------------------------------------------------------------

    def put_requests(self, batch_id: str, workspace_id: str, rows: list[dict[str, Any]], ttl: int) -> None:
        """Write request items (idempotent: an expand message redelivered rewrites only pending ones)."""
        for row in rows:
            item = {**request_key(batch_id, row["index"]), **to_item({**row, "expires_at": ttl})}
            item["state"] = {"S": "pending"}
            try:
                self.db.put_item(
                    TableName=self.table, Item=item, ConditionExpression="attribute_not_exists(pk)"
                )
            except Exception as error:
                if not _is(error, "ConditionalCheckFailedException"):
                    raise

    def claim(self, batch_id: str, index: int, token: str, lease_seconds: int) -> dict[str, Any] | None:
        """Take a pending request (or one whose lease ran out) for this run; None if it is not free."""
        now = int(self.clock())
        try:
            got = self.db.update_item(
                TableName=self.table,
                Key=request_key(batch_id, index),
                UpdateExpression="SET #s = :running, claim = :tok, lease_until = :until ADD attempts :one",
                ConditionExpression="attribute_exists(pk) AND "
                "(#s = :pending OR (#s = :running AND lease_until < :now))",
                ExpressionAttributeNames={"#s": "state"},
                ExpressionAttributeValues=to_item(
                    {
                        ":running": "running",
                        ":pending": "pending",
                        ":tok": token,
                        ":until": now + lease_seconds,
                        ":now": now,
                        ":one": 1,
                    }
                ),
                ReturnValues="ALL_NEW",
            )
        except Exception as error:
            if _is(error, "ConditionalCheckFailedException"):
                return None
            raise
        return from_item(got["Attributes"])

    def outcome_item(
        self, batch_id: str, index: int, outcome: Outcome, result: dict[str, Any], *, claim: str | None
    ) -> TransactWriteItemTypeDef:
        """The transaction item that gives a request its outcome: only by the run holding its claim,
        or (``claim`` None: canceled, expired) only while nobody runs it."""
        values: dict[str, Any] = {":o": outcome, ":r": result}
        if claim is None:
            condition = "#s = :pending OR (#s = :running AND lease_until < :now)"
            values |= {":pending": "pending", ":running": "running", ":now": int(self.clock())}
        else:
            condition = "#s = :running AND claim = :tok"
            values |= {":running": "running", ":tok": claim}
        return {
            "Update": {
                "TableName": self.table,
                "Key": request_key(batch_id, index),
                "UpdateExpression": "SET #s = :o, #r = :r REMOVE lease_until",
                "ConditionExpression": f"attribute_exists(pk) AND ({condition})",
                "ExpressionAttributeNames": {"#s": "state", "#r": "result"},
                "ExpressionAttributeValues": to_item(values),
            }
        }

    def transact(self, items: list[TransactWriteItemTypeDef]) -> bool:
        """All or nothing; False when a condition failed (the request already has its outcome)."""
        try:
            self.db.transact_write_items(
                TransactItems=items, ClientRequestToken=transaction_token("batch-outcome", items)
            )
        except Exception as error:
            if _is(error, "TransactionCanceledException"):
                return False
            raise
        return True

    def requests(self, batch_id: str) -> Iterator[dict[str, Any]]:
        """Every request of the batch, read consistently: the results file is written right after
        the last outcome."""
        query: dict[str, Any] = {
            "TableName": self.table,
            "ConsistentRead": True,
            "KeyConditionExpression": "pk = :pk",
            "ExpressionAttributeValues": to_item({":pk": f"BREQ#{batch_id}"}),
        }
        while True:
            page = self.db.query(**query)
            for item in page["Items"]:
                request = from_item(item)
                request["index"] = int(request["sk"])
                yield request
            if "LastEvaluatedKey" not in page:
                return
            query["ExclusiveStartKey"] = page["LastEvaluatedKey"]

    def result_of(self, request: dict[str, Any]) -> dict[str, Any]:
        """A request's result as ``stored_result`` kept it."""
        result = request.get("result") or {}
        if "s3_key" in result:
            loaded: dict[str, Any] = json.loads(self.get_object(result["s3_key"]))
            return loaded
        if "json" in result:
            parsed: dict[str, Any] = json.loads(result["json"])
            return parsed
        return dict(result)

    def stored_result(
        self, workspace_id: str, batch_id: str, index: int, result: dict[str, Any]
    ) -> dict[str, Any]:
        """``result`` as the request item keeps it: as JSON text (answers hold floats, which
        DynamoDB numbers would not keep exact), or a pointer to S3 when too large for an item."""
        text = json.dumps(result, separators=(",", ":"), ensure_ascii=False)
        if len(text.encode()) <= ITEM_BODY_LIMIT:
            return {"json": text}
        object_key = result_object(workspace_id, batch_id, index)
        self.put_object(object_key, text.encode())
        return {"s3_key": object_key}

    # -- the workspace's concurrency -------------------------------------------------------------

    def acquire_slot(self, workspace_id: str, slots: int, lease_seconds: int) -> int | None:
        """One of the workspace's ``slots`` batch slots, leased; None when all are taken."""
        now = int(self.clock())
        for n in random.sample(range(slots), slots):
            try:
                self.db.put_item(
                    TableName=self.table,
                    Item=to_item(
                        {"pk": f"BSLOT#{workspace_id}", "sk": str(n), "lease_until": now + lease_seconds}
                    ),
                    ConditionExpression="attribute_not_exists(pk) OR lease_until < :now",
                    ExpressionAttributeValues=to_item({":now": now}),
                )
            except Exception as error:
                if _is(error, "ConditionalCheckFailedException"):
                    continue
                raise
            return n
        return None

    def release_slot(self, workspace_id: str, slot: int) -> None:
        self.db.delete_item(TableName=self.table, Key=key(f"BSLOT#{workspace_id}", str(slot)))

    # -- files -----------------------------------------------------------------------------------

    def put_file(self, workspace_id: str, record: dict[str, Any], data: bytes) -> None:
        self.put_object(file_object(workspace_id, record["id"]), data)
        self.db.put_item(
            TableName=self.table, Item={**file_key(workspace_id, record["id"]), **to_item(record)}
        )

    def get_file(self, workspace_id: str, file_id: str) -> dict[str, Any] | None:
        if not VALID_ID.fullmatch(file_id):
            return None
        item = self.db.get_item(TableName=self.table, Key=file_key(workspace_id, file_id)).get("Item")
        return _strip(from_item(item)) if item else None

    def file_content(self, workspace_id: str, file_id: str) -> bytes:
        return self.get_object(file_object(workspace_id, file_id))


def _strip(item: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in item.items() if k not in ("pk", "sk")}
