"""``hyperinfer reports``: upload a JSONL file of reports, export a workspace's reports, redrive a DLQ.

``upload`` goes through the API (an API key, like any client); ``export`` and ``redrive`` are operator
commands that reach DynamoDB, S3 and SQS directly, found as the admin commands find them
(``admin.connect``: --endpoint-url, HYPERINFER_AWS_ENDPOINT_URL, a running ``hyperinfer dev``, AWS).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path
from typing import Any

from hyperinfer.settings import Settings

QUEUES = ("reports", "report_uploads")
# What a running `hyperinfer dev` records beyond what admin.connect applies itself.
_STATE_FIELDS = ("report_queue_name", "upload_queue_name", "report_bucket_name")


def _fail(message: str) -> int:
    print(f"hyperinfer reports: {message}", file=sys.stderr)
    return 1


def _settings(endpoint_url: str | None) -> Settings:
    from hyperinfer.admin.connect import connect
    from hyperinfer.local.dev import read_state

    _, target = connect(endpoint_url)
    settings = target.settings
    state = read_state() or {}
    if settings.aws_endpoint_url and settings.aws_endpoint_url == state.get("aws_endpoint_url"):
        update = {
            name: state[name]
            for name in _STATE_FIELDS
            if state.get(name) and name not in settings.model_fields_set
        }
        settings = settings.model_copy(update=update)
    return settings


def _upload(args: argparse.Namespace) -> int:
    from hyperinfer.local.dev import read_state
    from hyperinfer.reports.upload_client import UploadError, progress_bar, upload, wait_for_status

    base_url = args.base_url or (read_state() or {}).get("gateway_url")
    if not base_url:
        return _fail("no --base-url and no running `hyperinfer dev` (.hyperinfer/dev.json)")
    if not args.api_key:
        return _fail("no API key: pass --api-key or set HYPERINFER_API_KEY")
    path: Path = args.file
    if not path.is_file():
        return _fail(f"{path}: no such file")
    try:
        upload_id = upload(base_url.rstrip("/"), args.api_key, path, progress_bar(path.name))
        print(f"uploaded {path} as {upload_id}", file=sys.stderr)
        if args.no_wait:
            print(json.dumps({"upload_id": upload_id, "state": "pending"}))
            return 0
        status = wait_for_status(base_url.rstrip("/"), args.api_key, upload_id, timeout=args.timeout)
    except (UploadError, OSError) as error:
        return _fail(str(error))
    print(json.dumps(status, indent=2))
    return 0 if status["state"] == "done" else 1


def _export(args: argparse.Namespace) -> int:
    from hyperinfer.admin.connect import AdminError
    from hyperinfer.reports.export import parse_meta, parse_time, public_record
    from hyperinfer.reports.store import ReportStore

    try:
        since = parse_time(args.since)
        until = parse_time(args.until) if args.until else None
        metadata = parse_meta(args.meta or [])
        store = ReportStore.from_settings(_settings(args.endpoint_url))
    except (ValueError, AdminError) as error:
        return _fail(str(error))
    count = 0
    for _, record in store.scan(args.workspace, since=since, until=until, metadata=metadata):
        sys.stdout.write(json.dumps(public_record(record), ensure_ascii=False) + "\n")
        count += 1
    sys.stdout.flush()
    print(f"exported {count} report(s) of {args.workspace}", file=sys.stderr)
    return 0


def _redrive(args: argparse.Namespace) -> int:
    from hyperinfer import aws
    from hyperinfer.admin.connect import AdminError
    from hyperinfer.consumers import queue_name
    from hyperinfer.function_table import CONSUMERS
    from hyperinfer.reports.redrive import redrive

    try:
        settings = _settings(args.endpoint_url)
    except AdminError as error:
        return _fail(str(error))
    [spec] = [spec for spec in CONSUMERS if spec.queue == args.queue]
    sqs: Any = aws.sqs(settings)
    name = queue_name(settings, spec)
    try:
        moved = redrive(sqs, sqs.get_queue_url(QueueName=name)["QueueUrl"], limit=args.limit)
    except (ValueError, RuntimeError) as error:
        return _fail(str(error))
    print(f"moved {moved} message(s) from the dead-letter queue back to {name}")
    return 0


def register(commands: Any) -> None:
    """Add ``reports`` to the ``hyperinfer`` subcommands (an argparse subparsers action)."""
    reports = commands.add_parser("reports", help="upload, export and redrive reports")
    actions = reports.add_subparsers(dest="reports_command", required=True, metavar="COMMAND")

    upload = actions.add_parser("upload", help="upload a JSONL file of reports and wait for its ingestion")
    upload.add_argument("file", type=Path, metavar="FILE", help='one report per line (+ "format")')
    upload.add_argument(
        "--api-key", default=os.environ.get("HYPERINFER_API_KEY"), help="env HYPERINFER_API_KEY"
    )
    upload.add_argument("--base-url", help="the gateway (default: a running `hyperinfer dev`)")
    upload.add_argument("--no-wait", action="store_true", help="return once uploaded")
    upload.add_argument("--timeout", type=float, default=300.0, help="seconds to wait for ingestion")
    upload.set_defaults(run=_upload)

    export = actions.add_parser("export", help="a workspace's reports as JSONL on stdout")
    export.add_argument("--workspace", required=True, metavar="WS")
    export.add_argument("--since", required=True, help="Unix ms or ISO 8601 (UTC unless an offset is given)")
    export.add_argument("--until", help="exclusive; Unix ms or ISO 8601")
    export.add_argument("--meta", action="append", metavar="KEY=VALUE", help="repeatable; all must match")
    export.add_argument("--endpoint-url", help="AWS endpoint (a local emulator)")
    export.set_defaults(run=_export)

    redrive = actions.add_parser("redrive", help="move a queue's dead letters back to it")
    redrive.add_argument("--queue", choices=QUEUES, default="reports")
    redrive.add_argument("--limit", type=int, help="at most this many messages")
    redrive.add_argument("--endpoint-url", help="AWS endpoint (a local emulator)")
    redrive.set_defaults(run=_redrive)
