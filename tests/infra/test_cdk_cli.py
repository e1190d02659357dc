"""The pinned CDK CLI (package.json) synthesizes the app exactly as a deploy would, cdk-nag included,
with the deploy's `-c` overrides of the domain."""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

from hyperinfer.function_table import CONSUMERS, FUNCTIONS, SCHEDULED
from hyperinfer_infra.stack import function_construct_id

from tests.infra.support import REPO_ROOT, make_fake_layer
from tests.support import ALL_SPECS

CDK = REPO_ROOT / "node_modules" / ".bin" / "cdk"
CLI_ENV = {"CDK_DISABLE_CLI_TELEMETRY": "true", "JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION": "20"}


def test_cdk_synth_with_the_pinned_cli(tmp_path: Path) -> None:
    assert CDK.exists(), f"{CDK} is missing: run `npm ci` in {REPO_ROOT} to install the pinned CDK CLI"
    layer = make_fake_layer(tmp_path / "layer")
    out = tmp_path / "cdk.out"
    result = subprocess.run(
        [
            *(str(CDK), "synth", "--quiet", "-c", "env=dev", "-c", f"layer_path={layer}"),
            *("--output", str(out)),
            *("-c", "domain_name=gw.example.org", "-c", "hosted_zone_id=Z0123456789ABC"),
            *("-c", "hosted_zone_name=example.org"),
        ],
        cwd=REPO_ROOT,
        env={**os.environ, **CLI_ENV},
        capture_output=True,
        text=True,
        timeout=180,
        check=False,
    )
    assert result.returncode == 0, result.stderr[-4000:]
    template = json.loads((out / "HyperInfer-dev.template.json").read_text())
    functions = [lid for lid, res in template["Resources"].items() if res["Type"] == "AWS::Lambda::Function"]
    assert len(functions) == len(FUNCTIONS) + len(CONSUMERS) + len(SCHEDULED)
    for spec in ALL_SPECS:
        prefix = f"{function_construct_id(spec.name)}Function"
        assert any(lid.startswith(prefix) for lid in functions), f"no Lambda for {spec.name}"
    [domain] = [r for r in template["Resources"].values() if r["Type"] == "AWS::ApiGateway::DomainName"]
    assert domain["Properties"]["DomainName"] == "gw.example.org"
    [record] = [r for r in template["Resources"].values() if r["Type"] == "AWS::Route53::RecordSet"]
    assert record["Properties"]["HostedZoneId"] == "Z0123456789ABC"
    assert record["Properties"]["Name"] == "gw.example.org."
    assert template["Outputs"]["DomainUrl"]["Value"] == "https://gw.example.org/"
