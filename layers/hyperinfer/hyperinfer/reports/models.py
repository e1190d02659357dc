"""The bodies of POST /api/v1/report and /api/v1/report-anthropic, and the record stored for one.

Both follow their seed: every top-level field is optional and no other is allowed (an unknown one is
a 400 that names it). Absent and null mean the same. Numbers are JSON numbers (strings and booleans
are refused); timestamps are Unix milliseconds, a fraction of a millisecond is dropped.

- /report: ``reqPayload`` and ``respPayload`` are a JSON object or a JSON-encoded string of one
  (OpenAI SDK wrappers send either); the record keeps exactly what was sent.
- /report-anthropic: ``reqPayload`` is an Anthropic Messages request and ``respPayload`` an Anthropic
  Message, typed as the seed types them and widened to what Anthropic's API accepts and returns
  (extra fields everywhere). The record keeps the payloads as sent, not as parsed.

Metadata merging is described in ``reports.metadata``.
"""

from __future__ import annotations

import hashlib
import json
import secrets
from typing import TYPE_CHECKING, Annotated, Any, ClassVar

from pydantic import (
    AfterValidator,
    AllowInfNan,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    PrivateAttr,
    Strict,
    StrictInt,
    ValidationError,
    ValidatorFunctionWrapHandler,
    WithJsonSchema,
    model_validator,
)
from pydantic_core import PydanticCustomError

from hyperinfer.errors import ErrorCode, GatewayError
from hyperinfer.formats.validation import describe, every_problem
from hyperinfer.reports import metadata as meta
from hyperinfer.reports.message import Origin, ReportFormat
from hyperinfer.reports.records import ReportRecord

if TYPE_CHECKING:
    from hyperinfer.reports.anthropic_report import AnthropicReport

MAX_IDEMPOTENCY_KEY = 255

# Years 1 to 9999: every such time is a float-exact integer (below 2**53) and a DynamoDB number, so
# what is stored reads back as sent (1e200 would be acknowledged and then fail in the consumer).
MAX_MILLIS = 253_402_300_799_999
MAX_METADATA_BYTES = 100_000  # keys and values, UTF-8: the item keeps them, next to 350 KB of body

Millis = Annotated[
    float,
    Strict(),
    AllowInfNan(False),
    Field(ge=-62_135_596_800_000, le=MAX_MILLIS, description="Unix timestamp in milliseconds."),
]


def _whole(value: Any) -> Any:
    return int(value) if isinstance(value, float) and value.is_integer() else value


StatusCode = Annotated[StrictInt, BeforeValidator(_whole), Field(ge=0, le=999)]


def _json_object(value: Any) -> Any:
    """An object, or a string holding one: returned unchanged (the record keeps what was sent)."""
    if value is None:
        return None
    decoded = value
    if isinstance(value, str):
        try:
            decoded = json.loads(value)
        except ValueError:
            raise PydanticCustomError("json_object", "is a string but not valid JSON") from None
    if not isinstance(decoded, dict):
        raise PydanticCustomError("json_object", "must be a JSON object or a JSON-encoded object string")
    return value


JsonPayload = Annotated[
    Any,
    AfterValidator(_json_object),
    WithJsonSchema(
        {
            "anyOf": [{"type": "object"}, {"type": "string", "contentMediaType": "application/json"}],
            "description": "A JSON object, or a JSON-encoded string of one (kept as sent).",
        }
    ),
]


class _Report(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    format: ClassVar[ReportFormat]

    requested_at: Millis | None = Field(default=None, alias="requestedAt")
    received_at: Millis | None = Field(default=None, alias="receivedAt")
    status_code: StatusCode | None = Field(
        default=None, alias="statusCode", description="HTTP status code of the response."
    )
    error_message: str | None = Field(
        default=None, alias="errorMessage", description="User-friendly error message."
    )
    tags: dict[str, meta.TagValue] | None = Field(
        default=None, description="Deprecated: values are stringified; null drops the key."
    )

    _sent: dict[str, Any] = PrivateAttr(default_factory=dict)

    @model_validator(mode="wrap")
    @classmethod
    def _keep_sent(cls, data: Any, handler: ValidatorFunctionWrapHandler) -> Any:
        report = handler(data)
        report._sent = data if isinstance(data, dict) else {}
        return report

    def payloads(self) -> tuple[Any, Any]:
        """``reqPayload`` and ``respPayload`` exactly as the client sent them."""
        return self._sent.get("reqPayload"), self._sent.get("respPayload")

    def current_metadata(self) -> dict[str, str]:
        """The format's own metadata field (not the deprecated tags); none by default."""
        return {}

    def merged_metadata(self) -> dict[str, str]:
        """The current field wins over the deprecated `tags` on a shared key."""
        return meta.merge(self.current_metadata(), self.tags or {})


class OpenAIReport(_Report):
    """POST /api/v1/report: the log of an OpenAI call made elsewhere."""

    format: ClassVar[ReportFormat] = "openai"

    req_payload: JsonPayload = Field(default=None, alias="reqPayload", description="The request.")
    resp_payload: JsonPayload = Field(default=None, alias="respPayload", description="The response.")

    def current_metadata(self) -> dict[str, str]:
        return meta.payload_metadata(self.req_payload)


def report_model(fmt: ReportFormat) -> type[OpenAIReport] | type[AnthropicReport]:
    if fmt == "anthropic":
        # Deferred: the Anthropic request and Message models cost ~20 ms of cold start, which the
        # functions that never see an Anthropic report (/report, /reports ...) should not pay.
        from hyperinfer.reports.anthropic_report import AnthropicReport

        return AnthropicReport
    return OpenAIReport


def validate_report(fmt: ReportFormat, body: dict[str, Any]) -> OpenAIReport | AnthropicReport:
    """The body checked against its seed; a GatewayError (invalid_request) names the first bad field."""
    try:
        report = report_model(fmt).model_validate(body)
    except ValidationError as error:
        message, param = describe(error)
        issues = every_problem(error)
        raise GatewayError(ErrorCode.INVALID_REQUEST, message, param=param or None, issues=issues) from None
    metadata = report.merged_metadata()
    if sum(len(k.encode()) + len(v.encode()) for k, v in metadata.items()) > MAX_METADATA_BYTES:
        field = "metadata" if fmt == "anthropic" else "reqPayload.metadata"
        raise GatewayError(
            ErrorCode.INVALID_REQUEST,
            f"{field}: metadata (with tags) exceeds {MAX_METADATA_BYTES} bytes.",
            param=field,
        )
    return report


def to_record(
    report: OpenAIReport | AnthropicReport,
    *,
    fmt: ReportFormat,
    report_id: str,
    workspace_id: str,
    key_id: str,
    origin: Origin,
    received_at: int,
    upload_id: str | None = None,
) -> ReportRecord:
    if report.format != fmt:
        raise ValueError(f"a {report.format} report recorded as {fmt}")
    req_payload, resp_payload = report.payloads()
    return ReportRecord(
        report_id=report_id,
        workspace_id=workspace_id,
        key_id=key_id,
        format=fmt,
        origin=origin,
        received_at=received_at,
        requested_at=None if report.requested_at is None else int(report.requested_at),
        responded_at=None if report.received_at is None else int(report.received_at),
        status_code=report.status_code,
        error_message=report.error_message,
        metadata=report.merged_metadata(),
        req_payload=req_payload,
        resp_payload=resp_payload,
        upload_id=upload_id,
    )


def report_id(workspace_id: str, idempotency_key: str | None = None) -> str:
    """32 hex digits: derived from the Idempotency-Key (so a retry maps to the same report), else random."""
    if idempotency_key is None:
        return secrets.token_hex(16)
    return hashlib.sha256(f"{workspace_id}:{idempotency_key}".encode()).hexdigest()[:32]


def check_idempotency_key(value: str | None) -> str | None:
    """The header's value, or None when absent; a present but unusable one is a 400."""
    if value is None:
        return None
    if not value or len(value) > MAX_IDEMPOTENCY_KEY or not value.isprintable():
        raise GatewayError(
            ErrorCode.INVALID_REQUEST,
            f"Idempotency-Key: must be 1 to {MAX_IDEMPOTENCY_KEY} printable characters.",
            param="Idempotency-Key",
        )
    return value
