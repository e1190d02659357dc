"""SnapStart's restore hook: randomness reseeded; AWS clients (connections and credentials), the
providers' pooled clients and the runtime's secret cache dropped; the hooks reachable the way each
kind of function is restored (the runtime's registry, or the Web Adapter's HTTP paths); and the
container credentials Lambda hands a SnapStart function, refreshed before they run out."""

from __future__ import annotations

import json
import random
import sys
import threading
import time
import types
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest
from hyperinfer import aws, snapstart
from hyperinfer.aws_json import REFRESH_MARGIN_SECONDS, Credentials
from hyperinfer.gateway import runtime, transport
from hyperinfer.settings import Settings
from hyperinfer.web import function_app
from starlette.testclient import TestClient

ENV_CREDENTIALS = {"AWS_ACCESS_KEY_ID": "AKIDENV", "AWS_SECRET_ACCESS_KEY": "env-secret"}


@pytest.fixture
def clean_aws(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    for variable in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN"):
        monkeypatch.delenv(variable, raising=False)
    aws.reset()
    yield
    aws.reset()


def settings() -> Settings:
    return Settings(aws_endpoint_url="http://127.0.0.1:9", aws_region="eu-west-1")


def test_restore_reseeds_the_random_generator() -> None:
    random.seed(42)
    snapshot_draw = random.Random(42).random()  # what every restored copy would draw, unseeded
    snapstart.after_restore()
    assert random.random() != snapshot_draw


def test_restore_drops_aws_clients_and_their_credentials(
    clean_aws: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    for name, value in ENV_CREDENTIALS.items():
        monkeypatch.setenv(name, value)
    before = aws.dynamodb(settings())
    assert aws.dynamodb(settings()) is before  # reused while nothing happens
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "AKIDRESTORED")
    snapstart.after_restore()
    after = aws.dynamodb(settings())
    assert after is not before and before.http.is_closed
    assert after.credentials.access_key == "AKIDRESTORED"


def test_restore_drops_the_runtime_with_its_cached_secrets() -> None:
    configured = runtime.configure(settings())
    configured.secrets._values["arn:provider-keys"] = ("snapshot-time value", time.monotonic())
    assert configured.secrets.fresh("arn:provider-keys") == "snapshot-time value"
    snapstart.after_restore()
    restored = runtime.runtime()
    assert restored is not configured and restored.settings == configured.settings
    assert restored.secrets.fresh("arn:provider-keys") is None  # read again on first use


def test_restore_drops_the_providers_pooled_clients() -> None:
    transport._clients[1] = object()  # type: ignore[assignment, unused-ignore]
    snapstart.before_snapshot()
    assert transport._clients == {}


def test_the_hooks_register_with_the_runtimes_library(monkeypatch: pytest.MonkeyPatch) -> None:
    registered: dict[str, Callable[[], None]] = {}
    library = types.ModuleType("snapshot_restore_py")
    library.register_before_snapshot = lambda hook: registered.setdefault("before", hook)  # type: ignore[attr-defined]
    library.register_after_restore = lambda hook: registered.setdefault("after", hook)  # type: ignore[attr-defined]
    assert snapstart.register() is False  # no such library off Lambda
    monkeypatch.setitem(sys.modules, "snapshot_restore_py", library)
    assert snapstart.register() is True
    assert registered == {"before": snapstart.before_snapshot, "after": snapstart.after_restore}


def test_a_streaming_function_serves_the_web_adapters_hook_paths(
    clean_aws: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    for name, value in ENV_CREDENTIALS.items():
        monkeypatch.setenv(name, value)
    before = aws.sqs(settings())
    client = TestClient(function_app("chat_completions"))
    assert client.post(snapstart.BEFORE_CHECKPOINT_PATH).status_code == 204
    assert before.http.is_closed
    assert client.post(snapstart.AFTER_RESTORE_PATH).status_code == 204
    # A buffered function is restored by the runtime's hooks, so it has no such route.
    assert TestClient(function_app("models")).post(snapstart.AFTER_RESTORE_PATH).status_code == 404


class CredentialsEndpoint:
    """Lambda's container credentials endpoint: a token-checked GET answering the role's keys."""

    def __init__(self, lifetime: float) -> None:
        self.lifetime = lifetime
        self.served = 0
        endpoint = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                if self.headers.get("Authorization") != "container-token":
                    self.send_response(403)
                    self.end_headers()
                    return
                endpoint.served += 1
                expires = datetime.fromtimestamp(time.time() + endpoint.lifetime, UTC)
                body = json.dumps(
                    {
                        "AccessKeyId": f"ASIACONTAINER{endpoint.served}",
                        "SecretAccessKey": "container-secret",
                        "Token": "container-session",
                        "Expiration": expires.strftime("%Y-%m-%dT%H:%M:%SZ"),
                    }
                ).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/2018-06-01/credentials"


def test_container_credentials_are_read_and_refreshed_before_they_run_out(
    clean_aws: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    endpoint = CredentialsEndpoint(lifetime=REFRESH_MARGIN_SECONDS + 3600)
    monkeypatch.setenv("AWS_CONTAINER_CREDENTIALS_FULL_URI", endpoint.url)
    monkeypatch.setenv("AWS_CONTAINER_AUTHORIZATION_TOKEN", "container-token")
    first = aws.dynamodb(settings())
    assert first.credentials.access_key == "ASIACONTAINER1"
    assert first.credentials.session_token == "container-session"
    assert aws.dynamodb(settings()) is first and endpoint.served == 1
    endpoint.lifetime = REFRESH_MARGIN_SECONDS - 1  # the next ones are already due for refresh
    aws.reset()
    due = aws.dynamodb(settings())
    assert due.credentials.expiring(time.time())
    refreshed = aws.dynamodb(settings())
    assert refreshed is not due and refreshed.credentials.access_key == "ASIACONTAINER3"
    endpoint.server.shutdown()


def test_environment_credentials_win_and_never_expire() -> None:
    resolved = Credentials.resolve({**ENV_CREDENTIALS, "AWS_CONTAINER_CREDENTIALS_FULL_URI": "http://x"})
    assert resolved == Credentials("AKIDENV", "env-secret") and not resolved.expiring(time.time() + 1e9)
    assert Credentials.resolve({}) is None


def test_an_init_lambda_will_snapshot_loads_the_catalog_and_a_restore_keeps_it(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    runtime.configure(Settings())  # the repository's providers.yaml
    assert snapstart.prewarm({"AWS_LAMBDA_INITIALIZATION_TYPE": "on-demand"}) is False
    assert "catalog" not in vars(runtime.runtime())
    monkeypatch.setenv("AWS_LAMBDA_INITIALIZATION_TYPE", "snap-start")
    function_app("models")
    warmed = runtime.runtime()
    assert "catalog" in vars(warmed) and "secrets" not in vars(warmed) and "accounts" not in vars(warmed)
    snapstart.after_restore()
    restored = runtime.runtime()
    assert restored is not warmed and restored.catalog is warmed.catalog
