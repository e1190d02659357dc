"""Fixtures for the CDK app: a fake layer directory and one synthesized dev stack per module."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import aws_cdk as cdk
import pytest
from aws_cdk.assertions import Template
from hyperinfer_infra.config import env_config
from hyperinfer_infra.stack import HyperInferStack

from tests.infra.support import cdk_context, make_fake_layer


@pytest.fixture(scope="module")
def fake_layer(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return make_fake_layer(tmp_path_factory.mktemp("layer"))


@pytest.fixture(scope="module")
def template(fake_layer: Path) -> Template:
    config = env_config("dev")
    app = cdk.App(context=cdk_context())
    stack = HyperInferStack(app, config.stack_name, config=config, layer_path=fake_layer)
    return Template.from_stack(stack)


@pytest.fixture(scope="module")
def resources(template: Template) -> dict[str, dict[str, Any]]:
    """The template's Resources, as plain dicts for walking references (e.g. resource paths)."""
    found: dict[str, dict[str, Any]] = template.to_json()["Resources"]
    return found
