"""Where the admin commands find the table.

In order: ``--endpoint-url``, then ``HYPERINFER_AWS_ENDPOINT_URL``, then the emulator of a running
``hyperinfer dev`` (``.hyperinfer/dev.json``), then real AWS through boto3's default chain.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from hyperinfer.accounts.store import AccountStore
from hyperinfer.local.dev import STATE_FILE, read_state
from hyperinfer.settings import Settings

LOOPBACK_HOSTS = {"127.0.0.1", "localhost", "::1"}


class AdminError(Exception):
    """An admin command that cannot run as asked; its message is the one line the user sees."""


@dataclass(frozen=True)
class Target:
    settings: Settings
    origin: str  # what chose the endpoint, for error messages

    @property
    def where(self) -> str:
        endpoint = self.settings.aws_endpoint_url or f"AWS {self.settings.aws_region}"
        return f"{endpoint} (from {self.origin})"


def resolve(endpoint_url: str | None, settings: Settings, state: dict[str, Any] | None) -> Target:
    """Pure: which endpoint, region and table the commands use. Explicit settings beat dev.json."""
    if endpoint_url:
        return Target(settings.model_copy(update={"aws_endpoint_url": endpoint_url}), "--endpoint-url")
    if settings.aws_endpoint_url:
        return Target(settings, "HYPERINFER_AWS_ENDPOINT_URL")
    if state is not None and state.get("aws_endpoint_url"):
        update: dict[str, Any] = {"aws_endpoint_url": state["aws_endpoint_url"]}
        for field in ("table_name", "aws_region"):
            if field not in settings.model_fields_set and state.get(field):
                update[field] = state[field]
        return Target(settings.model_copy(update=update), str(STATE_FILE))
    return Target(settings, "the default AWS credential chain")


def connect(endpoint_url: str | None, state_file: Path = STATE_FILE) -> tuple[AccountStore, Target]:
    from hyperinfer import aws
    from hyperinfer.local.emulator import use_fake_credentials

    target = resolve(endpoint_url, Settings(), read_state(state_file))
    endpoint = target.settings.aws_endpoint_url
    if endpoint is not None and urlsplit(endpoint).hostname in LOOPBACK_HOSTS:
        use_fake_credentials()  # a local emulator takes any; real ones in the environment still win
    elif endpoint is None and not _has_credentials():
        raise AdminError(
            "nothing to connect to: no --endpoint-url, no HYPERINFER_AWS_ENDPOINT_URL, no running "
            f"`hyperinfer dev` ({state_file}) and no AWS credentials"
        )
    settings = target.settings
    return AccountStore(aws.dynamodb(settings), settings.table_name, shards=settings.balance_shards), target


def _has_credentials() -> bool:
    import boto3

    return boto3.session.Session().get_credentials() is not None
