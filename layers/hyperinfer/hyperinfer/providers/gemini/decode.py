"""A whole Gemini ``GenerateContentResponse`` into the IR, through the same folder as a stream."""

from __future__ import annotations

from typing import Any

from hyperinfer.ir.accumulate import Accumulator
from hyperinfer.ir.response import Response
from hyperinfer.providers.gemini.fold import ResponseFolder


def decode_response(body: dict[str, Any], hints: Any = None) -> Response:
    folder, folded = ResponseFolder(), Accumulator()
    for event in folder.feed(body):
        folded.add(event)
    if not folder.finished:
        # A whole answer always says why it ended; without one it still ended.
        for event in folder.finish("STOP"):
            folded.add(event)
    return folded.response()
