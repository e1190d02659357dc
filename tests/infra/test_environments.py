"""What differs per environment: removal policies, deletion protection, retention, concurrency caps,
alarm recipients, the tracer switch and the deploy's `-c` overrides."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable

import pytest
from hyperinfer.function_table import FUNCTIONS, Envelope
from hyperinfer_infra.config import ENVIRONMENTS as CONFIGS
from hyperinfer_infra.config import env_config
from hyperinfer_infra.lambdas import powertools_environment
from hyperinfer_infra.stack import function_construct_id

from tests.infra.conftest import Synth
from tests.infra.support import Resources, of_type, one

STATEFUL = ("AWS::DynamoDB::Table", "AWS::SQS::Queue", "AWS::S3::Bucket", "AWS::SecretsManager::Secret")
RETENTION_DAYS = {"dev": 7, "staging": 30, "prod": 90}


def function_id(resources: Resources, name: str) -> str:
    return one(resources, "AWS::Lambda::Function", f"{function_construct_id(name)}Function")


@pytest.mark.parametrize(("env", "policy"), [("dev", "Delete"), ("staging", "Retain"), ("prod", "Retain")])
def test_data_is_kept_outside_dev(synth: Callable[[str], Synth], env: str, policy: str) -> None:
    resources = synth(env).json["Resources"]
    for kind in (*STATEFUL, "AWS::Logs::LogGroup"):
        for lid, res in of_type(resources, kind).items():
            assert res["DeletionPolicy"] == policy, lid
    [table] = of_type(resources, "AWS::DynamoDB::Table").values()
    assert table["Properties"].get("DeletionProtectionEnabled", False) is (env == "prod")
    groups = of_type(resources, "AWS::Logs::LogGroup").values()
    assert {g["Properties"]["RetentionInDays"] for g in groups} == {RETENTION_DAYS[env]}


@pytest.mark.parametrize("env", ["dev", "staging", "prod"])
def test_reporting_is_capped_so_it_cannot_starve_the_gateway(synth: Callable[[str], Synth], env: str) -> None:
    config = CONFIGS[env]
    resources = synth(env).json["Resources"]
    for spec in FUNCTIONS:
        props = resources[function_id(resources, spec.name)]["Properties"]
        reserved = props.get("ReservedConcurrentExecutions")
        if spec.envelope is Envelope.REPORT:
            assert reserved == config.report_api_concurrency, spec.name
        else:  # the gateway draws on the unreserved pool, which the caps leave to it
            assert reserved is None, spec.name
    for mapping in of_type(resources, "AWS::Lambda::EventSourceMapping").values():
        assert mapping["Properties"]["ScalingConfig"] == {
            "MaximumConcurrency": config.consumer_max_concurrency
        }
    sweep = resources[function_id(resources, "sweep")]["Properties"]
    assert sweep.get("ReservedConcurrentExecutions") == config.sweep_concurrency
    if config.report_api_concurrency is not None:
        reports = sum(1 for spec in FUNCTIONS if spec.envelope is Envelope.REPORT)
        # AWS keeps at least 100 unreserved; a quarter of the default 1000 at most goes to reporting.
        assert reports * config.report_api_concurrency <= config.account_concurrency_limit // 4


@pytest.mark.parametrize("env", ["dev", "staging", "prod"])
def test_alarm_emails_subscribe_to_the_topic(synth: Callable[[str], Synth], env: str) -> None:
    resources = synth(env).json["Resources"]
    subscriptions = of_type(resources, "AWS::SNS::Subscription").values()
    emails = sorted(
        s["Properties"]["Endpoint"] for s in subscriptions if s["Properties"]["Protocol"] == "email"
    )
    assert emails == sorted(CONFIGS[env].alarm_email_list)
    assert bool(emails) is (env != "dev")


def test_the_tracer_switch_sets_powertools_and_nothing_else() -> None:
    traced = powertools_environment("models", env_config("prod"))
    quiet = powertools_environment("models", dataclasses.replace(env_config("prod"), tracer_enabled=False))
    assert traced["POWERTOOLS_TRACE_DISABLED"] == "false" and quiet["POWERTOOLS_TRACE_DISABLED"] == "true"
    assert {k: v for k, v in traced.items() if k != "POWERTOOLS_TRACE_DISABLED"} == {
        k: v for k, v in quiet.items() if k != "POWERTOOLS_TRACE_DISABLED"
    }


def test_the_deploy_names_its_domain_and_alarm_recipients() -> None:
    overrides = {
        "domain_name": "api.acme.org",
        "hosted_zone_id": "Z1ACME",
        "hosted_zone_name": "acme.org",
        "alarm_emails": "a@acme.org, b@acme.org",
        "memory_size": "64",  # not overridable: ignored
    }
    config = env_config("prod", overrides)
    assert (config.domain_name, config.hosted_zone_id, config.hosted_zone_name) == (
        "api.acme.org",
        "Z1ACME",
        "acme.org",
    )
    assert config.alarm_email_list == ["a@acme.org", "b@acme.org"]
    assert config.memory_size == CONFIGS["prod"].memory_size
    assert env_config("dev", {"domain_name": ""}).has_domain is False
    with pytest.raises(ValueError, match="known: dev, staging, prod"):
        env_config("qa")
