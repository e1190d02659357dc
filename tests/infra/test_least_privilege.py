"""Least privilege, one synth assertion per function: its role's policy reaches exactly the
resources written below, at exactly the level written below, and its environment names exactly
those resources. The expectations are spelt out here rather than read from the function table, so
a spec that starts touching more fails this test until someone agrees to it here too."""

from __future__ import annotations

import json
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

import pytest

from tests.infra.support import Resources, of_type, one, policy_statements
from tests.support import ALL_SPECS

RW, R, W, DESCRIBE, CONSUME = "read_write", "read", "write", "describe", "consume"
CONSUME_AND_SEND = "consume_and_send"  # the batch consumer: its own queue's messages, and new ones


@dataclass(frozen=True)
class Expect:
    table: str | None = None
    reports_queue: str | None = None
    uploads_queue: str | None = None
    batches_queue: str | None = None
    bucket: str | None = None
    secrets: frozenset[str] = field(default_factory=frozenset)
    bedrock: bool = False  # invokes the catalog's Bedrock models (the functions calling providers)


PROVIDER_KEYS, INTERNAL_TOKEN = "provider_keys", "internal_token"
GENERATE = Expect(table=RW, secrets=frozenset({PROVIDER_KEYS}), bedrock=True)
REPORT_INTAKE = Expect(table=R, reports_queue=W, bucket=W)
EXPECTED: dict[str, Expect] = {
    "chat_completions": GENERATE,
    "responses": GENERATE,
    "messages": GENERATE,
    "messages_count_tokens": Expect(table=R),
    "generation": Expect(table=R),
    "playground_keys": Expect(table=RW, secrets=frozenset({INTERNAL_TOKEN})),
    "report": REPORT_INTAKE,
    "report_anthropic": REPORT_INTAKE,
    "report_uploads": Expect(table=RW, bucket=W),
    "report_upload_status": Expect(table=R, bucket=R),
    "reports": Expect(table=R, bucket=R),
    "models": Expect(),
    "healthz": Expect(),
    "openapi": Expect(),
    "readyz": Expect(table=DESCRIBE, reports_queue=DESCRIBE),
    "report_ingest": Expect(table=RW, reports_queue=CONSUME, bucket=RW),
    "report_uploads_ingest": Expect(table=RW, uploads_queue=CONSUME, bucket=RW),
    "sweep": Expect(table=RW),
    **{
        name: Expect(table=RW, bucket=RW)
        for name in (
            "message_batches_list",
            "message_batch",
            "message_batch_cancel",
            "message_batch_delete",
            "message_batch_results",
            "batches_list",
            "batch",
            "batch_cancel",
            "files_create",
            "file",
            "file_content",
        )
    },
    "message_batches_create": Expect(table=RW, bucket=RW, batches_queue=W),
    "batches_create": Expect(table=RW, bucket=RW, batches_queue=W),
    "batch_run": Expect(
        table=RW, bucket=RW, batches_queue=CONSUME_AND_SEND, secrets=frozenset({PROVIDER_KEYS}), bedrock=True
    ),
}
TABLE_WRITES = {"dynamodb:PutItem", "dynamodb:DeleteItem", "dynamodb:BatchWriteItem", "dynamodb:UpdateItem"}
TABLE_READS = {"dynamodb:GetItem", "dynamodb:Query"}
CONSUMING = {"sqs:ReceiveMessage", "sqs:DeleteMessage"}
TRACING = {"xray:PutTraceSegments", "xray:PutTelemetryRecords"}
BEDROCK = {"bedrock:InvokeModel", "bedrock:InvokeModelWithResponseStream"}


def test_every_function_has_an_expectation() -> None:
    assert {spec.name for spec in ALL_SPECS} == set(EXPECTED)


def resource_ids(resources: Resources) -> dict[str, str]:
    return {
        "table": one(resources, "AWS::DynamoDB::Table", "DataTable"),
        "reports_queue": one(resources, "AWS::SQS::Queue", "DataReportQueue"),
        "uploads_queue": one(resources, "AWS::SQS::Queue", "DataUploadQueue"),
        "batches_queue": one(resources, "AWS::SQS::Queue", "DataBatchQueue"),
        "bucket": one(resources, "AWS::S3::Bucket", "DataReportBucket"),
        PROVIDER_KEYS: one(resources, "AWS::SecretsManager::Secret", "SecretsProviderKeys"),
        INTERNAL_TOKEN: one(resources, "AWS::SecretsManager::Secret", "SecretsInternalToken"),
    }


def granted(resources: Resources, function: str) -> tuple[dict[str, set[str]], list[dict[str, Any]]]:
    """Resource name -> actions allowed on it ("*" for resource-less actions), and the statements."""
    ids = resource_ids(resources)
    statements = policy_statements(resources, function)
    reach: dict[str, set[str]] = defaultdict(set)
    for statement in statements:
        assert statement["Effect"] == "Allow"
        action = statement["Action"]
        allowed = {action} if isinstance(action, str) else set(action)
        text = json.dumps(statement["Resource"])
        names = [name for name, lid in ids.items() if f'"{lid}"' in text] or ["*"]
        for name in names:
            reach[name] |= allowed
    return reach, statements


def function_lid(resources: Resources, name: str) -> str:
    prefix = "".join(part.capitalize() for part in name.split("_")) + "Function"
    [lid] = [lid for lid in of_type(resources, "AWS::Lambda::Function") if lid.startswith(prefix)]
    return lid


def check_table(reach: dict[str, set[str]], statements: list[dict[str, Any]], level: str | None) -> None:
    actions = reach.get("table", set())
    if level is None:
        assert not actions
    elif level == DESCRIBE:
        assert actions == {"dynamodb:DescribeTable"}
    elif level == R:
        assert actions >= TABLE_READS and not (actions & (TABLE_WRITES - {"dynamodb:UpdateItem"}))
        # The one write a reader has: consuming a one-time key, conditioned on key items only.
        [update] = [s for s in statements if "dynamodb:UpdateItem" in json.dumps(s["Action"])]
        assert update["Action"] == "dynamodb:UpdateItem"
        assert update["Condition"] == {"ForAllValues:StringLike": {"dynamodb:LeadingKeys": ["KEY#*"]}}
    else:
        assert level == RW and actions >= TABLE_READS | TABLE_WRITES


def check_queue(actions: set[str], level: str | None) -> None:
    if level is None:
        assert not actions
    elif level == DESCRIBE:
        assert actions == {"sqs:GetQueueUrl"}
    elif level == W:
        assert "sqs:SendMessage" in actions and not actions & CONSUMING
    elif level == CONSUME_AND_SEND:
        assert actions >= CONSUMING | {"sqs:SendMessage"}
    else:
        assert level == CONSUME and actions >= CONSUMING and "sqs:SendMessage" not in actions


def check_bucket(actions: set[str], level: str | None) -> None:
    assert "s3:DeleteObject*" not in actions  # nothing of ours deletes objects; lifecycle rules do
    reads, puts = "s3:GetObject*" in actions, "s3:PutObject" in actions
    expected = {None: (False, False), R: (True, False), W: (False, True), RW: (True, True)}[level]
    assert (reads, puts) == expected
    if level is None:
        assert not actions


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_the_function_policy_reaches_exactly_what_it_touches(resources: Resources, name: str) -> None:
    expect = EXPECTED[name]
    reach, statements = granted(resources, function_lid(resources, name))
    check_table(reach, statements, expect.table)
    check_queue(reach.get("reports_queue", set()), expect.reports_queue)
    check_queue(reach.get("uploads_queue", set()), expect.uploads_queue)
    check_queue(reach.get("batches_queue", set()), expect.batches_queue)
    check_bucket(reach.get("bucket", set()), expect.bucket)
    readable = {secret for secret in (PROVIDER_KEYS, INTERNAL_TOKEN) if secret in reach}
    assert readable == expect.secrets
    for secret in readable:
        assert reach[secret] == {"secretsmanager:GetSecretValue", "secretsmanager:DescribeSecret"}
    # Whatever names none of the stack's resources: tracing's (X-Ray takes no resource-level
    # permissions) and, for the functions calling providers, the catalog's Bedrock models.
    elsewhere = reach.get("*", set())
    assert elsewhere - TRACING == (BEDROCK if expect.bedrock else set())


VARIABLES = {
    "table": "HYPERINFER_TABLE_NAME",
    "reports_queue": "HYPERINFER_REPORT_QUEUE_NAME",
    "uploads_queue": "HYPERINFER_UPLOAD_QUEUE_NAME",
    "bucket": "HYPERINFER_REPORT_BUCKET_NAME",
    PROVIDER_KEYS: "HYPERINFER_PROVIDER_KEYS_SECRET",
    INTERNAL_TOKEN: "HYPERINFER_INTERNAL_TOKEN_SECRET",
}


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_the_function_is_told_the_names_of_exactly_what_it_touches(resources: Resources, name: str) -> None:
    expect = EXPECTED[name]
    ids = resource_ids(resources)
    touched = {key for key in ("table", "reports_queue", "uploads_queue", "bucket") if getattr(expect, key)}
    touched |= expect.secrets
    env = resources[function_lid(resources, name)]["Properties"]["Environment"]["Variables"]
    assert {key for key, variable in VARIABLES.items() if variable in env} == touched
    for key in touched:
        assert f'"{ids[key]}"' in json.dumps(env[VARIABLES[key]]), key
    assert env["HYPERINFER_PROVIDERS_FILE"] == "/opt/providers.json"
