"""The lean client is a drop-in for boto3's: against the same emulator, every operation the gateway
uses answers the same, and every refusal carries the same code (and cancellation reasons)."""

from __future__ import annotations

import uuid
from typing import Any

import httpx
import pytest
from hyperinfer import aws, aws_json, aws_s3
from hyperinfer.accounts.ddb import error_code, to_item
from hyperinfer.accounts.schema import GSI1, create_table_request
from hyperinfer.local.emulator import Emulator, use_fake_credentials


def clients(emulator: Emulator, service: str) -> tuple[Any, Any]:
    use_fake_credentials()
    credentials = aws_json.Credentials("testing", "testing")  # moto accepts any
    lean = aws_json.CLIENTS[service](
        region="us-east-1",
        credentials=credentials,
        endpoint_url=emulator.endpoint_url,
    )
    return lean, aws._boto3_client(service, "us-east-1", emulator.endpoint_url)


def s3_clients(emulator: Emulator) -> tuple[aws_s3.S3Client, Any, str]:
    use_fake_credentials()
    credentials = aws_json.Credentials("testing", "testing")
    lean = aws_s3.S3Client(region="us-east-1", credentials=credentials, endpoint_url=emulator.endpoint_url)
    boto = aws._boto3_s3("us-east-1", emulator.endpoint_url)
    bucket = f"parity-{uuid.uuid4().hex[:8]}"
    boto.create_bucket(Bucket=bucket)
    return lean, boto, bucket


def without_metadata(answer: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in answer.items() if k != "ResponseMetadata"}


def refusal(call: Any, **params: Any) -> Exception:
    with pytest.raises(Exception) as caught:
        call(**params)
    return caught.value


def test_dynamodb_operations_answer_alike(emulator: Emulator) -> None:
    lean, boto = clients(emulator, "dynamodb")
    table = f"parity-{uuid.uuid4().hex[:8]}"
    lean.create_table(**create_table_request(table))
    item = to_item({"pk": "WS#a", "sk": "BAL#0", "gsi1pk": "OPEN", "gsi1sk": "1", "micro": 10, "tags": {"x"}})
    for client in (lean, boto):
        client.put_item(TableName=table, Item=item)
    key = to_item({"pk": "WS#a", "sk": "BAL#0"})
    assert without_metadata(lean.get_item(TableName=table, Key=key)) == without_metadata(
        boto.get_item(TableName=table, Key=key)
    )

    query = {
        "TableName": table,
        "IndexName": GSI1,
        "KeyConditionExpression": "gsi1pk = :p",
        "ExpressionAttributeValues": to_item({":p": "OPEN"}),
    }
    assert without_metadata(lean.query(**query)) == without_metadata(boto.query(**query))

    update = {
        "TableName": table,
        "Key": key,
        "UpdateExpression": "SET micro = micro - :d",
        "ConditionExpression": "micro >= :d",
        "ReturnValues": "ALL_NEW",
    }
    lean_answer = lean.update_item(**update, ExpressionAttributeValues=to_item({":d": 3}))
    boto_answer = boto.update_item(**update, ExpressionAttributeValues=to_item({":d": 3}))
    assert lean_answer["Attributes"]["micro"] == {"N": "7"} and boto_answer["Attributes"]["micro"] == {
        "N": "4"
    }

    too_much = {**update, "ExpressionAttributeValues": to_item({":d": 1000})}
    assert error_code(refusal(lean.update_item, **too_much)) == "ConditionalCheckFailedException"
    assert error_code(refusal(boto.update_item, **too_much)) == "ConditionalCheckFailedException"

    transaction = [
        {"Put": {"TableName": table, "Item": to_item({"pk": "WS#b", "sk": "X"})}},
        {"Update": {**{k: update[k] for k in ("TableName", "Key", "UpdateExpression", "ConditionExpression")},
                    "ExpressionAttributeValues": to_item({":d": 1000})}},
    ]  # fmt: skip
    lean_refusal = refusal(lean.transact_write_items, TransactItems=transaction)
    boto_refusal = refusal(boto.transact_write_items, TransactItems=transaction)
    assert error_code(lean_refusal) == error_code(boto_refusal) == "TransactionCanceledException"
    reasons = [r["Code"] for r in getattr(lean_refusal, "response", {})["CancellationReasons"]]
    assert reasons == [r["Code"] for r in getattr(boto_refusal, "response", {})["CancellationReasons"]]
    assert reasons == ["None", "ConditionalCheckFailed"]

    missing = {"TableName": "no-such-table"}
    assert error_code(refusal(lean.describe_table, **missing)) == error_code(
        refusal(boto.describe_table, **missing)
    )


def test_sqs_operations_answer_alike(emulator: Emulator) -> None:
    lean, boto = clients(emulator, "sqs")
    url = lean.create_queue(QueueName=f"parity-{uuid.uuid4().hex[:8]}")["QueueUrl"]
    assert boto.get_queue_url(QueueName=url.rsplit("/", 1)[1])["QueueUrl"] == url
    lean.send_message(QueueUrl=url, MessageBody="from lean")
    boto.send_message(QueueUrl=url, MessageBody="from boto3")
    got = lean.receive_message(QueueUrl=url, MaxNumberOfMessages=10, AttributeNames=["All"])["Messages"]
    assert sorted(m["Body"] for m in got) == ["from boto3", "from lean"]
    assert all("ApproximateReceiveCount" in m["Attributes"] for m in got)
    entries = [{"Id": str(n), "ReceiptHandle": m["ReceiptHandle"]} for n, m in enumerate(got)]
    assert len(lean.delete_message_batch(QueueUrl=url, Entries=entries)["Successful"]) == 2
    assert "Messages" not in boto.receive_message(QueueUrl=url, VisibilityTimeout=0)


def test_secrets_manager_answers_alike(emulator: Emulator) -> None:
    lean, boto = clients(emulator, "secretsmanager")
    name = f"parity/{uuid.uuid4().hex[:8]}"
    boto.create_secret(Name=name, SecretString='{"OPENAI_API_KEY": "k"}')
    assert lean.get_secret_value(SecretId=name)["SecretString"] == '{"OPENAI_API_KEY": "k"}'
    missing = {"SecretId": "parity/missing"}
    assert error_code(refusal(lean.get_secret_value, **missing)) == "ResourceNotFoundException"
    assert error_code(refusal(boto.get_secret_value, **missing)) == "ResourceNotFoundException"


def test_s3_objects_written_by_one_client_read_alike_by_the_other(emulator: Emulator) -> None:
    lean, boto, bucket = s3_clients(emulator)
    lean.put_object(Bucket=bucket, Key="a/lean.json", Body=b'{"by": "lean"}', ContentType="application/json")
    boto.put_object(Bucket=bucket, Key="a/boto.json", Body=b'{"by": "boto3"}', ContentType="application/json")
    for key in ("a/lean.json", "a/boto.json"):
        ours, theirs = lean.get_object(Bucket=bucket, Key=key), boto.get_object(Bucket=bucket, Key=key)
        assert ours["Body"].read() == theirs["Body"].read()
        for field in ("ContentLength", "ContentType", "ETag", "LastModified"):
            assert ours[field] == theirs[field], field
        assert lean.head_object(Bucket=bucket, Key=key)["ContentLength"] == theirs["ContentLength"]
    for client in (lean, boto):
        assert error_code(refusal(client.get_object, Bucket=bucket, Key="a/missing")) == "NoSuchKey"
        assert error_code(refusal(client.head_object, Bucket=bucket, Key="a/missing")) == "404"


def test_s3_if_none_match_keeps_the_first_body(emulator: Emulator) -> None:
    lean, boto, bucket = s3_clients(emulator)
    lean.put_object(Bucket=bucket, Key="body.json", Body=b"first", IfNoneMatch="*")
    again = refusal(lean.put_object, Bucket=bucket, Key="body.json", Body=b"second", IfNoneMatch="*")
    assert error_code(again) == "PreconditionFailed"
    assert boto.get_object(Bucket=bucket, Key="body.json")["Body"].read() == b"first"


def test_s3_a_presigned_post_uploads_the_named_key(emulator: Emulator) -> None:
    lean, boto, bucket = s3_clients(emulator)
    post = lean.generate_presigned_post(
        bucket, "uploads/ws_a/1.jsonl", Conditions=[["content-length-range", 1, 1000]], ExpiresIn=900
    )
    files = {"file": ("1.jsonl", b'{"line": 1}\n', "application/x-ndjson")}
    answer = httpx.post(post["url"], data=post["fields"], files=files)
    assert answer.status_code in {200, 204}, answer.text
    assert boto.get_object(Bucket=bucket, Key="uploads/ws_a/1.jsonl")["Body"].read() == b'{"line": 1}\n'
