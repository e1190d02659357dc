"""The scheduled sweep: an EventBridge rule invoking its Lambda, which may touch the table only."""

from __future__ import annotations

from hyperinfer.function_table import SCHEDULED

from tests.infra.support import Resources, actions, of_type, one, policy_statements


def test_the_sweep_runs_on_its_schedule_and_only_eventbridge_may_invoke_it(resources: Resources) -> None:
    [spec] = SCHEDULED
    function = one(resources, "AWS::Lambda::Function", "SweepFunction")
    [rule_id] = of_type(resources, "AWS::Events::Rule")
    rule = resources[rule_id]["Properties"]
    assert rule["ScheduleExpression"] == spec.schedule == "rate(5 minutes)"
    [target] = rule["Targets"]
    assert target["Arn"] == {"Fn::GetAtt": [function, "Arn"]}
    assert target["RetryPolicy"] == {"MaximumRetryAttempts": 0}
    permissions = [
        res["Properties"]
        for res in of_type(resources, "AWS::Lambda::Permission").values()
        if res["Properties"]["FunctionName"] == {"Fn::GetAtt": [function, "Arn"]}
    ]
    assert permissions == [
        {
            "Action": "lambda:InvokeFunction",
            "FunctionName": {"Fn::GetAtt": [function, "Arn"]},
            "Principal": "events.amazonaws.com",
            "SourceArn": {"Fn::GetAtt": [rule_id, "Arn"]},
        }
    ]
    props = resources[function]["Properties"]
    assert props["Handler"] == "app.handler" and props["Timeout"] == 60


def test_the_sweep_may_touch_the_table_and_nothing_else(resources: Resources) -> None:
    function = one(resources, "AWS::Lambda::Function", "SweepFunction")
    granted = actions(policy_statements(resources, function))
    services = {action.split(":")[0] for action in granted}
    assert services == {"dynamodb", "xray"}
    # Settling is a transaction of updates, conditions and a put, found by a query of the index.
    assert {
        "dynamodb:Query",
        "dynamodb:UpdateItem",
        "dynamodb:PutItem",
        "dynamodb:ConditionCheckItem",
    } <= granted
