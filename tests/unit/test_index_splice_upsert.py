"""``splice_upsert`` writes, for the entry a new, edit, restore or adopt records, exactly the
text ``dump_index`` writes for the index after ``upsert_entry``, or declines (None); and
``IndexText`` answers a run's questions about an index as the whole parsed index does."""

from __future__ import annotations

import json
from pathlib import Path

from hypothesis import example, given, settings
from hypothesis import strategies as st

from smartspec.index.migrate import parse_index
from smartspec.index.model import IndexEntry, SpecIndex, add_entry, upsert_entry
from smartspec.index.schema import dump_index
from smartspec.index.splice import IndexText, splice_upsert

IDS = ["spec-001-a", "spec-002-b", "spec-003-c", "spec-core-001-auth", "spec-tools-001-cli",
       "spec-010-z", "spec-000-first"]
NAMES = st.sampled_from([None, "draft", "approved", "core", "feature", "x", "mono", "Ünï\u2028"])


def entries(ids: list[str]) -> st.SearchStrategy[IndexEntry]:
    return st.builds(
        IndexEntry, st.sampled_from(ids), title=st.sampled_from([None, "Alpha", "Beta \u2028 x"]),
        path=st.sampled_from([None, *(f"specs/feature/{i}/spec.md" for i in IDS[:4])]),
        repo=NAMES, category=NAMES, status=NAMES, version=st.sampled_from([None, "1.0.0"]),
        domains=st.lists(st.sampled_from(["fintech", "iot"]), unique=True, max_size=2),
        dependencies=st.lists(st.sampled_from([*IDS, "spec-404-gone"]), unique=True, max_size=3),
        created=st.sampled_from([None, "2026-11-01"]), updated=st.sampled_from([None, "2026-12-01"]),
        sha256=st.sampled_from([None, "ab" * 32]),
        extra=st.sampled_from([None, {"owner": "team-a"}, {"weight": 2}]))


def indexes() -> st.SearchStrategy[SpecIndex]:
    def build(items: list[IndexEntry]) -> SpecIndex:
        index = SpecIndex()
        for item in items:
            add_entry(index, item)
        return index

    return st.lists(entries(IDS[:5]), min_size=1, max_size=6).map(build)


@settings(max_examples=500, deadline=None)
@given(indexes(), entries(IDS))
@example(SpecIndex(entries={"spec-001-a": IndexEntry("spec-001-a", status="draft")}),
         IndexEntry("spec-002-b", status="draft", dependencies=["spec-001-a"]))
def test_splice_upsert_writes_what_a_whole_dump_writes(index: SpecIndex,
                                                       entry: IndexEntry) -> None:
    # An index as smartspec writes it: what its reader makes of the text, written again.
    text = dump_index(parse_index(dump_index(index)))
    whole = parse_index(text)
    known = {e.id for e in whole.all_entries()}
    spliced = splice_upsert(text, entry.copy(), known)
    upsert_entry(whole, entry.copy())
    if spliced is not None:
        assert spliced == dump_index(whole)


def test_splice_upsert_applies_to_the_usual_cases() -> None:
    index = SpecIndex()
    for n, spec_id in enumerate(["spec-001-a", "spec-003-c", "spec-core-001-auth"]):
        add_entry(index, IndexEntry(spec_id, f"T{n}", f"specs/x/{spec_id}/spec.md",
                                    category="feature", status="draft"))
    text = dump_index(index)
    known = set(index.entries)
    cases = [
        IndexEntry("spec-002-b", "New", "specs/x/spec-002-b/spec.md", category="feature",
                   status="draft", dependencies=["spec-core-001-auth"]),  # inserted between
        IndexEntry("spec-zz-009-last", "Last", "specs/x/last/spec.md", category="zz"),  # at the end
        IndexEntry("spec-001-a", "Renamed", "specs/x/spec-001-a/spec.md", status="approved",
                   dependencies=["spec-003-c"]),  # replaced
    ]
    for entry in cases:
        whole = parse_index(text)
        upsert_entry(whole, entry.copy())
        assert splice_upsert(text, entry, known) == dump_index(whole), entry.id


def test_splice_upsert_declines_what_only_the_whole_index_can_tell() -> None:
    index = SpecIndex()
    add_entry(index, IndexEntry("spec-001-a", path="specs/x/a/spec.md",
                                dependencies=["spec-009-planned"]))
    text = dump_index(index)
    # An entry already depends on the new id: its dependents come from the whole index.
    assert splice_upsert(text, IndexEntry("spec-009-planned"), {"spec-001-a"}) is None
    # Another entry names the same file.
    assert splice_upsert(text, IndexEntry("spec-002-b", path="specs/x/a/spec.md"),
                         {"spec-001-a"}) is None
    # Not dump_index's layout.
    assert splice_upsert(json.dumps(json.loads(text)), IndexEntry("spec-002-b"),
                         {"spec-001-a"}) is None


def test_index_text_answers_as_the_whole_index(tmp_path: Path) -> None:
    index = SpecIndex()
    for spec_id in ("spec-001-a", "spec-002-b", "spec-core-001-auth"):
        add_entry(index, IndexEntry(spec_id, spec_id.upper(), f"specs/x/{spec_id}/spec.md",
                                    dependencies=["spec-001-a"]))
    text = dump_index(index)
    view = IndexText(str(tmp_path / "SPEC_INDEX.json"), text, frozenset(index.entries))
    whole = parse_index(text)
    assert list(view.entries) == list(whole.entries)
    assert len(view.entries) == 3 and "spec-002-b" in view.entries
    assert "spec-404-x" not in view.entries and view.entries.get("spec-404-x") is None
    for spec_id in whole.entries:
        assert view.entries[spec_id] == whole.entries[spec_id]
