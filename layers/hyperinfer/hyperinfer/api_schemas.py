"""Response shapes of seed 001 as pydantic models: the OpenAPI document is generated from them,
and tests validate live responses against them."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from hyperinfer.errors import ErrorCode


class _Schema(BaseModel):
    model_config = ConfigDict(extra="forbid")


class OpenAIErrorBody(_Schema):
    message: str
    type: str = Field(description="OpenAI-compatible error class (e.g. invalid_request_error).")
    code: ErrorCode
    param: str | None = None
    request_id: str


class OpenAIError(_Schema):
    error: OpenAIErrorBody


class AnthropicErrorBody(_Schema):
    type: str = Field(description="Anthropic-compatible error class (e.g. invalid_request_error).")
    code: ErrorCode
    message: str


class AnthropicError(_Schema):
    type: Literal["error"]
    error: AnthropicErrorBody
    request_id: str


class PromptTokensDetails(BaseModel):
    cached_tokens: int


class CompletionTokensDetails(BaseModel):
    reasoning_tokens: int


class ChatCompletionsUsage(BaseModel):
    prompt_tokens: int
    completion_tokens: int
    total_tokens: int
    prompt_tokens_details: PromptTokensDetails | None = None
    completion_tokens_details: CompletionTokensDetails | None = None
    cost: float = Field(description="HyperInfer usage-accounting extension: total cost in credits (USD).")


class ResponseFunction(BaseModel):
    name: str
    arguments: str


class ResponseToolCall(BaseModel):
    id: str
    type: Literal["function"]
    function: ResponseFunction


class ResponseMessage(BaseModel):
    role: Literal["assistant"]
    content: str | None
    reasoning: str | None = None
    tool_calls: list[ResponseToolCall] | None = None


class Choice(BaseModel):
    index: int
    message: ResponseMessage
    finish_reason: Literal["stop", "length", "tool_calls", "content_filter"] | None
    logprobs: None = None


class ChatCompletionResponse(BaseModel):
    id: str = Field(description="gen-<request id>: pass the request id to GET /api/v1/generation.")
    object: Literal["chat.completion"]
    created: int = Field(description="Unix seconds.")
    model: str
    choices: list[Choice]
    usage: ChatCompletionsUsage


class Creator(_Schema):
    slug: str
    name: str
    brand_color: str | None = None


class PublicPricing(_Schema):
    prompt: float
    completion: float
    cached_prompt: float | None = None


class PublicBenchmark(_Schema):
    label: str
    score: float
    unit: Literal["%", "elo", "pass@1"] | None = None
    mode: str | None = None
    source_url: str
    tier: Literal["primary", "extra"]


class PublicModel(_Schema):
    slug: str
    name: str
    provider: Creator
    description: str
    release_date: str
    context_length: int
    max_output_tokens: int
    pricing: PublicPricing
    features: list[Literal["tools", "vision", "json_mode", "reasoning", "streaming", "prompt_caching"]]
    datacenter_locations: list[str]
    hugging_face_id: str | None = None
    benchmarks: list[PublicBenchmark]


class ModelsMeta(_Schema):
    image_generation_configured: bool


class ModelList(_Schema):
    data: list[PublicModel]
    meta: ModelsMeta


class Health(_Schema):
    status: Literal["ok"]


class ReadinessChecks(_Schema):
    dynamodb: Literal["ok", "down"]
    sqs: Literal["ok", "down"]


class Readiness(_Schema):
    status: Literal["ok", "degraded"]
    checks: ReadinessChecks


class ResponsesUsage(BaseModel):
    input_tokens: int
    input_tokens_details: dict[str, int] | None = None
    output_tokens: int
    output_tokens_details: dict[str, int] | None = None
    total_tokens: int
    cost: float | None = Field(default=None, description="HyperInfer extension: cost in credits (USD).")


class ResponsesResponse(BaseModel):
    id: str = Field(description="resp_<request id>.")
    object: Literal["response"]
    created_at: int = Field(description="Unix seconds.")
    status: Literal["completed", "incomplete"]
    incomplete_details: dict[str, str] | None = None
    model: str
    output: list[dict[str, Any]] = Field(
        description="Output items in order: optional `reasoning`, `message`, a `function_call` per tool call."
    )
    usage: ResponsesUsage


class AnthropicUsage(BaseModel):
    input_tokens: int = Field(description="Excludes cache reads and writes.")
    output_tokens: int
    cache_read_input_tokens: int | None = None
    cache_creation_input_tokens: int | None = None
    cost: float | None = Field(default=None, description="HyperInfer extension: cost in credits (USD).")


class AnthropicMessageResponse(BaseModel):
    id: str = Field(description="msg_<request id>.")
    type: Literal["message"]
    role: Literal["assistant"]
    model: str
    content: list[dict[str, Any]] = Field(description="Content blocks: `text`, `thinking`, `tool_use`.")
    stop_reason: Literal["end_turn", "max_tokens", "stop_sequence", "tool_use", "refusal", "pause_turn"]
    stop_sequence: str | None = None
    usage: AnthropicUsage


class TokenCount(_Schema):
    input_tokens: int = Field(description="A local estimate (see X-HyperInfer-Token-Count).")


class GenerationAttempt(_Schema):
    model: str
    status: Literal["success", "error", "cancelled"]
    error_code: ErrorCode | None
    latency_ms: int


class GenerationData(_Schema):
    id: str
    model: str
    ingress_format: Literal["chat_completions", "responses", "anthropic_messages"]
    source: Literal["api", "playground", "chat"]
    tokens_prompt: int
    tokens_completion: int
    tokens_reasoning: int
    tokens_cached_prompt: int
    total_cost: float = Field(description="Credits (USD).")
    cost_micro_usd: str = Field(description="Exact micro-USD, as a string.")
    tool_costs_micro_usd: dict[str, str]
    latency_ms: int
    status: str
    error_code: ErrorCode | None
    created_at: str
    attempts: list[GenerationAttempt] = Field(
        description="Every upstream call of the request, in order (retries, fallbacks, tool turns)."
    )
    estimated: bool = Field(description="Some usage was counted by the gateway (the provider reported none).")
    unbilled_micro_usd: str = Field(
        description="What the provider billed beyond the request's hold: not charged to the workspace."
    )
    name: str | None = Field(description="The trace name the request gave (router field `name`).")
    metadata: dict[str, str] = Field(description="The router field `metadata` the request gave.")
    cached: bool = Field(description="Answered by the exact-match cache: no upstream call, cost 0.")


class GenerationResponse(_Schema):
    data: GenerationData


class PlaygroundKey(_Schema):
    key: str = Field(description="The one-time key: valid for one request, shown only here.")
    expires_at: str = Field(
        description="ISO 8601 UTC; the key is refused after this.", json_schema_extra={"format": "date-time"}
    )
    source: Literal["playground", "chat"]


class ReportIssue(_Schema):
    message: str


class ReportError(_Schema):
    """The reporting seeds' error shape (every /report* endpoint), plus the request id."""

    message: str
    code: Literal[
        "BAD_REQUEST",
        "UNAUTHORIZED",
        "PAYMENT_REQUIRED",
        "FORBIDDEN",
        "NOT_FOUND",
        "PAYLOAD_TOO_LARGE",
        "TOO_MANY_REQUESTS",
        "INTERNAL_SERVER_ERROR",
    ]
    issues: list[ReportIssue] = Field(description="One issue per problem; a bad field is named first.")
    request_id: str


class ReportStatus(_Schema):
    status: Literal["ok", "error"] = Field(description="`ok` once the report is durably queued.")
