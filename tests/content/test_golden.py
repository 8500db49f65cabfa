"""Content goldens: one spec per security, DI and performance level, per domain and per code
stack, compared byte for byte with tests/content/golden/. If a change is intended, run
``python tests/content/regen.py`` and review the diff."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.content.cases import CASES
from tests.content.specs import spec

GOLDEN = Path(__file__).resolve().parent / "golden"


@pytest.mark.parametrize("name", sorted(CASES))
def test_spec_matches_content_golden(name: str) -> None:
    expected = (GOLDEN / f"{name}.md").read_text(encoding="utf-8")
    assert spec(name) == expected, (
        f"{name}: output differs from tests/content/golden/{name}.md; if the change is "
        "intended, run python tests/content/regen.py and review the diff")


def test_every_golden_file_has_a_case() -> None:
    assert sorted(p.stem for p in GOLDEN.glob("*.md")) == sorted(CASES)
