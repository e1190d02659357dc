"""`hyperinfer dev --fake-upstream`: the built-in fake provider in-process, and every provider of the
catalog pointed at it, so the first request answers offline with no provider key."""

from __future__ import annotations

import os
from pathlib import Path
from urllib.parse import urlsplit

from hyperinfer.catalog import Catalog, load_catalog, write_catalog_json

# What each provider's key variable holds in this mode: the fake accepts any key, and a real key
# the user has exported is never sent anywhere.
FAKE_KEY = "sk-fake-upstream-offline"


def pointed_at(catalog: Catalog, fake_url: str) -> Catalog:
    """The same catalog with each provider's scheme and host replaced by the fake's; the path stays,
    so each kind reaches the fake's route for its own wire format (``/v1/messages``, …)."""
    raw = catalog.model_dump()
    for provider in raw["providers"].values():
        path = urlsplit(str(provider["base_url"])).path.rstrip("/")
        provider["base_url"] = fake_url.rstrip("/") + path
    # Validated again, so a base_url the rewrite broke fails here rather than on the first request.
    return Catalog.model_validate(raw)


def write_fake_catalog(source: Path, fake_url: str, target: Path) -> Path:
    """``source`` pointed at the fake, written as JSON to ``target``; each provider's key variable set."""
    catalog = pointed_at(load_catalog(source), fake_url)
    use_fake_keys(catalog)
    target.parent.mkdir(parents=True, exist_ok=True)
    return write_catalog_json(catalog, target)


def use_fake_keys(catalog: Catalog) -> None:
    for provider in catalog.providers.values():
        if provider.api_key_env:  # bedrock signs with AWS credentials; a local server takes no key
            os.environ[provider.api_key_env] = FAKE_KEY


def banner(fake_url: str, providers: int) -> str:
    rule = "!" * 78
    return (
        f"{rule}\n"
        f"!! OFFLINE DEMO (--fake-upstream): all {providers} catalog providers answer from the\n"
        f"!! built-in fake provider at {fake_url}. Replies are canned text, not a model's;\n"
        f"!! no request leaves this machine. Run without --fake-upstream for the real providers.\n"
        f"{rule}"
    )
