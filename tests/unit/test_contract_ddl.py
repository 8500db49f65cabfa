"""OpenAPI component schemas come from the spec's DDL: every column the API shows (an
optional one nobody set in an example included), typed, nullable, bounded and enumerated
as the table says."""

from __future__ import annotations

from pathlib import Path

import pytest
from openapi_spec_validator import validate

from smartspec.contract import drift
from smartspec.contract.openapi import build
from smartspec.delivery.items import read_facts

CONTENT_GOLDEN = Path(__file__).resolve().parents[1] / "content" / "golden"
CONTENT_SPECS = sorted(CONTENT_GOLDEN.glob("*.md"))


def _drift(facts: object, document: object) -> list[str]:
    """What check-api says about the examples against the schemas (the drift this change
    can cause; the admin site's error statuses are another matter)."""
    from smartspec.contract.openapi import to_json

    found = drift.check(facts, document, to_json(document))  # type: ignore[arg-type]
    return [f.message for where in found.values() for f in where
            if f.rule == "api-example-mismatch"]


def _export(name: str) -> dict[str, object]:
    path = CONTENT_GOLDEN / f"{name}.md"
    return build(read_facts(path.read_text(encoding="utf-8"), path.name))


def test_an_optional_column_nobody_set_is_in_the_schema_and_nullable() -> None:
    schemas = _export("system-iot-telemetry")["components"]["schemas"]  # type: ignore[index]
    device = schemas["Device"]
    assert device["properties"]["last_seen_at"] == {"type": ["string", "null"],
                                                    "format": "date-time"}
    assert device["properties"]["serial_number"] == {"type": "string", "maxLength": 100}
    assert device["properties"]["status"]["enum"] == ["PROVISIONED", "ACTIVE", "OFFLINE",
                                                      "DECOMMISSIONED"]
    assert {"id", "serial_number", "status"} <= set(device["required"])
    assert "last_seen_at" not in device["required"]


def test_secrets_never_appear_in_a_schema() -> None:
    schemas = _export("system-user-accounts")["components"]["schemas"]  # type: ignore[index]
    assert all("password_hash" not in s.get("properties", {}) for s in schemas.values())


def test_an_example_outside_a_check_list_is_drift() -> None:
    """The enum is not decoration: an answer with a status the table refuses is reported."""
    path = CONTENT_GOLDEN / "system-iot-telemetry.md"
    text = path.read_text(encoding="utf-8")
    document = _export("system-iot-telemetry")
    assert _drift(read_facts(text, path.name), document) == []
    bad = text.replace('"status": "ACTIVE"', '"status": "RUNNING"')
    assert bad != text
    found = _drift(read_facts(bad, path.name), document)
    assert any("'RUNNING'" in m for m in found), found


@pytest.mark.parametrize("path", CONTENT_SPECS, ids=lambda p: p.stem)
def test_each_content_golden_exports_a_valid_document_without_drift(path: Path) -> None:
    facts = read_facts(path.read_text(encoding="utf-8"), path.name)
    document = build(facts)
    validate(document)
    assert _drift(facts, document) == []
