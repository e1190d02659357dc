"""POST /api/v1/report-uploads: a presigned POST for one JSONL file of reports (see
``reports.uploads``): ``{upload_id, url, fields, expires_at, max_bytes}``. The client POSTs the file to
``url`` as multipart/form-data with every ``fields`` entry and then the file (form field ``file``),
within 15 minutes and ``max_bytes``; ``GET /api/v1/report-uploads/{upload_id}`` follows its ingestion.
"""

from __future__ import annotations

import json
import time

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response

from hyperinfer.gateway.auth import authenticate
from hyperinfer.gateway.runtime import runtime
from hyperinfer.reports.schemas import ReportUploadGrant
from hyperinfer.reports.uploads import Uploads


async def handle(request: Request) -> Response:
    rt = runtime()
    api_key = await authenticate(request, rt.accounts)
    now_ms = time.time_ns() // 1_000_000
    minted = await run_in_threadpool(
        lambda: Uploads(rt.settings).mint(api_key.workspace_id, api_key.key_id, now_ms=now_ms)
    )
    ReportUploadGrant.model_validate(minted)  # the documented shape, or a 500 here rather than a surprise
    return Response(
        json.dumps(minted),
        status_code=201,
        media_type="application/json",
        headers={"Cache-Control": "no-store"},  # the fields are a credential for the upload
    )
