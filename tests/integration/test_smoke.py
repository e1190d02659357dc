"""`make smoke`'s script as a user runs it, against `hyperinfer dev` and the fake provider: the
official SDKs on every ingress, plain and streamed; failures named; the URL read from stack outputs."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator

import boto3
import pytest
from hyperinfer.local.emulator import Emulator
from hyperinfer.local.fakes.server import FakeProvider

from tests.integration.conftest import DEV_KEY, Gateway
from tests.support import REPO

SCRIPT = REPO / "scripts" / "smoke.py"
CHECKS = (
    "models",
    "chat.completions",
    "chat.completions stream",
    "responses",
    "responses stream",
    "messages",
    "messages stream",
    "messages.count_tokens",
    "generation",
)
AUTHENTICATED = CHECKS[1:]  # only the catalog is public


def smoke(*args: str, key: str = DEV_KEY, **env: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, str(SCRIPT), *args],
        env={**os.environ, "HYPERINFER_SMOKE_KEY": key, **env},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def verdicts(stdout: str) -> dict[str, str]:
    """check name -> PASS/FAIL, from lines like `PASS  models    0.01 s  17 models`."""
    found = {}
    for line in stdout.splitlines():
        verdict, _, rest = line.partition("  ")
        if verdict in ("PASS", "FAIL"):
            found[rest.split("  ")[0].strip()] = verdict
    return found


def test_every_check_passes_against_the_dev_gateway(gateway: Gateway, fake: FakeProvider) -> None:
    result = smoke("--base-url", gateway.url)
    assert result.returncode == 0, result.stdout + result.stderr
    assert verdicts(result.stdout) == dict.fromkeys(CHECKS, "PASS")
    assert f"all {len(CHECKS)} checks passed" in result.stdout
    # Six generations reached the provider (count_tokens is a local estimate), in both wire formats.
    assert len(fake.calls) == 6
    assert {call["path"] for call in fake.calls} == {"/v1/chat/completions", "/v1/messages"}


def test_a_wrong_key_fails_every_authenticated_check_by_name(gateway: Gateway, fake: FakeProvider) -> None:
    result = smoke("--base-url", gateway.url, key="sk-hi-not-a-key-of-this-gateway")
    assert result.returncode == 1
    assert verdicts(result.stdout) == {"models": "PASS", **dict.fromkeys(AUTHENTICATED, "FAIL")}
    failed_lines = [line for line in result.stdout.splitlines() if line.startswith("FAIL")]
    # Every call was refused as a 401, except the lookup that had no generation id to look up.
    assert all("HTTP 401" in line for line in failed_lines if "generation " not in line)
    assert "8 of 9 checks failed" in result.stdout and ", ".join(AUTHENTICATED) in result.stdout
    assert fake.calls == []


@pytest.fixture
def stack(emulator: Emulator, gateway: Gateway) -> Iterator[dict[str, str]]:
    """A CloudFormation stack in moto whose outputs look like a deployed one's: its custom-domain
    output points at the dev gateway, the stage output at a host that does not resolve."""
    env = {
        "AWS_ENDPOINT_URL": emulator.endpoint_url,
        "AWS_DEFAULT_REGION": "eu-west-1",
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
    }
    template = {
        "Resources": {"Queue": {"Type": "AWS::SQS::Queue"}},
        "Outputs": {
            "TableName": {"Value": "hyperinfer-smoketest"},
            "ReportQueueUrl": {"Value": "https://sqs.eu-west-1.amazonaws.com/1/hyperinfer-reports"},
            "ApiEndpoint4F160690": {"Value": "https://unresolvable.invalid/v1/"},
            "DomainUrl": {"Value": gateway.url},
        },
    }
    cloudformation = boto3.client(
        "cloudformation", endpoint_url=emulator.endpoint_url, region_name="eu-west-1"
    )
    cloudformation.create_stack(StackName="HyperInfer-smoketest", TemplateBody=json.dumps(template))
    yield env
    cloudformation.delete_stack(StackName="HyperInfer-smoketest")


def test_env_reads_the_custom_domain_url_from_the_stack_outputs(
    stack: dict[str, str], gateway: Gateway
) -> None:
    result = smoke("--env", "smoketest", **stack)
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.startswith(f"smoke checks against {gateway.url} ")
    # --endpoint stage takes the stage URL output instead: here a host that does not exist.
    staged = smoke("--env", "smoketest", "--endpoint", "stage", **stack)
    assert staged.returncode == 1
    assert staged.stdout.startswith("smoke checks against https://unresolvable.invalid/v1 ")
    assert verdicts(staged.stdout)["models"] == "FAIL"


def test_setup_errors_exit_2_before_any_check(stack: dict[str, str], gateway: Gateway) -> None:
    missing_key = smoke("--base-url", gateway.url, key="")
    assert missing_key.returncode == 2 and "HYPERINFER_SMOKE_KEY" in missing_key.stderr
    no_stack = smoke("--env", "nowhere", **stack)
    assert no_stack.returncode == 2 and "cannot read stack HyperInfer-nowhere" in no_stack.stderr
    assert verdicts(missing_key.stdout + no_stack.stdout) == {}


def test_a_model_without_a_provider_key_fails_only_the_checks_that_use_it(
    gateway: Gateway, fake: FakeProvider
) -> None:
    # test/unkeyed is in the catalog, but its provider's key variable is unset: 502 provider_auth.
    result = smoke("--base-url", gateway.url, SMOKE_MODEL="test/unkeyed")
    assert result.returncode == 1
    openai_checks = ("chat.completions", "chat.completions stream", "responses", "responses stream")
    assert verdicts(result.stdout) == {
        **dict.fromkeys(CHECKS, "PASS"),
        **dict.fromkeys((*openai_checks, "generation"), "FAIL"),
    }
    failed = [
        line for line in result.stdout.splitlines() if line.startswith("FAIL") and "generation" not in line
    ]
    assert len(failed) == 4 and all("HTTP 502 provider_auth" in line for line in failed)
    assert {call["path"] for call in fake.calls} == {"/v1/messages"}  # only the Anthropic checks went out
