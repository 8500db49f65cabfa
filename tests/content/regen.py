"""Regenerate tests/content/golden/*.md on purpose; review the diff before committing.

    python tests/content/regen.py
"""

from __future__ import annotations

import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent.parent))

from tests.content.cases import CASES  # noqa: E402
from tests.regen_golden import render_case  # noqa: E402


def main() -> None:
    target = HERE / "golden"
    target.mkdir(parents=True, exist_ok=True)
    for name, argv in CASES.items():
        (target / f"{name}.md").write_text(render_case(argv), encoding="utf-8")
        print(f"wrote {name}.md")


if __name__ == "__main__":
    main()
