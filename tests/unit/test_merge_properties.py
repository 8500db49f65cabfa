"""Property tests (hypothesis) of the edit guarantees over specs smartspec generated, with
random person edits:

- an edit with no new options is byte-identical;
- critical blocks survive every edit without --force-update;
- every line a person wrote is present after an edit with other options and after a
  regenerate to the other mode.
"""

from __future__ import annotations

import re
import tempfile
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from functools import cache
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from smartspec.document import SECTION_NUMBER_RE, parse
from smartspec.markers import CRITICAL_CLOSE_RE, CRITICAL_OPEN_RE
from smartspec.merge import analyse, merge
from smartspec.options import Options

NOW = datetime(2026, 11, 18, 11, 6, 40, tzinfo=UTC)
PAYMENT = "Card payments with a PostgreSQL ledger, Redis queue and the Stripe API; JWT login"

# (name, description, options): each spec, and the options of a later edit or regenerate.
CASES: dict[str, tuple[str, str, dict[str, Any]]] = {
    "financial": ("payment-processing", PAYMENT, {"profile": "financial"}),
    "financial-compact": ("payment-processing", PAYMENT, {"profile": "financial",
                                                          "mode": "compact"}),
    "basic": ("report-exporter", "Exports reports as CSV", {
        "profile": "basic", "security": "basic", "di": "minimal", "performance": "basic"}),
    "basic-more": ("report-exporter", "Exports reports as CSV", {
        "profile": "basic", "security": "stride-basic", "di": "minimal", "performance": "full",
        "domains": ("saas",)}),
    "backend-compact": ("user-service", "User accounts over REST with PostgreSQL", {
        "profile": "backend-service", "mode": "compact"}),
    "backend": ("user-service", "User accounts over REST with PostgreSQL", {
        "profile": "backend-service"}),
}
# old case -> new case: edits with other options, and regenerates across modes.
CHANGES = [("basic", "basic-more"), ("financial", "financial-compact"),
           ("backend-compact", "backend"), ("financial-compact", "financial")]


@dataclass(frozen=True)
class Generated:
    text: str
    keys: tuple[str, ...]
    records: dict[str, dict[str, Any]]
    header: str
    compact: bool


@cache
def _root() -> Path:
    return Path(tempfile.mkdtemp(prefix="smartspec-props-"))


@cache
def generated(case: str) -> Generated:
    """The spec NEW writes for ``case`` and the registry records it keeps."""
    from smartspec.config import load_settings
    from smartspec.detect import detect
    from smartspec.plan import make_plan
    from smartspec.render import render, render_header
    from smartspec.runs.run import section_hashes

    name, description, extra = CASES[case]
    options = Options(name=name, description=description, **extra)
    config = load_settings(options, cwd=_root(), environ={})
    plan = make_plan(options, config, detect(name, description, config.keywords),
                     taken_ids=set(), now=NOW, spec_id=f"spec-001-{name}")
    text = render(plan)
    return Generated(text, plan.section_keys, section_hashes(text, plan), render_header(plan),
                     plan.mode == "compact")


NUMBERED_RE = re.compile(SECTION_NUMBER_RE.pattern, re.MULTILINE)

# -- random person edits ------------------------------------------------------------------------

SAFE = st.text(alphabet=st.sampled_from("abcdefghijklmnopqrstuvwxyz ABCXYZ0123456789.,;:()'-"),
               min_size=1, max_size=24).map(str.strip).filter(bool)
OPS = st.lists(st.tuples(st.sampled_from(["insert", "replace", "section"]),
                         st.floats(0, 1, exclude_max=True), st.floats(0, 1, exclude_max=True),
                         SAFE), min_size=1, max_size=6)


def _editable(line: str) -> bool:
    """Lines a random edit may replace: prose, not structure (headings, tags, fences)."""
    body = line.strip()
    return bool(body) and not body.startswith(("#", "<!--", "```", "~~~", "---", "|"))


def person_edit(text: str, ops: list[tuple[str, float, float, str]], crlf: bool,
                drop_final_newline: bool) -> tuple[str, list[str]]:
    """Apply random edits (positions chosen on the generated text, applied bottom-up); return
    the edited text and the lines the person wrote."""
    doc = parse(text)
    lines = list(doc.lines)
    changes: dict[int, list[str]] = {}  # line index -> lines inserted before it
    replaced: dict[int, str] = {}
    written: list[str] = []
    for number, (kind, where, at, words) in enumerate(ops):
        section = doc.sections[int(where * len(doc.sections))]
        line = f"PERSON-{number}: {words}"
        first_body = section.heading.line + 1
        if kind == "insert":
            position = first_body + int(at * max(1, section.end - first_body))
            changes.setdefault(min(position, section.end), []).append(line + "\n")
        elif kind == "replace":
            candidates = [i for i in range(first_body, section.end)
                          if _editable(lines[i]) and not doc.fenced[i] and i not in replaced]
            if not candidates:
                continue
            replaced[candidates[int(at * len(candidates))]] = line + "\n"
        else:
            changes.setdefault(section.end, []).extend(
                [f"## Notes {number}\n", "\n", line + "\n", "\n"])
        written.append(line)
    if not lines[-1].endswith("\n"):
        lines[-1] += "\n"
    for index, new_line in replaced.items():
        lines[index] = new_line
    for index in sorted(changes, reverse=True):
        lines[index:index] = changes[index]
    text = "".join(lines)
    if crlf:
        text = text.replace("\n", "\r\n")
    if drop_final_newline:
        text = text.rstrip("\r\n")
    return text, written


def unnumbered(text: str) -> str:
    """``text`` with the number of every numbered ``##`` heading replaced by ``#``."""
    return NUMBERED_RE.sub(lambda m: m.group(0)[:m.start(1) - m.start()] + "#", text)


def critical_blocks(text: str) -> list[str]:
    doc = parse(text)
    return [doc.text(b.open_line, b.close_line + 1).rstrip("\r\n") for b in doc.critical_blocks]


def _merge(old_text: str, base: Generated, new: Generated) -> str:
    old = analyse(old_text, source="spec.md").identify(base.records, compact=base.compact)
    return merge(old, new.text, new.keys, base_header=base.header).text


# Derandomized: the same examples on every run, so CI is deterministic.
COMMON = settings(max_examples=40, deadline=None, derandomize=True,
                  suppress_health_check=[HealthCheck.too_slow])


@COMMON
@given(case=st.sampled_from(sorted(CASES)), ops=OPS, crlf=st.booleans(), final=st.booleans())
def test_an_edit_with_no_new_options_is_byte_identical(case: str, ops: Any, crlf: bool,
                                                       final: bool) -> None:
    base = generated(case)
    edited, _ = person_edit(base.text, ops, crlf, final)
    assert _merge(edited, base, base) == edited


@COMMON
@given(change=st.sampled_from(CHANGES), ops=OPS, crlf=st.booleans(), final=st.booleans())
def test_critical_blocks_survive_every_edit_without_force(change: tuple[str, str], ops: Any,
                                                         crlf: bool, final: bool) -> None:
    base, new = generated(change[0]), generated(change[1])
    edited, _ = person_edit(base.text, ops, crlf, final)
    merged = _merge(edited, base, new)
    # Not a byte changes but the number of the block's heading, which follows its place.
    for block in critical_blocks(edited):
        assert unnumbered(block) in unnumbered(merged)


@COMMON
@given(change=st.sampled_from(CHANGES), ops=OPS, crlf=st.booleans(), final=st.booleans())
def test_every_line_a_person_wrote_survives_edit_and_regenerate(change: tuple[str, str],
                                                                ops: Any, crlf: bool,
                                                                final: bool) -> None:
    base, new = generated(change[0]), generated(change[1])
    edited, written = person_edit(base.text, ops, crlf, final)
    merged = _merge(edited, base, new)
    present = set(merged.replace("\r\n", "\n").split("\n"))
    for line in written:
        assert line in present
    # and the result is a well-formed spec that a second edit leaves alone
    again = analyse(merged).identify(
        analyse_records(merged, edited, base, new), compact=new.compact)
    assert merge(again, new.text, new.keys, base_header=new.header).text == merged


def analyse_records(merged: str, edited: str, base: Generated, new: Generated) -> dict[str, Any]:
    old = analyse(edited).identify(base.records, compact=base.compact)
    return merge(old, new.text, new.keys, base_header=base.header).records


def test_the_cases_cover_critical_sections_and_both_modes() -> None:
    assert any(critical_blocks(generated(c).text) for c in CASES)
    assert {generated(c).compact for c in CASES} == {True, False}
    for case in CASES:
        doc = parse(generated(case).text)
        assert doc.problems == [] and len(doc.sections) == len(generated(case).keys)
        assert all(CRITICAL_OPEN_RE.match(doc.lines[b.open_line]) and
                   CRITICAL_CLOSE_RE.match(doc.lines[b.close_line]) for b in doc.critical_blocks)


def test_replace_keeps_dataclass_frozen() -> None:
    # Generated is cached across examples; a test must never change it.
    base = generated("basic")
    assert replace(base, text=base.text) == base


# A heading as a person might write one: a number in any style (or a word that starts with
# digits, or none), the tab or spaces between, a critical open tag and blank lines before it.
HEADING_NUMBERS = st.sampled_from(["", "3", "3.", "3)", "12", "12.", "1000.", "3.1", "08.",
                                   "24", "３.", "3.Title", "7.\t"])
HEADING_WORDS = st.sampled_from(["Title", "Hour Support", "", "  spaced", "Monkeys 12"])


@given(number=HEADING_NUMBERS, words=HEADING_WORDS, gap=st.sampled_from([" ", "\t", "  "]),
       indent=st.sampled_from(["", " ", "   "]), tagged=st.booleans(),
       newline=st.sampled_from(["\n", "\r\n", "\r"]), body=st.text(max_size=40))
def test_the_legacy_fingerprint_is_taken_only_where_it_differs(
        number: str, words: str, gap: str, indent: str, tagged: bool, newline: str,
        body: str) -> None:
    # Without a number in the heading the legacy fingerprint is the current one, reused
    # rather than hashed again; with one it is hashed: either way, what hashing gives.
    from smartspec.document import legacy_block_hash

    heading = f"{indent}##{gap}{number}{' ' if number else ''}{words}"
    tag = f"<!-- @critical security -->{newline}{newline}" if tagged else ""
    close = f"{newline}<!-- @end-critical security -->" if tagged else ""
    text = f"# Spec{newline}{newline}{tag}{heading}{newline}{body}{close}{newline}"
    doc = parse(text)
    if doc.problems or not doc.sections:
        return
    old = analyse(text, doc=doc)
    for index, section in enumerate(old.doc.sections):
        assert old.legacy_hash(index) == legacy_block_hash(old.doc.section_text(section))
