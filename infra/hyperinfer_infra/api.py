"""The public REST API: one resource and method per ``FunctionSpec.route``, stage throttling,
JSON access logs, gateway responses in the taxonomy's envelope and (when configured) a custom domain."""

from __future__ import annotations

import json
from collections.abc import Iterable

from aws_cdk import CfnOutput
from aws_cdk import aws_apigateway as apigateway
from aws_cdk import aws_logs as logs
from constructs import Construct

from hyperinfer_infra.config import EnvConfig
from hyperinfer_infra.domain import CustomDomain
from hyperinfer_infra.functions import GatewayFunction
from hyperinfer_infra.gateway_responses import add_gateway_responses
from hyperinfer_infra.nag import acknowledge

# One JSON object per request. Never headers: they carry Authorization and x-api-key.
ACCESS_LOG_FIELDS: dict[str, str] = {
    "requestId": "$context.requestId",
    "ip": "$context.identity.sourceIp",
    "requestTime": "$context.requestTime",
    "method": "$context.httpMethod",
    "resourcePath": "$context.resourcePath",
    "status": "$context.status",
    "latency": "$context.responseLatency",
    "integrationLatency": "$context.integration.latency",
    "responseLength": "$context.responseLength",
    "errorMessage": "$context.error.message",
    "integrationError": "$context.integration.error",
}

# What cdk-nag's AwsSolutions pack asks of an API that this one answers elsewhere, per rule.
API_ACKNOWLEDGEMENTS: dict[str, str] = {
    "AwsSolutions-APIG2": "Each function validates its own body against the seed's schema and answers "
    "in its format's envelope; a gateway validator would answer in a foreign shape.",
    "AwsSolutions-APIG3": "No WAF: the functions authenticate every request and the stage is throttled; "
    "a web ACL is the deployer's choice and cost.",
}
STAGE_ACKNOWLEDGEMENTS: dict[str, str] = {
    "AwsSolutions-APIG6": "Execution logging needs the account-wide API Gateway CloudWatch role, which "
    "this stack does not own; JSON access logs and Lambda logs cover every request.",
}
METHOD_ACKNOWLEDGEMENTS: dict[str, str] = {
    "AwsSolutions-APIG4": "The gateway's API keys (Authorization / x-api-key, or X-Internal-Token) are "
    "checked in the function against DynamoDB, as the seed specifies; public routes are public.",
    "AwsSolutions-COG4": "Clients are API-key clients of the OpenAI/Anthropic SDKs, not Cognito users.",
}


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
        self.access_logs = logs.LogGroup(
            self, "AccessLogs", retention=config.log_retention, removal_policy=config.removal_policy
        )
        self.rest_api = apigateway.RestApi(
            self,
            "RestApi",
            rest_api_name=f"hyperinfer-{config.name}",
            endpoint_types=[apigateway.EndpointType.REGIONAL],
            deploy_options=apigateway.StageOptions(
                stage_name=config.name,
                tracing_enabled=config.tracer_enabled,
                throttling_rate_limit=config.throttle_rate_limit,
                throttling_burst_limit=config.throttle_burst_limit,
                access_log_destination=apigateway.LogGroupLogDestination(self.access_logs),
                access_log_format=apigateway.AccessLogFormat.custom(json.dumps(ACCESS_LOG_FIELDS)),
            ),
            # The CloudWatch role is an account-wide setting; it is not this stack's to own.
            cloud_watch_role=False,
        )
        for function in functions:
            resource = self.rest_api.root.resource_for_path(function.spec.route)
            method = resource.add_method(function.spec.method, function.integration())
            acknowledge(method, METHOD_ACKNOWLEDGEMENTS)
        add_gateway_responses(self.rest_api)
        acknowledge(self.rest_api, API_ACKNOWLEDGEMENTS)
        acknowledge(self.rest_api.deployment_stage, STAGE_ACKNOWLEDGEMENTS)

        self.domain = (
            CustomDomain(self, "Domain", rest_api=self.rest_api, config=config) if config.has_domain else None
        )
        if self.domain is not None:
            CfnOutput(scope, "DomainUrl", value=self.domain.url, description="The API at the custom domain.")
