"""Atomic writes and locks."""

from __future__ import annotations

import os
import stat
import threading
from pathlib import Path, PurePath, PurePosixPath

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from smartspec.errors import WorkspaceError
from smartspec.fsutil import ancestors, inside_root, is_within, shown_path, spelled, split_suffix
from smartspec.fswrite import FileLock, _create_temp, atomic_write, ensure_private_dir


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
    assert inside_root(tmp_path, "specs/x", what="dir") == str(tmp_path / "specs/x")
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


# -- locks that cannot be turned against the user ----------------------------------------------


def test_a_planted_link_in_the_lock_folder_is_refused_and_its_target_kept(tmp_path: Path) -> None:
    folder = tmp_path / "state" / "locks"
    lock = FileLock(tmp_path / "spec.md", folder=folder)
    folder.mkdir(parents=True, mode=0o700)
    victim = tmp_path / "victim.txt"
    victim.write_text("precious\n")
    os.symlink(victim, lock.path)
    with pytest.raises(WorkspaceError, match="cannot be used as a lock file"):
        lock.acquire()
    assert victim.read_text() == "precious\n"


def test_a_lock_folder_others_can_write_is_refused(tmp_path: Path) -> None:
    folder = tmp_path / "state" / "locks"
    folder.mkdir(parents=True)
    os.chmod(folder, 0o777)
    with pytest.raises(WorkspaceError, match="mode 0777"), \
            FileLock(tmp_path / "spec.md", folder=folder):
        pass


def test_a_lock_folder_path_taken_by_a_file_is_refused(tmp_path: Path) -> None:
    (tmp_path / "state").mkdir()
    (tmp_path / "state" / "locks").write_text("a file")
    with pytest.raises(WorkspaceError, match="taken by a file"), \
            FileLock(tmp_path / "spec.md", folder=tmp_path / "state" / "locks"):
        pass


def test_waiters_take_turns_even_though_released_lock_files_are_deleted(tmp_path: Path) -> None:
    folder = tmp_path / "state" / "locks"
    inside = 0
    overlaps = 0
    guard = threading.Lock()

    def work() -> None:
        nonlocal inside, overlaps
        for _ in range(30):
            with FileLock(tmp_path / "spec.md", folder=folder, timeout=30):
                with guard:
                    inside += 1
                    overlaps += inside > 1
                with guard:
                    inside -= 1

    threads = [threading.Thread(target=work) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert overlaps == 0
    assert not folder.exists()  # the last one out removes the lock folder


def test_an_existing_private_folder_is_kept_and_a_readable_one_made_private(tmp_path: Path) -> None:
    folder = tmp_path / "cache"
    folder.mkdir(mode=0o755)
    os.chmod(folder, 0o755)
    assert ensure_private_dir(folder, what="template cache folder") is False
    assert stat.S_IMODE(folder.stat().st_mode) == 0o700
    link = tmp_path / "link"
    link.symlink_to(folder)
    with pytest.raises(WorkspaceError, match="symbolic link"):
        ensure_private_dir(link, what="lock folder")


def test_atomic_write_refuses_links_and_follows_the_umask(tmp_path: Path) -> None:
    outside = tmp_path / "outside"
    outside.mkdir()
    (tmp_path / "state").symlink_to(outside)
    with pytest.raises(WorkspaceError, match="symbolic link"):
        atomic_write(tmp_path / "state" / "registry" / "r.json", "{}")
    assert list(outside.iterdir()) == []
    target = tmp_path / "file.txt"
    target.symlink_to(outside / "x")
    with pytest.raises(WorkspaceError, match="symbolic link"):
        atomic_write(target, "data")
    assert not (outside / "x").exists()
    old = os.umask(0o027)
    try:
        atomic_write(tmp_path / "new.txt", "data")
    finally:
        os.umask(old)
    assert stat.S_IMODE((tmp_path / "new.txt").stat().st_mode) == 0o640


def test_temp_files_are_private_new_and_never_reuse_a_planted_name(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    target = tmp_path / "spec.md"
    # The first random name is already taken (a file a killed run left, or someone planted):
    # the helper must not open it, and must go on to an unused name.
    draws = iter([b"\x00\x00\x00\x01", b"\x00\x00\x00\x02"])
    monkeypatch.setattr(os, "urandom", lambda n: next(draws))
    planted = tmp_path / ".spec.md.00000001.tmp"
    planted.write_text("someone else's")
    fd, name = _create_temp(target)
    os.close(fd)
    assert name == str(tmp_path / ".spec.md.00000002.tmp")
    assert planted.read_text() == "someone else's"
    assert stat.S_IMODE(os.stat(name).st_mode) == 0o600
    assert os.path.getsize(name) == 0


# -- the str helpers that stand for what pathlib did -----------------------------------------------

PATH_PIECES = ["/", "//", "///", ".", "..", "a", "b.md", ".hidden", "notes.", "x.tar.gz", "é",
               "spec.md", " ", "a b"]
PATHS = st.lists(st.sampled_from(PATH_PIECES), max_size=8).map("".join)


@settings(max_examples=500, deadline=None)
@given(PATHS)
@example("")
@example("./specs//a/")
@example("//srv/x")
def test_the_str_helpers_read_paths_as_pathlib_does(text: str) -> None:
    assert spelled(text) == str(PurePath(text))
    name = PurePosixPath(text).name
    if name:
        assert split_suffix(name) == (PurePosixPath(name).stem, PurePosixPath(name).suffix)
    absolute = str(PurePosixPath("/", text))  # absolute and normalised, as the callers hold
    assert ancestors(absolute) == [str(p) for p in PurePosixPath(absolute).parents]


@pytest.mark.parametrize(("path", "root", "inside"), [
    ("/srv/project", "/srv/project", True),
    ("/srv/project/specs/a", "/srv/project", True),
    ("/srv/project-old/spec.md", "/srv/project", False),
    ("/srv", "/srv/project", False),
    ("/anything", "/", True),
])
def test_is_within_is_relative_to(path: str, root: str, inside: bool) -> None:
    assert is_within(path, root) is inside
    assert PurePosixPath(path).is_relative_to(root) is inside
    expected = PurePosixPath(path).relative_to(root).as_posix() if inside else path
    assert shown_path(path, root) == expected
