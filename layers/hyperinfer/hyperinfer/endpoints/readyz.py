"""GET /readyz: readiness of our own dependencies, DynamoDB and SQS (the seed's redis/postgres)."""

from __future__ import annotations

import logging
from collections.abc import Callable

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from hyperinfer import aws
from hyperinfer.gateway.runtime import runtime
from hyperinfer.settings import Settings

log = logging.getLogger("hyperinfer")


def check_dependencies(settings: Settings) -> dict[str, str]:
    checks: dict[str, str] = {}
    probes: dict[str, Callable[[], object]] = {
        "dynamodb": lambda: aws.dynamodb(settings).describe_table(TableName=settings.table_name),
        "sqs": lambda: aws.sqs(settings).get_queue_url(QueueName=settings.report_queue_name),
    }
    for name, probe in probes.items():
        try:
            probe()
            checks[name] = "ok"
        except Exception as error:  # any failure means not ready; the reason goes to the log only
            log.warning("readiness check %s failed: %s", name, type(error).__name__)
            checks[name] = "down"
    return checks


async def handle(request: Request) -> Response:
    checks = await run_in_threadpool(check_dependencies, runtime().settings)
    ready = all(state == "ok" for state in checks.values())
    body = {"status": "ok" if ready else "degraded", "checks": checks}
    return JSONResponse(body, status_code=200 if ready else 503)
