"""The merge reads smartspec's own heading lines ("## 3. Architecture") with ``str``
operations instead of compiling a pattern on every edit that keeps a person's section. The
reader is held here to the pattern that defines it (``merge._SMARTSPEC_HEADING_RE``), on
every line of the golden specs and on generated lines made of the pieces the pattern cares
about (digits of other scripts, line breaks of every kind, near misses)."""

from __future__ import annotations

from hypothesis import example, given, settings
from hypothesis import strategies as st

from smartspec import merge
from tests.helpers import spec_lines

PIECES = ["## ", "##", "#", " ", "3", "12", "٣", "²", "½", ".", ". ", ".  ", ")", "Title", "a",
          "é", "\n", "\r", "\r\n", "\x85", "\u2028", "\x0c", "\t", "\u00a0", "Overview"]
LINES = st.lists(st.sampled_from(PIECES), max_size=12).map("".join)


def _by_pattern(line: str) -> tuple[str, str] | None:
    found = merge._SMARTSPEC_HEADING_RE.match(line)
    return None if found is None else (found.group(2), found.group(3) or "")


@given(LINES)
@settings(max_examples=3000, deadline=None)
@example("## 3. Architecture\n")
@example("## 3. Architecture\r\n")
@example("## 3. Architecture")
@example("## 3. \r\n")
@example("## 3. \n")
@example("## 3. ")
@example("## 3. \r")
@example("## 3. A\r\r\n")
@example("## 3. A\nB")
@example("## 3. A\n\n")
@example("## ٣. Title\n")
@example("## ². Title\n")
@example("## 3.1. Title\n")
@example("## . Title\n")
@example("##  3. Title\n")
def test_smartspec_heading_reads_what_the_pattern_matched(line: str) -> None:
    assert merge.smartspec_heading(line) == _by_pattern(line)


def test_smartspec_heading_on_every_golden_line() -> None:
    lines = [line for line in spec_lines() if line.startswith("## ")]
    assert any(merge.smartspec_heading(line) is not None for line in lines)
    for line in lines:
        assert merge.smartspec_heading(line) == _by_pattern(line), line
