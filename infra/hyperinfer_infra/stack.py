"""One stack per environment, composing the data, secrets, function, consumer, scheduled, API and
observability constructs."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from aws_cdk import CfnOutput, Stack
from aws_cdk import aws_lambda as lambda_
from constructs import Construct
from hyperinfer.function_table import (
    CONSUMERS,
    FUNCTIONS,
    SCHEDULED,
    ConsumerSpec,
    FunctionSpec,
    ScheduledSpec,
    Secret,
    Touches,
)

from hyperinfer_infra.api import Api
from hyperinfer_infra.bedrock_access import grant_bedrock
from hyperinfer_infra.bedrock_access import nag_rules as bedrock_rules
from hyperinfer_infra.config import EnvConfig
from hyperinfer_infra.consumers import ConsumerFunction
from hyperinfer_infra.data import Data
from hyperinfer_infra.functions import GatewayFunction
from hyperinfer_infra.lambdas import FunctionKit
from hyperinfer_infra.nag import acknowledge
from hyperinfer_infra.observability import Observability
from hyperinfer_infra.scheduled import ScheduledFunction
from hyperinfer_infra.secrets import Secrets

REPO_ROOT = Path(__file__).resolve().parents[2]
FUNCTIONS_DIR = REPO_ROOT / "functions"
CATALOG_FILE = REPO_ROOT / "providers.yaml"  # what scripts/build_layer.py ships as PROVIDERS_FILE
# scripts/build_layer.py writes the repo's providers.yaml, validated, as JSON to the layer root,
# i.e. /opt at run time (hyperinfer.catalog.load_catalog reads either form).
PROVIDERS_FILE = "/opt/providers.json"


class HyperInferStack(Stack):
    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        config: EnvConfig,
        layer_path: Path,
        functions: Sequence[FunctionSpec] = FUNCTIONS,
        consumers: Sequence[ConsumerSpec] = CONSUMERS,
        scheduled: Sequence[ScheduledSpec] = SCHEDULED,
        functions_dir: Path = FUNCTIONS_DIR,
        catalog_file: Path = CATALOG_FILE,
    ) -> None:
        super().__init__(scope, construct_id, description=f"HyperInfer AI gateway ({config.name})")
        data = Data(self, "Data", config=config)
        secrets = Secrets(self, "Secrets", config=config)
        # One layer for all functions: dependencies plus the hyperinfer package (built without Docker).
        layer = lambda_.LayerVersion(
            self,
            "HyperInferLayer",
            code=lambda_.Code.from_asset(str(layer_path)),
            compatible_runtimes=[lambda_.Runtime.PYTHON_3_12],
            compatible_architectures=[lambda_.Architecture.ARM_64],
            description="hyperinfer package, its runtime dependencies and the model catalog",
        )
        # What every function gets; the names of the resources it touches come with its grants.
        environment = {
            "HYPERINFER_PROVIDERS_FILE": PROVIDERS_FILE,
            # Settings.aws_region has its own default; it must follow the deployed region.
            "HYPERINFER_AWS_REGION": self.region,
        }
        kit = FunctionKit(layer, environment, config, data, secrets, functions_dir)
        every: list[tuple[str, lambda_.Function]] = []
        gateway_functions = []
        for spec in functions:
            function = GatewayFunction(self, function_construct_id(spec.name), spec=spec, kit=kit)
            _may_invoke_bedrock(function.function, spec.touches, catalog_file)
            gateway_functions.append(function)
            every.append((function_construct_id(spec.name), function.function))
        for consumer in consumers:
            consumer_function = ConsumerFunction(
                self,
                function_construct_id(consumer.name),
                spec=consumer,
                queue=data.queues[consumer.queue],
                kit=kit,
            )
            _may_invoke_bedrock(consumer_function.function, consumer.touches, catalog_file)
            every.append((function_construct_id(consumer.name), consumer_function.function))
        for job in scheduled:
            scheduled_function = ScheduledFunction(self, function_construct_id(job.name), spec=job, kit=kit)
            every.append((function_construct_id(job.name), scheduled_function.function))
        # RestApi already outputs its stage URL ("...Endpoint"); Api adds DomainUrl with a domain.
        api = Api(self, "Api", functions=gateway_functions, config=config)
        Observability(
            self,
            "Observability",
            config=config,
            rest_api=api.rest_api,
            functions=every,
            dead_letter_queues=[
                ("ReportQueue", data.dead_letter_queue),
                ("UploadQueue", data.upload_dead_letter_queue),
                ("BatchQueue", data.batch_dead_letter_queue),
            ],
        )

        CfnOutput(self, "TableName", value=data.table.table_name)
        CfnOutput(self, "ReportQueueUrl", value=data.report_queue.queue_url)
        CfnOutput(self, "UploadQueueUrl", value=data.upload_queue.queue_url)
        CfnOutput(self, "BatchQueueUrl", value=data.batch_queue.queue_url)
        CfnOutput(self, "ReportBucketName", value=data.report_bucket.bucket_name)
        for secret in secrets.secrets:
            output = function_construct_id(secret.value.replace("-", "_"))
            CfnOutput(self, f"{output}SecretName", value=config.secret_name(secret.value))


def _may_invoke_bedrock(function: lambda_.Function, touches: Touches, catalog_file: Path) -> None:
    """The functions holding provider keys are the ones that call providers (the generation
    functions, the batch consumer): they alone may invoke the catalog's Bedrock models."""
    if Secret.PROVIDER_KEYS in touches.secrets and grant_bedrock(function, catalog_file):
        acknowledge(function, bedrock_rules(catalog_file))


def function_construct_id(function_name: str) -> str:
    """``chat_completions`` -> ``ChatCompletions``: readable logical IDs in the template."""
    return "".join(part.capitalize() for part in function_name.split("_"))
