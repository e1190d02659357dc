"""The REST API around the routes: stage throttling, JSON access logs without headers, gateway
responses every client parses, and the custom domain."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from typing import Any

import anthropic
import httpx2
import openai
import pytest
from hyperinfer.api_schemas import ReportError
from hyperinfer.errors import HTTP_STATUS
from hyperinfer_infra.api import ACCESS_LOG_FIELDS
from hyperinfer_infra.config import PLACEHOLDER_ZONE, PLACEHOLDER_ZONE_ID
from hyperinfer_infra.gateway_responses import ANSWERS

from tests.infra.conftest import ENVIRONMENTS, Synth
from tests.infra.support import Resources, of_type, one

# What API Gateway puts in for the $context variables of a gateway response.
CONTEXT = {"$context.requestId": "c0ffee00-1111-2222-3333-444455556666"}
SDK_REQUEST = httpx2.Request("POST", "https://api.example.com/api/v1/chat/completions")


def stage(resources: Resources) -> dict[str, Any]:
    [found] = of_type(resources, "AWS::ApiGateway::Stage").values()
    props: dict[str, Any] = found["Properties"]
    return props


@pytest.mark.parametrize("env", ENVIRONMENTS)
def test_the_stage_is_throttled_as_the_environment_says(synth: Callable[[str], Synth], env: str) -> None:
    built = synth(env)
    [settings] = stage(built.json["Resources"])["MethodSettings"]
    assert (settings["HttpMethod"], settings["ResourcePath"]) == ("*", "/*")
    assert settings["ThrottlingRateLimit"] == built.config.throttle_rate_limit
    assert settings["ThrottlingBurstLimit"] == built.config.throttle_burst_limit


def test_access_logs_are_json_with_the_request_facts_and_no_headers(resources: Resources) -> None:
    settings = stage(resources)["AccessLogSetting"]
    [group] = [part["Ref"] for part in settings["DestinationArn"]["Fn::Join"][1] if "Ref" in part][-1:]
    assert resources[group]["Type"] == "AWS::Logs::LogGroup"
    line = settings["Format"]
    assert json.loads(line) == ACCESS_LOG_FIELDS
    wanted = {"requestId", "ip", "method", "resourcePath", "status", "latency", "responseLength"}
    assert wanted <= set(ACCESS_LOG_FIELDS) and "integrationError" in ACCESS_LOG_FIELDS
    # Headers carry Authorization and x-api-key: never logged, nor the request body.
    assert "header" not in line.lower() and "authorization" not in line.lower()
    assert "$input" not in line


def gateway_responses(resources: Resources) -> dict[str, dict[str, Any]]:
    return {
        res["Properties"]["ResponseType"]: res["Properties"]
        for res in of_type(resources, "AWS::ApiGateway::GatewayResponse").values()
    }


def rendered(template: str) -> dict[str, Any]:
    for variable, value in CONTEXT.items():
        template = template.replace(variable, value)
    assert "$" not in template, template  # every variable is one API Gateway substitutes
    body: dict[str, Any] = json.loads(template)
    return body


def test_api_gateway_answers_named_in_the_brief_are_configured(resources: Resources) -> None:
    configured = gateway_responses(resources)
    assert set(configured) == set(ANSWERS)
    required = {"MISSING_AUTHENTICATION_TOKEN", "THROTTLED", "INTEGRATION_TIMEOUT", "REQUEST_TOO_LARGE"}
    assert required | {"DEFAULT_4XX", "DEFAULT_5XX", "BAD_REQUEST_BODY", "QUOTA_EXCEEDED"} <= set(configured)
    assert configured["MISSING_AUTHENTICATION_TOKEN"]["StatusCode"] == "404"  # an unknown route
    assert configured["THROTTLED"]["StatusCode"] == "429"
    assert configured["THROTTLED"]["ResponseParameters"] == {"gatewayresponse.header.Retry-After": "'1'"}
    assert configured["INTEGRATION_TIMEOUT"]["StatusCode"] == "504"
    assert configured["REQUEST_TOO_LARGE"]["StatusCode"] == "413"


@pytest.mark.parametrize("response_type", sorted(ANSWERS))
def test_each_gateway_response_is_a_body_both_sdks_and_report_clients_parse(
    resources: Resources, response_type: str
) -> None:
    props = gateway_responses(resources)[response_type]
    status = int(props["StatusCode"])
    body = rendered(props["ResponseTemplates"]["application/json"])
    answer = ANSWERS[response_type]
    assert status == HTTP_STATUS[answer.code]
    request_id = CONTEXT["$context.requestId"]
    response = httpx2.Response(status, json=body, request=SDK_REQUEST)

    # The OpenAI SDK reads body["error"]: message, type, code, param.
    error = openai.OpenAI(api_key="k")._make_status_error_from_response(response)
    assert error.status_code == status and error.code == answer.code.value
    assert error.message == f"Error code: {status} - {answer.message}" and error.param is None
    assert body["error"]["request_id"] == request_id
    # The Anthropic SDK reads the top level: type "error", error.type, request_id.
    failure = anthropic.Anthropic(api_key="k")._make_status_error_from_response(response)
    assert failure.status_code == status and failure.type == body["error"]["type"]
    assert body["type"] == "error" and body["request_id"] == request_id
    assert re.fullmatch(r"[a-z_]+_error|request_too_large", body["error"]["type"])
    # The report routes' clients read {message, code, issues}.
    report = ReportError.model_validate({k: body[k] for k in ("message", "code", "issues", "request_id")})
    assert report.message == answer.message


def test_every_environment_has_its_domain_in_its_zone_without_a_look_up(
    synth: Callable[[str], Synth],
) -> None:
    for env in ENVIRONMENTS:
        built = synth(env)
        resources = built.json["Resources"]
        domain = built.config.domain_name
        assert domain.endswith(PLACEHOLDER_ZONE) and built.config.hosted_zone_id == PLACEHOLDER_ZONE_ID
        [certificate] = of_type(resources, "AWS::CertificateManager::Certificate").values()
        assert certificate["Properties"]["DomainName"] == domain
        assert certificate["Properties"]["ValidationMethod"] == "DNS"
        assert certificate["Properties"]["DomainValidationOptions"] == [
            {"DomainName": domain, "HostedZoneId": PLACEHOLDER_ZONE_ID}
        ]
        assert built.json["Outputs"]["DomainUrl"]["Value"] == f"https://{domain}/"


def test_the_custom_domain_is_regional_tls12_mapped_to_the_stage_with_an_alias(resources: Resources) -> None:
    [domain_id] = of_type(resources, "AWS::ApiGateway::DomainName")
    domain = resources[domain_id]["Properties"]
    assert domain["EndpointConfiguration"] == {"Types": ["REGIONAL"]}
    assert domain["SecurityPolicy"] == "TLS_1_2"
    certificate = one(resources, "AWS::CertificateManager::Certificate", "ApiDomainCertificate")
    assert domain["RegionalCertificateArn"] == {"Ref": certificate}
    [mapping] = of_type(resources, "AWS::ApiGateway::BasePathMapping").values()
    stage_id = next(iter(of_type(resources, "AWS::ApiGateway::Stage")))
    assert mapping["Properties"]["Stage"] == {"Ref": stage_id}
    assert "BasePath" not in mapping["Properties"]  # routes already start with /api/v1
    [record] = of_type(resources, "AWS::Route53::RecordSet").values()
    props = record["Properties"]
    assert props["Type"] == "A" and props["HostedZoneId"] == PLACEHOLDER_ZONE_ID
    assert props["Name"] == f"{domain['DomainName']}."
    alias = json.dumps(props["AliasTarget"])
    assert f'"{domain_id}", "RegionalDomainName"' in alias
    assert f'"{domain_id}", "RegionalHostedZoneId"' in alias
