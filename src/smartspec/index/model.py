"""The index as data: its constants, entries, findings and the operations on them
(metadata, dependents, dependency resolution), with no file access."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable

from smartspec.index.locate import INDEX_FILE as INDEX_FILE
from smartspec.specids import DEFAULT_ID_PATTERN as DEFAULT_ID_PATTERN
from smartspec.specids import ID_CATEGORY_RE
from smartspec.specids import ID_RE as ID_RE
from smartspec.specids import TITLE_PREFIX_RE as TITLE_PREFIX_RE
from smartspec.tuples import NamedTuple

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any, Literal

INDEX_SCHEMA_VERSION = 1
# The single-file scan cache of earlier versions (read once, then replaced by the manifest).
CACHE_SCHEMA_VERSION = 2
LEGACY_CACHE_FILE = os.path.join("cache", "index-cache.json")
# The scan state: a manifest for the stat walk, one record per spec in entries/, and the ids
# of the index for commands that only ask whether an id exists (all under <state>/index/).
MANIFEST_FILE = os.path.join("index", "manifest.json")  # the ids beside it: fsutil.INDEX_IDS_FILE
# The manifest's schema and the extractor's version (bump it when the way fields are read
# from a spec changes: cached extractions are then redone) live in index.quiet: the stat
# answer reads them and must not import this module, and new and edit, which read and write
# the index through this module but never its scan state, need not import index.quiet.
# A file whose mtime is this close to the start of a scan may still change within the same
# timestamp tick (1-2 s on coarse file systems), so its cached stat is not trusted next time:
# the file is hashed again (git calls these entries "racily clean").
RACY_WINDOW_NS = 2_000_000_000

# Values that mean "no file yet" in a placeholder entry's path.
PLACEHOLDER_PATHS = frozenset({"", "tbd", "n/a", "na", "none", "-"})
# Header values that mean "nothing" in a list field ("**Depends on:** none").
EMPTY_LIST_VALUES = frozenset({"", "none", "n/a", "-", "—"})

if TYPE_CHECKING:
    Shape = Literal["v1", "reference", "v5", "legacy", "new"]
else:
    # At run time a shape is a plain string: the five words are the type checker's.
    Shape = str
SHAPE_NAMES: dict[str, str] = {
    "v1": f"schema {INDEX_SCHEMA_VERSION}",
    "reference": "the reference's {specs: [...]} shape",
    "v5": "the v5 shape",
    "legacy": "the legacy shape",
    "new": "a new index",
}

# Keys of an entry, in the order of IndexEntry; every one is written, null when unknown.
STRING_FIELDS = ("title", "path", "repo", "category", "status", "version", "profile",
                 "created", "updated", "sha256")
LIST_FIELDS = ("domains", "dependencies", "dependents")
ENTRY_KEYS = frozenset({"id", *STRING_FIELDS, *LIST_FIELDS})
# Fields a spec file can state about itself (what `smartspec index` reads from it).
SPEC_FIELDS = ("id", "title", "repo", "category", "status", "version", "profile", "domains",
               "dependencies", "created", "updated")
METADATA_KEYS = frozenset({"total", "by_status", "by_category", "by_repo"})
# Derived counts of earlier shapes: recomputed, so dropped when migrating.
DROPPED_TOP = frozenset({"last_updated", "total_specs", "public_specs_count",
                         "private_specs_count"})
DROPPED_METADATA = frozenset({"total_specs", "by_status", "by_repo", "by_category"})
DROPPED_ENTRY = frozenset({"dependencies_count"})
# Other spellings of entry keys, read as the key when it is absent.
KEY_ALIASES = {"depends_on": "dependencies", "domain": "domains", "created_at": "created",
               "updated_at": "updated"}
LEGACY_MARKERS = frozenset({"total_specs", "public_specs_count", "private_specs_count"})
V5_MARKERS = frozenset({"version", "created", "last_updated", "metadata"})


# --------------------------------------------------------------------------------------------
# The model


# Plain slotted classes rather than dataclasses: a dataclass is built by generated source code
# at import time (about half a millisecond each), and every command that reads an index
# imports this module.


class IndexEntry:
    """One spec in the index. ``extra`` holds keys smartspec does not know; they are kept."""

    __slots__ = ("category", "created", "dependencies", "dependents", "domains", "extra", "id",
                 "path", "profile", "repo", "sha256", "status", "title", "updated", "version")

    def __init__(self, id: str, title: str | None = None,
                 path: str | None = None, repo: str | None = None, category: str | None = None,
                 status: str | None = None, version: str | None = None,
                 profile: str | None = None, domains: list[str] | None = None,
                 dependencies: list[str] | None = None, dependents: list[str] | None = None,
                 created: str | None = None, updated: str | None = None,
                 sha256: str | None = None, extra: dict[str, Any] | None = None) -> None:
        self.id = id
        self.title = title
        self.path = path  # the spec file, relative to the root; None = planned, no file yet
        self.repo = repo
        self.category = category
        self.status = status
        self.version = version
        self.profile = profile
        self.domains: list[str] = [] if domains is None else domains
        self.dependencies: list[str] = [] if dependencies is None else dependencies
        self.dependents: list[str] = [] if dependents is None else dependents
        self.created = created
        self.updated = updated
        self.sha256 = sha256  # of the spec file's bytes when it was indexed
        self.extra: dict[str, Any] = {} if extra is None else extra

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, IndexEntry):
            return NotImplemented
        return self.key() == other.key() and self.dependents == other.dependents

    __hash__ = None  # type: ignore[assignment]  # mutable, like the dataclass it replaces

    def __repr__(self) -> str:
        return f"IndexEntry({', '.join(f'{n}={getattr(self, n)!r}' for n in _ENTRY_ORDER)})"

    def copy(self) -> IndexEntry:
        """A copy whose lists and unknown fields can be changed without touching this one."""
        return IndexEntry(self.id, self.title, self.path, self.repo, self.category,
                          self.status, self.version, self.profile, list(self.domains),
                          list(self.dependencies), list(self.dependents), self.created,
                          self.updated, self.sha256, dict(self.extra))

    def to_json(self) -> dict[str, Any]:
        # Spelled out rather than looped: this runs once per entry on every write.
        return {**self.extra, "id": self.id, "title": self.title, "path": self.path,
                "repo": self.repo, "category": self.category, "status": self.status,
                "version": self.version, "profile": self.profile,
                "domains": list(self.domains), "dependencies": list(self.dependencies),
                "dependents": list(self.dependents), "created": self.created,
                "updated": self.updated, "sha256": self.sha256}

    def key(self) -> tuple[Any, ...]:
        """Everything but the derived ``dependents``, for "did this entry change"."""
        return (self.id, self.title, self.path, self.repo, self.category, self.status,
                self.version, self.profile, self.domains, self.dependencies, self.created,
                self.updated, self.sha256, self.extra)


_ENTRY_ORDER = ("id", "title", "path", "repo", "category", "status", "version", "profile",
                "domains", "dependencies", "dependents", "created", "updated", "sha256",
                "extra")


class ScanReport:
    """What one ``build_index`` did: files found, read and parsed, and the ids that changed."""

    __slots__ = ("added", "cache", "changed", "found", "parsed", "read", "removed", "warnings")

    def __init__(self, found: int = 0, read: int = 0, parsed: int = 0, *,
                 warnings: list[str] | None = None) -> None:
        self.found = found
        self.read = read  # files opened (new, changed, or racily clean)
        self.parsed = parsed  # files whose content was new to the cache
        self.added: list[str] = []
        self.removed: list[str] = []
        self.changed: list[str] = []
        self.warnings: list[str] = [] if warnings is None else warnings
        self.cache: dict[str, Any] = {}  # opaque: build.state_files encodes it

    @property
    def unchanged(self) -> int:
        return self.found - self.read


class SpecIndex:
    """The index in memory. ``duplicates`` holds entries whose id an earlier entry already has
    (kept and written, so that ``--check`` can report them until they are fixed)."""

    __slots__ = ("duplicates", "entries", "extra", "metadata_extra", "raw", "raw_entries",
                 "scan", "shape", "source", "source_sha256")

    def __init__(self, entries: dict[str, IndexEntry] | None = None, *,
                 extra: dict[str, Any] | None = None,
                 metadata_extra: dict[str, Any] | None = None,
                 duplicates: list[IndexEntry] | None = None, source: str | None = None,
                 source_sha256: str | None = None, shape: Shape = "new",
                 scan: ScanReport | None = None, raw: dict[str, Any] | None = None,
                 raw_entries: dict[str, dict[str, Any]] | None = None) -> None:
        self.entries: dict[str, IndexEntry] = {} if entries is None else entries
        self.extra: dict[str, Any] = {} if extra is None else extra  # unknown top-level keys
        # unknown metadata keys
        self.metadata_extra: dict[str, Any] = {} if metadata_extra is None else metadata_extra
        self.duplicates: list[IndexEntry] = [] if duplicates is None else duplicates
        self.source = source  # the file it was loaded from
        self.source_sha256 = source_sha256  # the hash of that file's bytes
        self.shape: Shape = shape  # the shape it was read in
        self.scan = scan  # set by build_index
        # An earlier shape's file as read (top level, and each entry by id), so that a write
        # puts it back in that shape (``dump_as_found``) unless a migration is asked for.
        self.raw = raw
        self.raw_entries: dict[str, dict[str, Any]] = {} if raw_entries is None else raw_entries

    @property
    def migrated(self) -> bool:
        """True when the file was in an earlier shape (and will be written in schema 1)."""
        return self.shape not in ("v1", "new")

    def all_entries(self) -> list[IndexEntry]:
        return [*self.entries.values(), *self.duplicates]


class IndexFinding(NamedTuple):
    code: str
    severity: Literal["error", "warning"]
    message: str
    spec_id: str | None = None

    def to_json(self) -> dict[str, Any]:
        return {"code": self.code, "severity": self.severity, "message": self.message,
                "spec_id": self.spec_id}


# Every finding ``check_index`` can report: code -> (severity, what it means).
CHECKS: dict[str, tuple[Literal["error", "warning"], str]] = {
    "missing-file": ("error", "the entry's spec file does not exist"),
    "unreadable-file": ("error", "the entry's spec file cannot be read as UTF-8 text"),
    "path-outside-root": ("error", "the entry's path is absolute or leaves the project root"),
    "double-extension": ("error", "the entry's path ends in spec.md.md"),
    "unknown-dependency": ("error", "a dependency names an id that is not in the index"),
    "self-dependency": ("error", "a spec depends on itself"),
    "cycle": ("error", "specs depend on each other in a cycle"),
    "duplicate-id": ("error", "two entries have the same id"),
    "duplicate-path": ("error", "two entries point at the same spec file"),
    "bad-id": ("warning", "the id does not match the id pattern (config index.idPattern)"),
    "title-mismatch": ("error", "the entry's title differs from the spec's own title"),
    "stale-entry": ("error", "the spec changed since it was indexed"),
    "unindexed-spec": ("error", "a spec file in the specs folder has no entry"),
    "id-category-mismatch": ("warning", "the id's category prefix differs from the category"),
    "planned": ("warning", "a placeholder entry with no spec file yet"),
}
SEVERITY_ORDER = {"error": 0, "warning": 1}
Reporter = Callable[[str, str, "str | None"], None]


def compute_metadata(entries: Iterable[IndexEntry]) -> dict[str, Any]:
    """Counts for the ``metadata`` block: total, by status, by category, by repo (a missing
    value counts as "unknown"; names in the order they first appear)."""
    listed = list(entries)
    return {"total": len(listed),
            "by_status": _counts([entry.status for entry in listed]),
            "by_category": _counts([entry.category for entry in listed]),
            "by_repo": _counts([entry.repo for entry in listed])}


def _counts(values: list[str | None]) -> dict[str, int]:
    # Counter counts in C; the few distinct names are then folded, "unknown" for a blank.
    from collections import Counter

    counts: dict[str, int] = {}
    for value, number in Counter(values).items():
        name = value or "unknown"
        counts[name] = counts.get(name, 0) + number
    return counts


def recompute_dependents(index: SpecIndex) -> None:
    """Set every entry's ``dependents`` to the sorted ids of the entries that depend on it."""
    known = index.entries
    found: dict[str, list[str]] = {}
    everything = index.all_entries()
    for entry in everything:
        spec_id = entry.id
        for dependency in entry.dependencies:
            if dependency != spec_id and dependency in known:
                if dependency in found:
                    found[dependency].append(spec_id)
                else:
                    found[dependency] = [spec_id]
    for entry in everything:
        dependents = found.get(entry.id)
        if dependents is None:
            entry.dependents = []
        elif len(dependents) == 1:
            entry.dependents = list(dependents)
        else:
            entry.dependents = sorted(set(dependents))


def upsert_entry(index: SpecIndex, entry: IndexEntry) -> None:
    """Add ``entry`` or replace the entry with its id. The old entry's unknown fields and
    ``created`` are kept, as are its values for fields the new entry leaves unset (None);
    an entry indexed from the same file under another id is dropped; dependents are
    recomputed."""
    old = index.entries.get(entry.id)
    if entry.path is not None:
        # The spec at this path was indexed under another id (an edit gave it a new one):
        # that entry describes the same file, so it goes.
        for other_id, other in list(index.entries.items()):
            if other_id != entry.id and other.path == entry.path and other.sha256 is not None:
                del index.entries[other_id]
    if old is not None:
        entry.extra = {**old.extra, **entry.extra}
        entry.created = old.created or entry.created
        for name in STRING_FIELDS:
            if getattr(entry, name) is None and getattr(old, name) is not None:
                setattr(entry, name, getattr(old, name))
    index.entries[entry.id] = entry
    recompute_dependents(index)


# --------------------------------------------------------------------------------------------
# Dependencies


def infer_category(spec_id: str) -> str | None:
    """The category an id names: ``spec-core-001-x`` -> core, ``spec-004-x`` -> feature."""
    match = ID_RE.match(spec_id) or ID_CATEGORY_RE.match(spec_id)
    if not match:
        return None
    return match.group("category") or "feature"


def spec_path_for_display(path: str | None) -> str:
    """The path the Related Specs section shows: ends in spec.md (never spec.md.md)."""
    if path is None:
        return "N/A"
    text = normalize_path(path) or "N/A"
    while text.endswith("spec.md.md"):
        text = text[: -len(".md")]
    return text


def unique(items: Iterable[str]) -> list[str]:
    return list(dict.fromkeys(items))


def normalize_path(path: str | None) -> str | None:
    """A spec path as the index stores it: forward slashes, no leading ``./``, the ``spec.md``
    of a folder, None for a placeholder ("TBD", "N/A", empty)."""
    if path is None:
        return None
    text = path.strip().replace("\\", "/")
    if text.lower() in PLACEHOLDER_PATHS:
        return None
    while text.startswith("./"):
        text = text[2:]
    if not text.lower().endswith(".md"):
        text = text.rstrip("/") + "/spec.md"
    return text


def is_normal_path(path: str) -> bool:
    """``normalize_path(path) == path``, quickly for the usual ``.../spec.md``."""
    if (path.endswith("/spec.md") and not path[0].isspace() and "\\" not in path
            and not path.startswith("./")):
        return True
    return normalize_path(path) == path


def add_entry(index: SpecIndex, entry: IndexEntry) -> None:
    if entry.id in index.entries:
        index.duplicates.append(entry)
    else:
        index.entries[entry.id] = entry
