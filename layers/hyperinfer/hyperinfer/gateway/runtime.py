"""What a container builds once and every request reuses: settings, the catalog, the account store.

Nothing here runs at import time; each piece is built on first use. ``configure`` replaces the
settings (``hyperinfer dev`` and tests use it) and drops everything built from the old ones.
"""

from __future__ import annotations

from datetime import date
from functools import cached_property
from typing import TYPE_CHECKING

from hyperinfer.accounts.store import AccountStore
from hyperinfer.secrets import SecretCache, secrets_manager_fetch
from hyperinfer.settings import Settings, get_settings

if TYPE_CHECKING:
    # Loaded by the first request that uses them: a function that never names a model or bills a
    # call (keys, reports, batches' reads) does not pay the catalog's and billing's imports.
    from hyperinfer.accounts.billing import Billing
    from hyperinfer.catalog import Catalog


class Runtime:
    def __init__(self, settings: Settings) -> None:
        self.settings = settings

    @cached_property
    def catalog(self) -> Catalog:
        from hyperinfer.catalog import load_catalog
        from hyperinfer.lifecycle import warn_about_shutdowns

        catalog = load_catalog(self.settings.providers_file)
        warn_about_shutdowns(catalog, self.today())
        return catalog

    def today(self) -> date:
        """The day lifecycle dates are judged at: ``catalog_date`` when set (tests), else UTC's."""
        from hyperinfer.lifecycle import fixed

        return fixed(self.settings.catalog_date)()

    @cached_property
    def accounts(self) -> AccountStore:
        from hyperinfer import aws

        settings = self.settings
        return AccountStore(
            aws.dynamodb(settings),
            settings.table_name,
            key_cache_ttl=settings.key_cache_ttl,
            shards=settings.balance_shards,
        )

    @cached_property
    def secrets(self) -> SecretCache:
        from hyperinfer import aws

        settings = self.settings
        return SecretCache(secrets_manager_fetch(aws.secretsmanager(settings)), settings.secrets_cache_ttl)

    @cached_property
    def billing(self) -> Billing:
        from hyperinfer.accounts.billing import Billing

        return Billing(self.accounts)


_current: Runtime | None = None


def runtime() -> Runtime:
    global _current  # noqa: PLW0603 - one runtime per container, built lazily
    if _current is None:
        _current = Runtime(get_settings())
    return _current


def configure(settings: Settings) -> Runtime:
    global _current  # noqa: PLW0603
    _current = Runtime(settings)
    return _current
