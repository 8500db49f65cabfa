"""A ``new`` or ``edit`` in a project whose index smartspec wrote reads that index entry by
entry and edits one entry in its text (``IndexText``, ``splice_upsert``), and puts its record
in the registry's text (``RegistryText``): every file they write is the file the whole-index
and whole-registry paths write, and those paths are never taken."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.helpers import run_cli

STEPS = [
    ["new", "ledger", "Double-entry ledger in PostgreSQL", "--profile=basic", "--mode=compact"],
    ["new", "payments", "Card payments", "--profile=basic", "--mode=compact",
     "--depends-on=spec-001-ledger"],
    ["index"],
    ["new", "refunds", "Refunds of card payments", "--profile=basic", "--mode=compact",
     "--depends-on=spec-002-payments,spec-404-missing"],
    ["new", "auth", "Login with OAuth", "--profile=basic", "--mode=compact", "--category=core"],
    ["new", "audit", "Audit trail", "--profile=basic", "--mode=compact",
     "--depends-on=spec-core-001-auth,spec-001-ledger"],
    # An edit's entry is replaced: a new title, and dependencies moved from one spec to another.
    ["edit", "specs/feature/spec-002-payments/spec.md", "--title=Card payments v2",
     "--depends-on=spec-core-001-auth"],
    ["edit", "specs/feature/spec-001-ledger/spec.md", "Adds a monthly statement"],
]


def _files(root: Path) -> dict[str, bytes]:
    skip = ("reports/", "trace.log", "locks/", "backups/")
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*"))
            if p.is_file() and not any(part in p.relative_to(root).as_posix() for part in skip)}


def _project(root: Path, monkeypatch: pytest.MonkeyPatch, *, by_entry: bool,
             printed: list[str] | None = None) -> dict[str, bytes]:
    import smartspec.index.schema
    import smartspec.index.splice
    import smartspec.registry
    import smartspec.workspace

    def no_whole(*_: object) -> object:
        raise AssertionError("the whole index or registry was loaded or written")

    root.mkdir()
    with monkeypatch.context() as patch:
        # A registry this small is loaded whole unless told otherwise (KEYS_FILE_AFTER).
        patch.setattr(smartspec.registry, "KEYS_FILE_AFTER", 0)
        if by_entry:
            # After the first spec (no index yet) and the index run, only splices.
            patch.setattr(smartspec.index.splice.IndexText, "load", no_whole)
        else:
            patch.setattr(smartspec.index.splice.IndexText, "read",
                          classmethod(lambda *_: None))
            patch.setattr(smartspec.registry.RegistryText, "read",
                          classmethod(lambda *_: None))
        for number, step in enumerate(STEPS):
            with monkeypatch.context() as during:
                if by_entry and number > 0 and step[0] in ("new", "edit"):
                    during.setattr(smartspec.index.schema, "dump_as_found", no_whole)
                if by_entry and number > 0 and step[0] in ("new", "edit"):
                    # The registry's text takes the record written; an edit reads its own.
                    during.setattr(smartspec.workspace, "load_registry_file", no_whole)
                    during.setattr(smartspec.workspace, "dump_registry", no_whole)
                result = run_cli(step, root)
            assert result.code == 0, (step, result.err)
            if printed is not None:
                printed.append(result.out)
    return _files(root)


def test_new_by_entry_writes_what_the_whole_index_path_writes(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    printed: tuple[list[str], list[str]] = ([], [])
    spliced = _project(tmp_path / "by-entry", monkeypatch, by_entry=True, printed=printed[0])
    whole = _project(tmp_path / "whole", monkeypatch, by_entry=False, printed=printed[1])
    # What each run printed (its validation among it), and every file but the run reports.
    assert printed[0] == printed[1]
    assert spliced.keys() == whole.keys()
    # The files that record the index's stat (inode, times) differ between any two projects;
    # what they say of the index's ids and of the writes since the last build does not.
    stats = {".smartspec/index/ids.json": ("ids",),
             ".smartspec/index/registry-keys.json": ("registry", "keys"),
             ".smartspec/index/own-writes.json": ("paths",),
             ".smartspec/index/manifest.json": None}
    assert [name for name in spliced if name not in stats and spliced[name] != whole[name]] == []
    for name, keys in stats.items():
        if keys is not None:
            assert [json.loads(spliced[name])[k] for k in keys] == [
                json.loads(whole[name])[k] for k in keys], name
    index = spliced[".smartspec/SPEC_INDEX.json"].decode()
    assert '"spec-core-001-auth"' in index and '"spec-004-audit"' in index
    assert '"Card payments v2"' in index


def test_a_small_registry_has_no_keys_file_and_a_large_one_has(tmp_path: Path,
                                                               monkeypatch: pytest.MonkeyPatch
                                                               ) -> None:
    import smartspec.registry

    root = tmp_path / "p"
    root.mkdir()
    keys = root / ".smartspec" / "index" / "registry-keys.json"
    assert run_cli(STEPS[0], root).code == 0
    assert not keys.exists()
    monkeypatch.setattr(smartspec.registry, "KEYS_FILE_AFTER", 1)
    assert run_cli(STEPS[1], root).code == 0
    assert json.loads(keys.read_text())["keys"] == ["spec-001-ledger", "spec-002-payments"]


def test_the_next_index_run_finds_nothing_to_change(tmp_path: Path,
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    _project(tmp_path / "p", monkeypatch, by_entry=True)
    before = (tmp_path / "p" / ".smartspec" / "SPEC_INDEX.json").read_bytes()
    result = run_cli(["index", "--format", "json"], tmp_path / "p")
    assert result.code == 0, result.err
    assert '"changed": false' in result.out
    assert (tmp_path / "p" / ".smartspec" / "SPEC_INDEX.json").read_bytes() == before


def test_a_hand_edit_of_the_index_is_loaded_whole(tmp_path: Path) -> None:
    root = tmp_path / "p"
    root.mkdir()
    for step in STEPS[:3]:
        assert run_cli(step, root).code == 0
    index = root / ".smartspec" / "SPEC_INDEX.json"
    index.write_text(index.read_text().replace('"Ledger"', '"Ledger (by hand)"'))
    assert run_cli(STEPS[3], root).code == 0
    text = index.read_text()
    # The hand edit is kept (the ids file no longer described the file, so it was loaded).
    assert '"Ledger (by hand)"' in text and '"spec-003-refunds"' in text


def test_a_broken_registry_its_keys_file_still_describes_is_reported(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import os

    import smartspec.registry
    from smartspec.registry import keys_file_bytes

    monkeypatch.setattr(smartspec.registry, "KEYS_FILE_AFTER", 0)
    root = tmp_path / "p"
    root.mkdir()
    for step in STEPS[:2]:
        assert run_cli(step, root).code == 0
    registry = root / ".smartspec" / "registry" / "critical-sections-registry.json"
    text = registry.read_text(encoding="utf-8")
    broken = text.replace('"sections": {', '"sections": {{', 1)
    registry.write_text(broken, encoding="utf-8")
    # Made to describe the broken file, as no run of smartspec would.
    keys = json.loads((root / ".smartspec/index/registry-keys.json").read_text())["keys"]
    forged = keys_file_bytes(".smartspec/registry/critical-sections-registry.json",
                             os.lstat(registry), keys)
    assert forged is not None
    (root / ".smartspec/index/registry-keys.json").write_bytes(forged)
    result = run_cli(["edit", "specs/feature/spec-001-ledger/spec.md", "Adds statements"], root)
    assert result.code == 2 and "Traceback" not in result.err
    assert "critical-sections-registry.json: cannot be read" in result.err
    assert registry.read_text(encoding="utf-8") == broken
