import pytest
from hyperinfer.errors import ErrorCode, GatewayError
from hyperinfer.gateway.auth import presented_key
from starlette.requests import Request


def request_with(headers: dict[str, str]) -> Request:
    raw = [(k.lower().encode(), v.encode()) for k, v in headers.items()]
    return Request({"type": "http", "headers": raw, "method": "POST", "path": "/"})


@pytest.mark.parametrize(
    ("headers", "key"),
    [
        ({"Authorization": "Bearer sk-hi-abc"}, "sk-hi-abc"),
        ({"Authorization": "bearer   sk-hi-abc  "}, "sk-hi-abc"),
        ({"x-api-key": "sk-hi-abc"}, "sk-hi-abc"),
        ({"Authorization": "Bearer first", "x-api-key": "second"}, "first"),
    ],
)
def test_key_is_read_from_either_header(headers: dict[str, str], key: str) -> None:
    assert presented_key(request_with(headers)) == key


@pytest.mark.parametrize(
    "headers",
    [
        {},
        {"Authorization": "Basic dXNlcjpwYXNz"},
        {"Authorization": "Bearer "},
        {"x-api-key": ""},
        {"x-api-key": "k" * 300},
    ],
)
def test_missing_or_malformed_keys_are_invalid_api_key(headers: dict[str, str]) -> None:
    with pytest.raises(GatewayError) as caught:
        presented_key(request_with(headers))
    assert caught.value.code is ErrorCode.INVALID_API_KEY
