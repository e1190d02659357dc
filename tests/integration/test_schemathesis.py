"""A bounded schemathesis run against the /openapi.json `hyperinfer dev` serves: valid and invalid
inputs for every operation, and no answer may be a 5xx, have a content type the document does not
declare, or break its declared schema.

Hypothesis drives schemathesis' strategies directly (its pytest plugin does not run under the
pinned pytest); the operations are the document's own, one test each, both generation modes.
"""

from __future__ import annotations

from typing import Any

import pytest
from hyperinfer.openapi import build_document
from hypothesis import HealthCheck, given, settings
from schemathesis import BaseSchema, Case, GenerationMode
from schemathesis.checks import content_type_conformance, not_a_server_error, response_schema_conformance
from schemathesis.openapi import from_url

from tests.integration.conftest import DEV_KEY, INTERNAL_TOKEN, Gateway
from tests.integration.test_bad_input_fuzz import report_queues_drain

EXAMPLES = 20  # per operation and mode: about 650 requests, a minute or two here
CHECKS = [not_a_server_error, content_type_conformance, response_schema_conformance]


def _constrained(operation: dict[str, Any]) -> bool:
    """Whether an invalid input exists: a body, or a parameter more specific than any string."""
    schemas = [p["schema"] for p in operation.get("parameters", [])]
    return "requestBody" in operation or any(set(schema) - {"type", "description"} for schema in schemas)


CASES = [
    (path, method, mode)
    for path, item in build_document()["paths"].items()
    for method, operation in item.items()
    for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE)
    if mode is GenerationMode.POSITIVE or _constrained(operation)
]


@pytest.fixture(scope="module")
def served(gateway: Gateway) -> BaseSchema:
    schema = from_url(f"{gateway.url}/openapi.json")
    schema.config.update(
        base_url=gateway.url,
        headers={"Authorization": f"Bearer {DEV_KEY}", "X-Internal-Token": INTERNAL_TOKEN},
        request_timeout=20,
    )
    return schema


@pytest.mark.timeout(300)
@pytest.mark.parametrize(("path", "method", "mode"), CASES)
def test_no_operation_answers_a_5xx_or_off_its_schema(
    served: BaseSchema, path: str, method: str, mode: GenerationMode
) -> None:
    operation: Any = served[path][method.upper()]

    @given(case=operation.as_strategy(generation_mode=mode))
    @settings(
        max_examples=EXAMPLES,
        deadline=None,
        derandomize=True,
        database=None,
        suppress_health_check=list(HealthCheck),
    )
    def run(case: Case[Any]) -> None:
        case.call_and_validate(checks=CHECKS)

    run()


def test_the_reports_it_sent_are_all_consumed(gateway: Gateway) -> None:
    # Runs after the operations above (file order): nothing they reported is left failing or dead.
    assert report_queues_drain(gateway) == 0
