"""The scanner reads every text exactly as the line-by-line scanner it replaced.

``_reference_scan`` below is that scanner as it was (it visited every line and asked a list
of the lines holding a fence run for each fence's closer): the definition the faster
``document.parse`` is held to on generated markdown, on every golden spec, on the corpus of
specs nobody here wrote, and on line breaks other than "\\n".
"""

from __future__ import annotations

from bisect import bisect_right
from itertools import islice
from pathlib import Path
from unittest.mock import patch

from hypothesis import example, given, settings
from hypothesis import strategies as st

from smartspec import document
from smartspec.document import (
    SETTINGS_PREFIX,
    SMARTSPEC_CRITICAL,
    CriticalBlock,
    Document,
    Heading,
    Problem,
    Section,
    _closes,
    _heading,
    _read_settings,
    _unknown_name,
    fence_opener,
    header_field,
    parse,
)
from smartspec.markers import BUILTIN_CRITICAL, CLOSE, OPEN, SMARTSPEC_END, meta_tag, settings_json

TESTS = Path(__file__).resolve().parents[1]
_STRUCTURE_FIRST = frozenset("#`~<* ")
_INDENTED_FIRST = frozenset("#`~")


def _reference_fence_lines(lines: list[str]) -> list[int]:
    return [index for index, raw in enumerate(lines) if "```" in raw or "~~~" in raw]


def _reference_scan(text: str, critical_names: tuple[str, ...] = BUILTIN_CRITICAL) -> Document:
    lines = text.splitlines(keepends=True)
    doc = Document(lines=lines)
    fenced = doc.fenced
    fence: tuple[str, int] | None = None
    open_block: tuple[str, bool, int] | None = None
    seen_names: dict[str, int] = {}
    h2: list[Heading] = []
    pending_open: dict[int, CriticalBlock] = {}
    first_h2_line: int | None = None
    fence_start = 0
    fence_ranges: list[tuple[int, int]] = []
    closers = _reference_fence_lines(lines)
    numbered = enumerate(lines)
    for index, raw in numbered:
        first = raw[:1]
        if fence is not None:
            fence_char, fence_size = fence
            close = None
            for candidate in closers[bisect_right(closers, index - 1):]:
                if _closes(lines[candidate], fence_char, fence_size):
                    close = candidate
                    break
            if close is None:
                break
            fence = None
            fence_ranges.append((fence_start, close + 1))
            if close > index:
                next(islice(numbered, close - index - 1, None), None)
            continue
        if first not in _STRUCTURE_FIRST:
            continue
        if first == " ":
            lead = raw.lstrip(" ")[:1]
            if lead not in _INDENTED_FIRST:
                continue
        elif first == "*" and first_h2_line is not None:
            continue
        else:
            lead = first
        line = raw.rstrip("\r\n")
        if lead == "`" or lead == "~":
            opener = fence_opener(line)
            if opener and not (opener[0][0] == "`" and "`" in opener[1]):
                fence = (opener[0][0], len(opener[0]))
                fence_start = index
            continue
        if lead == "#":
            heading = _heading(line, index)
            if heading is None:
                continue
            doc.headings.append(heading)
            if heading.level == 1 and doc.title is None and first_h2_line is None:
                doc.title, doc.title_line = heading.text, index
            elif heading.level == 2:
                if first_h2_line is None:
                    first_h2_line = index
                h2.append(heading)
        elif first == "<" and line.startswith("<!--"):
            if settings_json(line) is not None:
                _read_settings(doc, line, index)
                continue
            if line.startswith(SETTINGS_PREFIX):
                doc.problems.append(Problem(index, (
                    "a smartspec settings comment that does not end on its own line; expected "
                    "'<!-- smartspec: {...} -->' on one line")))
                continue
            tag = meta_tag(line)
            if tag is None:
                continue
            kind, name, allow_update = tag
            smartspec_end = kind == SMARTSPEC_END
            if kind == OPEN:
                if open_block is not None:
                    doc.problems.append(Problem(index, (
                        f"critical section {name!r} opens inside critical section "
                        f"{open_block[0]!r} (opened on line {open_block[2] + 1}); "
                        "critical sections cannot nest")))
                    continue
                if name in seen_names:
                    doc.problems.append(Problem(index, (
                        f"critical section {name!r} appears twice "
                        f"(first on line {seen_names[name] + 1})")))
                seen_names.setdefault(name, index)
                open_block = (name, allow_update, index)
            elif smartspec_end or kind == CLOSE:
                if open_block is None:
                    doc.problems.append(Problem(index, "@end-critical without a matching @critical"))
                    continue
                if smartspec_end:
                    doc.end_tags.append(index)
                elif open_block[0] not in critical_names + SMARTSPEC_CRITICAL:
                    doc.problems.append(_unknown_name(open_block[0], open_block[2],
                                                      critical_names))
                block = CriticalBlock(open_block[0], open_block[1], open_block[2], index)
                doc.critical_blocks.append(block)
                open_block = None
            else:
                doc.problems.append(Problem(index, (
                    "malformed meta tag; expected '<!-- @critical NAME [allow-update] -->' "
                    "or '<!-- @end-critical -->'")))
        elif first == "*" and first_h2_line is None:
            field = header_field(line)
            if field:
                doc.header.setdefault(field[0].strip(), field[1])
    if fence is not None:
        fence_ranges.append((fence_start, len(lines)))
    fenced.extend([False] * len(lines))
    for begin, stop in fence_ranges:
        fenced[begin:stop] = [True] * (stop - begin)
    if open_block is not None:
        if open_block[0] not in critical_names + SMARTSPEC_CRITICAL:
            doc.problems.append(_unknown_name(open_block[0], open_block[2], critical_names))
        doc.problems.append(Problem(open_block[2], (
            f"critical section {open_block[0]!r} is never closed; "
            "expected '<!-- @end-critical -->' after it")))
    for block in doc.critical_blocks:
        pending_open[block.open_line] = block
    _reference_sections(doc, h2, pending_open)
    return doc


def _reference_sections(doc: Document, h2: list[Heading],
                        opens: dict[int, CriticalBlock]) -> None:
    starts: list[tuple[int, Heading, CriticalBlock | None]] = []
    for heading in h2:
        start, block = heading.line, None
        probe = heading.line - 1
        while probe >= 0 and not doc.lines[probe].strip():
            probe -= 1
        if probe >= 0 and probe in opens:
            start, block = probe, opens[probe]
        starts.append((start, heading, block))
    for position, (start, heading, block) in enumerate(starts):
        end = starts[position + 1][0] if position + 1 < len(starts) else len(doc.lines)
        doc.sections.append(Section(heading=heading, start=start, end=end, critical=block))
    by_line = iter(doc.sections)
    current = next(by_line, None)
    following = next(by_line, None)
    for heading in doc.headings:
        if heading.level <= 2:
            continue
        while following is not None and heading.line >= following.start:
            current, following = following, next(by_line, None)
        if current is not None and current.start <= heading.line < current.end:
            current.subheadings.append(heading)
    for block in doc.critical_blocks:
        if any(s.critical is block for s in doc.sections):
            continue
        for section in doc.sections:
            if section.start <= block.open_line < section.end and section.critical is None:
                section.critical = block
                break


def _state(doc: Document) -> dict[str, object]:
    return {name: getattr(doc, name) for name in Document.__slots__}


def _assert_same_scan(text: str, critical_names: tuple[str, ...] = BUILTIN_CRITICAL) -> None:
    document._last = None
    assert _state(parse(text, critical_names=critical_names)) == _state(
        _reference_scan(text, critical_names))


# Whole lines and pieces of lines that make structure, near-structure and every line break
# ``splitlines`` honours: fences of both kinds and lengths (indented, with info strings,
# closed by longer runs, never closed), headings, tags, settings comments, header fields.
_LINE_PIECES = st.sampled_from([
    "```", "````", "~~~", "~~~~", "```py", "``` `x`", "~~~ ```", "   ```", "    ```", " ~~~",
    "```  ", "`", "~~", "# T", "## 1. A", "## B", "### 1.1 C", "   ## D", "    ## E", "#x",
    "#######", "<!-- @critical di -->", "<!-- @critical legal allow-update -->",
    "<!-- @critical zz -->", "<!-- @end-critical -->", "<!-- @end -->", "<!-- @critica -->",
    "<!-- @critical -->", "<!-- note -->", '<!-- smartspec: {"schema": 1} -->',
    "<!-- smartspec: {", "<!-- smartspec: {oops} -->", "**Status:** DRAFT", "**Spec ID:** s-1",
    "**x**", "* item", "text", "", " ", "→", "x ``` y",
])
_BREAKS = st.sampled_from(["\n", "\n", "\n", "\r\n", "\r", "\x0c", "\u2028", "\x85"])


@st.composite
def _markdown(draw: st.DrawFn) -> str:
    pieces = draw(st.lists(st.tuples(_LINE_PIECES, _BREAKS), max_size=30))
    text = "".join(piece + brk for piece, brk in pieces)
    return text[:-1] if draw(st.booleans()) and text.endswith("\n") else text


@settings(max_examples=600, deadline=None)
@given(_markdown())
@example("```\ncode\n```\n## 1. A\n")
@example("```\ncode\n````\n## 1. A\n```\n")
@example("```\r\ncode\r\n```\r\n## 1. A\r\n")
@example("~~~\n```\n~~~\n## A\n")
@example("```\n```")
@example("```")
@example("  ```\n  ## in code\n   ```  \n## out\n")
def test_the_scanner_reads_generated_markdown_as_the_line_by_line_scanner(text: str) -> None:
    _assert_same_scan(text)
    _assert_same_scan(text, ("di", "zz"))
    # Fences longer than the joined window: their lines past it are read one by one.
    for window in (1, 2):
        with patch.object(document, "_FENCE_WINDOW", window):
            _assert_same_scan(text)


def test_long_fences_and_many_fences_are_read_as_the_line_by_line_scanner() -> None:
    body = "".join(f"line {i} ``` not a closer\n" if i % 7 == 0 else f"line {i}\n"
                   for i in range(200))
    fences = "".join(f"```py\n{body}```  \n## {i}. A\n" for i in range(5))
    for text in (fences, fences + "```\n", "```\n" + body, fences.replace("```  ", "```")):
        _assert_same_scan(text)


def test_the_scanner_reads_every_golden_and_corpus_spec_as_the_line_by_line_scanner() -> None:
    paths = sorted((TESTS / "content" / "golden").rglob("*.md")) + sorted(
        (TESTS / "corpus" / "specs").rglob("*.md"))
    for path in paths:
        text = path.read_text(encoding="utf-8")
        _assert_same_scan(text)
        _assert_same_scan(text.replace("\n", "\r\n"))
    assert len(paths) > 100


def _fences(count: int, closer: str) -> str:
    return "".join(f"```py\nx = {i}\n# not a heading\ny\n{closer}\n## {i}. Part\ntext\n\n"
                   for i in range(count))


def test_thousands_of_fences_closed_by_runs_that_are_not_bare_are_read_in_one_pass() -> None:
    # Every closer carries a trailing space, so none is the bare run the closer search
    # looks for first: a search that went on to the end of the document for each fence
    # would take a quarter of a minute here (6,000 fences, 48,000 lines).
    count = 6000
    document._last = None
    doc = parse(_fences(count, "``` "))
    assert [h.number for h in doc.headings] == [str(i) for i in range(count)]
    assert sum(doc.fenced) == 5 * count
    assert [(s.start, s.end) for s in doc.sections][:2] == [(5, 13), (13, 21)]
    # Closed by a longer run, or with an unclosed fence at the end: as the line-by-line
    # scanner reads them.
    for text in (_fences(1000, "````"), _fences(1000, "``` ") + "```\nunclosed\n"):
        _assert_same_scan(text)
