import pytest
from hyperinfer.api_schemas import AnthropicError, OpenAIError, ReportError
from hyperinfer.errors import ErrorCode, GatewayError
from hyperinfer.formats.envelopes import anthropic_error, openai_error, report_error, universal_error


@pytest.mark.parametrize("code", list(ErrorCode))
def test_both_envelopes_carry_the_code_message_and_request_id(code: ErrorCode) -> None:
    error = GatewayError(code, "what happened", param="messages[0]")
    openai = OpenAIError.model_validate(openai_error(error, "rid1"))
    assert (openai.error.code, openai.error.message, openai.error.request_id) == (
        code,
        "what happened",
        "rid1",
    )
    assert openai.error.param == "messages[0]"
    anthropic = AnthropicError.model_validate(anthropic_error(error, "rid2"))
    assert (anthropic.error.code, anthropic.error.message, anthropic.request_id) == (
        code,
        "what happened",
        "rid2",
    )


@pytest.mark.parametrize(
    ("code", "openai_type", "anthropic_type"),
    [
        (ErrorCode.INVALID_REQUEST, "invalid_request_error", "invalid_request_error"),
        (ErrorCode.INVALID_API_KEY, "authentication_error", "authentication_error"),
        (ErrorCode.PROVIDER_OVERLOADED, "upstream_error", "overloaded_error"),
        (ErrorCode.PAYLOAD_TOO_LARGE, "invalid_request_error", "request_too_large"),
        (ErrorCode.INSUFFICIENT_CREDITS, "insufficient_quota", "billing_error"),
        (ErrorCode.NOT_FOUND, "not_found_error", "not_found_error"),
    ],
)
def test_error_classes_follow_each_vendor(code: ErrorCode, openai_type: str, anthropic_type: str) -> None:
    error = GatewayError(code, "x")
    assert openai_error(error, "r")["error"]["type"] == openai_type
    assert anthropic_error(error, "r")["error"]["type"] == anthropic_type


@pytest.mark.parametrize("code", list(ErrorCode))
def test_the_universal_error_is_every_envelope_at_once(code: ErrorCode) -> None:
    error = GatewayError(code, "what happened")
    body = universal_error(error, "rid3")
    anthropic = anthropic_error(error, "rid3")
    openai = openai_error(error, "rid3")["error"]
    report = report_error(error, "rid3")
    # Anthropic's SDK reads the top level; its error object carries OpenAI's fields too.
    assert {k: body[k] for k in ("type", "request_id")} == {"type": "error", "request_id": "rid3"}
    assert body["error"]["type"] == anthropic["error"]["type"]
    assert {k: body["error"][k] for k in ("message", "code", "param", "request_id")} == {
        k: openai[k] for k in ("message", "code", "param", "request_id")
    }
    assert ReportError.model_validate({k: body[k] for k in ("message", "code", "issues", "request_id")}) == (
        ReportError.model_validate(report)
    )
