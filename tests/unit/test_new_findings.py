"""The findings `smartspec new` reports on the spec it wrote are the findings `smartspec
validate` reports on that file: new checks the very text it writes, with the same rules."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.helpers import run_cli, tree_snapshot


def _findings(document: dict[str, object]) -> list[tuple[object, ...]]:
    found = document["findings"]
    assert isinstance(found, list)
    return [(f["rule"], f["severity"], f["message"], f["line"]) for f in found]


@pytest.mark.parametrize(("name", "description", "flags", "some"), [
    ("payment-processing", "Card and PromptPay payments with a PostgreSQL ledger, Redis queue "
     "and the Stripe API", ["--profile=financial", "--domain=fintech"], False),
    ("notes", "A notes service with a REST API", ["--profile=basic", "--mode=compact"], False),
    # TODO in the description reaches the spec: the placeholder rule warns, twice.
    ("orders", "Orders over gRPC and Kafka with a MongoDB store and the Twilio API, TODO",
     ["--profile=full"], True),
])
def test_new_reports_what_validate_finds(project: Path, name: str, description: str,
                                         flags: list[str], some: bool) -> None:
    made = run_cli(["new", name, description, *flags, "--json"], project)
    assert made.code == 0, made.err
    written = json.loads(made.out)
    spec = written["spec"]["path"]
    checked = run_cli(["validate", spec, "--format", "json"], project)
    assert checked.code in (0, 1), checked.err
    (result,) = json.loads(checked.out)["results"]
    assert _findings(written["validation"]) == _findings(result)
    assert bool(_findings(result)) is some
    assert (written["validation"]["errors"], written["validation"]["warnings"]) == (
        result["errors"], result["warnings"])


def test_a_check_that_fails_leaves_nothing(
        project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # The rules run before the first write: a failure there leaves the tree as it was.
    from smartspec.runs import new

    def broken(*args: object, **kwargs: object) -> None:
        raise RuntimeError("a rule broke")

    monkeypatch.setattr(new, "run_validation", broken)
    monkeypatch.delenv("SMARTSPEC_DEBUG", raising=False)
    before = tree_snapshot(project)
    made = run_cli(["new", "payments", "Card payments with a PostgreSQL ledger"], project)
    assert made.code == 2
    assert "internal error (RuntimeError: a rule broke)" in made.err
    assert tree_snapshot(project) == before


def test_findings_gate_the_write_before_anything_is_written(project: Path) -> None:
    # --validate-consistency decides on the findings before anything is written.
    made = run_cli(["new", "orders", "Orders over Kafka, TODO", "--validate-consistency",
                    "--json"], project)
    assert made.code == 0, made.err
    assert json.loads(made.out)["validation"]["warnings"] == 2


def test_edit_reports_what_validate_finds(project: Path) -> None:
    made = run_cli(["new", "orders", "Orders over gRPC and Kafka with a MongoDB store",
                    "--profile=full"], project)
    assert made.code == 0, made.err
    spec = "specs/feature/spec-001-orders/spec.md"
    edited = run_cli(["edit", spec, "Adds refunds, TODO", "--json"], project)
    assert edited.code == 0, edited.err
    written = json.loads(edited.out)
    checked = run_cli(["validate", spec, "--format", "json"], project)
    (result,) = json.loads(checked.out)["results"]
    assert _findings(written["validation"]) == _findings(result) != []
