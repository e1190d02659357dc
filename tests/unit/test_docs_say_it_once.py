"""Every Markdown file of the repo says a thing once: no heading twice in a file, and no block of
ten or more lines that appears twice anywhere (in one file or across files)."""

from __future__ import annotations

import subprocess
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
BLOCK = 10


def _markdown_files() -> list[Path]:
    listed = subprocess.run(
        ["git", "ls-files", "--cached", "--others", "--exclude-standard", "*.md"],
        cwd=ROOT,
        check=True,
        capture_output=True,
        text=True,
    ).stdout.split()
    return [ROOT / name for name in listed if (ROOT / name).is_file()]


def headings(text: str) -> list[tuple[int, str]]:
    """(line number, heading) of every ATX heading outside fenced code (a `# comment` in a shell
    block is not a heading)."""
    found: list[tuple[int, str]] = []
    fence: str | None = None
    for number, line in enumerate(text.splitlines(), start=1):
        stripped = line.lstrip()
        if stripped.startswith(("```", "~~~")):
            marker = stripped[:3]
            fence = None if fence == marker else (fence or marker)
            continue
        if fence is None and stripped.startswith("#"):
            hashes = len(stripped) - len(stripped.lstrip("#"))
            if hashes <= 6 and stripped[hashes : hashes + 1] in (" ", ""):
                found.append((number, stripped.strip()))
    return found


def repeated_headings(text: str) -> dict[str, list[int]]:
    where: dict[str, list[int]] = defaultdict(list)
    for number, heading in headings(text):
        where[heading].append(number)
    return {heading: lines for heading, lines in where.items() if len(lines) > 1}


def repeated_blocks(files: dict[str, str], size: int = BLOCK) -> list[list[tuple[str, int]]]:
    """Places where the same `size` consecutive non-blank lines occur more than once. Blank lines
    and trailing spaces are ignored, so re-wrapping paragraphs apart does not hide a copy."""
    where: dict[tuple[str, ...], list[tuple[str, int]]] = defaultdict(list)
    for name, text in files.items():
        lines = [(n, line.rstrip()) for n, line in enumerate(text.splitlines(), start=1) if line.strip()]
        for start in range(len(lines) - size + 1):
            window = tuple(line for _, line in lines[start : start + size])
            where[window].append((name, lines[start][0]))
    repeats = [places for places in where.values() if len(places) > 1]
    # One report per copied region: keep only the first window of each overlapping run.
    repeats.sort(key=lambda places: places)
    kept: list[list[tuple[str, int]]] = []
    previous: list[tuple[str, int]] = []
    for places in repeats:
        if not (
            len(places) == len(previous)
            and all(
                name == prev_name and 0 < line - prev_line <= size
                for (name, line), (prev_name, prev_line) in zip(places, previous, strict=True)
            )
        ):
            kept.append(places)
        previous = places
    return kept


def test_the_checks_catch_a_copy() -> None:
    # The checks themselves, on a document that repeats a heading and a 10-line block.
    body = "\n".join(f"line {i}" for i in range(BLOCK))
    shell = "```sh\n# not a heading\n# not a heading\n```"
    doc = f"# Title\n\n## Part\n\n{body}\n\n## Other\n\n{shell}\n\n## Part\n\n{body}\n"
    assert list(repeated_headings(doc)) == ["## Part"]
    assert len(repeated_blocks({"doc.md": doc})) == 1
    nine = "\n".join(body.splitlines()[:-1])
    assert repeated_blocks({"doc.md": f"{nine}\n\nbetween\n\n{nine}\n"}) == []
    assert len(repeated_blocks({"a.md": body, "b.md": body})) == 1


def test_no_markdown_file_repeats_a_heading() -> None:
    problems = {
        str(path.relative_to(ROOT)): repeats
        for path in _markdown_files()
        if (repeats := repeated_headings(path.read_text(encoding="utf-8")))
    }
    assert problems == {}


def test_no_block_of_ten_lines_appears_twice_in_the_docs() -> None:
    files = {str(p.relative_to(ROOT)): p.read_text(encoding="utf-8") for p in _markdown_files()}
    assert repeated_blocks(files) == []
