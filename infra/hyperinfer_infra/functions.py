"""One construct for every gateway Lambda; ``InvokeMode`` picks the profile, nothing else differs."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from aws_cdk import Duration, Stack
from aws_cdk import aws_apigateway as apigateway
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_logs as logs
from constructs import Construct
from hyperinfer.function_table import FunctionSpec, InvokeMode

from hyperinfer_infra.config import EnvConfig

# AWS Lambda Web Adapter, published by AWS in every commercial region under this account.
WEB_ADAPTER_ACCOUNT = "753240598075"
WEB_ADAPTER_LAYER = "LambdaAdapterLayerArm64:25"

# API Gateway's buffered integrations stop at 29 s, so a longer Lambda timeout would only burn money.
BUFFERED_TIMEOUT = Duration.seconds(29)
# Response streaming lifts the integration limit to 15 min, which is also Lambda's maximum.
STREAMING_TIMEOUT = Duration.minutes(15)


@dataclass(frozen=True, slots=True)
class ModeProfile:
    """Everything that depends on the invoke mode, for the function and for its API integration."""

    handler: str
    timeout: Duration
    transfer_mode: apigateway.ResponseTransferMode
    uses_web_adapter: bool
    environment: Mapping[str, str] = field(default_factory=dict)


PROFILES: dict[InvokeMode, ModeProfile] = {
    # Mangum adapts the API Gateway event to ASGI; the whole response is returned at once.
    InvokeMode.BUFFERED: ModeProfile(
        handler="app.handler",
        timeout=BUFFERED_TIMEOUT,
        transfer_mode=apigateway.ResponseTransferMode.BUFFERED,
        uses_web_adapter=False,
    ),
    # The managed runtime cannot stream, so the Web Adapter runs run.sh (uvicorn) and relays chunks.
    InvokeMode.STREAMING: ModeProfile(
        handler="run.sh",
        timeout=STREAMING_TIMEOUT,
        transfer_mode=apigateway.ResponseTransferMode.STREAM,
        uses_web_adapter=True,
        environment={
            "AWS_LAMBDA_EXEC_WRAPPER": "/opt/bootstrap",
            "AWS_LWA_INVOKE_MODE": "response_stream",
            "PORT": "8080",
            # run.sh starts a plain `python`, which (unlike the runtime's bootstrap) does not add
            # the layer directory to sys.path by itself.
            "PYTHONPATH": "/opt/python",
        },
    ),
}


class GatewayFunction(Construct):
    """The Lambda serving one ``FunctionSpec`` from ``functions/<name>/`` plus the shared layer."""

    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        spec: FunctionSpec,
        code_dir: Path,
        layer: lambda_.ILayerVersion,
        environment: Mapping[str, str],
        config: EnvConfig,
    ) -> None:
        super().__init__(scope, construct_id)
        self.spec = spec
        self.profile = PROFILES[spec.mode]
        layers = [layer]
        if self.profile.uses_web_adapter:
            layers.append(web_adapter_layer(self))
        # An explicit log group, because the function's `log_retention` needs a custom resource.
        log_group = logs.LogGroup(
            self, "Logs", retention=config.log_retention, removal_policy=config.removal_policy
        )
        self.function = lambda_.Function(
            self,
            "Function",
            description=spec.description or spec.name,
            runtime=lambda_.Runtime.PYTHON_3_12,
            architecture=lambda_.Architecture.ARM_64,
            code=lambda_.Code.from_asset(str(code_dir), exclude=["__pycache__", "*.pyc"]),
            handler=self.profile.handler,
            layers=layers,
            memory_size=config.memory_size,
            timeout=self.profile.timeout,
            environment={**environment, **self.profile.environment},
            log_group=log_group,
            tracing=lambda_.Tracing.ACTIVE,  # Powertools Tracer emits X-Ray segments
        )

    def integration(self) -> apigateway.LambdaIntegration:
        """Proxy integration whose transfer mode and timeout match the function's invoke mode."""
        return apigateway.LambdaIntegration(
            self.function,
            proxy=True,
            response_transfer_mode=self.profile.transfer_mode,
            timeout=self.profile.timeout,
        )


def web_adapter_layer(scope: Construct) -> lambda_.ILayerVersion:
    stack = Stack.of(scope)
    arn = f"arn:{stack.partition}:lambda:{stack.region}:{WEB_ADAPTER_ACCOUNT}:layer:{WEB_ADAPTER_LAYER}"
    return lambda_.LayerVersion.from_layer_version_arn(scope, "WebAdapterLayer", arn)
