"""What every Lambda of the stack shares: runtime, architecture, the layer, a log group with the
environment's retention, tracing, the Powertools settings and the secrets its spec names."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from aws_cdk import Duration
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_logs as logs
from constructs import Construct
from hyperinfer.function_table import Secret

from hyperinfer_infra.config import EnvConfig
from hyperinfer_infra.nag import FUNCTION_RULES, TRACING_RULES, acknowledge
from hyperinfer_infra.secrets import Secrets

METRICS_NAMESPACE = "HyperInfer"


def powertools_environment(function_name: str, config: EnvConfig) -> dict[str, str]:
    """Powertools reads these at import: one service per function, one metrics namespace for all."""
    return {
        "POWERTOOLS_SERVICE_NAME": function_name,
        "POWERTOOLS_METRICS_NAMESPACE": METRICS_NAMESPACE,
        "POWERTOOLS_LOG_LEVEL": "INFO",
        "POWERTOOLS_TRACE_DISABLED": "false" if config.tracer_enabled else "true",
    }


@dataclass(frozen=True, slots=True)
class FunctionKit:
    """What the stack hands every function construct: the one layer, the common environment, the
    environment's settings, the secrets, and where the ``functions/<name>/`` folders are."""

    layer: lambda_.ILayerVersion
    environment: Mapping[str, str]
    config: EnvConfig
    secrets: Secrets
    functions_dir: Path


def python_function(
    scope: Construct,
    kit: FunctionKit,
    *,
    name: str,
    description: str,
    handler: str,
    timeout: Duration,
    extra_layers: Sequence[lambda_.ILayerVersion] = (),
    extra_environment: Mapping[str, str] | None = None,
    needs: Sequence[Secret] = (),
    reserved_concurrency: int | None = None,
) -> lambda_.Function:
    """``scope/Function``: the Lambda of ``functions/<name>/``, reading exactly the secrets it needs."""
    config, secrets = kit.config, kit.secrets
    environment = {**kit.environment, **(extra_environment or {})}
    # An explicit log group, because the function's `log_retention` needs a custom resource.
    log_group = logs.LogGroup(
        scope, "Logs", retention=config.log_retention, removal_policy=config.removal_policy
    )
    function = lambda_.Function(
        scope,
        "Function",
        description=description or name,
        runtime=lambda_.Runtime.PYTHON_3_12,
        architecture=lambda_.Architecture.ARM_64,
        code=lambda_.Code.from_asset(str(kit.functions_dir / name), exclude=["__pycache__", "*.pyc"]),
        handler=handler,
        layers=[kit.layer, *extra_layers],
        memory_size=config.memory_size,
        timeout=timeout,
        environment={**environment, **powertools_environment(name, config), **secrets.environment(needs)},
        log_group=log_group,
        # Powertools Tracer emits X-Ray segments; off where the environment turns the tracer off.
        tracing=lambda_.Tracing.ACTIVE if config.tracer_enabled else lambda_.Tracing.DISABLED,
        reserved_concurrent_executions=reserved_concurrency,
    )
    secrets.grant_read(function, needs)
    acknowledge(function, {**FUNCTION_RULES, **(TRACING_RULES if config.tracer_enabled else {})})
    return function
