"""An incremental rebuild that edits the index text in place: when the only change since the
last build is the content of a few spec files whose ids and paths are unchanged, their entry
blocks (and the blocks whose ``dependents`` they change, and the counts in ``metadata``) are
re-encoded and put back where they were, and the rest of the text is kept byte for byte.

It applies only to the text ``dump_index`` wrote (schema 1, sorted keys, two-space indent),
which the caller has checked by its identity; anything else (an added, removed or moved spec,
a new id, duplicate ids, an index of an earlier shape) returns None and the caller rebuilds
the whole index. The result is the text ``dump_index`` would write for the merged index.

``splice_upsert`` does the same for the one entry a ``new``, ``edit``, ``restore`` or
``adopt`` writes (replaced, or inserted in id order), and ``IndexText`` reads such a text entry
by entry for those runs, so that their cost does not grow with the number of specs.
"""

from __future__ import annotations

import json

from smartspec.index.extract import merge_entry, public_fields
from smartspec.index.model import LIST_FIELDS, STRING_FIELDS, IndexEntry, ScanReport, SpecIndex

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Collection, Iterator, Sequence, ValuesView
    from typing import Any

_ENTRY_START = "\n    {\n"
_ENTRY_END = "\n    }"
_METADATA = '\n  "metadata": {'
_METADATA_END = "\n  }"
# What only ``dump_index``'s text has: schema 1, and the entries' array after it.
_SCHEMA_1 = '\n  "schema": 1,\n  "specs": [\n'
_SPECS_END = "\n  ]"


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
        base = _entry_from_json(_decoded(text[start:end]))
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
        if other not in edits:
            at = _entry_at(text, other)
            if at is None:
                return None
            edits[other] = at
        entry = edits[other][2]
        entry.dependents = sorted((set(entry.dependents) - removed) | added)
    pieces: list[tuple[int, int, str]] = [
        (start, end, _encode(entry.to_json(), "    ")) for start, end, entry in edits.values()]
    if counts:
        metadata = _metadata(text, counts)
        if metadata is None:
            return None
        pieces.append(metadata)
    scan.changed.sort()
    return _put(text, pieces)


def splice_upsert(text: str, entry: IndexEntry, known: Collection[str]) -> str | None:
    """The text ``dump_index`` writes for the index in ``text`` after ``upsert_entry(index,
    entry)``: the spec's entry replaced (keeping what the upsert keeps of the old one: its
    unknown fields, ``created``, and its values of fields the new one leaves unset) or
    inserted in id order; the dependents of the specs it depends on, and the counts in
    ``metadata``, changed with it; every other byte kept. ``text`` is ``dump_index``'s (the
    caller has checked it by its identity) and ``known`` holds every id of that index.

    None when only the whole index can tell: another entry names the same file (the upsert
    would drop it), a new id is already named somewhere in the text (an entry that depends
    on it would list it among its dependents), an empty index, or a layout not found as
    ``dump_index`` writes it."""
    spec_id = entry.id
    if not text.startswith("{\n") or text.count(_SCHEMA_1) != 1:
        return None
    entry = entry.copy()
    pieces: list[tuple[int, int, str]] = []
    edits: dict[str, tuple[int, int, IndexEntry]] = {}
    base: IndexEntry | None = None
    span = (0, 0)
    if spec_id in known:
        at = _entry_at(text, spec_id)
        if at is None:
            return None
        span, base = (at[0], at[1]), at[2]
        entry.extra = {**base.extra, **entry.extra}
        entry.created = base.created or entry.created
        for name in STRING_FIELDS:
            if getattr(entry, name) is None and getattr(base, name) is not None:
                setattr(entry, name, getattr(base, name))
        entry.dependents = base.dependents  # no other entry changes what it depends on
        edits[spec_id] = (span[0], span[1], entry)
    elif json.dumps(spec_id, ensure_ascii=False) in text:
        return None
    else:
        entry.dependents = []
    if entry.path is not None:
        path_line = f'\n      "path": {json.dumps(entry.path, ensure_ascii=False)},\n'
        inside = base is not None and text.find(path_line, span[0], span[1]) >= 0
        if text.count(path_line) != int(inside):
            return None
    old_deps = set() if base is None else {d for d in base.dependencies
                                            if d != spec_id and d in known}
    new_deps = {d for d in entry.dependencies if d != spec_id and d in known}
    for other in sorted(old_deps ^ new_deps):
        if other in edits:
            continue
        at = _entry_at(text, other)
        if at is None:
            return None
        parsed = at[2]
        if other in new_deps:
            parsed.dependents = sorted({*parsed.dependents, spec_id})
        else:
            parsed.dependents = [d for d in parsed.dependents if d != spec_id]
        edits[other] = at
    pieces += [(start, end, _encode(item.to_json(), "    ")) for start, end, item in edits.values()]
    if base is None:
        later = min((other for other in known if other > spec_id), default=None)
        if later is not None:
            found = _find_entry(text, later)
            if found is None:
                return None
            pieces.append((found[0], found[0], _encode(entry.to_json(), "    ") + ",\n    "))
        else:
            end = text.find(_SPECS_END, text.find(_SCHEMA_1))
            if end < 0 or not text.endswith("\n    }", 0, end):
                return None  # no entry to follow: an empty index is written whole
            pieces.append((end, end, ",\n    " + _encode(entry.to_json(), "    ")))
    if base is None or entry.key() != base.key():
        metadata = _metadata(text, [(base, entry)])
        if metadata is None:
            return None
        pieces.append(metadata)
    return _put(text, pieces)


def _put(text: str, pieces: list[tuple[int, int, str]]) -> str:
    """``text`` with each ``(start, end, piece)`` put in place of its span (an insertion
    when start is end; one comes before a replacement that starts where it does)."""
    pieces.sort(key=lambda piece: (piece[0], piece[1]))
    out: list[str] = []
    at = 0
    for start, end, piece in pieces:
        out.append(text[at:start])
        out.append(piece)
        at = end
    out.append(text[at:])
    return "".join(out)


class IndexText:
    """An index file that ``dump_index`` wrote, read entry by entry: its ``ids`` come from the
    ids file that describes it (``index.locate.read_known_ids``) and each entry is parsed from
    its own lines when asked for (``entries``), so that a run that adds or rewrites one spec
    reads a few entries of an index of thousands. ``load`` parses the whole text, for what
    only the whole index can answer."""

    __slots__ = ("_loaded", "entries", "ids", "path", "text")

    def __init__(self, path: str, text: str, ids: frozenset[str]) -> None:
        self.path = path
        self.text = text
        self.ids = ids
        self.entries = _EntriesOnDemand(self)
        self._loaded: SpecIndex | None = None

    @classmethod
    def read(cls, path: str, ids_path: str, root: str) -> IndexText | None:
        """The index at ``path`` when the ids file describes it and its text has
        ``dump_index``'s layout; None otherwise (the caller loads the index whole)."""
        from smartspec.fsutil import read_regular
        from smartspec.index.locate import read_known_ids

        ids = read_known_ids(ids_path, path, root)
        if ids is None:
            return None
        try:
            text = read_regular(path).decode("utf-8")
        except (OSError, UnicodeDecodeError):
            return None
        if not text.startswith("{\n") or text.count(_SCHEMA_1) != 1:
            return None
        return cls(path, text, ids)

    def load(self) -> SpecIndex:
        """The whole index, parsed once."""
        if self._loaded is None:
            from smartspec.index.migrate import parse_index

            self._loaded = parse_index(self.text, source=self.path, written=True)
        return self._loaded


class _EntriesOnDemand:
    """``IndexText``'s entries as a read-only mapping of id -> entry, in id order."""

    __slots__ = ("_parsed", "_text")

    def __init__(self, text: IndexText) -> None:
        self._text = text
        self._parsed: dict[str, IndexEntry] = {}

    def __contains__(self, spec_id: object) -> bool:
        return spec_id in self._text.ids

    def __iter__(self) -> Iterator[str]:
        return iter(sorted(self._text.ids))

    def __len__(self) -> int:
        return len(self._text.ids)

    def __getitem__(self, spec_id: str) -> IndexEntry:
        entry = self.get(spec_id)
        if entry is None:
            raise KeyError(spec_id)
        return entry

    def values(self) -> ValuesView[IndexEntry]:
        """Every entry: the whole index is parsed for it (a spec without a recorded id is
        looked for by its path)."""
        return self._text.load().entries.values()

    def get(self, spec_id: str, default: IndexEntry | None = None) -> IndexEntry | None:
        if spec_id not in self._text.ids:
            return default
        entry = self._parsed.get(spec_id)
        if entry is None:
            at = _entry_at(self._text.text, spec_id)
            # Not found once as dump_index writes it (an id held twice): the whole index says.
            entry = at[2] if at is not None else self._text.load().entries.get(spec_id)
            if entry is None:
                return default
            self._parsed[spec_id] = entry
        return entry


def _decoded(text: str) -> Any:
    """``text`` decoded as JSON, or None when it is not JSON (the callers then decline and
    the whole index decides, with its reader's error if it is broken)."""
    try:
        return json.loads(text)
    except ValueError:
        return None


def _entry_at(text: str, spec_id: str) -> tuple[int, int, IndexEntry] | None:
    """The span of ``spec_id``'s entry block and the entry it holds (``_find_entry``,
    ``_entry_from_json``); None when either cannot tell."""
    found = _find_entry(text, spec_id)
    if found is None:
        return None
    entry = _entry_from_json(_decoded(text[found[0]:found[1]]))
    return None if entry is None else (found[0], found[1], entry)


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


def _metadata(text: str, counts: Sequence[tuple[IndexEntry | None, IndexEntry]]
              ) -> tuple[int, int, str] | None:
    """The ``metadata`` object with the counts by status, category and repository moved from
    each old entry's values to its new ones (a name whose count falls to 0 goes, as
    ``compute_metadata`` would never list it); an entry without an old one is added to the
    total and to its counts."""
    at = text.find(_METADATA)
    end = text.find(_METADATA_END, at) if at >= 0 else -1
    if at < 0 or end < 0:
        return None
    start = at + len(_METADATA) - 1
    stop = end + len(_METADATA_END)
    metadata = _decoded(text[start:stop])
    if not isinstance(metadata, dict):
        return None
    added = sum(old is None for old, _ in counts)
    if added:
        if type(metadata.get("total")) is not int:
            return None
        metadata["total"] += added
    for key, name in (("by_status", "status"), ("by_category", "category"), ("by_repo", "repo")):
        table = metadata.get(key)
        if not isinstance(table, dict):
            return None
        for old, new in counts:
            after = getattr(new, name) or "unknown"
            if old is not None:
                before = getattr(old, name) or "unknown"
                if before == after:
                    continue
                if not isinstance(table.get(before), int) or table[before] < 1:
                    return None
                table[before] -= 1
                if table[before] == 0:
                    del table[before]
            elif after in table and type(table[after]) is not int:
                return None
            table[after] = table.get(after, 0) + 1
    return start, stop, _encode(metadata, "  ")


def _encode(value: dict[str, Any], indent: str) -> str:
    """``value`` as ``dump_index`` writes it at this depth: sorted keys, two-space indent (by
    the standard library's encoder when it writes msgspec's bytes, as it does for any value
    without a float: an edit of a few entries need not import msgspec)."""
    from smartspec.index.schema import index_text, same_bytes_from_stdlib

    text = index_text(value, stdlib=same_bytes_from_stdlib(value))
    return text[:-1].replace("\n", "\n" + indent)
