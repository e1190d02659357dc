"""Reserve, then settle: credits are held before the upstream call and settled to the real cost after.

A reservation is one DynamoDB transaction: a balance shard pays it (condition: enough balance and a
free concurrency slot), the workspace must be unlocked, the key's spend limit and per-minute rate
must hold, and an open reservation is recorded for the sweep. Settling is one transaction too. All
limits live in DynamoDB, so they hold across every Lambda at once (docs/data-model.md).
"""

from __future__ import annotations

import random
import time
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from hyperinfer.accounts.ddb import error_code, from_item, key, to_item, transaction_token
from hyperinfer.accounts.generations import Generation
from hyperinfer.accounts.keys import ApiKey
from hyperinfer.accounts.store import AccountStore, key_for_hash, shard_sk, slot_sk
from hyperinfer.errors import ErrorCode, GatewayError

if TYPE_CHECKING:
    from mypy_boto3_dynamodb.type_defs import TransactWriteItemTypeDef, UpdateTypeDef

OPEN_PARTITIONS = 8
# Gathering funds into one shard is optimistic: under many concurrent holds a gather can lose to
# another's, and a request the balance can pay must not get a 402 for it, so it looks again.
MAX_CONSOLIDATIONS = 6
SWEEP_TTL_SECONDS = 7 * 24 * 3600  # a reservation item outlives any sweep delay


class ExtraRefused(Exception):
    """A condition of the items committed with a settlement failed: nothing was written."""


@dataclass(frozen=True, slots=True)
class Reservation:
    request_id: str
    workspace_id: str
    shard: int  # the balance shard that paid the hold
    slot: int  # the concurrency slot shard that counts the request in flight
    amount: int
    key_hash: str
    limited_key: bool  # the key has a spend limit: its committed total moves with this reservation
    # Which of the request's holds this is (0, 1, ...: one per hold taken again within a request):
    # two holds of one request may otherwise be identical transactions, and DynamoDB would apply
    # the second as a replay of the first (ClientRequestToken).
    hold: int = 0


def _cancel_reasons(error: Exception) -> list[str]:
    reasons = getattr(error, "response", {}).get("CancellationReasons") or []
    return [str(reason.get("Code", "")) for reason in reasons]


def _update(table: str, item_key: dict[str, Any], expression: str, values: dict[str, Any],
            condition: str | None = None) -> TransactWriteItemTypeDef:  # fmt: skip
    update: UpdateTypeDef = {"TableName": table, "Key": item_key, "UpdateExpression": expression,
                              "ExpressionAttributeValues": to_item(values)}  # fmt: skip
    if condition:
        update["ConditionExpression"] = condition
    return {"Update": update}


class Billing:
    def __init__(self, store: AccountStore, *, clock: Any = time.time) -> None:
        self.store = store
        self.clock = clock

    # -- reserve ---------------------------------------------------------------------------------

    def reserve(
        self,
        api_key: ApiKey,
        amount: int,
        request_id: str,
        *,
        about: dict[str, str],
        hold: int = 0,
    ) -> Reservation:
        """Hold `amount`. Balance shards and concurrency slots are tried in random order, so
        concurrent requests spread out; `about` (model, ingress_format) is kept for the sweep.
        A request's later holds (another model after a failed call, a tool loop's next turn) are
        numbered by `hold` (1, 2, ...) and not counted again against the key's per-minute rate,
        which counts requests, not upstream calls."""
        n = self.store.shards
        funds, slots = random.sample(range(n), n), random.sample(range(n), n)
        f = s = consolidations = 0
        for _ in range(8 * n):
            outcome = self._try(
                api_key,
                amount,
                request_id,
                shard=funds[f],
                slot=slots[s],
                about=about,
                hold=hold,
            )
            if isinstance(outcome, Reservation):
                return outcome
            if outcome == "slot":
                s += 1
                if s == n:
                    raise GatewayError(ErrorCode.RATE_LIMIT_EXCEEDED,
                                       "This workspace has as many requests in flight as it may.",
                                       retry_after="1")  # fmt: skip
            elif outcome == "funds":
                f += 1
                if f == n:  # no single shard can pay: gather the funds into one and try again
                    if consolidations == MAX_CONSOLIDATIONS or not self._consolidate(
                        api_key.workspace_id, amount, funds[0]
                    ):
                        break
                    f, consolidations = 0, consolidations + 1
            else:
                raise self._refusal(outcome, api_key)
        raise GatewayError(ErrorCode.INSUFFICIENT_CREDITS, "Insufficient credits for this request.")

    def _try(
        self, api_key: ApiKey, amount: int, request_id: str, *, shard: int, slot: int, about: dict[str, str],
        hold: int,
    ) -> Reservation | str:  # fmt: skip
        table, ws = self.store.table, api_key.workspace_id
        now = int(self.clock())
        items: list[tuple[str, TransactWriteItemTypeDef]] = [
            ("funds", _update(table, key(f"WS#{ws}", shard_sk(shard)), "SET balance = balance - :r",
                              {":r": amount}, "balance >= :r")),
            ("slot", _update(table, key(f"WS#{ws}", slot_sk(slot)), "SET inflight = inflight + :one",
                             {":one": 1}, "inflight < slot_cap")),
            ("workspace", {"ConditionCheck": {"TableName": table, "Key": key(f"WS#{ws}", "WS"),
                                              "ConditionExpression": "locked = :f",
                                              "ExpressionAttributeValues": {":f": {"BOOL": False}}}}),
        ]  # fmt: skip
        if api_key.spend_limit is not None:
            items.append(("key_limit", _update(
                table, key_for_hash(api_key.key_hash), "SET committed = committed + :r",
                {":r": amount, ":room": api_key.spend_limit - amount}, "committed <= :room")))  # fmt: skip
        if api_key.rpm is not None and hold == 0:
            minute = now // 60
            items.append(("rate", _update(
                table, key(f"RPM#{api_key.key_hash}", str(minute)),
                "SET requests = if_not_exists(requests, :zero) + :one, expires_at = :exp",
                {":zero": 0, ":one": 1, ":rpm": api_key.rpm, ":exp": (minute + 2) * 60},
                "attribute_not_exists(requests) OR requests < :rpm")))  # fmt: skip
        open_key = f"OPEN#{random.randrange(OPEN_PARTITIONS)}"  # noqa: S311 - load spread
        record = {
            "pk": f"RES#{request_id}",
            "sk": "RES",
            "workspace_id": ws,
            "shard": shard,
            "slot": slot,
            "amount": amount,
            "key_hash": api_key.key_hash,
            "limited_key": api_key.spend_limit is not None,
            "key_id": api_key.key_id,
            "source": api_key.source,
            **about,
            "created_at": now,
            "expires_at": now + SWEEP_TTL_SECONDS,
            "gsi1pk": open_key,
            "gsi1sk": f"{now:012d}#{request_id}",
            "hold": hold,
        }
        items.append(("reservation", {"Put": {"TableName": table, "Item": to_item(record)}}))  # fmt: skip
        try:
            transaction = [item for _, item in items]
            self.store.db.transact_write_items(
                TransactItems=transaction, ClientRequestToken=transaction_token("reserve", transaction)
            )
        except Exception as error:
            if error_code(error) != "TransactionCanceledException":
                raise
            failed = [name for (name, _), code in zip(items, _cancel_reasons(error), strict=False)
                      if code == "ConditionalCheckFailed"]  # fmt: skip
            # Refusals no other shard can cure come first; then a full slot; then short funds.
            for name in ("workspace", "key_limit", "rate", "slot", "funds"):
                if name in failed:
                    return name
            raise GatewayError(ErrorCode.INTERNAL_ERROR, "Could not reserve credits; try again.") from None
        return Reservation(
            request_id, ws, shard, slot, amount, api_key.key_hash, api_key.spend_limit is not None, hold
        )

    def _refusal(self, reason: str, api_key: ApiKey) -> GatewayError:
        if reason == "workspace":
            return GatewayError(ErrorCode.WORKSPACE_LOCKED, "This workspace is locked.")
        if reason == "key_limit":
            return GatewayError(ErrorCode.KEY_LIMIT_EXCEEDED, "This key has reached its spend limit.")
        retry = str(60 - int(self.clock()) % 60)
        return GatewayError(
            ErrorCode.RATE_LIMIT_EXCEEDED,
            f"This key allows {api_key.rpm} requests per minute.",
            retry_after=retry,
        )

    def _consolidate(self, workspace_id: str, amount: int, target: int) -> bool:
        """Move other shards' funds into `target` until it can pay `amount`; optimistic, one try."""
        shards = {s["sk"]: s for s in self.store.shard_states(workspace_id)}
        have = shards.get(shard_sk(target), {}).get("balance", 0)
        moves: list[tuple[str, int]] = []
        for sk, shard in sorted(shards.items(), key=lambda kv: -kv[1]["balance"]):
            if have >= amount:
                break
            if sk != shard_sk(target) and shard["balance"] > 0:
                moves.append((sk, shard["balance"]))
                have += shard["balance"]
        if have < amount or not moves:
            return False
        table, pk = self.store.table, f"WS#{workspace_id}"
        items = [_update(table, key(pk, sk), "SET balance = balance - :b", {":b": moved}, "balance >= :b")
                 for sk, moved in moves]  # fmt: skip
        items.append(
            _update(table, key(pk, shard_sk(target)), "ADD balance :b", {":b": sum(m for _, m in moves)})
        )
        try:
            # Moving the same balances again later is another operation: a nonce per call, so
            # only this call's own retries share its token.
            token = transaction_token("consolidate", items, uuid.uuid4().hex)
            self.store.db.transact_write_items(TransactItems=items, ClientRequestToken=token)
        except Exception as error:
            if error_code(error) == "TransactionCanceledException":
                return True  # another request moved money meanwhile: look again
            raise
        return True

    # -- settle ----------------------------------------------------------------------------------

    def settle(
        self,
        reservation: Reservation,
        cost: int,
        generation: Generation,
        extra: Sequence[TransactWriteItemTypeDef] = (),
    ) -> bool:
        """Charge the real cost, free the slot, record the generation; False if the sweep came first.
        ``extra`` items commit in the same transaction (a batch request's outcome); if one of their
        conditions fails, nothing is written and ``ExtraRefused`` says so."""
        return self._close(reservation, cost, generation, extra)

    def release(self, reservation: Reservation, cost: int) -> bool:
        """Close a hold mid-request, charging `cost` (0 after a failed call) and recording nothing:
        the request goes on under a new hold and its one generation record comes at the end."""
        return self._close(reservation, cost, None)

    def _close(
        self,
        reservation: Reservation,
        cost: int,
        generation: Generation | None,
        extra: Sequence[TransactWriteItemTypeDef] = (),
    ) -> bool:
        # The charge never exceeds the hold: the refund is never negative, so neither a balance nor
        # a key's committed spend can move past where the hold's own conditions left it.
        if not 0 <= cost <= reservation.amount:
            raise ValueError(f"charge {cost} outside the hold of {reservation.amount}")
        table, r, pk = self.store.table, reservation, f"WS#{reservation.workspace_id}"
        items: list[TransactWriteItemTypeDef] = [
            {"Delete": {"TableName": table, "Key": key(f"RES#{r.request_id}", "RES"),
                        "ConditionExpression": "attribute_exists(pk)"}},
            _update(table, key(pk, shard_sk(r.shard)), "ADD balance :refund", {":refund": r.amount - cost}),
            _update(table, key(pk, slot_sk(r.slot)), "ADD inflight :minus", {":minus": -1}),
        ]  # fmt: skip
        if generation is not None:
            items.append({"Put": {"TableName": table, "Item": to_item(generation.values())}})
        if r.limited_key:
            items.append(
                _update(table, key_for_hash(r.key_hash), "ADD committed :d", {":d": cost - r.amount})
            )
        own = len(items)
        items += extra
        try:
            self.store.db.transact_write_items(
                TransactItems=items, ClientRequestToken=transaction_token("settle", items, str(r.hold))
            )
        except Exception as error:
            reasons = _cancel_reasons(error)
            if error_code(error) != "TransactionCanceledException":
                raise
            if reasons[:1] == ["ConditionalCheckFailed"]:
                return False
            if "ConditionalCheckFailed" in reasons[own:]:
                raise ExtraRefused from None
            raise
        return True

    def record(self, generation: Generation, extra: Sequence[TransactWriteItemTypeDef] = ()) -> None:
        """A generation that never reserved (refused before the upstream call), with ``extra`` items
        in the same transaction when given (``ExtraRefused`` if one of their conditions fails)."""
        item = to_item(generation.values())
        if not extra:
            self.store.db.put_item(TableName=self.store.table, Item=item)
            return
        items: list[TransactWriteItemTypeDef] = [
            {"Put": {"TableName": self.store.table, "Item": item}},
            *extra,
        ]
        try:
            self.store.db.transact_write_items(
                TransactItems=items, ClientRequestToken=transaction_token("record", items)
            )
        except Exception as error:
            if error_code(
                error
            ) == "TransactionCanceledException" and "ConditionalCheckFailed" in _cancel_reasons(error):
                raise ExtraRefused from None
            raise

    def generation(self, request_id: str) -> dict[str, Any] | None:
        item = self.store.db.get_item(TableName=self.store.table, Key=key(f"GEN#{request_id}", "GEN")).get(
            "Item"
        )
        return from_item(item) if item else None

    # -- sweep -----------------------------------------------------------------------------------

    def open_reservations(self, older_than: int) -> list[dict[str, Any]]:
        cutoff = f"{int(self.clock()) - older_than:012d}"
        found: list[dict[str, Any]] = []
        for n in range(OPEN_PARTITIONS):
            response = self.store.db.query(
                TableName=self.store.table,
                IndexName="gsi1",
                KeyConditionExpression="gsi1pk = :p AND gsi1sk < :c",
                ExpressionAttributeValues=to_item({":p": f"OPEN#{n}", ":c": cutoff}),
            )
            found += [from_item(item) for item in response["Items"]]
        return found
