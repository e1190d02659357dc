"""GET /api/v1/report-uploads/{upload_id}: an upload's ingestion, in the caller's workspace only.

``{upload_id, state: "pending"}`` until the file has been ingested, then ``{upload_id, state: "done",
lines, stored, rejected, errors: [{line, reason, field}], errors_truncated}`` (``failed`` with a
``reason`` when the file as a whole was refused). Another workspace's upload is not found.
"""

from __future__ import annotations

import re

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from hyperinfer.errors import ErrorCode, GatewayError
from hyperinfer.gateway.auth import authenticate
from hyperinfer.gateway.runtime import runtime
from hyperinfer.reports.schemas import ReportUploadStatus
from hyperinfer.reports.uploads import Uploads

_UPLOAD_ID = re.compile(r"[0-9a-f]{32}")


async def handle(request: Request) -> Response:
    rt = runtime()
    api_key = await authenticate(request, rt.accounts)
    upload_id = request.path_params["upload_id"]
    status = None
    if _UPLOAD_ID.fullmatch(upload_id):
        status = await run_in_threadpool(Uploads(rt.settings).status, api_key.workspace_id, upload_id)
    if status is None:
        raise GatewayError(ErrorCode.NOT_FOUND, f"No upload {upload_id!r} in this workspace.")
    ReportUploadStatus.model_validate(status)  # the documented shape
    return JSONResponse(status)
