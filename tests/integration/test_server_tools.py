"""Server tools through `hyperinfer dev`, driven by the official SDKs in all three formats, streamed
and not: the fake model calls the tools by script (``[[fake calls=...]]``), the gateway runs them
against the fake Tavily, page server and Images API over HTTP, and the record carries their price."""

from __future__ import annotations

import base64
import json
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlsplit

import anthropic
import httpx
import openai
import pytest
import yaml
from hyperinfer.local.fakes.server import FakeProvider
from hyperinfer.local.fakes.web import SEARCH_KEY, FakeWeb, minimal_pdf

from tests.integration.conftest import DEV_KEY, INTERNAL_TOKEN, Gateway, running_gateway
from tests.integration.test_billing import store_of
from tests.integration.test_real_clients import REPLY, claude_code, codex
from tests.support import UPSTREAM_KEY, catalog_for

CHAT_MODEL = "openai/gpt-4.1-mini"
MESSAGES_MODEL = "anthropic/claude-sonnet-4.6"
RESPONSES_MODEL = "openai/gpt-5.3-codex"
SEARCH_PRICE, FETCH_PRICE, IMAGE_PRICE = 8_000, 1_000, 40_000  # micro-USD, as configured below
MAX_ITERATIONS = 3


def tools_catalog(fake: FakeProvider, fake_web: FakeWeb, path: Path) -> Path:
    catalog_for(fake.url, path)
    raw: dict[str, Any] = yaml.safe_load(path.read_text())
    template = next(m for m in raw["models"] if m["slug"] == CHAT_MODEL)
    no_pdf = [f for f in template["features"] if f != "pdf"]
    raw["models"] += [
        {**template, "slug": "openai/gpt-image-1", "upstream_model": "gpt-image-1", "aliases": []},
        {**template, "slug": "test/no-pdf", "aliases": [], "features": no_pdf},
    ]
    raw["tools"] = {
        "web_search": {
            "kind": "tavily",
            "base_url": fake_web.url,
            "api_key_env": "HYPERINFER_TEST_TAVILY_KEY",
            "price_per_call_usd": "0.008",
        },
        "web_fetch": {"price_per_call_usd": "0.001"},
        "image": {"model": "openai/gpt-image-1", "price_per_image_usd": "0.04"},
    }
    path.write_text(yaml.safe_dump(raw, sort_keys=False))
    return path


@pytest.fixture(scope="module")
def gateway(
    fake: FakeProvider, fake_web: FakeWeb, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Gateway]:
    workdir = tmp_path_factory.mktemp("tools")
    port = urlsplit(fake_web.url).port
    env = {
        "HYPERINFER_TEST_TAVILY_KEY": SEARCH_KEY,
        "HYPERINFER_WEB_FETCH_ALLOW_HOSTS": f"127.0.0.1:{port}",
        "HYPERINFER_TOOL_MAX_ITERATIONS": str(MAX_ITERATIONS),
    }
    catalog = tools_catalog(fake, fake_web, workdir / "providers.yaml")
    with running_gateway(fake, workdir, catalog=catalog, env=env) as running:
        yield running


@pytest.fixture(autouse=True)
def _fresh_web(fake_web: FakeWeb) -> None:
    fake_web.calls.clear()


def oai(gateway: Gateway) -> openai.OpenAI:
    return gateway.client()


def claude(gateway: Gateway) -> anthropic.Anthropic:
    return anthropic.Anthropic(base_url=f"{gateway.url}/api", api_key=DEV_KEY, max_retries=0, timeout=20)


def record(gateway: Gateway, request_id: str) -> dict[str, Any]:
    response = httpx.get(
        f"{gateway.openai_base}/generation",
        params={"id": request_id},
        headers={"Authorization": f"Bearer {DEV_KEY}"},
    )
    assert response.status_code == 200, response.text
    data: dict[str, Any] = response.json()["data"]
    return data


def rid(response_id: str) -> str:
    return response_id.split("-", 1)[1] if response_id.startswith("gen-") else response_id.split("_", 1)[1]


def upstream_bodies(fake: FakeProvider) -> list[dict[str, Any]]:
    return [c["body"] for c in fake.calls if c["path"] != "/v1/images/generations"]


def search_says(text: str) -> bool:
    return "Result 1 about pelicans" in text and "https://example.com/1?q=pelicans" in text


# ---- each tool's answer reaches the client, in each format ------------------------------------


@pytest.mark.parametrize("stream", [False, True])
def test_chat_web_search_runs_feeds_back_and_is_billed(
    gateway: Gateway, fake: FakeProvider, stream: bool
) -> None:
    client = oai(gateway)
    kwargs: dict[str, Any] = {
        "model": CHAT_MODEL,
        "messages": [{"role": "user", "content": "Pelicans? [[fake calls=web_search q=pelicans]]"}],
        "extra_body": {"plugins": [{"id": "web_search", "events": True}]},
    }
    if stream:
        chunks = list(client.chat.completions.create(stream=True, **kwargs))
        text = "".join(c.choices[0].delta.content or "" for c in chunks if c.choices)
        events = [
            c.model_extra["hi_tool_event"]
            for c in chunks
            if not c.choices and c.model_extra and "hi_tool_event" in c.model_extra
        ]
        completion_id = chunks[0].id
    else:
        completion = client.chat.completions.create(**kwargs)
        text = completion.choices[0].message.content or ""
        events = (completion.choices[0].message.model_extra or {})["hi_tool_events"]
        completion_id = completion.id
    assert "fake" in text
    assert [e["type"] for e in events] == ["tool_call", "tool_result"]
    assert search_says(events[1]["content"])
    first, second = upstream_bodies(fake)
    assert "web_search" in {t["function"]["name"] for t in first["tools"]}
    tool_message = next(m for m in second["messages"] if m["role"] == "tool")
    assert search_says(tool_message["content"])
    assert not fake.calls[0]["body"].get("stream")  # loop calls never stream upstream
    data = record(gateway, rid(completion_id))
    assert data["tool_costs_micro_usd"] == {"web_search": str(SEARCH_PRICE)}
    assert [a["status"] for a in data["attempts"]] == ["success", "success"]
    # Both model calls at the catalog's prices (each rounded up once) plus the search.
    tokens = int(data["tokens_prompt"]) * Decimal("0.40") + int(data["tokens_completion"]) * Decimal("1.60")
    assert 0 <= int(data["cost_micro_usd"]) - SEARCH_PRICE - tokens < 2


@pytest.mark.parametrize("stream", [False, True])
def test_messages_web_fetch_shows_anthropic_blocks_and_get_final_message_works(
    gateway: Gateway, fake: FakeProvider, fake_web: FakeWeb, stream: bool
) -> None:
    url = quote(f"{fake_web.url}/pages/article", safe="")
    kwargs: dict[str, Any] = {
        "model": MESSAGES_MODEL,
        "max_tokens": 256,
        "messages": [{"role": "user", "content": f"Read it [[fake calls=web_fetch url={url}]]"}],
        "extra_body": {"plugins": [{"id": "web_fetch"}], "hi_tool_events": True},
    }
    if stream:
        with claude(gateway).messages.stream(**kwargs) as events:
            message = events.get_final_message()
    else:
        message = claude(gateway).messages.create(**kwargs)
    kinds = [block.type for block in message.content]
    assert kinds[:2] == ["server_tool_use", "web_fetch_tool_result"] and kinds[-1] == "text"
    assert message.stop_reason == "end_turn"
    result = message.content[1].model_dump()
    assert "Fake Article Heading" in result["content"]["content"]["source"]["data"]
    second = upstream_bodies(fake)[1]
    fed = [
        b
        for m in second["messages"]
        for b in (m["content"] if isinstance(m["content"], list) else [])
        if b.get("type") == "tool_result"
    ]
    assert "**brown**" in json.dumps(fed)
    assert [c["path"] for c in fake_web.calls] == ["/pages/article"]
    assert record(gateway, rid(message.id))["tool_costs_micro_usd"] == {"web_fetch": str(FETCH_PRICE)}


@pytest.mark.parametrize("stream", [False, True])
def test_responses_web_search_call_items_and_the_stream_helper(
    gateway: Gateway, fake: FakeProvider, stream: bool
) -> None:
    client = oai(gateway)
    kwargs: dict[str, Any] = {
        "model": RESPONSES_MODEL,
        "input": "Pelicans? [[fake calls=web_search q=pelicans]]",
        "tools": [{"type": "web_search"}],
        "extra_body": {"hi_tool_events": True},
    }
    if stream:
        with client.responses.stream(**kwargs) as events:
            response = events.get_final_response()
    else:
        response = client.responses.create(**kwargs)
    first = response.output[0]
    assert first.type == "web_search_call"
    dumped = first.model_dump()
    assert dumped["action"]["query"] == "pelicans"
    assert dumped["action"]["sources"][0]["url"] == "https://example.com/1?q=pelicans"
    assert "fake" in response.output_text
    second = upstream_bodies(fake)[1]
    output = next(i for i in second["input"] if i.get("type") == "function_call_output")
    assert search_says(
        output["output"] if isinstance(output["output"], str) else json.dumps(output["output"])
    )
    assert record(gateway, rid(response.id))["tool_costs_micro_usd"] == {"web_search": str(SEARCH_PRICE)}


def test_datetime_and_image_through_chat(gateway: Gateway, fake: FakeProvider) -> None:
    completion = oai(gateway).chat.completions.create(
        model=CHAT_MODEL,
        messages=[
            {"role": "user", "content": "Now, and a picture [[fake calls=datetime+image tz=Asia/Tokyo]]"}
        ],
        extra_body={"plugins": [{"id": "datetime"}, {"id": "image"}]},
    )
    text = completion.choices[0].message.content or ""
    assert "![generated image 1](data:image/png;base64,iVBOR" in text
    images = [c for c in fake.calls if c["path"] == "/v1/images/generations"]
    assert images[0]["body"]["model"] == "gpt-image-1"
    fed = [m for m in upstream_bodies(fake)[1]["messages"] if m["role"] == "tool"]
    assert any("+09:00" in m["content"] for m in fed)
    assert record(gateway, rid(completion.id))["tool_costs_micro_usd"] == {"image": str(IMAGE_PRICE)}


def test_the_models_list_says_image_generation_is_configured(gateway: Gateway) -> None:
    body = httpx.get(f"{gateway.openai_base}/models").json()
    assert body["meta"] == {"image_generation_configured": True}


def test_a_pdf_reaches_a_model_without_native_pdf_as_text_and_others_natively(
    gateway: Gateway, fake: FakeProvider
) -> None:
    data = "data:application/pdf;base64," + base64.b64encode(minimal_pdf()).decode()
    content = [
        {"type": "text", "text": "Summarise"},
        {"type": "file", "file": {"filename": "r.pdf", "file_data": data}},
    ]
    messages: Any = [{"role": "user", "content": content}]
    for model in ("test/no-pdf", CHAT_MODEL):
        fake.calls.clear()
        oai(gateway).chat.completions.create(
            model=model,
            messages=messages,
            extra_body={"plugins": [{"id": "pdf"}]},
        )
        sent = json.dumps(upstream_bodies(fake)[0]["messages"])
        if model == "test/no-pdf":
            assert "The secret word is pelican." in sent and "application/pdf" not in sent
        else:
            assert "data:application/pdf;base64," in sent and "secret word" not in sent


# ---- SSRF: refused, no request made, the model told, nothing charged ---------------------------


def ssrf_targets(fake_web: FakeWeb) -> dict[str, str]:
    port = urlsplit(fake_web.url).port
    return {
        "metadata": "http://169.254.169.254/latest/meta-data/",
        "ipv6-loopback": f"http://[::1]:{port}/pages/article",
        "private": "http://10.0.0.7/pages/article",
        "redirect-to-loopback": f"{fake_web.url}/pages/redirect?to={quote(f'http://localhost:{port}/pages/article')}",
        "name-resolving-to-loopback": f"http://localhost:{port}/pages/article",
    }


@pytest.mark.parametrize(
    "case", ["metadata", "ipv6-loopback", "private", "redirect-to-loopback", "name-resolving-to-loopback"]
)
def test_ssrf_destinations_are_refused_with_no_request_made(
    gateway: Gateway, fake: FakeProvider, fake_web: FakeWeb, case: str
) -> None:
    url = quote(ssrf_targets(fake_web)[case], safe="")
    completion = oai(gateway).chat.completions.create(
        model=CHAT_MODEL,
        messages=[{"role": "user", "content": f"Fetch [[fake calls=web_fetch url={url}]]"}],
        extra_body={"plugins": [{"id": "web_fetch", "events": True}]},
    )
    events = (completion.choices[0].message.model_extra or {})["hi_tool_events"]
    assert events[1]["is_error"] and "refused" in events[1]["content"]
    fed = next(m for m in upstream_bodies(fake)[1]["messages"] if m["role"] == "tool")
    assert "refused" in fed["content"]
    expected = ["/pages/redirect"] if case == "redirect-to-loopback" else []
    assert [c["path"] for c in fake_web.calls] == expected  # the article itself was never requested
    assert record(gateway, rid(completion.id))["tool_costs_micro_usd"] == {}


# ---- the loop's ends -----------------------------------------------------------------------------


def test_the_cap_ends_the_loop_with_a_note_and_no_extra_call(gateway: Gateway, fake: FakeProvider) -> None:
    raw = oai(gateway).chat.completions.with_raw_response.create(
        model=CHAT_MODEL,
        messages=[
            {"role": "user", "content": "Loop [[fake calls=datetime,datetime,datetime,datetime,datetime]]"}
        ],
        extra_body={"plugins": [{"id": "datetime"}]},
    )
    completion = raw.parse()
    assert raw.headers["x-hyperinfer-tool-loop"] == "capped"
    assert len(upstream_bodies(fake)) == MAX_ITERATIONS
    assert f"stopped after {MAX_ITERATIONS} model calls" in (completion.choices[0].message.content or "")
    assert completion.choices[0].finish_reason == "stop"
    assert len(record(gateway, rid(completion.id))["attempts"]) == MAX_ITERATIONS


def test_a_client_tool_call_stops_the_loop_and_goes_to_the_client(
    gateway: Gateway, fake: FakeProvider
) -> None:
    weather = {"type": "function", "function": {"name": "get_weather", "parameters": {"type": "object"}}}
    completion = oai(gateway).chat.completions.create(
        model=CHAT_MODEL,
        messages=[{"role": "user", "content": "Time then weather [[fake calls=datetime,get_weather]]"}],
        tools=[weather],  # type: ignore[list-item]
        extra_body={"plugins": [{"id": "datetime"}]},
    )
    choice = completion.choices[0]
    assert choice.finish_reason == "tool_calls"
    assert [c.function.name for c in choice.message.tool_calls or []] == ["get_weather"]  # type: ignore[union-attr]
    assert len(upstream_bodies(fake)) == 2


# ---- money ---------------------------------------------------------------------------------------


def test_a_workspace_that_cannot_pay_the_next_iteration_gets_402_with_what_ran_charged(
    gateway: Gateway, fake: FakeProvider
) -> None:
    store = store_of(gateway)
    store.create_workspace("ws_tools_poor", "poor")
    store.add_credits("ws_tools_poor", 5_000, "seed")  # one small call, not a call plus an $0.008 search
    key, _ = store.create_key("ws_tools_poor", "test")
    client = openai.OpenAI(base_url=gateway.openai_base, api_key=key, max_retries=0)
    with pytest.raises(openai.APIStatusError) as raised:
        client.chat.completions.create(
            model=CHAT_MODEL,
            max_tokens=50,
            messages=[{"role": "user", "content": "x [[fake calls=web_search q=pelicans]]"}],
            extra_body={"plugins": [{"id": "web_search"}]},
        )
    assert raised.value.status_code == 402
    assert raised.value.body["code"] == "insufficient_credits"  # type: ignore[index]
    assert len(upstream_bodies(fake)) == 1  # the first call ran; the search and second call did not
    [generation] = store.generations("ws_tools_poor")
    assert generation["status"] == "error" and generation["error_code"] == "insufficient_credits"
    assert 0 < int(generation["cost_micro_usd"]) < 5_000  # the call that ran is charged
    assert store.balance("ws_tools_poor") == 5_000 - int(generation["cost_micro_usd"])


# ---- activation and provider-run tools -------------------------------------------------------------


@pytest.mark.parametrize(
    ("path", "body", "param"),
    [
        (
            "chat/completions",
            {
                "model": CHAT_MODEL,
                "messages": [{"role": "user", "content": "x"}],
                "plugins": [{"id": "abacus"}],
            },
            "plugins",
        ),
        (
            "messages",
            {
                "model": MESSAGES_MODEL,
                "max_tokens": 5,
                "messages": [{"role": "user", "content": "x"}],
                "tools": [{"type": "code_execution_20250522", "name": "code_execution"}],
            },
            "tools[0]",
        ),
        (
            "responses",
            {
                "model": RESPONSES_MODEL,
                "input": "x",
                "tools": [{"type": "file_search", "vector_store_ids": ["vs_1"]}],
            },
            "tools[0].type",
        ),
        (
            "responses",
            {
                "model": RESPONSES_MODEL,
                "input": "x",
                "tools": [{"type": "code_interpreter", "container": {"type": "auto"}}],
            },
            "tools[0].type",
        ),
        (
            "messages",
            {
                "model": MESSAGES_MODEL,
                "max_tokens": 5,
                "messages": [{"role": "user", "content": "x"}],
                "mcp_servers": [{"type": "url", "url": "https://x", "name": "x"}],
            },
            "mcp_servers",
        ),
        ("responses", {"model": RESPONSES_MODEL, "input": "x", "background": True}, "background"),
    ],
)
def test_unknown_and_provider_run_tools_are_refused_naming_the_field(
    gateway: Gateway, fake: FakeProvider, path: str, body: dict[str, Any], param: str
) -> None:
    headers = {"Authorization": f"Bearer {DEV_KEY}", "x-api-key": DEV_KEY, "anthropic-version": "2023-06-01"}
    response = httpx.post(f"{gateway.openai_base}/{path}", json=body, headers=headers)
    assert response.status_code == 400, response.text
    assert param in response.text
    assert fake.calls == []


def test_anthropics_web_search_tool_is_run_by_the_gateway_and_billed(
    gateway: Gateway, fake: FakeProvider
) -> None:
    message = claude(gateway).messages.create(
        model=MESSAGES_MODEL,
        max_tokens=256,
        messages=[{"role": "user", "content": "Pelicans? [[fake calls=web_search q=pelicans]]"}],
        tools=[{"type": "web_search_20250305", "name": "web_search", "max_uses": 3}],
    )
    assert [b.type for b in message.content][:2] == ["server_tool_use", "web_search_tool_result"]
    results = message.content[1].model_dump()["content"]
    assert results[0]["url"] == "https://example.com/1?q=pelicans"
    sent = upstream_bodies(fake)[0]
    assert all(t.get("type") in (None, "custom") for t in sent["tools"])  # Anthropic never ran it
    assert record(gateway, rid(message.id))["tool_costs_micro_usd"] == {"web_search": str(SEARCH_PRICE)}


# ---- the agents: one web_search turn each ---------------------------------------------------------


def test_claude_code_completes_a_web_search_turn_through_an_online_model(
    gateway: Gateway, fake: FakeProvider, fake_web: FakeWeb, tmp_path: Path
) -> None:
    prompt = "Search pelicans [[fake calls=web_search q=pelicans]]"
    result = claude_code(gateway, f"{MESSAGES_MODEL}:online", prompt, tmp_path)
    assert result.returncode == 0, result.report()
    assert REPLY in result.stdout, result.report()
    first, second = upstream_bodies(fake)
    assert "web_search" in {t["name"] for t in first["tools"]} and first["model"] == "claude-sonnet-4-6"
    assert search_says(json.dumps(second["messages"]))
    assert [c["path"] for c in fake_web.calls] == ["/search"]


def test_codex_completes_a_web_search_turn_with_its_own_web_search_tool(
    gateway: Gateway, fake: FakeProvider, fake_web: FakeWeb, tmp_path: Path
) -> None:
    prompt = "Search pelicans [[fake calls=web_search q=pelicans]]"
    result = codex(gateway, RESPONSES_MODEL, prompt, tmp_path, search=True)
    assert result.returncode == 0, result.report()
    assert REPLY in result.stdout, result.report()
    first, second = upstream_bodies(fake)
    assert "web_search" in {t.get("name") for t in first["tools"]}  # offered as a function tool
    assert not any(t.get("type") == "web_search" for t in first["tools"])  # OpenAI never ran it
    assert search_says(json.dumps(second["input"]))
    assert [c["path"] for c in fake_web.calls] == ["/search"]


# ---- idioms without a native block: SDK helpers keep working -------------------------------------


def test_responses_stream_helper_keeps_mcp_and_image_items(gateway: Gateway, fake: FakeProvider) -> None:
    tools: Any = [{"type": "datetime"}, {"type": "image", "events": True}]  # HyperInfer's built-ins
    with oai(gateway).responses.stream(
        model=RESPONSES_MODEL,
        input="Time and a picture [[fake calls=datetime+image]]",
        tools=tools,
    ) as events:
        response = events.get_final_response()
    kinds = [item.type for item in response.output]
    assert kinds[:2] == ["mcp_call", "image_generation_call"] and kinds[-1] == "message"
    assert response.output[0].model_dump()["name"] == "datetime"
    assert response.output[1].model_dump()["result"].startswith("iVBOR")
    assert '"now"' in response.output[0].model_dump()["output"]
    assert "![generated image 1](data:image/png;base64," in response.output_text


def test_messages_stream_keeps_hi_tool_result_blocks(gateway: Gateway, fake: FakeProvider) -> None:
    with claude(gateway).messages.stream(
        model=MESSAGES_MODEL,
        max_tokens=256,
        messages=[{"role": "user", "content": "Time? [[fake calls=datetime tz=Europe/Paris]]"}],
        extra_body={"plugins": [{"id": "datetime", "events": True}]},
    ) as events:
        message = events.get_final_message()
    assert [b.type for b in message.content] == ["server_tool_use", "hi_tool_result", "text"]
    assert message.content[0].model_dump()["input"] == {"timezone": "Europe/Paris"}
    assert "Europe/Paris" in message.content[1].model_dump()["content"]


def test_the_loop_speaks_a_compatible_servers_dialect(gateway: Gateway, fake: FakeProvider) -> None:
    """Each model call of the loop is encoded with the provider's compat options, as a plain call is:
    Groq's output cap goes in `max_completion_tokens`, and `metadata`, which it refuses, is left out."""
    completion = oai(gateway).chat.completions.create(
        model="moonshotai/kimi-k2-0905",
        messages=[{"role": "user", "content": "Time? [[fake calls=datetime]]"}],
        metadata={"team": "search"},
        extra_body={"plugins": [{"id": "datetime"}]},
    )
    assert completion.choices[0].message.content
    bodies = upstream_bodies(fake)
    assert len(bodies) == 2 and all(b["model"] == "moonshotai/kimi-k2-instruct-0905" for b in bodies)
    assert all("max_completion_tokens" in b and "max_tokens" not in b for b in bodies)
    assert all("metadata" not in b for b in bodies)


# ---- security: what the backends see, what the logs keep -------------------------------------------


def test_backends_never_see_a_provider_key_and_runs_are_logged_without_content(
    gateway: Gateway, fake: FakeProvider, fake_web: FakeWeb
) -> None:
    url = quote(f"{fake_web.url}/pages/notes.txt", safe="")
    oai(gateway).chat.completions.create(
        model=CHAT_MODEL,
        messages=[{"role": "user", "content": f"x [[fake calls=web_search+web_fetch q=zebras url={url}]]"}],
        extra_body={"plugins": [{"id": "web_search"}, {"id": "web_fetch"}]},
    )
    search, page = sorted(fake_web.calls, key=lambda c: c["path"])[::-1]
    assert search["headers"]["authorization"] == f"Bearer {SEARCH_KEY}"
    seen = json.dumps([search["headers"], page["headers"]])
    assert UPSTREAM_KEY not in seen and DEV_KEY not in seen and INTERNAL_TOKEN not in seen
    assert "authorization" not in page["headers"] and "x-api-key" not in page["headers"]
    runs = [json.loads(line) for line in gateway.log.read_text().splitlines() if '"tool run"' in line]
    mine = [r for r in runs if r.get("tool") in ("web_search", "web_fetch")][-2:]
    assert {r["tool"] for r in mine} == {"web_search", "web_fetch"}
    assert all(r["outcome"] == "ok" and r["bytes"] > 0 and "duration_ms" in r for r in mine)
    assert not any("zebras" in json.dumps(r) or "plain notes" in json.dumps(r) for r in runs)


def test_a_follow_up_turn_may_send_the_tool_runs_back(gateway: Gateway, fake: FakeProvider) -> None:
    """The Anthropic SDK's usual loop appends ``message.content`` as the next assistant turn, and
    Codex replays its output items: the gateway's own blocks and items are taken out, not refused."""
    ask: Any = [{"role": "user", "content": "Pelicans? [[fake calls=web_search q=pelicans]]"}]
    tools: Any = [{"type": "web_search_20250305", "name": "web_search"}]
    first = claude(gateway).messages.create(model=MESSAGES_MODEL, max_tokens=256, messages=ask, tools=tools)
    history: Any = [
        *ask,
        {"role": "assistant", "content": first.content},
        {"role": "user", "content": "More? [[fake words=3]]"},
    ]
    again = claude(gateway).messages.create(model=MESSAGES_MODEL, max_tokens=256, messages=history)
    assert again.content[-1].type == "text"
    sent = upstream_bodies(fake)[-1]["messages"]
    assert [m["role"] for m in sent] == ["user", "assistant", "user"]
    assert "server_tool_use" not in json.dumps(sent) and "web_search_tool_result" not in json.dumps(sent)
    response = oai(gateway).responses.create(
        model=RESPONSES_MODEL,
        input="Pelicans? [[fake calls=web_search q=pelicans]]",
        tools=[{"type": "web_search"}],
        extra_body={"hi_tool_events": True},
    )
    replay: Any = [
        *[item.model_dump(exclude_none=True) for item in response.output],
        {"role": "user", "content": "More? [[fake words=3]]"},
    ]
    follow = oai(gateway).responses.create(model=RESPONSES_MODEL, input=replay)
    assert follow.output_text
    assert "web_search_call" not in json.dumps(upstream_bodies(fake)[-1]["input"])


def test_a_long_loop_streams_keep_alives_until_the_answer(gateway: Gateway, fake: FakeProvider) -> None:
    # Each model call takes 0.5 s, the gateway's keep-alive interval here is 0.3 s: the stream
    # starts before the loop ends, and the SDK's helper still gets the whole message.
    body = {
        "model": MESSAGES_MODEL,
        "max_tokens": 256,
        "stream": True,
        "messages": [{"role": "user", "content": "Pelicans? [[fake calls=web_search q=pelicans delay=0.5]]"}],
        "plugins": [{"id": "web_search", "events": True}],
    }
    headers = {"x-api-key": DEV_KEY, "anthropic-version": "2023-06-01"}
    raw = httpx.post(f"{gateway.url}/api/v1/messages", json=body, headers=headers, timeout=20).text
    assert raw.startswith(":")  # an SSE comment first: the keep-alive
    assert raw.index("event: message_start") > 0 and "server_tool_use" in raw and "event: message_stop" in raw
    with claude(gateway).messages.stream(
        model=MESSAGES_MODEL,
        max_tokens=256,
        messages=body["messages"],  # type: ignore[arg-type]
        extra_body={"plugins": [{"id": "web_search", "events": True}]},
    ) as events:
        message = events.get_final_message()
    assert [b.type for b in message.content] == ["server_tool_use", "web_search_tool_result", "text"]
