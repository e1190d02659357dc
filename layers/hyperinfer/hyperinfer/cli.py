"""The ``hyperinfer`` command: ``dev`` (local gateway), ``invoke`` (a handler on an event file),
``fake-upstream`` (an offline stand-in provider), ``admin`` (workspaces, credits, keys, usage),
``reports`` (upload, export, redrive)."""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import sys
from pathlib import Path

from hyperinfer.admin.parser import register as register_admin
from hyperinfer.reports.cli import register as register_reports
from hyperinfer.settings import Settings


def _settings(args: argparse.Namespace) -> Settings:
    overrides = {}
    if getattr(args, "providers", None):
        overrides["providers_file"] = args.providers
    if getattr(args, "dev_key", None):
        overrides["dev_key"] = args.dev_key
    return Settings(**overrides)


def _dev(args: argparse.Namespace) -> int:
    from hyperinfer.local.dev import serve

    serve(_settings(args), port=args.port, aws_endpoint=args.aws_endpoint, fake_upstream=args.fake_upstream)
    return 0


def _invoke(args: argparse.Namespace) -> int:
    from hyperinfer.gateway.runtime import configure
    from hyperinfer.invoke import invoke
    from hyperinfer.local.dev import read_state
    from hyperinfer.local.emulator import use_fake_credentials

    settings = _settings(args)
    state = read_state()
    if settings.aws_endpoint_url is None and state is not None:
        # A running `hyperinfer dev` holds the data: reach the same emulator.
        use_fake_credentials()
        settings = settings.model_copy(update={"aws_endpoint_url": state["aws_endpoint_url"]})
        if state.get("fake_catalog") and not args.providers:
            # ... and its fake provider, with the catalog it rewrote to point at it.
            from hyperinfer.catalog import load_catalog
            from hyperinfer.local.demo import use_fake_keys

            settings = settings.model_copy(update={"providers_file": Path(state["fake_catalog"])})
            use_fake_keys(load_catalog(settings.providers_file))
    configure(settings)
    event = json.loads(Path(args.event).read_text())
    with contextlib.redirect_stdout(sys.stderr):  # the handler's logs and metrics; stdout: the response
        response = invoke(args.function, event)
    print(json.dumps(response, indent=2))
    return 0


def _fake_upstream(args: argparse.Namespace) -> int:
    import uvicorn

    from hyperinfer.local.fakes.server import FakeProvider

    print(f"fake OpenAI upstream on http://127.0.0.1:{args.port}/v1", flush=True)
    uvicorn.run(FakeProvider().app, host="127.0.0.1", port=args.port, log_level="warning")
    return 0


def parser() -> argparse.ArgumentParser:
    root = argparse.ArgumentParser(prog="hyperinfer", description="HyperInfer AI gateway tools.")
    commands = root.add_subparsers(dest="command", required=True)

    dev = commands.add_parser("dev", help="serve every function on one port with an embedded AWS emulator")
    dev.add_argument("--port", type=int, default=8080)
    dev.add_argument(
        "--providers",
        type=Path,
        default=os.environ.get("HYPERINFER_PROVIDERS_FILE"),
        help="catalog file (env HYPERINFER_PROVIDERS_FILE; default providers.yaml)",
    )
    dev.add_argument(
        "--dev-key",
        default=os.environ.get("HYPERINFER_DEV_KEY"),
        help="API key to seed (env HYPERINFER_DEV_KEY; random when unset)",
    )
    dev.add_argument(
        "--aws-endpoint",
        default=None,
        help="use this running AWS emulator instead of starting one (shared by several gateways)",
    )
    dev.add_argument(
        "--fake-upstream",
        action="store_true",
        help="offline demo: run the built-in fake provider and point every catalog provider at it",
    )
    dev.set_defaults(run=_dev)

    inv = commands.add_parser("invoke", help="run a function's handler in-process on an event file")
    inv.add_argument("function", help="function name from the function table, e.g. models or sweep")
    inv.add_argument(
        "event",
        type=Path,
        help="its event (JSON): API Gateway REST proxy, SQS or EventBridge, e.g. events/models/list.json",
    )
    inv.add_argument("--providers", type=Path, default=None)
    inv.set_defaults(run=_invoke)

    fake = commands.add_parser(
        "fake-upstream",
        help="a fake provider on loopback (OpenAI and Anthropic wire formats), for offline use",
    )
    fake.add_argument("--port", type=int, default=9100)
    fake.set_defaults(run=_fake_upstream)

    register_admin(commands)
    register_reports(commands)
    return root


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    try:
        code: int = args.run(args)
    except KeyboardInterrupt:
        return 130
    except KeyError as error:  # unknown function name
        print(f"hyperinfer: {error.args[0]}", file=sys.stderr)
        return 2
    return code


if __name__ == "__main__":
    sys.exit(main())
