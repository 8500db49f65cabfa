"""Generated specs compared byte for byte with the reviewed golden files."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.golden_cases import CASES
from tests.regen_golden import render_case

GOLDEN = Path(__file__).resolve().parent.parent / "data" / "golden"


@pytest.mark.parametrize("name", sorted(CASES))
def test_generated_spec_matches_golden(name: str) -> None:
    expected = (GOLDEN / f"{name}.md").read_text(encoding="utf-8")
    assert render_case(CASES[name]) == expected, (
        f"{name}: output differs from tests/data/golden/{name}.md; if the change is intended, "
        "run python tests/regen_golden.py and review the diff"
    )
