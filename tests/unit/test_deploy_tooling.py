"""`make deploy` / `make smoke` wiring and how the smoke script picks a URL among stack outputs."""

from __future__ import annotations

import os
import subprocess

import pytest

from scripts.smoke import SetupError, pick_url
from tests.support import REPO

# As a deployed stack reports them: CDK names the RestApi's stage URL output <id>Endpoint<hash>.
OUTPUTS = {
    "TableName": "hyperinfer-prod",
    "ReportQueueUrl": "https://sqs.eu-west-1.amazonaws.com/123456789012/hyperinfer-reports-prod",
    "ApiEndpoint4F160690": "https://abc123.execute-api.eu-west-1.amazonaws.com/v1/",
    "DomainUrl": "https://api.example.com",
}


def make_dry_run(*args: str) -> list[str]:
    """The commands `make` would run, without running them."""
    # Under `make test` this is a sub-make: without its parent's variables it prints no
    # "Entering/Leaving directory" lines around the commands.
    env = {k: v for k, v in os.environ.items() if k not in {"MAKELEVEL", "MAKEFLAGS", "MFLAGS"}}
    done = subprocess.run(
        ["make", "--no-print-directory", "-n", *args],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        check=True,
        timeout=30,
    )
    return done.stdout.splitlines()


def test_pick_url_takes_the_domain_else_the_stage_never_another_url_output() -> None:
    assert pick_url(OUTPUTS, "domain") == "https://api.example.com"
    assert pick_url(OUTPUTS, "stage") == "https://abc123.execute-api.eu-west-1.amazonaws.com/v1"
    assert pick_url(OUTPUTS, "auto") == "https://api.example.com"
    without_domain = {k: v for k, v in OUTPUTS.items() if k != "DomainUrl"}
    assert pick_url(without_domain, "auto") == "https://abc123.execute-api.eu-west-1.amazonaws.com/v1"
    with pytest.raises(SetupError, match="no domain URL among the stack outputs: ApiEndpoint"):
        pick_url(without_domain, "domain")
    with pytest.raises(SetupError, match="several stage URL outputs"):
        pick_url({**OUTPUTS, "OtherEndpoint": "https://x.example.com"}, "stage")
    with pytest.raises(SetupError, match="no stage URL among the stack outputs: ReportQueueUrl, TableName"):
        pick_url({"TableName": "t", "ReportQueueUrl": OUTPUTS["ReportQueueUrl"]}, "auto")


def test_deploy_builds_the_layer_then_deploys_that_environment_with_approval_outside_dev() -> None:
    prod = make_dry_run("deploy", "ENV=prod", "CDK_ARGS=-c domain_name=api.example.com")
    layer = prod.index(".venv/bin/python scripts/build_layer.py --arch arm64")  # what Lambda runs
    [deploy] = [i for i, line in enumerate(prod) if line.startswith("npx cdk deploy")]
    assert layer < deploy
    assert prod[deploy].split() == [
        "npx", "cdk", "deploy", "HyperInfer-prod", "-c", "env=prod", "-c", "domain_name=api.example.com"
    ]  # fmt: skip
    [dev_deploy] = [line for line in make_dry_run("deploy", "ENV=dev") if line.startswith("npx cdk")]
    assert dev_deploy.split()[3:] == ["HyperInfer-dev", "-c", "env=dev", "--require-approval", "never"]


def test_smoke_reads_the_stack_of_env_unless_given_a_base_url() -> None:
    assert make_dry_run("smoke", "ENV=staging")[-1] == ".venv/bin/python scripts/smoke.py --env staging"
    assert (
        make_dry_run("smoke", "BASE_URL=https://api.example.com")[-1]
        == ".venv/bin/python scripts/smoke.py --base-url https://api.example.com"
    )
