"""Report uploads: a presigned POST for a JSONL file of reports, and the ingestion of that file.

Minting (``POST /api/v1/report-uploads``) records the upload in DynamoDB (pk ``UPLOAD#<ws>#<id>``) so
the consumer knows which key sent it and the status endpoint knows it exists, and signs a POST whose
policy fixes the object key (``uploads/<ws>/<id>.jsonl``), its size (1 byte to the minted maximum)
and its lifetime (15 minutes). The bucket's object-created event, through the upload queue, starts
``Uploads.ingest``:

- every non-blank line is a JSON object: a report body as ``/report`` (``"format": "openai"``, the
  default) or ``/report-anthropic`` (``"format": "anthropic"``) takes it, plus that ``format`` key;
- good lines are stored with report id ``sha256("<object key>#<line number>")[:32]`` (so a
  redelivered event stores nothing twice), origin ``upload``, received at the object's LastModified;
- bad lines go to ``uploads/<ws>/<id>.errors.jsonl`` as ``{line, reason, field}``;
- ``uploads/<ws>/<id>.status.json`` is written last: ``{state: done, lines, stored, rejected}``
  (``failed`` with a ``reason`` when the file as a whole cannot be read). Until then: ``pending``.
"""

from __future__ import annotations

import hashlib
import json
import secrets
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass, fields
from typing import Any, get_args

from hyperinfer import json_guard
from hyperinfer.accounts.ddb import error_code, from_item, key, to_item
from hyperinfer.errors import GatewayError
from hyperinfer.reports.layout import errors_key, parse_upload_key, status_key, upload_key
from hyperinfer.reports.message import ReportFormat
from hyperinfer.reports.models import to_record, validate_report
from hyperinfer.reports.records import ReportRecord
from hyperinfer.reports.store import ReportStore
from hyperinfer.settings import Settings

URL_TTL_SECONDS = 15 * 60
STORE_CHUNK = 256  # lines validated, then stored in parallel, at a time (bounds memory)
STORE_THREADS = 10  # concurrent DynamoDB transactions while storing a file (botocore pools 10)
MAX_ERRORS_SHOWN = 1000  # bad lines returned by the status endpoint (the errors file has them all)
FORMATS: tuple[str, ...] = get_args(ReportFormat)


def line_report_id(s3_key: str, line: int) -> str:
    return hashlib.sha256(f"{s3_key}#{line}".encode()).hexdigest()[:32]


class LineError(Exception):
    def __init__(self, reason: str, field: str | None = None) -> None:
        super().__init__(reason)
        self.reason = reason
        self.field = field


def _not_json(constant: str) -> Any:
    raise ValueError(f"{constant} is not a JSON value")


def parse_line(raw: bytes, *, max_bytes: int) -> tuple[ReportFormat, Any]:
    """One line's format and validated report, or a LineError naming the field at fault."""
    if len(raw) > max_bytes:
        raise LineError(f"the line is {len(raw)} bytes; a report may be at most {max_bytes}")
    try:
        value = json_guard.loads(raw, parse_constant=_not_json)
    except (ValueError, UnicodeDecodeError) as error:
        raise LineError(f"not valid JSON: {error}") from None
    except GatewayError as error:  # nested too deep to parse
        raise LineError(error.message, error.param) from None
    if not isinstance(value, dict):
        raise LineError("must be a JSON object")
    if (problem := json_guard.find_problem(value)) is not None:
        raise LineError(problem.message, problem.param)
    fmt = value.pop("format", "openai")
    if fmt not in FORMATS:
        raise LineError(f"format: must be one of {', '.join(map(json.dumps, FORMATS))}", "format")
    try:
        return fmt, validate_report(fmt, value)
    except GatewayError as error:
        raise LineError(error.message, error.param) from None


def _lines(data: bytes) -> Iterator[tuple[int, bytes]]:
    """Numbered non-blank lines (1-based, blank ones counted); CRLF files are accepted."""
    for number, raw in enumerate(data.split(b"\n"), start=1):
        line = raw.removesuffix(b"\r")
        if line.strip():
            yield number, line


@dataclass(frozen=True, slots=True)
class Upload:
    upload_id: str
    workspace_id: str
    key_id: str
    created_at: int  # Unix ms
    expires_at: int  # Unix ms: the presigned POST's end
    max_bytes: int

    @property
    def s3_key(self) -> str:
        return upload_key(self.workspace_id, self.upload_id)


class Uploads:
    def __init__(self, settings: Settings, store: ReportStore | None = None) -> None:
        from hyperinfer import aws

        self.settings = settings
        self.db = aws.dynamodb(settings)
        self.s3 = aws.s3(settings)
        self.store = store or ReportStore.from_settings(settings)

    # -- minting ---------------------------------------------------------------------------------

    def mint(self, workspace_id: str, key_id: str, *, now_ms: int) -> dict[str, Any]:
        """A new upload and its presigned POST: ``{upload_id, url, fields, expires_at, max_bytes}``."""
        upload = Upload(
            upload_id=secrets.token_hex(16),
            workspace_id=workspace_id,
            key_id=key_id,
            created_at=now_ms,
            expires_at=now_ms + URL_TTL_SECONDS * 1000,
            max_bytes=self.settings.upload_max_bytes,
        )
        self.create(upload)
        # The key condition is exact (boto adds {"key": ...} for a key without ${filename}).
        post = self.s3.generate_presigned_post(
            Bucket=self.settings.report_bucket_name,
            Key=upload.s3_key,
            Conditions=[["content-length-range", 1, upload.max_bytes]],
            ExpiresIn=URL_TTL_SECONDS,
        )
        return {
            "upload_id": upload.upload_id,
            "url": post["url"],
            "fields": post["fields"],
            "expires_at": upload.expires_at,
            "max_bytes": upload.max_bytes,
        }

    def create(self, upload: Upload) -> None:
        """Record an upload (``mint`` does, before signing its POST)."""
        pk, sk = _upload_item_key(upload.workspace_id, upload.upload_id)
        self.db.put_item(
            TableName=self.settings.table_name,
            Item=to_item({"pk": pk, "sk": sk, **asdict(upload)}),
            ConditionExpression="attribute_not_exists(pk)",
        )

    def upload(self, workspace_id: str, upload_id: str) -> Upload | None:
        got = self.db.get_item(
            TableName=self.settings.table_name, Key=key(*_upload_item_key(workspace_id, upload_id))
        )
        if "Item" not in got:
            return None
        values = from_item(got["Item"])
        return Upload(**{field.name: values[field.name] for field in fields(Upload)})

    # -- status ----------------------------------------------------------------------------------

    def status(self, workspace_id: str, upload_id: str) -> dict[str, Any] | None:
        """The upload's status with its first bad lines; None when this workspace minted no such id."""
        if self.upload(workspace_id, upload_id) is None:
            return None
        status = self._read_json(status_key(workspace_id, upload_id))
        if status is None:
            return {"upload_id": upload_id, "state": "pending"}
        errors: list[dict[str, Any]] = []
        text = self._read(errors_key(workspace_id, upload_id))
        for line in (text or b"").splitlines():
            if len(errors) == MAX_ERRORS_SHOWN:
                break
            errors.append(json.loads(line))
        shown = {"errors": errors, "errors_truncated": int(status.get("rejected", 0)) > len(errors)}
        return {**status, **shown}

    # -- ingestion -------------------------------------------------------------------------------

    def ingest(self, bucket: str, s3_key: str) -> dict[str, Any] | None:
        """Store every good line of an uploaded file and write its errors and status files.

        None for objects that are not uploads (the status and errors files trigger events too).
        Raises on transient failures (the event is redelivered; stored lines are not stored twice).
        """
        parsed = parse_upload_key(s3_key)
        if parsed is None or bucket != self.settings.report_bucket_name:
            return None
        workspace_id, upload_id = parsed
        upload = self.upload(workspace_id, upload_id)
        if upload is None:
            return self._finish(
                workspace_id, upload_id, [], state="failed", reason="no such upload was minted"
            )
        got = self.s3.get_object(Bucket=bucket, Key=s3_key)
        if int(got["ContentLength"]) > upload.max_bytes:
            got["Body"].close()
            reason = f"the file is {got['ContentLength']} bytes; at most {upload.max_bytes} are accepted"
            return self._finish(workspace_id, upload_id, [], state="failed", reason=reason)
        data: bytes = got["Body"].read()
        modified = got["LastModified"]  # S3 always sends it; a stand-in without it would not
        received_at = int((modified.timestamp() if modified else time.time()) * 1000)
        errors: list[dict[str, Any]] = []
        pending: list[ReportRecord] = []
        lines = stored = 0
        with ThreadPoolExecutor(STORE_THREADS) as pool:
            for number, raw in _lines(data):
                lines += 1
                try:
                    fmt, report = parse_line(raw, max_bytes=self.settings.max_request_bytes)
                except LineError as error:
                    errors.append({"line": number, "reason": error.reason, "field": error.field})
                    continue
                pending.append(
                    to_record(
                        report,
                        fmt=fmt,
                        report_id=line_report_id(s3_key, number),
                        workspace_id=workspace_id,
                        key_id=upload.key_id,
                        origin="upload",
                        received_at=received_at,
                        upload_id=upload_id,
                    )
                )
                if len(pending) == STORE_CHUNK:
                    stored += self._store_all(pool, pending)
                    pending = []
            stored += self._store_all(pool, pending)
        return self._finish(
            workspace_id, upload_id, errors, state="done", lines=lines, stored=stored, rejected=len(errors)
        )

    def _store_all(self, pool: ThreadPoolExecutor, records: list[ReportRecord]) -> int:
        # New or stored before both count: the line is in the store either way.
        return len(list(pool.map(self.store.put, records)))

    def _finish(
        self, workspace_id: str, upload_id: str, errors: list[dict[str, Any]], **status: Any
    ) -> dict[str, Any]:
        bucket = self.settings.report_bucket_name
        body = "".join(json.dumps(error, ensure_ascii=False) + "\n" for error in errors)
        self.s3.put_object(
            Bucket=bucket,
            Key=errors_key(workspace_id, upload_id),
            Body=body.encode(),
            ContentType="application/x-ndjson",
        )
        document = {"upload_id": upload_id, **status}
        self.s3.put_object(  # last: its presence is what "done" means
            Bucket=bucket,
            Key=status_key(workspace_id, upload_id),
            Body=json.dumps(document).encode(),
            ContentType="application/json",
        )
        return document

    def _read(self, s3_key: str) -> bytes | None:
        try:
            got = self.s3.get_object(Bucket=self.settings.report_bucket_name, Key=s3_key)
        except Exception as error:
            if error_code(error) in {"NoSuchKey", "404"}:
                return None
            raise
        data: bytes = got["Body"].read()
        return data

    def _read_json(self, s3_key: str) -> dict[str, Any] | None:
        data = self._read(s3_key)
        return None if data is None else dict(json.loads(data))


def _upload_item_key(workspace_id: str, upload_id: str) -> tuple[str, str]:
    return f"UPLOAD#{workspace_id}#{upload_id}", "UPLOAD"
