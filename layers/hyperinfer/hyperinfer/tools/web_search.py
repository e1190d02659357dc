"""web_search through Tavily or Brave Search, each in its own wire format; results become a compact
numbered list of title, URL and snippet, capped in size before the model sees them.

Tavily: ``POST {base}/search`` with ``Authorization: Bearer <key>`` and a JSON body
``{"query", "max_results", "search_depth": "basic"}``; answers ``{"results": [{"title", "url",
"content", "score"}], ...}``.
Brave: ``GET {base}/web/search?q=…&count=…`` with ``X-Subscription-Token: <key>``; answers
``{"web": {"results": [{"title", "url", "description"}]}, ...}`` (snippets carry ``<strong>``).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import httpx

from hyperinfer.tools.config import WebSearchConfig

MAX_RESULTS = 10
DEFAULT_RESULTS = 5
SNIPPET_CHARS = 500
MAX_CHARS = 8_000  # of the whole list the model receives


class SearchFailed(Exception):
    """The backend answered with an error or nonsense; the message is safe for the model."""


@dataclass(frozen=True)
class Hit:
    title: str
    url: str
    snippet: str


def tavily_request(base: str, api_key: str, query: str, count: int) -> httpx.Request:
    body = {"query": query, "max_results": count, "search_depth": "basic"}
    return httpx.Request("POST", f"{base}/search", json=body, headers={"Authorization": f"Bearer {api_key}"})


def brave_request(base: str, api_key: str, query: str, count: int) -> httpx.Request:
    headers = {"X-Subscription-Token": api_key, "Accept": "application/json"}
    return httpx.Request("GET", f"{base}/web/search", params={"q": query, "count": count}, headers=headers)


def tavily_hits(body: Any) -> list[Hit]:
    results = body.get("results") if isinstance(body, dict) else None
    if not isinstance(results, list):
        raise SearchFailed("the search backend sent no results list")
    return [
        Hit(str(r.get("title") or ""), str(r.get("url") or ""), str(r.get("content") or ""))
        for r in results
        if isinstance(r, dict) and r.get("url")
    ]


def brave_hits(body: Any) -> list[Hit]:
    from hyperinfer.tools.html_text import html_to_text

    if not isinstance(body, dict):
        raise SearchFailed("the search backend sent no results list")
    web = body.get("web") or {}
    results = web.get("results", []) if isinstance(web, dict) else None
    if not isinstance(results, list):
        raise SearchFailed("the search backend sent no results list")
    return [
        Hit(
            html_to_text(str(r.get("title") or "")),
            str(r["url"]),
            html_to_text(str(r.get("description") or "")),
        )
        for r in results
        if isinstance(r, dict) and r.get("url")
    ]


def render_hits(query: str, hits: list[Hit], max_chars: int = MAX_CHARS) -> str:
    """The list the model reads: one numbered entry per hit, snippets and the whole list capped."""
    if not hits:
        return f"No results for {query!r}."
    lines: list[str] = []
    size = 0
    for number, hit in enumerate(hits, start=1):
        snippet = " ".join(hit.snippet.split())
        if len(snippet) > SNIPPET_CHARS:
            snippet = snippet[:SNIPPET_CHARS] + "…"
        entry = f"{number}. {hit.title.strip()}\n   {hit.url}\n   {snippet}"
        if size + len(entry) > max_chars:
            lines.append(f"[{len(hits) - number + 1} more results left out to keep this short]")
            break
        lines.append(entry)
        size += len(entry) + 1
    return "\n".join(lines)


async def search(
    config: WebSearchConfig, api_key: str, query: str, count: int, http: httpx.AsyncClient
) -> list[Hit]:
    build, parse = (tavily_request, tavily_hits) if config.kind == "tavily" else (brave_request, brave_hits)
    try:
        response = await http.send(build(config.base, api_key, query, count))
    except httpx.HTTPError as error:
        raise SearchFailed(f"the search backend is unreachable ({type(error).__name__})") from error
    if response.status_code >= 400:
        # The backend's body may echo our key or its account details: the model gets the status only.
        raise SearchFailed(f"the search backend answered HTTP {response.status_code}")
    try:
        body = response.json()
    except ValueError as error:
        raise SearchFailed("the search backend sent something that is not JSON") from error
    return parse(body)[:count]
