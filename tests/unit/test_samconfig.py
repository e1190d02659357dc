import tomllib

from tests.support import REPO


def test_samconfig_points_sam_at_the_synthesized_dev_template() -> None:
    config = tomllib.loads((REPO / "samconfig.toml").read_text())
    invoke = config["default"]["local_invoke"]["parameters"]
    assert invoke["template_file"] == "cdk.out/HyperInfer-dev.template.json"
    assert config["default"]["global"]["parameters"]["stack_name"] == "HyperInfer-dev"
