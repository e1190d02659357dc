"""Settling reservations that nobody settled (the function died mid-request).

Policy: a reservation older than the longest a request can run (the stream's maximum duration)
plus a grace period is settled at its full reserved amount. The provider has billed us for a call
we cannot measure any more, and the reserved amount is the bound the client already accepted:
never more, and not forgiven. Its generation record is written with status "swept".
"""

from __future__ import annotations

from datetime import UTC, datetime

from hyperinfer.accounts.billing import Billing, Reservation
from hyperinfer.accounts.generations import Generation

GRACE_SECONDS = 300


def sweep(billing: Billing, *, older_than: int) -> list[str]:
    """Settle every stale reservation; the request ids settled (a racing settle wins, quietly)."""
    settled = []
    for item in billing.open_reservations(older_than):
        reservation = Reservation(
            request_id=item["pk"].removeprefix("RES#"),
            workspace_id=item["workspace_id"],
            shard=item["shard"],
            slot=item["slot"],
            amount=item["amount"],
            key_hash=item["key_hash"],
            limited_key=bool(item.get("limited_key")),
            hold=int(item.get("hold", 0)),
        )
        created = datetime.fromtimestamp(item["created_at"], UTC).isoformat(timespec="milliseconds")
        generation = Generation(
            id=reservation.request_id,
            workspace_id=reservation.workspace_id,
            key_id=item.get("key_id", ""),
            model=item.get("model", ""),
            ingress_format=item.get("ingress_format", "chat_completions"),
            source=item.get("source", "api"),
            cost_micro_usd=reservation.amount,
            status="swept",
            created_at=created,
        )
        if billing.settle(reservation, reservation.amount, generation):
            settled.append(reservation.request_id)
    return settled
