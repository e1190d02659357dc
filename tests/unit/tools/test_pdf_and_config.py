"""PDF documents as text for models without native PDF input, and the tools: section of the catalog."""

from __future__ import annotations

import base64
from pathlib import Path
from typing import Any

import pytest
import yaml
from hyperinfer.catalog import Catalog, load_catalog
from hyperinfer.endpoints.models import render_catalog
from hyperinfer.ir.content import DocumentBlock, MediaSource, TextBlock
from hyperinfer.ir.request import Message, Request
from hyperinfer.local.fakes.web import minimal_pdf
from hyperinfer.tools.pdf import has_pdf, pdf_text, pdfs_as_text
from pydantic import ValidationError

from tests.support import CATALOG_DATE

REPO = Path(__file__).resolve().parents[3]


def _request_with_pdf(data: bytes) -> Request:
    document = DocumentBlock(
        source=MediaSource(kind="base64", media_type="application/pdf", data=base64.b64encode(data).decode()),
        filename="report.pdf",
    )
    return Request(
        model="m", messages=(Message(role="user", content=(TextBlock(text="Summarise"), document)),)
    )


def test_a_pdf_document_becomes_its_extracted_text() -> None:
    request = _request_with_pdf(minimal_pdf())
    assert has_pdf(request)
    converted = pdfs_as_text(request)
    assert not has_pdf(converted)
    text = converted.messages[0].content[1]
    assert isinstance(text, TextBlock)
    assert "The secret word is pelican." in text.text and "report.pdf" in text.text
    assert converted.messages[0].content[0] == TextBlock(text="Summarise")


def test_an_unreadable_pdf_says_so_instead_of_failing() -> None:
    text = pdfs_as_text(_request_with_pdf(b"%PDF-1.4 garbage")).messages[0].content[1]
    assert isinstance(text, TextBlock) and "could not be read" in text.text


def test_extracted_text_is_capped() -> None:
    assert pdf_text(minimal_pdf(("word " * 50,)), max_chars=40).endswith("[truncated at 40 characters]")


def _catalog(tools: dict[str, Any]) -> dict[str, Any]:
    raw: dict[str, Any] = yaml.safe_load((REPO / "providers.yaml").read_text())
    image_model = {
        **raw["models"][0],
        "slug": "openai/gpt-image-1",
        "upstream_model": "gpt-image-1",
        "aliases": [],
    }
    return {**raw, "models": [*raw["models"], image_model], "tools": tools}


def test_a_configured_tools_section_loads_and_sets_the_image_flag() -> None:
    tools = {
        "web_search": {
            "kind": "brave",
            "base_url": "https://api.search.brave.com/res/v1",
            "api_key_env": "BRAVE_API_KEY",
            "price_per_call_usd": "0.005",
        },
        "web_fetch": {"price_per_call_usd": "0.001"},
        "image": {"model": "openai/gpt-image-1", "price_per_image_usd": "0.04"},
    }
    catalog = Catalog.model_validate(_catalog(tools))
    assert catalog.tools.web_search is not None and catalog.tools.web_search.kind == "brave"
    assert b'"meta":{"image_generation_configured":true}' in render_catalog(catalog, CATALOG_DATE)


def test_the_shipped_catalog_has_no_image_tool_and_says_so() -> None:
    assert b'"image_generation_configured":false' in render_catalog(
        load_catalog(REPO / "providers.yaml"), CATALOG_DATE
    )


@pytest.mark.parametrize(
    ("tools", "field"),
    [
        (
            {
                "web_search": {
                    "kind": "bing",
                    "base_url": "https://x",
                    "api_key_env": "K",
                    "price_per_call_usd": "1",
                }
            },
            "kind",
        ),
        (
            {"web_search": {"kind": "tavily", "base_url": "https://x", "api_key_env": "K"}},
            "price_per_call_usd",
        ),
        ({"web_fetch": {"price_per_call_usd": "-1"}}, "price_per_call_usd"),
        ({"image": {"model": "nobody/none", "price_per_image_usd": "0.04"}}, "tools.image.model"),
        (
            {"image": {"model": "anthropic/claude-opus-4.5", "price_per_image_usd": "0.04"}},
            "tools.image.model",
        ),
        ({"calculator": {}}, "calculator"),
    ],
)
def test_a_bad_tools_section_fails_at_load_naming_the_field(tools: dict[str, Any], field: str) -> None:
    with pytest.raises(ValidationError, match=field):
        Catalog.model_validate(_catalog(tools))


@pytest.mark.parametrize("ingress", ["responses", "chat_completions", "anthropic_messages"])
def test_tools_that_are_not_a_list_are_left_for_the_schema_to_refuse(ingress: str) -> None:
    """Found by schemathesis: `tools: <a number>` beside an activating field crashed activation."""
    from hyperinfer.tools.activation import activate
    from hyperinfer.tools.config import ToolsConfig

    payload = {"model": "m", "hi_tool_events": None, "tools": -2.4e16, "plugins": [{"id": "datetime"}]}
    if ingress == "responses":
        del payload["plugins"]
    activation, body = activate(ingress, payload, ToolsConfig())
    assert body["tools"] == -2.4e16  # untouched: the format's request model names `tools`
    assert (activation is None) == (ingress == "responses")
