"""The spec scanner reads settings comments, critical tags, fence openers, header fields and
heading numbers with ``str`` operations, so that reading a spec compiles no pattern. Each
reader is held here to the pattern that defines it (kept as the module's constant), on every
line of the golden specs and on generated lines made of the pieces those patterns care
about (Unicode spaces and digits, line breaks, near-miss words)."""

from __future__ import annotations

from hypothesis import example, given, settings
from hypothesis import strategies as st

from smartspec import document, markers
from smartspec.rules import context
from tests.helpers import spec_lines

PIECES = ["<!--", "-->", "<!-- ", " -->", "--", "-", ">", "@critical", "@end-critical", "@end",
          "@criticality", "@end-criticalx", "critical", "security", "legal", "allow-update",
          "allow", "x_1", "é", "<!-- smartspec: ", "smartspec:", "{", "}", "{}", '"a":1', "} -->",
          " ", "  ", "\t", "\n", "\r", "\x0c", "\x85", "\u00a0", "\u2003", "`", "```", "````",
          "~", "~~~", "py", "#", "**", ":", ":**", "*", "Status", "DRAFT", "3", "12", "٣", "²",
          ".", ")", "3.1", "1.2.3", "Title", "a", "## ", "##", "123", "1234"]
LINES = st.lists(st.sampled_from(PIECES), max_size=16).map("".join)


def _meta_by_patterns(line: str) -> tuple[str, str, bool] | None:
    """What the scanner read from a comment line when it asked the patterns."""
    if markers.SMARTSPEC_END_RE.match(line):
        return markers.SMARTSPEC_END, "", False
    if not markers.ANY_META_RE.match(line):
        return None
    opened = markers.CRITICAL_OPEN_RE.match(line)
    if opened:
        return markers.OPEN, opened.group("name"), bool(opened.group("allow"))
    if markers.CRITICAL_CLOSE_RE.match(line):
        return markers.CLOSE, "", False
    return markers.MALFORMED, "", False


def _groups(match: object) -> tuple[str, ...] | None:
    return None if match is None else match.groups()  # type: ignore[attr-defined]


def _check(raw: str) -> None:
    for line in (raw, raw.rstrip("\r\n"), raw.strip()):
        found = markers.SETTINGS_RE.match(line)
        assert markers.settings_json(line) == (found.group("json") if found else None)
        assert markers.meta_tag(line) == _meta_by_patterns(line)
        assert document.fence_opener(line) == _groups(document.FENCE_RE.match(line))
        field = document.HEADER_FIELD_RE.match(line)
        assert document.header_field(line) == (
            (field.group("key"), field.group("value")) if field else None)
        assert document._number_parts(line) == _groups(document.NUMBER_RE.match(line))
        number = document.SECTION_NUMBER_RE.match(line)
        assert document.section_number_span(line) == (number.span(1) if number else None)
        for char, size in (("`", 3), ("`", 4), ("~", 3)):
            assert context._closes_at(line, 0, char, size) == (
                _closer(char, size).match(line) is not None)


def _closer(char: str, size: int) -> object:
    import re
    return re.compile(rf"(?m)^ {{0,3}}{re.escape(char * size)}{re.escape(char)}*[ \t]*\r?$")


def test_readers_agree_with_their_patterns_on_every_golden_line() -> None:
    lines = spec_lines()
    assert len(lines) > 1000
    for line in lines:
        _check(line)


@settings(max_examples=600, deadline=None)
@given(LINES)
@example("<!-- @critical security allow-update -->\r\n")
@example("<!--@critical x--->")
@example("<!-- @critical\u2003x\u00a0allow-update -->\x85")
@example("<!-- smartspec: {\n} -->")
@example("<!-- smartspec: {} --> \n ")
@example("**Status:** DRAFT \n x")
@example("3.1.x Title")
@example("12.3) \n")
@example("  ````py ` \n")
@example(" ## 12) \tTitle")
@example("## 123 Title")
@example("##\t3.\u2003x")
def test_readers_agree_with_their_patterns_on_generated_lines(line: str) -> None:
    _check(line)


def test_escape_line_breaks_writes_each_breaker_as_its_escape() -> None:
    text = '{"a":"x\x85y\u2028z\u2029","b":"é"}'
    assert markers.escape_line_breaks(text) == '{"a":"x\\u0085y\\u2028z\\u2029","b":"é"}'
    assert markers.escape_line_breaks('{"a":1}') == '{"a":1}'
