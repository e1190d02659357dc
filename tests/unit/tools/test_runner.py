"""Server-tool calls as the model makes them: backends over real HTTP (the fake Tavily, Brave and
Images API), prices in micro-USD, and every bad call an error result for the model, not an error."""

from __future__ import annotations

import asyncio
import json
import logging
from decimal import Decimal
from typing import Any

import httpx
import pytest
from hyperinfer.local.fakes.server import FakeProvider
from hyperinfer.local.fakes.web import SEARCH_KEY, FakeWeb
from hyperinfer.tools.config import ImageConfig, ToolsConfig, WebFetchConfig, WebSearchConfig, micro_usd
from hyperinfer.tools.runner import ImageTarget, ToolContext, ToolOutcome, run_tool
from hyperinfer.tools.web_search import Hit, render_hits


def _search(fake_web: FakeWeb, kind: str, price: str = "0.005") -> WebSearchConfig:
    base = fake_web.url if kind == "tavily" else f"{fake_web.url}/res/v1"
    return WebSearchConfig.model_validate(
        {"kind": kind, "base_url": base, "api_key_env": "SEARCH_KEY", "price_per_call_usd": price}
    )


def _run(tool: str, arguments: Any, tools: ToolsConfig, **context: Any) -> ToolOutcome:
    async def go() -> ToolOutcome:
        async with httpx.AsyncClient() as http:
            return await run_tool(tool, arguments, ToolContext(tools=tools, http=http, **context))

    return asyncio.run(go())


async def _key() -> str:
    return SEARCH_KEY


@pytest.mark.parametrize("kind", ["tavily", "brave"])
def test_web_search_returns_a_compact_numbered_list_and_its_price(fake_web: FakeWeb, kind: str) -> None:
    fake_web.calls.clear()
    tools = ToolsConfig(web_search=_search(fake_web, kind))
    outcome = _run("web_search", {"query": "pelicans", "max_results": 3}, tools, search_key=_key)
    assert not outcome.is_error
    assert outcome.text.splitlines()[0] == "1. Result 1 about pelicans"
    assert "https://example.com/3?q=pelicans" in outcome.text
    assert "<strong>" not in outcome.text  # Brave's highlighting is markup, not text
    assert "4. " not in outcome.text
    assert outcome.cost_micro_usd == 5_000
    call = fake_web.calls[-1]
    if kind == "tavily":
        assert call["path"] == "/search" and call["body"]["query"] == "pelicans"
        assert call["body"]["max_results"] == 3
        assert call["headers"]["authorization"] == f"Bearer {SEARCH_KEY}"
    else:
        assert call["path"] == "/res/v1/web/search" and call["query"] == {"q": "pelicans", "count": "3"}
        assert call["headers"]["x-subscription-token"] == SEARCH_KEY


@pytest.mark.parametrize("kind", ["tavily", "brave"])
def test_a_rejected_search_key_is_an_unpriced_error_that_does_not_echo_the_body(
    fake_web: FakeWeb, kind: str
) -> None:
    async def wrong() -> str:
        return "sk-wrong-key-must-not-leak"

    outcome = _run(
        "web_search", {"query": "x"}, ToolsConfig(web_search=_search(fake_web, kind)), search_key=wrong
    )
    assert outcome.is_error and outcome.cost_micro_usd == 0
    assert "HTTP 4" in outcome.text and "sk-wrong" not in outcome.text and "Unauthorized" not in outcome.text


def test_the_result_list_is_capped() -> None:
    hits = [Hit(f"title {n}", f"https://example.com/{n}", "word " * 400) for n in range(10)]
    text = render_hits("q", hits, max_chars=1_500)
    assert len(text) < 1_700
    assert "more results left out" in text


@pytest.mark.parametrize(
    ("tool", "arguments", "why"),
    [
        ("web_search", {}, "query"),
        ("web_search", {"query": ""}, "query"),
        ("web_search", {"query": "x", "max_results": 50}, "max_results"),
        ("web_search", {"query": "x", "extra": 1}, "extra"),
        ("web_search", "{not json", "not a JSON object"),
        ("web_fetch", {"url": 7}, "url"),
        ("datetime", {"timezone": "Mars/Olympus_Mons"}, "unknown time zone"),
        ("image", {"prompt": "x", "size": "7x7"}, "size"),
        ("calculator", {}, "not a server tool"),
    ],
)
def test_a_bad_call_is_an_error_result_naming_the_problem(tool: str, arguments: Any, why: str) -> None:
    outcome = _run(tool, arguments, ToolsConfig(web_fetch=WebFetchConfig(price_per_call_usd=Decimal(1))))
    assert outcome.is_error
    assert why in outcome.text
    assert outcome.cost_micro_usd == 0


def test_a_refused_fetch_is_an_unpriced_error_result(fake_web: FakeWeb) -> None:
    tools = ToolsConfig(web_fetch=WebFetchConfig(price_per_call_usd=Decimal("0.001")))
    outcome = _run("web_fetch", {"url": "http://169.254.169.254/latest/meta-data/"}, tools)
    assert outcome.is_error and outcome.cost_micro_usd == 0
    assert "link-local" in outcome.text


def test_datetime_is_utc_unless_a_zone_is_asked_for() -> None:
    utc = json.loads(_run("datetime", {}, ToolsConfig()).text)
    assert utc["timezone"] == "UTC" and utc["now"].endswith("+00:00")
    tokyo = json.loads(_run("datetime", '{"timezone": "Asia/Tokyo"}', ToolsConfig()).text)
    assert tokyo["now"].endswith("+09:00") and tokyo["utc_offset"] == "+0900"


def test_image_calls_the_images_api_and_charges_per_image(fake: FakeProvider) -> None:
    fake.calls.clear()
    tools = ToolsConfig(image=ImageConfig(model="openai/gpt-image-1", price_per_image_usd=Decimal("0.04")))

    async def key() -> str:
        return "sk-image-key"

    target = ImageTarget(base=f"{fake.url}/v1", upstream_model="gpt-image-1", api_key=key)
    outcome = _run("image", {"prompt": "a lighthouse", "size": "1024x1536"}, tools, image=target)
    assert not outcome.is_error
    assert outcome.cost_micro_usd == 40_000
    assert outcome.images[0].url.startswith("data:image/png;base64,iVBOR")
    assert "data:image" not in outcome.text  # the model gets a note, not megabytes of base64
    call = fake.calls[-1]
    assert call["path"] == "/v1/images/generations"
    assert call["body"] == {"model": "gpt-image-1", "prompt": "a lighthouse", "n": 1, "size": "1024x1536"}
    assert call["authorization"] == "Bearer sk-image-key"


def test_an_unconfigured_backend_is_an_error_result() -> None:
    outcome = _run("web_search", {"query": "x"}, ToolsConfig())
    assert outcome.is_error and "not configured" in outcome.text


def test_a_price_in_usd_rounds_up_to_whole_micro_usd() -> None:
    assert micro_usd(Decimal("0.0000001")) == 1
    assert micro_usd(Decimal("0.04"), 3) == 120_000
    assert micro_usd(Decimal(0)) == 0


def test_tool_runs_are_logged_without_their_content(
    fake_web: FakeWeb, caplog: pytest.LogCaptureFixture
) -> None:
    tools = ToolsConfig(web_search=_search(fake_web, "tavily"))
    with caplog.at_level(logging.INFO, logger="hyperinfer.tools"):
        _run("web_search", {"query": "secret-topic"}, tools, search_key=_key)
    record = next(r for r in caplog.records if r.name == "hyperinfer.tools")
    assert (record.tool, record.outcome) == ("web_search", "ok")  # type: ignore[attr-defined]
    assert record.bytes > 0 and record.duration_ms >= 0  # type: ignore[attr-defined]
    assert "secret-topic" not in repr(record.__dict__)
