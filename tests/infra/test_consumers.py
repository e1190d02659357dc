"""The synthesized dev stack's consumers: a Lambda per ``CONSUMERS`` entry fed by its queue with
partial batch failures, each queue with a DLQ, and the report bucket locked down and wired to the
upload queue."""

from __future__ import annotations

import json
from typing import Any

import pytest
from aws_cdk.assertions import Match, Template
from hyperinfer.function_table import CONSUMERS, ConsumerSpec
from hyperinfer_infra.consumers import CONSUMER_TIMEOUTS, VISIBILITY_FACTOR
from hyperinfer_infra.data import MAX_RECEIVE_COUNT
from hyperinfer_infra.stack import function_construct_id

from tests.infra.support import Resources, actions, of_type, one, policy_statements

QUEUE_IDS = {"reports": "DataReportQueue", "report_uploads": "DataUploadQueue", "batches": "DataBatchQueue"}


def function_id(resources: Resources, name: str) -> str:
    return one(resources, "AWS::Lambda::Function", f"{function_construct_id(name)}Function")


def statements_of(resources: Resources, name: str) -> list[dict[str, Any]]:
    return policy_statements(resources, function_id(resources, name))


@pytest.mark.parametrize("spec", CONSUMERS, ids=lambda spec: spec.name)
def test_each_consumer_is_a_lambda_fed_by_its_queue_with_partial_batch_failures(
    resources: Resources, spec: ConsumerSpec
) -> None:
    lid = function_id(resources, spec.name)
    props = resources[lid]["Properties"]
    assert props["Handler"] == "app.handler" and props["Runtime"] == "python3.12"
    assert (
        props["Architectures"] == ["arm64"] and props["Timeout"] == CONSUMER_TIMEOUTS[spec.queue].to_seconds()
    )
    queue = one(resources, "AWS::SQS::Queue", QUEUE_IDS[spec.queue])
    [mapping] = [
        res["Properties"]
        for res in of_type(resources, "AWS::Lambda::EventSourceMapping").values()
        if res["Properties"]["FunctionName"] == {"Ref": lid}
    ]
    assert mapping["EventSourceArn"] == {"Fn::GetAtt": [queue, "Arn"]}
    assert mapping["BatchSize"] == spec.batch_size
    assert mapping["FunctionResponseTypes"] == ["ReportBatchItemFailures"]
    # Capped by the event source, not by a reservation (see EnvConfig): dev's figure.
    assert mapping["ScalingConfig"] == {"MaximumConcurrency": 2}
    assert "ReservedConcurrentExecutions" not in props


@pytest.mark.parametrize("queue", sorted(QUEUE_IDS))
def test_each_queue_redrives_to_its_dlq_and_outlasts_its_consumer(resources: Resources, queue: str) -> None:
    lid = one(resources, "AWS::SQS::Queue", QUEUE_IDS[queue])
    props = resources[lid]["Properties"]
    dlq = props["RedrivePolicy"]["deadLetterTargetArn"]["Fn::GetAtt"][0]
    assert props["RedrivePolicy"]["maxReceiveCount"] == MAX_RECEIVE_COUNT
    assert resources[dlq]["Properties"]["QueueName"] == f"{props['QueueName']}-dlq"
    assert resources[dlq]["Properties"]["MessageRetentionPeriod"] == 14 * 24 * 3600
    # Lambda refuses a queue whose visibility timeout is below the function's timeout.
    timeout = CONSUMER_TIMEOUTS[queue].to_seconds()
    assert props["VisibilityTimeout"] == timeout * VISIBILITY_FACTOR >= timeout
    assert props["SqsManagedSseEnabled"] is True


def test_the_report_bucket_is_encrypted_private_and_tls_only(template: Template) -> None:
    template.resource_count_is("AWS::S3::Bucket", 1)
    template.has_resource_properties(
        "AWS::S3::Bucket",
        {
            "BucketEncryption": {
                "ServerSideEncryptionConfiguration": [
                    {"ServerSideEncryptionByDefault": {"SSEAlgorithm": "AES256"}}
                ]
            },
            "PublicAccessBlockConfiguration": {
                "BlockPublicAcls": True,
                "BlockPublicPolicy": True,
                "IgnorePublicAcls": True,
                "RestrictPublicBuckets": True,
            },
        },
    )
    template.has_resource_properties(
        "AWS::S3::BucketPolicy",
        {
            "PolicyDocument": {
                "Statement": Match.array_with(
                    [
                        Match.object_like(
                            {
                                "Effect": "Deny",
                                "Action": "s3:*",
                                "Condition": {"Bool": {"aws:SecureTransport": "false"}},
                            }
                        )
                    ]
                )
            }
        },
    )


def test_uploaded_files_notify_the_upload_queue_which_lets_only_this_bucket_send(
    resources: Resources,
) -> None:
    bucket_id = one(resources, "AWS::S3::Bucket", "DataReportBucket")
    bucket = resources[bucket_id]
    queue = one(resources, "AWS::SQS::Queue", "DataUploadQueue")
    [notification] = bucket["Properties"]["NotificationConfiguration"]["QueueConfigurations"]
    assert notification["Queue"] == {"Fn::GetAtt": [queue, "Arn"]}
    assert notification["Event"] == "s3:ObjectCreated:*"
    assert notification["Filter"]["S3Key"]["Rules"] == [
        {"Name": "prefix", "Value": "uploads/"},
        {"Name": "suffix", "Value": ".jsonl"},
    ]
    policy_id = one(resources, "AWS::SQS::QueuePolicy", "DataUploadQueuePolicy")
    # S3 validates the destination when the configuration is written: the policy must come first.
    assert policy_id in bucket["DependsOn"]
    [allow] = [
        s for s in resources[policy_id]["Properties"]["PolicyDocument"]["Statement"] if s["Effect"] == "Allow"
    ]
    assert allow["Principal"] == {"Service": "s3.amazonaws.com"} and allow["Action"] == "sqs:SendMessage"
    source = json.dumps(allow["Condition"]["ArnEquals"]["aws:SourceArn"])
    assert json.dumps(bucket["Properties"]["BucketName"]["Fn::Join"][1][0])[1:-1] in source
    assert allow["Condition"]["StringEquals"] == {"aws:SourceAccount": {"Ref": "AWS::AccountId"}}


@pytest.mark.parametrize("spec", CONSUMERS, ids=lambda spec: spec.name)
def test_consumers_may_read_and_write_the_table_and_bucket_but_not_delete_objects(
    resources: Resources, spec: ConsumerSpec
) -> None:
    granted = actions(statements_of(resources, spec.name))
    assert {"dynamodb:PutItem", "dynamodb:GetItem", "dynamodb:Query"} <= granted
    assert {"s3:GetObject*", "s3:PutObject", "sqs:ReceiveMessage", "sqs:DeleteMessage"} <= granted
    assert "s3:DeleteObject*" not in granted
