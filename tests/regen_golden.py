"""Regenerate tests/data/golden/*.md on purpose; review the diff before committing.

    python tests/regen_golden.py
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

from tests.golden_cases import CASES  # noqa: E402
from tests.helpers import run_cli  # noqa: E402


def render_case(argv: list[str]) -> str:
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        result = run_cli([*argv, "--no-report", "--no-validation"], root)
        if result.code != 0:
            raise SystemExit(f"{argv}: exit {result.code}: {result.err}")
        (spec,) = root.glob("specs/*/*/spec.md")
        return spec.read_text(encoding="utf-8")


def write_goldens(cases: dict[str, list[str]], target: Path) -> None:
    target.mkdir(parents=True, exist_ok=True)
    for name, argv in cases.items():
        (target / f"{name}.md").write_text(render_case(argv), encoding="utf-8")
        print(f"wrote {name}.md")


def main() -> None:
    write_goldens(CASES, HERE / "data" / "golden")


if __name__ == "__main__":
    main()
