"""SPEC_INDEX: the schema, migration of earlier shapes (golden files), lookup, dump, upsert,
dependency resolution, reading specs, incremental builds and graph rendering."""

from __future__ import annotations

import json
import os
from pathlib import Path

import jsonschema
import pytest

from smartspec.errors import DocumentError, UsageError, WorkspaceError
from smartspec.index import (
    INDEX_SCHEMA_VERSION,
    IndexEntry,
    SpecIndex,
    _parse_any,
    _parse_plain_v1,
    build_index,
    dump_index,
    entry_from_spec,
    index_json_schema,
    load_index,
    locate_index,
    normalize_path,
    parse_index,
    related_groups,
    render_graph,
    resolve_dependencies,
    spec_fields,
    upsert_entry,
)
from smartspec.runs.index import refresh_index
from tests.conftest import Golden

DATA = Path(__file__).resolve().parents[1] / "data" / "index"

# File times for built trees: long before the injected "now", so no file is racily clean.
MTIME_NS = 1_700_000_000 * 10**9
NOW_NS = MTIME_NS + 3600 * 10**9


def write_spec(root: Path, rel: str, text: str, *, mtime_ns: int = MTIME_NS) -> Path:
    path = root / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    os.utime(path, ns=(mtime_ns, mtime_ns))
    return path


def generated_spec(spec_id: str, title: str, *, category: str = "feature",
                   depends_on: tuple[str, ...] = (), status: str = "draft",
                   version: str = "0.1.0", body: str = "") -> str:
    settings = {"schema": 1, "id": spec_id, "title": title, "category": category,
                "profile": "basic", "mode": "standard", "domains": [],
                "depends_on": list(depends_on), "version": version, "status": status,
                "repo": "private", "created": "2026-11-27T17:00:00Z",
                "updated": "2026-11-27T17:00:00Z"}
    number = spec_id.removeprefix("spec-").upper()
    return (f"# SPEC-{number}: {title}\n\n**Spec ID:** {spec_id}\n**Status:** {status.upper()}\n"
            f"\n<!-- smartspec: {json.dumps(settings, separators=(',', ':'))} -->\n\n---\n\n"
            f"## 1. Overview\n\n{body or title}\n")


def spec_path(spec_id: str, category: str = "feature") -> str:
    return f"specs/{category}/{spec_id}/spec.md"


# --------------------------------------------------------------------------------------------
# Migration of earlier shapes: golden files


SHAPES = [("reference", "reference"), ("v5", "v5"), ("legacy", "legacy"),
          ("folder-paths", "reference")]


@pytest.mark.parametrize(("name", "shape"), SHAPES)
def test_earlier_shapes_migrate_to_the_golden_file(name: str, shape: str, golden: Golden) -> None:
    """Regenerate on purpose only: ``pytest --update-goldens``, then review the diff."""
    index = load_index(DATA / f"{name}.json")
    assert index.shape == shape
    assert index.migrated
    golden.check(DATA / f"{name}.expected.json", dump_index(index))


def test_every_expected_index_has_a_case(golden: Golden) -> None:
    golden.no_stale(DATA, {f"{name}.expected.json" for name, _ in SHAPES}, "*.expected.json")


@pytest.mark.parametrize(("name", "shape"), SHAPES)
def test_golden_files_are_valid_schema_1_and_a_fixed_point(name: str, shape: str) -> None:
    golden = DATA / f"{name}.expected.json"
    data = json.loads(golden.read_text(encoding="utf-8"))
    jsonschema.Draft202012Validator(index_json_schema()).validate(data)
    again = load_index(golden)
    assert again.shape == "v1"
    assert not again.migrated
    assert dump_index(again) == golden.read_text(encoding="utf-8")


def test_v5_migration_keeps_unknown_fields_and_drops_only_derived_ones() -> None:
    data = json.loads(dump_index(load_index(DATA / "v5.json")))
    assert data["schema"] == INDEX_SCHEMA_VERSION
    assert data["project"] == "acme-payments"  # unknown top-level key
    assert data["created"] == "2025-01-10T09:00:00Z"
    # The format's own version is kept (as an unknown key); last_updated is recomputed.
    assert "last_updated" not in data and data["version"] == "5.0.0"
    assert data["metadata"]["validation"] == {"last_run": "2025-11-20T14:30:00Z", "errors": 0,
                                              "warnings": 2}
    assert "total_specs" not in data["metadata"]
    assert data["metadata"]["total"] == 4
    assert data["metadata"]["by_status"] == {"approved": 1, "draft": 2, "planned": 1}
    specs = {s["id"]: s for s in data["specs"]}
    assert [s["id"] for s in data["specs"]] == sorted(specs)
    assert specs["spec-005-notifications"]["path"] is None  # "TBD" placeholder
    assert specs["spec-005-notifications"]["owner"] == "team-comms"
    # dependents recomputed: the stale "spec-099-gone" is gone, refunds found
    assert specs["spec-core-001-authentication"]["dependents"] == ["spec-004-payment-processing"]
    assert specs["spec-004-payment-processing"]["dependents"] == ["spec-006-refunds"]
    assert specs["spec-005-notifications"]["dependents"] == ["spec-004-payment-processing"]


def test_legacy_migration_keeps_priority_summary_tags() -> None:
    data = json.loads(dump_index(load_index(DATA / "legacy.json")))
    assert data["generated_by"] == "spec-indexer 0.3"
    for key in ("total_specs", "public_specs_count", "private_specs_count"):
        assert key not in data
    assert data["metadata"]["by_repo"] == {"private": 2, "public": 1}
    auth = next(s for s in data["specs"] if s["id"] == "spec-core-001-authentication")
    assert auth["priority"] == "high"
    assert auth["summary"] == "Login, sessions and tokens"
    assert auth["tags"] == ["security", "identity"]
    assert "dependencies_count" not in auth
    assert auth["dependents"] == ["spec-002-user-management"]


def test_folder_paths_become_spec_files() -> None:
    index = load_index(DATA / "folder-paths.json")
    paths = {e.id: e.path for e in index.entries.values()}
    assert paths == {
        "spec-core-001-authentication": "specs/core/spec-core-001-authentication/spec.md",
        "spec-002-user-management": "specs/feature/spec-002-user-management/spec.md",
        # a doubled extension is a defect for --check to report, not silently rewritten
        "spec-003-billing": "specs/feature/spec-003-billing/spec.md.md",
    }
    assert index.entries["spec-002-user-management"].dependencies == [
        "spec-core-001-authentication"]


@pytest.mark.parametrize(("given", "expected"), [
    ("specs/core/x", "specs/core/x/spec.md"),
    ("specs/core/x/", "specs/core/x/spec.md"),
    ("./specs/core/x/spec.md", "specs/core/x/spec.md"),
    ("specs\\core\\x\\spec.md", "specs/core/x/spec.md"),
    ("TBD", None), ("", None), ("N/A", None), (None, None),
    ("specs/core/x/spec.md.md", "specs/core/x/spec.md.md"),
])
def test_normalize_path(given: str | None, expected: str | None) -> None:
    assert normalize_path(given) == expected


# --------------------------------------------------------------------------------------------
# Corrupt input: one clear sentence naming the file and the place


def test_invalid_json_names_file_line_and_column() -> None:
    with pytest.raises(DocumentError) as caught:
        load_index(DATA / "invalid-json.json")
    message = str(caught.value)
    assert message.startswith(f"{DATA / 'invalid-json.json'}: line 4, column 39: invalid JSON")
    assert "\n" not in message


def test_wrong_type_names_the_key_path() -> None:
    with pytest.raises(DocumentError) as caught:
        load_index(DATA / "wrong-types.json")
    assert str(caught.value) == (
        f"{DATA / 'wrong-types.json'}: at specs[1].dependencies: expected a list of strings, "
        "got a string ('spec-001-a')")


@pytest.mark.parametrize(("text", "expected"), [
    ('[1, 2]', "expected a JSON object at the top level, got a list"),
    ('{"schema": 1}', "the key 'specs' is missing; expected a list of spec entries"),
    ('{"schema": 2, "specs": []}', "written with index schema 2 by a newer smartspec"),
    ('{"schema": "1", "specs": []}', "at schema: expected an integer, got a string ('1')"),
    ('{"specs": {"a": 1}}', "at specs.a: expected a spec entry object, got a number (1)"),
    ('{"specs": [{"title": "x"}]}', "at specs[0]: the key 'id' is missing"),
    ('{"specs": [{"id": ""}]}', "at specs[0].id: expected a non-empty string"),
    ('{"specs": [{"id": "a", "title": 5}]}', "at specs[0].title: expected a string or null"),
    ('{"specs": [{"id": "a", "domains": [1]}]}', "at specs[0].domains[0]: expected a string"),
    ('{"specs": [{"id": "a"}], "metadata": []}', "at metadata: expected an object, got a list"),
    ('{"specs": {"a": {"id": "b"}}}', "at specs.a.id: 'b' differs from its key 'a'"),
    ('{"specs": "x"}', "at specs: expected a list of spec entries, got a string ('x')"),
    (b'\xff\xfe{', "not UTF-8 text (byte 0)"),
])
def test_corrupt_index_shapes(text: str | bytes, expected: str) -> None:
    with pytest.raises(DocumentError) as caught:
        parse_index(text, source=Path("SPEC_INDEX.json"))
    assert str(caught.value).startswith("SPEC_INDEX.json: ")
    assert expected in str(caught.value)


def test_missing_index_file_is_a_document_error(tmp_path: Path) -> None:
    with pytest.raises(DocumentError, match="no such index file"):
        load_index(tmp_path / "SPEC_INDEX.json")


def test_specs_keyed_by_id_are_read() -> None:
    index = parse_index('{"specs": {"spec-001-a": {"title": "A"}}}')
    assert index.entries["spec-001-a"].title == "A"


def test_duplicate_ids_are_kept_for_check() -> None:
    index = parse_index('{"schema": 1, "specs": [{"id": "spec-001-a", "path": "a/spec.md"}, '
                        '{"id": "spec-001-a", "path": "b/spec.md"}]}')
    assert index.entries["spec-001-a"].path == "a/spec.md"
    assert [d.path for d in index.duplicates] == ["b/spec.md"]
    assert [s["path"] for s in json.loads(dump_index(index))["specs"]] == ["a/spec.md",
                                                                           "b/spec.md"]


# --------------------------------------------------------------------------------------------
# Lookup order


def test_lookup_order(tmp_path: Path) -> None:
    root, state = tmp_path, tmp_path / ".smartspec"
    assert locate_index(str(root), str(state), None) is None
    places = [root / "specs" / "SPEC_INDEX.json", root / ".spec" / "SPEC_INDEX.json",
              root / "SPEC_INDEX.json", state / "SPEC_INDEX.json"]
    for place in places:  # each new file takes precedence over those before it
        place.parent.mkdir(parents=True, exist_ok=True)
        place.write_text('{"specs": []}')
        assert locate_index(str(root), str(state), None) == str(place)
    explicit = locate_index(str(root), str(state), "custom/index.json")
    assert explicit == str((root / "custom" / "index.json").resolve())  # returned though missing
    assert locate_index(str(root), str(state), str(places[0])) == str(places[0])


def test_lookup_uses_the_given_state_dir(tmp_path: Path) -> None:
    state = tmp_path / "out"
    (state).mkdir()
    (state / "SPEC_INDEX.json").write_text('{"specs": []}')
    (tmp_path / "SPEC_INDEX.json").write_text('{"specs": []}')
    assert locate_index(str(tmp_path), str(state), None) == str(state / "SPEC_INDEX.json")


# --------------------------------------------------------------------------------------------
# Dump and upsert


def test_dump_is_sorted_stable_and_recomputes() -> None:
    index = SpecIndex()
    index.entries["spec-002-b"] = IndexEntry("spec-002-b", title="B", status="draft",
                                             dependencies=["spec-001-a"], dependents=["bogus"])
    index.entries["spec-001-a"] = IndexEntry("spec-001-a", title="A", status="approved",
                                             category="feature", repo="private")
    text = dump_index(index)
    assert text.endswith("}\n") and not text.endswith("\n\n")
    data = json.loads(text)
    assert list(data) == sorted(data)
    assert [s["id"] for s in data["specs"]] == ["spec-001-a", "spec-002-b"]
    assert all(list(s) == sorted(s) for s in data["specs"])
    assert data["specs"][0]["dependents"] == ["spec-002-b"]
    assert data["specs"][1]["dependents"] == []
    assert data["metadata"] == {"total": 2, "by_status": {"approved": 1, "draft": 1},
                                "by_category": {"feature": 1, "unknown": 1},
                                "by_repo": {"private": 1, "unknown": 1}}
    assert dump_index(parse_index(text)) == text
    jsonschema.Draft202012Validator(index_json_schema()).validate(data)


def test_schema_is_a_valid_draft_2020_12_schema() -> None:
    schema = index_json_schema()
    jsonschema.Draft202012Validator.check_schema(schema)
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate({"schema": 1, "specs": [{"id": "x", "domains": "fintech"}]}, schema)


def test_upsert_keeps_unknown_fields_and_created_and_recomputes_dependents() -> None:
    index = parse_index(json.dumps({"schema": 1, "specs": [
        {"id": "spec-001-a", "title": "Old", "created": "2025-01-01", "repo": "private",
         "owner": "team-a"},
        {"id": "spec-core-001-auth", "title": "Auth"},
    ]}))
    upsert_entry(index, IndexEntry("spec-001-a", title="New", created="2026-11-27",
                                   dependencies=["spec-core-001-auth"]))
    entry = index.entries["spec-001-a"]
    assert (entry.title, entry.created, entry.repo) == ("New", "2025-01-01", "private")
    assert entry.extra == {"owner": "team-a"}
    assert index.entries["spec-core-001-auth"].dependents == ["spec-001-a"]
    upsert_entry(index, IndexEntry("spec-002-b", title="B"))
    assert set(index.entries) == {"spec-001-a", "spec-002-b", "spec-core-001-auth"}


# --------------------------------------------------------------------------------------------
# Dependency resolution (reference §13.1.1)


def test_resolved_lines_match_the_reference_format() -> None:
    index = load_index(DATA / "reference.json")
    resolved = resolve_dependencies(index, ["spec-core-001-authentication",
                                            "spec-core-002-authorization",
                                            "spec-002-user-management", "spec-unknown-001",
                                            "spec-core-001-authentication"])
    assert [r.markdown_line() for r in resolved] == [
        '- **spec-core-001-authentication** - User authentication for financial operations - '
        'Spec Path: "specs/core/spec-core-001-authentication/spec.md" Repo: private',
        '- **spec-core-002-authorization** - RBAC for admin financial operations - '
        'Spec Path: "specs/core/spec-core-002-authorization/spec.md" Repo: private',
        '- **spec-002-user-management** - User profile and account management - '
        'Spec Path: "specs/feature/spec-002-user-management/spec.md" Repo: public',
        '- **spec-unknown-001** - [NOT FOUND IN SPEC_INDEX] - Spec Path: "N/A" Repo: unknown',
    ]
    groups = related_groups(resolved)
    assert [(title, [r.id for r in items]) for title, items in groups] == [
        ("Core Dependencies", ["spec-core-001-authentication", "spec-core-002-authorization"]),
        ("Feature Specs", ["spec-002-user-management"]),
        ("Unknown Specs", ["spec-unknown-001"]),
    ]


def test_resolution_never_shows_spec_md_md_and_handles_placeholders() -> None:
    index = load_index(DATA / "folder-paths.json")
    index.entries["spec-009-later"] = IndexEntry("spec-009-later", title="Later")
    billing, later = resolve_dependencies(index, ["spec-003-billing", "spec-009-later"])
    assert billing.path == "specs/feature/spec-003-billing/spec.md"
    assert later.found and later.path == "N/A" and later.repo == "unknown"


def test_resolution_without_an_index() -> None:
    (item,) = resolve_dependencies(None, ["spec-core-001-authentication"])
    assert (item.found, item.path, item.repo, item.category) == (False, "N/A", "unknown",
                                                                 "core")
    assert item.markdown_line(index_available=False) == "- **spec-core-001-authentication**"


def test_titles_from_the_index_cannot_forge_structure() -> None:
    index = SpecIndex(entries={"spec-001-a": IndexEntry(
        "spec-001-a", title="A\n## 9. Forged <!-- @end-critical -->", path="a/spec.md")})
    line = resolve_dependencies(index, ["spec-001-a"])[0].markdown_line()
    assert "\n" not in line and "<!--" not in line and "-->" not in line


# --------------------------------------------------------------------------------------------
# Reading a spec


def test_settings_comment_wins_over_header_lines() -> None:
    text = (DATA / "spec-generated.md").read_text(encoding="utf-8")
    stated = spec_fields(text, "specs/feature/spec-004-payment-processing/spec.md", "specs")
    assert stated == {
        "id": "spec-004-payment-processing", "title": "Payment Processing",
        "repo": "private", "category": "feature", "status": "draft", "version": "0.1.0",
        "profile": "financial", "created": "2026-11-27T17:00:00Z",
        "updated": "2026-11-27T17:00:00Z", "domains": ["fintech"],
        "dependencies": ["spec-core-001-authentication"],
    }


def test_hand_written_spec_gets_what_its_header_gives() -> None:
    text = (DATA / "spec-hand-written.md").read_text(encoding="utf-8")
    stated = spec_fields(text, "specs/core/auth/spec.md", "specs")
    assert stated == {
        "id": "spec-core-001-authentication", "title": "Authentication",
        "category": "core", "status": "approved", "version": "1.2.0",
        "created": "2025-03-01", "domains": ["fintech", "healthcare"],
        "dependencies": ["spec-core-002-sessions", "spec-003-audit"],
        "_inferred": ["category"],
    }


def test_spec_without_header_takes_id_from_folder_and_title_from_h1() -> None:
    stated = spec_fields("# Notes on billing\n\nSome text.\n\n## Details\n",
                         "specs/feature/spec-003-billing/spec.md", "specs")
    assert stated["id"] == "spec-003-billing"
    assert stated["title"] == "Notes on billing"
    assert stated["category"] == "feature"
    assert sorted(stated["_inferred"]) == ["category", "id"]
    assert "dependencies" not in stated  # not stated: the index keeps what it knows


def test_broken_settings_comment_falls_back_to_header_with_a_warning() -> None:
    text = "# SPEC-001: A\n\n**Spec ID:** spec-001-a\n\n<!-- smartspec: {nope} -->\n\n## 1. X\n"
    stated = spec_fields(text, "specs/feature/spec-001-a/spec.md", "specs")
    assert stated["id"] == "spec-001-a"
    assert "line 5: the smartspec settings comment is not valid JSON" in stated["_warning"]


def test_entry_from_spec() -> None:
    text = generated_spec("spec-001-a", "Alpha", depends_on=("spec-core-001-auth",))
    entry = entry_from_spec(text, spec_path("spec-001-a"))
    assert (entry.id, entry.title, entry.path, entry.dependencies) == (
        "spec-001-a", "Alpha", "specs/feature/spec-001-a/spec.md", ["spec-core-001-auth"])
    assert entry.sha256 is not None and len(entry.sha256) == 64


# --------------------------------------------------------------------------------------------
# Building from the tree, incrementally


def make_tree(root: Path) -> None:
    write_spec(root, spec_path("spec-core-001-auth", "core"),
               generated_spec("spec-core-001-auth", "Auth", category="core"))
    write_spec(root, spec_path("spec-001-a"),
               generated_spec("spec-001-a", "Alpha", depends_on=("spec-core-001-auth",)))
    write_spec(root, spec_path("spec-002-b"),
               generated_spec("spec-002-b", "Beta", depends_on=("spec-001-a",)))


def build(root: Path, previous: SpecIndex | None = None, *, repo: str | None = None
          ) -> SpecIndex:
    return build_index(root, root / "specs", previous, root / ".smartspec" / "cache.json",
                       repo=repo, now_ns=NOW_NS)


def save_cache(root: Path, index: SpecIndex) -> None:
    assert index.scan is not None
    path = root / ".smartspec" / "cache.json"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(index.scan.cache))


def test_full_build(tmp_path: Path) -> None:
    make_tree(tmp_path)
    index = build(tmp_path)
    assert index.scan is not None
    assert (index.scan.found, index.scan.read, index.scan.parsed) == (3, 3, 3)
    assert index.scan.added == ["spec-001-a", "spec-002-b", "spec-core-001-auth"]
    assert index.entries["spec-core-001-auth"].dependents == ["spec-001-a"]
    assert index.entries["spec-001-a"].dependents == ["spec-002-b"]
    assert index.entries["spec-001-a"].path == "specs/feature/spec-001-a/spec.md"
    assert index.shape == "new"


def test_incremental_build_reads_only_what_changed(tmp_path: Path) -> None:
    make_tree(tmp_path)
    first = build(tmp_path)
    save_cache(tmp_path, first)
    second = build(tmp_path, first)
    assert second.scan is not None
    assert (second.scan.read, second.scan.parsed, second.scan.unchanged) == (0, 0, 3)
    assert dump_index(second) == dump_index(first)
    save_cache(tmp_path, second)

    write_spec(tmp_path, spec_path("spec-002-b"),
               generated_spec("spec-002-b", "Beta Two", depends_on=("spec-001-a",)),
               mtime_ns=MTIME_NS + 10**9)
    third = build(tmp_path, second)
    assert third.scan is not None
    assert (third.scan.read, third.scan.parsed) == (1, 1)
    assert third.scan.changed == ["spec-002-b"]
    assert third.entries["spec-002-b"].title == "Beta Two"
    # the same result as a build from nothing
    assert dump_index(third) == dump_index(build_index(
        tmp_path, tmp_path / "specs", second, None, now_ns=NOW_NS))


def test_touched_but_unchanged_file_is_hashed_not_parsed(tmp_path: Path) -> None:
    make_tree(tmp_path)
    first = build(tmp_path)
    save_cache(tmp_path, first)
    path = tmp_path / spec_path("spec-001-a")
    os.utime(path, ns=(MTIME_NS + 5 * 10**9, MTIME_NS + 5 * 10**9))
    second = build(tmp_path, first)
    assert second.scan is not None
    assert (second.scan.read, second.scan.parsed, second.scan.changed) == (1, 0, [])


def test_racily_clean_files_are_hashed_again_next_time(tmp_path: Path) -> None:
    make_tree(tmp_path)
    first = build_index(tmp_path, tmp_path / "specs", None, None, now_ns=MTIME_NS + 10**9)
    assert first.scan is not None
    assert all(record[1] == -1 for record in first.scan.cache["files"].values())
    save_cache(tmp_path, first)
    second = build(tmp_path, first)
    assert second.scan is not None
    assert (second.scan.read, second.scan.parsed) == (3, 0)


def test_corrupt_cache_is_ignored(tmp_path: Path) -> None:
    make_tree(tmp_path)
    cache = tmp_path / ".smartspec" / "cache.json"
    cache.parent.mkdir()
    cache.write_text("{not json")
    index = build(tmp_path)
    assert index.scan is not None and index.scan.parsed == 3


def test_rebuild_keeps_hand_made_entries_and_drops_deleted_specs(tmp_path: Path) -> None:
    make_tree(tmp_path)
    previous = build(tmp_path)
    previous.entries["spec-001-a"].extra["owner"] = "team-a"
    previous.entries["spec-001-a"].created = "2025-01-01"
    previous.entries["spec-009-planned"] = IndexEntry("spec-009-planned", title="Planned")
    previous.entries["spec-010-elsewhere"] = IndexEntry(
        "spec-010-elsewhere", title="Elsewhere", repo="public",
        path="specs/feature/spec-010-elsewhere/spec.md")
    (tmp_path / spec_path("spec-002-b")).unlink()
    index = build(tmp_path, previous)
    assert index.scan is not None
    assert index.scan.removed == ["spec-002-b"]
    assert set(index.entries) == {"spec-001-a", "spec-core-001-auth", "spec-009-planned",
                                  "spec-010-elsewhere"}
    assert index.entries["spec-001-a"].extra == {"owner": "team-a"}
    # the spec states its created time: the spec wins where it speaks
    assert index.entries["spec-001-a"].created == "2026-11-27T17:00:00Z"


def test_moved_spec_keeps_its_unknown_fields(tmp_path: Path) -> None:
    make_tree(tmp_path)
    previous = build(tmp_path)
    previous.entries["spec-001-a"].extra["owner"] = "team-a"
    old = tmp_path / spec_path("spec-001-a")
    write_spec(tmp_path, "specs/feature/alpha/spec.md", old.read_text())
    old.unlink()
    index = build(tmp_path, previous)
    entry = index.entries["spec-001-a"]
    assert entry.path == "specs/feature/alpha/spec.md"
    assert entry.extra == {"owner": "team-a"}
    assert index.scan is not None and index.scan.removed == []


def test_hand_written_spec_keeps_index_dependencies_it_does_not_state(tmp_path: Path) -> None:
    write_spec(tmp_path, "specs/feature/spec-003-c/spec.md", "# SPEC-003: C\n\n## 1. X\n")
    previous = SpecIndex(entries={"spec-003-c": IndexEntry(
        "spec-003-c", title="C", dependencies=["spec-001-a"], repo="public",
        path="specs/feature/spec-003-c/spec.md")})
    entry = build(tmp_path, previous).entries["spec-003-c"]
    assert (entry.dependencies, entry.repo, entry.category) == (["spec-001-a"], "public",
                                                                "feature")


def test_default_repo_fills_specs_that_state_none(tmp_path: Path) -> None:
    write_spec(tmp_path, "specs/feature/spec-003-c/spec.md", "# SPEC-003: C\n")
    entry = build(tmp_path, repo="acme-private").entries["spec-003-c"]
    assert entry.repo == "acme-private"


def test_two_files_with_one_id_are_both_kept(tmp_path: Path) -> None:
    text = generated_spec("spec-001-a", "Alpha")
    write_spec(tmp_path, "specs/feature/spec-001-a/spec.md", text)
    write_spec(tmp_path, "specs/feature/copy/spec.md", text)
    index = build(tmp_path)
    assert index.entries["spec-001-a"].path == "specs/feature/copy/spec.md"
    assert [d.path for d in index.duplicates] == ["specs/feature/spec-001-a/spec.md"]


def test_hidden_folders_and_other_files_are_not_indexed(tmp_path: Path) -> None:
    make_tree(tmp_path)
    write_spec(tmp_path, "specs/.trash/spec-005-e/spec.md", generated_spec("spec-005-e", "E"))
    write_spec(tmp_path, "specs/feature/spec-006-f/spec.md.md", generated_spec("spec-006-f", "F"))
    write_spec(tmp_path, "specs/feature/spec-006-f/notes.md", "# notes\n")
    assert set(build(tmp_path).entries) == {"spec-001-a", "spec-002-b", "spec-core-001-auth"}


def test_links_to_files_outside_the_root_are_skipped(tmp_path: Path) -> None:
    root = tmp_path / "project"
    make_tree(root)
    outside = write_spec(tmp_path, "elsewhere/spec.md", generated_spec("spec-009-out", "Out"))
    inside = root / spec_path("spec-001-a")
    (root / "specs/feature/spec-009-out").mkdir()
    (root / "specs/feature/spec-009-out/spec.md").symlink_to(outside)
    (root / "specs/feature/spec-010-alias").mkdir()
    (root / "specs/feature/spec-010-alias/spec.md").symlink_to(inside)
    index = build(root)
    assert index.scan is not None
    assert index.scan.warnings == ["specs/feature/spec-009-out/spec.md: a link to a file "
                                   "outside the project root; skipped"]
    assert "spec-009-out" not in index.entries
    assert [d.path for d in index.duplicates] == ["specs/feature/spec-010-alias/spec.md"]


def test_non_utf8_spec_is_a_document_error(tmp_path: Path) -> None:
    path = tmp_path / "specs/feature/spec-001-a/spec.md"
    path.parent.mkdir(parents=True)
    path.write_bytes(b"# SPEC-001: \xff\xfe\n")
    with pytest.raises(DocumentError, match=r"spec-001-a/spec.md: line 1: byte 0xff is not "
                                            r"UTF-8; expected a UTF-8 Markdown spec"):
        build(tmp_path)


def age_tree(root: Path) -> None:
    """Give every folder under specs/ an old mtime, so that its cached listing is trusted."""
    for folder in [root / "specs", *(p for p in (root / "specs").rglob("*") if p.is_dir())]:
        os.utime(folder, ns=(MTIME_NS, MTIME_NS))


def test_unchanged_folders_are_not_listed_again(tmp_path: Path,
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    make_tree(tmp_path)
    age_tree(tmp_path)
    first = build(tmp_path)
    save_cache(tmp_path, first)
    listed: list[str] = []
    real_scandir = os.scandir

    def counting_scandir(path: str) -> object:
        listed.append(path)
        return real_scandir(path)

    monkeypatch.setattr(os, "scandir", counting_scandir)
    second = build(tmp_path, first)
    assert listed == []
    assert set(second.entries) == set(first.entries)
    # a new spec folder changes its parent's mtime: that folder and the new one are listed
    write_spec(tmp_path, spec_path("spec-003-gamma"), generated_spec("spec-003-gamma", "Gamma"))
    os.utime(tmp_path / "specs/feature", ns=(MTIME_NS + 10**9, MTIME_NS + 10**9))
    os.utime(tmp_path / "specs/feature/spec-003-gamma", ns=(MTIME_NS, MTIME_NS))
    save_cache(tmp_path, second)
    third = build(tmp_path, second)
    assert sorted(Path(p).name for p in listed) == ["feature", "spec-003-gamma"]
    assert third.scan is not None and third.scan.added == ["spec-003-gamma"]


def test_trusted_index_reuses_entries_and_equals_a_full_build(tmp_path: Path) -> None:
    make_tree(tmp_path)
    age_tree(tmp_path)
    state = tmp_path / ".smartspec"
    refresh_index(tmp_path, state, tmp_path / "specs", now_ns=NOW_NS)
    write_spec(tmp_path, spec_path("spec-002-b"),
               generated_spec("spec-002-b", "Beta Two", depends_on=("spec-core-001-auth",)),
               mtime_ns=MTIME_NS + 10**9)
    result = refresh_index(tmp_path, state, tmp_path / "specs", now_ns=NOW_NS)
    scan = result.index.scan
    assert scan is not None
    assert (scan.read, scan.parsed, scan.changed) == (1, 1, ["spec-002-b"])
    assert result.index.entries["spec-core-001-auth"].dependents == ["spec-001-a", "spec-002-b"]
    fresh = build_index(tmp_path, tmp_path / "specs", None, None, now_ns=NOW_NS)
    assert result.new_text == dump_index(fresh)


def test_a_hand_edit_of_the_index_is_undone_by_the_next_build(tmp_path: Path) -> None:
    make_tree(tmp_path)
    age_tree(tmp_path)
    state = tmp_path / ".smartspec"
    first = refresh_index(tmp_path, state, tmp_path / "specs", now_ns=NOW_NS)
    data = json.loads(first.new_text)
    data["specs"][0]["title"] = "Edited by hand"
    Path(first.path).write_text(json.dumps(data, indent=2))
    again = refresh_index(tmp_path, state, tmp_path / "specs", now_ns=NOW_NS)
    assert again.index.scan is not None
    assert (again.index.scan.read, again.index.scan.changed) == (0, ["spec-001-a"])
    assert again.new_text == first.new_text


@pytest.mark.parametrize("name", ["reference", "v5", "legacy", "folder-paths"])
def test_plain_and_careful_parsing_agree(name: str) -> None:
    raw = (DATA / f"{name}.expected.json").read_bytes()
    plain = _parse_plain_v1(raw, None)
    careful = _parse_any(raw, None, "x")
    if name in ("reference", "folder-paths"):  # no unknown keys: the fast path applies
        assert plain is not None
    else:  # unknown keys (project, owner, tags, ...) take the careful path
        assert plain is None
    assert plain is None or dump_index(plain) == dump_index(careful)


@pytest.mark.parametrize("change", [
    {"status": "DRAFT"}, {"path": "./specs/x/spec.md"}, {"path": "specs/x"},
    {"dependencies": [" spec-001-a"]}, {"dependencies": ["spec-001-a", "spec-001-a"]},
    {"domains": [""]}, {"id": " spec-002-b"}, {"owner": "team-a"},
])
def test_entries_that_need_clean_up_take_the_careful_path(change: dict[str, object]) -> None:
    entry: dict[str, object] = {"id": "spec-002-b", "path": "specs/feature/spec-002-b/spec.md",
                                "status": "draft", "dependencies": ["spec-001-a"],
                                "domains": ["fintech"]}
    raw = json.dumps({"schema": 1, "specs": [{**entry, **change}]}).encode()
    assert _parse_plain_v1(raw, None) is None
    parsed = parse_index(raw).entries["spec-002-b"]
    assert parsed.status == "draft"
    assert parsed.path is not None and parsed.path.endswith("/spec.md")
    assert parsed.dependencies in (["spec-001-a"], [])
    assert "" not in parsed.domains


# --------------------------------------------------------------------------------------------
# refresh_index: the whole `smartspec index` under the lock


def test_refresh_creates_then_keeps_the_index(tmp_path: Path) -> None:
    make_tree(tmp_path)
    state = tmp_path / ".smartspec"
    result = refresh_index(tmp_path, state, tmp_path / "specs", now_ns=NOW_NS)
    assert result.found is None
    assert result.path == str(state.resolve() / "SPEC_INDEX.json")
    assert result.written == [result.path]
    assert (state / "index" / "manifest.json").is_file()
    assert sorted(p.name for p in (state / "index" / "entries").iterdir()) == [
        "spec-001-a.json", "spec-002-b.json", "spec-core-001-auth.json"]
    assert load_index(result.path).entries.keys() == {"spec-001-a", "spec-002-b",
                                                      "spec-core-001-auth"}
    again = refresh_index(tmp_path, state, tmp_path / "specs", now_ns=NOW_NS)
    assert again.found == result.path
    assert again.written == [] and not again.changed
    assert again.index.scan is not None and again.index.scan.read == 0


def test_refresh_migrates_in_place_and_dry_run_writes_nothing(tmp_path: Path) -> None:
    make_tree(tmp_path)
    legacy = tmp_path / "specs" / "SPEC_INDEX.json"
    legacy.write_text((DATA / "legacy.json").read_text())
    before = legacy.read_bytes()
    dry = refresh_index(tmp_path, tmp_path / ".smartspec", tmp_path / "specs", dry_run=True,
                        now_ns=NOW_NS, migrate=True)
    assert dry.found == str(legacy.resolve()) and dry.index.shape == "legacy"
    assert dry.written == [] and legacy.read_bytes() == before
    assert not (tmp_path / ".smartspec").exists() or not any((tmp_path / ".smartspec").iterdir())
    diff = dry.diff(tmp_path)
    assert diff.startswith("--- a/specs/SPEC_INDEX.json\n+++ b/specs/SPEC_INDEX.json\n")
    assert '-  "total_specs": 3,' in diff and '+  "schema": 1,' in diff
    done = refresh_index(tmp_path, tmp_path / ".smartspec", tmp_path / "specs", now_ns=NOW_NS,
                         migrate=True)
    assert done.written == [str(legacy.resolve())]
    data = json.loads(legacy.read_text())
    assert data["schema"] == 1 and data["generated_by"] == "spec-indexer 0.3"
    assert {s["id"] for s in data["specs"]} >= {"spec-001-a", "spec-infrastructure-001-message-queue"}


def test_refresh_refuses_a_corrupt_index_and_changes_nothing(tmp_path: Path) -> None:
    make_tree(tmp_path)
    index_file = tmp_path / ".smartspec" / "SPEC_INDEX.json"
    index_file.parent.mkdir()
    index_file.write_text('{"schema": 1, "specs": [')
    with pytest.raises(DocumentError, match=r"line 1, column 25: invalid JSON"):
        refresh_index(tmp_path, tmp_path / ".smartspec", tmp_path / "specs", now_ns=NOW_NS)
    assert index_file.read_text() == '{"schema": 1, "specs": ['
    assert sorted(p.name for p in index_file.parent.iterdir()) == ["SPEC_INDEX.json"]


def test_refresh_refuses_paths_outside_the_root(tmp_path: Path) -> None:
    root = tmp_path / "project"
    make_tree(root)
    with pytest.raises(WorkspaceError, match="outside the project root"):
        refresh_index(root, root / ".smartspec", tmp_path)
    with pytest.raises(WorkspaceError, match="outside the project root"):
        refresh_index(root, root / ".smartspec", root / "specs", specindex="../SPEC_INDEX.json")
    with pytest.raises(UsageError, match="specs dir 'nope' does not exist"):
        refresh_index(root, root / ".smartspec", root / "nope")


# --------------------------------------------------------------------------------------------
# Graph rendering


def graph_index() -> SpecIndex:
    return parse_index(json.dumps({"schema": 1, "specs": [
        {"id": "spec-core-001-auth", "title": 'Auth "core" <v2> #1'},
        {"id": "spec-001-a", "title": "Alpha", "dependencies": ["spec-core-001-auth"]},
        {"id": "spec-002-b", "title": "Beta", "dependencies": ["spec-001-a", "spec-404-x"]},
        {"id": "spec-003-c", "title": "Gamma"},
    ]}))


def test_mermaid_graph() -> None:
    assert render_graph(graph_index(), "mermaid") == (
        "flowchart LR\n"
        '    n_spec_001_a["spec-001-a<br/>Alpha"]\n'
        '    n_spec_002_b["spec-002-b<br/>Beta"]\n'
        '    n_spec_003_c["spec-003-c<br/>Gamma"]\n'
        '    n_spec_404_x["spec-404-x<br/>not in the index"]\n'
        '    n_spec_core_001_auth["spec-core-001-auth<br/>Auth #quot;core#quot; #lt;v2#gt; '
        '#35;1"]\n'
        "    n_spec_001_a --> n_spec_core_001_auth\n"
        "    n_spec_002_b --> n_spec_001_a\n"
        "    n_spec_002_b -.-> n_spec_404_x\n"
        "    classDef missing stroke-dasharray: 5 5\n"
        "    class n_spec_404_x missing\n"
    )


def test_dot_graph_focused_on_one_spec() -> None:
    assert render_graph(graph_index(), "dot", "spec-001-a") == (
        "digraph specs {\n"
        "    rankdir=LR;\n"
        "    node [shape=box];\n"
        '    "spec-001-a" [label="spec-001-a\\nAlpha" penwidth=3];\n'
        '    "spec-002-b" [label="spec-002-b\\nBeta"];\n'
        '    "spec-core-001-auth" [label="spec-core-001-auth\\nAuth \\"core\\" <v2> #1"];\n'
        '    "spec-001-a" -> "spec-core-001-auth";\n'
        '    "spec-002-b" -> "spec-001-a";\n'
        "}\n"
    )


def test_graph_focus_must_exist() -> None:
    with pytest.raises(UsageError, match=r"--spec: 'spec-001-aa' is not in the index \(did you "
                                         r"mean spec-001-a\?\)"):
        render_graph(graph_index(), "mermaid", "spec-001-aa")


def test_mermaid_node_names_never_collide() -> None:
    index = parse_index('{"specs": [{"id": "a-b"}, {"id": "a_b"}]}')
    text = render_graph(index, "mermaid")
    assert 'n_a_b["a-b"]' in text and 'n_a_b_2["a_b"]' in text


def test_upsert_drops_the_entry_of_the_same_file_under_an_old_id() -> None:
    from smartspec.index import IndexEntry, SpecIndex, upsert_entry

    index = SpecIndex()
    path = "specs/feature/spec-001-a/spec.md"
    upsert_entry(index, IndexEntry(id="spec-001-a", path=path, sha256="1" * 64))
    upsert_entry(index, IndexEntry(id="spec-009-a", path=path, sha256="2" * 64))
    assert list(index.entries) == ["spec-009-a"]
    # A placeholder (never indexed from a file) is not touched.
    upsert_entry(index, IndexEntry(id="spec-010-b", path="specs/x/spec.md"))
    upsert_entry(index, IndexEntry(id="spec-011-b", path="specs/x/spec.md", sha256="3" * 64))
    assert "spec-010-b" in index.entries


def test_v5_domain_and_timestamps_are_read_as_the_schema_s_keys() -> None:
    index = parse_index(json.dumps({"version": "5.0", "specs": [
        {"id": "spec-001-pay", "path": "specs/feature/spec-001-pay", "domain": "fintech",
         "created_at": "2025-01-01", "updated_at": "2025-02-01"},
        {"id": "spec-002-both", "domains": ["saas"], "domain": "fintech"}]}))
    pay, both = index.entries["spec-001-pay"], index.entries["spec-002-both"]
    assert pay.domains == ["fintech"] and pay.created == "2025-01-01"
    assert pay.updated == "2025-02-01" and pay.extra == {}
    # Both spellings: the schema's key wins and the other is kept as it was.
    assert both.domains == ["saas"] and both.extra == {"domain": "fintech"}


@pytest.mark.parametrize("line", ["Spec ID: **SSP-GEN-002**", "**Spec ID**: SSP-GEN-002",
                                  "- **Spec ID:** `SSP-GEN-002`"])
def test_the_spec_id_line_is_read_in_any_bold_form(line: str) -> None:
    fields = spec_fields(f"# Generator\n\n{line}\n\n## Overview\n\nText.\n",
                         "docs/gen/spec.md")
    assert fields["id"] == "SSP-GEN-002"
