"""Regenerate tests/data/delivery/<case>/ (plan.md, tasks.md, openapi.yaml) on purpose;
review the diff before committing.

    python tests/regen_delivery.py
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tests.delivery_cases import CASES, TARGET, render


def main() -> None:
    for case in CASES:
        folder = TARGET / case
        folder.mkdir(parents=True, exist_ok=True)
        for name, text in render(case).items():
            (folder / name).write_text(text, encoding="utf-8")
            print(f"wrote {case}/{name}")


if __name__ == "__main__":
    main()
