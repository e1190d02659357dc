"""Least privilege: each function gets exactly what its spec's ``Touches`` names (the table, the
queues, the bucket, the secrets), through the constructs' grant_* helpers, and the environment
variables naming those resources and no others (``hyperinfer.deployment``). A function that touches
nothing (healthz, openapi, models) gets no data access and no resource names at all."""

from __future__ import annotations

from typing import TYPE_CHECKING

from aws_cdk import aws_iam as iam
from aws_cdk import aws_lambda as lambda_
from hyperinfer.deployment import BUCKET_VARIABLE, QUEUE_VARIABLES, TABLE_VARIABLE, variables
from hyperinfer.function_table import Access, Queue, Touches

from hyperinfer_infra.nag import acknowledge, bucket_rules, table_rules

if TYPE_CHECKING:  # data.py imports the consumers, which import this module
    from hyperinfer_infra.data import Data
    from hyperinfer_infra.secrets import Secrets

# Items a one-time key lives in (``accounts.store.key_for_hash``): the one write a reader may make.
KEY_ITEMS = "KEY#*"


def resource_environment(
    data: Data, secrets: Secrets, touches: Touches, consumes: Queue | None = None
) -> dict[str, str]:
    """The variables ``hyperinfer.deployment`` requires of this function on Lambda, set."""
    values = {
        TABLE_VARIABLE: data.table.table_name,
        BUCKET_VARIABLE: data.report_bucket.bucket_name,
        **{QUEUE_VARIABLES[queue]: data.queues[queue].queue_name for queue in Queue},
        **secrets.environment(touches.secrets),
    }
    return {variable: values[variable] for variable in variables(touches, consumes)}


def grant(function: lambda_.Function, data: Data, secrets: Secrets, touches: Touches) -> None:
    _grant_table(function, data, touches.table)
    for queue, access in touches.queues:
        _grant_queue(function, data, queue, access)
    _grant_bucket(function, data, touches.bucket)
    secrets.grant_read(function, touches.secrets)


def _grant_table(function: lambda_.Function, data: Data, access: Access | None) -> None:
    table = data.table
    if access is None:
        return
    if access is Access.DESCRIBE:
        # Not table.grant, which adds the indexes (a wildcard) that DescribeTable does not need.
        function.add_to_role_policy(
            iam.PolicyStatement(actions=["dynamodb:DescribeTable"], resources=[table.table_arn])
        )
        return
    if access is Access.READ:
        table.grant_read_data(function)
        # An authenticated request may present a one-time key, consumed on first use: UpdateItem,
        # and only of items whose partition key is a key's (the condition keeps balances, records
        # and every other item read-only).
        function.add_to_role_policy(
            iam.PolicyStatement(
                actions=["dynamodb:UpdateItem"],
                resources=[table.table_arn],
                conditions={"ForAllValues:StringLike": {"dynamodb:LeadingKeys": [KEY_ITEMS]}},
            )
        )
    elif access is Access.WRITE:
        table.grant_write_data(function)
    else:
        table.grant_read_write_data(function)
    acknowledge(function, table_rules(table))


def _grant_queue(function: lambda_.Function, data: Data, queue: Queue, access: Access) -> None:
    resource = data.queues[queue]
    if access is Access.DESCRIBE:
        resource.grant(function, "sqs:GetQueueUrl")
    elif access is Access.WRITE:
        resource.grant_send_messages(function)
    else:  # reading a queue is its consumer's event source, never a function's own call
        raise ValueError(f"queue access {access}: a consumer reads its queue through its event source")


def _grant_bucket(function: lambda_.Function, data: Data, access: Access | None) -> None:
    bucket = data.report_bucket
    if access is None:
        return
    if access in (Access.READ, Access.READ_WRITE):
        bucket.grant_read(function)
    if access in (Access.WRITE, Access.READ_WRITE):
        bucket.grant_put(function)
    if access is Access.DESCRIBE:
        raise ValueError("the bucket has no describe access")
    acknowledge(function, bucket_rules(bucket))
