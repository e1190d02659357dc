"""samconfig.toml names each function's logical id for `sam local invoke`; the list must match the
synthesized template, which finds each function's folder by its asset path."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

from tests.infra.support import REPO_ROOT, Resources, of_type

ROW = re.compile(r"^#\s+([a-z_]+)\s+([A-Za-z0-9]+Function[0-9A-F]{8})\s*$")


def test_samconfig_lists_every_function_by_its_logical_id(resources: Resources) -> None:
    text = (REPO_ROOT / "samconfig.toml").read_text()
    listed = {m[1]: m[2] for line in text.splitlines() if (m := ROW.match(line))}
    deployed = {
        Path(res["Metadata"]["aws:asset:path"]).name: lid
        for lid, res in of_type(resources, "AWS::Lambda::Function").items()
    }
    assert listed == deployed
    # Every example command names an id and an event file that exist.
    for lid, event in re.findall(r"sam local invoke (\w+) -e (\S+)", text):
        assert lid in resources and (REPO_ROOT / event).is_file()
    config = tomllib.loads(text)
    assert (
        config["default"]["local_invoke"]["parameters"]["template_file"]
        == "cdk.out/HyperInfer-dev.template.json"
    )
