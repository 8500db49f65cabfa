"""``validate --format sarif``: SARIF 2.1.0 that validates against the OASIS JSON schema
(``tests/data/sarif-schema-2.1.0.json``, errata 01) and carries what GitHub code scanning reads."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from smartspec.rules import RULES, Finding, ValidationResult, validate_text
from smartspec.rules.sarif import to_sarif
from tests.rules import spec

SCHEMA_PATH = Path(__file__).parent.parent / "data" / "sarif-schema-2.1.0.json"

SPEC = spec("""
    # SPEC-XXX: Jobs

    ## 1. Overview

    Users log in with a JWT.

    ## 2. Architecture

    Workers consume the queue.
    """)


@pytest.fixture(scope="module")
def validator() -> jsonschema.Draft4Validator:
    schema = json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))
    assert schema["id"].endswith("/sarif-schema-2.1.0.json")
    jsonschema.Draft4Validator.check_schema(schema)
    return jsonschema.Draft4Validator(schema, format_checker=jsonschema.FormatChecker())


def _valid(validator: jsonschema.Draft4Validator, log: dict[str, Any]) -> None:
    errors = sorted(validator.iter_errors(json.loads(json.dumps(log))), key=str)
    assert not errors, "\n".join(f"{list(e.absolute_path)}: {e.message}" for e in errors)


def test_findings_validate_against_the_schema(validator: jsonschema.Draft4Validator) -> None:
    results = [validate_text(SPEC, path="specs/feature/spec-001-jobs/spec.md"),
               ValidationResult(path="specs/core/clean/spec.md")]
    log = to_sarif(results)
    _valid(validator, log)
    assert log["version"] == "2.1.0"
    run = log["runs"][0]
    rules = run["tool"]["driver"]["rules"]
    assert [r["id"] for r in rules] == [rule.code for rule in RULES]
    assert {r["name"] for r in rules} == set(RULES.names)
    assert len(run["results"]) == results[0].errors + results[0].warnings > 0
    for item in run["results"]:
        assert rules[item["ruleIndex"]]["id"] == item["ruleId"]
        location = item["locations"][0]["physicalLocation"]
        assert location["artifactLocation"] == {
            "uri": "specs/feature/spec-001-jobs/spec.md", "uriBaseId": "%SRCROOT%"}
        assert location["region"]["startLine"] >= 1
        assert item["level"] in ("error", "warning")
        assert item["partialFingerprints"]["smartspecFinding/v1"]
    queue = next(i for i in run["results"] if i["ruleId"] == "SS002")
    assert queue["level"] == "error"
    assert queue["message"]["text"].startswith('Queue mentioned ("workers")')
    assert queue["locations"][0]["physicalLocation"]["region"]["startLine"] == 9


def test_no_line_absolute_paths_spaces_and_configured_levels(
        validator: jsonschema.Draft4Validator) -> None:
    missing = Finding("required-sections", "SS101", "error", "Required section missing", None)
    results = [ValidationResult(path="/abs/my specs/spec.md", findings=(missing,)),
               ValidationResult(path="./specs/a b/spec.md", findings=(missing,))]
    severities = {rule.name: rule.severity for rule in RULES} | {"placeholders": "off",
                                                                 "queue-metrics": "warn"}
    log = to_sarif(results, severities)
    _valid(validator, log)
    run = log["runs"][0]
    first, second = (r["locations"][0]["physicalLocation"] for r in run["results"])
    assert first["artifactLocation"] == {"uri": "file:///abs/my%20specs/spec.md"}
    assert first["region"] == {"startLine": 1}
    assert second["artifactLocation"]["uri"] == "specs/a%20b/spec.md"
    by_name = {r["name"]: r["defaultConfiguration"] for r in run["tool"]["driver"]["rules"]}
    assert by_name["placeholders"] == {"level": "none", "enabled": False}
    assert by_name["queue-metrics"] == {"level": "warning", "enabled": True}


def test_an_empty_run_is_valid(validator: jsonschema.Draft4Validator) -> None:
    log = to_sarif([])
    _valid(validator, log)
    assert log["runs"][0]["results"] == []


def test_the_schema_rejects_what_code_scanning_would(validator: jsonschema.Draft4Validator) -> None:
    log = to_sarif([validate_text(SPEC, path="a.md")])
    log["runs"][0]["results"][0]["level"] = "fatal"
    del log["runs"][0]["results"][1]["message"]
    assert len(list(validator.iter_errors(log))) == 2


def test_fingerprints_survive_a_moved_line() -> None:
    moved = SPEC.replace("## 1. Overview", "Intro.\n\n## 1. Overview")
    before = to_sarif([validate_text(SPEC, path="a.md")])["runs"][0]["results"]
    after = to_sarif([validate_text(moved, path="a.md")])["runs"][0]["results"]
    assert [r["partialFingerprints"] for r in before] == [r["partialFingerprints"] for r in after]
    assert [r["locations"] for r in before] != [r["locations"] for r in after]
