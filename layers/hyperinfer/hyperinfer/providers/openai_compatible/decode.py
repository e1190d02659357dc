"""A compatible server's completion -> IR response: reshaped into OpenAI's, then OpenAI's decoder."""

from __future__ import annotations

from typing import Any

from hyperinfer.ir.response import Response
from hyperinfer.providers.openai_chat.decode import decode_response as decode_openai
from hyperinfer.providers.openai_compatible.options import options_of
from hyperinfer.providers.openai_compatible.shape import reshape_completion


def decode_response(body: dict[str, Any], hints: Any = None) -> Response:
    return decode_openai(reshape_completion(body, options_of(hints)))
