"""Every folder of functions/ is deployed, found from the synthesized template alone (never the
function table): its Lambda by the asset path, its handler and runtime mode decided from the folder
(run.sh present: streaming), its route by walking the API's resources, its trigger otherwise."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from tests.infra.support import REPO_ROOT, Resources, of_type

FOLDERS = sorted(p for p in (REPO_ROOT / "functions").iterdir() if p.is_dir() and not p.name.startswith("_"))
WEB_ADAPTER = ":753240598075:layer:LambdaAdapterLayerArm64:"


def lambda_for(resources: Resources, folder: Path) -> str:
    found = [
        lid
        for lid, res in of_type(resources, "AWS::Lambda::Function").items()
        if Path(res["Metadata"]["aws:asset:path"]).resolve() == folder.resolve()
    ]
    assert len(found) == 1, f"{folder.name}: {found}"
    return found[0]


def resource_path(resources: Resources, lid: str) -> str:
    props = resources[lid]["Properties"]
    parent = props["ParentId"]
    prefix = resource_path(resources, parent["Ref"]) if "Ref" in parent else ""
    return f"{prefix}/{props['PathPart']}"


def methods_of(resources: Resources, lid: str) -> list[dict[str, Any]]:
    target = json.dumps({"Fn::GetAtt": [lid, "Arn"]})
    return [
        res["Properties"]
        for res in of_type(resources, "AWS::ApiGateway::Method").values()
        if target in json.dumps(res["Properties"].get("Integration", {}).get("Uri", ""))
    ]


def declared_route(folder: Path) -> tuple[str, str]:
    """``(verb, route)`` from the entry module's first line (``GET /api/v1/models — ...``): what the
    folder says it serves, read from its source so the function table is not asked."""
    first = (folder / "app.py").read_text().split('"""', 2)[1].split()
    return first[0], first[1]


@pytest.mark.parametrize("folder", FOLDERS, ids=lambda p: p.name)
def test_each_folder_is_a_lambda_with_its_handler_and_mode(resources: Resources, folder: Path) -> None:
    props = resources[lambda_for(resources, folder)]["Properties"]
    assert props["Runtime"] == "python3.12" and props["Architectures"] == ["arm64"]
    layers = json.dumps(props["Layers"])
    env = props["Environment"]["Variables"]
    if (folder / "run.sh").exists():  # streaming: uvicorn under the Web Adapter, streamed back
        assert props["Handler"] == "run.sh" and WEB_ADAPTER in layers
        assert env["AWS_LWA_INVOKE_MODE"] == "response_stream"
        assert env["AWS_LAMBDA_EXEC_WRAPPER"] == "/opt/bootstrap"
    else:
        assert props["Handler"] == "app.handler" and WEB_ADAPTER not in layers
        assert "AWS_LWA_INVOKE_MODE" not in env


@pytest.mark.parametrize("folder", FOLDERS, ids=lambda p: p.name)
def test_each_folder_is_reached_by_a_route_a_queue_or_a_schedule(resources: Resources, folder: Path) -> None:
    lid = lambda_for(resources, folder)
    methods = methods_of(resources, lid)
    mappings = [
        res["Properties"]
        for res in of_type(resources, "AWS::Lambda::EventSourceMapping").values()
        if res["Properties"]["FunctionName"] == {"Ref": lid}
    ]
    rules = [
        res["Properties"]
        for res in of_type(resources, "AWS::Events::Rule").values()
        if any(t["Arn"] == {"Fn::GetAtt": [lid, "Arn"]} for t in res["Properties"]["Targets"])
    ]
    assert len(methods) + len(mappings) + len(rules) == 1, folder.name
    if methods:
        [method] = methods
        path = resource_path(resources, method["ResourceId"]["Ref"])
        assert (method["HttpMethod"], path) == declared_route(folder)
        integration = method["Integration"]
        assert integration["Type"] == "AWS_PROXY"
        streaming = (folder / "run.sh").exists()
        assert integration.get("ResponseTransferMode", "BUFFERED") == ("STREAM" if streaming else "BUFFERED")
        assert ("/response-streaming-invocations" in json.dumps(integration["Uri"])) == streaming
    elif mappings:
        [mapping] = mappings
        queue = mapping["EventSourceArn"]["Fn::GetAtt"][0]
        assert resources[queue]["Type"] == "AWS::SQS::Queue"
        assert mapping["FunctionResponseTypes"] == ["ReportBatchItemFailures"]
    else:
        [rule] = rules
        assert rule["ScheduleExpression"].startswith(("rate(", "cron(")) and rule["State"] == "ENABLED"
