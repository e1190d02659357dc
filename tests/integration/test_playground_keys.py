"""One-time playground keys through `hyperinfer dev`: minted with the internal token, good for
exactly one request across every gateway process sharing the table, refused once expired."""

from __future__ import annotations

import json
import os
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime
from typing import Any

import httpx
import openai
import pytest
from hyperinfer.accounts.ddb import from_item, to_item
from hyperinfer.accounts.keys import hash_key
from hyperinfer.api_schemas import OpenAIError, PlaygroundKey

from tests.integration.conftest import DEV_KEY, INTERNAL_TOKEN, Gateway, dev_process
from tests.support import UPSTREAM_KEY

MODEL = "openai/gpt-4.1-mini"
CHAT = {"model": MODEL, "messages": [{"role": "user", "content": "Hi"}]}


def mint(gateway: Gateway, token: str | None = INTERNAL_TOKEN, **body: Any) -> httpx.Response:
    headers = {} if token is None else {"X-Internal-Token": token}
    payload = {"workspace_id": "ws_dev", "user_id": "user_1", **body}
    return httpx.post(f"{gateway.url}/api/v1/playground-keys", json=payload, headers=headers, timeout=10)


def minted(gateway: Gateway, **body: Any) -> str:
    response = mint(gateway, **body)
    assert response.status_code == 201, response.text
    return PlaygroundKey.model_validate(response.json()).key


def chat(gateway: Gateway, key: str) -> httpx.Response:
    headers = {"Authorization": f"Bearer {key}"}
    return httpx.post(f"{gateway.openai_base}/chat/completions", json=CHAT, headers=headers, timeout=20)


def error_code(response: httpx.Response) -> str:
    return OpenAIError.model_validate(response.json()).error.code.value


def table(gateway: Gateway) -> tuple[Any, str]:
    return gateway.aws("dynamodb"), str(gateway.state()["table_name"])


@pytest.fixture(scope="module")
def second(gateway: Gateway, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Gateway]:
    """Another `hyperinfer dev` on the first one's emulator, as two Lambda containers share a table."""
    state = json.loads((gateway.workdir / ".hyperinfer" / "dev.json").read_text())
    workdir = tmp_path_factory.mktemp("dev-second")
    env = {
        **os.environ,
        "OPENAI_API_KEY": UPSTREAM_KEY,
        "HYPERINFER_PROVIDERS_FILE": str(gateway.workdir / "providers.yaml"),
        "HYPERINFER_DEV_KEY": DEV_KEY,
        "HYPERINFER_INTERNAL_TOKEN": INTERNAL_TOKEN,
    }
    with dev_process(["--aws-endpoint", state["aws_endpoint_url"]], workdir, env) as running:
        yield running


# -- the internal token --------------------------------------------------------------------------


@pytest.mark.parametrize("token", [None, "", "wrong", INTERNAL_TOKEN + "x", INTERNAL_TOKEN[:-1], DEV_KEY])
def test_missing_or_wrong_internal_token_is_401_invalid_api_key(gateway: Gateway, token: str | None) -> None:
    response = mint(gateway, token=token)
    assert response.status_code == 401 and error_code(response) == "invalid_api_key"
    assert "key" not in response.json()


def test_an_api_key_is_not_an_internal_token(gateway: Gateway) -> None:
    headers = {"Authorization": f"Bearer {DEV_KEY}"}
    body = {"workspace_id": "ws_dev", "user_id": "u"}
    response = httpx.post(f"{gateway.url}/api/v1/playground-keys", json=body, headers=headers)
    assert response.status_code == 401 and error_code(response) == "invalid_api_key"


@pytest.mark.parametrize(
    ("body", "param"),
    [
        ({"source": "api"}, "source"),
        ({"user_id": None}, "user_id"),
        ({"user_id": ""}, "user_id"),
        ({"workspace_id": 7}, "workspace_id"),
    ],
)
def test_invalid_body_is_400_naming_the_field(gateway: Gateway, body: dict[str, Any], param: str) -> None:
    response = mint(gateway, **body)
    assert response.status_code == 400 and error_code(response) == "invalid_request"
    assert OpenAIError.model_validate(response.json()).error.param == param


def test_unknown_workspace_is_404_not_found(gateway: Gateway) -> None:
    response = mint(gateway, workspace_id="ws_nope")
    assert response.status_code == 404 and error_code(response) == "not_found"


# -- one use -------------------------------------------------------------------------------------


def test_minted_key_expires_in_ten_minutes_and_is_stored_only_as_a_hash(gateway: Gateway) -> None:
    before = time.time()
    response = mint(gateway, source="chat")
    assert response.status_code == 201 and response.headers["cache-control"] == "no-store"
    answer = PlaygroundKey.model_validate(response.json())
    assert answer.source == "chat" and answer.key.startswith("sk-hi-pg-")
    assert answer.expires_at.endswith("Z")
    expires = datetime.fromisoformat(answer.expires_at).timestamp()
    assert before + 599 <= expires <= time.time() + 601
    db, name = table(gateway)
    items = db.scan(TableName=name)["Items"]
    assert answer.key not in json.dumps(items)
    record = from_item(
        db.get_item(TableName=name, Key={"pk": {"S": f"KEY#{hash_key(answer.key)}"}, "sk": {"S": "KEY"}})[
            "Item"
        ]
    )
    assert record["source"] == "chat" and record["one_time"] is True and record["name"] == "playground:user_1"
    assert record["expires_at"] == int(expires) and record["workspace_id"] == "ws_dev"


def test_key_answers_one_request_through_the_openai_sdk_then_401(gateway: Gateway) -> None:
    client = gateway.client(minted(gateway))
    completion = client.chat.completions.create(model=MODEL, messages=[{"role": "user", "content": "Hi"}])
    assert completion.choices[0].message.content
    with pytest.raises(openai.AuthenticationError) as refused:
        client.chat.completions.create(model=MODEL, messages=[{"role": "user", "content": "Hi"}])
    assert refused.value.status_code == 401 and refused.value.code == "invalid_api_key"


@pytest.mark.parametrize("source", ["playground", "chat"])
def test_requests_made_with_the_key_are_recorded_with_its_source(gateway: Gateway, source: str) -> None:
    response = chat(gateway, minted(gateway, source=source))
    assert response.status_code == 200
    rid = response.headers["x-request-id"]
    headers = {"Authorization": f"Bearer {DEV_KEY}"}  # the same workspace reads its generations
    record = httpx.get(f"{gateway.openai_base}/generation", params={"id": rid}, headers=headers)
    assert record.status_code == 200, record.text
    assert record.json()["data"]["source"] == source


def test_expired_key_is_refused(gateway: Gateway) -> None:
    key = minted(gateway)
    db, name = table(gateway)
    db.update_item(
        TableName=name,
        Key={"pk": {"S": f"KEY#{hash_key(key)}"}, "sk": {"S": "KEY"}},
        UpdateExpression="SET expires_at = :past",
        ExpressionAttributeValues=to_item({":past": int(time.time()) - 1}),
    )
    response = chat(gateway, key)
    assert response.status_code == 401 and error_code(response) == "invalid_api_key"


# -- two gateway processes, one table ------------------------------------------------------------


def test_second_gateway_on_the_same_emulator_seeds_nothing_twice(gateway: Gateway, second: Gateway) -> None:
    db, name = table(gateway)
    items = [from_item(i) for i in db.scan(TableName=name)["Items"]]
    seeds = [i for i in items if i["pk"] == "WS#ws_dev" and i["sk"].startswith("LEDGER#")]
    assert [s["idempotency_key"] for s in seeds] == ["dev-seed"]
    assert sum(1 for i in items if i["pk"] == f"KEY#{hash_key(DEV_KEY)}") == 1
    for each in (gateway, second):
        assert chat(each, DEV_KEY).status_code == 200


def test_key_used_on_one_gateway_is_refused_by_the_other(gateway: Gateway, second: Gateway) -> None:
    key = minted(gateway)
    assert chat(second, key).status_code == 200
    refused = chat(gateway, key)
    assert refused.status_code == 401 and error_code(refused) == "invalid_api_key"
    assert chat(second, key).status_code == 401


def test_simultaneous_use_on_two_gateways_is_accepted_once(gateway: Gateway, second: Gateway) -> None:
    for _ in range(3):
        key = minted(second)
        with ThreadPoolExecutor(max_workers=2) as pool:
            answers = pool.map(chat, (gateway, second), (key, key))
        statuses = sorted(r.status_code for r in answers)
        assert statuses == [200, 401]


# -- spent by the first request that reaches a model ---------------------------------------------


def post_chat(gateway: Gateway, key: str, body: bytes) -> httpx.Response:
    headers = {"Authorization": f"Bearer {key}", "Content-Type": "application/json"}
    return httpx.post(f"{gateway.openai_base}/chat/completions", content=body, headers=headers, timeout=20)


REFUSED_BEFORE_A_MODEL = {
    "malformed JSON": b'{"model": "openai/gpt-4.1-mini", "messages": [',
    "unknown model": json.dumps({**CHAT, "model": "openai/gpt-4.1-typo"}).encode(),
    "invalid field": json.dumps({**CHAT, "max_tokens": "16"}).encode(),
    "no messages": json.dumps({"model": MODEL}).encode(),
}


@pytest.mark.parametrize("body", list(REFUSED_BEFORE_A_MODEL.values()), ids=list(REFUSED_BEFORE_A_MODEL))
def test_a_request_refused_before_reaching_a_model_leaves_the_key_usable(
    gateway: Gateway, body: bytes
) -> None:
    key = minted(gateway)
    refused = post_chat(gateway, key, body)
    assert refused.status_code == 400 and error_code(refused) == "invalid_request"
    assert chat(gateway, key).status_code == 200
    spent = chat(gateway, key)
    assert spent.status_code == 401 and error_code(spent) == "invalid_api_key"


def test_concurrent_uses_mixed_with_typos_still_succeed_exactly_once(
    gateway: Gateway, second: Gateway
) -> None:
    typo = REFUSED_BEFORE_A_MODEL["unknown model"]
    for _ in range(2):
        key = minted(gateway)
        gateways = [each for each in (gateway, second) for _ in range(8)]
        bodies = ([json.dumps(CHAT).encode()] * 6 + [typo] * 2) * 2
        with ThreadPoolExecutor(max_workers=len(bodies)) as pool:
            answers = list(pool.map(post_chat, gateways, [key] * len(bodies), bodies))
        statuses = sorted(r.status_code for r in answers)
        assert statuses.count(200) == 1, statuses
        assert set(statuses) <= {200, 400, 401}
        assert statuses.count(400) + statuses.count(401) == len(bodies) - 1
        assert chat(gateway, key).status_code == 401
