"""`hyperinfer admin` end to end against the moto emulator: every subcommand, as people and
scripts (--json) use it, and its one-line errors."""

from __future__ import annotations

import json
import uuid
from pathlib import Path
from typing import Any

import boto3
import pytest
from hyperinfer.accounts.ddb import to_item
from hyperinfer.accounts.keys import hash_key
from hyperinfer.cli import main
from hyperinfer.local.emulator import Emulator, ensure_resources, free_port
from hyperinfer.settings import Settings

Run = tuple[int, str, str]


class Admin:
    """Runs `hyperinfer admin ...` in-process against one fresh table."""

    def __init__(self, endpoint: str, table: str, capsys: pytest.CaptureFixture[str]) -> None:
        self.endpoint = endpoint
        self.table = table
        self._capsys = capsys

    def __call__(self, *args: str, endpoint: bool = True) -> Run:
        self._capsys.readouterr()
        extra = ["--endpoint-url", self.endpoint] if endpoint else []
        code = main(["admin", *args, *extra])
        out, err = self._capsys.readouterr()
        return code, out, err

    def json(self, *args: str) -> Any:
        code, out, err = self(*args, "--json")
        assert code == 0, err
        return json.loads(out)

    def fails(self, *args: str, endpoint: bool = True) -> str:
        code, out, err = self(*args, endpoint=endpoint)
        assert code == 2 and out == ""
        assert err.startswith("hyperinfer admin: ") and err.count("\n") == 1, err
        return err

    def items(self) -> list[dict[str, Any]]:
        db = boto3.client("dynamodb", endpoint_url=self.endpoint, region_name="us-east-1")
        items: list[dict[str, Any]] = db.scan(TableName=self.table)["Items"]
        return items


@pytest.fixture
def admin(emulator: Emulator, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> Admin:
    table = f"admin-{uuid.uuid4().hex[:8]}"
    ensure_resources(Settings(aws_endpoint_url=emulator.endpoint_url, table_name=table))
    monkeypatch.setenv("HYPERINFER_TABLE_NAME", table)
    monkeypatch.delenv("HYPERINFER_AWS_ENDPOINT_URL", raising=False)
    return Admin(emulator.endpoint_url, table, capsys)


def workspace(admin: Admin, ws: str = "ws_a", *extra: str) -> dict[str, Any]:
    created: dict[str, Any] = admin.json("workspaces", "create", ws, "--name", "Team A", *extra)
    return created


# -- workspaces ----------------------------------------------------------------------------------


def test_workspace_is_created_and_listed(admin: Admin) -> None:
    created = workspace(admin, "ws_a", "--concurrency-cap", "5")
    assert created["workspace_id"] == "ws_a" and created["name"] == "Team A"
    assert created["locked"] is False and created["concurrency_cap"] == 5 and created["created_at"]
    workspace(admin, "ws_b")
    listed = admin.json("workspaces", "list")
    assert [w["workspace_id"] for w in listed] == ["ws_a", "ws_b"]
    assert listed[1]["concurrency_cap"] == 64


def test_workspace_table_for_people_has_aligned_columns(admin: Admin) -> None:
    workspace(admin, "ws_a")
    workspace(admin, "ws_long_identifier")
    code, out, _ = admin("workspaces", "list")
    lines = out.splitlines()
    assert code == 0 and lines[0].split() == ["id", "name", "locked", "concurrency", "cap", "created"]
    name_column = lines[0].index("name")
    assert all(line[name_column:].startswith("Team A") for line in lines[2:])
    assert "ws_long_identifier" in out and "{" not in out


def test_duplicate_or_malformed_workspace_is_a_clear_error(admin: Admin) -> None:
    workspace(admin, "ws_a")
    assert "workspace 'ws_a' already exists" in admin.fails("workspaces", "create", "ws_a", "--name", "x")
    assert "workspace id 'a#b'" in admin.fails("workspaces", "create", "a#b", "--name", "x")


def test_json_flag_works_before_the_subcommand_too(admin: Admin) -> None:
    workspace(admin, "ws_a")
    code, out, _ = admin("--json", "workspaces", "list")
    assert code == 0 and json.loads(out)[0]["workspace_id"] == "ws_a"


# -- credits -------------------------------------------------------------------------------------


def test_top_up_is_exact_and_a_retry_credits_once(admin: Admin) -> None:
    workspace(admin)
    first = admin.json(
        "credits", "add", "ws_a", "12.345678", "--idempotency-key", "inv-1", "--note", "invoice 1"
    )
    assert first["credited"] is True and first["kind"] == "top_up"
    assert first["amount_micro_usd"] == 12_345_678 and first["balance_micro_usd"] == 12_345_678
    retry = admin.json("credits", "add", "ws_a", "12.345678", "--idempotency-key", "inv-1")
    assert retry["credited"] is False and retry["balance_micro_usd"] == 12_345_678
    code, out, _ = admin("credits", "add", "ws_a", "12.345678", "--idempotency-key", "inv-1")
    assert code == 0 and "already applied" in out and "$12.345678" in out
    ledger = admin.json("usage", "ws_a")["ledger"]
    assert [(e["amount_micro_usd"], e["note"]) for e in ledger] == [(12_345_678, "invoice 1")]


def test_negative_amount_is_an_adjustment(admin: Admin) -> None:
    workspace(admin)
    admin.json("credits", "add", "ws_a", "10", "--idempotency-key", "t")
    adjusted = admin.json("credits", "add", "ws_a", "-2.50", "--idempotency-key", "refund-1")
    assert adjusted["kind"] == "adjustment" and adjusted["balance_micro_usd"] == 7_500_000
    assert adjusted["balance_usd"] == "7.50"


def test_reusing_an_idempotency_key_for_another_amount_is_refused(admin: Admin) -> None:
    workspace(admin)
    admin.json("credits", "add", "ws_a", "5", "--idempotency-key", "inv-1")
    error = admin.fails("credits", "add", "ws_a", "50", "--idempotency-key", "inv-1")
    assert "already used for $5.00, not $50.00" in error
    assert admin.json("usage", "ws_a")["balance_micro_usd"] == 5_000_000


@pytest.mark.parametrize(
    ("amount", "message"),
    [
        ("0.0000001", "more than 6 decimals"),
        ("1e3", "not a decimal USD amount"),
        ("0", "must not be zero"),
    ],
)
def test_unusable_amounts_are_refused_before_anything_is_written(
    admin: Admin, amount: str, message: str
) -> None:
    workspace(admin)
    assert message in admin.fails("credits", "add", "ws_a", amount, "--idempotency-key", "k")
    assert not any(i["sk"]["S"].startswith("LEDGER#") for i in admin.items())


def test_credits_for_an_unknown_workspace_are_refused(admin: Admin) -> None:
    assert "no workspace 'nope'" in admin.fails("credits", "add", "nope", "5", "--idempotency-key", "k")


# -- lock ----------------------------------------------------------------------------------------


def test_lock_and_unlock(admin: Admin) -> None:
    workspace(admin)
    assert admin.json("lock", "ws_a") == {"workspace_id": "ws_a", "locked": True}
    assert admin.json("workspaces", "list")[0]["locked"] is True
    assert admin.json("usage", "ws_a")["locked"] is True
    code, out, _ = admin("unlock", "ws_a")
    assert code == 0 and "ws_a unlocked" in out
    assert admin.json("workspaces", "list")[0]["locked"] is False
    assert "no workspace 'nope'" in admin.fails("lock", "nope")


# -- keys ----------------------------------------------------------------------------------------


def test_created_key_is_shown_once_with_a_warning_and_never_stored(admin: Admin) -> None:
    workspace(admin)
    code, out, err = admin("keys", "create", "ws_a", "--name", "ci")
    assert code == 0 and "shown once and is not stored" in err
    plain = out.rsplit("key: ", 1)[1].strip()
    assert plain.startswith("sk-hi-") and out.count(plain) == 1
    created = admin.json("keys", "create", "ws_a", "--name", "scripts")
    everything = json.dumps(admin.items())
    for key in (plain, created["key"]):
        assert key not in everything and hash_key(key) in everything
    listed = admin.json("keys", "list", "ws_a")
    assert {k["name"] for k in listed} == {"ci", "scripts"}
    text = json.dumps(listed) + admin("keys", "list", "ws_a")[1]
    for key in (plain, created["key"]):
        assert key not in text and hash_key(key) not in text
    assert all("key_hash" not in k and "key" not in k for k in listed)


def test_key_limits_are_recorded_and_listed(admin: Admin) -> None:
    workspace(admin)
    created = admin.json(
        "keys",
        "create",
        "ws_a",
        "--name",
        "limited",
        "--spend-limit",
        "2.5",
        "--models",
        "a/x, b/y",
        "--rpm",
        "30",
    )
    [listed] = admin.json("keys", "list", "ws_a")
    for record in (created, listed):
        assert record["spend_limit_micro_usd"] == 2_500_000 and record["spend_limit_usd"] == "2.50"
        assert record["models"] == ["a/x", "b/y"] and record["rpm"] == 30 and record["revoked"] is False
        assert record["prefix"] == created["key"][:10] and record["key_id"].startswith("key_")
    out = admin("keys", "list", "ws_a")[1]
    assert "$2.50" in out and "a/x,b/y" in out and created["key_id"] in out


def test_bad_key_options_are_clear_errors(admin: Admin) -> None:
    workspace(admin)
    assert "--spend-limit must be more than zero" in admin.fails(
        "keys", "create", "ws_a", "--name", "k", "--spend-limit", "0"
    )
    assert "more than 6 decimals" in admin.fails(
        "keys", "create", "ws_a", "--name", "k", "--spend-limit", "0.0000001"
    )
    assert "no workspace 'nope'" in admin.fails("keys", "create", "nope", "--name", "k")
    assert "no workspace 'nope'" in admin.fails("keys", "list", "nope")


def test_revoked_key_stays_listed_as_revoked(admin: Admin) -> None:
    workspace(admin)
    kept = admin.json("keys", "create", "ws_a", "--name", "kept")
    gone = admin.json("keys", "create", "ws_a", "--name", "gone")
    revoked = admin.json("keys", "revoke", gone["key_id"])
    assert revoked["key_id"] == gone["key_id"] and revoked["revoked"] is True
    listed = {k["key_id"]: k["revoked"] for k in admin.json("keys", "list", "ws_a")}
    assert listed == {kept["key_id"]: False, gone["key_id"]: True}
    assert "no key 'key_nope'" in admin.fails("keys", "revoke", "key_nope")


# -- usage ---------------------------------------------------------------------------------------


def put_generation(admin: Admin, rid: str, created_at: str, **values: Any) -> None:
    item = {
        "pk": f"GEN#{rid}",
        "sk": "GEN",
        "id": rid,
        "workspace_id": "ws_a",
        "key_id": "key_x",
        "ingress_format": "chat_completions",
        "status": "success",
        "created_at": created_at,
        "gsi1pk": "WS#ws_a",
        "gsi1sk": f"GEN#{created_at}#{rid}",
        **values,
    }
    db = boto3.client("dynamodb", endpoint_url=admin.endpoint, region_name="us-east-1")
    db.put_item(TableName=admin.table, Item=to_item(item))


def test_usage_shows_balance_ledger_and_generation_totals(admin: Admin) -> None:
    workspace(admin)
    admin.json("credits", "add", "ws_a", "3", "--idempotency-key", "t1")
    put_generation(
        admin,
        "r1",
        "2025-01-01T10:00:00.000+00:00",
        model="m/a",
        source="api",
        tokens_prompt=100,
        tokens_completion=20,
        cost_micro_usd=1_500,
    )
    put_generation(
        admin,
        "r2",
        "2025-03-01T10:00:00.000+00:00",
        model="m/b",
        source="playground",
        tokens_prompt=5,
        cost_micro_usd=250,
        status="error",
        error_code="provider_timeout",
    )
    put_generation(
        admin,
        "r3",
        "2025-03-02T10:00:00.000+00:00",
        model="m/a",
        source="chat",
        tokens_prompt=1,
        tokens_reasoning=7,
        cost_micro_usd=1,
    )
    report = admin.json("usage", "ws_a")
    assert report["balance_micro_usd"] == 3_000_000 and report["balance_usd"] == "3.00"
    assert [e["idempotency_key"] for e in report["ledger"]] == ["t1"]
    totals = report["generations"]
    assert (totals["requests"], totals["errors"], totals["cost_micro_usd"]) == (3, 1, 1_751)
    assert (totals["tokens_prompt"], totals["tokens_completion"], totals["tokens_reasoning"]) == (106, 20, 7)
    assert {m["model"]: m["requests"] for m in totals["by_model"]} == {"m/a": 2, "m/b": 1}
    assert set(totals["by_source"]) == {"api", "playground", "chat"}

    since = admin.json("usage", "ws_a", "--since", "2025-02-01")
    assert since["since"] == "2025-02-01T00:00:00.000+00:00"
    assert since["generations"]["requests"] == 2 and since["generations"]["cost_micro_usd"] == 251
    assert since["ledger"] == report["ledger"]  # credited just now, after the bound

    code, out, _ = admin("usage", "ws_a", "--since", "2025-02-01T00:00Z")
    assert code == 0 and "balance $3.00" in out and "2 requests, 1 failed, cost $0.000251" in out
    assert "m/a" in out and "m/b" in out and "t1" in out


def test_usage_of_a_fresh_workspace_is_empty_not_an_error(admin: Admin) -> None:
    workspace(admin)
    code, out, _ = admin("usage", "ws_a")
    assert code == 0 and "balance $0.00" in out and "(no ledger entries)" in out and "(no generations)" in out


def test_usage_errors(admin: Admin) -> None:
    workspace(admin)
    assert "not an ISO 8601" in admin.fails("usage", "ws_a", "--since", "last week")
    assert "no workspace 'nope'" in admin.fails("usage", "nope")


# -- connection ----------------------------------------------------------------------------------


def test_running_dev_gateway_is_found_through_dev_json(
    admin: Admin, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    workspace(admin)
    (tmp_path / ".hyperinfer").mkdir()
    state = {"aws_endpoint_url": admin.endpoint, "aws_region": "us-east-1", "table_name": admin.table}
    (tmp_path / ".hyperinfer" / "dev.json").write_text(json.dumps(state))
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("HYPERINFER_TABLE_NAME")
    code, out, err = admin("--json", "workspaces", "list", endpoint=False)
    assert code == 0, err
    assert [w["workspace_id"] for w in json.loads(out)] == ["ws_a"]


def test_environment_endpoint_is_used_without_the_flag(admin: Admin, monkeypatch: pytest.MonkeyPatch) -> None:
    workspace(admin)
    monkeypatch.setenv("HYPERINFER_AWS_ENDPOINT_URL", admin.endpoint)
    code, out, _ = admin("--json", "workspaces", "list", endpoint=False)
    assert code == 0 and json.loads(out)[0]["workspace_id"] == "ws_a"


def test_stale_dev_json_says_the_gateway_is_not_running(
    admin: Admin, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / ".hyperinfer").mkdir()
    dead = f"http://127.0.0.1:{free_port()}"
    (tmp_path / ".hyperinfer" / "dev.json").write_text(json.dumps({"aws_endpoint_url": dead}))
    monkeypatch.chdir(tmp_path)
    error = admin.fails("workspaces", "list", endpoint=False)
    assert f"cannot reach DynamoDB at {dead}" in error and "is `hyperinfer dev` still running?" in error


def test_missing_table_is_named(admin: Admin, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HYPERINFER_TABLE_NAME", "no-such-table")
    assert "no table 'no-such-table'" in admin.fails("workspaces", "list")


def test_nothing_to_connect_to_is_one_clear_line(
    admin: Admin, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)  # no .hyperinfer/dev.json here
    for name in (
        "AWS_ACCESS_KEY_ID",
        "AWS_SECRET_ACCESS_KEY",
        "AWS_SESSION_TOKEN",
        "AWS_PROFILE",
        "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI",
        "AWS_CONTAINER_CREDENTIALS_FULL_URI",
        "AWS_WEB_IDENTITY_TOKEN_FILE",
    ):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(tmp_path / "none"))
    monkeypatch.setenv("AWS_CONFIG_FILE", str(tmp_path / "none"))
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")
    error = admin.fails("workspaces", "list", endpoint=False)
    assert "nothing to connect to" in error and "no AWS credentials" in error


def test_sweep_settles_a_reservation_left_open_and_marks_its_record(admin: Admin) -> None:
    from hyperinfer.accounts.billing import Billing
    from hyperinfer.accounts.store import AccountStore

    admin.json("workspaces", "create", "ws_sweep", "--name", "Sweep")
    admin.json("credits", "add", "ws_sweep", "2", "--idempotency-key", "t1")
    store = AccountStore(
        boto3.client("dynamodb", endpoint_url=admin.endpoint, region_name="us-east-1"), admin.table
    )
    _, key = store.create_key("ws_sweep", "k")
    # A request reserved and its function died: nothing settled it.
    Billing(store).reserve(key, 300_000, "req-died", about={"model": "m/x", "ingress_format": "responses"})
    assert store.balance("ws_sweep") == 1_700_000
    assert admin.json("sweep", "--older-than", "3600") == {"settled": []}  # too fresh to touch
    assert admin.json("sweep", "--older-than", "-1") == {"settled": ["req-died"]}
    assert store.balance("ws_sweep") == 1_700_000  # charged the hold in full: the written policy
    [record] = store.generations("ws_sweep")
    assert (record["status"], record["cost_micro_usd"], record["ingress_format"]) == (
        "swept",
        300_000,
        "responses",
    )
    assert admin.json("sweep", "--older-than", "-1") == {"settled": []}
