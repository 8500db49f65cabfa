"""Regenerate tests/content/golden/*.md on purpose; review the diff before committing.

    python tests/content/regen.py
"""

from __future__ import annotations

import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent.parent))

from tests.content.cases import CASES  # noqa: E402
from tests.regen_golden import write_goldens  # noqa: E402


def main() -> None:
    write_goldens(CASES, HERE / "golden")


if __name__ == "__main__":
    main()
