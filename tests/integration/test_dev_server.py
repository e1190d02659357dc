"""`hyperinfer dev` as users meet it: its state file, its seeded data, and the non-gateway routes."""

from __future__ import annotations

import json
import time

import httpx
from hyperinfer.accounts.keys import hash_key
from hyperinfer.api_schemas import ModelList, OpenAIError, Readiness
from hyperinfer.errors import ErrorCode

from tests.integration.conftest import DEV_KEY, Gateway
from tests.support import UPSTREAM_KEY


def test_state_file_points_other_commands_at_the_same_emulator(gateway: Gateway) -> None:
    state = gateway.state()
    assert state["gateway_url"] == gateway.url
    db = gateway.aws("dynamodb")
    items = db.scan(TableName=state["table_name"])["Items"]
    shards = [i for i in items if i["pk"]["S"] == "WS#ws_dev" and i["sk"]["S"].startswith("BAL#")]
    spent = sum(int(i["cost_micro_usd"]["N"]) for i in items if i["sk"]["S"] == "GEN")
    assert sum(int(i["balance"]["N"]) for i in shards) + spent == 100_000_000  # $100, less what tests spent
    # Other tests add keys to this table; the seeded one is the item stored under the dev key's hash.
    keys = {i["pk"]["S"]: i for i in items if i["sk"]["S"] == "KEY"}
    key = keys[f"KEY#{hash_key(DEV_KEY)}"]
    assert key["workspace_id"]["S"] == "ws_dev" and key["name"]["S"] == "dev"
    # The plain key is nowhere in the table, only its hash and a short display prefix.
    assert DEV_KEY not in json.dumps(items)
    assert DEV_KEY.startswith(key["prefix"]["S"]) and len(key["prefix"]["S"]) < 12


def test_startup_banner_prints_the_key_and_both_base_urls(gateway: Gateway) -> None:
    banner = gateway.log.read_text()
    assert DEV_KEY in banner
    assert f"{gateway.url}/api/v1" in banner and f"base_url={gateway.url}/api\n" in banner


def test_models_need_no_key_and_match_the_public_schema(gateway: Gateway) -> None:
    response = httpx.get(f"{gateway.url}/api/v1/models")
    assert response.status_code == 200
    listed = ModelList.model_validate(response.json())
    slugs = {m.slug for m in listed.data}
    assert {"openai/gpt-4.1-mini", "anthropic/claude-sonnet-4.6"} <= slugs
    # Past their shutdown dates on the day the tests run at (2026-12-03): gone from the list.
    assert not {"anthropic/claude-sonnet-4.5", "deepseek/deepseek-chat", "openai/o4-mini"} & slugs
    assert listed.meta.image_generation_configured is False


def test_a_model_past_its_shutdown_is_refused_by_name_and_date(gateway: Gateway) -> None:
    response = httpx.post(
        f"{gateway.openai_base}/chat/completions",
        headers={"Authorization": f"Bearer {DEV_KEY}"},
        json={"model": "claude-sonnet-4-5", "messages": [{"role": "user", "content": "hi"}]},
    )
    assert response.status_code == 400
    error = OpenAIError.model_validate(response.json()).error
    assert error.param == "model" and "claude-sonnet-4-5" in error.message and "2026-11-30" in error.message


def test_health_and_readiness(gateway: Gateway) -> None:
    assert httpx.get(f"{gateway.url}/healthz").json() == {"status": "ok"}
    ready = Readiness.model_validate(httpx.get(f"{gateway.url}/readyz").json())
    assert ready.status == "ok" and ready.checks.dynamodb == "ok" and ready.checks.sqs == "ok"


def test_openapi_is_cacheable_and_describes_the_request_schema(gateway: Gateway) -> None:
    response = httpx.get(f"{gateway.url}/openapi.json")
    assert response.headers["cache-control"] == "max-age=300"
    document = response.json()
    schemas = document["components"]["schemas"]
    assert schemas["ChatCompletionRequest"]["required"] == ["model", "messages"]
    assert set(schemas["ErrorCode"]["enum"]) == {code.value for code in ErrorCode}
    operation = document["paths"]["/api/v1/chat/completions"]["post"]
    assert operation["requestBody"]["content"]["application/json"]["schema"]["$ref"].endswith(
        "/ChatCompletionRequest"
    )


def test_unknown_route_and_wrong_method_are_404_not_found(gateway: Gateway) -> None:
    for method, path in (("GET", "/api/v1/nothing-here"), ("GET", "/api/v1/chat/completions")):
        response = httpx.request(
            method, f"{gateway.url}{path}", headers={"Authorization": f"Bearer {DEV_KEY}"}
        )
        assert response.status_code == 404
        error = OpenAIError.model_validate(response.json()).error
        assert error.code == "not_found" and error.request_id == response.headers["x-request-id"]


def test_the_dev_log_keys_each_request_and_holds_no_key_or_prompt(gateway: Gateway) -> None:
    prompt = "dev-log canary prompt 41c7"
    response = httpx.post(
        f"{gateway.openai_base}/chat/completions",
        json={"model": "openai/gpt-4.1-mini", "messages": [{"role": "user", "content": prompt}]},
        headers={"Authorization": f"Bearer {DEV_KEY}"},
        timeout=20,
    )
    assert response.status_code == 200
    request_id = response.headers["x-request-id"]
    deadline = time.monotonic() + 5
    while request_id not in gateway.log.read_text() and time.monotonic() < deadline:
        time.sleep(0.05)
    # The banner prints the dev key on purpose; the log lines are the JSON ones.
    logged = [line for line in gateway.log.read_text().splitlines() if line.startswith("{")]
    assert not any(secret in line for line in logged for secret in (DEV_KEY, UPSTREAM_KEY, prompt))
    [access] = [json.loads(line) for line in logged if request_id in line]
    assert access["message"] == "request" and access["status"] == 200
    assert (access["workspace"], access["model"], access["function"]) == (
        "ws_dev",
        "openai/gpt-4.1-mini",
        "chat_completions",
    )
    assert not any('"_aws"' in line for line in logged)  # no EMF documents locally
