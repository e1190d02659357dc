"""Queue consumers: one Lambda per ``ConsumerSpec``, fed by its SQS queue through an event source
mapping that reports partial batch failures (the handlers answer ``batchItemFailures``)."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

from aws_cdk import Duration
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_lambda_event_sources as event_sources
from aws_cdk import aws_logs as logs
from aws_cdk import aws_sqs as sqs
from constructs import Construct
from hyperinfer.function_table import ConsumerSpec

from hyperinfer_infra.config import EnvConfig

# How long one batch may take, per queue: a report is one transaction; an upload is a whole file
# (up to upload_max_bytes of lines, stored 10 at a time).
CONSUMER_TIMEOUTS: Mapping[str, Duration] = {
    "reports": Duration.seconds(30),
    "report_uploads": Duration.minutes(5),
}
# AWS's advice for queues feeding Lambda: a visibility timeout of six times the function's timeout,
# so retries of throttled invocations do not redeliver a batch still being processed.
VISIBILITY_FACTOR = 6


def visibility_timeout(queue: str) -> Duration:
    return Duration.seconds(CONSUMER_TIMEOUTS[queue].to_seconds() * VISIBILITY_FACTOR)


class ConsumerFunction(Construct):
    """The Lambda of one ``ConsumerSpec`` (``functions/<name>/app.handler``) and its event source."""

    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        spec: ConsumerSpec,
        queue: sqs.IQueue,
        code_dir: Path,
        layer: lambda_.ILayerVersion,
        environment: Mapping[str, str],
        config: EnvConfig,
    ) -> None:
        super().__init__(scope, construct_id)
        self.spec = spec
        log_group = logs.LogGroup(
            self, "Logs", retention=config.log_retention, removal_policy=config.removal_policy
        )
        self.function = lambda_.Function(
            self,
            "Function",
            description=spec.description or spec.name,
            runtime=lambda_.Runtime.PYTHON_3_12,
            architecture=lambda_.Architecture.ARM_64,
            code=lambda_.Code.from_asset(str(code_dir), exclude=["__pycache__", "*.pyc"]),
            handler="app.handler",
            layers=[layer],
            memory_size=config.memory_size,
            timeout=CONSUMER_TIMEOUTS[spec.queue],
            environment=dict(environment),
            log_group=log_group,
            tracing=lambda_.Tracing.ACTIVE,
        )
        # Also grants the function sqs:ReceiveMessage/DeleteMessage on the queue.
        self.function.add_event_source(
            event_sources.SqsEventSource(queue, batch_size=spec.batch_size, report_batch_item_failures=True)
        )
