"""A function loads only what its requests use (cold start, issue 11): the modules a capability
needs are imported by the first request that uses them, never by a function that has none.

Each case imports one endpoint module in a fresh interpreter and lists what it pulled in; a module
imported eagerly again (a top-level import in a shared module) fails the case that names it.
"""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

CATALOG = "hyperinfer.catalog"
BILLING = "hyperinfer.accounts.billing"
PROVIDER_CONTRACT = "hyperinfer.providers.contract"
ANTHROPIC_REQUEST = "hyperinfer.formats.anthropic_messages.request"

# endpoint module -> modules it must not import (its requests never use them)
CASES = {
    "playground_keys": (CATALOG, BILLING, PROVIDER_CONTRACT, ANTHROPIC_REQUEST),
    "report": (CATALOG, BILLING, PROVIDER_CONTRACT, ANTHROPIC_REQUEST),
    "reports": (CATALOG, BILLING, PROVIDER_CONTRACT, ANTHROPIC_REQUEST),
    "report_uploads": (CATALOG, BILLING, PROVIDER_CONTRACT),
    "generation": (CATALOG, BILLING, PROVIDER_CONTRACT, ANTHROPIC_REQUEST),
}


def imported_by(module: str) -> set[str]:
    probe = f"import json, sys; import {module}; print(json.dumps(sorted(sys.modules)))"
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    return set(json.loads(out.stdout))


@pytest.mark.parametrize("endpoint", sorted(CASES))
def test_an_endpoint_loads_no_capability_it_never_uses(endpoint: str) -> None:
    loaded = imported_by(f"hyperinfer.endpoints.{endpoint}")
    assert f"hyperinfer.endpoints.{endpoint}" in loaded
    assert sorted(loaded & set(CASES[endpoint])) == []


def test_the_anthropic_report_model_is_loaded_with_the_first_anthropic_report() -> None:
    probe = (
        "import sys\n"
        "from hyperinfer.reports.models import validate_report\n"
        f"assert {ANTHROPIC_REQUEST!r} not in sys.modules\n"
        "report = validate_report('anthropic', {'metadata': {'team': 'a'}})\n"
        f"assert {ANTHROPIC_REQUEST!r} in sys.modules\n"
        "print(type(report).__name__, report.merged_metadata())\n"
    )
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    assert out.stdout.split() == ["AnthropicReport", "{'team':", "'a'}"]


def test_passthrough_loads_only_the_flavour_a_request_uses() -> None:
    probe = (
        "import json, sys\n"
        "from hyperinfer.gateway.passthrough import flavour_of\n"
        "flavour_of('chat_completions')\n"
        "print(json.dumps(sorted(sys.modules)))\n"
    )
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    loaded = set(json.loads(out.stdout))
    assert "hyperinfer.gateway.passthrough.chat" in loaded
    assert (
        sorted(loaded & {"hyperinfer.gateway.passthrough.messages", "hyperinfer.providers.anthropic"}) == []
    )
