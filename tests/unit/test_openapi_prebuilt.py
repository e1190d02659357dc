"""The layer ships the OpenAPI document pre-rendered; without it the function renders it itself."""

from __future__ import annotations

import json
from pathlib import Path

from hyperinfer.endpoints.openapi_doc import document_bytes, render

from scripts.build_layer import write_openapi


def test_the_layers_file_is_what_the_function_would_render(tmp_path: Path) -> None:
    written = write_openapi(tmp_path)
    assert written.read_bytes() == render()
    assert document_bytes(written) == written.read_bytes()


def test_a_prebuilt_file_is_served_verbatim(tmp_path: Path) -> None:
    prebuilt = tmp_path / "_openapi.json"
    prebuilt.write_text('{"openapi": "3.1.0", "marker": true}')
    assert json.loads(document_bytes(prebuilt)) == {"openapi": "3.1.0", "marker": True}


def test_without_the_file_the_document_is_rendered(tmp_path: Path) -> None:
    document = json.loads(document_bytes(tmp_path / "missing.json"))
    assert "/api/v1/chat/completions" in document["paths"]
