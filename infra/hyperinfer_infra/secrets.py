"""The two Secrets Manager secrets of an environment (``function_table.Secret``); each function gets
the ARN (in an environment variable) and read access of only the secrets its spec names.

Neither value is in the template: the provider keys secret starts as an empty JSON object that the
user replaces after deploy (``aws secretsmanager put-secret-value``); the internal token is generated
by Secrets Manager.
"""

from __future__ import annotations

from collections.abc import Iterable

from aws_cdk import aws_iam as iam
from aws_cdk import aws_secretsmanager as secretsmanager
from constructs import Construct
from hyperinfer.deployment import SECRET_VARIABLES
from hyperinfer.function_table import Secret

from hyperinfer_infra.config import EnvConfig
from hyperinfer_infra.nag import acknowledge

# The environment variable through which the runtime finds each secret.
ENV_VARS = SECRET_VARIABLES
# cdk-nag's SMG4 asks for automatic rotation, which needs a Lambda able to mint a new value.
ROTATION_REASONS: dict[Secret, str] = {
    Secret.PROVIDER_KEYS: "Provider API keys are minted by each provider; the owner rotates them with "
    "put-secret-value, no rotation Lambda can.",
    Secret.INTERNAL_TOKEN: "The token is shared with the internal caller, which must change in step; "
    "it is rotated by hand (put-secret-value), not on a schedule.",
}


class Secrets(Construct):
    def __init__(self, scope: Construct, construct_id: str, *, config: EnvConfig) -> None:
        super().__init__(scope, construct_id)
        provider_keys = secretsmanager.Secret(
            self,
            "ProviderKeys",
            secret_name=config.secret_name(Secret.PROVIDER_KEYS.value),
            description="Provider API keys: a JSON object of api_key_env name -> key (set after deploy).",
            # An empty object, not a key: "no provider configured" until the user puts the real value.
            secret_object_value={},
            removal_policy=config.removal_policy,
        )
        internal_token = secretsmanager.Secret(
            self,
            "InternalToken",
            secret_name=config.secret_name(Secret.INTERNAL_TOKEN.value),
            description="Shared secret of the X-Internal-Token header (playground keys).",
            # Letters and digits only: the token travels in an HTTP header and in shell commands.
            generate_secret_string=secretsmanager.SecretStringGenerator(
                exclude_punctuation=True, password_length=48
            ),
            removal_policy=config.removal_policy,
        )
        self.secrets: dict[Secret, secretsmanager.Secret] = {
            Secret.PROVIDER_KEYS: provider_keys,
            Secret.INTERNAL_TOKEN: internal_token,
        }
        for secret, resource in self.secrets.items():
            acknowledge(resource, {"AwsSolutions-SMG4": ROTATION_REASONS[secret]})

    def environment(self, needs: Iterable[Secret]) -> dict[str, str]:
        return {ENV_VARS[secret]: self.secrets[secret].secret_arn for secret in needs}

    def grant_read(self, grantee: iam.IGrantable, needs: Iterable[Secret]) -> None:
        for secret in needs:
            self.secrets[secret].grant_read(grantee)
