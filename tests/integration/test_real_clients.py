"""The real agent CLIs through `hyperinfer dev`: Claude Code and Codex CLI, as `npm ci` installs them
(pinned in package.json), each complete a prompt against a model of every upstream kind.

They run offline and unattended the way tests/clients_probe/README.md found they can: a fresh HOME,
the gateway as base URL, no retries, the switches that stop their own outside traffic, stdin closed.
Besides what each client printed, the tests check what the fake provider received: the client's
request as the upstream's own format says it, and on the second turn of a tool round trip the tool
result (and the reasoning the client was handed back, where the upstream format carries it).
"""

from __future__ import annotations

import os
import subprocess
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from hyperinfer.local.fakes.gemini import CALL_SIGNATURE
from hyperinfer.local.fakes.openai_responses import ENCRYPTED
from hyperinfer.local.fakes.server import REPLY_WORDS, SIGNATURE, THINKING, FakeProvider

from tests.integration.conftest import DEV_KEY, Gateway
from tests.support import REPO, UPSTREAM_KEY

REPLY = " ".join(REPLY_WORDS)
BIN = REPO / "node_modules" / ".bin"
TIMEOUT = 30  # seconds per run; a run takes 1 to 4 s against the fake
PROMPT = "Say hello"
# One model per upstream kind (providers.yaml): upstream kind -> (model, the fake's path).
MODELS = {
    "openai_chat": ("openai/gpt-4.1-mini", "/v1/chat/completions"),
    "openai_responses": ("openai/gpt-5.3-codex", "/v1/responses"),
    "anthropic": ("anthropic/claude-sonnet-4.6", "/v1/messages"),
    # Both clients stream; the id of Bedrock's global inference profile is in the path.
    "bedrock": (
        "anthropic/claude-sonnet-4.6-bedrock",
        "/model/global.anthropic.claude-sonnet-4-6/converse-stream",
    ),
    "openai_compatible": ("deepseek/deepseek-v4-flash", "/chat/completions"),  # the DeepSeek fake
    "gemini": ("google/gemini-3.8-flash", "/v1/models/gemini-3.8-flash:streamGenerateContent"),
}
CHAT_SHAPED = ("openai_chat", "openai_compatible")
KINDS = list(MODELS)
CLAUDE_SYSTEM = "You are a Claude agent"  # Claude Code's system prompt opens so
ENVIRONMENT = "# Environment"  # and a system turn after the prompt, for a model it does not know
CODEX_INSTRUCTIONS = "You are a coding agent running in the Codex CLI"  # Codex's base instructions


@dataclass(frozen=True)
class Run:
    returncode: int
    stdout: str
    stderr: str
    gateway_log: Path

    def __repr__(self) -> str:  # pytest shows report() on failure; keep its own line short
        return f"Run(exit {self.returncode})"

    def report(self) -> str:
        log = self.gateway_log.read_text(errors="replace")[-4000:]
        return (
            f"exit {self.returncode}\n--- stdout\n{self.stdout[-3000:]}\n--- stderr\n{self.stderr[-3000:]}"
            f"\n--- gateway log (tail)\n{log}"
        )


def executable(name: str) -> Path:
    path = BIN / name
    if not path.exists():
        pytest.fail(f"{path} is missing: run `npm ci` in {REPO} (`make test` does it first)")
    return path


def run(argv: list[str], env: dict[str, str], cwd: Path, gateway: Gateway) -> Run:
    # coreutils timeout kills the whole process group (codex is a node launcher plus a binary).
    command = ["timeout", "-k", "5", str(TIMEOUT), *argv]
    base = {"PATH": os.environ["PATH"], "LANG": "C.UTF-8"}
    done = subprocess.run(
        command,
        env={**base, **env},
        cwd=cwd,
        stdin=subprocess.DEVNULL,  # both wait for stdin's end when it is a pipe
        capture_output=True,
        check=False,  # the exit status is asserted with everything the run printed
        encoding="utf-8",
        errors="replace",
        timeout=TIMEOUT + 15,
    )
    return Run(done.returncode, done.stdout, done.stderr, gateway.log)


def claude_code(gateway: Gateway, model: str, prompt: str, home: Path) -> Run:
    env = {
        "HOME": str(home),
        "ANTHROPIC_BASE_URL": f"{gateway.url}/api",
        "ANTHROPIC_API_KEY": DEV_KEY,
        "CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC": "1",  # the one switch that stops its own traffic
        "CLAUDE_CODE_MAX_RETRIES": "0",
        "DISABLE_AUTOUPDATER": "1",
        "API_TIMEOUT_MS": str(TIMEOUT * 1000),
    }
    argv = [str(executable("claude")), "-p", prompt, "--model", model]
    return run(argv, env, workdir(home), gateway)


def codex(gateway: Gateway, model: str, prompt: str, home: Path, *, search: bool = False) -> Run:
    # Codex offers its web_search tool unless told not to; the default gateway has no search backend.
    (home / "config.toml").write_text(
        f'model = "{model}"\n'
        'model_provider = "hyperinfer"\n'
        f'web_search = "{"live" if search else "disabled"}"\n\n'
        "[model_providers.hyperinfer]\n"
        'name = "HyperInfer"\n'
        f'base_url = "{gateway.openai_base}"\n'
        'env_key = "HYPERINFER_API_KEY"\n'
        'wire_api = "responses"\n'
        "request_max_retries = 0\n"
        "stream_max_retries = 0\n"
        f"stream_idle_timeout_ms = {TIMEOUT * 1000}\n"
    )
    env = {"HOME": str(home), "CODEX_HOME": str(home), "HYPERINFER_API_KEY": DEV_KEY}
    # --disable plugins stops its marketplace sync, its only outside traffic.
    argv = [str(executable("codex")), "exec", "--skip-git-repo-check", "--disable", "plugins", "--ephemeral"]
    return run([*argv, prompt], env, workdir(home), gateway)


def workdir(home: Path) -> Path:
    cwd = home / "project"
    cwd.mkdir(exist_ok=True)
    return cwd


Client = Callable[[Gateway, str, str, Path], Run]
CLIENTS: dict[str, Client] = {"claude_code": claude_code, "codex": codex}


def completed(fake: FakeProvider, kind: str, count: int, result: Run) -> list[dict[str, Any]]:
    """The upstream calls, after checking the client succeeded and printed the fake's reply."""
    assert result.returncode == 0, result.report()
    assert REPLY in result.stdout, result.report()
    calls = list(fake.calls)
    # One POST per model turn: no retry, no second attempt with features taken away after a 4xx.
    assert [(c["path"], c["outcome"]) for c in calls] == [(MODELS[kind][1], "completed")] * count
    return calls


# ---- what each client's first request looks like upstream ---------------------------------------


def texts(content: Any) -> str:
    """All text of a message's content, whatever the format's shape for it."""
    if isinstance(content, str):
        return content
    return "\n".join(str(part.get("text", "")) for part in content or [] if isinstance(part, dict))


def tool_name(tool: dict[str, Any]) -> str:
    return str(tool.get("name") or tool.get("function", {}).get("name"))


def tools_of(body: dict[str, Any]) -> list[dict[str, Any]]:
    """The tools a body offers, each where tool_name finds its name (Converse: toolSpec; Gemini:
    functionDeclarations)."""
    converse = (body.get("toolConfig") or {}).get("tools")  # Gemini's toolConfig holds no tools
    if converse is not None:
        return [t["toolSpec"] for t in converse if "toolSpec" in t]
    tools: list[dict[str, Any]] = body.get("tools") or []
    declared = [d for tool in tools for d in tool.get("functionDeclarations") or []]
    return declared or tools


def tool_names(body: dict[str, Any]) -> set[str]:
    return {tool_name(tool) for tool in tools_of(body)}


def check_signed(call: dict[str, Any]) -> None:
    """A Bedrock call is SigV4-signed with the environment's AWS credentials; no provider key travels."""
    assert call["authorization"].startswith("AWS4-HMAC-SHA256 Credential="), call["authorization"]
    assert "/us-east-1/bedrock/aws4_request" in call["authorization"]
    assert UPSTREAM_KEY not in str(call["headers"])


def gemini_texts(body: dict[str, Any], role: str) -> str:
    return "\n".join(texts(c["parts"]) for c in body["contents"] if c["role"] == role)


def check_gemini_request(call: dict[str, Any], instructions: str) -> None:
    """Any client's request as Gemini says it: instructions hoisted, the key in its own header."""
    body = call["body"]
    assert instructions in texts(body["systemInstruction"]["parts"])
    assert PROMPT in gemini_texts(body, "user")
    declarations = [d for tool in body["tools"] for d in tool["functionDeclarations"]]
    assert declarations and all("parametersJsonSchema" in d for d in declarations)
    assert body["generationConfig"]["maxOutputTokens"] > 0
    assert call["headers"]["x-goog-api-key"] == UPSTREAM_KEY and call["authorization"] is None


def check_claude_code_request(kind: str, call: dict[str, Any]) -> None:
    body = call["body"]
    assert {"Bash", "Read", "Edit", "Write"} <= tool_names(body)
    if kind == "gemini":
        check_gemini_request(call, CLAUDE_SYSTEM)
        # The system turn it puts after the prompt joins the instructions: Gemini has one place.
        assert ENVIRONMENT in texts(body["systemInstruction"]["parts"])
        return
    if kind in CHAT_SHAPED:
        # Claude Code's system blocks become one leading system message; its tools, function tools.
        assert body["messages"][0]["role"] == "system"
        assert CLAUDE_SYSTEM in body["messages"][0]["content"]
        assert any(m["role"] == "user" and PROMPT in texts(m["content"]) for m in body["messages"])
        # The system turn it puts after the prompt (its environment) stays a system turn, in place.
        assert any(m["role"] == "system" and ENVIRONMENT in m["content"] for m in body["messages"][2:])
        assert all(t["type"] == "function" and "parameters" in t["function"] for t in body["tools"])
        # DeepSeek's cap field is max_tokens, and it takes no user (left out, named dropped).
        assert body["max_completion_tokens" if kind == "openai_chat" else "max_tokens"] > 0
    elif kind == "openai_responses":
        assert CLAUDE_SYSTEM in body["instructions"]
        assert any(i.get("role") == "user" and PROMPT in texts(i["content"]) for i in body["input"])
        assert any(i.get("role") == "system" and ENVIRONMENT in texts(i["content"]) for i in body["input"])
        # Responses would make an unflagged tool strict, which Claude Code's schemas do not satisfy.
        assert all(t["type"] == "function" and t["strict"] is False for t in body["tools"])
        assert body["store"] is False
    elif kind == "bedrock":
        # Converse: system blocks on top, Claude's thinking as a model field, no cache_control.
        assert any(CLAUDE_SYSTEM in block.get("text", "") for block in body["system"])
        assert any(m["role"] == "user" and PROMPT in texts(m["content"]) for m in body["messages"])
        assert "cache_control" not in str(body)
        assert body["inferenceConfig"]["maxTokens"] > 0
        check_signed(call)
        return
    else:  # the same format: Claude Code's request as it sent it, with the provider's key
        assert any(CLAUDE_SYSTEM in block["text"] for block in body["system"])
        assert "claude-code-20250219" in call["headers"]["anthropic-beta"]
        assert call["headers"]["x-api-key"] == UPSTREAM_KEY
        assert body["metadata"]["user_id"]
    if kind != "anthropic":
        assert call["authorization"] == f"Bearer {UPSTREAM_KEY}"
    if kind == "openai_chat":
        # Claude Code's user id is a ~150-character JSON object; OpenAI takes at most 64.
        assert 0 < len(body["user"]) <= 64
    elif kind == "openai_compatible":
        assert "user" not in body and "metadata" not in body


def check_codex_request(kind: str, call: dict[str, Any]) -> None:
    body = call["body"]
    assert "exec_command" in tool_names(body)
    if kind == "gemini":
        check_gemini_request(call, CODEX_INSTRUCTIONS)
        return
    if kind in CHAT_SHAPED:
        first = body["messages"][0]
        assert first["role"] == "developer" and CODEX_INSTRUCTIONS in first["content"]
        assert any(m["role"] == "user" and PROMPT in texts(m["content"]) for m in body["messages"])
        assert all(t["type"] == "function" for t in body["tools"])
        assert body["tool_choice"] == "auto"
    elif kind == "openai_responses":  # the same format: Codex's request as it sent it
        first = body["input"][0]
        assert first["role"] == "developer" and CODEX_INSTRUCTIONS in texts(first["content"])
        assert body["store"] is False and body["prompt_cache_key"]
    elif kind == "bedrock":
        assert CODEX_INSTRUCTIONS in body["system"][0]["text"]
        assert [m["role"] for m in body["messages"]] == ["user"]
        assert PROMPT in texts(body["messages"][0]["content"])
        assert all("json" in tool["inputSchema"] for tool in tools_of(body))
        assert body["inferenceConfig"]["maxTokens"] > 0
        check_signed(call)
        return
    else:
        # Messages: max_tokens is required; the developer instructions are the system prompt.
        assert body["max_tokens"] > 0
        assert CODEX_INSTRUCTIONS in body["system"][0]["text"]
        assert [m["role"] for m in body["messages"]] == ["user"]
        assert PROMPT in texts(body["messages"][0]["content"])
        assert all("input_schema" in tool for tool in body["tools"])
        assert call["headers"]["anthropic-version"]
    if kind != "anthropic":
        assert call["authorization"] == f"Bearer {UPSTREAM_KEY}"


CHECKS = {"claude_code": check_claude_code_request, "codex": check_codex_request}


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("client", list(CLIENTS))
def test_real_client_completes_a_prompt_through_the_gateway(
    client: str, kind: str, gateway: Gateway, fake: FakeProvider, tmp_path: Path
) -> None:
    result = CLIENTS[client](gateway, MODELS[kind][0], PROMPT, tmp_path)
    [call] = completed(fake, kind, 1, result)
    CHECKS[client](kind, call)


# ---- a tool round trip: the fake calls the first tool, the client answers, the fake replies -----


def tool_exchange(kind: str, body: dict[str, Any]) -> tuple[str, str, str, str | None]:
    """From a second-turn body: the tool called, its call id, the id the result answers, and the
    opaque reasoning handed back with the call (None where the format has no place for it)."""
    if kind == "gemini":
        # No call ids on Gemini's wire (the gateway mints them and keeps them home): the function
        # response answers the call by name, and the signature rides on the call's own part.
        parts = [
            p for c in body["contents"] if c["role"] == "model" for p in c["parts"] if "functionCall" in p
        ]
        responses = [
            p["functionResponse"] for c in body["contents"] for p in c["parts"] if "functionResponse" in p
        ]
        name = parts[0]["functionCall"]["name"]
        return name, name, responses[0]["name"], parts[0].get("thoughtSignature")
    if kind in CHAT_SHAPED:
        turn = next(m for m in body["messages"] if m.get("tool_calls"))
        call, result = turn["tool_calls"][0], next(m for m in body["messages"] if m["role"] == "tool")
        # DeepSeek's thinking mode wants the tool turn's reasoning back (its fake answers 400 without).
        reasoning = turn["reasoning_content"] if kind == "openai_compatible" else None
        return call["function"]["name"], call["id"], result["tool_call_id"], reasoning
    if kind == "openai_responses":
        call = next(i for i in body["input"] if i.get("type") == "function_call")
        output = next(i for i in body["input"] if i.get("type") == "function_call_output")
        reasoning = next(i for i in body["input"] if i.get("type") == "reasoning")
        return call["name"], call["call_id"], output["call_id"], reasoning["encrypted_content"]
    if kind == "bedrock":
        return converse_tool_exchange(body)
    assistant = next(m for m in body["messages"] if m["role"] == "assistant")
    first, use = assistant["content"][0], next(b for b in assistant["content"] if b["type"] == "tool_use")
    # With thinking on, Anthropic wants the turn's signed thinking block back first.
    assert first["type"] == "thinking", assistant
    results = [b for m in body["messages"] if m["role"] == "user" for b in m["content"] if _is_result(b)]
    return use["name"], use["id"], results[0]["tool_use_id"], first["signature"]


def converse_tool_exchange(body: dict[str, Any]) -> tuple[str, str, str, str | None]:
    assistant = next(m for m in body["messages"] if m["role"] == "assistant")
    first, use = assistant["content"][0], next(b["toolUse"] for b in assistant["content"] if "toolUse" in b)
    # Claude on Bedrock wants the signed reasoning back first too, as reasoningContent.
    signed = first["reasoningContent"]["reasoningText"]
    results = [
        b["toolResult"]
        for m in body["messages"]
        if m["role"] == "user"
        for b in m["content"]
        if "toolResult" in b
    ]
    return use["name"], use["toolUseId"], results[0]["toolUseId"], signed["signature"]


def _is_result(block: Any) -> bool:
    return isinstance(block, dict) and block.get("type") == "tool_result"


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("client", list(CLIENTS))
def test_real_client_runs_a_tool_round_trip_through_the_gateway(
    client: str, kind: str, gateway: Gateway, fake: FakeProvider, tmp_path: Path
) -> None:
    # The fake thinks, then calls the request's first tool (arguments the tool will refuse, which
    # the client reports back as the result), and answers in text once a tool result arrives.
    prompt = f"{PROMPT} [[fake tools=1 once think]]"
    result = CLIENTS[client](gateway, MODELS[kind][0], prompt, tmp_path)
    first, second = completed(fake, kind, 2, result)
    name, call_id, answered, reasoning = tool_exchange(kind, second["body"])
    assert name == tool_name(tools_of(first["body"])[0])
    assert answered == call_id
    # The opaque reasoning the client was handed survives its round trip through the client's format.
    expected = {
        "openai_chat": None,
        "openai_responses": ENCRYPTED,
        "anthropic": SIGNATURE,
        "bedrock": SIGNATURE,
        "gemini": CALL_SIGNATURE,
        "openai_compatible": THINKING,  # DeepSeek's reasoning_content, echoed on the tool turn
    }
    assert reasoning == expected[kind]
