"""What every Lambda of the stack shares: runtime, architecture, the layer, a log group with the
environment's retention, tracing, the Powertools settings; and what only it gets: the resources
its spec's ``Touches`` names (their variables and grants, ``access``)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from aws_cdk import Duration
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_logs as logs
from constructs import Construct
from hyperinfer.function_table import Queue, Touches

from hyperinfer_infra.access import grant, resource_environment
from hyperinfer_infra.config import EnvConfig
from hyperinfer_infra.nag import FUNCTION_RULES, TRACING_RULES, acknowledge
from hyperinfer_infra.secrets import Secrets

if TYPE_CHECKING:  # data.py imports the consumers, which import this module
    from hyperinfer_infra.data import Data

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
    environment's settings, the data resources and secrets, and where ``functions/<name>/`` are."""

    layer: lambda_.ILayerVersion
    environment: Mapping[str, str]
    config: EnvConfig
    data: Data
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
    touches: Touches,
    consumes: Queue | None = None,
    reserved_concurrency: int | None = None,
) -> lambda_.Function:
    """``scope/Function``: the Lambda of ``functions/<name>/``, granted exactly what it touches."""
    config, secrets = kit.config, kit.secrets
    environment = {
        **kit.environment,
        **resource_environment(kit.data, secrets, touches, consumes),
        **(extra_environment or {}),
    }
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
        environment={**environment, **powertools_environment(name, config)},
        log_group=log_group,
        # Powertools Tracer emits X-Ray segments; off where the environment turns the tracer off.
        tracing=lambda_.Tracing.ACTIVE if config.tracer_enabled else lambda_.Tracing.DISABLED,
        reserved_concurrent_executions=reserved_concurrency,
        snap_start=lambda_.SnapStartConf.ON_PUBLISHED_VERSIONS if config.snapstart else None,
    )
    grant(function, kit.data, secrets, touches)
    acknowledge(function, {**FUNCTION_RULES, **(TRACING_RULES if config.tracer_enabled else {})})
    return function


LIVE_ALIAS = "live"


def invoked_target(scope: Construct, function: lambda_.Function, config: EnvConfig) -> lambda_.IFunction:
    """What the API, a queue or a schedule invokes: with SnapStart, the "live" alias of the version
    this deploy published (SnapStart applies to published versions only); otherwise $LATEST."""
    if not config.snapstart:
        return function
    return lambda_.Alias(scope, "Live", alias_name=LIVE_ALIAS, version=function.current_version)
