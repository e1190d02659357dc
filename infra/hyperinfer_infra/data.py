"""Stateful resources: the single DynamoDB table, the report bucket (reports and batches), and the
three queues (reports, upload events, batch work) with their dead-letter queues."""

from __future__ import annotations

from aws_cdk import Duration, RemovalPolicy, Stack
from aws_cdk import aws_dynamodb as dynamodb
from aws_cdk import aws_iam as iam
from aws_cdk import aws_s3 as s3
from aws_cdk import aws_sqs as sqs
from constructs import Construct
from hyperinfer.accounts import schema
from hyperinfer.reports.layout import INBOUND_PREFIX, UPLOAD_PREFIX, UPLOAD_SUFFIX

from hyperinfer_infra.config import EnvConfig
from hyperinfer_infra.consumers import visibility_timeout
from hyperinfer_infra.nag import acknowledge

# A message that fails this many deliveries is parked in the DLQ instead of blocking the queue.
MAX_RECEIVE_COUNT = 5
# Reports too large for SQS wait under inbound/ for their consumer: longer than a message can live
# (4 days in the queue, then 14 in the DLQ before a redrive).
INBOUND_RETENTION = Duration.days(30)
BATCH_PREFIX = "batches/"
BATCH_RETENTION = Duration.days(29)


def _string_key(name: str) -> dynamodb.Attribute:
    return dynamodb.Attribute(name=name, type=dynamodb.AttributeType.STRING)


def queue_with_dlq(
    scope: Construct, prefix: str, *, name: str, queue: str, removal_policy: RemovalPolicy
) -> tuple[sqs.Queue, sqs.Queue]:
    """An encrypted, TLS-only queue whose consumer is ``queue`` (see ``consumers``), and its DLQ."""
    dead_letter_queue = sqs.Queue(
        scope,
        f"{prefix}DeadLetterQueue",
        queue_name=f"{name}-dlq",
        encryption=sqs.QueueEncryption.SQS_MANAGED,
        enforce_ssl=True,
        retention_period=Duration.days(14),  # the maximum: time to inspect and redrive
        removal_policy=removal_policy,
    )
    main = sqs.Queue(
        scope,
        f"{prefix}Queue",
        queue_name=name,
        encryption=sqs.QueueEncryption.SQS_MANAGED,
        enforce_ssl=True,
        visibility_timeout=visibility_timeout(queue),
        dead_letter_queue=sqs.DeadLetterQueue(queue=dead_letter_queue, max_receive_count=MAX_RECEIVE_COUNT),
        removal_policy=removal_policy,
    )
    return main, dead_letter_queue


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
            deletion_protection=config.deletion_protection,
            removal_policy=config.removal_policy,
        )
        self.table.add_global_secondary_index(
            index_name=schema.GSI1,
            partition_key=_string_key(schema.GSI1_PARTITION_KEY),
            sort_key=_string_key(schema.GSI1_SORT_KEY),
            projection_type=dynamodb.ProjectionType.ALL,
        )
        self.report_queue, self.dead_letter_queue = queue_with_dlq(
            self,
            "Report",
            name=config.report_queue_name,
            queue="reports",
            removal_policy=config.removal_policy,
        )
        self.upload_queue, self.upload_dead_letter_queue = queue_with_dlq(
            self,
            "Upload",
            name=config.upload_queue_name,
            queue="report_uploads",
            removal_policy=config.removal_policy,
        )
        self.batch_queue, self.batch_dead_letter_queue = queue_with_dlq(
            self,
            "Batch",
            name=config.batch_queue_name,
            queue="batches",
            removal_policy=config.removal_policy,
        )
        self.queues = {
            "reports": self.report_queue,
            "report_uploads": self.upload_queue,
            "batches": self.batch_queue,
        }
        self.report_bucket = self._bucket(config)

    def _bucket(self, config: EnvConfig) -> s3.Bucket:
        stack = Stack.of(self)
        name = config.report_bucket_name(stack.account, stack.region)
        bucket = s3.Bucket(
            self,
            "ReportBucket",
            bucket_name=name,
            encryption=s3.BucketEncryption.S3_MANAGED,
            block_public_access=s3.BlockPublicAccess.BLOCK_ALL,
            object_ownership=s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
            enforce_ssl=True,
            lifecycle_rules=[
                s3.LifecycleRule(prefix=INBOUND_PREFIX, expiration=INBOUND_RETENTION),
                # Batch requests, results and files are kept 29 days after creation (as Anthropic
                # keeps results); their table items expire by TTL at the same age.
                s3.LifecycleRule(prefix=BATCH_PREFIX, expiration=BATCH_RETENTION),
                s3.LifecycleRule(abort_incomplete_multipart_upload_after=Duration.days(1)),
            ],
            removal_policy=config.removal_policy,
        )
        acknowledge(
            bucket,
            {
                "AwsSolutions-S1": "Every write is a presigned upload or a function's put, both traced "
                "per request in the functions' logs; server access logs would need a second bucket."
            },
        )
        # Uploaded files' object-created events go to the upload queue. Set on the CfnBucket, not
        # through add_event_notification (which deploys a custom-resource Lambda): S3 checks the
        # queue's policy when the configuration is written, so the policy names the bucket by its
        # ARN string (no reference, no cycle) and the bucket waits for the policy.
        allowed = self.upload_queue.add_to_resource_policy(
            iam.PolicyStatement(
                principals=[iam.ServicePrincipal("s3.amazonaws.com")],
                actions=["sqs:SendMessage"],
                resources=[self.upload_queue.queue_arn],
                conditions={
                    "ArnEquals": {"aws:SourceArn": f"arn:{stack.partition}:s3:::{name}"},
                    "StringEquals": {"aws:SourceAccount": stack.account},
                },
            )
        )
        cfn_bucket = bucket.node.default_child
        assert isinstance(cfn_bucket, s3.CfnBucket)
        rules = [
            s3.CfnBucket.FilterRuleProperty(name="prefix", value=UPLOAD_PREFIX),
            s3.CfnBucket.FilterRuleProperty(name="suffix", value=UPLOAD_SUFFIX),
        ]
        cfn_bucket.notification_configuration = s3.CfnBucket.NotificationConfigurationProperty(
            queue_configurations=[
                s3.CfnBucket.QueueConfigurationProperty(
                    event="s3:ObjectCreated:*",
                    queue=self.upload_queue.queue_arn,
                    filter=s3.CfnBucket.NotificationFilterProperty(
                        s3_key=s3.CfnBucket.S3KeyFilterProperty(rules=rules)
                    ),
                )
            ]
        )
        assert allowed.policy_dependable is not None
        cfn_bucket.node.add_dependency(allowed.policy_dependable)
        return bucket
