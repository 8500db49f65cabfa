"""The semantic rules (SS201-SS207), one table of pass/fail cases each
(``tests/rules/semantic.py``), plus what every one of them must carry."""

from __future__ import annotations

import pytest

from smartspec.rules import RULES
from smartspec.rules.messages import pairs
from tests.rules import Case, run_case
from tests.rules.semantic import CASES

PARAMS = [pytest.param(rule, case, id=f"{rule}: {case.name}")
          for rule, cases in CASES.items() for case in cases]


@pytest.mark.parametrize(("rule", "case"), PARAMS)
def test_case(rule: str, case: Case) -> None:
    run_case(rule, case)


def test_every_semantic_rule_has_passing_and_failing_cases() -> None:
    for rule, cases in CASES.items():
        assert any(c.fails for c in cases), rule
        assert any(not c.fails and not c.skipped for c in cases), rule


def test_the_semantic_family_is_seven_rules_with_hints_in_both_languages() -> None:
    family = [rule for rule in RULES if rule.code.startswith("SS2")]
    assert [r.name for r in family] == list(CASES)
    for rule in family:
        assert rule.severity in ("error", "warn")
        assert rule.hint and rule.hint_th and rule.passed and rule.passed_th
        assert any("\u0e00" <= c <= "\u0e7f" for c in rule.hint_th), rule.name


@pytest.mark.parametrize("message_id", [
    "interface-missing-method", "money-float", "example-unknown-field", "status-not-allowed",
    "status-not-stated",
    "xref-section", "xref-anchor", "endpoint-undefined", "er-missing-table",
    "er-unknown-entity", "service-not-component", "percentile-order",
    "availability-downtime", "retry-over-deadline", "pool-over-limit", "sender-pool-short",
    "document-empty",
    "document-headings-only"])
def test_semantic_messages_exist_in_english_and_thai(message_id: str) -> None:
    english, thai = pairs("rules")[message_id]
    assert english and any("\u0e00" <= c <= "\u0e7f" for c in thai)
