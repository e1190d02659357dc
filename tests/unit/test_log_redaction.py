"""The redaction guard on its own: what our code never logs is still blanked if something does."""

from __future__ import annotations

import json
import logging

import pytest
from hyperinfer.local.emulator import free_port
from hyperinfer.local.fakes.server import FakeProvider, ServerThread
from hyperinfer.observability.logs import configure_logging
from hyperinfer.observability.redact import REDACTED, redacting_dumps, register_secret, scrub

PROVIDER_KEY = "prov-7c1d2e3f4a5b6c7d8e9f"  # no recognisable shape: caught only because registered


def test_credentials_in_text_are_blanked() -> None:
    text = (
        "Authorization: Bearer sk-hi-abcdefghijklmnop; x-api-key=sk-ant-api03-zyxwvutsrq "
        "{'X-Internal-Token': 'tok3n-value'} key sk-proj-0123456789abcdef"
    )
    scrubbed = scrub(text)
    for leaked in ("abcdefghijklmnop", "zyxwvutsrq", "tok3n-value", "0123456789abcdef"):
        assert leaked not in scrubbed
    assert scrubbed.count(REDACTED) >= 4


def test_pydantic_errors_lose_the_input_they_quote() -> None:
    error = (
        "1 validation error\nrole\n"
        "  Input should be 'user' [type=enum, input_value='tell me a secret', input_type=str]"
    )
    assert "tell me a secret" not in scrub(error)
    assert "input_type=str" in scrub(error)


def test_registered_secrets_and_denied_keys_never_serialize() -> None:
    register_secret(PROVIDER_KEY)
    line = redacting_dumps(
        {
            "message": f"upstream said: bad key {PROVIDER_KEY}",
            "headers": {"a": "b"},
            "nested": {"Prompt": "hi"},
        }
    )
    parsed = json.loads(line)
    assert PROVIDER_KEY not in line
    assert parsed["headers"] == REDACTED and parsed["nested"] == {"Prompt": REDACTED}


def test_the_configured_logger_applies_the_guard_to_exceptions(capsys: pytest.CaptureFixture[str]) -> None:
    log = configure_logging()
    register_secret(PROVIDER_KEY)
    try:
        raise RuntimeError(f"call failed with api_key={PROVIDER_KEY} and Bearer sk-hi-leakedleakedleaked")
    except RuntimeError:
        log.exception("boom", extra={"authorization": "Bearer sk-hi-leakedleakedleaked"})
    [line] = [json.loads(raw) for raw in capsys.readouterr().out.splitlines() if '"boom"' in raw]
    rendered = json.dumps(line)
    assert PROVIDER_KEY not in rendered and "leakedleakedleaked" not in rendered
    assert line["exception_name"] == "RuntimeError" and line["authorization"] == REDACTED
    assert logging.getLogger("hyperinfer").handlers == logging.getLogger("uvicorn").handlers


def test_a_server_thread_started_later_leaves_uvicorns_logger_guarded() -> None:
    # The fakes run under uvicorn in the test process (and in bench and `hyperinfer dev`); uvicorn's
    # default logging config would put its own unguarded handler back on "uvicorn".
    configure_logging()
    server = ServerThread(FakeProvider().app, free_port())
    server.start()
    try:
        assert logging.getLogger("uvicorn").handlers == logging.getLogger("hyperinfer").handlers
    finally:
        server.stop()
