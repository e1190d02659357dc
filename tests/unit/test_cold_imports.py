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
    # The batch functions that only read a batch name ingresses, never the catalog or the IR.
    "batches_list": (CATALOG, BILLING, PROVIDER_CONTRACT, "hyperinfer.formats.contract"),
    "message_batches_list": (CATALOG, BILLING, PROVIDER_CONTRACT, "hyperinfer.formats.contract"),
    "message_batch_results": (CATALOG, BILLING, PROVIDER_CONTRACT, "hyperinfer.formats.contract"),
}


def fresh(probe: str) -> str:
    """What ``probe`` prints, run in a fresh interpreter."""
    return subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True).stdout


def loaded_after(probe: str) -> set[str]:
    """The modules a fresh interpreter holds once ``probe`` has run."""
    return set(json.loads(fresh(f"import json, sys\n{probe}\nprint(json.dumps(sorted(sys.modules)))\n")))


def imported_by(module: str) -> set[str]:
    return loaded_after(f"import {module}")


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
    assert fresh(probe).split() == ["AnthropicReport", "{'team':", "'a'}"]


def test_passthrough_loads_only_the_flavour_a_request_uses() -> None:
    loaded = loaded_after(
        "from hyperinfer.gateway.passthrough import flavour_of\nflavour_of('chat_completions')"
    )
    assert "hyperinfer.gateway.passthrough.chat" in loaded
    assert (
        sorted(loaded & {"hyperinfer.gateway.passthrough.messages", "hyperinfer.providers.anthropic"}) == []
    )


# The IR's models and the translation halves of the provider kinds: a same-format call needs none.
IR_MODELS = (
    "hyperinfer.ir.request",
    "hyperinfer.ir.content",
    "hyperinfer.ir.events",
    "hyperinfer.ir.response",
    "hyperinfer.providers.target",
)


@pytest.mark.parametrize(
    ("endpoint", "ingress", "flavour"),
    [
        ("chat_completions", "CHAT_COMPLETIONS", "chat"),
        ("responses", "RESPONSES", "responses"),
        ("messages", "ANTHROPIC_MESSAGES", "messages"),
    ],
)
def test_a_passthrough_call_loads_none_of_the_ir(endpoint: str, ingress: str, flavour: str) -> None:
    # What a same-format request touches: its endpoint, the request schema, the native adapter
    # (URL, headers, error mapping) and the passthrough flavour that reads the answer's usage.
    loaded = loaded_after(
        f"import hyperinfer.endpoints.{endpoint}\n"
        "from hyperinfer.gateway import ingress\n"
        "from hyperinfer.gateway.adapters import adapter_for\n"
        "from hyperinfer.gateway.passthrough import flavour_of\n"
        f"chosen = ingress.{ingress}\n"
        "chosen.request_model  # noqa: B018 - the schema is built on first use\n"
        "adapter = adapter_for(chosen.native)\n"
        "adapter.map_error('p', 500, b'{}', {}, ())\n"
        "flavour_of(chosen.name)\n"
    )
    assert f"hyperinfer.gateway.passthrough.{flavour}" in loaded
    assert sorted(loaded & set(IR_MODELS)) == []


def test_reading_the_catalog_loads_no_url_module_of_pydantic() -> None:
    # The catalog's URLs are checked as HttpUrl checks them, without pydantic.networks (~3 ms).
    probe = (
        "import sys\n"
        "from pathlib import Path\n"
        "from hyperinfer.catalog import load_catalog\n"
        "catalog = load_catalog(Path('providers.yaml'))\n"
        "print(catalog.providers['openai'].base_url.host, 'pydantic.networks' in sys.modules)\n"
    )
    assert fresh(probe).split() == ["api.openai.com", "False"]
