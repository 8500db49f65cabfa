"""The package's public API: lazy names that resolve, and generate() usable without the CLI."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

import smartspec


@pytest.mark.parametrize("name", [n for n in smartspec.__all__ if n != "__version__"])
def test_every_public_name_resolves(name: str) -> None:
    assert getattr(smartspec, name) is not None


def test_unknown_name_is_an_attribute_error() -> None:
    with pytest.raises(AttributeError):
        _ = smartspec.nothing_here  # type: ignore[attr-defined]


def test_generate_from_python(project: Path) -> None:
    outcome = smartspec.generate(
        smartspec.Options(name="ledger", description="Double-entry ledger in PostgreSQL",
                          profile="financial", no_report=True),
        cwd=project, now=datetime(2026, 11, 18, tzinfo=UTC), environ={})
    assert outcome.summary.spec_path == "specs/feature/spec-001-ledger/spec.md"
    assert (project / outcome.summary.spec_path).read_text() == outcome.text
    assert outcome.summary.validation is not None and outcome.summary.validation["errors"] == 0
