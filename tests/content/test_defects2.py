"""More defects a reviewer found by reading the golden specs, each pinned over every system
and language where it can be: Python code laid out as PEP 8 says, every injected port used,
idempotency keys that do something, notifications routed by channel, test doubles that
exist, entity types that are their tables, environment names a shell accepts, and STRIDE rows
that state each provider's own webhook check."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.content.specs import FENCE_RE

ROOT = Path(__file__).resolve().parents[2]
GOLDENS = sorted((ROOT / "tests" / "content" / "golden").glob("*.md")) + sorted(
    (ROOT / "tests" / "data" / "golden").glob("*.md"))


def test_python_blocks_keep_pep_8_blank_lines(tmp_path: Path) -> None:
    """ruff's pycodestyle rules (E30x: two empty lines around top-level definitions, at
    most one inside them) pass on every Python block of every golden spec."""
    ruff = shutil.which("ruff", path=str(Path(sys.executable).parent)) or shutil.which("ruff")
    assert ruff is not None, "ruff is a dev dependency"
    count = 0
    for golden in GOLDENS:
        for number, match in enumerate(FENCE_RE.finditer(golden.read_text("utf-8"))):
            if match.group("lang") == "python":
                (tmp_path / f"{golden.stem.replace('-', '_')}_{number}.py").write_text(
                    match.group("body"), "utf-8")
                count += 1
    assert count >= 20
    result = subprocess.run(
        [ruff, "check", "--preview", "--isolated", "--no-cache", "--select", "E30",
         "--output-format", "concise", str(tmp_path)],
        capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stdout
