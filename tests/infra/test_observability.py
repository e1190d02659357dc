"""Alarms (5xx rate, p99 latency, errors and throttles per function, DLQ depth, account concurrency),
all sent to the alarm topic, and the dashboard."""

from __future__ import annotations

from typing import Any

from aws_cdk.assertions import Template
from hyperinfer.function_table import CONSUMERS, FUNCTIONS, SCHEDULED
from hyperinfer_infra.config import env_config

from tests.infra.support import Resources, of_type, one


def alarms(resources: Resources) -> dict[str, dict[str, Any]]:
    return {lid: res["Properties"] for lid, res in of_type(resources, "AWS::CloudWatch::Alarm").items()}


def test_every_alarm_notifies_the_topic(resources: Resources) -> None:
    topic = one(resources, "AWS::SNS::Topic", "ObservabilityAlarmTopic")
    found = alarms(resources)
    every = len(FUNCTIONS) + len(CONSUMERS) + len(SCHEDULED)
    # 5xx rate, two latencies, errors and throttles per function, three DLQs, account concurrency.
    assert len(found) == 3 + 2 * every + 3 + 1
    for props in found.values():
        assert props["AlarmActions"] == [{"Ref": topic}]
        assert props["TreatMissingData"] == "notBreaching"


def test_the_5xx_alarm_is_a_rate_of_server_errors_over_requests(resources: Resources) -> None:
    [rate] = [p for p in alarms(resources).values() if "Metrics" in p]
    expression = next(m for m in rate["Metrics"] if "Expression" in m)
    assert expression["Expression"] == "IF(requests > 0, errors / requests, 0)"
    named = {m["Id"]: m["MetricStat"]["Metric"]["MetricName"] for m in rate["Metrics"] if "MetricStat" in m}
    assert named == {"errors": "5XXError", "requests": "Count"}
    assert rate["Threshold"] == env_config("dev").error_rate_threshold


def test_p99_latency_alarms_watch_latency_and_integration_latency(resources: Resources) -> None:
    p99 = {p["MetricName"]: p for p in alarms(resources).values() if p.get("ExtendedStatistic") == "p99"}
    assert set(p99) == {"Latency", "IntegrationLatency"}
    assert all(p["Namespace"] == "AWS/ApiGateway" for p in p99.values())


def test_each_function_alarms_on_errors_and_throttles(resources: Resources) -> None:
    functions = of_type(resources, "AWS::Lambda::Function")
    watched: dict[str, set[str]] = {lid: set() for lid in functions}
    for props in alarms(resources).values():
        if props.get("Namespace") == "AWS/Lambda" and props.get("Dimensions"):
            [dimension] = props["Dimensions"]
            watched[dimension["Value"]["Ref"]].add(props["MetricName"])
            assert props["Threshold"] == 1 and props["ComparisonOperator"] == "GreaterThanOrEqualToThreshold"
    assert all(names == {"Errors", "Throttles"} for names in watched.values()), watched


def test_each_dlq_alarms_on_its_first_parked_message(resources: Resources) -> None:
    dlqs = {lid for lid in of_type(resources, "AWS::SQS::Queue") if "DeadLetter" in lid}
    assert len(dlqs) == 3  # reports, upload events, batch work
    watched = set()
    for props in alarms(resources).values():
        if props.get("MetricName") == "ApproximateNumberOfMessagesVisible":
            [dimension] = props["Dimensions"]
            watched.add(dimension["Value"]["Fn::GetAtt"][0])
            assert props["Threshold"] == 0 and props["ComparisonOperator"] == "GreaterThanThreshold"
    assert watched == dlqs


def test_account_concurrency_alarms_below_the_limit(resources: Resources) -> None:
    [props] = [p for p in alarms(resources).values() if p.get("MetricName") == "ConcurrentExecutions"]
    assert "Dimensions" not in props  # the account's pool, shared by every function
    config = env_config("dev")
    assert props["Threshold"] == config.account_concurrency_limit * config.concurrency_alarm_fraction < 1000


def test_one_dashboard_and_a_tls_only_topic(template: Template, resources: Resources) -> None:
    template.resource_count_is("AWS::CloudWatch::Dashboard", 1)
    [policy] = of_type(resources, "AWS::SNS::TopicPolicy").values()
    [statement] = policy["Properties"]["PolicyDocument"]["Statement"]
    assert statement["Effect"] == "Deny" and statement["Condition"] == {
        "Bool": {"aws:SecureTransport": "false"}
    }
