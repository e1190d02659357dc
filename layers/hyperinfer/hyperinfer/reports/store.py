"""Stored reports: DynamoDB items (listing + guard) and, for large payloads, S3 objects.

Per report, one transaction writes two items:
- the listing item, pk ``RPT#<ws>``, sk ``<received_at:013d>#<report_id>`` (``records.record_key``),
  which time-range queries read;
- a guard item, pk ``RPTID#<ws>#<report_id>``, sk ``RPTID``, conditional on not existing.
The guard's key does not depend on time, so a redelivered message, or a client's retry whose
``received_at`` differs, cancels the transaction: already stored, a success, never a duplicate.

Payloads (``req_payload`` and ``resp_payload``) are kept as one JSON string; when the item would
exceed ``records.ITEM_BODY_LIMIT`` bytes they go to S3 (``bodies/<ws>/<report_id>.json``), with the
error message (which can be as large), and the item keeps ``body_s3_key``. Reading re-inflates them,
so callers always see whole records. Metadata stays in the item (queries filter on it), bounded at
ingest (``models.MAX_METADATA_BYTES``); each key is stored behind ``META_PREFIX``, so no key a client
picks (``S``, ``M``, an empty one) can be read as a DynamoDB type name.
"""

from __future__ import annotations

import base64
import json
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from hyperinfer.accounts.ddb import error_code, from_item, key, to_item, transaction_token
from hyperinfer.reports.layout import body_key
from hyperinfer.reports.records import ITEM_BODY_LIMIT, ReportRecord, record_key
from hyperinfer.settings import Settings

if TYPE_CHECKING:
    from mypy_boto3_dynamodb.type_defs import TransactWriteItemTypeDef

    from hyperinfer.aws_json import DynamoDBClient
    from hyperinfer.aws_s3 import S3Client

GUARD_SK = "RPTID"
_SK = re.compile(r"\d{13}#[A-Za-z0-9_-]{1,128}")
_QUERY_PAGE = 200  # items per DynamoDB Query call while filtering


class CursorError(ValueError):
    """A ``cursor`` that this store did not hand out."""


@dataclass(frozen=True, slots=True)
class Page:
    records: list[ReportRecord]
    next_cursor: str | None


def guard_key(workspace_id: str, report_id: str) -> tuple[str, str]:
    return f"RPTID#{workspace_id}#{report_id}", GUARD_SK


def encode_cursor(sk: str) -> str:
    return base64.urlsafe_b64encode(sk.encode()).decode().rstrip("=")


def decode_cursor(cursor: str) -> str:
    try:
        sk = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
    except ValueError:
        raise CursorError("not a cursor this API returned") from None
    if not _SK.fullmatch(sk):
        raise CursorError("not a cursor this API returned")
    return sk


META_PREFIX = "="


def _body_json(record: ReportRecord, *, with_error: bool = False) -> str:
    payloads = {"req_payload": record.req_payload, "resp_payload": record.resp_payload}
    if with_error:
        payloads["error_message"] = record.error_message
    return json.dumps(payloads, separators=(",", ":"), ensure_ascii=False)


def _stored_metadata(metadata: Mapping[str, str]) -> dict[str, str]:
    return {META_PREFIX + name: value for name, value in metadata.items()}


def _read_metadata(stored: Mapping[str, Any]) -> dict[str, Any]:
    # Items written before the prefix keep their keys as they were.
    return {name.removeprefix(META_PREFIX): value for name, value in stored.items()}


class ReportStore:
    def __init__(self, db: DynamoDBClient, s3: S3Client, table: str, bucket: str) -> None:
        self.db = db
        self.s3 = s3
        self.table = table
        self.bucket = bucket

    @classmethod
    def from_settings(cls, settings: Settings) -> ReportStore:
        from hyperinfer import aws

        return cls(aws.dynamodb(settings), aws.s3(settings), settings.table_name, settings.report_bucket_name)

    # -- writing ---------------------------------------------------------------------------------

    def put(self, record: ReportRecord) -> bool:
        """Store ``record`` once: True if stored now, False if its report id was already stored.

        Raises on anything else (throttling, a transaction conflict, S3 down): the caller retries.
        """
        item = self._item(record)
        pk, sk = guard_key(record.workspace_id, record.report_id)
        guard = {"pk": pk, "sk": sk, "listing_sk": item["sk"]}
        items: list[TransactWriteItemTypeDef] = [
            {
                "Put": {
                    "TableName": self.table,
                    "Item": to_item(guard),
                    "ConditionExpression": "attribute_not_exists(pk)",
                }
            },
            {
                "Put": {
                    "TableName": self.table,
                    "Item": to_item(item),
                    "ConditionExpression": "attribute_not_exists(pk)",
                }
            },
        ]
        try:
            # A re-send of this very transaction within DynamoDB's 10-minute window (an answer
            # lost and retried) is applied once and answers True: the write was this one's.
            self.db.transact_write_items(
                TransactItems=items, ClientRequestToken=transaction_token("report", items)
            )
        except Exception as error:
            if error_code(error) != "TransactionCanceledException":
                raise
            reasons = getattr(error, "response", {}).get("CancellationReasons") or []
            if any(reason.get("Code") == "ConditionalCheckFailed" for reason in reasons):
                return False  # the guard (or the very same listing item) exists: stored before
            raise  # cancelled for another reason (a conflict, throttling): retry later
        return True

    def _item(self, record: ReportRecord) -> dict[str, Any]:
        pk, sk = record_key(record.workspace_id, record.received_at, record.report_id)
        values = record.model_dump(exclude={"req_payload", "resp_payload", "body_s3_key"})
        values["metadata"] = _stored_metadata(record.metadata)
        body = _body_json(record)
        # The rest of the item (metadata, error message) counts against DynamoDB's 400 KB as well.
        rest = len(json.dumps(values, ensure_ascii=False).encode())
        if len(body.encode()) + rest > ITEM_BODY_LIMIT:
            values["body_s3_key"] = self._put_body(record, _body_json(record, with_error=True))
            values.pop("error_message")
        else:
            values["body"] = body
        return {"pk": pk, "sk": sk, **values}

    def _put_body(self, record: ReportRecord, body: str) -> str:
        s3_key = body_key(record.workspace_id, record.report_id)
        try:
            # If-None-Match: the first body written for a report id stays, like its record does.
            self.s3.put_object(
                Bucket=self.bucket,
                Key=s3_key,
                Body=body.encode(),
                ContentType="application/json",
                IfNoneMatch="*",
            )
        except Exception as error:
            if error_code(error) not in {"PreconditionFailed", "ConditionalRequestConflict"}:
                raise
        return s3_key

    # -- reading ---------------------------------------------------------------------------------

    def get(self, workspace_id: str, report_id: str) -> ReportRecord | None:
        guard = self.db.get_item(TableName=self.table, Key=key(*guard_key(workspace_id, report_id)))
        if "Item" not in guard:
            return None
        listing_sk = from_item(guard["Item"])["listing_sk"]
        found = self.db.get_item(TableName=self.table, Key=key(f"RPT#{workspace_id}", listing_sk))
        return self._record(found["Item"]) if "Item" in found else None

    def query(
        self,
        workspace_id: str,
        *,
        since: int | None = None,
        until: int | None = None,
        metadata: Mapping[str, str] | None = None,
        limit: int = 100,
        cursor: str | None = None,
        max_bytes: int | None = None,
    ) -> Page:
        """One page of a workspace's reports, oldest first: ``since <= received_at < until`` (ms),
        every ``metadata`` pair matching. ``max_bytes`` bounds the page's JSON size (one record at
        least), so a page of large reports still fits a Lambda response."""
        if limit < 1:
            raise ValueError("limit must be at least 1")
        records: list[ReportRecord] = []
        size = 0
        last_sk = ""
        for sk, record in self.scan(workspace_id, since=since, until=until, metadata=metadata, cursor=cursor):
            # A cursor only when another record follows: the last page never comes back empty.
            if len(records) == limit:
                return Page(records, encode_cursor(last_sk))
            if max_bytes is not None:  # as json.dumps writes it: ASCII, so characters are bytes
                size += len(json.dumps(record.model_dump(mode="json")))
                if records and size > max_bytes:
                    return Page(records, encode_cursor(last_sk))
            records.append(record)
            last_sk = sk
        return Page(records, None)

    def scan(
        self,
        workspace_id: str,
        *,
        since: int | None = None,
        until: int | None = None,
        metadata: Mapping[str, str] | None = None,
        cursor: str | None = None,
    ) -> Iterator[tuple[str, ReportRecord]]:
        """Every matching record (with its sort key, for cursors), oldest first, page by page."""
        if since is not None and until is not None and until <= since:
            return
        kwargs = self._query_args(workspace_id, since, until, metadata or {})
        if cursor is not None:
            kwargs["ExclusiveStartKey"] = key(f"RPT#{workspace_id}", decode_cursor(cursor))
        while True:
            response = self.db.query(**kwargs)
            for item in response["Items"]:
                yield item["sk"]["S"], self._record(item)
            if "LastEvaluatedKey" not in response:
                return
            kwargs["ExclusiveStartKey"] = response["LastEvaluatedKey"]

    def _query_args(
        self, workspace_id: str, since: int | None, until: int | None, metadata: Mapping[str, str]
    ) -> dict[str, Any]:
        names: dict[str, str] = {}
        values: dict[str, Any] = {":pk": f"RPT#{workspace_id}"}
        condition = "pk = :pk"
        # Sort keys start with the 13-digit time; '~' sorts after every report id character.
        if since is not None and until is not None:
            condition += " AND sk BETWEEN :lo AND :hi"
            values[":lo"], values[":hi"] = f"{max(since, 0):013d}", f"{max(until - 1, 0):013d}#~"
        elif since is not None:
            condition += " AND sk >= :lo"
            values[":lo"] = f"{max(since, 0):013d}"
        elif until is not None:
            condition += " AND sk < :hi"
            values[":hi"] = f"{max(until, 0):013d}"
        filters = []
        for n, (name, value) in enumerate(sorted(metadata.items())):
            names["#m"], names[f"#k{n}"] = "metadata", META_PREFIX + name
            values[f":v{n}"] = value
            match = f"#m.#k{n} = :v{n}"
            if name:  # also the unprefixed key, as items written before the prefix hold it
                names[f"#o{n}"] = name
                match = f"({match} OR #m.#o{n} = :v{n})"
            filters.append(match)
        kwargs: dict[str, Any] = {
            "TableName": self.table,
            "KeyConditionExpression": condition,
            "ExpressionAttributeValues": to_item(values),
            "Limit": _QUERY_PAGE,
        }
        if filters:
            kwargs["FilterExpression"] = " AND ".join(filters)
            kwargs["ExpressionAttributeNames"] = names
        return kwargs

    def _record(self, item: dict[str, Any]) -> ReportRecord:
        values = from_item(item)
        body = values.pop("body", None)
        if body is None and values.get("body_s3_key"):
            got = self.s3.get_object(Bucket=self.bucket, Key=values["body_s3_key"])
            body = got["Body"].read().decode()
        payloads = json.loads(body) if body is not None else {}
        if isinstance(values.get("metadata"), dict):
            values["metadata"] = _read_metadata(values["metadata"])
        fields = {k: v for k, v in values.items() if k in ReportRecord.model_fields}
        return ReportRecord.model_validate({**fields, **payloads})
