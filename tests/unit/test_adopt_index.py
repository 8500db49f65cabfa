"""SmartSpec's own index and registry files from the corpus: every one is read, its real
defects (and only those) are reported, and a write puts it back in its own shape."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from smartspec.index import ID_RE, check_index, dump_as_found, load_index, parse_index
from smartspec.workspace import FOREIGN_REGISTRY_FALLBACK, Workspace

CORPUS_INDEX = Path(__file__).resolve().parents[1] / "corpus" / "index"
INDEX_FILES = sorted(CORPUS_INDEX.rglob("SPEC_INDEX*.json"))
REGISTRY_FILES = sorted(p for p in CORPUS_INDEX.rglob("*registry*.json"))


def test_the_corpus_has_index_files() -> None:
    assert len(INDEX_FILES) >= 3 and len(REGISTRY_FILES) >= 3


@pytest.mark.parametrize("path", INDEX_FILES, ids=[p.name for p in INDEX_FILES])
def test_every_index_file_is_read_and_written_back_in_its_shape(path: Path) -> None:
    index = load_index(path)
    assert index.shape in ("v5", "legacy")
    raw = json.loads(path.read_text(encoding="utf-8"))
    text = dump_as_found(index)
    again = json.loads(text)
    # Same top-level keys in the same order, version included; no schema-1 key slipped in.
    assert list(again) == list(raw) and again.get("version") == raw.get("version")
    assert [s["id"] for s in again["specs"]] == [s["id"] for s in raw["specs"]]
    reread = parse_index(text)
    assert {e.id: e.to_json() for e in reread.all_entries()} == {
        e.id: e.to_json() for e in index.all_entries()}


@pytest.mark.parametrize("path", INDEX_FILES, ids=[p.name for p in INDEX_FILES])
def test_only_real_defects_are_reported(path: Path, tmp_path: Path) -> None:
    index = load_index(path)
    findings = check_index(index, tmp_path)
    # Ids in SmartSpec's own shapes are never bad ids.
    assert not [f for f in findings if f.code == "bad-id"]
    raw = json.loads(path.read_text(encoding="utf-8"))
    ids = {s["id"] for s in raw["specs"]}
    for finding in findings:
        entry = index.entries[finding.spec_id or ""]
        if finding.code == "missing-file":  # the spec files are not in this tree
            assert entry.path is not None and not (tmp_path / entry.path).exists()
        elif finding.code == "self-dependency":
            assert entry.id in entry.dependencies
        elif finding.code == "unknown-dependency":
            assert set(entry.dependencies) - ids
        elif finding.code == "id-category-mismatch":
            named = ID_RE.match(entry.id)
            assert named is not None and (named.group("category") or "feature") != entry.category
        else:
            pytest.fail(f"unexpected finding {finding.code}: {finding.message}")


@pytest.mark.parametrize("path", REGISTRY_FILES, ids=[p.name for p in REGISTRY_FILES])
def test_a_smartspec_registry_at_the_registry_path_is_set_aside(path: Path,
                                                                tmp_path: Path) -> None:
    workspace = Workspace(tmp_path, tmp_path / ".smartspec")
    usual = tmp_path / ".smartspec" / "registry" / "critical-sections-registry.json"
    usual.parent.mkdir(parents=True)
    usual.write_bytes(path.read_bytes())
    assert workspace.registry_path == str(usual.with_name(FOREIGN_REGISTRY_FALLBACK))
    assert workspace.load_registry() == {"schema": 1, "specs": {}}
