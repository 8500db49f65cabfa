"""Finding the specs a validate run reads: order, skipped folders, links and duplicates."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from smartspec.errors import UsageError
from smartspec.fsutil import shown_path
from smartspec.rules.runner import find_named_specs, found_specs
from tests.helpers import build_file_tree

SPEC = "# SPEC-001: T\n"


def find_specs(paths: list[Path]) -> list[Path]:
    """The files found, as given."""
    return [Path(given) for given, _ in found_specs(paths)]


def find_resolved_specs(paths: list[Path]) -> list[tuple[Path, Path]]:
    """The files found, each with the path it resolves to."""
    return [(Path(given), Path(resolved)) for given, resolved in found_specs(paths)]


def _shown(files: list[Path], root: Path) -> list[str]:
    return [file.relative_to(root).as_posix() for file in files]


def test_a_folder_is_searched_depth_first_by_name_and_tool_folders_are_skipped(
        tmp_path: Path) -> None:
    build_file_tree(tmp_path, {
        "specs/spec.md": SPEC,
        "specs/b/spec.md": SPEC,
        "specs/a/spec.md": SPEC,
        "specs/a/z/spec.md": SPEC,
        "specs/a/notes.md": SPEC,
        "specs/.drafts/spec.md": SPEC,
        "specs/node_modules/x/spec.md": SPEC,
        "specs/venv/spec.md": SPEC,
        "specs/c/spec.md/readme.md": SPEC,  # a folder named spec.md is no spec
    })
    found = find_specs([tmp_path / "specs"])
    assert _shown(found, tmp_path) == [
        "specs/spec.md", "specs/a/spec.md", "specs/a/z/spec.md", "specs/b/spec.md"]


def test_the_same_spec_named_twice_is_read_once_and_kept_as_first_named(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    build_file_tree(tmp_path, {"specs/a/spec.md": SPEC, "specs/b/spec.md": SPEC})
    monkeypatch.chdir(tmp_path)
    found = find_specs([Path("specs/b/spec.md"), Path("./specs"), Path("specs/a/")])
    assert [str(p) for p in found] == [
        os.path.join("specs", "b", "spec.md"), os.path.join("specs", "a", "spec.md")]


@pytest.mark.skipif(not hasattr(os, "symlink"), reason="no symbolic links here")
def test_a_linked_spec_is_its_target_and_a_linked_folder_is_not_entered(tmp_path: Path) -> None:
    build_file_tree(tmp_path, {"specs/a/spec.md": SPEC, "elsewhere/x/spec.md": SPEC})
    (tmp_path / "specs" / "b").mkdir()
    (tmp_path / "specs" / "b" / "spec.md").symlink_to(tmp_path / "specs" / "a" / "spec.md")
    (tmp_path / "specs" / "linked").symlink_to(tmp_path / "elsewhere", target_is_directory=True)
    found = find_specs([tmp_path / "specs"])
    # specs/b/spec.md resolves to specs/a/spec.md, which was found first.
    assert _shown(found, tmp_path) == ["specs/a/spec.md"]
    # A folder given through a link is searched, and its specs are the targets' specs.
    both = find_specs([tmp_path / "specs" / "linked", tmp_path / "elsewhere"])
    assert _shown(both, tmp_path) == ["specs/linked/x/spec.md"]


@pytest.mark.skipif(not hasattr(os, "symlink"), reason="no symbolic links here")
def test_each_spec_found_comes_with_the_path_it_resolves_to(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    build_file_tree(tmp_path, {"specs/a/spec.md": SPEC, "specs/c/d/spec.md": SPEC,
                               "elsewhere/x/spec.md": SPEC})
    (tmp_path / "specs" / "b").mkdir()
    (tmp_path / "specs" / "b" / "spec.md").symlink_to(tmp_path / "elsewhere" / "x" / "spec.md")
    (tmp_path / "via").symlink_to(tmp_path / "specs", target_is_directory=True)
    monkeypatch.chdir(tmp_path)
    # A relative folder, a folder given through a link, a linked file and a file given
    # itself: the resolved path is always what resolving the file as found would give.
    pairs = find_resolved_specs([Path("via"), Path("./specs/c/d/spec.md")])
    assert [given.as_posix() for given, _ in pairs] == [
        "via/a/spec.md", "via/b/spec.md", "via/c/d/spec.md"]
    assert [resolved for _, resolved in pairs] == [given.resolve() for given, _ in pairs]
    assert pairs[1][1] == (tmp_path / "elsewhere" / "x" / "spec.md").resolve()
    assert [given for given, _ in pairs] == find_specs([Path("via"), Path("specs/c/d/spec.md")])


def test_a_missing_path_names_itself(tmp_path: Path) -> None:
    with pytest.raises(UsageError, match="nope: no such file or folder"):
        find_specs([tmp_path / "nope"])


@pytest.mark.skipif(not hasattr(os, "symlink"), reason="no symbolic links here")
def test_each_spec_is_named_as_shown_path_names_where_it_lands(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    build_file_tree(tmp_path, {"project/specs/a/spec.md": SPEC, "project/specs/c/d/spec.md": SPEC,
                               "elsewhere/x/spec.md": SPEC})
    specs = tmp_path / "project" / "specs"
    (specs / "b").mkdir()
    (specs / "b" / "spec.md").symlink_to(tmp_path / "elsewhere" / "x" / "spec.md")
    monkeypatch.chdir(specs)
    base = (tmp_path / "project").resolve()
    named = find_named_specs([Path("."), Path("c/d/spec.md")], base)
    # Inside the base: relative with "/"; a link landing outside it: the full path.
    assert [shown for _, shown in named] == [
        "specs/a/spec.md", str((tmp_path / "elsewhere" / "x" / "spec.md").resolve()),
        "specs/c/d/spec.md"]
    assert [shown for _, shown in named] == [
        shown_path(resolved, base) for _, resolved in find_resolved_specs([Path(".")])]
    # The files are the ones found_specs gives, as strings a worker can read.
    assert [Path(file) for file, _ in named] == find_specs([Path(".")])
    assert all(isinstance(file, str) for file, _ in named)
