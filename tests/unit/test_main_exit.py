"""The console script's process: its exit code, and the collector left out of the exit."""

from __future__ import annotations

import gc
import subprocess
import sys
from pathlib import Path

import pytest

import smartspec.cli
from smartspec.__main__ import run


def test_the_run_is_frozen_before_the_process_exits(monkeypatch: pytest.MonkeyPatch) -> None:
    # The interpreter's exit collection would scan every object the run made: they are
    # frozen first, after the command has done all it does, and its exit code passes through.
    calls: list[object] = []
    monkeypatch.setattr(gc, "freeze", lambda: calls.append("freeze"))
    monkeypatch.setattr(gc, "set_threshold", lambda *_: None)  # leave the test process's own
    monkeypatch.setattr(sys, "argv", ["smartspec", "validate", "spec.md"])
    monkeypatch.setattr(smartspec.cli, "main", lambda argv: calls.append(argv) or 3)
    with pytest.raises(SystemExit) as exited:
        run()
    assert exited.value.code == 3
    assert calls == [["validate", "spec.md"], "freeze"]


def test_a_frozen_exit_still_writes_and_prints_everything(tmp_path: Path) -> None:
    # What reaches a pipe and the disk is the same as without the freeze: the whole summary
    # and the spec, the registry, the index and the report.
    done = subprocess.run(
        [sys.executable, "-m", "smartspec", "new", "notes", "A notes service with a REST API",
         "--profile=basic", "--mode=compact"],
        cwd=tmp_path, capture_output=True, text=True, check=False, timeout=120,
        env={"SOURCE_DATE_EPOCH": "1795000000", "PATH": "/usr/bin:/bin"})
    assert done.returncode == 0, done.stderr
    # The summary's last line, the one printed just before the exit.
    assert done.stdout.rstrip().splitlines()[-1] == (
        "smartspec regenerate specs/feature/spec-001-notes/spec.md --mode=standard "
        "--profile=backend-service")
    spec = tmp_path / "specs/feature/spec-001-notes/spec.md"
    assert spec.read_text(encoding="utf-8").startswith("# ")
    assert (tmp_path / ".smartspec/SPEC_INDEX.json").stat().st_size > 0
    assert list((tmp_path / ".smartspec/reports").rglob("*.md"))
