"""design.md §7: every spec smartspec writes passes smartspec's own rules with zero errors.

Checked on the golden specs (``tests/data/golden``) and on a matrix of freshly generated specs:
every profile x mode x domain, with a description that trips every keyword group the rules
read (auth, queue, transactions, external APIs), a plain one and none.
"""

from __future__ import annotations

import itertools
from datetime import UTC, datetime
from pathlib import Path

import pytest

from smartspec.config import load_settings
from smartspec.detect import detect
from smartspec.options import DOMAINS, MODES, PROFILES, Options
from smartspec.plan import make_plan
from smartspec.render import render
from smartspec.rules import render_text, validate_text

GOLDEN = sorted((Path(__file__).parent.parent / "data" / "golden").glob("*.md"))
DESCRIPTIONS = (
    "Card payments with JWT login, a Kafka worker queue, ACID transactions and Stripe as a "
    "third-party API",
    "Simple CRUD REST API for notes with PostgreSQL",
    "",
)
NOW = datetime(2026, 1, 15, 9, 0, tzinfo=UTC)


@pytest.mark.parametrize("path", GOLDEN, ids=[p.stem for p in GOLDEN])
def test_golden_spec_has_no_errors(path: Path) -> None:
    result = validate_text(path.read_text(encoding="utf-8"), path=path.name)
    assert result.errors == 0, render_text(result)
    # Generated specs carry their metadata: the metadata rules ran rather than skipped.
    assert {"required-sections", "critical-sections", "settings-comment"} <= set(
        result.passed_rules)


def test_there_are_golden_specs() -> None:
    assert len(GOLDEN) >= 8


@pytest.mark.parametrize(("profile", "mode"), list(itertools.product(PROFILES, MODES)))
def test_generated_specs_have_no_errors(profile: str, mode: str, tmp_path: Path) -> None:
    failures = []
    for domain, description in itertools.product((None, *DOMAINS), DESCRIPTIONS):
        options = Options(name="demo-service", description=description, profile=profile,
                          mode=mode, domains=(domain,) if domain else None)
        settings = load_settings(options, cwd=tmp_path)
        facts = detect(options.name or "", description, settings.keywords)
        plan = make_plan(options, settings, facts, taken_ids=set(), now=NOW)
        result = validate_text(render(plan), path="spec.md", settings=settings)
        if result.errors:
            failures.append(f"--domain={domain} {description!r}:\n{render_text(result)}")
    assert not failures, "\n".join(failures)
