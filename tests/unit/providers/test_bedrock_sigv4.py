"""Bedrock's SigV4 against botocore's own signer at a fixed clock: the same Authorization header."""

from __future__ import annotations

import datetime as dt
import json
from unittest import mock

import pytest
from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials as BotoCredentials
from hyperinfer.providers.bedrock import ADAPTER, default_base
from hyperinfer.providers.contract import Credentials, OutgoingRequest

NOW = dt.datetime(2026, 12, 3, 9, 30, 15, tzinfo=dt.UTC)
REGION = "us-east-1"
BODY = json.dumps(
    {"messages": [{"role": "user", "content": [{"text": "Grüße"}]}]}, ensure_ascii=False
).encode()


def botocore_authorization(url: str, body: bytes, token: str | None, headers: dict[str, str]) -> AWSRequest:
    request = AWSRequest(method="POST", url=url, data=body, headers=dict(headers))
    credentials = BotoCredentials("AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", token)
    with mock.patch("botocore.auth.get_current_datetime", return_value=NOW.replace(tzinfo=None)):
        SigV4Auth(credentials, "bedrock", REGION).add_auth(request)
    return request


@pytest.mark.parametrize("token", [None, "IQoJb3JpZ2luX2VjEXAMPLE//session+token="])
@pytest.mark.parametrize(
    ("model", "stream"),
    [
        ("us.anthropic.claude-sonnet-4-5-20250929-v1:0", True),
        ("amazon.nova-pro-v1:0", False),
        (
            "arn:aws:bedrock:us-east-1:123456789012:inference-profile/us.meta.llama3-3-70b-instruct-v1:0",
            False,
        ),
    ],
)
def test_the_signature_is_botocores(model: str, stream: bool, token: str | None) -> None:
    credentials = Credentials(
        region=REGION,
        aws_access_key_id="AKIDEXAMPLE",
        aws_secret_access_key="wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY",
        aws_session_token=token or "",
    )
    url = ADAPTER.url(default_base(REGION), model, stream)
    unsigned = OutgoingRequest("POST", url, ADAPTER.headers(credentials), BODY)
    signed = ADAPTER.sign(unsigned, credentials, NOW.timestamp())
    expected = botocore_authorization(url, BODY, token, {"Content-Type": "application/json"})

    assert signed.headers["authorization"] == expected.headers["Authorization"]
    assert signed.headers["x-amz-date"] == expected.headers["X-Amz-Date"] == "20261203T093015Z"
    assert signed.headers.get("x-amz-security-token") == (token or None)
    assert signed.body == BODY and signed.url == url
    assert "/us-east-1/bedrock/aws4_request" in signed.headers["authorization"]


def test_the_model_id_is_one_encoded_path_segment() -> None:
    url = ADAPTER.url("https://bedrock-runtime.eu-west-1.amazonaws.com", "eu.anthropic.claude-x-v1:0", True)
    assert (
        url
        == "https://bedrock-runtime.eu-west-1.amazonaws.com/model/eu.anthropic.claude-x-v1%3A0/converse-stream"
    )
    arn = ADAPTER.url("https://h", "arn:aws:bedrock:us-east-1:1:inference-profile/us.x-v1:0", False)
    assert (
        arn
        == "https://h/model/arn%3Aaws%3Abedrock%3Aus-east-1%3A1%3Ainference-profile%2Fus.x-v1%3A0/converse"
    )


def test_a_different_body_gives_a_different_signature() -> None:
    credentials = Credentials(region=REGION, aws_access_key_id="AKID", aws_secret_access_key="secret")
    url = ADAPTER.url(default_base(REGION), "amazon.nova-pro-v1:0", False)
    one = ADAPTER.sign(OutgoingRequest("POST", url, {}, b"{}"), credentials, NOW.timestamp())
    two = ADAPTER.sign(OutgoingRequest("POST", url, {}, b"{ }"), credentials, NOW.timestamp())
    assert one.headers["authorization"] != two.headers["authorization"]


def test_a_local_endpoint_signs_the_host_with_its_port() -> None:
    credentials = Credentials(
        region=REGION,
        aws_access_key_id="AKIDEXAMPLE",
        aws_secret_access_key="wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY",
    )
    url = ADAPTER.url("http://127.0.0.1:9100", "amazon.nova-pro-v1:0", False)
    signed = ADAPTER.sign(OutgoingRequest("POST", url, {}, b"{}"), credentials, NOW.timestamp())
    assert signed.headers["host"] == "127.0.0.1:9100"
    assert (
        signed.headers["authorization"]
        == botocore_authorization(url, b"{}", None, {}).headers["Authorization"]
    )
