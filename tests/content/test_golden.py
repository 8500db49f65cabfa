"""Content goldens: one spec per security, DI and performance level, per domain and per code
stack, compared byte for byte with tests/content/golden/. If a change is intended, run
``pytest --update-goldens`` and review the diff."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import Golden
from tests.content.cases import CASES
from tests.content.specs import spec

GOLDEN = Path(__file__).resolve().parent / "golden"


@pytest.mark.parametrize("name", sorted(CASES))
def test_spec_matches_content_golden(name: str, golden: Golden) -> None:
    golden.check(GOLDEN / f"{name}.md", spec(name))


def test_every_golden_file_has_a_case(golden: Golden) -> None:
    golden.no_stale(GOLDEN, {f"{name}.md" for name in CASES}, "*.md")
