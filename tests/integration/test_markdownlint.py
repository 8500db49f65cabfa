"""Every generated spec passes markdownlint-cli2 with the committed configuration
(.markdownlint-cli2.jsonc at the repository root)."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from tests.content.specs import ALL_CASES, spec

pytestmark = pytest.mark.node
REPO = Path(__file__).resolve().parents[2]


def test_generated_specs_pass_markdownlint(node_tools: Path, tmp_path: Path) -> None:
    files = []
    for name in sorted(ALL_CASES):
        path = tmp_path / f"{name}.md"
        path.write_text(spec(name), encoding="utf-8")
        files.append(str(path))
    run = subprocess.run(
        [str(node_tools / "node_modules" / ".bin" / "markdownlint-cli2"),
         "--config", str(REPO / ".markdownlint-cli2.jsonc"), *files],
        capture_output=True, text=True, timeout=300, check=False, cwd=tmp_path)
    assert run.returncode == 0, f"markdownlint-cli2 found problems:\n{run.stdout}{run.stderr}"


def test_the_config_turns_no_rule_off_without_a_reason() -> None:
    lines = (REPO / ".markdownlint-cli2.jsonc").read_text(encoding="utf-8").splitlines()
    for number, line in enumerate(lines):
        if ": false" in line or "code_blocks" in line:
            above = lines[number - 1].strip()
            assert above.startswith("//"), f"line {number + 1}: '{line.strip()}' has no comment above it"
