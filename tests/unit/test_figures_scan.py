"""The figures rule reads percentiles, retry schedules and deadlines around one duration
scanner; each reading is held here to the single regular expression it replaces (kept below
as the definition), on the lines of the golden specs and on generated lines made of the
pieces those patterns care about."""

from __future__ import annotations

import re
from pathlib import Path

from hypothesis import example, given, settings
from hypothesis import strategies as st

from smartspec.rules import figures

_UNIT = r"(ms|milliseconds?|s|secs?|seconds?|m|mins?|minutes?|h|hrs?|hours?)"
_DURATION = r"(\d+(?:\.\d+)?)\s*" + _UNIT + r"(?![A-Za-z])"
# The patterns as they were: the definition of what each reading finds.
PERCENTILE = re.compile(r"(?<![\w.])[Pp](\d{2}(?:\.\d+)?)(?![\d.])[^0-9\n]{0,24}?" + _DURATION)
SCHEDULE = re.compile(_DURATION + r"(?:\s*(?:,|→|->|then|and|,\s*then)\s*" + r"\d+(?:\.\d+)?\s*"
                      + _UNIT + r"(?![A-Za-z]))+")
DEADLINE = re.compile(
    r"(?i)\b(?:within|deadline(?:\s+of)?|total\s+(?:timeout|budget)(?:\s+of)?|"
    r"overall\s+(?:timeout|budget)(?:\s+of)?|budget\s+of)\s*:?\s*" + _DURATION)

PIECES = ["P95", "p99", "P50", "P99.9", "P9", "P٣٣", "x", "_", ".", ":", " ", "  ", "\n", "\t",
          "<", "≤", " latency ", "|", "1", "200", "1.5", "٣", "²", "ms", "s", "sec", "seconds",
          "m", "min", "minutes", "h", "hours", "MS", "S", "Min", ",", ", ", "→", "->", " -> ",
          "then", " then ", "and", " and ", ", then ", "retry", "backoff", "within", "WITHIN",
          "Within", "deadline", "deadline of", "Deadline Of", "total", "total timeout",
          "Total  Budget", "total budget of", "overall timeout", "overall budget of",
          "budget of", "BUDGET OF", "of", "ſ", "İ", "K", "a", "é", "\u00a0"]
LINES = st.lists(st.sampled_from(PIECES), max_size=24).map("".join)


def _seconds_of(found: list[tuple[str, str]]) -> set[float]:
    return {figures._seconds(value, unit) for value, unit in found}


def _golden_lines() -> list[str]:
    root = Path(__file__).resolve().parents[1] / "data"
    return [line for path in sorted(root.rglob("*.md"))
            for line in path.read_text(encoding="utf-8").splitlines(keepends=True)]


def _check(line: str) -> None:
    assert figures._percentile_figures(line) == [m.groups() for m in PERCENTILE.finditer(line)]
    lists = figures._delay_lists(line)
    assert [text for text, _ in lists] == [m.group(0) for m in SCHEDULE.finditer(line)]
    assert [total for _, total in lists] == [
        sum(figures._seconds(v, u) for v, u in re.findall(_DURATION, m.group(0)))
        for m in SCHEDULE.finditer(line)]
    # A deadline inside another ("budget of" in "total budget of") may be read twice, with
    # the same figure: the rule keeps the largest deadline of a section, so the figures
    # read must be the same set.
    assert _seconds_of(figures._deadline_figures(line)) == _seconds_of(
        [(m.group(1), m.group(2)) for m in DEADLINE.finditer(line)])


def test_golden_spec_lines_read_as_the_patterns_read_them() -> None:
    lines = _golden_lines()
    assert len(lines) > 1000
    for line in lines:
        _check(line)


@settings(max_examples=600, deadline=None)
@given(LINES)
@example("P95 P٣٣ 200ms")  # a percentile inside the gap of the one before it
@example("p50 ٣ 10ms and P99: 5 s")
@example("backoff 1s, then 5s → 30s and 2 min, 1h")
@example("TOTAL BUDGET OF 5 MIN, within: 30 S, deadline of 1ſ")
@example("within 5 minutes:\n10s")
def test_generated_lines_read_as_the_patterns_read_them(line: str) -> None:
    _check(line)


def test_a_unit_spelled_with_a_letter_that_folds_to_ascii_is_read() -> None:
    # The deadline pattern is case-insensitive, so "1ſ" is a deadline of one second and
    # "5 MİN" one of five minutes; reading them used to raise KeyError.
    line = "Deadline of 1ſ; total budget of 5 MİN"
    assert _seconds_of([(m.group(1), m.group(2)) for m in DEADLINE.finditer(line)]) == {1.0, 300.0}
    assert _seconds_of(figures._deadline_figures(line)) == {1.0, 300.0}
