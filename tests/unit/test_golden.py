"""Generated specs compared byte for byte with the reviewed golden files in tests/data/golden/
(``pytest --update-goldens`` rewrites them on purpose; review the diff)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import Golden
from tests.golden_cases import CASES
from tests.helpers import render_case

GOLDEN = Path(__file__).resolve().parent.parent / "data" / "golden"


@pytest.mark.parametrize("name", sorted(CASES))
def test_generated_spec_matches_golden(name: str, golden: Golden) -> None:
    golden.check(GOLDEN / f"{name}.md", render_case(CASES[name]))


def test_every_golden_file_has_a_case(golden: Golden) -> None:
    golden.no_stale(GOLDEN, {f"{name}.md" for name in CASES}, "*.md")


def test_the_golden_loop_fails_on_a_difference_and_rewrites_only_when_asked(tmp_path: Path) -> None:
    folder = tmp_path / "golden"
    folder.mkdir()
    kept, stale = folder / "a.md", folder / "old.md"
    kept.write_text("before\n", encoding="utf-8")
    stale.write_text("no case\n", encoding="utf-8")
    check = Golden(update=False)
    with pytest.raises(AssertionError, match="pytest --update-goldens"):
        check.check(kept, "after\n")
    with pytest.raises(AssertionError, match=r"old\.md"):
        check.no_stale(folder, {"a.md"}, "*.md")
    assert kept.read_text(encoding="utf-8") == "before\n" and stale.exists()
    update = Golden(update=True)
    update.check(kept, "after\n")
    update.no_stale(folder, {"a.md"}, "*.md")
    assert kept.read_text(encoding="utf-8") == "after\n"
    assert sorted(p.name for p in folder.iterdir()) == ["a.md"]
