"""An incremental rebuild that edits the index text in place: when the only change since the
last build is the content of a few spec files whose ids and paths are unchanged, their entry
blocks (and the blocks whose ``dependents`` they change, and the counts in ``metadata``) are
re-encoded and put back where they were, and the rest of the text is kept byte for byte.

It applies only to the text ``dump_index`` wrote (schema 1, sorted keys, two-space indent),
which the caller has checked by its identity; anything else (an added, removed or moved spec,
a new id, duplicate ids, an index of an earlier shape) returns None and the caller rebuilds
the whole index. The result is the text ``dump_index`` would write for the merged index.
"""

from __future__ import annotations

import json

from smartspec.index.extract import merge_entry, public_fields
from smartspec.index.model import LIST_FIELDS, STRING_FIELDS, IndexEntry, ScanReport

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Collection
    from typing import Any

_ENTRY_START = "\n    {\n"
_ENTRY_END = "\n    }"
_METADATA = '\n  "metadata": {'
_METADATA_END = "\n  }"


def splice(text: str, changes: list[tuple[str, dict[str, Any], str]], known: Collection[str],
           scan: ScanReport, *, repo: str | None) -> str | None:
    """The index text with each changed spec's entry merged from what its file states.

    ``changes`` lists ``(rel path, stated fields, sha256)`` of files whose content changed;
    ``known`` holds every id of the index. Records the ids whose entries changed in
    ``scan.changed``; None when the change is not one this can apply.
    """
    edits: dict[str, tuple[int, int, IndexEntry]] = {}  # id -> span, entry
    counts: list[tuple[IndexEntry, IndexEntry]] = []
    touched: dict[str, tuple[set[str], set[str]]] = {}  # id -> dependents added, removed
    for rel, stated, digest in changes:
        spec_id = stated.get("id")
        if not isinstance(spec_id, str) or spec_id in edits:
            return None
        found = _find_entry(text, spec_id)
        if found is None:
            return None
        start, end = found
        base = _entry_from_json(json.loads(text[start:end]))
        if base is None or base.path != rel or base.id != spec_id:
            return None
        path_line = f'\n      "path": {json.dumps(rel, ensure_ascii=False)},\n'
        if text.count(path_line) != 1:
            return None  # two entries name this file: the full build decides which one it is
        if base.repo is None and repo:
            return None  # the full build fills the repository in; keep its rules in one place
        entry = merge_entry(base, public_fields(stated), rel, digest)
        if entry.repo is None and repo:
            entry.repo = repo
        if entry.key() == base.key():
            continue
        scan.changed.append(spec_id)
        edits[spec_id] = (start, end, entry)
        counts.append((base, entry))
        old_deps = {d for d in base.dependencies if d != spec_id and d in known}
        new_deps = {d for d in entry.dependencies if d != spec_id and d in known}
        for other in new_deps - old_deps:
            touched.setdefault(other, (set(), set()))[0].add(spec_id)
        for other in old_deps - new_deps:
            touched.setdefault(other, (set(), set()))[1].add(spec_id)
    for other, (added, removed) in touched.items():
        if other in edits:
            entry = edits[other][2]
        else:
            found = _find_entry(text, other)
            if found is None:
                return None
            parsed = _entry_from_json(json.loads(text[found[0]:found[1]]))
            if parsed is None:
                return None
            entry = parsed
            edits[other] = (found[0], found[1], entry)
        entry.dependents = sorted((set(entry.dependents) - removed) | added)
    pieces: list[tuple[int, int, str]] = [
        (start, end, _encode(entry.to_json(), "    ")) for start, end, entry in edits.values()]
    if counts:
        metadata = _metadata(text, counts)
        if metadata is None:
            return None
        pieces.append(metadata)
    pieces.sort()
    out: list[str] = []
    at = 0
    for start, end, piece in pieces:
        out.append(text[at:start])
        out.append(piece)
        at = end
    out.append(text[at:])
    scan.changed.sort()
    return "".join(out)


def _find_entry(text: str, spec_id: str) -> tuple[int, int] | None:
    """The span of the entry block whose id is ``spec_id`` (from its ``{`` to its ``}``).
    Keys of an entry sit at six spaces, deeper values at eight or more, and a string never
    holds a raw line break, so the id line is found exactly; it must be found once."""
    marker = f'\n      "id": {json.dumps(spec_id, ensure_ascii=False)},\n'
    at = text.find(marker)
    if at < 0 or text.find(marker, at + 1) >= 0:
        return None
    start = text.rfind(_ENTRY_START, 0, at)
    end = text.find(_ENTRY_END, at)
    if start < 0 or end < 0:
        return None
    return start + len("\n    "), end + len(_ENTRY_END)


def _entry_from_json(data: Any) -> IndexEntry | None:
    """An entry as ``dump_index`` wrote it (every known key present), unknown keys kept."""
    if not isinstance(data, dict) or not isinstance(data.get("id"), str):
        return None
    entry = IndexEntry(data.pop("id"))
    for name in STRING_FIELDS:
        value = data.pop(name, None)
        if value is not None and not isinstance(value, str):
            return None
        setattr(entry, name, value)
    for name in LIST_FIELDS:
        value = data.pop(name, [])
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            return None
        setattr(entry, name, value)
    entry.extra = data
    return entry


def _metadata(text: str, counts: list[tuple[IndexEntry, IndexEntry]]
              ) -> tuple[int, int, str] | None:
    """The ``metadata`` object with the counts by status, category and repository moved from
    each old entry's values to its new ones (a name whose count falls to 0 goes, as
    ``compute_metadata`` would never list it)."""
    at = text.find(_METADATA)
    end = text.find(_METADATA_END, at) if at >= 0 else -1
    if at < 0 or end < 0:
        return None
    start = at + len(_METADATA) - 1
    stop = end + len(_METADATA_END)
    metadata = json.loads(text[start:stop])
    if not isinstance(metadata, dict):
        return None
    for key, name in (("by_status", "status"), ("by_category", "category"), ("by_repo", "repo")):
        table = metadata.get(key)
        if not isinstance(table, dict):
            return None
        for old, new in counts:
            before = getattr(old, name) or "unknown"
            after = getattr(new, name) or "unknown"
            if before == after:
                continue
            if not isinstance(table.get(before), int) or table[before] < 1:
                return None
            table[before] -= 1
            if table[before] == 0:
                del table[before]
            table[after] = table.get(after, 0) + 1
    return start, stop, _encode(metadata, "  ")


def _encode(value: dict[str, Any], indent: str) -> str:
    """``value`` as ``dump_index`` writes it at this depth: sorted keys, two-space indent (by
    the standard library's encoder when it writes msgspec's bytes, as it does for any value
    without a float: an edit of a few entries need not import msgspec)."""
    from smartspec.index.schema import index_text, same_bytes_from_stdlib

    text = index_text(value, stdlib=same_bytes_from_stdlib(value))
    return text[:-1].replace("\n", "\n" + indent)
