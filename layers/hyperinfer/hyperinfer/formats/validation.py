"""A pydantic ValidationError as one message that names the offending field, the way clients read it."""

from __future__ import annotations

import re

from pydantic import ValidationError
from pydantic_core import ErrorDetails

# Union branches appear in pydantic locations as type or class names ('str', 'list[...]',
# 'NamedToolChoice'); request fields are always snake_case, so the two never collide.
_BRANCH = re.compile(
    r"^((str|int|float|bool|none|dict|list|literal|function-\w+|tagged-union)(\[.*\])?|[A-Z]\w*)$"
)


def field_path(loc: tuple[int | str, ...]) -> str:
    """('messages', 0, 'content', 'list[...]', 0, 'text', 'text') -> 'messages[0].content[0].text'.

    A tagged-union branch shows up as its tag; OpenAI and Anthropic parts name their payload after
    their type ('image_url': {'image_url': ...}), so a repeated name is the tag and is folded.
    """
    path = ""
    previous: int | str | None = None
    for part in loc:
        if isinstance(part, int):
            path += f"[{part}]"
        elif not _BRANCH.match(part) and part != previous:
            path += f".{part}" if path else part
        previous = part
    return path


def _specificity(error: ErrorDetails) -> int:
    """Errors deep inside the value the client meant beat 'should be a string' on another branch."""
    return sum(1 for part in error["loc"] if isinstance(part, int) or not _BRANCH.match(part))


def every_problem(error: ValidationError) -> tuple[str, ...]:
    """One message per problem, each naming its field, the most specific first."""
    ranked = sorted(error.errors(), key=_specificity, reverse=True)
    messages = []
    for problem in ranked:
        param = field_path(problem["loc"])
        message = f"{param}: {problem['msg']}" if param else problem["msg"]
        if message not in messages:
            messages.append(message)
    return tuple(messages)


def describe(error: ValidationError) -> tuple[str, str]:
    """(message, param) for the most specific problem; the message also counts the rest."""
    best = max(error.errors(), key=_specificity)
    param = field_path(best["loc"])
    message = f"{param}: {best['msg']}" if param else best["msg"]
    more = error.error_count() - 1
    if more:
        message += f" (and {more} more problem{'s' if more > 1 else ''})"
    return message, param
