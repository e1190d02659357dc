import re

import pytest
from hyperinfer.settings import Settings
from pydantic import ValidationError

from tests.support import REPO


def test_every_setting_is_in_the_readme_with_its_default() -> None:
    readme = (REPO / "README.md").read_text()
    for name, field in Settings.model_fields.items():
        default = "unset" if field.default is None else str(field.default)
        row = re.search(rf"^\| `HYPERINFER_{name.upper()}` \| `?([^|`]+)`? \|", readme, re.M)
        assert row is not None, f"HYPERINFER_{name.upper()} missing from the README"
        assert row.group(1).strip() == default


def test_settings_come_from_prefixed_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HYPERINFER_KEEPALIVE_INTERVAL", "2.5")
    monkeypatch.setenv("HYPERINFER_MAX_REQUEST_BYTES", "1024")
    settings = Settings()
    assert settings.keepalive_interval == 2.5 and settings.max_request_bytes == 1024


def test_nonsense_fails_loudly(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HYPERINFER_UPSTREAM_READ_TIMEOUT", "-1")
    with pytest.raises(ValidationError, match="upstream_read_timeout"):
        Settings()
