"""On Lambda a function whose resource names are missing fails its init, naming the variables;
off Lambda (``hyperinfer dev``, tests) the settings' defaults stand."""

from __future__ import annotations

import runpy

import pytest
from hyperinfer.deployment import MissingSettingError, check_environment, function_variables
from hyperinfer.web import function_app

from tests.support import ALL_SPECS, REPO

ON_LAMBDA = {"AWS_LAMBDA_FUNCTION_NAME": "HyperInfer-prod-ChatCompletions"}
GENERATION_NEEDS = {"HYPERINFER_TABLE_NAME": "t", "HYPERINFER_PROVIDER_KEYS_SECRET": "arn:secret"}


def test_off_lambda_nothing_is_required() -> None:
    for spec in ALL_SPECS:
        check_environment(spec.name, {})


def test_on_lambda_each_missing_variable_is_named() -> None:
    with pytest.raises(MissingSettingError) as raised:
        check_environment("chat_completions", ON_LAMBDA)
    assert "HYPERINFER_TABLE_NAME" in str(raised.value)
    assert "HYPERINFER_PROVIDER_KEYS_SECRET" in str(raised.value)
    with pytest.raises(MissingSettingError, match="HYPERINFER_PROVIDER_KEYS_SECRET") as raised:
        check_environment("chat_completions", {**ON_LAMBDA, "HYPERINFER_TABLE_NAME": "t"})
    assert "HYPERINFER_TABLE_NAME" not in str(raised.value)
    # An empty value is as missing as an absent one.
    with pytest.raises(MissingSettingError, match="HYPERINFER_TABLE_NAME"):
        check_environment("chat_completions", {**ON_LAMBDA, **GENERATION_NEEDS, "HYPERINFER_TABLE_NAME": ""})
    check_environment("chat_completions", {**ON_LAMBDA, **GENERATION_NEEDS})


def test_a_function_touching_nothing_needs_nothing_on_lambda() -> None:
    for name in ("healthz", "openapi", "models"):
        assert function_variables(name) == ()
        check_environment(name, ON_LAMBDA)


def test_consumers_need_their_own_queue_and_readiness_its_probes() -> None:
    assert function_variables("report_uploads_ingest") == (
        "HYPERINFER_TABLE_NAME",
        "HYPERINFER_UPLOAD_QUEUE_NAME",
        "HYPERINFER_REPORT_BUCKET_NAME",
    )
    assert function_variables("readyz") == ("HYPERINFER_TABLE_NAME", "HYPERINFER_REPORT_QUEUE_NAME")
    assert function_variables("report") == (
        "HYPERINFER_TABLE_NAME",
        "HYPERINFER_REPORT_QUEUE_NAME",
        "HYPERINFER_REPORT_BUCKET_NAME",
    )


def test_a_deployed_http_function_fails_at_init(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AWS_LAMBDA_FUNCTION_NAME", "HyperInfer-prod-Generation")
    monkeypatch.delenv("HYPERINFER_TABLE_NAME", raising=False)
    with pytest.raises(MissingSettingError, match="HYPERINFER_TABLE_NAME"):
        function_app("generation")
    monkeypatch.setenv("HYPERINFER_TABLE_NAME", "hyperinfer-prod")
    assert function_app("generation").routes  # all there: the app builds


def test_a_deployed_consumer_fails_at_import(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AWS_LAMBDA_FUNCTION_NAME", "HyperInfer-prod-ReportIngest")
    for variable in function_variables("report_ingest"):
        monkeypatch.delenv(variable, raising=False)
    with pytest.raises(MissingSettingError, match="HYPERINFER_REPORT_QUEUE_NAME"):
        runpy.run_path(str(REPO / "functions/report_ingest/app.py"))
