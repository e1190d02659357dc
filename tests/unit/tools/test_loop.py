"""The server-tool loop over a scripted model: tools offered by id, results fed back, the cap, a
client tool stopping the loop, money asked for before each call, and activation from the body."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

import httpx
import pytest
from hyperinfer.errors import GatewayError
from hyperinfer.ir.content import TextBlock, ToolResultBlock, ToolUseBlock
from hyperinfer.ir.request import Message, Request, Tool
from hyperinfer.ir.response import Response
from hyperinfer.ir.usage import Usage
from hyperinfer.tools.activation import activate
from hyperinfer.tools.config import ToolsConfig, WebFetchConfig, WebSearchConfig
from hyperinfer.tools.loop import LoopResult, run_loop
from hyperinfer.tools.runner import ToolContext, ToolOutcome

USAGE = Usage(input_tokens=10, output_tokens=5)


def _answer(*blocks: Any, stop: str = "end_turn") -> Response:
    return Response(id="r", model="m", content=blocks, stop_reason=stop, usage=USAGE)


def _call(name: str, n: int, **arguments: Any) -> ToolUseBlock:
    return ToolUseBlock(id=f"call_{n}", name=name, input=arguments)


@dataclass
class ScriptedHost:
    """Answers from a script and records what the loop asked of it."""

    script: list[Response]
    requests: list[Request] = field(default_factory=list)
    reservations: list[int] = field(default_factory=list)
    ran: list[ToolOutcome] = field(default_factory=list)
    refuse_after: int | None = None

    async def reserve(self, tool_price_micro_usd: int) -> None:
        if self.refuse_after is not None and len(self.reservations) >= self.refuse_after:
            from hyperinfer.errors import ErrorCode

            raise GatewayError(ErrorCode.INSUFFICIENT_CREDITS, "Insufficient credits.")
        self.reservations.append(tool_price_micro_usd)

    async def call_model(self, request: Request) -> Response:
        self.requests.append(request)
        return self.script[len(self.requests) - 1]

    def tool_ran(self, outcome: ToolOutcome) -> None:
        self.ran.append(outcome)


def _loop(host: ScriptedHost, tools: tuple[str, ...] = ("datetime",), max_iterations: int = 5) -> LoopResult:
    request = Request(
        model="m",
        messages=(Message(role="user", content=(TextBlock(text="What time is it?"),)),),
        tools=(Tool(name="get_weather"),),
    )

    async def go() -> LoopResult:
        async with httpx.AsyncClient() as http:
            ctx = ToolContext(tools=ToolsConfig(), http=http)
            return await run_loop(
                request, tools, host, ctx, max_iterations=max_iterations, prices={"datetime": 0}
            )

    return asyncio.run(go())


def test_a_server_call_is_run_fed_back_and_the_model_called_again() -> None:
    host = ScriptedHost(
        [
            _answer(
                TextBlock(text="Let me check."), _call("datetime", 1, timezone="Asia/Tokyo"), stop="tool_use"
            ),
            _answer(TextBlock(text="It is morning in Tokyo.")),
        ]
    )
    result = _loop(host)
    assert [t.name for t in host.requests[0].tools] == ["get_weather", "datetime"]
    second = host.requests[1].messages
    assert second[-2].role == "assistant" and isinstance(second[-2].content[1], ToolUseBlock)
    fed = second[-1].content[0]
    assert isinstance(fed, ToolResultBlock) and fed.tool_use_id == "call_1" and not fed.is_error
    assert "+09:00" in fed.content[0].text  # type: ignore[union-attr]
    texts = [b.text for b in result.response.content if isinstance(b, TextBlock)]
    assert texts == ["Let me check.", "It is morning in Tokyo."]
    assert result.response.usage == Usage(input_tokens=20, output_tokens=10)
    assert result.model_calls == 2 and not result.capped
    assert [r.name for r in result.runs] == ["datetime"]
    assert host.reservations == [0, 0]  # one hold before each model call


def test_a_bad_call_goes_back_to_the_model_as_an_error_result() -> None:
    host = ScriptedHost(
        [
            _answer(_call("datetime", 1, timezone="Nowhere/Land"), stop="tool_use"),
            _answer(TextBlock(text="Sorry.")),
        ]
    )
    result = _loop(host)
    fed = host.requests[1].messages[-1].content[0]
    assert isinstance(fed, ToolResultBlock) and fed.is_error
    assert result.runs[0].is_error and result.response.stop_reason == "end_turn"


def test_a_client_tool_call_stops_the_loop_with_earlier_text_folded_in() -> None:
    host = ScriptedHost(
        [
            _answer(TextBlock(text="First the time."), _call("datetime", 1), stop="tool_use"),
            _answer(_call("get_weather", 2, city="Paris"), stop="tool_use"),
            _answer(TextBlock(text="never asked for")),
        ]
    )
    result = _loop(host)
    assert len(host.requests) == 2
    content = result.response.content
    assert isinstance(content[0], TextBlock) and content[0].text == "First the time."
    assert isinstance(content[1], ToolUseBlock) and content[1].name == "get_weather"
    assert result.response.stop_reason == "tool_use"


def test_the_cap_ends_the_loop_without_another_call_or_the_unrun_tools() -> None:
    forever = [_answer(_call("datetime", n), stop="tool_use") for n in range(10)]
    host = ScriptedHost(forever)
    result = _loop(host, max_iterations=3)
    assert len(host.requests) == 3 and result.model_calls == 3
    assert result.capped and len(result.runs) == 2  # the third call's tool was not run
    assert result.response.stop_reason == "end_turn"
    assert not any(isinstance(b, ToolUseBlock) for b in result.response.content)
    last = result.response.content[-1]
    assert isinstance(last, TextBlock) and "stopped after 3 model calls" in last.text


def test_a_workspace_that_cannot_pay_the_next_call_is_refused_before_it() -> None:
    host = ScriptedHost(
        [_answer(_call("datetime", 1), stop="tool_use"), _answer(TextBlock(text="x"))], refuse_after=1
    )
    with pytest.raises(GatewayError) as raised:
        _loop(host)
    assert raised.value.code.value == "insufficient_credits"
    assert len(host.requests) == 1  # the first call ran; the second was never made


def test_the_next_hold_includes_the_price_of_the_tools_about_to_run() -> None:
    host = ScriptedHost(
        [_answer(_call("datetime", 1), _call("datetime", 2), stop="tool_use"), _answer(TextBlock(text="ok"))]
    )

    async def go() -> None:
        async with httpx.AsyncClient() as http:
            request = Request(model="m", messages=(Message(role="user", content=(TextBlock(text="t"),)),))
            await run_loop(
                request,
                ("datetime",),
                host,
                ToolContext(tools=ToolsConfig(), http=http),
                max_iterations=5,
                prices={"datetime": 700},
            )

    asyncio.run(go())
    assert host.reservations == [0, 1400]


SEARCH = WebSearchConfig.model_validate(
    {"kind": "tavily", "base_url": "https://api.tavily.com", "api_key_env": "K", "price_per_call_usd": "0.01"}
)
CONFIGURED = ToolsConfig(web_search=SEARCH, web_fetch=WebFetchConfig(price_per_call_usd=Decimal("0.001")))


def test_plugins_activate_and_leave_the_body() -> None:
    payload = {"model": "m", "messages": [], "plugins": [{"id": "web_search", "events": True}, {"id": "pdf"}]}
    activation, body = activate("chat_completions", payload, CONFIGURED)
    assert activation is not None and activation.tools == ("web_search", "pdf") and activation.events
    assert activation.offered == ("web_search",)
    assert "plugins" not in body and body["messages"] == []


@pytest.mark.parametrize(
    ("ingress", "payload", "param"),
    [
        ("chat_completions", {"plugins": [{"id": "calculator"}]}, "plugins"),
        ("chat_completions", {"plugins": [{"id": "image"}]}, "plugins"),
        ("chat_completions", {"plugins": "web_search"}, "plugins"),
        ("anthropic_messages", {"plugins": [{"id": "image"}]}, "plugins"),
        ("responses", {"tools": [{"type": "function", "name": "f"}, {"type": "image"}]}, "tools[1]"),
        ("chat_completions", {"web_search_options": {}}, None),
    ],
)
def test_an_unknown_or_unconfigured_tool_is_a_400_naming_the_field(
    ingress: str, payload: dict[str, Any], param: str | None
) -> None:
    config = CONFIGURED if param else ToolsConfig()
    with pytest.raises(GatewayError) as raised:
        activate(ingress, {"model": "m", **payload}, config)
    assert raised.value.code.value == "invalid_request"
    assert raised.value.param == (param or "web_search_options")


def test_responses_built_in_tools_activate_and_function_tools_stay() -> None:
    payload = {"model": "m", "tools": [{"type": "web_search"}, {"type": "function", "name": "f"}]}
    activation, body = activate("responses", payload, CONFIGURED)
    assert activation is not None and activation.tools == ("web_search",) and not activation.events
    assert body["tools"] == [{"type": "function", "name": "f"}]


def test_anthropics_own_web_search_tool_is_run_by_the_gateway_and_shown_in_its_blocks() -> None:
    payload = {"model": "m", "tools": [{"type": "web_search_20250305", "name": "web_search", "max_uses": 8}]}
    activation, body = activate("anthropic_messages", payload, CONFIGURED)
    assert activation is not None and activation.tools == ("web_search",)
    assert activation.anthropic_blocks and activation.events
    assert "tools" not in body


def test_chat_web_search_options_run_the_gateways_search() -> None:
    activation, body = activate("chat_completions", {"model": "m", "web_search_options": {}}, CONFIGURED)
    assert activation is not None and activation.tools == ("web_search",)
    assert "web_search_options" not in body


def test_a_request_without_server_tools_is_left_alone() -> None:
    payload = {"model": "m", "tools": [{"type": "local_shell"}]}  # Codex runs it, not OpenAI
    assert activate("responses", payload, CONFIGURED) == (None, payload)


@pytest.mark.parametrize(
    ("ingress", "payload", "param"),
    [
        ("responses", {"tools": [{"type": "file_search"}]}, "tools[0].type"),
        ("responses", {"tools": [{"type": "function", "name": "f"}, {"type": "mcp"}]}, "tools[1].type"),
        ("anthropic_messages", {"tools": [{"type": "code_execution_20250522", "name": "c"}]}, "tools[0]"),
        ("anthropic_messages", {"mcp_servers": []}, "mcp_servers"),
        ("responses", {"background": True}, "background"),
    ],
)
def test_provider_run_tools_are_refused_naming_the_field(
    ingress: str, payload: dict[str, Any], param: str
) -> None:
    with pytest.raises(GatewayError) as raised:
        activate(ingress, {"model": "m", **payload}, CONFIGURED)
    assert raised.value.param == param


def test_an_online_model_name_is_that_model_with_web_search() -> None:
    activation, body = activate(
        "anthropic_messages", {"model": "anthropic/claude-sonnet-4.6:online"}, CONFIGURED
    )
    assert activation is not None and activation.tools == ("web_search",)
    assert body["model"] == "anthropic/claude-sonnet-4.6"
    with pytest.raises(GatewayError) as raised:
        activate("responses", {"model": "m:online"}, ToolsConfig())
    assert raised.value.param == "model"


def test_the_gateways_own_blocks_sent_back_are_left_out_of_the_history() -> None:
    from hyperinfer.gateway.tool_triggers import wants_server_tools
    from hyperinfer.tools.echoes import without_echoes

    use = {"type": "server_tool_use", "id": "s", "name": "web_search", "input": {}}
    anthropic = {
        "model": "m",
        "messages": [
            {"role": "user", "content": "q"},
            {"role": "assistant", "content": [use]},
            {
                "role": "assistant",
                "content": [{"type": "hi_tool_result", "tool_use_id": "s"}, {"type": "text", "text": "a"}],
            },
        ],
    }
    assert wants_server_tools(anthropic)
    assert without_echoes("anthropic_messages", anthropic)["messages"] == [
        {"role": "user", "content": "q"},
        {"role": "assistant", "content": [{"type": "text", "text": "a"}]},
    ]
    responses = {
        "input": [{"type": "web_search_call", "id": "w"}, {"type": "mcp_call", "server_label": "other"}]
    }
    assert without_echoes("responses", responses)["input"] == [{"type": "mcp_call", "server_label": "other"}]
    chat = {"messages": [{"role": "assistant", "content": "a", "hi_tool_events": []}]}
    assert wants_server_tools(chat)
    assert without_echoes("chat_completions", chat)["messages"] == [{"role": "assistant", "content": "a"}]
    assert not wants_server_tools({"model": "m", "messages": [{"role": "user", "content": "plain"}]})
