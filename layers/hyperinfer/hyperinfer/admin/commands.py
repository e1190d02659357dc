"""`hyperinfer admin ...`: each command returns what it did as data (``--json``) and as text.

Every failure the user can fix exits 2 with one line on stderr; the DynamoDB calls go through
``AccountStore``, so the CLI and the gateway agree on the data model.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from hyperinfer.accounts.store import DEFAULT_CONCURRENCY_CAP, AccountError, AccountStore
from hyperinfer.admin import render
from hyperinfer.admin.amounts import AmountError, format_usd, parse_usd
from hyperinfer.admin.connect import AdminError, Target, connect
from hyperinfer.admin.usage import parse_since, summarize

# '#' separates the parts of the table's keys (IDEM#<ws>#<idem>): it must not occur in an id.
WORKSPACE_ID = re.compile(r"[A-Za-z0-9_.-]{1,64}")
KEY_WARNING = "hyperinfer admin: this key is shown once and is not stored anywhere; copy it now."


@dataclass(frozen=True)
class Outcome:
    data: Any  # printed as JSON with --json
    text: str  # printed otherwise
    warning: str | None = None  # always on stderr


Action = Callable[[AccountStore, argparse.Namespace, Target], Outcome]


# -- workspaces ----------------------------------------------------------------------------------


def workspaces_create(store: AccountStore, args: argparse.Namespace, target: Target) -> Outcome:
    if not WORKSPACE_ID.fullmatch(args.workspace_id):
        raise AdminError(f"workspace id {args.workspace_id!r}: use 1-64 letters, digits, '_', '-' or '.'")
    if not args.name.strip():
        raise AdminError("--name must not be empty")
    store.create_workspace(
        args.workspace_id, args.name, concurrency_cap=args.concurrency_cap or DEFAULT_CONCURRENCY_CAP
    )
    record = render.workspace_record(_workspace(store, args.workspace_id))
    return Outcome(record, render.workspaces_table([record]))


def workspaces_list(store: AccountStore, args: argparse.Namespace, target: Target) -> Outcome:
    records = [render.workspace_record(w) for w in store.workspaces()]
    return Outcome(records, render.workspaces_table(records))


def lock(store: AccountStore, args: argparse.Namespace, target: Target) -> Outcome:
    store.set_locked(args.workspace_id, True)
    text = f"{args.workspace_id} locked: its requests are refused (403 workspace_locked)"
    return Outcome({"workspace_id": args.workspace_id, "locked": True}, text)


def unlock(store: AccountStore, args: argparse.Namespace, target: Target) -> Outcome:
    store.set_locked(args.workspace_id, False)
    return Outcome({"workspace_id": args.workspace_id, "locked": False}, f"{args.workspace_id} unlocked")


# -- credits -------------------------------------------------------------------------------------


def credits_add(store: AccountStore, args: argparse.Namespace, target: Target) -> Outcome:
    amount = parse_usd(args.amount)
    if amount == 0:
        raise AdminError("the amount must not be zero")
    if not args.idempotency_key.strip():
        raise AdminError("--idempotency-key must not be empty")
    kind = "top_up" if amount > 0 else "adjustment"
    credited = store.add_credits(args.workspace_id, amount, args.idempotency_key, kind=kind, note=args.note)
    if not credited:
        earlier = next(
            (e for e in store.ledger(args.workspace_id) if e.get("idempotency_key") == args.idempotency_key),
            None,
        )
        if earlier is not None and earlier["amount"] != amount:
            raise AdminError(
                f"idempotency key {args.idempotency_key!r} was already used for "
                f"{render.usd(earlier['amount'])}, not {render.usd(amount)}; nothing changed"
            )
    balance = store.balance(args.workspace_id)
    data = {
        "workspace_id": args.workspace_id,
        "amount_micro_usd": amount,
        "amount_usd": format_usd(amount),
        "kind": kind,
        "idempotency_key": args.idempotency_key,
        "credited": credited,
        "balance_micro_usd": balance,
        "balance_usd": format_usd(balance),
    }
    done = (
        f"{kind.replace('_', '-')} of {render.usd(amount)} applied to {args.workspace_id}"
        if credited
        else f"already applied (idempotency key {args.idempotency_key!r}): nothing changed"
    )
    return Outcome(data, f"{done}; balance {render.usd(balance)}")


# -- keys ----------------------------------------------------------------------------------------


def keys_create(store: AccountStore, args: argparse.Namespace, target: Target) -> Outcome:
    spend_limit = None if args.spend_limit is None else parse_usd(args.spend_limit)
    if spend_limit is not None and spend_limit <= 0:
        raise AdminError("--spend-limit must be more than zero")
    models = tuple(slug.strip() for slug in (args.models or "").split(",") if slug.strip())
    if not args.name.strip():
        raise AdminError("--name must not be empty")
    plain, key = store.create_key(
        args.workspace_id, args.name, spend_limit=spend_limit, models=models, rpm=args.rpm
    )
    record = {**render.key_record(key), "key": plain}
    text = f"{render.keys_table([record])}\n\nkey: {plain}"
    return Outcome(record, text, warning=KEY_WARNING)


def keys_list(store: AccountStore, args: argparse.Namespace, target: Target) -> Outcome:
    _workspace(store, args.workspace_id)
    records = [render.key_record(k) for k in store.keys(args.workspace_id)]
    return Outcome(records, render.keys_table(records))


def keys_revoke(store: AccountStore, args: argparse.Namespace, target: Target) -> Outcome:
    record = render.key_record(store.revoke_key(args.key_id))
    delay = target.settings.key_cache_ttl
    text = (
        f"revoked {record['key_id']} ({record['prefix']}..., {record['name']}); "
        f"refused everywhere within {delay:g} s"
    )
    return Outcome(record, text)


def sweep(store: AccountStore, args: argparse.Namespace, target: Target) -> Outcome:
    """The written policy (accounts/sweep.py): a stale hold is charged in full and marked "swept"."""
    from hyperinfer.accounts.billing import Billing
    from hyperinfer.accounts.sweep import GRACE_SECONDS
    from hyperinfer.accounts.sweep import sweep as settle_stale

    older_than = args.older_than
    if older_than is None:
        older_than = int(target.settings.stream_max_duration) + GRACE_SECONDS
    settled = settle_stale(Billing(store), older_than=older_than)
    return Outcome({"settled": settled}, f"settled {len(settled)} stale reservation(s)")


# -- usage ---------------------------------------------------------------------------------------


def usage(store: AccountStore, args: argparse.Namespace, target: Target) -> Outcome:
    try:
        since = None if args.since is None else parse_since(args.since)
    except ValueError as error:
        raise AdminError(str(error)) from None
    workspace = _workspace(store, args.workspace_id)
    balance = store.balance(args.workspace_id)
    ledger = [
        {
            "created_at": e["created_at"],
            "kind": e["kind"],
            "amount_micro_usd": e["amount"],
            "amount_usd": format_usd(e["amount"]),
            "idempotency_key": e["idempotency_key"],
            "note": e.get("note", ""),
        }
        for e in sorted(store.ledger(args.workspace_id), key=lambda e: str(e["created_at"]))
        if since is None or e["created_at"] >= since
    ]
    report = {
        "workspace_id": args.workspace_id,
        "locked": bool(workspace.get("locked")),
        "since": since,
        "balance_micro_usd": balance,
        "balance_usd": format_usd(balance),
        "ledger": ledger,
        "generations": summarize(store.generations(args.workspace_id, since)),
    }
    return Outcome(report, render.usage_text(report))


def _workspace(store: AccountStore, workspace_id: str) -> dict[str, Any]:
    found = store.workspace(workspace_id)
    if found is None:
        raise AdminError(f"no workspace {workspace_id!r}")
    return found


# -- running one ---------------------------------------------------------------------------------


def run(args: argparse.Namespace, action: Action) -> int:
    import httpx
    from botocore.exceptions import BotoCoreError, ClientError, EndpointConnectionError, NoCredentialsError

    from hyperinfer.aws_json import AwsError

    target: Target | None = None
    try:
        store, target = connect(getattr(args, "endpoint_url", None))
        outcome = action(store, args, target)
    except (AdminError, AccountError, AmountError) as error:
        return _fail(str(error))
    except NoCredentialsError:
        return _fail("no AWS credentials found: pass --endpoint-url or run `hyperinfer dev`")
    except (EndpointConnectionError, httpx.ConnectError):  # boto3's and aws_json's words for it
        hint = "; is `hyperinfer dev` still running?" if target and target.origin.endswith("dev.json") else ""
        return _fail(f"cannot reach DynamoDB at {target.where if target else '?'}{hint}")
    except (ClientError, AwsError) as error:
        code = error.response.get("Error", {}).get("Code", "")
        if code == "ResourceNotFoundException" and target is not None:
            return _fail(f"no table {target.settings.table_name!r} at {target.where}")
        return _fail(f"DynamoDB refused: {error}")
    except BotoCoreError as error:
        return _fail(f"AWS error: {error}")
    if getattr(args, "json", False):
        print(json.dumps(outcome.data, indent=2))
    else:
        print(outcome.text)
    if outcome.warning:
        print(outcome.warning, file=sys.stderr)
    return 0


def _fail(message: str) -> int:
    print(f"hyperinfer admin: {message}", file=sys.stderr)
    return 2
