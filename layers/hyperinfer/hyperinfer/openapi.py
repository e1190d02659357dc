"""The OpenAPI 3.1 document, generated from the function table and the pydantic models that
validate requests and shape responses."""

from __future__ import annotations

import importlib
import re
from dataclasses import dataclass
from typing import Any

from pydantic import BaseModel
from pydantic.json_schema import models_json_schema

from hyperinfer import api_schemas as s
from hyperinfer.endpoints.playground_keys import PlaygroundKeyRequest
from hyperinfer.errors import HTTP_STATUS, ErrorCode
from hyperinfer.formats.chat_completions.request import ChatCompletionRequest
from hyperinfer.function_table import FUNCTIONS, Envelope, FunctionSpec
from hyperinfer.reports import schemas as rs
from hyperinfer.reports.anthropic_report import AnthropicReport
from hyperinfer.reports.models import OpenAIReport

REF = "#/components/schemas/{model}"


@dataclass(frozen=True)
class Operation:
    operation_id: str
    summary: str
    tag: str
    response: type[BaseModel]
    request: type[BaseModel] | None = None
    public: bool = False
    stream_description: str | None = None
    extra_statuses: tuple[int, ...] = ()
    status: int = 200
    security: str | None = None  # a scheme other than the default bearer key
    # Query parameters: (name, JSON Schema, required, description). Path parameters come from the route.
    query: tuple[tuple[str, dict[str, Any], bool, str], ...] = ()
    path_descriptions: tuple[tuple[str, str], ...] = ()
    media_type: str = "application/json"  # of the answer (JSONL for batch results and file content)
    request_media_type: str = "application/json"


_PATH_PARAM = re.compile(r"\{(\w+)\}")
_TIME = {"type": "string", "description": "Unix milliseconds or ISO 8601."}


_LIMIT = ("limit", {"type": "integer", "minimum": 1, "maximum": 1000, "default": 20}, False, "Page size.")


def _batch_operations() -> dict[str, Operation]:
    from hyperinfer.batches import schemas as b

    jsonl = "application/jsonl"
    return {
        "message_batches_create": Operation(
            "createMessageBatch", "Create a Message Batch", "Batches", b.MessageBatch, b.MessageBatchCreate
        ),
        "message_batches_list": Operation(
            "listMessageBatches",
            "List Message Batches",
            "Batches",
            b.MessageBatchList,
            query=(
                _LIMIT,
                ("before_id", {"type": "string"}, False, "The page just before this batch."),
                ("after_id", {"type": "string"}, False, "The page just after this batch."),
            ),
        ),
        "message_batch": Operation("getMessageBatch", "Get a Message Batch", "Batches", b.MessageBatch),
        "message_batch_cancel": Operation(
            "cancelMessageBatch", "Cancel a Message Batch", "Batches", b.MessageBatch
        ),
        "message_batch_delete": Operation(
            "deleteMessageBatch", "Delete an ended Message Batch", "Batches", b.MessageBatchDeleted
        ),
        "message_batch_results": Operation(
            "getMessageBatchResults",
            "A Message Batch's results, one JSON line per request",
            "Batches",
            b.JsonLines,
            media_type="application/binary",
        ),
        "batches_create": Operation(
            "createBatch", "Create an OpenAI batch", "Batches", b.OpenAIBatch, b.OpenAIBatchCreate
        ),
        "batches_list": Operation(
            "listBatches",
            "List OpenAI batches",
            "Batches",
            b.OpenAIBatchList,
            query=(_LIMIT, ("after", {"type": "string"}, False, "The page just after this batch.")),
        ),
        "batch": Operation("getBatch", "Get an OpenAI batch", "Batches", b.OpenAIBatch),
        "batch_cancel": Operation("cancelBatch", "Cancel an OpenAI batch", "Batches", b.OpenAIBatch),
        "files_create": Operation(
            "createFile",
            "Upload a batch input file",
            "Batches",
            b.FileObject,
            b.FileUpload,
            request_media_type="multipart/form-data",
        ),
        "file": Operation("getFile", "A file's metadata", "Batches", b.FileObject),
        "file_content": Operation(
            "getFileContent", "A file's content", "Batches", b.JsonLines, media_type=jsonl
        ),
    }


def _request(package: str, name: str) -> type[BaseModel]:
    model: type[BaseModel] = getattr(importlib.import_module(f"hyperinfer.formats.{package}.request"), name)
    return model


BATCH_OPERATIONS = _batch_operations()
OPERATIONS: dict[str, Operation] = {
    "chat_completions": Operation(
        "createChatCompletion",
        "Create a chat completion (OpenAI Chat Completions format)",
        "Gateway",
        s.ChatCompletionResponse,
        ChatCompletionRequest,
        stream_description="SSE stream of `chat.completion.chunk` objects: a role frame, deltas, a "
        "finish_reason frame, a final usage-only chunk (always), and `data: [DONE]`. "
        "Keep-alive comments every 15 s.",
    ),
    "responses": Operation(
        "createResponse",
        "Create a response (OpenAI Responses format)",
        "Gateway",
        s.ResponsesResponse,
        _request("responses", "ResponsesRequest"),
        stream_description="Semantic SSE events (`event:` + `data:`), each with a sequence_number: "
        "response.created, response.in_progress, output item / content part / delta / done events, "
        "and response.completed (or response.incomplete) with usage. Keep-alive comments every 15 s.",
    ),
    "messages": Operation(
        "createMessage",
        "Create a message (Anthropic Messages format)",
        "Gateway",
        s.AnthropicMessageResponse,
        _request("anthropic_messages", "MessagesRequest"),
        stream_description="Anthropic's content-block SSE protocol: message_start (with usage), "
        "content_block_start / content_block_delta / content_block_stop per block, message_delta with "
        "stop_reason and usage, message_stop. Keep-alive comments every 15 s.",
    ),
    "messages_count_tokens": Operation(
        "countMessageTokens",
        "Count the input tokens of a message (a local estimate)",
        "Gateway",
        s.TokenCount,
        _request("anthropic_messages", "CountTokensRequest"),
    ),
    "generation": Operation(
        "getGeneration",
        "Get generation metadata",
        "Metadata",
        s.GenerationResponse,
        query=(("id", {"type": "string", "minLength": 1}, True, "A request id or a gen-/resp_/msg_ id."),),
    ),
    "playground_keys": Operation(
        "mintPlaygroundKey",
        "Mint a one-time playground key (internal)",
        "Internal",
        s.PlaygroundKey,
        PlaygroundKeyRequest,
        status=201,
        security="internalToken",
    ),
    "report": Operation(
        "report",
        "Record the log of an OpenAI call",
        "Reporting",
        s.ReportStatus,
        OpenAIReport,
    ),
    "report_anthropic": Operation(
        "reportAnthropic",
        "Record the log of an Anthropic call",
        "Reporting",
        s.ReportStatus,
        AnthropicReport,
    ),
    "report_uploads": Operation(
        "createReportUpload",
        "Presigned POST for a JSONL file of reports",
        "Reporting",
        rs.ReportUploadGrant,
        status=201,
    ),
    "report_upload_status": Operation(
        "getReportUpload",
        "An upload's ingestion status and bad lines",
        "Reporting",
        rs.ReportUploadStatus,
        path_descriptions=(("upload_id", "The id POST /api/v1/report-uploads returned."),),
    ),
    "reports": Operation(
        "listReports",
        "List stored reports",
        "Reporting",
        rs.ReportPage,
        query=(
            ("since", _TIME, False, "Reports received at or after this time."),
            ("until", _TIME, False, "Reports received before this time."),
            ("limit", {"type": "integer", "minimum": 1, "maximum": 200, "default": 50}, False, "Page size."),
            ("cursor", {"type": "string"}, False, "The previous page's next_cursor."),
        ),
    ),
    "models": Operation("listModels", "List models", "Catalog", s.ModelList, public=True),
    "healthz": Operation("getHealthz", "Liveness", "Health", s.Health, public=True),
    "readyz": Operation("getReadyz", "Readiness", "Health", s.Readiness, public=True, extra_statuses=(503,)),
    "openapi": Operation("getOpenApi", "This document", "Metadata", s.Health, public=True),
    **BATCH_OPERATIONS,
}


_ERROR_REFS = {
    Envelope.OPENAI: "OpenAIError",
    Envelope.ANTHROPIC: "AnthropicError",
    Envelope.REPORT: "ReportError",
}


def _operation(spec: FunctionSpec, op: Operation) -> dict[str, Any]:
    error_ref = _ERROR_REFS[spec.envelope]
    ok: dict[str, Any] = {op.media_type: {"schema": {"$ref": REF.format(model=op.response.__name__)}}}
    if spec.name == "openapi":
        ok = {"application/json": {"schema": {"type": "object"}}}
    if op.stream_description:
        ok["text/event-stream"] = {"schema": {"type": "string", "description": op.stream_description}}
    responses: dict[str, Any] = {str(op.status): {"description": op.summary, "content": ok}}
    for status in op.extra_statuses:
        responses[str(status)] = {"description": "Degraded: a dependency is down.", "content": ok}
    if not op.public:
        responses["default"] = {
            "description": "Error in this ingress format's native envelope, with the stable taxonomy `code`.",
            "content": {"application/json": {"schema": {"$ref": REF.format(model=error_ref)}}},
        }
    operation: dict[str, Any] = {
        "tags": [op.tag],
        "operationId": op.operation_id,
        "summary": op.summary,
        "description": spec.description,
        "responses": responses,
    }
    if parameters := _parameters(spec, op):
        operation["parameters"] = parameters
    if op.public:
        operation["security"] = []
    elif op.security:
        operation["security"] = [{op.security: []}]
    if op.request is not None:
        operation["requestBody"] = {
            "required": True,
            "content": {op.request_media_type: {"schema": {"$ref": REF.format(model=op.request.__name__)}}},
        }
    return operation


def _parameters(spec: FunctionSpec, op: Operation) -> list[dict[str, Any]]:
    """Every ``{name}`` of the route (required, as OpenAPI demands of path parameters), then the query."""
    described = dict(op.path_descriptions)
    path = [
        {
            "name": name,
            "in": "path",
            "required": True,
            "schema": {"type": "string"},
            **({"description": described[name]} if name in described else {}),
        }
        for name in _PATH_PARAM.findall(spec.route)
    ]
    query = [
        {"name": name, "in": "query", "required": required, "schema": schema, "description": description}
        for name, schema, required, description in op.query
    ]
    return path + query


def build_document() -> dict[str, Any]:
    models: list[type[BaseModel]] = [s.OpenAIError, s.AnthropicError, s.ReportError]
    for op in OPERATIONS.values():
        models += [op.response] + ([op.request] if op.request else [])
    _, defs = models_json_schema([(m, "validation") for m in dict.fromkeys(models)], ref_template=REF)
    schemas = defs.get("$defs", {})
    schemas["ErrorCode"]["description"] = "Stable error taxonomy. HTTP status per code: " + ", ".join(
        f"{code.value}={HTTP_STATUS[code]}" for code in ErrorCode
    )
    paths: dict[str, Any] = {}
    for spec in FUNCTIONS:
        paths.setdefault(spec.route, {})[spec.method.lower()] = _operation(spec, OPERATIONS[spec.name])
    return {
        "openapi": "3.1.0",
        "info": {"title": "HyperInfer API", "version": "1", "description": "The HyperInfer AI Gateway."},
        "security": [{"bearerAuth": []}],
        "paths": paths,
        "components": {
            "securitySchemes": {
                "bearerAuth": {"type": "http", "scheme": "bearer", "description": "HyperInfer API key."},
                "internalToken": {
                    "type": "apiKey",
                    "in": "header",
                    "name": "X-Internal-Token",
                    "description": "Shared secret of internal endpoints: the platform app only.",
                },
            },
            "schemas": schemas,
        },
    }
