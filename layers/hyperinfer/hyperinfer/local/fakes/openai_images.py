"""OpenAI's Images API, as api.openai.com speaks it: ``POST /v1/images/generations``.

gpt-image models always answer base64 (``b64_json``) with token usage; ``status`` steers an error.
"""

from __future__ import annotations

import time
from typing import Any

from starlette.requests import Request
from starlette.responses import Response

from hyperinfer.local.fakes.server import FakeProvider
from hyperinfer.local.fakes.web import tiny_png_base64


async def handle(
    fake: FakeProvider, request: Request, call: dict[str, Any], opts: dict[str, str]
) -> Response:
    body = call["body"]
    if "status" in opts:
        status = int(opts["status"])
        error = {"message": "The image service failed.", "type": "server_error", "param": None, "code": None}
        return fake.json(call, {"error": error}, status)
    if not body.get("prompt"):
        error = {
            "message": "Missing required parameter: 'prompt'.",
            "type": "invalid_request_error",
            "param": "prompt",
            "code": "missing_required_parameter",
        }
        return fake.json(call, {"error": error}, 400)
    count = int(body.get("n", 1))
    return fake.json(
        call,
        {
            "created": int(time.time()),
            "background": "opaque",
            "data": [{"b64_json": tiny_png_base64()} for _ in range(count)],
            "output_format": "png",
            "quality": "medium",
            "size": body.get("size", "1024x1024"),
            "usage": {
                "input_tokens": len(str(body["prompt"]).split()),
                "input_tokens_details": {"image_tokens": 0, "text_tokens": len(str(body["prompt"]).split())},
                "output_tokens": 1056 * count,
                "total_tokens": 1056 * count + len(str(body["prompt"]).split()),
            },
        },
    )
