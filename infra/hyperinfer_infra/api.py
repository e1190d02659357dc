"""The public REST API: one resource and method per ``FunctionSpec.route``."""

from __future__ import annotations

from collections.abc import Iterable

from aws_cdk import aws_apigateway as apigateway
from constructs import Construct

from hyperinfer_infra.config import EnvConfig
from hyperinfer_infra.functions import GatewayFunction


class Api(Construct):
    """A REST API (v1): HTTP APIs cannot stream; Regional, since streams idle out after 5 min there."""

    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        functions: Iterable[GatewayFunction],
        config: EnvConfig,
    ) -> None:
        super().__init__(scope, construct_id)
        self.rest_api = apigateway.RestApi(
            self,
            "RestApi",
            rest_api_name=f"hyperinfer-{config.name}",
            endpoint_types=[apigateway.EndpointType.REGIONAL],
            deploy_options=apigateway.StageOptions(stage_name=config.name, tracing_enabled=True),
            # The CloudWatch role is an account-wide setting; it is not this stack's to own.
            cloud_watch_role=False,
        )
        for function in functions:
            resource = self.rest_api.root.resource_for_path(function.spec.route)
            resource.add_method(function.spec.method, function.integration())
