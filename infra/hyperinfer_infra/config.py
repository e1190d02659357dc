"""Per-environment settings of the stack: the only place dev, staging and prod differ.

The domain and hosted zone are placeholders in code; a deploy names the real ones on the command line
(``-c domain_name=api.example.com -c hosted_zone_id=Z... -c hosted_zone_name=example.com``), since
they belong to the user, not to this repository. ``-c domain_name=`` (empty) deploys without one.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from aws_cdk import Duration, RemovalPolicy
from aws_cdk import aws_logs as logs

PLACEHOLDER_ZONE = "hyperinfer.example.com"
PLACEHOLDER_ZONE_ID = "Z0000000000EXAMPLE"
# Context keys a deploy may set (`cdk deploy -c key=value`); all are strings.
OVERRIDABLE = ("domain_name", "hosted_zone_id", "hosted_zone_name", "alarm_emails")


@dataclass(frozen=True, slots=True)
class EnvConfig:
    name: str
    domain_name: str
    hosted_zone_id: str = PLACEHOLDER_ZONE_ID
    hosted_zone_name: str = PLACEHOLDER_ZONE
    memory_size: int = 1024  # MB; Lambda CPU scales with memory, which shortens cold starts.
    # API Gateway's buffered integrations stop at 29 s, so a longer Lambda timeout would only burn
    # money; response streaming lifts the integration limit to 15 min, which is Lambda's maximum too.
    buffered_timeout_seconds: int = 29
    streaming_timeout_seconds: int = 15 * 60
    log_retention: logs.RetentionDays = logs.RetentionDays.ONE_WEEK
    # Stateful resources (table, queues, bucket, logs, secrets) are kept on stack deletion outside dev.
    removal_policy: RemovalPolicy = RemovalPolicy.DESTROY
    deletion_protection: bool = False  # DynamoDB's own guard against a delete, whatever the stack does
    tracer_enabled: bool = True  # Powertools Tracer (X-Ray); POWERTOOLS_TRACE_DISABLED otherwise
    # Lambda SnapStart: each deploy publishes a version of every function, Lambda snapshots its
    # initialized state, and a "live" alias points at it; the API, the queues and the schedule
    # invoke the alias. Costs snapshot caching and restores (README, "SnapStart"); off = $LATEST.
    snapstart: bool = False
    # Comma-separated e-mail addresses subscribed to the alarm topic (confirmed by each recipient).
    alarm_emails: str = ""
    # Stage-wide token bucket in front of every route: requests per second and burst.
    throttle_rate_limit: float = 50
    throttle_burst_limit: int = 100
    # Concurrency budget. Reporting must not starve the gateway (chat, responses, messages), which
    # shares the account's concurrency pool with it. Each report API function gets a reserved
    # concurrency, which caps it (and keeps that share for it); consumers are capped by the SQS
    # event source's maximum concurrency instead, which reserves nothing from the pool and lets the
    # queue absorb bursts. None = no reservation: a new account's limit can be 10, and AWS refuses any
    # reservation that leaves fewer than its minimum unreserved, so dev reserves nothing.
    report_api_concurrency: int | None = None
    consumer_max_concurrency: int = 2  # SQS maximum concurrency: 2 (AWS's minimum) to 1000
    sweep_concurrency: int | None = None  # 1 where reserved: two sweeps would only race each other
    # Alarms. The account limit is what AWS granted (1000 by default); alarm at this fraction of it.
    account_concurrency_limit: int = 1000
    concurrency_alarm_fraction: float = 0.8
    error_rate_threshold: float = 0.05  # API 5xx responses / requests over 5 minutes
    # Stage-wide p99 of API Gateway's Latency and IntegrationLatency. Streamed answers count their
    # whole length there, so the bound sits above the buffered routes' 29 s limit: it fires when
    # buffered calls time out or streams stall, not on a long but healthy generation mix.
    p99_latency_ms: int = 60_000
    p99_integration_latency_ms: int = 60_000
    table_base_name: str = "hyperinfer"
    report_queue_base_name: str = "hyperinfer-reports"
    upload_queue_base_name: str = "hyperinfer-report-uploads"
    report_bucket_base_name: str = "hyperinfer-reports"

    @property
    def stack_name(self) -> str:
        return f"HyperInfer-{self.name}"

    @property
    def buffered_timeout(self) -> Duration:
        return Duration.seconds(self.buffered_timeout_seconds)

    @property
    def streaming_timeout(self) -> Duration:
        return Duration.seconds(self.streaming_timeout_seconds)

    @property
    def has_domain(self) -> bool:
        return bool(self.domain_name)

    @property
    def alarm_email_list(self) -> list[str]:
        return [email.strip() for email in self.alarm_emails.split(",") if email.strip()]

    # Physical names carry the environment so several environments can share one account.
    @property
    def table_name(self) -> str:
        return f"{self.table_base_name}-{self.name}"

    @property
    def report_queue_name(self) -> str:
        return f"{self.report_queue_base_name}-{self.name}"

    @property
    def upload_queue_name(self) -> str:
        return f"{self.upload_queue_base_name}-{self.name}"

    @property
    def batch_queue_name(self) -> str:
        return f"hyperinfer-batches-{self.name}"

    def secret_name(self, secret: str) -> str:
        """``hyperinfer/<env>/<secret>``: one secret per environment, findable by name."""
        return f"hyperinfer/{self.name}/{secret}"

    def report_bucket_name(self, account: str, region: str) -> str:
        """Bucket names are global: account and region make this one unique (and known before the
        bucket exists, which the upload queue's policy needs)."""
        return f"{self.report_bucket_base_name}-{self.name}-{account}-{region}"


ENVIRONMENTS: dict[str, EnvConfig] = {
    "dev": EnvConfig("dev", domain_name=f"api.dev.{PLACEHOLDER_ZONE}"),
    "staging": EnvConfig(
        "staging",
        domain_name=f"api.staging.{PLACEHOLDER_ZONE}",
        log_retention=logs.RetentionDays.ONE_MONTH,
        removal_policy=RemovalPolicy.RETAIN,
        alarm_emails=f"alerts@{PLACEHOLDER_ZONE}",
        throttle_rate_limit=100,
        throttle_burst_limit=200,
        report_api_concurrency=10,  # 5 report functions x 10 = 50 of the account's 1000
        consumer_max_concurrency=5,
        sweep_concurrency=1,
    ),
    "prod": EnvConfig(
        "prod",
        domain_name=f"api.{PLACEHOLDER_ZONE}",
        memory_size=1769,  # 1769 MB is one full vCPU.
        log_retention=logs.RetentionDays.THREE_MONTHS,
        removal_policy=RemovalPolicy.RETAIN,
        deletion_protection=True,
        alarm_emails=f"oncall@{PLACEHOLDER_ZONE}",
        throttle_rate_limit=1000,
        throttle_burst_limit=2000,
        # 5 x 50 = 250 reserved for reporting: at most a quarter of a 1000 account, so 750 (plus
        # whatever consumers leave) always stay with the gateway.
        report_api_concurrency=50,
        consumer_max_concurrency=20,
        sweep_concurrency=1,
        snapstart=True,
    ),
}


def env_config(name: str, overrides: Mapping[str, str] | None = None) -> EnvConfig:
    """The named environment, with the deploy's ``-c`` overrides (``OVERRIDABLE`` keys) applied."""
    try:
        config = ENVIRONMENTS[name]
    except KeyError:
        known = ", ".join(ENVIRONMENTS)
        raise ValueError(f"unknown environment {name!r}; known: {known}") from None
    changes: dict[str, Any] = {key: value for key, value in (overrides or {}).items() if key in OVERRIDABLE}
    return dataclasses.replace(config, **changes)
