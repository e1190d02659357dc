"""Alarms to one SNS topic (e-mail subscriptions from the environment's settings) and one dashboard:
API 5xx rate, p99 latencies, each function's errors and throttles, each DLQ's depth and the account's
concurrency against its limit."""

from __future__ import annotations

from collections.abc import Sequence

from aws_cdk import Duration
from aws_cdk import aws_apigateway as apigateway
from aws_cdk import aws_cloudwatch as cloudwatch
from aws_cdk import aws_cloudwatch_actions as actions
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_sns as sns
from aws_cdk import aws_sns_subscriptions as subscriptions
from aws_cdk import aws_sqs as sqs
from constructs import Construct

from hyperinfer_infra.config import EnvConfig

PERIOD = Duration.minutes(5)
GREATER = cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD
AT_LEAST = cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD


class Observability(Construct):
    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        config: EnvConfig,
        rest_api: apigateway.RestApi,
        functions: Sequence[tuple[str, lambda_.Function]],
        dead_letter_queues: Sequence[tuple[str, sqs.IQueue]],
    ) -> None:
        super().__init__(scope, construct_id)
        self.topic = sns.Topic(
            self, "AlarmTopic", display_name=f"HyperInfer {config.name} alarms", enforce_ssl=True
        )
        for email in config.alarm_email_list:
            self.topic.add_subscription(subscriptions.EmailSubscription(email))
        self._action = actions.SnsAction(self.topic)
        self.alarms: list[cloudwatch.Alarm] = []

        requests = rest_api.metric_count(period=PERIOD, statistic="Sum")
        server_errors = rest_api.metric_server_error(period=PERIOD, statistic="Sum")
        error_rate = cloudwatch.MathExpression(
            expression="IF(requests > 0, errors / requests, 0)",
            using_metrics={"errors": server_errors, "requests": requests},
            label="5xx rate",
            period=PERIOD,
        )
        self._alarm("Api5xxRate", error_rate, config.error_rate_threshold, "API 5xx responses / requests")
        latency = rest_api.metric_latency(period=PERIOD, statistic="p99")
        integration = rest_api.metric_integration_latency(period=PERIOD, statistic="p99")
        self._alarm("ApiLatencyP99", latency, config.p99_latency_ms, "API Latency p99 (ms)")
        self._alarm(
            "ApiIntegrationLatencyP99",
            integration,
            config.p99_integration_latency_ms,
            "API IntegrationLatency p99 (ms)",
        )
        for name, function in functions:
            errors = function.metric_errors(period=PERIOD, statistic="Sum")
            throttles = function.metric_throttles(period=PERIOD, statistic="Sum")
            self._alarm(f"{name}Errors", errors, 1, f"{name}: invocation errors", AT_LEAST)
            self._alarm(f"{name}Throttles", throttles, 1, f"{name}: throttled invocations", AT_LEAST)
        for name, queue in dead_letter_queues:
            depth = queue.metric_approximate_number_of_messages_visible(period=PERIOD, statistic="Maximum")
            self._alarm(f"{name}DlqDepth", depth, 0, f"{name}: messages parked in the DLQ", GREATER)
        # Account-wide (no dimension): every function of the account draws from the same pool.
        concurrency = cloudwatch.Metric(
            namespace="AWS/Lambda", metric_name="ConcurrentExecutions", period=PERIOD, statistic="Maximum"
        )
        near_limit = config.account_concurrency_limit * config.concurrency_alarm_fraction
        self._alarm(
            "AccountConcurrency", concurrency, near_limit, "Lambda concurrency near the account limit"
        )

        self.dashboard = cloudwatch.Dashboard(self, "Dashboard", dashboard_name=f"HyperInfer-{config.name}")
        self.dashboard.add_widgets(
            cloudwatch.GraphWidget(
                title="Requests and 5xx", left=[requests, server_errors], right=[error_rate]
            ),
            cloudwatch.GraphWidget(title="Latency p99 (ms)", left=[latency, integration]),
            cloudwatch.GraphWidget(title="Lambda concurrency (account)", left=[concurrency]),
        )
        self.dashboard.add_widgets(
            cloudwatch.GraphWidget(
                title="Function errors", left=[f.metric_errors(period=PERIOD) for _, f in functions], width=12
            ),
            cloudwatch.GraphWidget(
                title="Function throttles",
                left=[f.metric_throttles(period=PERIOD) for _, f in functions],
                width=12,
            ),
        )
        self.dashboard.add_widgets(
            cloudwatch.GraphWidget(
                title="DLQ depth",
                left=[
                    q.metric_approximate_number_of_messages_visible(period=PERIOD)
                    for _, q in dead_letter_queues
                ],
            ),
            cloudwatch.AlarmStatusWidget(title="Alarms", alarms=self.alarms, width=16),
        )

    def _alarm(
        self,
        construct_id: str,
        metric: cloudwatch.IMetric,
        threshold: float,
        description: str,
        comparison: cloudwatch.ComparisonOperator = GREATER,
    ) -> None:
        alarm = cloudwatch.Alarm(
            self,
            construct_id,
            metric=metric,
            threshold=threshold,
            evaluation_periods=1,
            comparison_operator=comparison,
            alarm_description=description,
            # No traffic is not an outage: a quiet API must not page anyone.
            treat_missing_data=cloudwatch.TreatMissingData.NOT_BREACHING,
        )
        alarm.add_alarm_action(self._action)
        self.alarms.append(alarm)
