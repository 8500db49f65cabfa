"""Property test (hypothesis) of section numbering: a person inserts whole ``##`` sections,
numbered in any style or not numbered, at random places of a spec smartspec wrote; then an edit
(same options) or an edit with other options or mode, on LF or CRLF files. After it:

- the numbered ``##`` headings read 1, 2, 3... in document order (a bare "## 24 Title" that
  cannot be the heading's place is part of its title and stays as typed);
- every person section is there, in the same order, with its title words and every byte of
  its body; an unnumbered heading stays unnumbered, a numbered one keeps its style;
- a second edit with nothing new gives the same bytes.
"""

from __future__ import annotations

import re
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from smartspec import merge as m
from smartspec.document import SECTION_NUMBER_RE, parse
from smartspec.merge import analyse, merge
from tests.unit.test_merge_properties import CASES, CHANGES, Generated, generated

WORDS = st.text(alphabet=st.sampled_from("abcdefghijklmnopqrstuvwxyz ABCXYZ0123456789,;:'-"),
                min_size=1, max_size=20).map(str.strip).filter(bool)
# How a person numbers a heading: "## 3. T", "## 3) T", "## 3 T", or not at all.
STYLES = ("{n}. {t}", "{n}) {t}", "{n} {t}", "{t}")
INSERTS = st.lists(st.tuples(
    st.floats(0, 1, exclude_max=True),  # before which section (the last place: the end)
    st.sampled_from(STYLES),
    st.integers(1, 40),  # the number the person typed
    WORDS,  # title words
    st.lists(WORDS, min_size=1, max_size=3),  # body lines
    st.booleans(),  # a "### 2.1" sub-heading in the body
    st.booleans(),  # a fenced block holding a "## 5." line
), min_size=1, max_size=5)

PERSON = "Person Notes"  # no catalog title starts so: never taken for smartspec's section


def person_block(index: int, style: str, number: int, title: str, body: list[str], sub: bool,
                 fenced: bool) -> tuple[str, str]:
    """A section as a person might write it: the heading line and the whole block."""
    heading = "## " + style.format(n=number, t=f"{PERSON} {index} {title}")
    lines = [heading, "", *body]
    if sub:
        lines += ["", f"### {number}.1 Details {index}", "", body[0]]
    if fenced:
        lines += ["", "```text", f"## {number}. not a heading", "```"]
    return heading, "\n".join(lines) + "\n"


def insert_sections(text: str, inserts: list[Any]) -> tuple[str, list[str]]:
    """``text`` with the person's sections put in; their heading lines, in document order."""
    doc = parse(text)
    places = [s.start for s in doc.sections] + [len(doc.lines)]
    added: dict[int, list[tuple[str, str]]] = {}
    for index, (where, style, number, title, body, sub, fenced) in enumerate(inserts):
        at = places[int(where * len(places))]
        added.setdefault(at, []).append(person_block(index, style, number, title, body, sub,
                                                     fenced))
    lines = list(doc.lines)
    if not lines[-1].endswith("\n"):
        lines[-1] += "\n"
    order: list[str] = []
    for at in sorted(added):
        for heading, _ in added[at]:
            order.append(heading)
    for at in sorted(added, reverse=True):
        blocks = []
        for _, block in added[at]:
            blocks.append(block + "\n---\n\n" if at < len(doc.lines) else "\n---\n\n" + block)
        lines[at:at] = ["".join(blocks)]
    return "".join(lines), order


def numbered(line: str) -> str | None:
    found = SECTION_NUMBER_RE.match(line)
    return found.group(1) if found else None


def unnumbered(line: str) -> str:
    found = SECTION_NUMBER_RE.match(line)
    return line if found is None else line[:found.start(1)] + "#" + line[found.end(1):]


def person_sections(text: str) -> list[tuple[str, str]]:
    """(heading line, body without trailing blank and ``---`` lines) of every person section."""
    doc = parse(text)
    found = []
    for section in doc.sections:
        heading = doc.lines[section.heading.line].rstrip("\r\n")
        if PERSON not in heading:
            continue
        body = doc.text(section.heading.line + 1, section.end).rstrip("\r\n")
        body = re.sub(r"(\r?\n)+---$", "", body).rstrip("\r\n")
        found.append((heading, body))
    return found


def edit(text: str, base: Generated, new: Generated,
         records: dict[str, Any]) -> tuple[str, dict[str, Any]]:
    old = analyse(text).identify(records, compact=base.compact)
    result = merge(old, new.text, new.keys, base_header=base.header)
    return result.text, result.records


@settings(max_examples=200, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.too_slow])
@given(change=st.sampled_from([(c, c) for c in sorted(CASES)] + CHANGES), inserts=INSERTS,
       crlf=st.booleans())
def test_numbers_run_on_across_a_persons_sections_and_their_bytes_stay(
        change: tuple[str, str], inserts: list[Any], crlf: bool) -> None:
    base, new = generated(change[0]), generated(change[1])
    text, order = insert_sections(base.text, inserts)
    if crlf:
        text = text.replace("\n", "\r\n")
    before = person_sections(text)
    assert [h for h, _ in before] == order

    merged, records = edit(text, base, new, base.records)
    doc = parse(merged)
    present: list[str] = []
    for section in doc.sections:
        line = doc.lines[section.heading.line]
        number = numbered(line)
        if number is None:
            continue
        bare = line[SECTION_NUMBER_RE.match(line).end(1)] not in ".)"  # type: ignore[union-attr]
        if bare and PERSON in line and int(number) not in (len(present), len(present) + 1):
            # A bare number that cannot be the heading's place reads as part of its title
            # ("## 24 Hour Support") and stays as the person typed it.
            assert line.rstrip("\r\n") in order
            continue
        present.append(number)
    assert present == [str(n) for n in range(1, len(present) + 1)]

    after = person_sections(merged)
    assert len(after) == len(before)
    for (old_heading, old_body), (new_heading, new_body) in zip(before, after, strict=True):
        assert new_body == old_body  # every byte of the body, "### 2.1" and fences included
        assert unnumbered(new_heading) == unnumbered(old_heading)  # title words and style
        assert (numbered(new_heading) is None) == (numbered(old_heading) is None)

    # A second edit with nothing new changes nothing.
    again, _ = edit(merged, new, new, records)
    assert again == merged


def test_a_renumbering_that_would_touch_more_than_a_persons_number_is_refused(
        monkeypatch: pytest.MonkeyPatch) -> None:
    base = generated("basic")
    text, _ = insert_sections(base.text, [(0.5, "{n}. {t}", 9, "runbook", ["Keep me."], False,
                                           False)])
    real = m._set_number

    def careless(piece_text: str, offset: int, number: str) -> str:
        return real(piece_text, offset, number).replace("Keep me.", "Kept me.")

    monkeypatch.setattr(m, "_set_number", careless)
    with pytest.raises(m.MergeError, match="would not keep the section starting"):
        edit(text, base, base, base.records)
