"""The text smartspec writes for an index (schema 1, or the shape it was found in) and the
JSON Schema of that file."""

from __future__ import annotations

import sys

from smartspec.index.model import (
    INDEX_SCHEMA_VERSION,
    KEY_ALIASES,
    IndexEntry,
    SpecIndex,
    compute_metadata,
    recompute_dependents,
)
from smartspec.jsontext import dumps as indented
from smartspec.markers import escape_line_breaks
from smartspec.registry import same_bytes_from_stdlib as same_bytes_from_stdlib

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

# Up to this many specs the standard library's indenting encoder (pure Python, about 25 MB/s)
# writes the index in less time than importing msgspec takes (5 ms and more: it brings
# typing_extensions, inspect, uuid and decimal); a larger index goes to msgspec's encoder,
# many times faster per byte. Both write the same bytes (``same_bytes_from_stdlib``).
_STDLIB_ENCODER_SPECS = 100


def dump_index(index: SpecIndex) -> str:
    """The file text: schema 1, sorted keys, entries by id, dependents and metadata recomputed,
    two-space indent and a trailing newline."""
    recompute_dependents(index)
    ordered = sorted(index.all_entries(), key=lambda e: (e.id, e.path or ""))
    document: dict[str, Any] = dict(index.extra)
    document["schema"] = INDEX_SCHEMA_VERSION
    document["metadata"] = {**index.metadata_extra, **compute_metadata(ordered)}
    document["specs"] = [entry.to_json() for entry in ordered]

    stdlib = (len(ordered) <= _STDLIB_ENCODER_SPECS and "msgspec" not in sys.modules
              and same_bytes_from_stdlib(document))
    return index_text(document, stdlib=stdlib)


def index_text(document: dict[str, Any], *, stdlib: bool) -> str:
    """``document`` as the index file's text (sorted keys, two-space indent, line-breaking
    characters escaped, a trailing newline), from the standard library's encoder or msgspec's."""
    if stdlib:
        # json.dumps's bytes, from jsontext: with an indent json runs its pure-Python encoder.
        text = indented(document, sort_keys=True, ensure_ascii=False)
        if "\x85" in text or "\u2028" in text or "\u2029" in text:
            text = escape_line_breaks(text)
        return text + "\n"
    import msgspec

    return one_line(msgspec.json.format(msgspec.json.encode(document, order="sorted"),
                                         indent=2)) + "\n"


def one_line(encoded: bytes) -> str:
    """JSON bytes as text in which a title with U+2028 stays one line for every line splitter
    (the value is the same). The characters are looked for in the bytes first: they are rare,
    and a regular expression over a whole index costs more than the rest of the encoding."""
    if b"\xc2\x85" in encoded or b"\xe2\x80\xa8" in encoded or b"\xe2\x80\xa9" in encoded:
        return escape_line_breaks(encoded.decode("utf-8"))
    return encoded.decode("utf-8")


def dump_as_found(index: SpecIndex) -> str:
    """The file text in the shape the index was read in: another tool's (or an earlier
    smartspec's) file keeps its top-level keys, ``version`` included, its entry keys and their
    spellings, and its counts (recomputed); smartspec's own fields are added to an entry only
    where they have a value. Schema 1 and new indexes are written as ``dump_index`` writes them.
    ``index --migrate`` asks for schema 1 instead."""

    if index.raw is None or not index.migrated:
        return dump_index(index)
    recompute_dependents(index)
    document = dict(index.raw)
    entries = index.all_entries()
    order = {spec_id: n for n, spec_id in enumerate(index.raw_entries)}
    entries.sort(key=lambda e: (order.get(e.id, len(order)), e.id, e.path or ""))
    written = [_entry_as_found(e, index.raw_entries.get(e.id)) for e in entries]
    if isinstance(index.raw.get("specs"), dict):
        document["specs"] = {item.pop("id"): item for item in written}
    else:
        document["specs"] = written
    counts = compute_metadata(entries)
    if "total_specs" in document:
        document["total_specs"] = counts["total"]
    for repo in ("public", "private"):
        if f"{repo}_specs_count" in document:
            document[f"{repo}_specs_count"] = counts["by_repo"].get(repo, 0)
    metadata = document.get("metadata")
    if isinstance(metadata, dict):
        metadata = dict(metadata)
        for key, value in (("total_specs", counts["total"]), ("total", counts["total"]),
                           ("by_status", counts["by_status"]), ("by_repo", counts["by_repo"]),
                           ("by_category", counts["by_category"])):
            if key in metadata:
                metadata[key] = value
        document["metadata"] = metadata
    return indented(document, ensure_ascii=False) + "\n"


def _entry_as_found(entry: IndexEntry, raw: dict[str, Any] | None) -> dict[str, Any]:
    """One entry in its file's own spelling: what reads the same as the file says (a folder
    path, an upper-case status, a category guessed from the id) stays as written; changed
    values are written, and a new entry gets the fields that have a value."""
    out: dict[str, Any] = dict(raw) if raw is not None else {}
    baseline: dict[str, Any] = {}
    spelled: dict[str, str] = {}
    if raw is not None:
        # The reader of old entry shapes: an index written as found was read by it already.
        from smartspec.index.migrate import read_entry

        baseline = read_entry(raw, "specs", None, "SPEC_INDEX.json", True).to_json()
        spelled = {known: other for other, known in KEY_ALIASES.items()
                   if other in raw and known not in raw}
    for key, value in entry.to_json().items():
        name = spelled.get(key, key)
        had = raw is not None and name in raw
        if key == "dependents" and not had:
            continue
        if raw is not None and baseline.get(key) == value:
            continue
        if not had and (value is None or value == []):
            continue
        out[name] = value
    return {"id": entry.id, **out}


# --------------------------------------------------------------------------------------------
# The JSON Schema of the file


def index_json_schema() -> dict[str, Any]:
    """JSON Schema (draft 2020-12) of the SPEC_INDEX.json smartspec writes (schema 1).

    smartspec always writes every key listed here (null or [] when unknown); readers accept
    files that leave them out. Other keys are allowed and kept.
    """
    nullable = {"type": ["string", "null"]}
    strings = {"type": "array", "items": {"type": "string"}}
    counts = {"type": "object", "additionalProperties": {"type": "integer", "minimum": 0}}
    entry_properties: dict[str, Any] = {
        "id": {"type": "string", "minLength": 1,
               "description": "spec-NNN-<slug> (feature) or spec-<category>-NNN-<slug>"},
        "title": {**nullable, "description": "the spec's title, without 'SPEC-NNN: '"},
        "path": {**nullable, "description": "the spec file relative to the project root; "
                                            "null for a planned spec with no file yet"},
        "repo": {**nullable, "description": "the repository the spec lives in"},
        "category": {**nullable, "description": "core, feature, infrastructure, ..."},
        "status": {**nullable, "description": "lower case: draft, review, approved, ..."},
        "version": nullable,
        "profile": nullable,
        "domains": strings,
        "dependencies": {**strings, "description": "ids this spec depends on"},
        "dependents": {**strings, "description": "ids that depend on this spec (derived)"},
        "created": nullable,
        "updated": nullable,
        "sha256": {**nullable, "description": "hash of the spec file's bytes when indexed"},
    }
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": f"urn:smartspec:spec-index:{INDEX_SCHEMA_VERSION}",
        "title": "SPEC_INDEX.json",
        "description": "The index of all specs of a project, written by `smartspec index`.",
        "type": "object",
        "required": ["schema", "specs"],
        "properties": {
            "schema": {"const": INDEX_SCHEMA_VERSION},
            "metadata": {
                "type": "object",
                "description": "counts recomputed on every write",
                "properties": {"total": {"type": "integer", "minimum": 0},
                               "by_status": counts, "by_category": counts, "by_repo": counts},
            },
            "specs": {
                "type": "array",
                "description": "one entry per spec, ordered by id",
                "items": {"type": "object", "required": ["id"],
                          "properties": entry_properties},
            },
        },
    }
