"""Queue consumers: one Lambda per ``ConsumerSpec``, fed by its SQS queue through an event source
mapping that reports partial batch failures (the handlers answer ``batchItemFailures``)."""

from __future__ import annotations

from collections.abc import Mapping

from aws_cdk import Duration
from aws_cdk import aws_lambda_event_sources as event_sources
from aws_cdk import aws_sqs as sqs
from constructs import Construct
from hyperinfer.function_table import ConsumerSpec

from hyperinfer_infra.lambdas import FunctionKit, invoked_target, python_function

# How long one batch may take, per queue: a report is one transaction; an upload is a whole file
# (up to upload_max_bytes of lines, stored 10 at a time).
CONSUMER_TIMEOUTS: Mapping[str, Duration] = {
    "reports": Duration.seconds(30),
    "report_uploads": Duration.minutes(5),
    # Ten batch requests run at once, each an unstreamed upstream call with its retries: Lambda's
    # longest. HYPERINFER_BATCH_LEASE_SECONDS (900) outlasts it, so a live run is never re-claimed.
    "batches": Duration.minutes(15),
}
# AWS's advice for queues feeding Lambda: a visibility timeout of six times the function's timeout,
# so retries of throttled invocations do not redeliver a batch still being processed.
VISIBILITY_FACTOR = 6


def visibility_timeout(queue: str) -> Duration:
    return Duration.seconds(CONSUMER_TIMEOUTS[queue].to_seconds() * VISIBILITY_FACTOR)


class ConsumerFunction(Construct):
    """The Lambda of one ``ConsumerSpec`` (``functions/<name>/app.handler``) and its event source."""

    def __init__(
        self, scope: Construct, construct_id: str, *, spec: ConsumerSpec, queue: sqs.IQueue, kit: FunctionKit
    ) -> None:
        super().__init__(scope, construct_id)
        self.spec = spec
        config = kit.config
        self.function = python_function(
            self,
            kit,
            name=spec.name,
            description=spec.description,
            handler="app.handler",
            timeout=CONSUMER_TIMEOUTS[spec.queue],
            touches=spec.touches,
            consumes=spec.queue,
        )
        # Also grants the function sqs:ReceiveMessage/DeleteMessage on the queue. The maximum
        # concurrency caps the consumer without reserving any of the account's pool (see EnvConfig):
        # a burst of reports waits in the queue instead of taking the gateway's concurrency.
        self.target = invoked_target(self, self.function, config)
        self.target.add_event_source(
            event_sources.SqsEventSource(
                queue,
                batch_size=spec.batch_size,
                report_batch_item_failures=True,
                max_concurrency=config.consumer_max_concurrency,
            )
        )
