"""Stateful resources: the single DynamoDB table and the report queue with its dead-letter queue."""

from __future__ import annotations

from aws_cdk import Duration
from aws_cdk import aws_dynamodb as dynamodb
from aws_cdk import aws_sqs as sqs
from constructs import Construct
from hyperinfer.accounts import schema

from hyperinfer_infra.config import EnvConfig

# A report that fails this many deliveries is parked in the DLQ instead of blocking the queue.
MAX_RECEIVE_COUNT = 5


def _string_key(name: str) -> dynamodb.Attribute:
    return dynamodb.Attribute(name=name, type=dynamodb.AttributeType.STRING)


class Data(Construct):
    """The table is built from ``hyperinfer.accounts.schema`` so the emulator and AWS agree."""

    def __init__(self, scope: Construct, construct_id: str, *, config: EnvConfig) -> None:
        super().__init__(scope, construct_id)
        self.table = dynamodb.Table(
            self,
            "Table",
            table_name=config.table_name,
            partition_key=_string_key(schema.PARTITION_KEY),
            sort_key=_string_key(schema.SORT_KEY),
            billing_mode=dynamodb.BillingMode.PAY_PER_REQUEST,
            point_in_time_recovery_specification=dynamodb.PointInTimeRecoverySpecification(
                point_in_time_recovery_enabled=True
            ),
            time_to_live_attribute=schema.TTL_ATTRIBUTE,
            removal_policy=config.removal_policy,
        )
        self.table.add_global_secondary_index(
            index_name=schema.GSI1,
            partition_key=_string_key(schema.GSI1_PARTITION_KEY),
            sort_key=_string_key(schema.GSI1_SORT_KEY),
            projection_type=dynamodb.ProjectionType.ALL,
        )

        self.dead_letter_queue = sqs.Queue(
            self,
            "ReportDeadLetterQueue",
            queue_name=f"{config.report_queue_name}-dlq",
            encryption=sqs.QueueEncryption.SQS_MANAGED,
            enforce_ssl=True,
            retention_period=Duration.days(14),  # the maximum: time to inspect and redrive
            removal_policy=config.removal_policy,
        )
        self.report_queue = sqs.Queue(
            self,
            "ReportQueue",
            queue_name=config.report_queue_name,
            encryption=sqs.QueueEncryption.SQS_MANAGED,
            enforce_ssl=True,
            dead_letter_queue=sqs.DeadLetterQueue(
                queue=self.dead_letter_queue, max_receive_count=MAX_RECEIVE_COUNT
            ),
            removal_policy=config.removal_policy,
        )
