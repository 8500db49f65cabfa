"""merge: the edit rules of design.md §5 on small hand-built specs (no templates involved)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import pytest

from smartspec import merge as m
from smartspec.document import block_hash, parse
from smartspec.merge import MergeError, analyse

HEADER = (
    "# SPEC-001: Demo\n"
    "\n"
    "**Spec ID:** spec-001-demo\n"
    "**Status:** DRAFT\n"
    "**Updated:** {updated}\n"
    "\n"
    '<!-- smartspec: {{"schema":1,"id":"spec-001-demo","updated":"{updated}"}} -->\n'
    "\n"
    "---\n"
)

Section = tuple[str, str, str, str | None]  # key, title, body, critical name

V1: list[Section] = [
    ("overview", "Overview", "Overview text v1.", None),
    ("di", "Dependency Injection Pattern", "DI text v1.", "di"),
    ("architecture", "Architecture", "Architecture text v1.", None),
    ("security", "Security Threat Model (STRIDE)", "Security text v1.", "security"),
    ("config", "Configuration Schema", "Config text v1.", "config"),
    ("monitoring", "Monitoring & Observability", "Monitoring text v1.", "monitoring"),
    ("testing", "Testing Strategy", "Testing text v1.", None),
]
V2: list[Section] = [(k, t, b.replace("v1", "v2"), c) for k, t, b, c in V1]


def block(number: int, title: str, body: str, *, critical: str | None = None,
          allow: bool = False, last: bool = False) -> str:
    """A section as render.section_block writes it."""
    lines: list[str] = []
    if critical:
        lines.append(f"<!-- @critical {critical}{' allow-update' if allow else ''} -->")
    lines += [f"## {number}. {title}", "", body]
    if critical:
        lines += ["", "<!-- @end-critical -->"]
    if not last:
        lines += ["", "---"]
    return "\n".join(lines) + "\n"


def spec(sections: Sequence[Section], *, updated: str = "2026-01-01",
         allow: Sequence[str] = ()) -> str:
    blocks = [block(n, title, body, critical=crit, allow=key in allow,
                    last=n == len(sections))
              for n, (key, title, body, crit) in enumerate(sections, start=1)]
    return "\n".join([HEADER.format(updated=updated), *blocks])


def records_of(text: str, sections: Sequence[Section]) -> dict[str, dict[str, Any]]:
    """The registry's records for a spec smartspec wrote (api.section_hashes)."""
    doc = parse(text)
    return {key: {"title": title, "critical": crit,
                  "sha256": block_hash(doc.section_text(section))}
            for (key, title, _, crit), section in zip(sections, doc.sections, strict=True)}


def run(old_text: str, new: Sequence[Section], recorded: dict[str, dict[str, Any]] | None, *,
        force: Sequence[str] = (), compact: bool = False, left_out: Sequence[str] = (),
        base_header: str | None = None, allow: Sequence[str] = ()) -> m.MergeResult:
    old = analyse(old_text).identify(recorded, compact=compact)
    return m.merge(old, spec(new, allow=allow), [s[0] for s in new], force=force,
                   left_out=left_out, base_header=base_header)


def fates(result: m.MergeResult) -> dict[str, str]:
    return {f.key or f.title: f.fate for f in result.fates}


def edit_body(text: str, old: str, new: str) -> str:
    assert old in text
    return text.replace(old, new, 1)


# -- the basic rules ----------------------------------------------------------------------------


def test_nothing_changed_gives_the_same_bytes() -> None:
    text = spec(V1)
    result = run(text, V1, records_of(text, V1))
    assert result.text == text
    assert set(fates(result).values()) == {m.UNCHANGED, m.KEPT_CRITICAL}


def test_untouched_sections_are_regenerated_and_critical_ones_kept() -> None:
    text = spec(V1)
    result = run(text, V2, records_of(text, V1))
    assert "Overview text v2." in result.text and "Testing text v2." in result.text
    for name in ("DI", "Security", "Config", "Monitoring"):
        assert f"{name} text v1." in result.text
    assert fates(result) == {
        "overview": m.REGENERATED, "di": m.KEPT_CRITICAL, "architecture": m.REGENERATED,
        "security": m.KEPT_CRITICAL, "config": m.KEPT_CRITICAL, "monitoring": m.KEPT_CRITICAL,
        "testing": m.REGENERATED}


def test_a_section_a_person_edited_is_kept_and_its_baseline_remembered() -> None:
    text = spec(V1)
    recorded = records_of(text, V1)
    edited = edit_body(text, "Architecture text v1.", "Architecture text v1.\n\nOur own notes.")
    result = run(edited, V2, recorded)
    assert "Our own notes." in result.text and "Architecture text v2." not in result.text
    assert fates(result)["architecture"] == m.KEPT_EDITED
    # The registry keeps what smartspec wrote, so the section stays "edited" next time too.
    assert result.records["architecture"]["sha256"] == recorded["architecture"]["sha256"]
    assert [f.key for f in result.kept_edits] == ["architecture"]


def test_force_update_replaces_named_critical_sections_only() -> None:
    text = spec(V1)
    result = run(text, V2, records_of(text, V1), force=["security", "config"])
    assert "Security text v2." in result.text and "Config text v2." in result.text
    assert "DI text v1." in result.text and "Monitoring text v1." in result.text
    assert fates(result)["security"] == m.FORCED and fates(result)["di"] == m.KEPT_CRITICAL


def test_force_update_all_replaces_every_critical_section_even_when_edited() -> None:
    text = spec(V1)
    edited = edit_body(text, "DI text v1.", "DI text edited by a person.")
    result = run(edited, V2, records_of(text, V1), force=["all"])
    for name in ("DI", "Security", "Config", "Monitoring"):
        assert f"{name} text v2." in result.text
    assert "edited by a person" not in result.text


def test_force_update_with_a_section_key_replaces_a_persons_edit() -> None:
    text = spec(V1)
    edited = edit_body(text, "Testing text v1.", "Testing text by a person.")
    result = run(edited, V2, records_of(text, V1), force=["testing"])
    assert "Testing text v2." in result.text and fates(result)["testing"] == m.FORCED


def test_allow_update_sections_are_regenerated_and_keep_the_tag() -> None:
    text = spec(V1, allow=["security"])
    result = run(text, V2, records_of(text, V1))
    assert "Security text v2." in result.text
    assert "<!-- @critical security allow-update -->" in result.text
    assert "<!-- @critical di -->" in result.text and "DI text v1." in result.text


def test_allow_update_section_a_person_edited_is_kept() -> None:
    text = spec(V1, allow=["security"])
    edited = edit_body(text, "Security text v1.", "Security text by a person.")
    result = run(edited, V2, records_of(text, V1))
    assert "Security text by a person." in result.text
    assert fates(result)["security"] == m.KEPT_EDITED


def test_a_critical_section_a_person_edited_becomes_the_new_baseline() -> None:
    text = spec(V1)
    edited = edit_body(text, "Config text v1.", "Config text by a person.")
    result = run(edited, V2, records_of(text, V1))
    section = next(s for s in parse(result.text).sections if s.title == "Configuration Schema")
    assert result.records["config"]["sha256"] == block_hash(parse(result.text).section_text(section))
    assert result.records["config"]["previous"] == records_of(text, V1)["config"]["sha256"]


# -- sections a person added, deleted, or renamed -----------------------------------------------


def test_sections_a_person_added_stay_where_they_were() -> None:
    text = spec(V1)
    recorded = records_of(text, V1)
    first = "## Reading guide\n\nStart with the overview.\n\n---\n\n"
    middle = "## Team decisions\n\n- We chose PostgreSQL.\n\n---\n\n"
    edited = text.replace("## 1. Overview", first + "## 1. Overview", 1)
    edited = edited.replace("<!-- @critical security -->", middle + "<!-- @critical security -->", 1)
    edited += "\n---\n\n## Appendix\n\nLast words.\n"
    result = run(edited, V2, recorded)
    titles = [s.title for s in parse(result.text).sections]
    assert titles == ["Reading guide", "Overview", "Dependency Injection Pattern", "Architecture",
                      "Team decisions", "Security Threat Model (STRIDE)", "Configuration Schema",
                      "Monitoring & Observability", "Testing Strategy", "Appendix"]
    assert "Testing text v2." in result.text and result.text.endswith("Last words.\n")
    assert fates(result)["Team decisions"] == m.KEPT_ADDED


def test_a_new_planned_section_is_added_in_plan_order_and_kept_headings_renumbered() -> None:
    text = spec(V1)
    recorded = records_of(text, V1)
    edited = edit_body(text, "Testing text v1.", "Testing text by a person.")
    with_api = [*V2[:3], ("api", "API Specification", "API text v2.", None), *V2[3:]]
    result = run(edited, with_api, recorded)
    headings = [s.heading.text for s in parse(result.text).sections]
    assert headings[3] == "4. API Specification"
    assert fates(result)["api"] == m.ADDED
    # Critical sections keep every byte but their number, and a kept section whose heading is
    # smartspec's own is renumbered: numbers stay consecutive and unique.
    assert "5. Security Threat Model (STRIDE)" in headings
    assert [h.split(".")[0] for h in headings] == [str(n) for n in range(1, len(headings) + 1)]
    assert headings[-1] == "8. Testing Strategy" and "Testing text by a person." in result.text


def test_a_heading_a_person_changed_keeps_its_words_and_takes_the_number_of_its_place() -> None:
    text = spec(V1)
    recorded = records_of(text, V1)
    edited = edit_body(text, "## 7. Testing Strategy", "## 7. Testing Strategy (our way)")
    with_api = [("api", "API Specification", "API text v2.", None), *V2]
    result = run(edited, with_api, recorded)
    # The API section now stands first, so the person's section moves from 7 to 8: its
    # title words stay, and no number repeats.
    assert "## 8. Testing Strategy (our way)\n" in result.text
    numbers = [s.heading.number for s in parse(result.text).sections]
    assert numbers == [str(n) for n in range(1, len(numbers) + 1)]


def test_a_section_a_person_deleted_is_left_out_and_remembered() -> None:
    text = spec(V1)
    recorded = records_of(text, V1)
    start = text.index("## 3. Architecture")
    edited = text[:start] + text[text.index("<!-- @critical security"):]
    old = analyse(edited).identify(recorded, compact=False)
    assert old.deleted_keys == {"architecture"}
    planned = [s for s in V1 if s[0] != "architecture"]
    result = m.merge(old, spec(planned), [s[0] for s in planned], left_out=["architecture"])
    assert "## 3. Architecture" not in result.text
    assert fates(result)["architecture"] == m.LEFT_OUT
    assert result.records["architecture"]["deleted"] is True
    again = analyse(result.text).identify(result.records, compact=False)
    assert again.deleted_keys == {"architecture"}


def test_hand_written_headings_are_matched_by_title() -> None:
    text = (
        "# Payment Service\n\nWritten by hand.\n\n"
        "## 1) Overview\n\nWhat it does.\n\n"
        "## สถาปัตยกรรม\n\nเขียนเอง\n\n"
        "## Security\n\nWe use OAuth.\n\n"
        "## Glossary\n\nTerms.\n"
    )
    old = analyse(text).identify(None)
    assert old.keys == ["overview", "architecture", "security", None]
    result = m.merge(old, spec(V2), [s[0] for s in V2])
    # Without a registry nothing is smartspec's: every section is kept, the rest added, and
    # a settings comment is written so that the next edit can recover the settings.
    for line in ("What it does.", "เขียนเอง", "We use OAuth.", "Terms."):
        assert line in result.text
    assert "DI text v2." in result.text and "Testing text v2." in result.text
    assert parse(result.text).settings is not None
    assert result.text.startswith("# Payment Service\n\nWritten by hand.\n")
    assert fates(result)["security"] == m.KEPT_EDITED
    assert fates(result)["Glossary"] == m.KEPT_ADDED


def test_a_second_section_with_the_same_title_is_a_persons_section() -> None:
    text = spec(V1)
    edited = text.replace("## 7. Testing Strategy", "## Testing Strategy\n\nMore tests.\n\n---\n\n"
                          "## 7. Testing Strategy", 1)
    result = run(edited, V2, records_of(text, V1))
    assert result.text.count("Testing Strategy\n") == 2 and "More tests." in result.text
    assert "Testing text v2." in result.text


def test_the_previous_fingerprint_still_counts_as_smartspecs() -> None:
    text = spec(V1)
    recorded = records_of(text, V1)
    newer = records_of(spec(V2), V2)
    recorded["overview"] = {**newer["overview"], "previous": recorded["overview"]["sha256"]}
    result = run(text, V2, recorded)
    assert fates(result)["overview"] == m.REGENERATED and "Overview text v2." in result.text


# -- bytes: line endings, final newline, header -------------------------------------------------


def test_crlf_files_stay_crlf_and_without_a_final_newline_stay_so() -> None:
    text = spec(V1)
    recorded = records_of(text, V1)
    crlf = edit_body(text, "Architecture text v1.", "Architecture by a person.").replace("\n", "\r\n")
    crlf = crlf.rstrip("\r\n")
    result = run(crlf, V2, recorded)
    assert "\n" not in result.text.replace("\r\n", "")
    assert not result.text.endswith("\n") and result.text.endswith("Testing text v2.")
    assert "Overview text v2." in result.text and "Architecture by a person." in result.text
    assert run(crlf, V1, recorded).text == crlf


def test_header_lines_a_person_changed_are_kept_and_the_others_updated() -> None:
    base = HEADER.format(updated="2026-01-01")
    text = spec(V1)
    edited = edit_body(text, "**Status:** DRAFT", "**Status:** APPROVED")
    result = run(edited, V2, records_of(text, V1), base_header=base)
    new_header = spec(V2, updated="2026-02-02")
    old = analyse(edited).identify(records_of(text, V1), compact=False)
    result = m.merge(old, new_header, [s[0] for s in V2], base_header=base)
    assert "**Status:** APPROVED" in result.text and "**Updated:** 2026-02-02" in result.text
    assert '"updated":"2026-02-02"' in result.text


def test_an_untouched_header_is_replaced_whole() -> None:
    base = HEADER.format(updated="2026-01-01")
    text = spec(V1)
    old = analyse(text).identify(records_of(text, V1), compact=False)
    new = spec(V2, updated="2026-02-02").replace("**Status:** DRAFT\n",
                                                 "**Status:** DRAFT\n**Depends on:** spec-002\n")
    result = m.merge(old, new, [s[0] for s in V2], base_header=base)
    assert result.text.startswith(new[: new.index("## 1.")])


# -- regenerate: compact <-> standard -----------------------------------------------------------

COMPACT: list[Section] = [
    ("compact-overview", "Overview", "Compact overview v1.", None),
    ("compact-architecture", "Architecture Summary", "Compact architecture v1.", None),
    ("compact-technical", "Technical Specification", "Compact technical v1.", None),
    ("compact-constraints", "Constraints & Risk Notes", "Compact constraints v1.", None),
    ("compact-acceptance", "Acceptance Tests", "Compact acceptance v1.", None),
]
STANDARD: list[Section] = [
    ("overview", "Overview", "Overview v1.", None),
    ("architecture", "Architecture", "Architecture v1.", None),
    ("api", "API Specification", "API v1.", None),
    ("acceptance", "Acceptance Criteria", "Acceptance v1.", None),
]


def test_compact_to_standard_moves_a_persons_text_and_keeps_the_rest_under_earlier() -> None:
    text = spec(COMPACT)
    recorded = records_of(text, COMPACT)
    edited = edit_body(text, "Compact overview v1.", "Compact overview v1.\n\nA person's line.")
    edited = edit_body(edited, "Compact constraints v1.", "Constraints by a person.")
    result = run(edited, STANDARD, recorded, compact=True)
    titles = [s.title for s in parse(result.text).sections]
    assert titles == ["Overview", "Architecture", "API Specification", "Acceptance Criteria",
                      m.EARLIER_TITLE, "Constraints & Risk Notes"]
    assert "A person's line." in result.text and "Constraints by a person." in result.text
    assert "Architecture v1." in result.text and "Compact technical v1." not in result.text
    found = fates(result)
    assert found["overview"] == m.MOVED and found["compact-constraints"] == m.EARLIER
    assert found["compact-technical"] == m.REMOVED

    # Back to compact: the text returns to its section and "Earlier sections" goes away.
    again = analyse(result.text).identify(result.records, compact=False)
    back = m.merge(again, spec(COMPACT), [s[0] for s in COMPACT])
    assert [s.title for s in parse(back.text).sections] == [s[1] for s in COMPACT]
    assert "A person's line." in back.text and "Constraints by a person." in back.text


def test_a_forced_counterpart_is_regenerated_and_the_persons_text_waits_under_earlier() -> None:
    text = spec(COMPACT)
    edited = edit_body(text, "Compact overview v1.", "Overview by a person.")
    result = run(edited, STANDARD, records_of(text, COMPACT), compact=True, force=["overview"])
    assert "Overview v1." in result.text and "Overview by a person." in result.text
    assert result.text.index(m.EARLIER_TITLE) < result.text.index("Overview by a person.")


def test_critical_sections_without_a_place_go_under_earlier_sections() -> None:
    text = spec(V1)
    result = run(text, COMPACT, records_of(text, V1))
    assert m.EARLIER_TITLE in result.text
    for name in ("DI", "Security", "Config", "Monitoring"):
        assert f"{name} text v1." in result.text
    assert "Overview text v1." not in result.text  # smartspec's own text: regenerated away


# -- refusals -----------------------------------------------------------------------------------


@pytest.mark.parametrize(("text", "message"), [
    ("## A\n\n<!-- @critical security -->\n## B\n", "never closed"),
    ("## A\n\n<!-- @end-critical -->\n", "without a matching"),
    ("<!-- @critical security -->\n## A\n<!-- @critical config -->\n", "cannot nest"),
    ("<!-- @critical foo -->\n## A\n<!-- @end-critical -->\n", "unknown critical section name"),
    ("<!-- smartspec: {not json} -->\n\n## A\n", "not valid JSON"),
    ("<!-- @critical security -->\n## A\n\n## B\n<!-- @end-critical -->\n", "in another ## section"),
    ("## A\n\n<!-- smartspec: {\"schema\":1} -->\n", "must stand before the first"),
])
def test_malformed_specs_are_refused_with_the_line(text: str, message: str) -> None:
    with pytest.raises(MergeError, match=message) as caught:
        analyse(text, source="specs/x/spec.md")
    assert str(caught.value).startswith("specs/x/spec.md: line ")


def test_a_result_that_would_change_a_protected_block_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    text = spec(V1)
    old = analyse(text).identify(records_of(text, V1), compact=False)

    def broken(piece_text: str, *args: Any, **kwargs: Any) -> str:
        return piece_text.replace("Security text v1.", "Security text changed by a bug.")

    real_join = m._join

    def corrupting_join(pieces: list[Any], old_spec: m.OldSpec) -> tuple[str, list[int]]:
        joined, starts = real_join(pieces, old_spec)
        return broken(joined), starts

    monkeypatch.setattr(m, "_join", corrupting_join)
    with pytest.raises(MergeError, match="critical section 'security' would change"):
        m.merge(old, spec(V2), [s[0] for s in V2])


def test_a_result_that_would_lose_a_persons_line_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    text = spec(V1)
    edited = edit_body(text, "Testing text v1.", "Testing text by a person.")
    old = analyse(edited).identify(records_of(text, V1), compact=False)
    real_join = m._join

    def dropping_join(pieces: list[Any], old_spec: m.OldSpec) -> tuple[str, list[int]]:
        joined, starts = real_join(pieces, old_spec)
        return joined.replace("Testing text by a person.", ""), starts

    monkeypatch.setattr(m, "_join", dropping_join)
    with pytest.raises(MergeError, match=r"would not keep the section starting .## 7\. Testing"):
        m.merge(old, spec(V2), [s[0] for s in V2])
