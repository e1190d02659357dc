from hyperinfer.catalog import load_catalog
from hyperinfer.gateway.ingress import ANTHROPIC_MESSAGES, CHAT_COMPLETIONS
from hyperinfer.gateway.passthrough import upstream_body

from tests.support import REPO

MODEL = load_catalog(REPO / "providers.yaml").find("openai/gpt-4.1-mini")


def test_only_the_model_changes_and_gateway_fields_stay_home() -> None:
    assert MODEL is not None
    payload = {
        "model": "openai/gpt-4.1-mini",
        "messages": [],
        "seed": 1,
        "hi_tool_events": True,
        "plugins": [],
    }
    body = upstream_body(CHAT_COMPLETIONS, payload, MODEL, stream=False)
    assert body == {"model": MODEL.upstream_model, "messages": [], "seed": 1}


def test_chat_streams_always_ask_for_usage_and_keep_other_stream_options() -> None:
    assert MODEL is not None
    payload = {"model": "m", "messages": [], "stream": True, "stream_options": {"include_obfuscation": False}}
    body = upstream_body(CHAT_COMPLETIONS, payload, MODEL, stream=True)
    assert body["stream_options"] == {"include_obfuscation": False, "include_usage": True}
    assert payload["stream_options"] == {"include_obfuscation": False}  # the client's dict is not mutated


def test_other_formats_get_no_stream_options() -> None:
    assert MODEL is not None
    body = upstream_body(
        ANTHROPIC_MESSAGES, {"model": "m", "stream": True, "max_tokens": 5}, MODEL, stream=True
    )
    assert "stream_options" not in body and body["max_tokens"] == 5
