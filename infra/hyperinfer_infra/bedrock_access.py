"""bedrock:InvokeModel* on exactly the catalog's Bedrock models, for the functions that call providers.

A model id is a foundation model (``amazon.nova-pro-v1:0``) or a cross-region inference profile
(``us.``/``eu.``/``apac.``/``global.`` + the model id). Invoking a profile needs the right on the
profile in the provider's region and on the foundation model in every region the profile may route
to, which only AWS knows and may grow, hence that model's ARN with a wildcard region; a global
profile's model ARN also comes with no region at all
(https://docs.aws.amazon.com/bedrock/latest/userguide/global-cross-region-inference.html).
"""

from __future__ import annotations

from pathlib import Path

from aws_cdk import Aws
from aws_cdk import aws_iam as iam
from hyperinfer.catalog import Catalog, ProviderKind, load_catalog

ACTIONS = ("bedrock:InvokeModel", "bedrock:InvokeModelWithResponseStream")
# Geography prefixes of system-defined inference profiles.
PROFILE_PREFIXES = ("us", "us-gov", "eu", "apac", "jp", "au", "ca", "global")


def bedrock_resources(catalog: Catalog) -> list[str]:
    """The ARNs the catalog's Bedrock models need, sorted and without repeats."""
    arns: set[str] = set()
    for model in catalog.models:
        provider = catalog.provider_of(model)
        if provider.kind is not ProviderKind.BEDROCK:
            continue
        region, model_id = provider.region or Aws.REGION, model.upstream_model
        if model_id.startswith("arn:"):
            arns.add(model_id)  # an ARN in the catalog is granted as written
            continue
        geography, _, base = model_id.partition(".")
        if geography in PROFILE_PREFIXES and base:
            arns.add(f"arn:{Aws.PARTITION}:bedrock:{region}:{Aws.ACCOUNT_ID}:inference-profile/{model_id}")
            arns.add(f"arn:{Aws.PARTITION}:bedrock:*::foundation-model/{base}")
            if geography == "global":
                arns.add(f"arn:{Aws.PARTITION}:bedrock:::foundation-model/{base}")
        else:
            arns.add(f"arn:{Aws.PARTITION}:bedrock:{region}::foundation-model/{model_id}")
    return sorted(arns)


def grant_bedrock(role: iam.IGrantable, catalog_path: Path) -> bool:
    """Allow ``role`` to invoke the catalog's Bedrock models; False (and no statement) when it has none."""
    resources = bedrock_resources(load_catalog(catalog_path))
    if not resources:
        return False
    role.grant_principal.add_to_principal_policy(
        iam.PolicyStatement(actions=list(ACTIONS), resources=resources)
    )
    return True


def nag_rules(catalog_path: Path) -> dict[str, str]:
    """cdk-nag's IAM5 findings for the wildcard-region model ARNs, each with its reason."""
    reason = (
        "An inference profile routes to its foundation model in regions AWS chooses (and may add), so "
        "the model's ARN takes a wildcard region; only that model, only the two invoke actions."
    )
    return {
        f"AwsSolutions-IAM5[Resource::{arn.replace(Aws.PARTITION, '<AWS::Partition>')}]": reason
        for arn in bedrock_resources(load_catalog(catalog_path))
        if ":*::" in arn
    }
