"""Inside one locked block a run checks each folder's way from the root once and lists each
folder once, yet never writes through a link, and leaves no temp file of a killed run behind.

A run writes several files into each of a few folders (backups, reports, the registry), and
the reports and backups folders only grow: walking every ancestor again for each file, and
listing each folder again for each file, cost as much as the writes' own work.
"""

from __future__ import annotations

import os
from contextlib import AbstractContextManager
from pathlib import Path

import pytest

from smartspec import fswrite
from smartspec.errors import WorkspaceError


def _block(tmp_path: Path) -> AbstractContextManager[None]:
    return fswrite.locked(tmp_path / "key", folder=tmp_path / "state" / "locks")


def _count(monkeypatch: pytest.MonkeyPatch, module: object, name: str) -> list[object]:
    calls: list[object] = []
    real = getattr(module, name)

    def counting(*args: object, **kwargs: object) -> object:
        calls.append(args[0] if args else None)
        return real(*args, **kwargs)

    monkeypatch.setattr(module, name, counting)
    return calls


def test_a_folder_is_walked_and_listed_once_per_block(tmp_path: Path,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    folder = tmp_path / "reports"
    walks = _count(monkeypatch, fswrite, "refuse_links")
    listings = _count(monkeypatch, fswrite.os, "scandir")
    with _block(tmp_path):
        for n in range(5):
            fswrite.atomic_write(folder / f"r{n}.md", f"report {n}\n", durable=False)
    assert [p.read_text() for p in sorted(folder.iterdir())] == [f"report {n}\n" for n in range(5)]
    # Every path is still checked itself, but only the first walks the folders on the way.
    assert len(walks) == 5
    assert listings == [str(folder)]
    # A new block checks and lists again.
    with _block(tmp_path):
        fswrite.atomic_write(folder / "r5.md", "report 5\n", durable=False)
    assert listings == [str(folder), str(folder)]


def test_outside_a_block_nothing_is_remembered(tmp_path: Path,
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    listings = _count(monkeypatch, fswrite.os, "scandir")
    for n in range(3):
        fswrite.atomic_write(tmp_path / f"f{n}", b"x")
    assert len(listings) == 3
    assert not fswrite._REAL_FOLDERS and not fswrite._LISTINGS


def test_a_link_in_place_of_a_file_is_refused_even_in_a_checked_folder(tmp_path: Path) -> None:
    folder = tmp_path / "registry"
    outside = tmp_path / "outside.json"
    outside.write_text("theirs")
    with _block(tmp_path):
        fswrite.atomic_write(folder / "a.json", "{}")
        (folder / "b.json").symlink_to(outside)
        with pytest.raises(WorkspaceError, match="is a symbolic link"):
            fswrite.atomic_write(folder / "b.json", "{}")
    assert outside.read_text() == "theirs"


def test_a_folder_turned_into_a_link_between_runs_is_refused(tmp_path: Path) -> None:
    folder = tmp_path / "backups"
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    with _block(tmp_path):
        fswrite.atomic_write(folder / "a.md", "one")
    (folder / "a.md").unlink()
    folder.rmdir()
    folder.symlink_to(elsewhere)
    with _block(tmp_path), pytest.raises(WorkspaceError, match="symbolic link on the way"):
        fswrite.atomic_write(folder / "b.md", "two")
    assert list(elsewhere.iterdir()) == []


def test_stale_temps_of_every_target_go_though_the_folder_is_listed_once(tmp_path: Path) -> None:
    folder = tmp_path / "reports"
    folder.mkdir()
    # What runs killed mid-write left: a temp file of each of two targets.
    for target in ("a.md", "b.md"):
        (folder / f".{target}.0badf00d.tmp").write_text("half")
    (folder / ".notes.md.swp").write_text("a person's editor file")
    (folder / ".draft.tmp").write_text("a person's file, not a temp file of any target")
    with _block(tmp_path):
        fswrite.atomic_write(folder / "a.md", "a")
        fswrite.atomic_write(folder / "b.md", "b")
        fswrite.atomic_write(folder / "a.md", "a again")
    assert sorted(os.listdir(folder)) == [".draft.tmp", ".notes.md.swp", "a.md", "b.md"]
    assert (folder / "a.md").read_text() == "a again"
