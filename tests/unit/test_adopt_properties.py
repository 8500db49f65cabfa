"""Property tests (hypothesis) of adoption over hand-written specs in many layouts: adoption
changes no line but adds the settings comment; the edit keeps every line and adds at most one
level-2 section; the validator's error count never grows."""

from __future__ import annotations

from datetime import UTC, datetime

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from smartspec.adopt import adopt_text, extend_text, registry_records
from smartspec.document import parse
from smartspec.markers import BUILTIN_CRITICAL
from smartspec.rules import validate_text

MOMENT = datetime(2026, 11, 18, tzinfo=UTC)
TITLES = ("Overview", "Security Requirements", "API", "Architecture", "Data Model",
          "Glossary", "Open Questions", "Testing", "Monitoring", "Configuration",
          "Performance", "Rollout Plan", "Risks")
BODIES = ("Runs on PostgreSQL.", "- `GET /items` lists items.", "Uses Redis for sessions.",
          "| a | b |\n|---|---|\n| 1 | 2 |", "```sql\nSELECT 1;\n```", "Only admins may do this.",
          "TODO: decide.", "See [the RFC](https://example.org).")


@st.composite
def hand_written(draw: st.DrawFn) -> str:
    style = draw(st.sampled_from(["{n}. {t}", "{n}) {t}", "{t}", "**{n}. {t}**"]))
    titles = draw(st.lists(st.sampled_from(TITLES), min_size=0, max_size=6, unique=True))
    rules = draw(st.booleans())
    parts = [f"# {draw(st.sampled_from(['Billing', 'spec.md', 'Workflow scripts']))}\n"]
    if draw(st.booleans()):
        parts.append(f"\n**Spec ID:** {draw(st.sampled_from(['WF-001', 'spec-108a-x']))}\n")
    for number, title in enumerate(titles, start=1):
        if rules and number > 1:
            parts.append("\n---\n")
        heading = style.format(n=number, t=title)
        body = "\n".join(draw(st.lists(st.sampled_from(BODIES), min_size=1, max_size=3)))
        parts.append(f"\n## {heading}\n\n{body}\n")
    text = "".join(parts)
    return text.replace("\n", "\r\n") if draw(st.booleans()) else text


@given(hand_written(), st.sampled_from(["add rate limiting", "add caching",
                                        "include an export to CSV"]))
@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
def test_adopt_and_edit_lose_nothing_and_never_add_errors(text: str, request: str) -> None:
    before = validate_text(text, path="docs/x/spec.md").errors
    adoption = adopt_text(text, "docs/x/spec.md", index=None, critical=(),
                          critical_names=BUILTIN_CRITICAL, moment=MOMENT)
    adopted = adoption.text
    assert [line for line in adopted.splitlines(keepends=True)
            if not line.startswith("<!-- smartspec:")] == text.splitlines(keepends=True)
    registry = {"schema": 1, "specs": {adoption.spec_id: {
        "path": "docs/x/spec.md", "sections": registry_records(adopted, BUILTIN_CRITICAL)}}}
    assert validate_text(adopted, path="docs/x/spec.md", registry=registry).errors <= before

    extension = extend_text(adopted, request, critical_names=BUILTIN_CRITICAL)
    assert extension.text.startswith(adopted) or extension.covered_by is None
    kept = iter(extension.text.splitlines())
    assert all(line in kept for line in adopted.splitlines())
    added_h2 = len(parse(extension.text).sections) - len(parse(adopted).sections)
    assert added_h2 in (0, 1) and (extension.covered_by is None) == bool(extension.added)
    if "\r\n" in text:
        assert "\n" not in extension.text.replace("\r\n", "")
    assert validate_text(extension.text, path="docs/x/spec.md", registry=registry).errors <= before
