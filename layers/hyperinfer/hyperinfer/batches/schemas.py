"""The batch APIs' bodies as pydantic models: for the OpenAPI document, and for tests that check
what the endpoints render against it."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from hyperinfer.formats.anthropic_messages.request import MessagesRequest


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class MessageBatchRequest(_Strict):
    custom_id: str = Field(pattern=r"^[a-zA-Z0-9_-]{1,64}$")
    params: MessagesRequest


class MessageBatchCreate(_Strict):
    requests: list[MessageBatchRequest] = Field(min_length=1, max_length=100_000)


class MessageBatchCounts(_Strict):
    processing: int
    succeeded: int
    errored: int
    canceled: int
    expired: int


class MessageBatch(_Strict):
    id: str
    type: Literal["message_batch"]
    processing_status: Literal["in_progress", "canceling", "ended"]
    request_counts: MessageBatchCounts
    created_at: str
    expires_at: str
    ended_at: str | None
    cancel_initiated_at: str | None
    archived_at: str | None
    results_url: str | None


class MessageBatchList(_Strict):
    data: list[MessageBatch]
    has_more: bool
    first_id: str | None
    last_id: str | None


class MessageBatchDeleted(_Strict):
    id: str
    type: Literal["message_batch_deleted"]


class OpenAIBatchCreate(_Strict):
    input_file_id: str
    endpoint: Literal["/v1/chat/completions", "/v1/responses", "/v1/messages"]
    completion_window: Literal["24h"]
    metadata: dict[str, str] | None = None


class OpenAIBatchCounts(_Strict):
    total: int
    completed: int
    failed: int


class OpenAIBatch(_Strict):
    id: str
    object: Literal["batch"]
    endpoint: str
    errors: dict[str, Any] | None
    input_file_id: str
    completion_window: str
    status: Literal[
        "validating", "failed", "in_progress", "finalizing", "completed", "expired", "cancelling", "cancelled"
    ]
    output_file_id: str | None
    error_file_id: str | None
    created_at: int
    in_progress_at: int | None
    expires_at: int | None
    finalizing_at: int | None
    completed_at: int | None
    failed_at: int | None
    expired_at: int | None
    cancelling_at: int | None
    cancelled_at: int | None
    request_counts: OpenAIBatchCounts
    metadata: dict[str, str] | None


class OpenAIBatchList(_Strict):
    object: Literal["list"]
    data: list[OpenAIBatch]
    first_id: str | None
    last_id: str | None
    has_more: bool


class FileObject(_Strict):
    id: str
    object: Literal["file"]
    bytes: int
    created_at: int
    filename: str
    purpose: Literal["batch", "batch_output"]
    status: Literal["processed"]
    expires_at: int
    status_details: str | None


class FileUpload(_Strict):
    """multipart/form-data: the JSONL file and its purpose."""

    file: bytes
    purpose: Literal["batch"]


class JsonLines(BaseModel):
    """A JSONL document: one JSON object per line."""
