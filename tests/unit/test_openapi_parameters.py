"""The OpenAPI document declares every path parameter of every route, and the query parameters the
endpoints read, so generated clients and schemathesis can call them."""

from __future__ import annotations

import re

from hyperinfer.function_table import FUNCTIONS
from hyperinfer.openapi import build_document

DOCUMENT = build_document()


def test_every_path_parameter_is_declared_required_in_the_path() -> None:
    routes = [spec.route for spec in FUNCTIONS if spec.route]
    assert "/api/v1/report-uploads/{upload_id}" in routes
    for route in routes:
        for method, operation in DOCUMENT["paths"][route].items():
            declared = {p["name"] for p in operation.get("parameters", []) if p["in"] == "path"}
            assert declared == set(re.findall(r"\{(\w+)\}", route)), (method, route)
            assert all(p["required"] for p in operation.get("parameters", []) if p["in"] == "path")


def test_the_query_parameters_the_endpoints_read_are_declared() -> None:
    def query(route: str) -> dict[str, bool]:
        operation = DOCUMENT["paths"][route]["get"]
        return {p["name"]: p["required"] for p in operation["parameters"] if p["in"] == "query"}

    assert query("/api/v1/generation") == {"id": True}
    assert query("/api/v1/reports") == {"since": False, "until": False, "limit": False, "cursor": False}
