"""The index's scan state on disk: the manifest, one entry record per spec, the ids file, the
migration from the single-file cache of earlier versions, and the registry read one record
at a time."""

from __future__ import annotations

import hashlib
import io
import json
import os
import pickle
import sys
from pathlib import Path
from typing import Any

import msgspec
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from smartspec.index.build import build_index
from smartspec.index.extract import spec_fields
from smartspec.index.locate import read_known_ids
from smartspec.index.migrate import parse_index
from smartspec.index.schema import dump_index
from smartspec.index.state import read_cache
from smartspec.runs.index import RefreshResult, refresh_index
from smartspec.workspace import Workspace
from tests.helpers import fresh_python_prints
from tests.unit.test_index import (
    MTIME_NS,
    NOW_NS,
    age_tree,
    generated_spec,
    make_tree,
    spec_path,
    write_spec,
)

IDS = ["spec-001-a", "spec-002-b", "spec-core-001-auth"]


def refresh(root: Path) -> RefreshResult:
    return refresh_index(root, root / ".smartspec", root / "specs", now_ns=NOW_NS)


def state(root: Path) -> Path:
    return root / ".smartspec" / "index"


def test_a_run_with_nothing_changed_reads_no_index_and_writes_nothing(tmp_path: Path) -> None:
    make_tree(tmp_path)
    age_tree(tmp_path)
    first = refresh_index(tmp_path, tmp_path / ".smartspec", tmp_path / "specs", now_ns=NOW_NS)
    index_file = tmp_path / ".smartspec" / "SPEC_INDEX.json"
    text = index_file.read_bytes()
    before = {p: p.stat().st_mtime_ns for p in state(tmp_path).rglob("*") if p.is_file()}
    quiet = refresh_index(tmp_path, tmp_path / ".smartspec", tmp_path / "specs", now_ns=NOW_NS)
    assert quiet.new_text is None and not quiet.changed and quiet.written == []
    assert quiet.size == 3 == first.size
    assert quiet.index.shape == "v1" and quiet.index.scan is not None
    assert (quiet.index.scan.found, quiet.index.scan.read) == (3, 0)
    assert index_file.read_bytes() == text
    assert {p: p.stat().st_mtime_ns for p in state(tmp_path).rglob("*") if p.is_file()} == before


def test_a_hand_edit_of_the_index_is_not_taken_for_nothing_changed(tmp_path: Path) -> None:
    make_tree(tmp_path)
    age_tree(tmp_path)
    first = refresh_index(tmp_path, tmp_path / ".smartspec", tmp_path / "specs", now_ns=NOW_NS)
    index_file = tmp_path / ".smartspec" / "SPEC_INDEX.json"
    assert first.new_text is not None
    index_file.write_text(first.new_text.replace('"Alpha"', '"Alpha by hand"'), encoding="utf-8")
    again = refresh_index(tmp_path, tmp_path / ".smartspec", tmp_path / "specs", now_ns=NOW_NS)
    assert again.new_text == first.new_text  # read, compared and put right
    assert index_file.read_text(encoding="utf-8") == first.new_text


def test_one_changed_spec_rewrites_its_own_entry_record_only(tmp_path: Path) -> None:
    make_tree(tmp_path)
    age_tree(tmp_path)
    refresh_index(tmp_path, tmp_path / ".smartspec", tmp_path / "specs", now_ns=NOW_NS)
    entries = state(tmp_path) / "entries"
    assert sorted(p.name for p in entries.iterdir()) == [f"{i}.json" for i in IDS]
    before = {p.name: p.stat().st_mtime_ns for p in entries.iterdir()}
    text = generated_spec("spec-002-b", "Beta Two", depends_on=("spec-001-a",))
    write_spec(tmp_path, spec_path("spec-002-b"), text, mtime_ns=MTIME_NS + 10**9)
    result = refresh_index(tmp_path, tmp_path / ".smartspec", tmp_path / "specs", now_ns=NOW_NS)
    assert result.index.scan is not None
    assert (result.index.scan.read, result.index.scan.changed) == (1, ["spec-002-b"])
    after = {p.name: p.stat().st_mtime_ns for p in entries.iterdir()}
    assert [name for name in after if after[name] != before[name]] == ["spec-002-b.json"]
    record = json.loads((entries / "spec-002-b.json").read_text(encoding="utf-8"))
    assert record["path"] == spec_path("spec-002-b")
    assert record["sha256"] == hashlib.sha256(text.encode("utf-8")).hexdigest()
    assert record["fields"]["title"] == "Beta Two"
    manifest = read_cache(state(tmp_path) / "manifest.json")
    recorded = manifest.files[spec_path("spec-002-b")]
    assert (recorded[2], recorded[5]) == (record["sha256"], "spec-002-b")
    assert manifest.index is not None and manifest.index[0] == ".smartspec/SPEC_INDEX.json"


def test_after_another_command_rewrote_the_index_entries_come_from_the_store(
        tmp_path: Path) -> None:
    make_tree(tmp_path)
    age_tree(tmp_path)
    first = refresh_index(tmp_path, tmp_path / ".smartspec", tmp_path / "specs", now_ns=NOW_NS)
    assert first.new_text is not None
    # What `smartspec new` does: the index rewritten (here: the same entries, other bytes).
    index_file = tmp_path / ".smartspec" / "SPEC_INDEX.json"
    index_file.write_text(json.dumps(json.loads(first.new_text)), encoding="utf-8")
    again = refresh_index(tmp_path, tmp_path / ".smartspec", tmp_path / "specs", now_ns=NOW_NS)
    assert again.index.scan is not None
    assert (again.index.scan.read, again.index.scan.parsed) == (0, 0)  # no spec file opened
    assert again.new_text == first.new_text


def test_an_entry_record_that_does_not_match_its_file_is_not_used(tmp_path: Path) -> None:
    make_tree(tmp_path)
    age_tree(tmp_path)
    first = refresh_index(tmp_path, tmp_path / ".smartspec", tmp_path / "specs", now_ns=NOW_NS)
    assert first.new_text is not None
    record = state(tmp_path) / "entries" / "spec-001-a.json"
    data = json.loads(record.read_text(encoding="utf-8"))
    data["fields"]["title"] = "Forged"
    data["sha256"] = "0" * 64
    record.write_text(json.dumps(data), encoding="utf-8")
    (tmp_path / ".smartspec" / "SPEC_INDEX.json").write_text(first.new_text + " ",
                                                             encoding="utf-8")
    again = refresh_index(tmp_path, tmp_path / ".smartspec", tmp_path / "specs", now_ns=NOW_NS)
    assert again.index.scan is not None and again.index.scan.parsed == 1  # parsed again
    assert again.index.entries["spec-001-a"].title == "Alpha"
    assert again.new_text == first.new_text


def old_layout(root: Path) -> bytes:
    """Put the scan state back as an earlier version left it: one cache file with every
    spec's fields inline, naming the index text; no manifest, no entry records."""
    index_text = (root / ".smartspec" / "SPEC_INDEX.json").read_bytes()
    files = {}
    for spec_id, category in (("spec-001-a", "feature"), ("spec-002-b", "feature"),
                              ("spec-core-001-auth", "core")):
        rel = spec_path(spec_id, category)
        data = (root / rel).read_bytes()
        stated = spec_fields(data.decode("utf-8"), rel, "specs")
        files[rel] = [len(data), MTIME_NS, hashlib.sha256(data).hexdigest(), stated, None]
    cache = {"schema": 2, "extractor": 1, "files": files, "dirs": {},
             "index_sha256": hashlib.sha256(index_text).hexdigest()}
    old = root / ".smartspec" / "cache" / "index-cache.json"
    old.parent.mkdir(parents=True)
    old.write_text(json.dumps(cache), encoding="utf-8")
    for path in sorted(state(root).rglob("*"), reverse=True):
        path.rmdir() if path.is_dir() else path.unlink()
    state(root).rmdir()
    return index_text


def test_a_project_with_the_single_file_cache_is_migrated_once(tmp_path: Path) -> None:
    make_tree(tmp_path)
    age_tree(tmp_path)
    refresh(tmp_path)
    index_text = old_layout(tmp_path)
    migrated = refresh_index(tmp_path, tmp_path / ".smartspec", tmp_path / "specs",
                             now_ns=NOW_NS)
    scan = migrated.index.scan
    assert scan is not None
    assert (scan.read, scan.parsed, scan.changed) == (0, 0, [])  # the old cache was used
    assert migrated.written == []  # the index text is the same, byte for byte
    assert (tmp_path / ".smartspec" / "SPEC_INDEX.json").read_bytes() == index_text
    assert not (tmp_path / ".smartspec" / "cache").exists()  # read old, written new, once
    assert sorted(p.name for p in (state(tmp_path) / "entries").iterdir()) == [
        f"{i}.json" for i in IDS]
    assert (state(tmp_path) / "manifest.json").is_file()
    quiet = refresh_index(tmp_path, tmp_path / ".smartspec", tmp_path / "specs", now_ns=NOW_NS)
    assert quiet.new_text is None and quiet.written == []


def test_the_ids_file_describes_the_index_it_was_written_with(tmp_path: Path) -> None:
    make_tree(tmp_path)
    refresh(tmp_path)
    root = tmp_path.resolve()
    index_file = root / ".smartspec" / "SPEC_INDEX.json"
    ids_file = Path(Workspace(str(root), str(root / ".smartspec")).index_ids_path)
    assert read_known_ids(ids_file, index_file, root) == frozenset(IDS)
    data = json.loads(index_file.read_text(encoding="utf-8"))
    data["specs"].append({"id": "spec-009-planned", "path": None})
    index_file.write_text(json.dumps(data), encoding="utf-8")  # by hand: the ids are stale
    assert read_known_ids(ids_file, index_file, root) is None
    # Another command's write (new, edit) leaves the ids stale, so they are not used; the
    # index run writes them with the index.
    workspace = Workspace(root, root / ".smartspec")
    workspace.write_index(index_file, json.dumps(data, indent=1))
    assert read_known_ids(ids_file, index_file, root) is None
    workspace.write_index(index_file, json.dumps(data, indent=2), ids=[*IDS, "spec-009-planned"])
    assert read_known_ids(ids_file, index_file, root) == frozenset([*IDS, "spec-009-planned"])


@pytest.mark.parametrize("change", [
    {"size": True},  # a boolean is not a size
    {"ino": "1"},
    {"ids": "spec-001"},
    {"ids": [1, 2]},
    {"index": None},
])
def test_an_ids_file_of_another_shape_is_not_used(tmp_path: Path, change: dict[str, object],
                                                   ) -> None:
    make_tree(tmp_path)
    refresh(tmp_path)
    root = tmp_path.resolve()
    index_file = root / ".smartspec" / "SPEC_INDEX.json"
    ids_file = Path(Workspace(str(root), str(root / ".smartspec")).index_ids_path)
    data = json.loads(ids_file.read_text(encoding="utf-8"))
    assert read_known_ids(ids_file, index_file, root) == frozenset(IDS)
    ids_file.write_text(json.dumps({**data, **change}), encoding="utf-8")
    assert read_known_ids(ids_file, index_file, root) is None
    for text in (b"[]", b"{", b"\xff{}"):  # not an object, not JSON, not UTF-8
        ids_file.write_bytes(text)
        assert read_known_ids(ids_file, index_file, root) is None


def test_a_temp_file_a_killed_write_left_beside_a_spec_is_swept(tmp_path: Path) -> None:
    make_tree(tmp_path)
    age_tree(tmp_path)
    refresh(tmp_path)
    folder = tmp_path / "specs" / "feature" / "spec-001-a"
    left = folder / ".spec.md.0a1b2c3d.tmp"
    left.write_text("half a spec", encoding="utf-8")
    os.utime(folder, ns=(MTIME_NS + 10**9, MTIME_NS + 10**9))
    refresh(tmp_path)
    assert not left.exists()
    assert (folder / "spec.md").is_file()


def test_build_index_reads_the_manifest_and_its_entry_store(tmp_path: Path) -> None:
    make_tree(tmp_path)
    age_tree(tmp_path)
    refresh(tmp_path)
    manifest = state(tmp_path) / "manifest.json"
    rebuilt = build_index(tmp_path, tmp_path / "specs", None, manifest, now_ns=NOW_NS)
    assert rebuilt.scan is not None
    assert (rebuilt.scan.read, rebuilt.scan.parsed) == (0, 0)
    assert sorted(rebuilt.entries) == IDS


def test_a_spec_id_that_cannot_name_a_file_gets_no_entry_record(tmp_path: Path) -> None:
    write_spec(tmp_path, spec_path("spec-001-a"),
               generated_spec("spec-001-a", "Alpha").replace('"id":"spec-001-a"',
                                                             '"id":"../../escape"'))
    result = refresh(tmp_path)
    assert "../../escape" in result.index.entries
    entries = state(tmp_path) / "entries"
    assert not entries.exists() or list(entries.iterdir()) == []
    assert not (tmp_path / "escape.json").exists()
    assert not (tmp_path / ".smartspec" / "escape.json").exists()


@pytest.fixture
def registry_root(tmp_path: Path) -> Path:
    folder = tmp_path / ".smartspec" / "registry"
    folder.mkdir(parents=True)
    specs = {f"spec-{n:03d}-x": {"path": f"specs/feature/spec-{n:03d}-x/spec.md",
                                 "sections": {"overview": {"sha256": str(n)}}}
             for n in range(50)}
    (folder / "critical-sections-registry.json").write_text(
        json.dumps({"schema": 1, "specs": specs, "delivery": {}}), encoding="utf-8")
    return tmp_path


def test_the_registry_is_read_one_record_at_a_time(registry_root: Path) -> None:
    workspace = Workspace(registry_root, registry_root / ".smartspec")
    specs = workspace.read_registry()["specs"]
    assert isinstance(specs, dict) and len(specs) == 50 and "spec-007-x" in specs
    assert specs.get("spec-007-x") == {"path": "specs/feature/spec-007-x/spec.md",
                                       "sections": {"overview": {"sha256": "7"}}}
    assert specs.get("spec-999-x") is None
    found = next(e for e in specs.values() if e["path"].endswith("spec-042-x/spec.md"))
    assert found["sections"]["overview"]["sha256"] == "42"
    assert pickle.loads(pickle.dumps(specs)) == workspace.load_registry()["specs"]


def test_a_foreign_registry_is_skipped_for_smartspecs_own(registry_root: Path) -> None:
    folder = registry_root / ".smartspec" / "registry"
    usual = folder / "critical-sections-registry.json"
    usual.rename(folder / "smartspec-sections-registry.json")
    usual.write_text('{"version": "1.0", "critical_sections": []}', encoding="utf-8")
    workspace = Workspace(registry_root, registry_root / ".smartspec")
    assert Path(workspace.registry_path).name == "smartspec-sections-registry.json"
    assert workspace.read_registry()["specs"].get("spec-001-x")["path"].endswith(
        "spec-001-x/spec.md")


CHANGES = [
    ("a new title", "spec-002-b", {"title": "Beta Two"}),
    ("a new status", "spec-002-b", {"status": "approved"}),
    ("a dependency moved", "spec-002-b", {"depends_on": ("spec-core-001-auth",)}),
    ("dependencies dropped", "spec-001-a", {"depends_on": ()}),
    ("a dependency added", "spec-core-001-auth", {"depends_on": ("spec-002-b",)}),
    ("an unknown dependency", "spec-001-a", {"depends_on": ("spec-404-gone",)}),
    ("the body only", "spec-001-a", {"body": "Other words"}),
]


@pytest.mark.parametrize(("what", "spec_id", "change"), CHANGES, ids=[c[0] for c in CHANGES])
def test_an_edit_of_existing_specs_is_spliced_into_the_index_text(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, what: str, spec_id: str,
        change: dict[str, object]) -> None:
    make_tree(tmp_path)
    age_tree(tmp_path)
    refresh(tmp_path)
    category = "core" if "core" in spec_id else "feature"
    base = {"spec-001-a": ("Alpha", ("spec-core-001-auth",)),
            "spec-002-b": ("Beta", ("spec-001-a",)), "spec-core-001-auth": ("Auth", ())}
    title, depends_on = base[spec_id]
    text = generated_spec(spec_id, str(change.get("title", title)), category=category,
                          depends_on=change.get("depends_on", depends_on),  # type: ignore[arg-type]
                          status=str(change.get("status", "draft")),
                          body=str(change.get("body", "")))
    write_spec(tmp_path, spec_path(spec_id, category), text, mtime_ns=MTIME_NS + 10**9)
    import smartspec.index.schema

    def no_full_dump(*_: object) -> str:
        raise AssertionError("the whole index was encoded again")

    monkeypatch.setattr(smartspec.index.schema, "dump_index", no_full_dump)
    monkeypatch.setattr(smartspec.index.schema, "dump_as_found", no_full_dump)
    result = refresh(tmp_path)
    monkeypatch.undo()
    assert result.scan is not None and result.scan.changed == [spec_id]
    full = build_index(tmp_path, tmp_path / "specs", None, None, now_ns=NOW_NS)
    from smartspec.index.schema import dump_index

    assert result.new_text == dump_index(full)
    assert (tmp_path / ".smartspec" / "SPEC_INDEX.json").read_text(encoding="utf-8") == \
        result.new_text
    assert result.index.entries.keys() == full.entries.keys()
    quiet = refresh(tmp_path)  # the manifest and ids describe the edited text
    assert quiet.new_text is None


def test_a_spec_that_takes_a_new_id_rebuilds_the_whole_index(tmp_path: Path) -> None:
    make_tree(tmp_path)
    age_tree(tmp_path)
    refresh(tmp_path)
    write_spec(tmp_path, spec_path("spec-002-b"), generated_spec("spec-002-c", "Beta"),
               mtime_ns=MTIME_NS + 10**9)
    result = refresh(tmp_path)
    assert sorted(result.index.entries) == ["spec-001-a", "spec-002-c", "spec-core-001-auth"]
    full = build_index(tmp_path, tmp_path / "specs", None, None, now_ns=NOW_NS)
    from smartspec.index.schema import dump_index

    assert result.new_text == dump_index(full)


def test_a_record_is_found_by_its_line_in_the_text_smartspec_writes(tmp_path: Path) -> None:
    folder = tmp_path / ".smartspec" / "registry"
    folder.mkdir(parents=True)
    specs = {f"spec-{n:03d}-x": {"path": f"specs/feature/spec-{n:03d}-x/spec.md",
                                 "sections": {"overview": {"sha256": str(n), "critical": None}}}
             for n in range(30)}
    specs["spec-099-empty"] = {}
    specs['spec-100-"quoted"'] = {"path": "q"}
    registry = {"schema": 1, "specs": specs,
                "delivery": {"spec-007-x": {"plan.md": {"blocks": {}}}}}
    (folder / "critical-sections-registry.json").write_text(
        json.dumps(registry, indent=2, sort_keys=True, ensure_ascii=False) + "\n",
        encoding="utf-8")
    found = Workspace(tmp_path, tmp_path / ".smartspec").read_registry()["specs"]
    assert isinstance(found, dict)
    assert found.get("spec-007-x") == specs["spec-007-x"]  # not the delivery record
    assert found.get("spec-099-empty") == {}
    assert found.get('spec-100-"quoted"') == {"path": "q"}
    assert found.get("spec-404-x") is None and "spec-404-x" not in found
    assert next(e for e in found.values() if e.get("path") == "q") == {"path": "q"}
    assert len(found) == 32 and pickle.loads(pickle.dumps(found)) == specs


@pytest.mark.parametrize("chunk", [5, 7, 64, 1 << 18])
def test_a_record_is_found_across_chunk_boundaries(tmp_path: Path, chunk: int,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    from smartspec import registry

    monkeypatch.setattr(registry._RecordsFound, "_CHUNK", chunk)
    folder = tmp_path / ".smartspec" / "registry"
    folder.mkdir(parents=True)
    specs = {f"spec-{n:03d}-x": {"path": f"p{n}", "sections": {"a": {"sha256": str(n)}}}
             for n in range(12)}
    registry = {"delivery": {"spec-003-x": {"plan.md": {}}}, "schema": 1, "specs": specs}
    (folder / "critical-sections-registry.json").write_text(
        json.dumps(registry, indent=2, sort_keys=True) + "\n", encoding="utf-8")
    workspace = Workspace(tmp_path, tmp_path / ".smartspec")
    for spec_id, record in specs.items():
        assert workspace.read_registry()["specs"].get(spec_id) == record
    assert workspace.read_registry()["specs"].get("spec-404-x") is None


def test_a_registry_broken_after_the_record_asked_for_is_reported_when_read(
        tmp_path: Path) -> None:
    from smartspec.errors import DocumentError

    folder = tmp_path / ".smartspec" / "registry"
    folder.mkdir(parents=True)
    text = json.dumps({"schema": 1, "specs": {"spec-001-a": {"path": "a"}}}, indent=2)
    (folder / "critical-sections-registry.json").write_text(text[:-3] + "\n", encoding="utf-8")
    specs = Workspace(tmp_path, tmp_path / ".smartspec").read_registry()["specs"]
    assert specs.get("spec-001-a") == {"path": "a"}  # its own lines are whole
    with pytest.raises(DocumentError, match=r"critical-sections-registry\.json: cannot be read"):
        specs.get("spec-002-b")


def test_new_and_edit_keep_the_ids_file_in_step_with_the_index(tmp_path: Path) -> None:
    """A one-spec validate after `new` or `edit` still reads the small ids file, not the
    whole index: both commands rewrite the ids with the index."""
    from tests.helpers import run_cli

    (tmp_path / ".git").mkdir()
    assert run_cli(["new", "orders", "Order REST API, PostgreSQL", "--profile=basic"],
                   tmp_path).code == 0
    index = tmp_path / ".smartspec" / "SPEC_INDEX.json"  # where `new` starts an index
    assert read_known_ids(tmp_path / ".smartspec" / "index" / "ids.json", index,
                          tmp_path) == {"spec-001-orders"}
    assert run_cli(["new", "users", "User accounts REST API", "--profile=basic"],
                   tmp_path).code == 0
    spec = "specs/feature/spec-001-orders/spec.md"
    assert run_cli(["edit", spec, "also export CSV", "--yes"], tmp_path).code == 0
    assert read_known_ids(tmp_path / ".smartspec" / "index" / "ids.json", index,
                          tmp_path) == {"spec-001-orders", "spec-002-users"}


# Strings with what either encoder escapes or passes through (as test_index_dump's).
_TEXT = st.text(alphabet=st.sampled_from(
    ['a', ' ', '"', '\\', '/', '\x00', '\x1f', '\x7f', '\n', '\x85', '\u2028', 'é', 'ก', '😀']),
    max_size=8)
_FLOAT_FREE = st.recursive(
    st.none() | st.booleans() | st.integers(-(2**63), 2**63 - 1) | _TEXT,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(_TEXT, inner, max_size=4),
    max_leaves=30)


@settings(max_examples=150, deadline=None)
@given(st.dictionaries(_TEXT, _FLOAT_FREE, max_size=5))
def test_the_standard_librarys_one_line_json_is_msgspecs(value: dict[str, object]) -> None:
    """The manifest and the entry records are written by whichever encoder is loaded; both
    write the same bytes for any value without a float."""
    assert json.dumps(value, ensure_ascii=False, separators=(",", ":")).encode(
        "utf-8") == msgspec.json.encode(value)


def test_an_index_run_that_edits_one_entry_does_not_import_msgspec(tmp_path: Path) -> None:
    """msgspec's import costs a tenth of an incremental run of 10,000 specs; the manifest,
    the entry edited in place and the records written are all read and written without it."""
    make_tree(tmp_path)
    age_tree(tmp_path)
    refresh(tmp_path)
    before = (tmp_path / ".smartspec" / "SPEC_INDEX.json").read_bytes()
    path = tmp_path / spec_path("spec-002-b")
    write_spec(tmp_path, spec_path("spec-002-b"),
               path.read_text(encoding="utf-8").replace("Beta", "Bet2"), mtime_ns=MTIME_NS + 10**9)
    probe = ("import sys; from pathlib import Path; "
             "from smartspec.runs.index import refresh_index; "
             f"root = Path({str(tmp_path)!r}); "
             f"r = refresh_index(root, root / '.smartspec', root / 'specs', now_ns={NOW_NS}); "
             "print(r.scan.changed == ['spec-002-b'], r.new_text is not None, "
             "'msgspec' in sys.modules)")
    assert fresh_python_prints(probe) == ["True", "True", "False"]
    # The entry was edited in place, and the text is byte for byte what a whole dump of the
    # same index writes.
    after = (tmp_path / ".smartspec" / "SPEC_INDEX.json").read_text(encoding="utf-8")
    assert after != before.decode("utf-8")
    assert [e["title"] for e in json.loads(after)["specs"]] == ["Alpha", "Bet2", "Auth"]
    assert dump_index(parse_index(after)) == after
    # The next run reads what this one wrote, with everything unchanged.
    assert refresh(tmp_path).index.scan.read == 0


# --- the index after smartspec's own writes -------------------------------------------------

def _own_writes_project(root: Path, monkeypatch: pytest.MonkeyPatch, steps: list[list[str]],
                        *, forget: bool, whole: bool = True) -> tuple[str, str, list[str]]:
    """A project indexed once, then changed by ``steps`` (commands that write a spec and the
    index), then indexed again: the index text, the report, and the entry records read. With
    ``forget``, the record of the own writes is removed first, so the build compares every
    entry with its file as it did before there was one. Without ``whole``, the last run
    fails if it parses or encodes the whole index."""
    from smartspec.cli import main as cli_main
    from smartspec.index import state as state_module

    root.mkdir()
    make_tree(root)
    age_tree(root)
    monkeypatch.chdir(root)
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1795000000")
    assert cli_main(["index"]) == 0
    for step in steps:
        assert cli_main(step) in (0, 1), step
    record = root / ".smartspec" / "index" / "own-writes.json"
    assert record.is_file()
    if forget:
        record.unlink()
    read: list[str] = []
    real = state_module.read_regular

    def watch(path: Any) -> bytes:
        read.append(os.fspath(path))
        return real(path)

    monkeypatch.setattr(state_module, "read_regular", watch)
    if not whole:
        import smartspec.index.migrate
        import smartspec.index.schema

        def no_whole(*_: object, **__: object) -> Any:
            raise AssertionError("the whole index was parsed or encoded")

        for module, name in ((smartspec.index.schema, "dump_index"),
                             (smartspec.index.schema, "dump_as_found"),
                             (smartspec.index.migrate, "parse_index")):
            monkeypatch.setattr(module, name, no_whole)
    out = io.StringIO()
    monkeypatch.setattr(sys, "stdout", out)
    assert cli_main(["index", "--format", "json"]) == 0
    monkeypatch.undo()
    report = json.loads(out.getvalue())
    entries_read = [Path(p).name for p in read if f"{os.sep}entries{os.sep}" in p]
    return ((root / ".smartspec" / "SPEC_INDEX.json").read_text(encoding="utf-8"),
            json.dumps(report, sort_keys=True), entries_read)


STEPS = {
    "new": [["new", "ledger", "A ledger service with a PostgreSQL store", "--profile=basic"]],
    "new then edit another": [
        ["new", "ledger", "A ledger service with a PostgreSQL store", "--profile=basic"],
        ["edit", "specs/feature/spec-001-a/spec.md", "--title", "Alpha Two"]],
    "two news": [
        ["new", "ledger", "A ledger service with a PostgreSQL store", "--profile=basic"],
        ["new", "notes", "A notes service with a REST API", "--profile=basic",
         "--depends-on", "spec-core-001-auth"]],
}


@pytest.mark.parametrize("steps", list(STEPS))
def test_after_own_writes_the_build_compares_only_the_entries_written(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, steps: str) -> None:
    """new and edit write only their spec's entry; the next build trusts the others (the
    last build's own) and writes exactly what it writes when it compares them all."""
    trusted = _own_writes_project(tmp_path / "trusted", monkeypatch, STEPS[steps], forget=False)
    compared = _own_writes_project(tmp_path / "compared", monkeypatch, STEPS[steps], forget=True)
    assert trusted[:2] == compared[:2]
    # Without the record, each spec the steps left alone is compared with its entry record;
    # with it, none is (the specs written are read from their files either way).
    assert len(compared[2]) >= 2 and trusted[2] == []


@pytest.mark.parametrize("steps", list(STEPS))
def test_after_own_writes_the_index_is_edited_in_place(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, steps: str) -> None:
    """The specs new added already have their entries in the index it wrote: the build
    after it checks them against their files in the text (index.splice), as it does for an
    edit, and writes what a build that compares every entry writes."""
    spliced = _own_writes_project(tmp_path / "spliced", monkeypatch, STEPS[steps], forget=False,
                                  whole=False)
    compared = _own_writes_project(tmp_path / "compared", monkeypatch, STEPS[steps], forget=True)
    assert spliced[:2] == compared[:2]


def test_a_spec_new_added_and_a_person_removed_rebuilds_the_whole_index(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The index holds an entry for a file that is gone: one entry too many for an edit in
    place, so the build rebuilds the index and removes it."""
    from smartspec.cli import main as cli_main

    make_tree(tmp_path)
    age_tree(tmp_path)
    monkeypatch.chdir(tmp_path)
    assert cli_main(["index"]) == 0
    assert cli_main(["new", "ledger", "A ledger service", "--profile=basic"]) in (0, 1)
    assert cli_main(["new", "notes", "A notes service", "--profile=basic"]) in (0, 1)
    (tmp_path / "specs/feature/spec-001-ledger/spec.md").unlink()
    out = io.StringIO()
    monkeypatch.setattr(sys, "stdout", out)
    assert cli_main(["index", "--format", "json"]) == 0
    monkeypatch.undo()
    assert json.loads(out.getvalue())["removed"] == ["spec-001-ledger"]
    index = json.loads((tmp_path / ".smartspec" / "SPEC_INDEX.json").read_text(encoding="utf-8"))
    assert "spec-001-ledger" not in {e["id"] for e in index["specs"]}
    assert "spec-002-notes" in {e["id"] for e in index["specs"]}


def test_a_hand_edit_after_an_own_write_is_never_trusted(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The record names the index text it describes: a hand edit of another entry after a
    new makes the build compare every entry, so the edit is undone from the spec file."""
    from smartspec.cli import main as cli_main

    make_tree(tmp_path)
    age_tree(tmp_path)
    monkeypatch.chdir(tmp_path)
    assert cli_main(["index"]) == 0
    assert cli_main(["new", "ledger", "A ledger service", "--profile=basic"]) in (0, 1)
    index = tmp_path / ".smartspec" / "SPEC_INDEX.json"
    index.write_text(index.read_text(encoding="utf-8").replace('"title": "Alpha"',
                                                               '"title": "Hand"'),
                     encoding="utf-8")
    assert cli_main(["index"]) == 0
    titles = {e["id"]: e["title"] for e in json.loads(index.read_text(encoding="utf-8"))["specs"]}
    assert titles["spec-001-a"] == "Alpha"


def test_an_entry_an_own_write_changed_is_compared_with_its_file(tmp_path: Path) -> None:
    """The record trusts the entries the own writes left alone, never the ones they wrote:
    an entry written for a file whose content is the build's (its hash agrees) is still
    compared with what the file states."""
    from smartspec.index.quiet import OWN_WRITES_FILE, index_lineage, own_writes_bytes

    make_tree(tmp_path)
    age_tree(tmp_path)
    refresh(tmp_path)
    index = tmp_path / ".smartspec" / "SPEC_INDEX.json"
    manifest = state(tmp_path) / "manifest.json"
    lineage = index_lineage(str(manifest), str(index), ".smartspec/SPEC_INDEX.json")
    assert lineage is not None and lineage[1] == frozenset()
    # An own write of spec-002-b's entry that says something its file does not.
    index.write_text(index.read_text(encoding="utf-8").replace('"title": "Beta"',
                                                               '"title": "Written"'),
                     encoding="utf-8")
    (state(tmp_path) / OWN_WRITES_FILE).write_bytes(own_writes_bytes(
        lineage[0], ".smartspec/SPEC_INDEX.json", index.stat(), [spec_path("spec-002-b")]))
    assert index_lineage(str(manifest), str(index), ".smartspec/SPEC_INDEX.json") == (
        lineage[0], frozenset({spec_path("spec-002-b")}))
    refresh(tmp_path)
    titles = {e["id"]: e["title"] for e in json.loads(index.read_text(encoding="utf-8"))["specs"]}
    assert titles["spec-002-b"] == "Beta"


def test_a_fifo_in_place_of_the_manifest_or_the_record_is_no_lineage(tmp_path: Path) -> None:
    """Neither read waits on a FIFO (a new or an edit would hang before writing)."""
    from smartspec.index.quiet import OWN_WRITES_FILE, index_lineage

    make_tree(tmp_path)
    age_tree(tmp_path)
    refresh(tmp_path)
    index = tmp_path / ".smartspec" / "SPEC_INDEX.json"
    manifest = state(tmp_path) / "manifest.json"
    index.write_text(index.read_text(encoding="utf-8") + " ", encoding="utf-8")  # not the build's
    os.mkfifo(state(tmp_path) / OWN_WRITES_FILE)
    assert index_lineage(str(manifest), str(index), ".smartspec/SPEC_INDEX.json") is None
    manifest.unlink()
    os.mkfifo(manifest)
    assert index_lineage(str(manifest), str(index), ".smartspec/SPEC_INDEX.json") is None
