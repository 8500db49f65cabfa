"""The reference's five consistency rules, one table of pass/fail cases each
(``tests/rules/consistency.py``)."""

from __future__ import annotations

import pytest

from tests.rules import Case, run_case
from tests.rules.consistency import CASES

PARAMS = [pytest.param(rule, case, id=f"{rule}: {case.name}")
          for rule, cases in CASES.items() for case in cases]


@pytest.mark.parametrize(("rule", "case"), PARAMS)
def test_case(rule: str, case: Case) -> None:
    run_case(rule, case)


def test_every_consistency_rule_has_passing_and_failing_cases() -> None:
    for rule, cases in CASES.items():
        assert any(c.fails for c in cases), rule
        assert any(not c.fails and not c.skipped for c in cases), rule
