"""CDK app: ``cdk synth -c env=dev|staging|prod [-c layer_path=build/layer]`` -> stack HyperInfer-<env>."""

from __future__ import annotations

from pathlib import Path

import aws_cdk as cdk
from hyperinfer_infra.config import env_config
from hyperinfer_infra.stack import REPO_ROOT, HyperInferStack

DEFAULT_ENV = "dev"
DEFAULT_LAYER_PATH = "build/layer"


def main() -> None:
    app = cdk.App()
    config = env_config(app.node.try_get_context("env") or DEFAULT_ENV)
    # Relative paths are taken from the repo root so the app works from any working directory.
    layer_path = REPO_ROOT / Path(app.node.try_get_context("layer_path") or DEFAULT_LAYER_PATH)
    if not (layer_path / "python").is_dir():
        raise SystemExit(f"layer directory {layer_path}/python is missing: run scripts/build_layer.py first")
    HyperInferStack(app, config.stack_name, config=config, layer_path=layer_path)
    cdk.Tags.of(app).add("project", "hyperinfer")
    cdk.Tags.of(app).add("environment", config.name)
    app.synth()


if __name__ == "__main__":
    main()
