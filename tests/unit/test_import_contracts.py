"""The architecture as a test: ``lint-imports`` checks the contracts in pyproject.toml (the
layers commands -> runs -> stages -> workspace -> file primitives, and no module but
``workspace`` importing the writers), so a module that writes behind Workspace's back, or a
stage that reaches up into a command, fails CI."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def _lint_imports() -> str:
    found = shutil.which("lint-imports", path=str(Path(sys.executable).parent)) \
        or shutil.which("lint-imports")
    assert found, "lint-imports is not installed; install the dev extras: pip install -e '.[dev]'"
    return found


def test_the_import_contracts_hold() -> None:
    done = subprocess.run([_lint_imports(), "--no-cache"], cwd=ROOT, capture_output=True,
                          text=True, timeout=300)
    assert done.returncode == 0, done.stdout[-4000:] + done.stderr[-2000:]
    assert "only workspace imports the writers KEPT" in done.stdout
    assert "commands -> runs -> stages -> workspace -> file primitives KEPT" in done.stdout


def test_a_module_that_imports_the_writers_breaks_the_contract(tmp_path: Path) -> None:
    """The contract can fail: a copy of the package in which a stage imports ``fswrite``
    is reported."""
    package = tmp_path / "src" / "smartspec"
    shutil.copytree(ROOT / "src" / "smartspec", package,
                    ignore=shutil.ignore_patterns("__pycache__", "*.j2", "*.json"))
    shutil.copy(ROOT / "pyproject.toml", tmp_path / "pyproject.toml")
    plan = package / "plan.py"
    plan.write_text(plan.read_text(encoding="utf-8")
                    + "\n\ndef _sneak() -> None:\n    from smartspec.fswrite import atomic_write\n",
                    encoding="utf-8")
    done = subprocess.run([_lint_imports(), "--no-cache"], cwd=tmp_path, capture_output=True,
                          text=True, timeout=300, env={"PYTHONPATH": str(tmp_path / "src"),
                                                       "PATH": "/usr/bin:/bin"})
    assert done.returncode == 1, done.stdout[-4000:] + done.stderr[-2000:]
    assert "only workspace imports the writers BROKEN" in done.stdout
    assert "smartspec.plan -> smartspec.fswrite" in done.stdout
