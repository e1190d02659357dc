"""HTML to Markdown for the model, by markdownify over Beautiful Soup's stdlib parser (no lxml)."""

from __future__ import annotations

import re

_DROP = ("script", "style", "noscript", "template", "svg", "iframe", "head", "form", "nav", "footer")
_BLANK_RUNS = re.compile(r"\n{3,}")  # layout whitespace only; the markup itself is parsed, not matched


def html_to_markdown(html: str) -> str:
    from bs4 import BeautifulSoup
    from markdownify import MarkdownConverter

    soup = BeautifulSoup(html, "html.parser")
    title = soup.title.get_text(strip=True) if soup.title else ""
    for tag in soup(_DROP):
        tag.decompose()
    body = MarkdownConverter(heading_style="ATX", strip=["img"]).convert_soup(soup)
    text = _BLANK_RUNS.sub("\n\n", body).strip()
    return f"# {title}\n\n{text}" if title and title not in text[:200] else text


def html_to_text(fragment: str) -> str:
    """A snippet's markup (Brave highlights matches with <strong>) as plain text."""
    if "<" not in fragment and "&" not in fragment:
        return fragment
    from bs4 import BeautifulSoup

    return BeautifulSoup(fragment, "html.parser").get_text()
