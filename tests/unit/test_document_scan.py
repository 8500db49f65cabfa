"""The parser's fast paths answer exactly as the plain forms they replace."""

from __future__ import annotations

from pathlib import Path

from hypothesis import example, given, settings
from hypothesis import strategies as st

from smartspec.digest import sha256_hex
from smartspec.document import (
    HEADING_RE,
    NUMBER_RE,
    _closes,
    _closing_line,
    _heading,
    block_hash,
    clear_heading_memo,
    legacy_block_hash,
    parse,
    section_number_span,
)


def _closing_line_by_lines(lines: list[str], start: int, char: str, size: int) -> int | None:
    """The definition: the first line from ``start`` that closes the fence, read one by
    one."""
    return next((index for index in range(start, len(lines))
                 if _closes(lines[index], char, size)), None)


# Pieces that make runs, near-runs, bare closers with and without their line break, and
# every line break ``splitlines`` honours, so that a run cut by a break (which is no run)
# and a closer that is not the bare run come up often.
_PIECES = st.sampled_from(["`", "``", "```", "````", "~", "~~", "~~~", " ", "x", "→", "\n",
                           "\r\n", "\r", "\u2028", "\x0c", "## A\n", "```py\n", "```\n",
                           "~~~\n", "```\r\n", "   ```\n"])


@given(st.lists(_PIECES, max_size=40).map("".join), st.sampled_from("`~"),
       st.integers(3, 4), st.integers(0, 3), st.sampled_from(["\n", "\r\n", ""]))
def test_a_fence_closes_on_the_first_line_that_closes_it(text: str, char: str, size: int,
                                                         start: int, ending: str) -> None:
    lines = text.splitlines(keepends=True)
    assert _closing_line(lines, start, char, size, ending) == _closing_line_by_lines(
        lines, start, char, size)


def test_a_tilde_fence_is_closed_only_by_tildes_and_a_text_without_runs_has_no_fence() -> None:
    doc = parse("# T\n\n~~~\n## not a heading\n```\n~~~~\n## 1. Real\n")
    assert [h.text for h in doc.headings] == ["T", "1. Real"]
    assert doc.fenced == [False, False, True, True, True, True, False]
    assert parse("# T\n~ ~~ `` x\n## 1. A\n").fenced == [False] * 3


def _heading_by_pattern(line: str) -> tuple[int, str, str | None, str] | None:
    """The definition of a heading line: ``HEADING_RE``, then ``NUMBER_RE`` on its text."""
    match = HEADING_RE.match(line)
    if match is None:
        return None
    text = (match.group(2) or "").strip()
    number = NUMBER_RE.match(text)
    if number is None:
        return len(match.group(1)), text, None, text
    return len(match.group(1)), text, number.group(1), number.group(2).strip()


_HEADING_PIECES = st.sampled_from(["#", "##", "#######", " ", "   ", "\t", "3.", "3)", "3.1",
                                   "12", "²", "٣", "A", "Title", "#x", " #", "→", "."])


@given(st.lists(_HEADING_PIECES, max_size=12).map("".join))
def test_a_heading_is_read_as_the_pattern_reads_it_the_first_time_and_after(line: str) -> None:
    clear_heading_memo()
    expected = _heading_by_pattern(line)
    for _ in range(2):  # read, then remembered
        heading = _heading(line, 7)
        assert (None if heading is None else
                (heading.level, heading.text, heading.number, heading.title)) == expected
        assert heading is None or heading.line == 7


# --- block fingerprints ------------------------------------------------------------------

def _fingerprint_lines(text: str) -> list[str]:
    lines = text.replace("\r\n", "\n").split("\n")
    while lines and lines[-1].strip() in ("", "---"):
        lines.pop()
    return lines


def _block_hash_by_lines(text: str) -> str:
    """The definition ``block_hash`` is held to: the text split into lines, trailing blank
    and ``---`` lines dropped, the first line that is neither blank nor a comment read for
    its heading number, the lines joined again."""
    lines = _fingerprint_lines(text)
    for index, line in enumerate(lines):
        if line.strip() and not line.lstrip().startswith("<!--"):
            found = section_number_span(line)
            if found is not None:
                lines[index] = f"{line[:found[0]]}#{line[found[1]:]}"
            break
    return sha256_hex("\n".join(lines))


BLOCK_PIECES = ["\n", "\r\n", "\r", " ", "\t", "\u2003", "---", "--", "<!--", "-->",
                "<!-- critical -->", "## ", "##", "#", "3", "12", "123", "1234", ".", ")", "Title",
                "text", "é"]


@settings(max_examples=1000, deadline=None)
@given(st.lists(st.sampled_from(BLOCK_PIECES), max_size=20).map("".join))
@example("<!-- critical: start -->\n\n## 3. Title\n\nBody\n\n---\n \n")
@example("## 12 Title\r\nBody\r\n---\r\n")
@example("\n \n---\n")
@example("")
@example("Body\n## 3. Title\n")
def test_block_fingerprints_are_taken_as_from_the_lines(text: str) -> None:
    assert block_hash(text) == _block_hash_by_lines(text)
    assert legacy_block_hash(text) == sha256_hex("\n".join(_fingerprint_lines(text)))


def test_block_fingerprints_of_golden_sections_are_taken_as_from_the_lines() -> None:
    tests = Path(__file__).resolve().parents[1]
    checked = 0
    for path in sorted((tests / "content" / "golden").rglob("*.md")):
        text = path.read_text(encoding="utf-8")
        doc = parse(text)
        for section in doc.sections:
            block = doc.section_text(section)
            assert block_hash(block) == _block_hash_by_lines(block), (path, section.title)
            checked += 1
    assert checked > 100
