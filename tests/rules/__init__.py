"""Per-rule pass/fail tables (as sqlfluff keeps per-rule YAML cases): the shape of a case and the
check that runs one case through the whole engine. The tables are `consistency.py` and `structure.py`."""

from __future__ import annotations

import textwrap
from dataclasses import dataclass, field
from typing import Any

from smartspec.rules import RULES, ValidationResult, validate_text


@dataclass(frozen=True)
class Case:
    """One spec and what one rule must say about it.

    ``fails`` lists (locator, message fragment): the finding's line is the first line of the
    text containing ``locator`` (None: a finding with no line). No ``fails`` means the rule
    passes; ``skipped`` means it must report itself skipped (no metadata to check).
    """

    name: str
    text: str
    fails: tuple[tuple[str | None, str], ...] = ()
    skipped: bool = False
    options: dict[str, Any] = field(default_factory=dict)  # validate_text keyword arguments


def spec(text: str) -> str:
    return textwrap.dedent(text).lstrip("\n")


def line_of(text: str, locator: str) -> int:
    for number, line in enumerate(text.splitlines(), start=1):
        if locator in line:
            return number
    raise AssertionError(f"locator {locator!r} is not in the case text")


def run_case(rule_name: str, case: Case) -> ValidationResult:
    text = spec(case.text)
    result = validate_text(text, path="spec.md", **case.options)
    findings = [f for f in result.findings if f.rule == rule_name]
    skipped = [name for name, _ in result.skipped]
    if case.skipped:
        assert rule_name in skipped, f"{case.name}: expected {rule_name} to be skipped"
        assert not findings
        return result
    assert rule_name not in skipped, f"{case.name}: {rule_name} skipped: {result.skipped}"
    expected = [(None if loc is None else line_of(text, loc), fragment)
                for loc, fragment in case.fails]
    got = [(f.line, f.message) for f in findings]
    assert len(got) == len(expected), f"{case.name}: expected {expected}, got {got}"
    for (line, fragment), (got_line, message) in zip(expected, got, strict=True):
        assert got_line == line, f"{case.name}: {message!r} on line {got_line}, expected {line}"
        assert fragment in message, f"{case.name}: {fragment!r} not in {message!r}"
    if not expected:
        assert rule_name in result.passed_rules, f"{case.name}: {rule_name} did not pass"
    rule = RULES[rule_name]
    for finding in findings:
        assert finding.code == rule.code and finding.hint == rule.hint
    return result
