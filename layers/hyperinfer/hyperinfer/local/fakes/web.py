"""Fake backends of the server tools, over real HTTP: Tavily, Brave Search and a page server.

- ``POST /search``: Tavily's search API (``Authorization: Bearer <key>``).
- ``GET /res/v1/web/search``: Brave's web search (``X-Subscription-Token: <key>``).
- ``GET /pages/...``: pages for web_fetch: ``article`` (HTML), ``notes.txt``, ``doc.pdf``,
  ``image.png`` (a type web_fetch refuses), ``big`` (3 MB of HTML), ``slow`` (answers after
  ``?seconds=``), ``redirect?to=<url>`` (302), ``chain/<n>`` (n redirects before the article).

Every request is logged (``GET /_fake/requests``; ``DELETE`` clears it), so a test can prove that a
refused fetch never arrived. Each search result echoes the query, so a test sees it reached the model.
"""

from __future__ import annotations

import asyncio
import time
from typing import Any

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from starlette.routing import Route

SEARCH_KEY = "fake-search-key"
ARTICLE_HTML = """<!doctype html><html><head><title>The Fake Article</title>
<style>body { color: red }</style><script>alert("never shown")</script></head>
<body><nav>Home | About</nav><h1>Fake Article Heading</h1>
<p>The quick <b>brown</b> fox jumps over the <a href="https://example.com/dog">lazy dog</a>.</p>
<ul><li>First point</li><li>Second point</li></ul>
<table><tr><th>City</th><th>Population</th></tr><tr><td>Zürich</td><td>421878</td></tr></table>
</body></html>"""
PDF_LINES = ("HyperInfer fake PDF, page one.", "The secret word is pelican.")


def minimal_pdf(lines: tuple[str, ...] = PDF_LINES) -> bytes:
    """A valid one-page PDF whose text is ``lines`` (Helvetica), with a correct xref table."""
    text = "".join(f"({line}) Tj 0 -20 Td " for line in lines)
    stream = f"BT /F1 12 Tf 72 720 Td {text}ET".encode()
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R"
        b" /Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)


def _hits(query: str, count: int) -> list[dict[str, str]]:
    return [
        {
            "title": f"Result {n} about {query}",
            "url": f"https://example.com/{n}?q={query.replace(' ', '+')}",
            "snippet": f"Snippet {n}: everything about {query}.",
        }
        for n in range(1, count + 1)
    ]


class FakeWeb:
    def __init__(self) -> None:
        self.calls: list[dict[str, Any]] = []
        self.url = ""  # set by whoever serves the app
        routes = [
            Route("/search", self.tavily, methods=["POST"]),
            Route("/res/v1/web/search", self.brave, methods=["GET"]),
            Route("/pages/{name:path}", self.page, methods=["GET"]),
            Route("/_fake/requests", self.requests, methods=["GET", "DELETE"]),
        ]
        self.app = Starlette(routes=routes)

    def _log(self, request: Request, body: Any = None) -> None:
        self.calls.append(
            {
                "method": request.method,
                "path": request.url.path,
                "query": dict(request.query_params),
                "host": request.headers.get("host"),
                "headers": dict(request.headers),
                "body": body,
            }
        )

    async def requests(self, request: Request) -> Response:
        if request.method == "DELETE":
            self.calls.clear()
        return JSONResponse(self.calls)

    async def tavily(self, request: Request) -> Response:
        body = await request.json()
        self._log(request, body)
        if request.headers.get("authorization") != f"Bearer {SEARCH_KEY}":
            return JSONResponse({"detail": {"error": "Unauthorized: missing or invalid API key."}}, 401)
        query = str(body.get("query", ""))
        if not query:
            return JSONResponse({"detail": {"error": "Query is missing."}}, 400)
        hits = _hits(query, int(body.get("max_results", 5)))
        results = [
            {
                "title": h["title"],
                "url": h["url"],
                "content": h["snippet"],
                "score": 0.9 - i / 10,
                "raw_content": None,
            }
            for i, h in enumerate(hits)
        ]
        return JSONResponse(
            {
                "query": query,
                "follow_up_questions": None,
                "answer": None,
                "images": [],
                "results": results,
                "response_time": 0.42,
                "request_id": "fake-tavily-request",
            }
        )

    async def brave(self, request: Request) -> Response:
        self._log(request)
        if request.headers.get("x-subscription-token") != SEARCH_KEY:
            return JSONResponse(
                {"type": "ErrorResponse", "error": {"code": "SUBSCRIPTION_TOKEN_INVALID", "status": 422}}, 422
            )
        query = request.query_params.get("q", "")
        hits = _hits(query, int(request.query_params.get("count", 20)))
        results = [
            {
                "type": "search_result",
                "title": h["title"].replace(query, f"<strong>{query}</strong>"),
                "url": h["url"],
                "description": h["snippet"].replace(query, f"<strong>{query}</strong>"),
                "is_source_local": False,
                "is_source_both": False,
                "family_friendly": True,
                "language": "en",
                "profile": {"name": "Example", "url": h["url"], "long_name": "example.com"},
                "meta_url": {"scheme": "https", "netloc": "example.com", "hostname": "example.com"},
            }
            for h in hits
        ]
        return JSONResponse(
            {
                "type": "search",
                "query": {"original": query, "show_strict_warning": False, "is_navigational": False},
                "mixed": {
                    "type": "mixed",
                    "main": [{"type": "web", "index": i} for i in range(len(results))],
                },
                "web": {"type": "search", "results": results, "family_friendly": True},
            }
        )

    async def page(self, request: Request) -> Response:
        self._log(request)
        name = request.path_params["name"]
        if name == "article":
            return HTMLResponse(ARTICLE_HTML)
        if name == "notes.txt":
            return Response("plain notes\nline two\n", media_type="text/plain")
        if name == "doc.pdf":
            return Response(minimal_pdf(), media_type="application/pdf")
        if name == "image.png":
            return Response(b"\x89PNG\r\n\x1a\n" + b"\0" * 64, media_type="image/png")
        if name == "big":
            return HTMLResponse("<p>" + "word " * 600_000 + "</p>")
        if name == "slow":
            await asyncio.sleep(float(request.query_params.get("seconds", "5")))
            return HTMLResponse("<p>late</p>")
        if name == "redirect":
            return RedirectResponse(request.query_params["to"], status_code=302)
        if name.startswith("chain/"):
            left = int(name.split("/")[1])
            return RedirectResponse("/pages/article" if left <= 1 else f"/pages/chain/{left - 1}", 302)
        return HTMLResponse("<h1>Not found</h1>", status_code=404)


def tiny_png_base64() -> str:
    """A 1x1 PNG, what the fake Images API returns as b64_json."""
    return "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg=="


def now() -> int:
    return int(time.time())
