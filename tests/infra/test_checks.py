"""Template checks run by `make test`: cfn-lint on every environment's template, and cdk-nag's
AwsSolutions pack with every finding either fixed or acknowledged on its own resource with a reason."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from aws_cdk import Stack
from cdk_nag import AwsSolutionsChecks
from cfnlint.api import ManualArgs, lint_file

from tests.infra.conftest import ENVIRONMENTS, Synth

# Rules ignored by id, each for a reason. Everything else, warnings included, must be clean.
CFN_LINT_IGNORED = {
    # CDK writes an explicit DependsOn on a function's role policy next to the GetAtt of the role:
    # redundant, harmless, and not ours to drop.
    "W3005",
}
ACKNOWLEDGED = "aws:cdk:acknowledged-rules"


@pytest.mark.parametrize("env", ENVIRONMENTS)
def test_cfn_lint_finds_nothing(synth: Callable[[str], Synth], env: str) -> None:
    matches = lint_file(synth(env).template_file, config=ManualArgs(regions=["us-east-1"]))
    found = [
        f"{m.rule.id} {m.path_string}: {m.message}" for m in matches if m.rule.id not in CFN_LINT_IGNORED
    ]
    assert found == []


@pytest.mark.parametrize("env", ENVIRONMENTS)
def test_cdk_nag_aws_solutions_has_no_unacknowledged_finding(synth: Callable[[str], Synth], env: str) -> None:
    built = synth(env)
    report = AwsSolutionsChecks(built.app).validate_scope(built.stack)
    # A finding names the construct it is about, or (from a template rule) its logical id.
    found = [
        f"{v.rule_name}: {[r.construct_path or r.resource_logical_id for r in v.violating_resources]}"
        for v in report.violations
    ]
    assert report.success and found == []


def test_every_acknowledgement_names_a_resource_and_a_reason(synth: Callable[[str], Synth]) -> None:
    built = synth("prod")
    acknowledged = 0
    for construct in built.stack.node.find_all():
        for entry in construct.node.metadata:
            if entry.type != ACKNOWLEDGED:
                continue
            # None stack-wide: each sits on the construct whose resource raised the finding.
            assert not isinstance(construct, Stack), entry.data
            for rule, reason in dict(entry.data).items():
                acknowledged += 1
                assert "AwsSolutions-" in rule
                assert len(str(reason).split()) >= 6, f"{construct.node.path} {rule}: {reason!r}"
    assert acknowledged > 0
