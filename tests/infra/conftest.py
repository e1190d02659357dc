"""Fixtures for the CDK app: one fake layer and one synthesized stack per environment per session
(a synth takes seconds), written to disk as the CLI would, for cfn-lint and the asset metadata."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import aws_cdk as cdk
import pytest
from aws_cdk.assertions import Template
from hyperinfer_infra.config import EnvConfig, env_config
from hyperinfer_infra.stack import HyperInferStack

from tests.infra.support import cdk_context, make_fake_layer

ENVIRONMENTS = ("dev", "staging", "prod")
# The CLI's asset metadata, and the source folders themselves as asset paths (as `cdk synth
# --no-staging`, which `sam local invoke` also reads): each function names its functions/ folder.
SYNTH_CONTEXT = {"aws:cdk:enable-asset-metadata": True, "aws:cdk:disable-asset-staging": True}


@dataclass(frozen=True)
class Synth:
    config: EnvConfig
    app: cdk.App
    stack: HyperInferStack
    template_file: Path

    @property
    def template(self) -> Template:
        return Template.from_stack(self.stack)

    @property
    def json(self) -> dict[str, Any]:
        loaded: dict[str, Any] = json.loads(self.template_file.read_text())
        return loaded


@pytest.fixture(scope="session")
def fake_layer(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return make_fake_layer(tmp_path_factory.mktemp("layer"))


@pytest.fixture(scope="session")
def synth(fake_layer: Path, tmp_path_factory: pytest.TempPathFactory) -> Callable[[str], Synth]:
    done: dict[str, Synth] = {}

    def get(env: str) -> Synth:
        if env not in done:
            config = env_config(env)
            out = tmp_path_factory.mktemp(f"cdk-{env}")
            app = cdk.App(context={**cdk_context(), **SYNTH_CONTEXT}, outdir=str(out))
            stack = HyperInferStack(app, config.stack_name, config=config, layer_path=fake_layer)
            app.synth()
            done[env] = Synth(config, app, stack, out / f"{config.stack_name}.template.json")
        return done[env]

    return get


@pytest.fixture(scope="session")
def dev(synth: Callable[[str], Synth]) -> Synth:
    return synth("dev")


@pytest.fixture(scope="session")
def template(dev: Synth) -> Template:
    return dev.template


@pytest.fixture(scope="session")
def resources(dev: Synth) -> dict[str, dict[str, Any]]:
    """The template's Resources, as plain dicts for walking references (e.g. resource paths)."""
    found: dict[str, dict[str, Any]] = dev.json["Resources"]
    return found
