"""Powertools Logger for every function: one JSON line per record, each carrying the request's keys.

Our modules log to the standard ``hyperinfer`` logger; ``configure_logging`` gives it the handler of a
Powertools Logger named after the service (``POWERTOOLS_SERVICE_NAME``: the function's name on AWS,
``hyperinfer`` by default), whose formatter renders extras as JSON keys and whose serializer is the
redaction guard.
"""

from __future__ import annotations

import logging
import os
import sys
from functools import lru_cache

from hyperinfer.observability.context import current
from hyperinfer.observability.redact import redacting_dumps

LOGGER_NAME = "hyperinfer"
DEFAULT_SERVICE = "hyperinfer"
# Loggers of the servers that run our app: their records (tracebacks included) pass the same guard.
# "uvicorn", not "uvicorn.error", which propagates to it: `hyperinfer dev` starts uvicorn after the
# app is built, and uvicorn's own logging config then takes its loggers back (plain text, locally).
ADOPTED = ("uvicorn", "mangum")


class RequestKeys(logging.Filter):
    """Stamps the current request's keys on every record (a no-op outside a request)."""

    def filter(self, record: logging.LogRecord) -> bool:
        observed = current()
        if observed is not None:
            for key, value in observed.log_keys().items():
                if value is not None and not hasattr(record, key):
                    setattr(record, key, value)
        return True


class CurrentStdout:
    """Writes to whatever ``sys.stdout`` is now, so that ``hyperinfer invoke`` can send a handler's
    log lines to stderr (as ``sam local invoke`` does) and keep stdout for the response."""

    def write(self, text: str) -> int:
        return sys.stdout.write(text)

    def flush(self) -> None:
        sys.stdout.flush()


def service_name() -> str:
    return os.environ.get("POWERTOOLS_SERVICE_NAME") or DEFAULT_SERVICE


@lru_cache(maxsize=1)
def configure_logging() -> logging.Logger:
    """Once per process: the first app or handler built configures it."""
    from aws_lambda_powertools.logging import Logger

    powertools = Logger(
        service=service_name(),
        level=os.environ.get("POWERTOOLS_LOG_LEVEL") or "INFO",
        stream=CurrentStdout(),  # type: ignore[arg-type]
        json_serializer=redacting_dumps,
        utc=True,
        use_rfc3339=True,
        log_record_order=["timestamp", "level", "message", "request_id"],
    )
    handler = powertools.registered_handler
    handler.addFilter(RequestKeys())
    log = logging.getLogger(LOGGER_NAME)
    log.setLevel(powertools.log_level)
    for name in (LOGGER_NAME, *ADOPTED):
        adopted = logging.getLogger(name)
        adopted.handlers = [handler]
        adopted.propagate = False
    return log
