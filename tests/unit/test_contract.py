"""OpenAPI export and the check-api drift rules."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest
import yaml
from openapi_spec_validator import validate

from smartspec.contract import drift
from smartspec.contract.openapi import build, to_json, to_yaml
from smartspec.contract.schema import infer_schema, problems
from smartspec.delivery.items import SpecFacts, read_facts
from tests.conftest import Golden
from tests.delivery_cases import CASES, TARGET, render, spec_rel, spec_text

GOLDEN_SPECS = sorted((Path(__file__).resolve().parents[1] / "data" / "golden").glob("*.md"))


@pytest.mark.parametrize("path", GOLDEN_SPECS, ids=lambda p: p.stem)
def test_every_golden_spec_exports_a_valid_openapi_document(path: Path) -> None:
    facts = read_facts(path.read_text(encoding="utf-8"), path.name)
    document = build(facts)
    validate(document)  # openapi-spec-validator: raises on any schema violation
    assert yaml.safe_load(to_yaml(document)) == document
    assert json.loads(to_json(document)) == document
    assert {(m.upper(), p) for p, ops in document["paths"].items() for m in ops} == \
        {(e.method, e.path) for e in facts.endpoints}


@pytest.mark.parametrize("case", list(CASES))
def test_openapi_goldens_match(case: str, golden: Golden) -> None:
    golden.check(TARGET / case / "openapi.yaml", render(case)["openapi.yaml"])


def _facts() -> SpecFacts:
    return read_facts(spec_text("financial"), spec_rel("financial"))


def _findings(document: Any, facts: SpecFacts | None = None) -> list[tuple[str, str]]:
    facts = facts or _facts()
    text = to_yaml(document) if isinstance(document, dict) else ""
    found = drift.check(facts, document, text)
    return [(f.rule, f.message) for group in found.values() for f in group]


@pytest.mark.parametrize("path", GOLDEN_SPECS, ids=lambda p: p.stem)
def test_a_spec_against_its_own_export_has_no_drift(path: Path) -> None:
    facts = read_facts(path.read_text(encoding="utf-8"), path.name)
    assert _findings(build(facts), facts) == []


def test_the_export_carries_the_spec_contract() -> None:
    document = build(_facts())
    post = document["paths"]["/api/v1/payments"]["post"]
    assert post["requestBody"]["content"]["application/json"]["example"]["amount"] == "150.00"
    assert set(post["responses"]) == {"201", "400", "401", "403", "409", "422"}
    get_one = document["paths"]["/api/v1/payments/{id}"]["get"]
    assert get_one["parameters"] == [{"name": "id", "in": "path", "required": True,
                                      "schema": {"type": "string"}}]
    assert "404" not in get_one["responses"]  # the spec names no 404 for this API
    schemes = document["components"]["securitySchemes"]
    assert schemes["bearerAuth"] == {"type": "http", "scheme": "bearer", "bearerFormat": "JWT"}
    assert document["components"]["schemas"]["Payment"]["properties"]["created_at"] == \
        {"type": "string", "format": "date-time"}
    error = document["components"]["schemas"]["Error"]
    assert error["properties"]["error"]["required"] == ["code", "message", "request_id"]


def _drop_operation(d: dict[str, Any]) -> None:
    del d["paths"]["/api/v1/payments"]["post"]


def _extra_operation(d: dict[str, Any]) -> None:
    d["paths"]["/api/v1/payments/{id}"]["delete"] = {"responses": {"204": {"description": "x"}}}


def _undeclared_param(d: dict[str, Any]) -> None:
    del d["paths"]["/api/v1/payments/{id}"]["get"]["parameters"]


def _no_body(d: dict[str, Any]) -> None:
    del d["paths"]["/api/v1/payments"]["post"]["requestBody"]


def _no_success(d: dict[str, Any]) -> None:
    del d["paths"]["/api/v1/payments/{id}"]["get"]["responses"]["200"]


def _no_error_code(d: dict[str, Any]) -> None:
    for ops in d["paths"].values():
        for op in ops.values():
            op["responses"].pop("409", None)


def _no_scheme(d: dict[str, Any]) -> None:
    del d["components"]["securitySchemes"]["bearerAuth"]
    d["security"] = [s for s in d["security"] if "bearerAuth" not in s]


def _unsecured(d: dict[str, Any]) -> None:
    d["paths"]["/api/v1/payments"]["get"]["security"] = []


def _bad_example(d: dict[str, Any]) -> None:
    body = d["paths"]["/api/v1/payments"]["post"]["requestBody"]["content"]["application/json"]
    body["schema"]["properties"]["amount"] = {"type": "number"}


def _no_example_status(d: dict[str, Any]) -> None:
    post = d["paths"]["/api/v1/payments"]["post"]
    post["responses"]["200"] = post["responses"].pop("201")


def _not_openapi(d: dict[str, Any]) -> None:
    d.pop("openapi")


DRIFTS = {
    "api-missing-operation": _drop_operation,
    "api-extra-operation": _extra_operation,
    "api-undeclared-path-parameter": _undeclared_param,
    "api-missing-request-body": _no_body,
    "api-missing-success-response": _no_success,
    "api-missing-error-code": _no_error_code,
    "api-missing-security-scheme": _no_scheme,
    "api-unsecured-operation": _unsecured,
    "api-example-mismatch": _bad_example,
    "api-missing-example-status": _no_example_status,
    "api-not-openapi": _not_openapi,
}


@pytest.mark.parametrize("rule", list(DRIFTS))
def test_each_injected_drift_is_caught_by_its_rule(rule: str) -> None:
    document = copy.deepcopy(build(_facts()))
    DRIFTS[rule](document)
    found = _findings(document)
    assert rule in {name for name, _ in found}, found


def test_every_drift_rule_has_an_injection() -> None:
    assert set(DRIFTS) == set(drift.DRIFT_RULES.names)
    assert len(DRIFTS) >= 8


def test_colon_and_brace_parameters_are_one_route() -> None:
    document = build(_facts())
    item = document["paths"].pop("/api/v1/payments/{id}")
    item["get"]["parameters"][0]["name"] = "paymentId"
    document["paths"]["/api/v1/payments/{paymentId}"] = item
    assert _findings(document) == []
    assert drift.route("/a/:id") == drift.route("/a/{orderId}") == "/a/{}"


def test_schema_checker_reports_paths_and_resolves_refs() -> None:
    root = {"components": {"schemas": {"P": {"type": "object", "required": ["id"],
                                             "properties": {"id": {"type": "string"},
                                                            "n": {"type": "integer"}}}}}}
    ref = {"$ref": "#/components/schemas/P"}
    assert list(problems({"id": "a", "n": 2}, ref, root)) == []
    assert list(problems({"n": 2.5}, ref, root)) == [
        "$.id is required but missing", "$.n is a number, expected integer"]
    inferred = infer_schema({"a": [1, 2], "b": None})
    assert inferred["required"] == ["a"]
    assert list(problems({"a": [3], "b": "x"}, inferred, {})) == []
