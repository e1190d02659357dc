"""The end-user identifier sent to OpenAI fits its 64-character limit, whichever format it came in.

Claude Code puts a ~150-character JSON object in Anthropic's ``metadata.user_id``; OpenAI answers a
``user`` that long with 400 "Invalid 'user': string too long" (see providers/openai_user.py).
"""

from __future__ import annotations

import hashlib
import json

import pytest
from hyperinfer.formats.anthropic_messages.decode import decode
from hyperinfer.formats.anthropic_messages.request import MessagesRequest
from hyperinfer.ir.content import TextBlock
from hyperinfer.ir.request import Message, Request
from hyperinfer.providers.openai_chat.encode import encode_request as encode_chat
from hyperinfer.providers.openai_responses.encode import encode_request as encode_responses
from hyperinfer.providers.openai_user import MAX_USER_LENGTH, openai_user
from hyperinfer.providers.target import Target

# The shape Claude Code 2.1.330 sends (tests/clients_probe/captured_claude_code.json).
CLAUDE_CODE_USER_ID = json.dumps(
    {
        "device_id": "3eee7137cdca556a107ccef2c1f7502b40a3126d61cb76da9c766c675aec4d8a",
        "account_uuid": "",
        "session_id": "16900480-fc09-4473-baf7-afca3d983f43",
    },
    separators=(",", ":"),
)
ENCODERS = {"openai_chat": encode_chat, "openai_responses": encode_responses}
TARGET = Target(upstream_model="gpt-5", max_output_tokens=128000, stream=True, reasoning=True)


def request(user: str | None) -> Request:
    hello = Message(role="user", content=(TextBlock(text="hello"),))
    return Request(model="openai/gpt-5", messages=(hello,), user=user)


def test_an_identifier_that_fits_is_sent_unchanged() -> None:
    assert openai_user("user_123") == "user_123"
    assert openai_user("u" * MAX_USER_LENGTH) == "u" * MAX_USER_LENGTH


def test_a_longer_identifier_becomes_its_sha256_digest_stable_and_distinct() -> None:
    long = "u" * (MAX_USER_LENGTH + 1)
    assert openai_user(long) == hashlib.sha256(long.encode()).hexdigest()
    assert len(openai_user(CLAUDE_CODE_USER_ID)) == MAX_USER_LENGTH
    # Same client id, same value; ids sharing a 64-character prefix stay apart (a cut would merge them).
    assert openai_user(CLAUDE_CODE_USER_ID) == openai_user(CLAUDE_CODE_USER_ID)
    assert openai_user(long) != openai_user(long + "v")


@pytest.mark.parametrize("upstream", list(ENCODERS))
def test_claude_codes_user_id_reaches_openai_within_the_limit(upstream: str) -> None:
    assert len(CLAUDE_CODE_USER_ID) > MAX_USER_LENGTH
    parsed = MessagesRequest.model_validate(
        {
            "model": "openai/gpt-5",
            "max_tokens": 32000,
            "messages": [{"role": "user", "content": "hello"}],
            "metadata": {"user_id": CLAUDE_CODE_USER_ID},
        }
    )
    body = ENCODERS[upstream](decode(parsed), TARGET).body
    assert body["user"] == hashlib.sha256(CLAUDE_CODE_USER_ID.encode()).hexdigest()


@pytest.mark.parametrize("upstream", list(ENCODERS))
def test_a_short_user_is_carried_as_given_and_none_is_left_out(upstream: str) -> None:
    encoded = ENCODERS[upstream](request("user_123"), TARGET)
    assert encoded.body["user"] == "user_123" and "user" not in encoded.dropped
    assert "user" not in ENCODERS[upstream](request(None), TARGET).body
