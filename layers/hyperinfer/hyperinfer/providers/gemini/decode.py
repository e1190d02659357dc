"""A whole Gemini ``GenerateContentResponse`` into the IR, by the rules ``fold`` applies to a stream.

Built directly, not by folding ``fold``'s events: an answer is decoded on every non-streamed call,
and building blocks once costs a fraction of making and folding an event per piece. The unit tests
hold the two to the same answer for any sequence of parts, however a stream splits it.
"""

from __future__ import annotations

from typing import Any

from hyperinfer.ir.content import OutputBlock, TextBlock, ThinkingBlock, ToolUseBlock
from hyperinfer.ir.response import Response
from hyperinfer.providers.gemini import signatures
from hyperinfer.providers.gemini.fold import stop_reason, usage_from_gemini

Json = dict[str, Any]


class _Blocks:
    def __init__(self, response_id: str) -> None:
        self.out: list[OutputBlock] = []
        self._response_id = response_id
        self._kind: str | None = None  # the open text or thought
        self._pieces: list[str] = []
        self._held: str | None = None  # a text's signature, until another part follows the text
        self.calls = 0

    def add(self, part: Json) -> None:
        signature = part.get("thoughtSignature") or None
        call = part.get("functionCall")
        if isinstance(call, dict):
            self._flush_held()
            self._close()
            self._call(call, signature)
            return
        if "text" not in part:
            return
        text = str(part.get("text") or "")
        if not text and not signature:
            return
        self._flush_held()
        kind = "thinking" if part.get("thought") else "text"
        if self._kind != kind:
            self._close()
            self._kind = kind
        self._pieces.append(text)
        if signature and kind == "thinking":
            self._close(signature)
        elif signature:
            self._close()
            self._held = signature

    def end(self) -> None:
        self._close()
        self._held = None  # the closing text's signature is not kept (see fold)

    def _call(self, call: Json, signature: str | None) -> None:
        name = str(call.get("name") or "")
        args = call.get("args") or {}
        call_id = call.get("id") or signatures.mint_call_id(self._response_id, self.calls, name, args)
        self.calls += 1
        self.out.append(ToolUseBlock(id=str(call_id), name=name, input=args))
        if signature:
            self.out.append(ThinkingBlock(thinking="", signature=signatures.part_signature(signature)))

    def _close(self, signature: str | None = None) -> None:
        if self._kind is None:
            return
        text = "".join(self._pieces)
        if self._kind == "thinking":
            mark = signatures.THOUGHT + (signature or "")
            self.out.append(ThinkingBlock(thinking=text, signature=mark, summary=True))
        else:
            self.out.append(TextBlock(text=text))
        self._kind, self._pieces = None, []

    def _flush_held(self) -> None:
        if self._held is not None:
            self.out.append(ThinkingBlock(thinking="", signature=signatures.part_signature(self._held)))
            self._held = None


def decode_response(body: dict[str, Any], hints: Any = None) -> Response:
    response_id = str(body.get("responseId") or "")
    candidates = body.get("candidates") or []
    candidate: Json = candidates[0] if candidates else {}
    blocks = _Blocks(response_id)
    for part in (candidate.get("content") or {}).get("parts") or []:
        blocks.add(part)
    blocks.end()
    finish = candidate.get("finishReason")
    if not finish:
        blocked = not candidates and (body.get("promptFeedback") or {}).get("blockReason")
        finish = "SAFETY" if blocked else "STOP"  # a whole answer always ended
    return Response(
        id=response_id,
        model=str(body.get("modelVersion") or ""),
        content=tuple(blocks.out),
        stop_reason=stop_reason(str(finish), called=blocks.calls > 0),
        usage=usage_from_gemini(body.get("usageMetadata")),
    )
