"""The lean JSON-protocol AWS client: what it sends, how it signs, how it fails and retries."""

from __future__ import annotations

import json
from decimal import Decimal
from typing import TYPE_CHECKING, Any

import httpx
import pytest
from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials as BotoCredentials
from hyperinfer.accounts.ddb import deserialize, error_code, from_item, serialize, to_item, transaction_token
from hyperinfer.aws_json import (
    DYNAMODB,
    AwsError,
    Credentials,
    DynamoDBClient,
    JsonClient,
    SecretsManagerClient,
    default_endpoint,
)
from hypothesis import given
from hypothesis import strategies as st

from tests.support import Recorder

if TYPE_CHECKING:
    from mypy_boto3_dynamodb.type_defs import TransactWriteItemTypeDef

CREDENTIALS = Credentials("AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", "session-token-example")


def client_with(recorder: Recorder, kind: type[JsonClient] = DynamoDBClient) -> tuple[Any, list[float]]:
    slept: list[float] = []
    http = httpx.Client(transport=httpx.MockTransport(recorder))
    client = kind(region="eu-west-1", credentials=CREDENTIALS, http=http, sleep=slept.append)
    return client, slept


def test_a_call_is_a_json_post_naming_its_operation_and_returns_the_parsed_answer() -> None:
    recorder = Recorder(httpx.Response(200, json={"Item": {"pk": {"S": "a"}}}))
    client, _ = client_with(recorder)
    answer = client.get_item(TableName="t", Key={"pk": {"S": "a"}})
    assert answer == {"Item": {"pk": {"S": "a"}}}
    [request] = recorder.requests
    assert str(request.url) == "https://dynamodb.eu-west-1.amazonaws.com/"
    assert request.headers["x-amz-target"] == "DynamoDB_20120810.GetItem"
    assert request.headers["content-type"] == "application/x-amz-json-1.0"
    assert json.loads(request.content) == {"TableName": "t", "Key": {"pk": {"S": "a"}}}
    assert request.headers["x-amz-security-token"] == "session-token-example"


def test_the_signature_is_the_one_botocore_computes_for_the_same_request() -> None:
    recorder = Recorder(httpx.Response(200, json={}))
    client, _ = client_with(recorder, SecretsManagerClient)
    client.get_secret_value(SecretId="hyperinfer/prod/provider-keys")
    [request] = recorder.requests
    authorization = request.headers["authorization"]
    scope = authorization.split("Credential=")[1].split(",")[0]
    assert scope.endswith("/eu-west-1/secretsmanager/aws4_request")
    signed = authorization.split("SignedHeaders=")[1].split(",")[0].split(";")
    assert {"host", "content-type", "x-amz-date", "x-amz-target", "x-amz-security-token"} <= set(signed)

    reference = AWSRequest(
        method="POST",
        url=str(request.url),
        data=request.content,
        headers={name: request.headers[name] for name in signed},
    )
    reference.context["timestamp"] = request.headers["x-amz-date"]
    boto = BotoCredentials(CREDENTIALS.access_key, CREDENTIALS.secret_key, CREDENTIALS.session_token)
    signer = SigV4Auth(boto, "secretsmanager", "eu-west-1")
    canonical = signer.canonical_request(reference)
    expected = signer.signature(signer.string_to_sign(reference, canonical), reference)
    assert authorization.endswith(f"Signature={expected}")


def test_a_refusal_raises_with_botocores_error_shape() -> None:
    body = {
        "__type": "com.amazonaws.dynamodb.v20120810#TransactionCanceledException",
        "message": "Transaction cancelled",
        "CancellationReasons": [{"Code": "None"}, {"Code": "ConditionalCheckFailed"}],
    }
    client, slept = client_with(Recorder(httpx.Response(400, json=body)))
    with pytest.raises(AwsError) as caught:
        client.transact_write_items(TransactItems=[])
    assert error_code(caught.value) == "TransactionCanceledException"
    assert caught.value.response["CancellationReasons"][1]["Code"] == "ConditionalCheckFailed"
    assert caught.value.response["ResponseMetadata"]["HTTPStatusCode"] == 400
    assert slept == []  # a cancelled transaction is an answer, not a transient failure


def test_throttling_is_retried_with_backoff_then_given_up() -> None:
    throttled = {"__type": "com.amazonaws.dynamodb.v20120810#ProvisionedThroughputExceededException"}
    recorder = Recorder(*(httpx.Response(400, json=throttled) for _ in range(3)))
    client, slept = client_with(recorder)
    with pytest.raises(AwsError, match="ProvisionedThroughputExceededException"):
        client.put_item(TableName="t", Item={})
    assert len(recorder.requests) == 3 and len(slept) == 2


def test_a_connection_failure_is_retried_and_a_later_success_returned() -> None:
    refused = httpx.ConnectError("refused")
    recorder = Recorder(refused, httpx.Response(503, json={}), httpx.Response(200, json={"ok": 1}))
    client, slept = client_with(recorder)
    assert client.describe_table(TableName="t") == {"ok": 1}
    assert len(recorder.requests) == 3 and len(slept) == 2


def test_a_read_timeout_is_not_retried_because_the_write_may_have_happened() -> None:
    recorder = Recorder(httpx.ReadTimeout("slow"), httpx.Response(200, json={}))
    client, _ = client_with(recorder)
    with pytest.raises(httpx.ReadTimeout):
        client.update_item(TableName="t", Key={})
    assert len(recorder.requests) == 1


def test_an_operation_not_named_is_an_attribute_error_and_sends_nothing() -> None:
    recorder = Recorder(httpx.Response(200, json={}))
    client, _ = client_with(recorder)
    with pytest.raises(AttributeError, match="get_itme"):
        client.get_itme(TableName="t", Key={})
    with pytest.raises(AttributeError):
        client.delete_table(TableName="t")  # a real DynamoDB operation, but not one we use
    assert recorder.requests == []


def test_names_and_endpoints() -> None:
    assert default_endpoint(DYNAMODB, "cn-north-1") == "https://dynamodb.cn-north-1.amazonaws.com.cn"
    assert Credentials.from_environment({"AWS_ACCESS_KEY_ID": "a"}) is None
    pair = {"AWS_ACCESS_KEY_ID": "a", "AWS_SECRET_ACCESS_KEY": "b"}
    assert Credentials.from_environment(pair) == Credentials("a", "b", None)


# -- typed attribute values: the same as boto3's TypeSerializer/TypeDeserializer ----------------

plain = st.recursive(
    st.none() | st.booleans() | st.integers(-(10**20), 10**20) | st.text(max_size=20),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4),
    max_leaves=12,
)


@given(st.dictionaries(st.text(min_size=1, max_size=8), plain, max_size=6))
def test_items_serialize_as_boto3_does_and_round_trip(values: dict[str, Any]) -> None:
    from boto3.dynamodb.types import TypeSerializer

    boto = TypeSerializer()
    assert to_item(values) == {k: boto.serialize(v) for k, v in values.items() if v is not None}
    assert from_item(to_item(values)) == {k: v for k, v in values.items() if v is not None}


def test_sets_numbers_and_refusals() -> None:
    assert serialize({"b", "a"}) == {"SS": ["a", "b"]}
    assert deserialize({"NS": ["1", "2.5"]}) == {1, Decimal("2.5")}
    assert deserialize({"N": "12345678901234567890"}) == 12345678901234567890
    with pytest.raises(TypeError, match="float"):
        serialize(1.5)
    with pytest.raises(TypeError, match="set"):
        serialize(set())


# -- TransactWriteItems' ClientRequestToken ---------------------------------------------------

PUT_A: TransactWriteItemTypeDef = {"Put": {"TableName": "t", "Item": {"pk": {"S": "R#1"}, "n": {"N": "100"}}}}
PUT_B: TransactWriteItemTypeDef = {"Put": {"TableName": "t", "Item": {"pk": {"S": "R#1"}, "n": {"N": "101"}}}}


def test_a_transaction_token_is_a_digest_of_what_the_transaction_is() -> None:
    token = transaction_token("settle", [PUT_A])
    assert len(token) <= 36 and token == transaction_token("settle", [PUT_A])
    assert token != transaction_token("settle", [PUT_B])  # any value differs: another transaction
    assert token != transaction_token("reserve", [PUT_A])
    assert transaction_token("consolidate", [PUT_A], "n1") != transaction_token("consolidate", [PUT_A], "n2")


def test_each_retry_of_a_transaction_resends_its_token() -> None:
    throttled = {"__type": "com.amazonaws.dynamodb.v20120810#ThrottlingException"}
    recorder = Recorder(
        httpx.Response(400, json=throttled), httpx.Response(500, json={}), httpx.Response(200)
    )
    client, _ = client_with(recorder)
    token = transaction_token("settle", [PUT_A])
    client.transact_write_items(TransactItems=[PUT_A], ClientRequestToken=token)
    sent = [json.loads(request.content) for request in recorder.requests]
    assert len(sent) == 3 and all(
        body == {"TransactItems": [PUT_A], "ClientRequestToken": token} for body in sent
    )
