"""`hyperinfer dev`: the whole API on one loopback port, backed by an embedded AWS emulator.

The emulator's endpoint is written to ``.hyperinfer/dev.json`` so that other commands (``invoke``,
the admin CLI) reach the same data while the server runs.
"""

from __future__ import annotations

import contextlib
import json
import os
from pathlib import Path
from typing import TYPE_CHECKING, Any

from hyperinfer.accounts.keys import new_key
from hyperinfer.function_table import CONSUMERS, SCHEDULED
from hyperinfer.gateway.runtime import configure
from hyperinfer.settings import Settings

if TYPE_CHECKING:
    from hyperinfer.local.fakes.server import ServerThread

STATE_FILE = Path(".hyperinfer/dev.json")
DEV_WORKSPACE = "ws_dev"
DEV_CREDITS_MICRO_USD = 100_000_000  # $100


def read_state(path: Path = STATE_FILE) -> dict[str, Any] | None:
    try:
        state: dict[str, Any] = json.loads(path.read_text())
    except (OSError, ValueError):
        return None
    return state


def seed_dev_account(settings: Settings, key: str) -> None:
    """Idempotent: a second `hyperinfer dev` on the same emulator finds everything in place."""
    from hyperinfer.accounts.store import AccountError
    from hyperinfer.gateway.runtime import Runtime

    accounts = Runtime(settings).accounts
    if accounts.workspace(DEV_WORKSPACE) is None:
        accounts.create_workspace(DEV_WORKSPACE, "Development")
    accounts.add_credits(DEV_WORKSPACE, DEV_CREDITS_MICRO_USD, "dev-seed", note="hyperinfer dev")
    with contextlib.suppress(AccountError):  # this key is already stored
        accounts.create_key(DEV_WORKSPACE, "dev", key=key)


def _start_fake_upstream(settings: Settings) -> tuple[ServerThread, Path]:
    """The fake provider on a free loopback port, and the catalog rewritten to point at it."""
    from hyperinfer.local.demo import write_fake_catalog
    from hyperinfer.local.emulator import free_port
    from hyperinfer.local.fakes.server import FakeProvider, ServerThread

    # Not hostile: the integration tests split frames to prove the relay; a demo streams plainly.
    # Not recording: a long session would keep every request in memory.
    provider = FakeProvider(hostile=False, record=False)
    thread = ServerThread(provider.app, free_port())
    thread.start()
    provider.url = thread.url
    target = STATE_FILE.parent / "fake-providers.json"
    catalog = write_fake_catalog(settings.providers_file, thread.url, target)
    return thread, catalog


def serve(
    settings: Settings, *, port: int, aws_endpoint: str | None = None, fake_upstream: bool = False
) -> None:
    """Start the emulator (unless one is given), seed it, and serve every route until interrupted.

    With ``fake_upstream`` the built-in fake provider runs in this process too and every catalog
    provider is pointed at it (see ``hyperinfer.local.demo``)."""
    import uvicorn

    from hyperinfer.local import poller, scheduler
    from hyperinfer.local.emulator import Emulator, ensure_resources, use_fake_credentials
    from hyperinfer.web import all_routes_app

    use_fake_credentials()
    # Readable locally: the JSON log lines stay, the EMF documents (one or two per request) go.
    os.environ.setdefault("POWERTOOLS_METRICS_DISABLED", "true")
    emulator = None
    if aws_endpoint is None:
        emulator = Emulator()
        emulator.start()
        aws_endpoint = emulator.endpoint_url
    settings = settings.model_copy(update={"aws_endpoint_url": aws_endpoint})
    fake = _start_fake_upstream(settings) if fake_upstream else None
    if fake is not None:
        settings = settings.model_copy(update={"providers_file": fake[1]})
    configure(settings)
    ensure_resources(settings)
    key = settings.dev_key or new_key()
    seed_dev_account(settings, key)
    stop_consumers = poller.start(settings)  # the queue consumers, as Lambda's event source mappings
    stop_schedules = scheduler.start()  # the scheduled functions, as their EventBridge rules
    STATE_FILE.parent.mkdir(exist_ok=True)
    state = {
        "aws_endpoint_url": aws_endpoint,
        "aws_region": settings.aws_region,
        "table_name": settings.table_name,
        "report_queue_name": settings.report_queue_name,
        "upload_queue_name": settings.upload_queue_name,
        "report_bucket_name": settings.report_bucket_name,
        "gateway_url": f"http://127.0.0.1:{port}",
        # With --fake-upstream, `hyperinfer invoke` reads the same rewritten catalog.
        "fake_catalog": str(fake[1].resolve()) if fake is not None else None,
    }
    STATE_FILE.write_text(json.dumps(state, indent=2) + "\n")
    base = state["gateway_url"]
    if fake is not None:
        from hyperinfer.catalog import load_catalog
        from hyperinfer.local.demo import banner

        print(banner(fake[0].url, len(load_catalog(fake[1]).providers)), flush=True)
    print(
        f"HyperInfer dev gateway on {base}\n"
        f"  AWS emulator      {aws_endpoint}\n"
        f"  catalog           {settings.providers_file}\n"
        f"  dev API key       {key}   (workspace {DEV_WORKSPACE}, $100 of credits)\n"
        f"  OpenAI SDK/Codex  base_url={base}/api/v1\n"
        f"  Anthropic SDK     base_url={base}/api\n"
        f"  consumers         {', '.join(spec.name for spec in CONSUMERS)} (polling the emulator's queues)\n"
        f"  scheduled         {', '.join(f'{spec.name} {spec.schedule}' for spec in SCHEDULED)}",
        flush=True,
    )
    try:
        uvicorn.run(all_routes_app(), host="127.0.0.1", port=port, log_level="warning", access_log=False)
    finally:
        stop_consumers.set()
        stop_schedules.set()
        if fake is not None:
            fake[0].stop()
        if emulator is not None:
            emulator.stop()
