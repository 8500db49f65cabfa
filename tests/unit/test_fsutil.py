"""Atomic writes and locks."""

from __future__ import annotations

import os
import stat
import threading
from pathlib import Path

import pytest

from smartspec.errors import WorkspaceError
from smartspec.fsutil import FileLock, atomic_write, inside_root


def test_atomic_write_replaces_keeps_mode_and_sweeps_leftovers(tmp_path: Path) -> None:
    target = tmp_path / "spec.md"
    target.write_text("old\n")
    os.chmod(target, 0o640)
    leftover = tmp_path / ".spec.md.abc123.tmp"  # what a killed run leaves behind
    leftover.write_text("half a file")
    other = tmp_path / ".other.md.abc123.tmp"
    other.write_text("another file's write in progress")
    atomic_write(target, "new\n")
    assert target.read_text() == "new\n"
    assert stat.S_IMODE(target.stat().st_mode) == 0o640
    assert not leftover.exists()
    assert other.exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == [".other.md.abc123.tmp", "spec.md"]


def test_inside_root_refuses_escapes(tmp_path: Path) -> None:
    assert inside_root(tmp_path, "specs/x", what="dir") == tmp_path / "specs/x"
    with pytest.raises(WorkspaceError, match="outside the project root"):
        inside_root(tmp_path, "../x", what="dir")


def test_lock_timeout_names_the_holder(tmp_path: Path) -> None:
    key = tmp_path / "spec.md"
    held = threading.Event()
    release = threading.Event()

    def hold() -> None:
        with FileLock(key, folder=tmp_path / "state" / "locks", label="spec.md"):
            held.set()
            release.wait(5)

    thread = threading.Thread(target=hold)
    thread.start()
    held.wait(5)
    try:
        with pytest.raises(WorkspaceError, match=rf"held by process {os.getpid()}"), \
                FileLock(key, folder=tmp_path / "state" / "locks", timeout=0.2,
                         label="spec.md"):
            pass
    finally:
        release.set()
        thread.join()
    with FileLock(key, folder=tmp_path / "state" / "locks", timeout=1):
        pass
    # Released locks leave nothing behind, not even the folders the lock created.
    assert not (tmp_path / "state").exists()
