"""Per-environment settings of the stack: the only place dev, staging and prod differ."""

from __future__ import annotations

from dataclasses import dataclass

from aws_cdk import RemovalPolicy
from aws_cdk import aws_logs as logs


@dataclass(frozen=True, slots=True)
class EnvConfig:
    name: str
    memory_size: int = 1024  # MB; Lambda CPU scales with memory, which shortens cold starts.
    log_retention: logs.RetentionDays = logs.RetentionDays.ONE_WEEK
    # Stateful resources (table, queues, logs) are kept on stack deletion outside dev.
    removal_policy: RemovalPolicy = RemovalPolicy.DESTROY
    table_base_name: str = "hyperinfer"
    report_queue_base_name: str = "hyperinfer-reports"
    upload_queue_base_name: str = "hyperinfer-report-uploads"
    report_bucket_base_name: str = "hyperinfer-reports"

    @property
    def stack_name(self) -> str:
        return f"HyperInfer-{self.name}"

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

    def report_bucket_name(self, account: str, region: str) -> str:
        """Bucket names are global: account and region make this one unique (and known before the
        bucket exists, which the upload queue's policy needs)."""
        return f"{self.report_bucket_base_name}-{self.name}-{account}-{region}"


ENVIRONMENTS: dict[str, EnvConfig] = {
    "dev": EnvConfig("dev"),
    "staging": EnvConfig(
        "staging", log_retention=logs.RetentionDays.ONE_MONTH, removal_policy=RemovalPolicy.RETAIN
    ),
    "prod": EnvConfig(
        "prod",
        memory_size=1769,  # 1769 MB is one full vCPU.
        log_retention=logs.RetentionDays.THREE_MONTHS,
        removal_policy=RemovalPolicy.RETAIN,
    ),
}


def env_config(name: str) -> EnvConfig:
    try:
        return ENVIRONMENTS[name]
    except KeyError:
        known = ", ".join(ENVIRONMENTS)
        raise ValueError(f"unknown environment {name!r}; known: {known}") from None
