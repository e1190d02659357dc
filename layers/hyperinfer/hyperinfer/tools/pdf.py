"""PDF documents for models that cannot read them: their text, extracted by pypdf.

A request's PDF document blocks (Chat ``file`` parts, Messages ``document`` blocks, Responses
``input_file``; all arrive in the IR as ``DocumentBlock``) stay as they are for a model whose
catalog features include ``pdf``; for any other model each becomes a text block.
"""

from __future__ import annotations

import base64
import binascii
import io

from hyperinfer.ir.content import Block, DocumentBlock, TextBlock, ToolResultBlock
from hyperinfer.ir.request import Message, Request

MAX_PDF_CHARS = 200_000  # of extracted text per document: about 50k tokens


class PdfUnreadable(Exception):
    pass


def pdf_text(data: bytes, max_chars: int = MAX_PDF_CHARS) -> str:
    """The text of every page in order, cut at ``max_chars`` with a note saying so."""
    from pypdf import PdfReader
    from pypdf.errors import PdfReadError

    try:
        reader = PdfReader(io.BytesIO(data))
        pages: list[str] = []
        size = 0
        for number, page in enumerate(reader.pages, start=1):
            text = (page.extract_text() or "").strip()
            pages.append(f"[page {number}]\n{text}")
            size += len(text)
            if size > max_chars:
                break
    except (PdfReadError, ValueError, KeyError, TypeError) as error:
        raise PdfUnreadable(str(error)) from error
    joined = "\n\n".join(pages)
    if len(joined) > max_chars:
        return joined[:max_chars] + f"\n\n[truncated at {max_chars} characters]"
    return joined


def is_pdf(block: DocumentBlock) -> bool:
    source = block.source
    named_pdf = (block.filename or "").lower().endswith(".pdf")
    return source.kind == "base64" and (source.media_type == "application/pdf" or named_pdf)


def _as_text(block: DocumentBlock) -> TextBlock:
    name = block.filename or block.title or "document.pdf"
    try:
        text = pdf_text(base64.b64decode(block.source.data or "", validate=False))
    except (PdfUnreadable, binascii.Error) as error:
        text = f"(the PDF could not be read: {error})"
    return TextBlock(text=f"<document name={name!r}>\n{text}\n</document>", cache_control=block.cache_control)


def _convert(block: Block) -> Block:
    if isinstance(block, DocumentBlock) and is_pdf(block):
        return _as_text(block)
    if isinstance(block, ToolResultBlock) and any(isinstance(b, DocumentBlock) for b in block.content):
        content = tuple(
            _as_text(b) if isinstance(b, DocumentBlock) and is_pdf(b) else b for b in block.content
        )
        return block.model_copy(update={"content": content})
    return block


def has_pdf(request: Request) -> bool:
    return any(
        isinstance(block, DocumentBlock) and is_pdf(block)
        for message in request.messages
        for block in message.content
    )


def pdfs_as_text(request: Request) -> Request:
    """The request with every inline PDF replaced by its extracted text."""
    messages = tuple(
        Message(role=m.role, name=m.name, content=tuple(_convert(b) for b in m.content))
        for m in request.messages
    )
    return request.model_copy(update={"messages": messages})
