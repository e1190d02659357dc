"""The ``admin`` subcommand's argument parser, registered on the ``hyperinfer`` command."""

from __future__ import annotations

import argparse
from typing import Any

EPILOG = (
    "Connects to --endpoint-url, else HYPERINFER_AWS_ENDPOINT_URL, else the emulator of a running "
    "`hyperinfer dev` (.hyperinfer/dev.json), else AWS (boto3's default credentials). "
    "HYPERINFER_TABLE_NAME names the table. Amounts are USD (up to 6 decimals)."
)


def _positive_int(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None
    if value <= 0:
        raise argparse.ArgumentTypeError(f"{text!r} must be more than zero")
    return value


def _run(args: argparse.Namespace) -> int:
    from hyperinfer.admin import commands  # deferred: boto3 and the store load only for `admin`

    code: int = commands.run(args, getattr(commands, args.admin_action))
    return code


def _common() -> argparse.ArgumentParser:
    # SUPPRESS: a value given before the subcommand survives the subcommand's own defaults.
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--json", action="store_true", default=argparse.SUPPRESS, help="print JSON")
    common.add_argument(
        "--endpoint-url", default=argparse.SUPPRESS, help="DynamoDB endpoint (a local emulator)"
    )
    return common


def register(commands: Any) -> None:
    """Add ``admin`` to the ``hyperinfer`` subcommands (an argparse subparsers action)."""
    common = _common()
    admin = commands.add_parser(
        "admin", parents=[common], help="manage workspaces, credits and keys", epilog=EPILOG
    )
    groups = admin.add_subparsers(dest="admin_command", required=True, metavar="COMMAND")

    def leaf(parent: Any, name: str, action: str, help: str) -> argparse.ArgumentParser:
        """A runnable command; ``action`` names its function in ``admin.commands``."""
        parser: argparse.ArgumentParser = parent.add_parser(name, parents=[common], help=help)
        parser.set_defaults(run=_run, admin_action=action)
        return parser

    workspaces = groups.add_parser("workspaces", help="create and list workspaces")
    ws = workspaces.add_subparsers(dest="workspaces_command", required=True, metavar="COMMAND")
    create = leaf(ws, "create", "workspaces_create", "create a workspace")
    create.add_argument("workspace_id", metavar="ID")
    create.add_argument("--name", required=True)
    create.add_argument("--concurrency-cap", type=_positive_int, help="in-flight requests (default 64)")
    leaf(ws, "list", "workspaces_list", "list workspaces")

    credits_group = groups.add_parser("credits", help="top up or adjust a balance")
    credits = credits_group.add_subparsers(dest="credits_command", required=True, metavar="COMMAND")
    add = leaf(credits, "add", "credits_add", "add credits (a negative amount is an adjustment)")
    add.add_argument("workspace_id", metavar="WS")
    add.add_argument("amount", metavar="AMOUNT_USD", help="e.g. 25 or 0.50 or -3")
    add.add_argument("--idempotency-key", required=True, help="a retry with the same key credits only once")
    add.add_argument("--note", default="")

    leaf(groups, "lock", "lock", "refuse a workspace's requests").add_argument("workspace_id", metavar="WS")
    leaf(groups, "unlock", "unlock", "accept a workspace's requests again").add_argument(
        "workspace_id", metavar="WS"
    )

    keys_group = groups.add_parser("keys", help="create, list and revoke API keys")
    keys = keys_group.add_subparsers(dest="keys_command", required=True, metavar="COMMAND")
    key_create = leaf(keys, "create", "keys_create", "mint a key (shown once)")
    key_create.add_argument("workspace_id", metavar="WS")
    key_create.add_argument("--name", required=True)
    key_create.add_argument("--spend-limit", metavar="USD", help="lifetime spend cap")
    key_create.add_argument("--models", metavar="SLUG,SLUG", help="allowed models (default: all)")
    key_create.add_argument("--rpm", type=_positive_int, help="requests per minute")
    leaf(keys, "list", "keys_list", "list a workspace's keys").add_argument("workspace_id", metavar="WS")
    leaf(keys, "revoke", "keys_revoke", "revoke a key").add_argument("key_id", metavar="KEY_ID")

    sweep = leaf(groups, "sweep", "sweep", "settle reservations left open by requests that died")
    sweep.add_argument(
        "--older-than",
        type=int,
        metavar="SECONDS",
        help="only reservations at least this old (default: the stream maximum plus 5 minutes)",
    )

    usage = leaf(groups, "usage", "usage", "balance, ledger and generation totals")
    usage.add_argument("workspace_id", metavar="WS")
    usage.add_argument("--since", metavar="ISO", help="only entries at or after this time (UTC)")
