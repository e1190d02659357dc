"""Lambda SnapStart: what a function restored from a snapshot must not reuse, and the hooks that
drop it.

A snapshot is taken once, after init, and restored into many execution environments. Whatever the
snapshot holds is then shared: the random generator's state, open connections (to DynamoDB, SQS,
Secrets Manager, S3, the providers), the credentials those clients were signed with, and cached
secret values (a rotation may have happened since). ``after_restore`` reseeds and drops all of it;
``before_snapshot`` drops the connections so none is captured half-open.

Buffered functions and consumers run under the managed runtime, which calls hooks registered with
``snapshot_restore_py`` (shipped in the runtime, not in our layer). Streaming functions run uvicorn
under the Lambda Web Adapter, which relays the two moments to HTTP paths of the app instead
(``AWS_LWA_SNAPSTART_BEFORE_CHECKPOINT_PATH`` / ``..._AFTER_RESTORE_PATH``, set by the stack to
the paths below; the adapter refuses outside traffic to them).
"""

from __future__ import annotations

import logging
import random
from collections.abc import Mapping

log = logging.getLogger("hyperinfer")

BEFORE_CHECKPOINT_PATH = "/_hyperinfer/snapstart/before-checkpoint"
AFTER_RESTORE_PATH = "/_hyperinfer/snapstart/after-restore"


def drop_connections_and_credentials() -> None:
    """Every AWS client (its connections and credentials), the providers' pooled clients, and the
    runtime built on them (account store, billing, secret cache): rebuilt on next use."""
    from hyperinfer import aws
    from hyperinfer.gateway import runtime, transport

    aws.reset()
    transport._clients.clear()  # async clients: their loop is gone; dropping them is enough
    current = runtime._current
    if current is not None:
        fresh = runtime.configure(current.settings)
        if "catalog" in vars(current):  # the catalog holds no connection or secret: keep it
            vars(fresh)["catalog"] = current.catalog


# Lambda marks the init it will snapshot (the others are "on-demand" and "provisioned-concurrency").
SNAPSHOT_INIT = "snap-start"


def prewarm(environ: Mapping[str, str]) -> bool:
    """In an init Lambda will snapshot, load the catalog (and the validators it builds) now, so
    that every restore starts with it; no AWS call and no secret is made here. False elsewhere."""
    if environ.get("AWS_LAMBDA_INITIALIZATION_TYPE") != SNAPSHOT_INIT:
        return False
    from hyperinfer.gateway.runtime import runtime

    runtime().catalog  # noqa: B018 - loaded for its side effect: cached in the snapshot
    return True


def before_snapshot() -> None:
    drop_connections_and_credentials()


def after_restore() -> None:
    random.seed()  # from os.urandom: every restored environment draws differently
    drop_connections_and_credentials()
    log.info("restored from a SnapStart snapshot: random reseeded, clients and secrets dropped")


def register() -> bool:
    """Register the hooks with the managed runtime; False where there is none to call them
    (``hyperinfer dev``, tests, uvicorn under the Web Adapter, which uses the HTTP paths)."""
    try:
        from snapshot_restore_py import (  # type: ignore[import-not-found, unused-ignore]
            register_after_restore,
            register_before_snapshot,
        )
    except ImportError:
        return False
    register_before_snapshot(before_snapshot)
    register_after_restore(after_restore)
    return True
