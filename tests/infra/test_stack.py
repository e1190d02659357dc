"""The synthesized dev stack matches ``FUNCTIONS`` and ``hyperinfer.accounts.schema``."""

from __future__ import annotations

import json
from typing import Any

import pytest
from aws_cdk.assertions import Template
from hyperinfer.accounts import schema
from hyperinfer.function_table import CONSUMERS, FUNCTIONS, SCHEDULED, FunctionSpec, InvokeMode
from hyperinfer_infra.functions import WEB_ADAPTER_LAYER
from hyperinfer_infra.stack import function_construct_id

from tests.infra.support import Resources, of_type

STREAMING = [spec for spec in FUNCTIONS if spec.mode is InvokeMode.STREAMING]
BUFFERED = [spec for spec in FUNCTIONS if spec.mode is InvokeMode.BUFFERED]
LWA_ENV = {
    "AWS_LAMBDA_EXEC_WRAPPER": "/opt/bootstrap",
    "AWS_LWA_INVOKE_MODE": "response_stream",
    "PORT": "8080",
}


def function_id(resources: Resources, spec: FunctionSpec) -> str:
    prefix = f"{function_construct_id(spec.name)}Function"
    [lid] = [lid for lid in of_type(resources, "AWS::Lambda::Function") if lid.startswith(prefix)]
    return lid


def function_props(resources: Resources, spec: FunctionSpec) -> dict[str, Any]:
    props: dict[str, Any] = resources[function_id(resources, spec)]["Properties"]
    return props


def shared_layer_id(resources: Resources) -> str:
    [lid] = of_type(resources, "AWS::Lambda::LayerVersion")
    return lid


def resource_path(resources: Resources, lid: str) -> str:
    props = resources[lid]["Properties"]
    parent = props["ParentId"]
    # The root's children point at Fn::GetAtt RootResourceId rather than at a Resource.
    prefix = resource_path(resources, parent["Ref"]) if "Ref" in parent else ""
    return f"{prefix}/{props['PathPart']}"


def method_for(resources: Resources, spec: FunctionSpec) -> dict[str, Any]:
    found: list[dict[str, Any]] = [
        res["Properties"]
        for res in of_type(resources, "AWS::ApiGateway::Method").values()
        if res["Properties"]["HttpMethod"] == spec.method
        and resource_path(resources, res["Properties"]["ResourceId"]["Ref"]) == spec.route
    ]
    assert len(found) == 1, f"{spec.method} {spec.route}: {len(found)} methods"
    return found[0]


def test_one_function_per_spec_on_python312_arm64_with_the_shared_layer(resources: Resources) -> None:
    every = len(FUNCTIONS) + len(CONSUMERS) + len(SCHEDULED)
    assert len(of_type(resources, "AWS::Lambda::Function")) == every
    layer = {"Ref": shared_layer_id(resources)}
    for spec in FUNCTIONS:
        props = function_props(resources, spec)
        assert props["Runtime"] == "python3.12"
        assert props["Architectures"] == ["arm64"]
        assert layer in props["Layers"], spec.name


@pytest.mark.parametrize("spec", [*FUNCTIONS, *CONSUMERS, *SCHEDULED], ids=lambda spec: spec.name)
def test_every_function_configures_powertools_as_its_own_service(resources: Resources, spec: Any) -> None:
    [lid] = [
        lid
        for lid in of_type(resources, "AWS::Lambda::Function")
        if lid.startswith(f"{function_construct_id(spec.name)}Function")
    ]
    props = resources[lid]["Properties"]
    env = props["Environment"]["Variables"]
    assert {k: v for k, v in env.items() if k.startswith("POWERTOOLS_")} == {
        "POWERTOOLS_SERVICE_NAME": spec.name,
        "POWERTOOLS_METRICS_NAMESPACE": "HyperInfer",
        "POWERTOOLS_LOG_LEVEL": "INFO",
        "POWERTOOLS_TRACE_DISABLED": "false",  # dev traces
    }
    assert props["TracingConfig"] == {"Mode": "Active"}
    # Its own log group, kept as long as the environment says.
    group = resources[props["LoggingConfig"]["LogGroup"]["Ref"]]
    assert group["Type"] == "AWS::Logs::LogGroup" and group["Properties"]["RetentionInDays"] == 7


@pytest.mark.parametrize("spec", STREAMING, ids=lambda spec: spec.name)
def test_streaming_function_runs_under_the_web_adapter(resources: Resources, spec: FunctionSpec) -> None:
    props = function_props(resources, spec)
    assert props["Handler"] == "run.sh"
    assert props["Timeout"] == 900
    assert LWA_ENV.items() <= props["Environment"]["Variables"].items()
    layers = json.dumps(props["Layers"])
    assert f":753240598075:layer:{WEB_ADAPTER_LAYER}" in layers
    assert '{"Ref": "AWS::Region"}' in layers  # the stack's region, not a hard-coded one


@pytest.mark.parametrize("spec", BUFFERED, ids=lambda spec: spec.name)
def test_buffered_function_runs_mangum(resources: Resources, spec: FunctionSpec) -> None:
    props = function_props(resources, spec)
    assert props["Handler"] == "app.handler"
    assert props["Timeout"] == 29
    assert "AWS_LAMBDA_EXEC_WRAPPER" not in props["Environment"]["Variables"]
    assert len(props["Layers"]) == 1


@pytest.mark.parametrize("spec", FUNCTIONS, ids=lambda spec: spec.name)
def test_route_is_a_proxy_integration_to_its_function(resources: Resources, spec: FunctionSpec) -> None:
    integration = method_for(resources, spec)["Integration"]
    assert integration["Type"] == "AWS_PROXY"
    uri = json.dumps(integration["Uri"])
    assert json.dumps({"Fn::GetAtt": [function_id(resources, spec), "Arn"]}) in uri
    if spec.mode is InvokeMode.STREAMING:
        assert "/response-streaming-invocations" in uri
        assert integration["ResponseTransferMode"] == "STREAM"
        assert integration["TimeoutInMillis"] == 900_000
    else:
        assert "/invocations" in uri
        assert "response-streaming" not in uri
        assert integration.get("ResponseTransferMode", "BUFFERED") == "BUFFERED"


def test_api_is_regional_with_a_stage_named_after_the_env(template: Template) -> None:
    template.has_resource_properties(
        "AWS::ApiGateway::RestApi", {"EndpointConfiguration": {"Types": ["REGIONAL"]}}
    )
    template.has_resource_properties("AWS::ApiGateway::Stage", {"StageName": "dev"})


def test_table_follows_the_accounts_schema(template: Template) -> None:
    template.resource_count_is("AWS::DynamoDB::Table", 1)
    template.has_resource_properties(
        "AWS::DynamoDB::Table",
        {
            "BillingMode": "PAY_PER_REQUEST",
            "KeySchema": [
                {"AttributeName": schema.PARTITION_KEY, "KeyType": "HASH"},
                {"AttributeName": schema.SORT_KEY, "KeyType": "RANGE"},
            ],
            "GlobalSecondaryIndexes": [
                {
                    "IndexName": schema.GSI1,
                    "KeySchema": [
                        {"AttributeName": schema.GSI1_PARTITION_KEY, "KeyType": "HASH"},
                        {"AttributeName": schema.GSI1_SORT_KEY, "KeyType": "RANGE"},
                    ],
                    "Projection": {"ProjectionType": "ALL"},
                }
            ],
            "TimeToLiveSpecification": {"AttributeName": schema.TTL_ATTRIBUTE, "Enabled": True},
            "PointInTimeRecoverySpecification": {"PointInTimeRecoveryEnabled": True},
        },
    )


def test_report_queue_redrives_to_an_encrypted_dlq(template: Template, resources: Resources) -> None:
    template.resource_count_is("AWS::SQS::Queue", 6)  # reports, upload events, batch work, each with a DLQ
    [dlq] = [lid for lid in of_type(resources, "AWS::SQS::Queue") if lid.startswith("DataReportDeadLetter")]
    template.has_resource_properties(
        "AWS::SQS::Queue",
        {
            "QueueName": "hyperinfer-reports-dev",
            "SqsManagedSseEnabled": True,
            "RedrivePolicy": {"deadLetterTargetArn": {"Fn::GetAtt": [dlq, "Arn"]}, "maxReceiveCount": 5},
        },
    )
    template.has_resource_properties(
        "AWS::SQS::Queue",
        {
            "QueueName": "hyperinfer-reports-dev-dlq",
            "SqsManagedSseEnabled": True,
        },
    )
