"""A full disk and a read-only file system, for new, edit, index and restore: exit 2, one line
naming what could not be written, and the project exactly as it was (no partial files, no
leftover folders). The project lives on a small tmpfs mounted for the test, which needs root;
elsewhere the tests are skipped with that reason."""

from __future__ import annotations

import contextlib
import os
import shutil
import subprocess
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from tests.helpers import run_cli, tree_snapshot

ROOT_ONLY = "mounting a small tmpfs needs root (run the suite as root to cover a full disk)"


@contextlib.contextmanager
def small_disk() -> Iterator[Path]:
    if os.geteuid() != 0 or shutil.which("mount") is None:
        pytest.skip(ROOT_ONLY)
    mount_point = Path(tempfile.mkdtemp(prefix="smartspec-disk-"))
    done = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=2m,mode=0755", "tmpfs",
                           str(mount_point)], capture_output=True, text=True, check=False)
    if done.returncode != 0:
        mount_point.rmdir()
        pytest.skip(f"cannot mount a tmpfs here: {done.stderr.strip()}")
    try:
        yield mount_point
    finally:
        subprocess.run(["umount", "-l", str(mount_point)], check=False)
        mount_point.rmdir()


def fill(disk: Path) -> None:
    """Fill the disk to the last byte with a file outside the project."""
    chunk = b"\0" * 4096
    with open(disk / "filler", "wb", buffering=0) as handle:
        with contextlib.suppress(OSError):
            while True:
                handle.write(chunk)
        with contextlib.suppress(OSError):
            while True:
                handle.write(b"\0")


def read_only(disk: Path) -> None:
    subprocess.run(["mount", "-o", "remount,ro", str(disk)], check=True)


def project_with_spec(disk: Path) -> tuple[Path, str]:
    project = disk / "project"
    project.mkdir()
    made = run_cli(["new", "orders", "Order service REST API with PostgreSQL", "--json",
                    "--profile=basic"], project)
    assert made.code == 0, made.err
    rel = "specs/feature/spec-001-orders/spec.md"
    assert (project / rel).is_file()
    return project, rel


def _setup_restore(project: Path, rel: str) -> None:
    changed = run_cli(["edit", rel, "--performance=full"], project)
    assert changed.code == 0, changed.err


COMMANDS: dict[str, tuple[Callable[[Path, str], None] | None, Callable[[str], list[str]]]] = {
    "new": (None, lambda rel: ["new", "payments", "Card payments with Stripe"]),
    "edit": (None, lambda rel: ["edit", rel, "--performance=full"]),
    "index": (None, lambda rel: ["index"]),
    "restore": (_setup_restore, lambda rel: ["restore", rel]),
}


@pytest.mark.parametrize("breakage", ["full", "read-only"])
@pytest.mark.parametrize("command", sorted(COMMANDS))
def test_a_broken_disk_changes_nothing(command: str, breakage: str) -> None:
    setup, argv = COMMANDS[command]
    with small_disk() as disk:
        project, rel = project_with_spec(disk)
        if setup is not None:
            setup(project, rel)
        if command == "index":
            # Something for index to write: a spec the index does not list yet.
            (project / rel).write_text((project / rel).read_text() + "\nMore words.\n")
        before = tree_snapshot(project)
        if breakage == "full":
            fill(disk)
        else:
            read_only(disk)
        result = run_cli(argv(rel), project)
        assert result.code == 2, (result.out, result.err)
        assert "Traceback" not in result.err
        assert result.err.count("\n") == 1 and result.err.startswith("smartspec: error: ")
        assert ("No space left on device" if breakage == "full"
                else "Read-only file system") in result.err, result.err
        assert tree_snapshot(project) == before
