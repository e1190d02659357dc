"""Run one function's handler in-process on an event, as ``sam local invoke`` would on Lambda.

Streaming functions run buffered here through Mangum, as the Lambda Web Adapter does in buffered mode.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from typing import Any

from hyperinfer.web import function_app, lambda_handler


@dataclass
class LambdaContext:
    """The attributes of Lambda's context object that handlers and Powertools read."""

    function_name: str
    aws_request_id: str = field(default_factory=lambda: str(uuid.uuid4()))
    memory_limit_in_mb: int = 512
    invoked_function_arn: str = "arn:aws:lambda:us-east-1:000000000000:function:local"

    def get_remaining_time_in_millis(self) -> int:
        return 900_000


def invoke(function: str, event: dict[str, Any]) -> dict[str, Any]:
    from hyperinfer import consumers, scheduled

    # A queue consumer takes an SQS event, a scheduled function EventBridge's scheduled event.
    if consumer := consumers.BY_NAME.get(function):
        handler = consumers.load_handler(consumer)
    elif job := scheduled.BY_NAME.get(function):
        handler = scheduled.load_handler(job)
    else:
        handler = lambda_handler(function_app(function))
    return handler(event, LambdaContext(function_name=function))
