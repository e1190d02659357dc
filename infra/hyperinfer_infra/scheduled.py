"""Scheduled functions: one Lambda per ``ScheduledSpec``, invoked by an EventBridge rule."""

from __future__ import annotations

from aws_cdk import Duration
from aws_cdk import aws_events as events
from aws_cdk import aws_events_targets as targets
from constructs import Construct
from hyperinfer.function_table import ScheduledSpec

from hyperinfer_infra.lambdas import FunctionKit, invoked_target, python_function

# A sweep queries eight partitions and settles what it finds; a minute is ample, and shorter than
# the schedule, so runs never overlap.
SCHEDULED_TIMEOUT = Duration.minutes(1)


class ScheduledFunction(Construct):
    def __init__(self, scope: Construct, construct_id: str, *, spec: ScheduledSpec, kit: FunctionKit) -> None:
        super().__init__(scope, construct_id)
        self.spec = spec
        self.function = python_function(
            self,
            kit,
            name=spec.name,
            description=spec.description,
            handler="app.handler",
            timeout=SCHEDULED_TIMEOUT,
            touches=spec.touches,
            reserved_concurrency=kit.config.sweep_concurrency,
        )
        self.target = invoked_target(self, self.function, kit.config)
        # The target adds the lambda:InvokeFunction permission for events.amazonaws.com on this rule.
        # No retries: the next run (minutes later) finds whatever this one left.
        self.rule = events.Rule(
            self,
            "Schedule",
            description=spec.description,
            schedule=events.Schedule.expression(spec.schedule),
            targets=[targets.LambdaFunction(self.target, retry_attempts=0)],
        )
