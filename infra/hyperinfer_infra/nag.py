"""cdk-nag 3 (AwsSolutions): registered as a CDK policy-validation plugin, and acknowledgements that
each name one construct and carry a reason (none stack-wide)."""

from __future__ import annotations

from collections.abc import Mapping

from aws_cdk import Acknowledgment, App, CfnResource, Stack, Validations
from cdk_nag import AwsSolutionsChecks
from constructs import IConstruct

# Findings every Lambda of the stack raises, and why each is accepted.
BASIC_EXECUTION_ROLE = "arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole"
FUNCTION_RULES: dict[str, str] = {
    f"AwsSolutions-IAM4[Policy::{BASIC_EXECUTION_ROLE}]": "AWS's managed policy for a function's own "
    "logs: log stream creation and writes, nothing else.",
    "AwsSolutions-L1": "python3.12 is the runtime the issue fixes; the layer's wheels and bytecode are "
    "built for cp312, so a newer runtime is a deliberate change of both.",
}
TRACING_RULES: dict[str, str] = {
    "AwsSolutions-IAM5[Resource::*]": "X-Ray's PutTraceSegments and PutTelemetryRecords take no "
    "resource-level permissions; added by active tracing.",
}


def acknowledge(construct: IConstruct, rules: Mapping[str, str]) -> None:
    """Acknowledge each rule id (or ``RuleId[Finding]``) on this construct, with its reason."""
    Validations.of(construct).acknowledge(
        *(Acknowledgment(id=rule, reason=reason) for rule, reason in rules.items())
    )


def add_checks(app: App) -> AwsSolutionsChecks:
    """Synthesis then reports every unacknowledged AwsSolutions finding (and fails on errors)."""
    checks = AwsSolutionsChecks(app)
    Validations.of(app).add_plugins(checks)
    return checks


def logical_id(resource: IConstruct) -> str:
    """The resource's logical id as cdk-nag writes it in a finding (``<Id.Arn>``)."""
    default = resource.node.default_child
    assert isinstance(default, CfnResource)
    stack = Stack.of(resource)
    resolved: str = stack.resolve(stack.get_logical_id(default))
    return resolved


def table_rules(table: IConstruct) -> dict[str, str]:
    return {
        f"AwsSolutions-IAM5[Resource::<{logical_id(table)}.Arn>/index/*]": "grant_read_data and "
        "grant_read_write_data cover "
        "the table's indexes, of which there is one (gsi1): open reservations, keys by workspace."
    }


def bucket_rules(bucket: IConstruct) -> dict[str, str]:
    reason = (
        "grant_read/grant_put on the report bucket: objects are keyed by workspace and upload at run time, "
        "so the grant spans the bucket's objects; CDK groups the read and multipart actions."
    )
    findings = ["Action::s3:Abort*", "Action::s3:GetBucket*", "Action::s3:GetObject*", "Action::s3:List*"]
    findings.append(f"Resource::<{logical_id(bucket)}.Arn>/*")
    return {f"AwsSolutions-IAM5[{finding}]": reason for finding in findings}
