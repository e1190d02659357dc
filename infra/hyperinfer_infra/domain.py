"""The custom domain: an ACM certificate validated by DNS in the environment's hosted zone, a
Regional API Gateway domain (TLS 1.2) mapped to the stage, and an alias record.

The zone is named by id and name (``from_hosted_zone_attributes``): no look-up at synth, so the
template depends on nothing but the configuration.
"""

from __future__ import annotations

from aws_cdk import aws_apigateway as apigateway
from aws_cdk import aws_certificatemanager as acm
from aws_cdk import aws_route53 as route53
from aws_cdk import aws_route53_targets as route53_targets
from constructs import Construct

from hyperinfer_infra.config import EnvConfig


class CustomDomain(Construct):
    def __init__(
        self, scope: Construct, construct_id: str, *, rest_api: apigateway.RestApi, config: EnvConfig
    ) -> None:
        super().__init__(scope, construct_id)
        zone = route53.HostedZone.from_hosted_zone_attributes(
            self, "Zone", hosted_zone_id=config.hosted_zone_id, zone_name=config.hosted_zone_name
        )
        certificate = acm.Certificate(
            self,
            "Certificate",
            domain_name=config.domain_name,
            validation=acm.CertificateValidation.from_dns(zone),
        )
        # Regional like the API: an edge domain would put CloudFront's shorter idle timeout in
        # front of streams.
        self.domain = apigateway.DomainName(
            self,
            "DomainName",
            domain_name=config.domain_name,
            certificate=certificate,
            endpoint_type=apigateway.EndpointType.REGIONAL,
            security_policy=apigateway.SecurityPolicy.TLS_1_2,
        )
        # No base path: the routes already start with /api/v1 (and /healthz, /openapi.json).
        self.domain.add_base_path_mapping(rest_api, stage=rest_api.deployment_stage)
        # IPv4 only: the L2 domain is not dual-stack, so an AAAA alias would resolve to nothing.
        route53.ARecord(
            self,
            "AliasRecord",
            zone=zone,
            record_name=config.domain_name,
            target=route53.RecordTarget.from_alias(route53_targets.ApiGatewayDomain(self.domain)),
        )
        self.url = f"https://{config.domain_name}/"
