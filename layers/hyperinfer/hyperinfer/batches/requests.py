"""A batch's requests, checked at create time as the live endpoints check them before any upstream
call: the format's schema, the gateway's refusals and a known model. A problem names its field
(``requests[3].params.max_tokens``, ``line 7: body.model``)."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from pydantic import ValidationError

from hyperinfer.errors import ErrorCode, GatewayError
from hyperinfer.formats.validation import describe
from hyperinfer.gateway.ingress import ANTHROPIC_MESSAGES, CHAT_COMPLETIONS, RESPONSES, Ingress

if TYPE_CHECKING:
    from hyperinfer.catalog import Catalog  # a type only: the batch read functions never load it

MAX_REQUESTS = 100_000
MAX_BYTES = 256 * 1024 * 1024
CUSTOM_ID = re.compile(r"^[a-zA-Z0-9_-]{1,64}$")

# The OpenAI Batch API's `url` of a line -> the live endpoint whose translation runs it.
ENDPOINTS: dict[str, Ingress] = {
    "/v1/chat/completions": CHAT_COMPLETIONS,
    "/v1/responses": RESPONSES,
    "/v1/messages": ANTHROPIC_MESSAGES,
}
INGRESS_BY_NAME: dict[str, Ingress] = {ingress.name: ingress for ingress in ENDPOINTS.values()}


@dataclass(frozen=True, slots=True)
class BatchRequest:
    """One request of a batch, ready to run: which format translates it, and its body."""

    custom_id: str
    ingress: str  # Ingress.name
    body: dict[str, Any]


def _invalid(message: str, param: str) -> GatewayError:
    return GatewayError(ErrorCode.INVALID_REQUEST, message, param=param)


def check_params(ingress: Ingress, params: Any, where: str, catalog: Catalog) -> dict[str, Any]:
    """``params`` as the live endpoint would accept it, or a 400 naming ``where``.field."""
    if not isinstance(params, dict):
        raise _invalid(f"{where}: must be an object.", where)
    try:
        ingress.request_model.model_validate(params)
    except ValidationError as error:
        message, param = describe(error)
        full = f"{where}.{param}" if param else where
        raise _invalid(f"{where}.{message}" if param else f"{where}: {message}", full) from None
    try:
        ingress.refuse(params)
    except GatewayError as error:
        full = f"{where}.{error.param}" if error.param else where
        raise _invalid(f"{where}.{error.message}", full) from None
    if params.get("stream"):
        raise _invalid(f"{where}.stream: batch requests are not streamed.", f"{where}.stream")
    model = params.get("model")
    if not isinstance(model, str) or catalog.find(model) is None:
        raise _invalid(f"{where}.model: unknown model {model!r}.", f"{where}.model")
    return params


def anthropic_requests(payload: dict[str, Any], catalog: Catalog) -> list[BatchRequest]:
    """The ``requests`` of a Message Batches create body."""
    requests = payload.get("requests")
    if not isinstance(requests, list) or not requests:
        raise _invalid("requests: must be a non-empty array.", "requests")
    if len(requests) > MAX_REQUESTS:
        raise _invalid(f"requests: at most {MAX_REQUESTS} requests per batch.", "requests")
    extra = sorted(set(payload) - {"requests"})
    if extra:
        raise _invalid(f"{extra[0]}: unknown field.", extra[0])
    seen: set[str] = set()
    out: list[BatchRequest] = []
    for i, item in enumerate(requests):
        where = f"requests[{i}]"
        if not isinstance(item, dict):
            raise _invalid(f"{where}: must be an object.", where)
        unknown = sorted(set(item) - {"custom_id", "params"})
        if unknown:
            raise _invalid(f"{where}.{unknown[0]}: unknown field.", f"{where}.{unknown[0]}")
        custom_id = item.get("custom_id")
        if not isinstance(custom_id, str) or not CUSTOM_ID.fullmatch(custom_id):
            raise _invalid(
                f"{where}.custom_id: must be 1-64 characters of letters, digits, '_' and '-'.",
                f"{where}.custom_id",
            )
        if custom_id in seen:
            raise _invalid(f"{where}.custom_id: {custom_id!r} is used twice.", f"{where}.custom_id")
        seen.add(custom_id)
        params = check_params(ANTHROPIC_MESSAGES, item.get("params"), f"{where}.params", catalog)
        out.append(BatchRequest(custom_id, ANTHROPIC_MESSAGES.name, params))
    return out


@dataclass(frozen=True, slots=True)
class LineProblem:
    line: int  # 1-based
    param: str
    message: str


def openai_requests(
    data: bytes, endpoint: str, catalog: Catalog
) -> tuple[list[BatchRequest], list[LineProblem]]:
    """An OpenAI batch input file: one ``{custom_id, method: POST, url, body}`` per line, every
    ``url`` equal to the batch's ``endpoint``. Returns the requests, or the problems found."""
    out: list[BatchRequest] = []
    problems: list[LineProblem] = []
    seen: set[str] = set()
    for number, raw in enumerate(data.splitlines(), start=1):
        if not raw.strip():
            continue
        try:
            out.append(_openai_line(raw, endpoint, catalog, seen))
        except GatewayError as error:
            problems.append(LineProblem(number, error.param or "", f"line {number}: {error.message}"))
            if len(problems) >= 1000:
                break
    if not out and not problems:
        problems.append(LineProblem(0, "input_file_id", "The input file holds no requests."))
    if len(out) > MAX_REQUESTS:
        problems.append(LineProblem(0, "input_file_id", f"At most {MAX_REQUESTS} requests per batch."))
    return out, problems


def _openai_line(raw: bytes, endpoint: str, catalog: Catalog, seen: set[str]) -> BatchRequest:
    try:
        line = json.loads(raw)
    except ValueError:
        raise _invalid("not valid JSON.", "") from None
    if not isinstance(line, dict):
        raise _invalid("must be a JSON object.", "")
    custom_id = line.get("custom_id")
    if not isinstance(custom_id, str) or not custom_id:
        raise _invalid("custom_id: must be a non-empty string.", "custom_id")
    if custom_id in seen:
        raise _invalid(f"custom_id: {custom_id!r} is used twice.", "custom_id")
    seen.add(custom_id)
    if line.get("method") != "POST":
        raise _invalid("method: must be POST.", "method")
    if line.get("url") != endpoint:
        raise _invalid(f"url: must be the batch's endpoint {endpoint!r}.", "url")
    ingress = ENDPOINTS[endpoint]
    body = check_params(ingress, line.get("body"), "body", catalog)
    return BatchRequest(custom_id, ingress.name, body)
