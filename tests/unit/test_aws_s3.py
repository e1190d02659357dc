"""The lean S3 client: presigned POSTs signed exactly as boto3 signs them, object requests, failures."""

from __future__ import annotations

import datetime as dt
from typing import Any

import boto3
import botocore.auth
import botocore.awsrequest
import botocore.credentials
import botocore.signers
import httpx
import pytest
from botocore.config import Config
from hyperinfer.accounts.ddb import error_code
from hyperinfer.aws_json import AwsError, Credentials
from hyperinfer.aws_s3 import S3Client

from tests.support import Recorder

NOW = dt.datetime(2026, 11, 22, 9, 30, 15, tzinfo=dt.UTC)
SECRET = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"
CONDITIONS: list[Any] = [["content-length-range", 1, 50_000_000]]


def boto3_post(monkeypatch: pytest.MonkeyPatch, token: str | None, endpoint: str | None) -> dict[str, Any]:
    frozen = NOW.replace(tzinfo=None)
    monkeypatch.setattr(botocore.signers, "get_current_datetime", lambda: frozen)
    monkeypatch.setattr(botocore.auth, "get_current_datetime", lambda: frozen)
    client = boto3.session.Session().client(
        "s3",
        region_name="eu-west-1",
        endpoint_url=endpoint,
        aws_access_key_id="AKIDEXAMPLE",
        aws_secret_access_key=SECRET,
        aws_session_token=token,
        config=Config(signature_version="s3v4", s3={"addressing_style": "path" if endpoint else "virtual"}),
    )
    post: dict[str, Any] = client.generate_presigned_post(
        Bucket="reports-bucket", Key="uploads/ws_a/0123.jsonl", Conditions=CONDITIONS, ExpiresIn=900
    )
    return post


def lean(token: str | None = None, endpoint: str | None = None, http: httpx.Client | None = None) -> S3Client:
    return S3Client(
        region="eu-west-1",
        credentials=Credentials("AKIDEXAMPLE", SECRET, token),
        endpoint_url=endpoint,
        http=http,
        sleep=lambda _: None,
        clock=lambda: NOW,
    )


@pytest.mark.parametrize("token", [None, "session-token-example"])
def test_a_presigned_post_has_boto3s_fields_and_signature(
    monkeypatch: pytest.MonkeyPatch, token: str | None
) -> None:
    expected = boto3_post(monkeypatch, token, None)
    got = lean(token).generate_presigned_post(
        "reports-bucket", "uploads/ws_a/0123.jsonl", Conditions=CONDITIONS, ExpiresIn=900
    )
    assert got["fields"] == expected["fields"]  # policy (expiry, conditions) and signature alike
    assert got["url"] == "https://reports-bucket.s3.eu-west-1.amazonaws.com"


def test_on_an_endpoint_override_the_post_goes_to_the_path_style_url(monkeypatch: pytest.MonkeyPatch) -> None:
    expected = boto3_post(monkeypatch, None, "http://127.0.0.1:5000")
    got = lean(endpoint="http://127.0.0.1:5000/").generate_presigned_post(
        "reports-bucket", "uploads/ws_a/0123.jsonl", Conditions=CONDITIONS, ExpiresIn=900
    )
    assert got == expected


def test_a_put_is_signed_for_s3_and_carries_its_conditions() -> None:
    recorder = Recorder(httpx.Response(200, headers={"ETag": '"abc"'}))
    client = lean("tok", http=httpx.Client(transport=httpx.MockTransport(recorder)))
    answer = client.put_object(
        Bucket="b", Key="reports/ws a/1.json", Body=b"{}", ContentType="application/json", IfNoneMatch="*"
    )
    assert answer["ETag"] == '"abc"'
    [request] = recorder.requests
    assert request.method == "PUT"
    assert str(request.url) == "https://b.s3.eu-west-1.amazonaws.com/reports/ws%20a/1.json"
    assert request.headers["if-none-match"] == "*"
    assert request.headers["x-amz-security-token"] == "tok"
    assert request.headers["x-amz-content-sha256"] == (
        "44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a"  # sha256 of b"{}"
    )
    assert "/eu-west-1/s3/aws4_request" in request.headers["authorization"]


def test_a_missing_object_raises_its_s3_code_and_is_not_retried() -> None:
    xml = (
        "<?xml version='1.0'?><Error><Code>NoSuchKey</Code><Message>The key does not exist</Message></Error>"
    )
    recorder = Recorder(httpx.Response(404, text=xml))
    client = lean(http=httpx.Client(transport=httpx.MockTransport(recorder)))
    with pytest.raises(AwsError) as caught:
        client.get_object(Bucket="b", Key="k")
    assert error_code(caught.value) == "NoSuchKey"
    assert "The key does not exist" in str(caught.value)
    assert len(recorder.requests) == 1


def test_a_head_without_a_body_reports_the_status_as_its_code() -> None:
    client = lean(http=httpx.Client(transport=httpx.MockTransport(Recorder(httpx.Response(404)))))
    with pytest.raises(AwsError) as caught:
        client.head_object(Bucket="b", Key="k")
    assert error_code(caught.value) == "404"


def test_slow_down_and_refused_connections_are_retried() -> None:
    slow = "<Error><Code>SlowDown</Code><Message>Reduce your request rate</Message></Error>"
    last_modified = "Sun, 22 Nov 2026 09:30:15 GMT"
    recorder = Recorder(
        httpx.ConnectError("refused"),
        httpx.Response(503, text=slow),
        httpx.Response(200, content=b"hello", headers={"Last-Modified": last_modified}),
    )
    client = lean(http=httpx.Client(transport=httpx.MockTransport(recorder)))
    got = client.get_object(Bucket="b", Key="k")
    assert got["Body"].read() == b"hello"
    assert got["ContentLength"] == 5
    assert got["LastModified"] == NOW
    assert len(recorder.requests) == 3


def test_a_precondition_failure_is_an_answer_not_a_transient_error() -> None:
    failed = (
        "<Error><Code>PreconditionFailed</Code><Message>At least one precondition failed</Message></Error>"
    )
    recorder = Recorder(httpx.Response(412, text=failed))
    client = lean(http=httpx.Client(transport=httpx.MockTransport(recorder)))
    with pytest.raises(AwsError) as caught:
        client.put_object(Bucket="b", Key="k", Body=b"x", IfNoneMatch="*")
    assert error_code(caught.value) == "PreconditionFailed"
    assert len(recorder.requests) == 1


def test_an_object_request_is_signed_as_botocore_signs_it_for_s3() -> None:
    """A key with characters SigV4 encodes (space, '=', '~' kept): the canonical URI is the path
    encoded once, never normalised, and the signature is the one botocore's S3 signer computes."""
    recorder = Recorder(httpx.Response(200, headers={"ETag": '"e"'}))
    secret = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"
    credentials = Credentials("AKIDEXAMPLE", secret, "session")
    http = httpx.Client(transport=httpx.MockTransport(recorder))
    client = S3Client(region="eu-west-1", credentials=credentials, http=http)
    client.put_object(Bucket="bucket-a", Key="uploads/ws a/x=1~y.jsonl", Body=b"{}\n")
    [request] = recorder.requests
    authorization = request.headers["authorization"]
    signed = authorization.split("SignedHeaders=")[1].split(",")[0].split(";")
    reference = botocore.awsrequest.AWSRequest(
        method="PUT",
        url=str(request.url),
        data=request.content,
        headers={name: request.headers[name] for name in signed},
    )
    reference.context["timestamp"] = request.headers["x-amz-date"]
    boto = botocore.credentials.Credentials(
        "AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", "session"
    )
    signer = botocore.auth.S3SigV4Auth(boto, "s3", "eu-west-1")
    canonical = signer.canonical_request(reference)
    assert "/uploads/ws%20a/x%3D1~y.jsonl" in canonical
    expected = signer.signature(signer.string_to_sign(reference, canonical), reference)
    assert authorization.endswith(f"Signature={expected}")
