"""CDK app: ``cdk synth -c env=dev|staging|prod [-c layer_path=build/layer]`` -> stack HyperInfer-<env>.

The custom domain is the environment's placeholder unless the deploy names it:
``-c domain_name=api.example.com -c hosted_zone_id=Z... -c hosted_zone_name=example.com``; alarm
e-mails likewise (``-c alarm_emails=a@example.com,b@example.com``).
"""

from __future__ import annotations

from pathlib import Path

import aws_cdk as cdk
from hyperinfer_infra.config import OVERRIDABLE, env_config
from hyperinfer_infra.nag import add_checks
from hyperinfer_infra.stack import REPO_ROOT, HyperInferStack

DEFAULT_ENV = "dev"
DEFAULT_LAYER_PATH = "build/layer"


def main() -> None:
    app = cdk.App()
    overrides = {
        key: str(value) for key in OVERRIDABLE if (value := app.node.try_get_context(key)) is not None
    }
    config = env_config(app.node.try_get_context("env") or DEFAULT_ENV, overrides)
    # Relative paths are taken from the repo root so the app works from any working directory.
    layer_path = REPO_ROOT / Path(app.node.try_get_context("layer_path") or DEFAULT_LAYER_PATH)
    if not (layer_path / "python").is_dir():
        raise SystemExit(f"layer directory {layer_path}/python is missing: run scripts/build_layer.py first")
    HyperInferStack(app, config.stack_name, config=config, layer_path=layer_path)
    cdk.Tags.of(app).add("project", "hyperinfer")
    cdk.Tags.of(app).add("environment", config.name)
    # An unacknowledged AwsSolutions finding fails the synth, so it can never reach a deploy.
    add_checks(app)
    app.synth()


if __name__ == "__main__":
    main()
