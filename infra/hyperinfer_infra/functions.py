"""One construct for every gateway Lambda; ``InvokeMode`` picks the profile, nothing else differs."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from aws_cdk import Duration, Stack
from aws_cdk import aws_apigateway as apigateway
from aws_cdk import aws_lambda as lambda_
from constructs import Construct
from hyperinfer.function_table import Envelope, FunctionSpec, InvokeMode
from hyperinfer.snapstart import AFTER_RESTORE_PATH, BEFORE_CHECKPOINT_PATH

from hyperinfer_infra.config import EnvConfig
from hyperinfer_infra.lambdas import FunctionKit, invoked_target, python_function

# The Web Adapter relays SnapStart's two moments to these paths of the app (hyperinfer.snapstart).
SNAPSTART_HOOKS = {
    "AWS_LWA_SNAPSTART_BEFORE_CHECKPOINT_PATH": BEFORE_CHECKPOINT_PATH,
    "AWS_LWA_SNAPSTART_AFTER_RESTORE_PATH": AFTER_RESTORE_PATH,
}

# AWS Lambda Web Adapter, published by AWS in every commercial region under this account.
WEB_ADAPTER_ACCOUNT = "753240598075"
# Layer 30 is v1.1.0, the first release with SnapStart support (aws-lambda-web-adapter PR #837,
# merged 2026-09-08; layer 29 was cut by a reverted release and skipped, per the project's PR #871).
WEB_ADAPTER_LAYER = "LambdaAdapterLayerArm64:30"


@dataclass(frozen=True, slots=True)
class ModeProfile:
    """Everything that depends on the invoke mode, for the function and for its API integration."""

    handler: str
    transfer_mode: apigateway.ResponseTransferMode
    uses_web_adapter: bool
    environment: Mapping[str, str] = field(default_factory=dict)


PROFILES: dict[InvokeMode, ModeProfile] = {
    # Mangum adapts the API Gateway event to ASGI; the whole response is returned at once.
    InvokeMode.BUFFERED: ModeProfile(
        handler="app.handler",
        transfer_mode=apigateway.ResponseTransferMode.BUFFERED,
        uses_web_adapter=False,
    ),
    # The managed runtime cannot stream, so the Web Adapter runs run.sh (uvicorn) and relays chunks.
    InvokeMode.STREAMING: ModeProfile(
        handler="run.sh",
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


def mode_timeout(mode: InvokeMode, config: EnvConfig) -> Duration:
    return config.streaming_timeout if mode is InvokeMode.STREAMING else config.buffered_timeout


class GatewayFunction(Construct):
    """The Lambda serving one ``FunctionSpec`` from ``functions/<name>/`` plus the shared layer."""

    def __init__(self, scope: Construct, construct_id: str, *, spec: FunctionSpec, kit: FunctionKit) -> None:
        super().__init__(scope, construct_id)
        config = kit.config
        self.spec = spec
        self.profile = PROFILES[spec.mode]
        self.timeout = mode_timeout(spec.mode, config)
        self.function = python_function(
            self,
            kit,
            name=spec.name,
            description=spec.description,
            handler=self.profile.handler,
            timeout=self.timeout,
            extra_layers=[web_adapter_layer(self)] if self.profile.uses_web_adapter else [],
            extra_environment={
                **self.profile.environment,
                **(SNAPSTART_HOOKS if self.profile.uses_web_adapter and config.snapstart else {}),
            },
            touches=spec.touches,
            # Only the reporting API is capped (see EnvConfig): the gateway keeps the unreserved pool.
            reserved_concurrency=config.report_api_concurrency if spec.envelope is Envelope.REPORT else None,
        )
        self.target = invoked_target(self, self.function, config)

    def integration(self) -> apigateway.LambdaIntegration:
        """Proxy integration whose transfer mode and timeout match the function's invoke mode."""
        return apigateway.LambdaIntegration(
            self.target,
            proxy=True,
            response_transfer_mode=self.profile.transfer_mode,
            timeout=self.timeout,
        )


def web_adapter_layer(scope: Construct) -> lambda_.ILayerVersion:
    stack = Stack.of(scope)
    arn = f"arn:{stack.partition}:lambda:{stack.region}:{WEB_ADAPTER_ACCOUNT}:layer:{WEB_ADAPTER_LAYER}"
    return lambda_.LayerVersion.from_layer_version_arn(scope, "WebAdapterLayer", arn)
