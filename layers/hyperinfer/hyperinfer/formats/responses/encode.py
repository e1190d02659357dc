"""IR response -> the Response object, shaped as ``openai.types.responses.Response``.

Besides the output and usage, a Response repeats the parameters it was created with (tools,
tool_choice, text, reasoning ...). Given the client's parsed request they are echoed from it;
without one, OpenAI's defaults are shown. ``store`` is always false: the gateway keeps no responses.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel

from hyperinfer.formats.responses.output import INCOMPLETE, output_items
from hyperinfer.formats.responses.request import ResponsesRequest
from hyperinfer.formats.view import View
from hyperinfer.ir.response import Response
from hyperinfer.ir.usage import Usage


def render_usage(usage: Usage, cost_usd: float) -> dict[str, Any]:
    """input_tokens include cached ones (OpenAI's meaning); ``cost`` is HyperInfer's extension.
    ``cache_write_tokens`` is not OpenAI's: it is shown when the provider gave the figure."""
    details = {"cached_tokens": usage.cache_read_tokens}
    if usage.cache_writes_reported:
        details["cache_write_tokens"] = usage.cache_write_tokens + usage.cache_write_1h_tokens
    return {
        "input_tokens": usage.prompt_tokens,
        "input_tokens_details": details,
        "output_tokens": usage.output_tokens,
        "output_tokens_details": {"reasoning_tokens": usage.reasoning_tokens},
        "total_tokens": usage.total_tokens,
        "cost": cost_usd,
    }


def _echo(request: ResponsesRequest | None) -> dict[str, Any]:
    """The request parameters a Response repeats, as the client sent them or OpenAI's defaults."""
    if request is None:
        request = ResponsesRequest.model_construct(model="", input="")
    reasoning, text, choice = request.reasoning, request.text, request.tool_choice
    return {
        "instructions": request.instructions,
        "max_output_tokens": request.max_output_tokens,
        "max_tool_calls": request.max_tool_calls,
        "parallel_tool_calls": request.parallel_tool_calls is not False,
        "prompt_cache_key": request.prompt_cache_key,
        "reasoning": {
            "effort": reasoning.effort if reasoning else None,
            "summary": (reasoning.summary or reasoning.generate_summary) if reasoning else None,
        },
        "safety_identifier": request.safety_identifier,
        "service_tier": "default",
        "temperature": request.temperature,
        "text": {
            "format": _dump(text.format) if text and text.format else {"type": "text"},
            "verbosity": text.verbosity if text and text.verbosity else "medium",
        },
        "tool_choice": "auto" if choice is None else choice if isinstance(choice, str) else _dump(choice),
        "tools": [_dump(tool) for tool in request.tools or []],
        "top_logprobs": request.top_logprobs or 0,
        "top_p": request.top_p,
        "truncation": request.truncation or "disabled",
        "user": request.user,
        "metadata": request.metadata or {},
    }


def _dump(model: BaseModel) -> dict[str, Any]:
    return model.model_dump(by_alias=True, exclude_none=True)


def response_object(
    view: View,
    *,
    status: str,
    output: list[dict[str, Any]],
    usage: dict[str, Any] | None,
    request: ResponsesRequest | None = None,
    incomplete_reason: str | None = None,
    error: dict[str, Any] | None = None,
) -> dict[str, Any]:
    echo = _echo(request)
    return {
        "id": view.response_id,
        "object": "response",
        "created_at": view.created,
        "status": status,
        "background": False,
        "error": error,
        "incomplete_details": {"reason": incomplete_reason} if incomplete_reason else None,
        "instructions": echo.pop("instructions"),
        "max_output_tokens": echo.pop("max_output_tokens"),
        "max_tool_calls": echo.pop("max_tool_calls"),
        "model": view.model,
        "output": output,
        "parallel_tool_calls": echo.pop("parallel_tool_calls"),
        "previous_response_id": None,
        "store": False,
        **echo,
        "usage": usage,
    }


def encode_response(resp: Response, view: View, *, request: ResponsesRequest | None = None) -> dict[str, Any]:
    """``request`` (the client's own) is echoed and names the namespaces of its function tools."""
    reason = INCOMPLETE.get(resp.stop_reason)
    output = output_items(
        resp.content,
        view.response_id,
        resp.stop_reason,
        refusal=resp.stop_reason == "refusal",
        namespaces=request.namespaces() if request else {},
    )
    return response_object(
        view,
        status="incomplete" if reason else "completed",
        output=output,
        usage=render_usage(resp.usage, view.cost(resp.usage)),
        request=request,
        incomplete_reason=reason,
    )
