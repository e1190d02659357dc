"""The canonical request: what a client asked for, independent of the format it asked in."""

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from hyperinfer.ir.content import Block, CacheControl, TextBlock
from hyperinfer.ir.effort import Effort as Effort  # noqa: PLC0414 - re-exported

Role = Literal["system", "developer", "user", "assistant"]


class _Frozen(BaseModel):
    # defer_build: a same-format (passthrough) request never touches the IR, so its validators are
    # built on first use rather than at import, which every cold start would pay.
    model_config = ConfigDict(frozen=True, extra="forbid", defer_build=True)


class Message(_Frozen):
    """One turn. System and developer turns keep their position; tool results live in user turns."""

    role: Role
    content: tuple[Block, ...]
    name: str | None = None


class Tool(_Frozen):
    name: str
    description: str | None = None
    parameters: dict[str, Any] = Field(default_factory=lambda: {"type": "object", "properties": {}})
    strict: bool | None = None
    cache_control: CacheControl | None = None


class ToolChoice(_Frozen):
    """auto / none / required (any tool) / tool (the one named)."""

    mode: Literal["auto", "none", "required", "tool"]
    name: str | None = None
    parallel: bool | None = None  # False: at most one call (disable_parallel_tool_use)


class Reasoning(_Frozen):
    """Either an effort level (OpenAI) or a token budget (Anthropic); ``enabled`` False turns it off."""

    enabled: bool = True
    effort: Effort | None = None
    budget_tokens: int | None = None
    summary: Literal["auto", "concise", "detailed"] | None = None
    adaptive: bool = False


class OutputFormat(_Frozen):
    kind: Literal["text", "json_object", "json_schema"]
    name: str | None = None
    schema_: dict[str, Any] | None = Field(default=None, alias="schema")
    strict: bool | None = None
    description: str | None = None


class Request(_Frozen):
    model: str
    system: tuple[TextBlock, ...] = ()  # instructions that precede every message
    messages: tuple[Message, ...]
    tools: tuple[Tool, ...] = ()
    tool_choice: ToolChoice | None = None
    max_output_tokens: int | None = None
    temperature: float | None = None
    top_p: float | None = None
    top_k: int | None = None
    stop: tuple[str, ...] = ()
    reasoning: Reasoning | None = None
    output_format: OutputFormat | None = None
    user: str | None = None
    metadata: dict[str, str] | None = None
    stream: bool = False
    # Advisory fields of the ingress format with no meaning for the answer (prompt_cache_key, store,
    # service_tier ...), by field path: kept so an encoder can carry them or report them dropped.
    advisory: dict[str, Any] = Field(default_factory=dict)
