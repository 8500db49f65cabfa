"""The pure stages of adoption: id, inference, the one-line change, and the one-section edit."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from smartspec.adopt import (
    adopt_text,
    adopted_id,
    extend_text,
    infer,
    registry_records,
    request_topic,
)
from smartspec.document import parse
from smartspec.errors import DocumentError, UsageError
from smartspec.markers import BUILTIN_CRITICAL

MOMENT = datetime(2026, 11, 18, 11, 6, 40, tzinfo=UTC)

HAND = """\
# Workflow scripts

**Spec ID:** WF-SCRIPTS-001
**Owner:** platform team

## 1) Scope

Runs the nightly workflow scripts written in Python with FastAPI, state in Redis.

## 2) Security Requirements

Only operators may start a run.

## 3) API

- `POST /runs` starts a run over HTTP.
"""


def adopt(text: str, rel: str = "docs/wf/spec.md", **kwargs: object) -> object:
    return adopt_text(text, rel, index=None, critical=kwargs.get("critical", ()),  # type: ignore[arg-type]
                      critical_names=BUILTIN_CRITICAL, moment=MOMENT)


@pytest.mark.parametrize(("line", "expected"), [
    ("**Spec ID:** WF-SCRIPTS-001", "WF-SCRIPTS-001"),
    ("**Spec ID**: spec-108a-data-access-layer", "spec-108a-data-access-layer"),
    ("Spec ID: **SSP-GEN-002**", "SSP-GEN-002"),
    ("- **Spec-ID:** `004-desktop-app`", "004-desktop-app"),
    ("**Spec ID:** **SPEC-001-PROJECT-OVERVIEW**", "SPEC-001-PROJECT-OVERVIEW"),
])
def test_the_stated_id_is_read_in_any_bold_form(line: str, expected: str) -> None:
    doc = parse(f"# Title\n\n{line}\n\n## A\n\nText.\n")
    assert adopted_id(doc, "docs/x/spec.md", None) == (expected, "stated on line 3")


def test_without_a_stated_id_the_folder_then_the_file_name_is_used() -> None:
    doc = parse("# spec.md\n\n## A\n")
    assert adopted_id(doc, "specs/payments/spec.md", None) == ("payments", "its folder name")
    assert adopted_id(doc, "docs/tasks.md", None) == ("tasks", "its file name")
    # The file name is taken by another spec: folder, then folder and file.
    assert adopted_id(doc, "plans/tasks.md", None, {"tasks": "x/tasks.md"})[0] == "plans"
    assert adopted_id(doc, "plans/tasks.md", None,
                      {"tasks": "x/tasks.md", "plans": "y.md"})[0] == "plans-tasks"
    # A generic folder ("docs", "specs") or file name ("spec") never becomes an id.
    with pytest.raises(DocumentError, match="cannot tell this spec's id"):
        adopted_id(doc, "specs/spec.md", None)


def test_adoption_adds_one_line_and_changes_no_other() -> None:
    result = adopt(HAND)
    before, after = HAND.splitlines(), result.text.splitlines()  # type: ignore[attr-defined]
    assert len(after) == len(before) + 1
    assert after[0] == before[0] and after[2:] == before[1:]
    settings = parse(result.text).settings  # type: ignore[attr-defined]
    assert settings is not None
    assert settings["id"] == "WF-SCRIPTS-001" and settings["adopted"] == "2026-11-18"
    # The untagged person's security section is not listed, so no rule demands tags for it.
    assert "security" not in settings["sections"] and "api" in settings["sections"]


def test_inference_says_how_each_setting_was_read() -> None:
    found = {i.setting: i for i in infer(parse(HAND))}
    assert found["security"].value == "basic"
    assert found["security"].reason == "section 'Security Requirements'"
    assert found["mode"].value == "standard" and found["di"].value == "none"
    assert found["profile"].value == "basic" and "api" in found["profile"].reason
    assert found["domains"].value == []


def test_a_profile_header_wins_over_the_sections() -> None:
    doc = parse("# X\n\n**Profile:** financial\n\n## Overview\n\nText.\n")
    found = {i.setting: i for i in infer(doc)}
    assert found["profile"].value == "financial"
    assert found["profile"].reason == "the spec's **Profile:** header"


def test_critical_wraps_only_the_named_section() -> None:
    result = adopt(HAND, critical=("security",))
    doc = parse(result.text)  # type: ignore[attr-defined]
    assert [b.name for b in doc.critical_blocks] == ["security"]
    assert doc.sections[1].critical is not None and doc.problems == []
    assert "security" in (doc.settings or {})["sections"]
    with pytest.raises(UsageError, match="no section smartspec reads as 'config'"):
        adopt(HAND, critical=("config",))
    with pytest.raises(UsageError, match="not a critical section name"):
        adopt(HAND, critical=("secrets",))
    # SmartSpec's documented names are critical names too.
    legal = adopt(HAND + "\n## 3) Legal\n\nTerms.\n", critical=("legal",)).text  # type: ignore[attr-defined]
    assert [b.name for b in parse(legal).critical_blocks] == ["legal"]
    assert parse(legal).problems == []


def test_smartspec_end_tags_are_read_and_written_canonically() -> None:
    text = "# X\n\n## Legal\n\n<!-- @critical legal -->\nTerms.\n<!-- @end -->\n"
    doc = parse(text)
    assert doc.problems == [] and doc.dialect.startswith("SmartSpec")
    assert [b.name for b in doc.critical_blocks] == ["legal"]
    result = adopt(text)
    assert "<!-- @end -->" not in result.text  # type: ignore[attr-defined]
    assert "<!-- @end-critical -->\n" in result.text  # type: ignore[attr-defined]
    assert result.dialect == doc.dialect  # type: ignore[attr-defined]
    # SmartSpec's documented names stay valid under the canonical tag; other names keep
    # SmartSpec's closing tag, which is the only one that accepts them.
    assert parse(result.text).problems == []  # type: ignore[attr-defined]
    odd = "# X\n\n## Terms\n\n<!-- @critical pricing -->\nFees.\n<!-- @end -->\n"
    kept = adopt(odd).text  # type: ignore[attr-defined]
    assert "<!-- @end -->" in kept and parse(kept).problems == []


def test_a_managed_spec_is_not_adopted_twice() -> None:
    once = adopt(HAND).text  # type: ignore[attr-defined]
    with pytest.raises(UsageError, match="already managed"):
        adopt(once)


def test_every_section_is_recorded_as_a_person_s() -> None:
    records = registry_records(adopt(HAND).text, BUILTIN_CRITICAL)  # type: ignore[attr-defined]
    assert [r["title"] for r in records.values()] == ["Scope", "Security Requirements", "API"]
    assert all(r["person"] for r in records.values())


def test_rate_limiting_is_one_section_in_the_spec_s_numbering_and_stack() -> None:
    extension = extend_text(HAND, "add rate limiting", critical_names=BUILTIN_CRITICAL)
    assert extension.text.startswith(HAND)
    added = extension.text[len(HAND):]
    assert added.count("\n## ") == 1 and "\n## 4) Rate Limiting\n" in added
    assert "Redis" in added and "FastAPI middleware" in added and "429" in added
    # Nothing invented: no stack the spec does not name.
    for foreign in ("TypeScript", "Fastify", "PostgreSQL", "/api/v1/features"):
        assert foreign not in added
    assert extension.added == ["Rate Limiting"]


def test_a_request_already_covered_adds_nothing() -> None:
    text = HAND + "\n## 4) Rate limits\n\n100 per minute.\n"
    extension = extend_text(text, "add rate limiting", critical_names=BUILTIN_CRITICAL)
    assert extension.text == text and extension.covered_by == "Rate limits"


def test_openspec_requirements_get_a_requirement_with_a_scenario() -> None:
    text = ("# cli Specification\n\n## Purpose\n\nA CLI.\n\n## Requirements\n\n"
            "### Requirement: Init\nThe CLI SHALL create files.\n\n#### Scenario: Fresh\n"
            "- **WHEN** run\n- **THEN** files exist\n\n## Why\n\nBecause.\n")
    extension = extend_text(text, "add rate limiting", critical_names=BUILTIN_CRITICAL)
    lines = extension.text.splitlines()
    at = lines.index("### Requirement: Rate Limiting")
    assert lines.index("- **THEN** files exist") < at < lines.index("## Why")
    assert "SHALL limit" in lines[at + 1]
    assert [line for line in text.splitlines() if line not in lines] == []


def test_unnumbered_specs_with_rules_get_a_rule_and_an_unnumbered_heading() -> None:
    text = "# X\n\n## Overview\n\nA.\n\n---\n\n## Usage\n\nB.\n"
    extension = extend_text(text, "add caching", critical_names=BUILTIN_CRITICAL)
    assert extension.text == text + "\n---\n\n## Caching\n\n" + extension.text.split(
        "## Caching\n\n", 1)[1]


@pytest.mark.parametrize(("words", "title"), [
    ("add rate limiting", "Rate Limiting"),
    ("Adds throttling for uploads", "Rate Limiting"),
    ("include an export to CSV", "Export To CSV"),
])
def test_request_topics(words: str, title: str) -> None:
    assert request_topic(words).title == title
