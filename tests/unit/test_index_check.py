"""``check_index``: one case per defect of issue 6 point 5, each with its exact finding, and a
clean index that passes."""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from pathlib import Path

import pytest

from smartspec.index import (
    CHECKS,
    IndexEntry,
    SpecIndex,
    build_index,
    check_index,
    dump_index,
    find_cycles,
    parse_index,
)

MTIME_NS = 1_700_000_000 * 10**9
NOW_NS = MTIME_NS + 3600 * 10**9


def spec(spec_id: str, title: str, *, depends_on: tuple[str, ...] = (),
         category: str = "feature", status: str = "draft") -> str:
    settings = {"schema": 1, "id": spec_id, "title": title, "category": category,
                "depends_on": list(depends_on), "status": status, "version": "0.1.0",
                "repo": "private"}
    return (f"# SPEC-{spec_id.removeprefix('spec-').upper()}: {title}\n\n"
            f"<!-- smartspec: {json.dumps(settings, separators=(',', ':'))} -->\n\n"
            f"## 1. Overview\n\n{title}.\n")


def write(root: Path, spec_id: str, text: str, folder: str | None = None,
          category: str = "feature") -> str:
    rel = f"specs/{category}/{folder or spec_id}/spec.md"
    path = root / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    os.utime(path, ns=(MTIME_NS, MTIME_NS))
    return rel


def build(root: Path, previous: SpecIndex | None = None) -> SpecIndex:
    return build_index(root, root / "specs", previous, None, now_ns=NOW_NS)


def clean_tree(root: Path) -> None:
    write(root, "spec-core-001-auth", spec("spec-core-001-auth", "Auth", category="core"),
          category="core")
    write(root, "spec-001-alpha", spec("spec-001-alpha", "Alpha", depends_on=("spec-core-001-auth",)))
    write(root, "spec-002-beta", spec("spec-002-beta", "Beta", depends_on=("spec-001-alpha",)))


def check(root: Path, index: SpecIndex, *, cache_path: Path | None = None,
          repo: str | None = None) -> list[tuple[str, str, str | None]]:
    findings = check_index(index, root, specs_dir=root / "specs", cache_path=cache_path,
                           repo=repo)
    return [(f.code, f.message, f.spec_id) for f in findings]


def test_a_clean_index_passes(tmp_path: Path) -> None:
    clean_tree(tmp_path)
    index = build(tmp_path)
    assert check_index(index, tmp_path, specs_dir=tmp_path / "specs") == []
    # and so does the same index read back from its file
    assert check_index(parse_index(dump_index(index)), tmp_path) == []


Case = Callable[[Path], SpecIndex]


def missing_file(root: Path) -> SpecIndex:
    clean_tree(root)
    index = build(root)
    (root / "specs/feature/spec-002-beta/spec.md").unlink()
    return index


def fifo_in_place(root: Path) -> SpecIndex:
    """A FIFO where an entry's spec file was: reported, never read (a read would wait)."""
    clean_tree(root)
    index = build(root)
    spec = root / "specs/feature/spec-002-beta/spec.md"
    spec.unlink()
    os.mkfifo(spec)
    return index


def unknown_dependency(root: Path) -> SpecIndex:
    clean_tree(root)
    write(root, "spec-002-beta", spec("spec-002-beta", "Beta", depends_on=("spec-001-alpah",
                                                                     "spec-404-nothing")))
    return build(root)


def self_dependency(root: Path) -> SpecIndex:
    clean_tree(root)
    write(root, "spec-002-beta", spec("spec-002-beta", "Beta", depends_on=("spec-002-beta",)))
    return build(root)


def two_cycle(root: Path) -> SpecIndex:
    clean_tree(root)
    write(root, "spec-001-alpha", spec("spec-001-alpha", "Alpha", depends_on=("spec-002-beta",)))
    return build(root)


def three_cycle_with_a_chord(root: Path) -> SpecIndex:
    clean_tree(root)
    write(root, "spec-core-001-auth", spec("spec-core-001-auth", "Auth", category="core",
                                           depends_on=("spec-002-beta",)), category="core")
    write(root, "spec-003-gamma", spec("spec-003-gamma", "Gamma", depends_on=("spec-001-alpha",)))
    write(root, "spec-001-alpha", spec("spec-001-alpha", "Alpha",
                                   depends_on=("spec-core-001-auth", "spec-003-gamma")))
    return build(root)


def duplicate_id(root: Path) -> SpecIndex:
    clean_tree(root)
    write(root, "spec-001-alpha", spec("spec-001-alpha", "Alpha", depends_on=("spec-core-001-auth",)),
          folder="alpha-copy")
    return build(root)


def duplicate_path(root: Path) -> SpecIndex:
    clean_tree(root)
    index = build(root)
    index.entries["spec-003-gamma"] = IndexEntry("spec-003-gamma", title="Gamma",
                                             path="specs/feature/spec-002-beta/spec.md")
    return index


def double_extension(root: Path) -> SpecIndex:
    clean_tree(root)
    index = build(root)
    index.entries["spec-002-beta"].path = "specs/feature/spec-002-beta/spec.md.md"
    return index


def bad_id(root: Path) -> SpecIndex:
    clean_tree(root)
    write(root, "Spec_4", spec("Spec_4", "Four"))
    return build(root)


def title_mismatch(root: Path) -> SpecIndex:
    clean_tree(root)
    index = build(root)
    index.entries["spec-001-alpha"].title = "Alpha (old name)"
    return index


def stale_fields(root: Path) -> SpecIndex:
    clean_tree(root)
    index = build(root)
    write(root, "spec-002-beta", spec("spec-002-beta", "Beta", depends_on=("spec-core-001-auth",),
                                   status="approved"))
    return index


def stale_content(root: Path) -> SpecIndex:
    clean_tree(root)
    index = build(root)
    path = root / "specs/feature/spec-002-beta/spec.md"
    path.write_text(path.read_text() + "\nA new paragraph.\n")
    return index


def unindexed(root: Path) -> SpecIndex:
    clean_tree(root)
    index = build(root)
    write(root, "spec-003-gamma", spec("spec-003-gamma", "Gamma"))
    return index


def outside_root(root: Path) -> SpecIndex:
    clean_tree(root)
    index = build(root)
    index.entries["spec-009-ext"] = IndexEntry("spec-009-ext", title="Ext", path="../x/spec.md")
    return index


def placeholder_and_category(root: Path) -> SpecIndex:
    clean_tree(root)
    index = build(root)
    index.entries["spec-009-later"] = IndexEntry("spec-009-later", title="Later", category="core")
    return index


CASES: list[tuple[Case, list[tuple[str, str, str | None]]]] = [
    (missing_file, [
        ("missing-file", "spec-002-beta: the spec file specs/feature/spec-002-beta/spec.md does not "
                         "exist", "spec-002-beta")]),
    (fifo_in_place, [
        ("unreadable-file", "spec-002-beta: specs/feature/spec-002-beta/spec.md cannot be read "
                            "(not a regular file (a FIFO, socket or device))", "spec-002-beta")]),
    (unknown_dependency, [
        ("unknown-dependency", "spec-002-beta depends on spec-001-alpah, which is not in the index "
                               "(did you mean spec-001-alpha?)", "spec-002-beta"),
        ("unknown-dependency", "spec-002-beta depends on spec-404-nothing, which is not in the "
                               "index", "spec-002-beta")]),
    (self_dependency, [("self-dependency", "spec-002-beta depends on itself", "spec-002-beta")]),
    (two_cycle, [("cycle", "dependency cycle: spec-001-alpha -> spec-002-beta -> spec-001-alpha",
                  "spec-001-alpha")]),
    (three_cycle_with_a_chord, [
        ("cycle", "dependency cycle: spec-001-alpha -> spec-003-gamma -> spec-001-alpha (also in this "
                  "cycle group: spec-002-beta, spec-core-001-auth)", "spec-001-alpha")]),
    (duplicate_id, [
        ("duplicate-id", "spec-001-alpha: the id appears twice in the index (paths "
                         "specs/feature/alpha-copy/spec.md and "
                         "specs/feature/spec-001-alpha/spec.md)", "spec-001-alpha")]),
    (duplicate_path, [
        ("duplicate-path", "spec-003-gamma: specs/feature/spec-002-beta/spec.md is also the path of "
                           "spec-002-beta", "spec-003-gamma"),
        ("stale-entry", "spec-003-gamma: specs/feature/spec-002-beta/spec.md changed since it was "
                        "indexed (id, repo, category, status, version, dependencies differ); "
                        "run 'smartspec index'", "spec-003-gamma"),
        ("title-mismatch", "spec-003-gamma: the index says title 'Gamma' but "
                           "specs/feature/spec-002-beta/spec.md says 'Beta'", "spec-003-gamma")]),
    (double_extension, [
        ("double-extension", "spec-002-beta: the path specs/feature/spec-002-beta/spec.md.md ends in "
                             "spec.md.md; expected specs/feature/spec-002-beta/spec.md",
         "spec-002-beta"),
        ("missing-file", "spec-002-beta: the spec file specs/feature/spec-002-beta/spec.md.md does "
                         "not exist", "spec-002-beta"),
        ("unindexed-spec", "specs/feature/spec-002-beta/spec.md (spec-002-beta) is not in the index; "
                           "run 'smartspec index'", "spec-002-beta")]),
    (bad_id, [
        ("bad-id", "Spec_4: the id does not match the id pattern "
                   "^[A-Za-z0-9]+(?:[-.][A-Za-z0-9]+)*$ (set index.idPattern in the config to "
                   "change it)", "Spec_4")]),
    (title_mismatch, [
        ("title-mismatch", "spec-001-alpha: the index says title 'Alpha (old name)' but "
                           "specs/feature/spec-001-alpha/spec.md says 'Alpha'", "spec-001-alpha")]),
    (stale_fields, [
        ("stale-entry", "spec-002-beta: specs/feature/spec-002-beta/spec.md changed since it was "
                        "indexed (status, dependencies differ); run 'smartspec index'",
         "spec-002-beta")]),
    (stale_content, [
        ("stale-entry", "spec-002-beta: specs/feature/spec-002-beta/spec.md changed since it was "
                        "indexed (its content hash differs); run 'smartspec index'",
         "spec-002-beta")]),
    (unindexed, [
        ("unindexed-spec", "specs/feature/spec-003-gamma/spec.md (spec-003-gamma) is not in the index; "
                           "run 'smartspec index'", "spec-003-gamma")]),
    (outside_root, [
        ("path-outside-root", "spec-009-ext: the path ../x/spec.md is not relative to the "
                              "project root; expected a path such as "
                              "specs/<category>/<id>/spec.md", "spec-009-ext")]),
    (placeholder_and_category, [
        ("id-category-mismatch", "spec-009-later: the id names category 'feature' but the "
                                 "entry's category is 'core'", "spec-009-later"),
        ("planned", "spec-009-later: a placeholder with no spec file yet", "spec-009-later")]),
]


@pytest.mark.parametrize(("case", "expected"), CASES, ids=[c.__name__ for c, _ in CASES])
def test_each_defect_is_reported(tmp_path: Path, case: Case,
                                 expected: list[tuple[str, str, str | None]]) -> None:
    index = case(tmp_path)
    assert check(tmp_path, index) == expected


def test_every_check_code_is_exercised() -> None:
    exercised = {code for _, expected in CASES for code, _, _ in expected}
    assert exercised == set(CHECKS)


def test_errors_come_before_warnings(tmp_path: Path) -> None:
    index = placeholder_and_category(tmp_path)
    index.entries["spec-009-later"].dependencies = ["spec-009-later"]
    severities = [f.severity for f in check_index(index, tmp_path)]
    assert severities == sorted(severities, key=lambda s: s != "error")
    assert severities[0] == "error"


def test_unreadable_spec_file(tmp_path: Path) -> None:
    clean_tree(tmp_path)
    index = build(tmp_path)
    (tmp_path / "specs/feature/spec-001-alpha/spec.md").write_bytes(b"# SPEC-001: \xff\n")
    assert check(tmp_path, index) == [
        ("unreadable-file", "spec-001-alpha: specs/feature/spec-001-alpha/spec.md: line 1: byte "
                            "0xff is not UTF-8; expected a UTF-8 Markdown spec", "spec-001-alpha")]


def test_specs_of_other_repositories_are_not_looked_for(tmp_path: Path) -> None:
    clean_tree(tmp_path)
    index = build(tmp_path)
    index.entries["spec-010-public"] = IndexEntry(
        "spec-010-public", title="Public", repo="public",
        path="specs/feature/spec-010-public/spec.md")
    assert check(tmp_path, index, repo="private") == []
    assert [c for c, _, _ in check(tmp_path, index)] == ["missing-file"]


def test_category_from_the_folder_is_not_a_change(tmp_path: Path) -> None:
    # A hand-written spec states no category; the index may know better than the folder.
    rel = write(tmp_path, "spec-003-gamma", "# SPEC-003: Gamma\n\n## 1. X\n")
    index = build(tmp_path)
    index.entries["spec-003-gamma"].category = "platform"
    findings = check(tmp_path, index)
    assert [c for c, _, _ in findings] == ["id-category-mismatch"]
    assert rel == index.entries["spec-003-gamma"].path


def test_check_uses_the_cache_for_known_content(tmp_path: Path) -> None:
    clean_tree(tmp_path)
    index = build(tmp_path)
    assert index.scan is not None
    cache = tmp_path / "cache.json"
    # a cache record whose hash matches is trusted instead of parsing the file again
    files = index.scan.cache["files"]
    files["specs/feature/spec-001-alpha/spec.md"][3]["title"] = "From the cache"
    cache.write_text(json.dumps(index.scan.cache))
    findings = check(tmp_path, index, cache_path=cache)
    assert [c for c, _, _ in findings] == ["title-mismatch"]


def test_find_cycles_on_a_long_chain_does_not_recurse(tmp_path: Path) -> None:
    count = 5000
    ids = [f"spec-{n:04d}-s" for n in range(count)]
    specs = [{"id": spec_id, "dependencies": [ids[(n + 1) % count]]}
             for n, spec_id in enumerate(ids)]
    index = parse_index(json.dumps({"schema": 1, "specs": specs}))
    ((cycle, rest),) = find_cycles(index)
    assert cycle[0] == cycle[-1] == "spec-0000-s"
    assert len(cycle) == count + 1 and rest == []


@pytest.mark.parametrize("spec_id", ["004-desktop-app", "WF-SCRIPTS-001",
                                     "SPEC-001-PROJECT-OVERVIEW", "spec-108a-data-access-layer"])
def test_id_shapes_people_write_are_not_bad_ids(tmp_path: Path, spec_id: str) -> None:
    from smartspec.index import IndexEntry, SpecIndex, check_index

    index = SpecIndex(entries={spec_id: IndexEntry(spec_id, path=None)})
    codes = [f.code for f in check_index(index, tmp_path)]
    assert "bad-id" not in codes and codes == ["planned"]


def test_the_id_pattern_is_configurable_and_bad_ids_are_warnings(tmp_path: Path) -> None:
    from smartspec.index import IndexEntry, SpecIndex, check_index

    index = SpecIndex(entries={"WF-SCRIPTS-001": IndexEntry("WF-SCRIPTS-001", path=None)})
    findings = check_index(index, tmp_path, id_pattern=r"^spec-\d{3}")
    bad = [f for f in findings if f.code == "bad-id"]
    assert len(bad) == 1 and bad[0].severity == "warning" and r"^spec-\d{3}" in bad[0].message


def test_a_bad_id_pattern_in_the_config_names_the_file_and_key(tmp_path: Path) -> None:
    from smartspec.config import load_settings
    from smartspec.errors import ConfigError

    (tmp_path / "smartspec.config.json").write_text('{"index": {"idPattern": "spec-(["}}')
    with pytest.raises(ConfigError, match=r"smartspec.config.json: at index.idPattern: "
                                          r"'spec-\(\[' is not a valid regular expression"):
        load_settings(cwd=tmp_path)
    (tmp_path / "smartspec.config.json").write_text('{"index": {"idPattern": "^X-"}}')
    assert load_settings(cwd=tmp_path)["index_id_pattern"] == "^X-"
