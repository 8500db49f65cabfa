"""SPEC_INDEX.json: one versioned schema, migration of earlier shapes, dependency resolution,
incremental builds from the specs tree, graph checks and graph rendering.

The file smartspec writes (schema 1; ``index_json_schema()`` is its JSON Schema)::

    {"schema": 1,
     "metadata": {"total": 2, "by_status": {...}, "by_category": {...}, "by_repo": {...}},
     "specs": [{"id", "title", "path", "repo", "category", "status", "version", "profile",
                "domains", "dependencies", "dependents", "created", "updated", "sha256"}, ...]}

Keys are sorted and entries ordered by id, so that a change to one spec is a small diff.
``path`` is the spec file relative to the project root (``null`` for a planned spec that has no
file yet); ``sha256`` is the hash of the file's bytes when it was indexed, which is how
``--check`` knows that a spec changed since; ``dependents`` and ``metadata`` are recomputed on
every write. Unknown keys, at the top, in ``metadata`` and in entries, are kept as they are.

Earlier shapes are read and migrated in memory (written in schema 1 on the next write):

=========  ====================================================================================
shape      how it is recognised, and what migration does
=========  ====================================================================================
reference  ``{"specs": [{id, title, path, repo}]}`` (reference §1.1); ``path`` is often the
           spec's folder: it becomes ``<folder>/spec.md``.
v5         a top-level ``version``, ``created``, ``last_updated`` or ``metadata``
           (``total_specs``, ``by_status``, ``by_repo``, ``validation``). ``version`` (the
           format's own version) becomes ``schema``; ``last_updated`` and the counts are
           dropped because they are recomputed; ``created`` and ``metadata.validation`` are kept.
           Placeholder entries (``path: "TBD"``) become ``path: null``.
legacy     top-level ``total_specs``, ``public_specs_count`` or ``private_specs_count``
           (dropped: ``metadata.by_repo`` replaces them); entries' ``dependencies_count`` is
           dropped (it is ``len(dependencies)``); ``priority``, ``summary``, ``tags`` are kept.
=========  ====================================================================================

In every shape a ``path`` that names a folder becomes the ``spec.md`` inside it, ``depends_on``
is read as ``dependencies``, and ``status`` is lower-cased (``DRAFT`` and ``draft`` are one
status). An entry of an earlier shape without a category gets the one its id names.
"""

from __future__ import annotations

import contextlib
import difflib
import functools
import gc
import hashlib
import os
import re
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field, replace
from pathlib import Path, PurePosixPath
from stat import S_ISLNK
from typing import Any, Literal

from smartspec.errors import DocumentError, UsageError, WorkspaceError
from smartspec.fsutil import read_regular

INDEX_SCHEMA_VERSION = 1
INDEX_FILE = "SPEC_INDEX.json"
CACHE_SCHEMA_VERSION = 2
# Bump when the way fields are read from a spec changes: cached extractions are then redone.
EXTRACTOR_VERSION = 1
# A file whose mtime is this close to the start of a scan may still change within the same
# timestamp tick (1-2 s on coarse file systems), so its cached stat is not trusted next time:
# the file is hashed again (git calls these entries "racily clean").
RACY_WINDOW_NS = 2_000_000_000

# Spec ids (design.md §4): spec-NNN-<slug> for the feature category,
# spec-<category>-NNN-<slug> otherwise, e.g. spec-004-payment-processing,
# spec-core-001-authentication. NNN is three or more digits; slug is ^[a-z0-9][a-z0-9-]{1,63}$.
ID_RE = re.compile(
    r"^spec-(?:(?P<category>[a-z][a-z0-9]*(?:-[a-z][a-z0-9]*)*)-)?(?P<number>\d{3,})"
    r"-(?P<slug>[a-z0-9][a-z0-9-]{1,63})$"
)
# What ``index --check`` accepts as an id unless the config's ``index.idPattern`` says
# otherwise: the shapes people and SmartSpec write, upper or lower case, with any prefix and
# letter suffixes (spec-004-payments, WF-SCRIPTS-001, SPEC-001-PROJECT-OVERVIEW, 004-desktop-app,
# spec-108a-data-access-layer): letters and digits in runs joined by single dashes or dots.
DEFAULT_ID_PATTERN = r"^[A-Za-z0-9]+(?:[-.][A-Za-z0-9]+)*$"
# Looser: just enough of an id to guess its category (for specs not in the index).
ID_CATEGORY_RE = re.compile(r"^spec-(?:(?P<category>[a-z][a-z0-9-]*?)-)?\d+(?:-|$)")
# "SPEC-004: Payment Processing" -> "Payment Processing" (the H1 of a spec).
TITLE_PREFIX_RE = re.compile(r"^SPEC-[^:\s]*\s*:\s*(?P<title>.+)$", re.IGNORECASE)
# Values that mean "no file yet" in a placeholder entry's path.
PLACEHOLDER_PATHS = frozenset({"", "tbd", "n/a", "na", "none", "-"})
# Header values that mean "nothing" in a list field ("**Depends on:** none").
EMPTY_LIST_VALUES = frozenset({"", "none", "n/a", "-", "—"})

Shape = Literal["v1", "reference", "v5", "legacy", "new"]
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


@dataclass(slots=True)
class IndexEntry:
    """One spec in the index. ``extra`` holds keys smartspec does not know; they are kept."""

    id: str
    title: str | None = None
    path: str | None = None  # the spec file, relative to the root; None = planned, no file yet
    repo: str | None = None
    category: str | None = None
    status: str | None = None
    version: str | None = None
    profile: str | None = None
    domains: list[str] = field(default_factory=list)
    dependencies: list[str] = field(default_factory=list)
    dependents: list[str] = field(default_factory=list)
    created: str | None = None
    updated: str | None = None
    sha256: str | None = None  # of the spec file's bytes when it was indexed
    extra: dict[str, Any] = field(default_factory=dict)

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


@dataclass(slots=True)
class ScanReport:
    """What one ``build_index`` did: files found, read and parsed, and the ids that changed."""

    found: int = 0
    read: int = 0  # files opened (new, changed, or racily clean)
    parsed: int = 0  # files whose content was new to the cache
    added: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    changed: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    cache: dict[str, Any] = field(default_factory=dict)  # opaque: save_index writes it

    @property
    def unchanged(self) -> int:
        return self.found - self.read


@dataclass(slots=True)
class SpecIndex:
    """The index in memory. ``duplicates`` holds entries whose id an earlier entry already has
    (kept and written, so that ``--check`` can report them until they are fixed)."""

    entries: dict[str, IndexEntry] = field(default_factory=dict)
    extra: dict[str, Any] = field(default_factory=dict)  # unknown top-level keys
    metadata_extra: dict[str, Any] = field(default_factory=dict)  # unknown metadata keys
    duplicates: list[IndexEntry] = field(default_factory=list)
    source: Path | None = None  # the file it was loaded from
    source_sha256: str | None = None  # the hash of that file's bytes
    shape: Shape = "new"  # the shape it was read in
    scan: ScanReport | None = None  # set by build_index
    # An earlier shape's file as read (top level, and each entry by id), so that a write puts
    # it back in that shape (``dump_as_found``) unless a migration is asked for.
    raw: dict[str, Any] | None = None
    raw_entries: dict[str, dict[str, Any]] = field(default_factory=dict)

    @property
    def migrated(self) -> bool:
        """True when the file was in an earlier shape (and will be written in schema 1)."""
        return self.shape not in ("v1", "new")

    def all_entries(self) -> list[IndexEntry]:
        return [*self.entries.values(), *self.duplicates]


@dataclass(frozen=True, slots=True)
class ResolvedDependency:
    """A dependency as the Related Specs section shows it (reference §13.1.1)."""

    id: str
    title: str | None
    path: str  # ends in spec.md; "N/A" when unknown
    repo: str  # "unknown" when unknown
    category: str | None
    found: bool

    def markdown_line(self, *, index_available: bool = True) -> str:
        """The reference's line: ``- **id** - title - Spec Path: "path" Repo: repo``."""
        from smartspec.meta import inline_user_text

        if not index_available:
            return f"- **{self.id}**" + (f" - {inline_user_text(self.title)}" if self.title else "")
        if not self.found:
            return f'- **{self.id}** - [NOT FOUND IN SPEC_INDEX] - Spec Path: "N/A" Repo: unknown'
        title = inline_user_text(self.title or self.id)
        return f'- **{self.id}** - {title} - Spec Path: "{self.path}" Repo: {self.repo}'


@dataclass(frozen=True, slots=True)
class IndexFinding:
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


# --------------------------------------------------------------------------------------------
# Lookup, load, dump


def locate_index(root: Path, state_dir: Path, specindex: str | None) -> Path | None:
    """The index file to use: ``--specindex PATH`` (relative to the root; returned even when
    it does not exist yet, so that writers create it there), else the first that exists of
    ``<state_dir>/SPEC_INDEX.json``, ``<root>/SPEC_INDEX.json``, ``<root>/.spec/SPEC_INDEX.json``
    and ``<root>/specs/SPEC_INDEX.json``; None when there is none."""
    if specindex:
        # Confined to the project for every command, readers included: an index elsewhere
        # would let a spec's dependencies resolve to files outside it.
        from smartspec.fsutil import inside_root

        return inside_root(root, Path(specindex).expanduser(), what="--specindex")
    for candidate in index_candidates(root, state_dir):
        if candidate.is_file():
            return candidate
    return None


def index_candidates(root: Path, state_dir: Path) -> list[Path]:
    """The places ``locate_index`` looks, in order (for messages that list them)."""
    return [state_dir / INDEX_FILE, root / INDEX_FILE, root / ".spec" / INDEX_FILE,
            root / "specs" / INDEX_FILE]


def load_index(path: Path) -> SpecIndex:
    """Read an index file in any known shape and migrate it in memory.

    Raises DocumentError naming the file and the line:column (bad JSON) or the key path and
    what was expected (wrong types).
    """
    try:
        raw = read_regular(path)
    except FileNotFoundError:
        raise DocumentError(f"{path}: no such index file; expected a SPEC_INDEX.json") from None
    except OSError as exc:
        raise DocumentError(f"{path}: cannot be read ({exc.strerror})") from None
    return parse_index(raw, source=path)


def parse_index(raw: bytes | str, *, source: Path | None = None) -> SpecIndex:
    """``load_index`` on bytes already read; ``source`` is named in errors."""
    shown = str(source) if source is not None else "SPEC_INDEX.json"
    if isinstance(raw, str):
        raw = raw.encode("utf-8")
    digest = hashlib.sha256(raw).hexdigest()
    index = _parse_plain_v1(raw, source)
    if index is None:
        index = _parse_any(raw, source, shown)
    index.source_sha256 = digest
    if index.migrated:
        # An earlier shape's dependents are often stale; schema 1's were recomputed when the
        # file was written, and are again on every write.
        recompute_dependents(index)
    return index


def _parse_any(raw: bytes, source: Path | None, shown: str) -> SpecIndex:
    """Any shape, checked key by key so that an error can name its key path."""
    data = _decode_json(raw, shown)
    if not isinstance(data, dict):
        raise DocumentError(
            f"{shown}: expected a JSON object at the top level, got {_json_type(data)}")
    shape = _detect_shape(data, shown)
    index = SpecIndex(source=source, shape=shape)
    old = shape != "v1"
    for key, value in data.items():
        if key in ("schema", "specs", "metadata"):
            continue
        if old and key in DROPPED_TOP:
            continue
        index.extra[key] = value
    metadata = data.get("metadata")
    if metadata is not None:
        if not isinstance(metadata, dict):
            raise DocumentError(_type_error(shown, "metadata", "an object", metadata))
        dropped = DROPPED_METADATA if old else METADATA_KEYS
        index.metadata_extra = {k: v for k, v in metadata.items()
                                if k not in dropped and k not in METADATA_KEYS}
    if "specs" not in data:
        raise DocumentError(f"{shown}: the key 'specs' is missing; expected a list of spec entries")
    specs = data["specs"]
    if isinstance(specs, dict):
        # {"spec-id": {...}} keyed by id: seen in hand-made indexes; read as a list.
        items: list[tuple[str, Any, str | None]] = [
            (f"specs.{key}", value, key) for key, value in specs.items()]
    elif isinstance(specs, list):
        items = [(f"specs[{n}]", value, None) for n, value in enumerate(specs)]
    else:
        raise DocumentError(_type_error(shown, "specs", "a list of spec entries", specs))
    for where, value, key in items:
        entry = _read_entry(value, where, key, shown, old)
        if old:
            index.raw_entries.setdefault(entry.id, value)
        _add(index, entry)
    if old:
        index.raw = data
    return index


def dump_index(index: SpecIndex) -> str:
    """The file text: schema 1, sorted keys, entries by id, dependents and metadata recomputed,
    two-space indent and a trailing newline."""
    import msgspec

    recompute_dependents(index)
    ordered = sorted(index.all_entries(), key=lambda e: (e.id, e.path or ""))
    document: dict[str, Any] = dict(index.extra)
    document["schema"] = INDEX_SCHEMA_VERSION
    document["metadata"] = {**index.metadata_extra, **compute_metadata(ordered)}
    document["specs"] = [entry.to_json() for entry in ordered]
    from smartspec.meta import escape_line_breaks

    encoded = msgspec.json.encode(document, order="sorted")
    # A title with U+2028 stays one line for every line splitter (the value is the same).
    return escape_line_breaks(msgspec.json.format(encoded, indent=2).decode("utf-8")) + "\n"


def dump_as_found(index: SpecIndex) -> str:
    """The file text in the shape the index was read in: another tool's (or an earlier
    smartspec's) file keeps its top-level keys, ``version`` included, its entry keys and their
    spellings, and its counts (recomputed); smartspec's own fields are added to an entry only
    where they have a value. Schema 1 and new indexes are written as ``dump_index`` writes them.
    ``index --migrate`` asks for schema 1 instead."""
    import json

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
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"


def _entry_as_found(entry: IndexEntry, raw: dict[str, Any] | None) -> dict[str, Any]:
    """One entry in its file's own spelling: what reads the same as the file says (a folder
    path, an upper-case status, a category guessed from the id) stays as written; changed
    values are written, and a new entry gets the fields that have a value."""
    out: dict[str, Any] = dict(raw) if raw is not None else {}
    baseline: dict[str, Any] = {}
    spelled: dict[str, str] = {}
    if raw is not None:
        baseline = _read_entry(raw, "specs", None, "SPEC_INDEX.json", True).to_json()
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


def compute_metadata(entries: Iterable[IndexEntry]) -> dict[str, Any]:
    """Counts for the ``metadata`` block: total, by status, by category, by repo."""
    by_status: dict[str, int] = {}
    by_category: dict[str, int] = {}
    by_repo: dict[str, int] = {}
    total = 0
    for entry in entries:
        total += 1
        for counts, value in ((by_status, entry.status), (by_category, entry.category),
                              (by_repo, entry.repo)):
            name = value or "unknown"
            counts[name] = counts.get(name, 0) + 1
    return {"total": total, "by_status": by_status, "by_category": by_category,
            "by_repo": by_repo}


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


def _decode_json(raw: bytes | str, shown: str) -> Any:
    import msgspec

    if isinstance(raw, str):
        raw = raw.encode("utf-8")
    try:
        return msgspec.json.decode(raw)
    except msgspec.DecodeError:
        pass
    # msgspec only gives a byte offset; the standard library gives line and column (and
    # accepts a few things msgspec refuses, such as integers beyond 64 bits).
    import json

    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise DocumentError(f"{shown}: not UTF-8 text (byte {exc.start}); expected a JSON file"
                            ) from None
    try:
        return json.loads(text, parse_constant=_refuse_constant)
    except json.JSONDecodeError as exc:
        raise DocumentError(
            f"{shown}: line {exc.lineno}, column {exc.colno}: invalid JSON ({exc.msg}); "
            "expected a SPEC_INDEX JSON object") from None
    except _NonFinite as exc:
        # NaN and Infinity are not JSON; written back they would silently become null.
        found = next(m for m in _CONSTANT_RE.finditer(text) if m.group(1))
        line = text.count("\n", 0, found.start(1)) + 1
        column = found.start(1) - (text.rfind("\n", 0, found.start(1)) + 1) + 1
        raise DocumentError(f"{shown}: line {line}, column {column}: {exc} is not a JSON "
                            "number; expected a finite number, a string or null") from None
    except RecursionError:
        raise DocumentError(f"{shown}: nested too deeply to be a SPEC_INDEX; expected the "
                            "shape 'smartspec index --schema' prints") from None


class _NonFinite(ValueError):
    """NaN, Infinity or -Infinity in a JSON text (the standard library accepts them)."""


# A JSON string (skipped) or one of the constants the standard library accepts beyond JSON.
_CONSTANT_RE = re.compile(r'"(?:[^"\\]|\\.)*"|(-?Infinity|NaN)')


def _refuse_constant(name: str) -> Any:
    raise _NonFinite(name)


def _detect_shape(data: dict[str, Any], shown: str) -> Shape:
    if "schema" in data:
        schema = data["schema"]
        if isinstance(schema, bool) or not isinstance(schema, int):
            raise DocumentError(_type_error(shown, "schema", "an integer", schema))
        if schema > INDEX_SCHEMA_VERSION:
            raise DocumentError(
                f"{shown}: written with index schema {schema} by a newer smartspec; this "
                f"version reads schema {INDEX_SCHEMA_VERSION} and earlier shapes")
        if schema < 1:
            raise DocumentError(f"{shown}: at schema: {schema} is not a known index schema; "
                                f"expected 1 to {INDEX_SCHEMA_VERSION}")
        return "v1"
    if LEGACY_MARKERS & data.keys():
        return "legacy"
    if V5_MARKERS & data.keys():
        return "v5"
    return "reference"


@functools.cache
def _plain_v1_decoder() -> Any:
    """A msgspec decoder for the common case: a schema-1 file with no unknown keys (what
    ``smartspec index`` writes). Decoding straight into typed records runs at C speed."""
    import msgspec

    # defstruct with real types: class bodies here would get string annotations that msgspec
    # resolves in the module's namespace, where these local classes do not exist.
    text: Any = str | None
    strings: Any = list[str]
    entry = msgspec.defstruct(
        "PlainEntry",
        [("id", str), *((name, strings, msgspec.field(default_factory=list))
                        if name in LIST_FIELDS else (name, text, None)
                        for name in ("title", "path", "repo", "category", "status", "version",
                                     "profile", "domains", "dependencies", "dependents",
                                     "created", "updated", "sha256"))],
        forbid_unknown_fields=True)
    plain_file = msgspec.defstruct(
        "PlainFile",
        [("schema", int), ("specs", list[entry]),  # type: ignore[valid-type]
         ("metadata", dict[str, Any], msgspec.field(default_factory=dict))],
        forbid_unknown_fields=True)
    return msgspec.json.Decoder(plain_file)


def _parse_plain_v1(raw: bytes, source: Path | None) -> SpecIndex | None:
    """The index when ``raw`` is a plain schema-1 file that needs no clean-up (the same result
    ``_parse_any`` gives), else None and the careful path takes over."""
    import msgspec

    try:
        data = _plain_v1_decoder().decode(raw)
    except (msgspec.DecodeError, msgspec.ValidationError):
        return None
    if data.schema != INDEX_SCHEMA_VERSION:
        return None
    index = SpecIndex(source=source, shape="v1")
    for item in data.specs:
        path, status = item.path, item.status
        if (not item.id or item.id != item.id.strip()
                or (path is not None and not _is_normal_path(path))
                or (status is not None and not status.islower() and status != status.lower())
                or (item.domains and not _clean_list(item.domains))
                or (item.dependencies and not _clean_list(item.dependencies))):
            return None
        _add(index, IndexEntry(item.id, item.title, path, item.repo, item.category, status,
                               item.version, item.profile, item.domains, item.dependencies,
                               item.dependents, item.created, item.updated, item.sha256))
    index.metadata_extra = {k: v for k, v in data.metadata.items() if k not in METADATA_KEYS}
    return index


def _is_normal_path(path: str) -> bool:
    """``normalize_path(path) == path``, quickly for the usual ``.../spec.md``."""
    if (path.endswith("/spec.md") and not path[0].isspace() and "\\" not in path
            and not path.startswith("./")):
        return True
    return normalize_path(path) == path


def _clean_list(items: list[str]) -> bool:
    """No blank, padded or repeated items (what ``_read_entry`` would clean up)."""
    return all(item and item == item.strip() for item in items) and (
        len(items) < 2 or len(set(items)) == len(items))


def _read_entry(value: Any, where: str, key: str | None, shown: str, old: bool) -> IndexEntry:
    if not isinstance(value, dict):
        raise DocumentError(_type_error(shown, where, "a spec entry object", value))
    spec_id = value.get("id", key)
    if spec_id is None:
        raise DocumentError(f"{shown}: at {where}: the key 'id' is missing; expected a spec id")
    if not isinstance(spec_id, str) or not spec_id.strip():
        raise DocumentError(_type_error(shown, f"{where}.id", "a non-empty string", spec_id))
    if key is not None and value.get("id", key) != key:
        raise DocumentError(f"{shown}: at {where}.id: {spec_id!r} differs from its key {key!r}; "
                            "expected the same id")
    entry = IndexEntry(id=spec_id.strip())
    # Other spellings of a known key are read as that key when it is absent: the settings
    # comment's "depends_on", and the v5 shape's "domain" (one name or a list), "created_at"
    # and "updated_at". When both spellings are present the other one is kept as unknown.
    aliases = {other: known for other, known in KEY_ALIASES.items()
               if other in value and known not in value}
    lists = {**value, **{known: ([value[other]] if known in LIST_FIELDS
                                 and isinstance(value[other], str) else value[other])
                         for other, known in aliases.items()}}
    named = {known: other for other, known in aliases.items()}
    for name in STRING_FIELDS:
        item = lists.get(name)
        if item is not None and not isinstance(item, str):
            raise DocumentError(_type_error(shown, f"{where}.{named.get(name, name)}",
                                            "a string or null", item))
        setattr(entry, name, item)
    for name in LIST_FIELDS:
        items = lists.get(name)
        if items is None:
            continue
        if not isinstance(items, list):
            raise DocumentError(_type_error(shown, f"{where}.{name}", "a list of strings", items))
        for n, item in enumerate(items):
            if not isinstance(item, str):
                raise DocumentError(_type_error(shown, f"{where}.{name}[{n}]", "a string", item))
        setattr(entry, name, _unique(item.strip() for item in items if item.strip()))
    handled = ENTRY_KEYS | aliases.keys()
    entry.extra = {k: v for k, v in value.items()
                   if k not in handled and not (old and k in DROPPED_ENTRY)}
    entry.path = normalize_path(entry.path)
    entry.status = entry.status.lower() if entry.status else entry.status
    if old and entry.category is None and ID_RE.match(entry.id):
        # Earlier shapes often had no category; a well-formed id names it.
        entry.category = infer_category(entry.id)
    return entry


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


def _type_error(shown: str, where: str, expected: str, value: Any) -> str:
    return f"{shown}: at {where}: expected {expected}, got {_json_type(value)}"


def _json_type(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, (int, float)):
        return f"a number ({value})"
    if isinstance(value, str):
        return f"a string ({value!r})" if len(value) <= 40 else "a string"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "an object"
    return type(value).__name__


def _unique(items: Iterable[str]) -> list[str]:
    return list(dict.fromkeys(items))


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


def resolve_dependencies(index: SpecIndex | None, ids: list[str]) -> list[ResolvedDependency]:
    """Look each id up in the index (reference §13.1.1), in the given order, once each."""
    resolved: list[ResolvedDependency] = []
    for spec_id in _unique(i.strip() for i in ids if i.strip()):
        entry = index.entries.get(spec_id) if index is not None else None
        if entry is None:
            resolved.append(ResolvedDependency(spec_id, None, "N/A", "unknown",
                                               infer_category(spec_id), False))
            continue
        resolved.append(ResolvedDependency(
            spec_id, entry.title, spec_path_for_display(entry.path), entry.repo or "unknown",
            entry.category or infer_category(spec_id), True))
    return resolved


RELATED_GROUP_TITLES = {"core": "Core Dependencies", "feature": "Feature Specs",
                        "infrastructure": "Infrastructure Specs"}


def related_groups(
        resolved: list[ResolvedDependency]) -> list[tuple[str, list[ResolvedDependency]]]:
    """Group dependencies for the Related Specs section: core, feature, infrastructure, then
    other categories alphabetically, then those whose category is unknown."""
    groups: dict[str | None, list[ResolvedDependency]] = {}
    for item in resolved:
        groups.setdefault(item.category, []).append(item)
    order = [c for c in RELATED_GROUP_TITLES if c in groups]
    order += sorted(c for c in groups if c is not None and c not in RELATED_GROUP_TITLES)
    result = [(RELATED_GROUP_TITLES.get(c) or f"{c.replace('-', ' ').title()} Specs", groups[c])
              for c in order if c is not None]
    if None in groups:
        result.append(("Other Specs", groups[None]))
    return result


# --------------------------------------------------------------------------------------------
# Reading specs


def spec_fields(text: str, rel_path: str, specs_rel: str | None = None) -> dict[str, Any]:
    """What a spec states about itself: the settings comment wins over header lines; a
    hand-written spec gets its id from ``**Spec ID:**`` or its folder, its title from the H1.

    Only stated fields are present in the result. ``rel_path`` is the file relative to the
    root, ``specs_rel`` the specs folder relative to the root (for the category of
    ``<specs>/<category>/<id>/spec.md``). Two private keys may be present: ``_inferred`` lists
    the fields guessed from the folder or the id rather than stated, and ``_warning`` carries
    a problem worth showing. ``public_fields`` drops them.
    """
    from smartspec.document import parse

    doc = parse(text)
    settings = doc.settings or {}
    header = {key.strip().lower(): value.strip() for key, value in doc.header.items()}
    stated: dict[str, Any] = {}

    def pick(name: str, setting: str, *header_keys: str) -> None:
        value = settings.get(setting)
        if isinstance(value, str) and value.strip():
            stated[name] = value.strip()
            return
        for key in header_keys:
            if header.get(key):
                stated[name] = header[key]
                return

    def pick_list(name: str, setting: str, *header_keys: str) -> None:
        value = settings.get(setting)
        if isinstance(value, list):
            stated[name] = _unique(str(v).strip() for v in value if str(v).strip())
            return
        if isinstance(value, str):
            stated[name] = _split_header_list(value)
            return
        for key in header_keys:
            if key in header:
                stated[name] = _split_header_list(header[key])
                return

    inferred: list[str] = []
    pick("id", "id", "spec id", "id")
    if "id" not in stated:
        from smartspec.adopt import stated_id

        found = stated_id(doc)
        if found is not None:
            stated["id"] = found[0]
    if "id" not in stated:
        stated["id"] = PurePosixPath(rel_path).parent.name or rel_path
        inferred.append("id")
    title_setting = settings.get("title")
    if isinstance(title_setting, str) and title_setting.strip():
        stated["title"] = title_setting.strip()
    elif doc.title:
        match = TITLE_PREFIX_RE.match(doc.title)
        stated["title"] = (match.group("title") if match else doc.title).strip()
    pick("repo", "repo", "repo", "repository")
    pick("category", "category", "category")
    pick("status", "status", "status")
    pick("version", "version", "version")
    pick("profile", "profile", "profile")
    pick("created", "created", "created")
    pick("updated", "updated", "updated", "last updated")
    pick_list("domains", "domains", "domains", "domain")
    pick_list("dependencies", "depends_on", "depends on", "dependencies")
    if "status" in stated:
        stated["status"] = stated["status"].lower()
    if "category" not in stated and specs_rel is not None:
        parts = PurePosixPath(rel_path).parts
        base = PurePosixPath(specs_rel).parts if specs_rel not in ("", ".") else ()
        if len(parts) == len(base) + 3 and parts[: len(base)] == base:
            stated["category"] = parts[len(base)]
            inferred.append("category")
    if "category" not in stated:
        guessed = infer_category(stated["id"])
        if guessed:
            stated["category"] = guessed
            inferred.append("category")
    if inferred:
        stated["_inferred"] = inferred
    if doc.settings is None and doc.settings_line is not None:
        stated["_warning"] = (f"{rel_path}: line {doc.settings_line + 1}: the smartspec settings "
                              "comment is not valid JSON; used the header lines instead")
    return stated


def public_fields(stated: dict[str, Any]) -> dict[str, Any]:
    """``stated`` without the private ``_inferred`` and ``_warning`` keys."""
    return {key: value for key, value in stated.items() if not key.startswith("_")}


def _split_header_list(value: str) -> list[str]:
    if value.strip().lower() in EMPTY_LIST_VALUES:
        return []
    return _unique(part.strip().strip("`") for part in re.split(r"[,;]", value) if part.strip())


def entry_from_spec(text: str, rel_path: str, *, sha256: str | None = None,
                    specs_rel: str | None = None) -> IndexEntry:
    """The index entry for one spec's text (what new/edit upsert after writing a spec).
    ``sha256`` defaults to the hash of ``text`` encoded as UTF-8."""
    stated = public_fields(spec_fields(text, rel_path, specs_rel))
    digest = sha256 or hashlib.sha256(text.encode("utf-8")).hexdigest()
    return merge_entry(None, stated, rel_path, digest)


def merge_entry(base: IndexEntry | None, stated: dict[str, Any], rel_path: str,
                sha256: str | None) -> IndexEntry:
    """The spec wins where it speaks; the index keeps what only it knows (unknown fields,
    a repo or dependencies the spec does not state)."""
    entry = replace(base, domains=list(base.domains), dependencies=list(base.dependencies),
                    extra=dict(base.extra)) if base else IndexEntry(id=stated["id"])
    for name in SPEC_FIELDS:
        if name in stated:
            value = stated[name]
            setattr(entry, name, list(value) if isinstance(value, list) else value)
    entry.path = rel_path
    entry.sha256 = sha256
    return entry


# --------------------------------------------------------------------------------------------
# Building from the specs tree


def spec_files(specs_dir: Path) -> list[os.DirEntry[str]]:
    """Every ``spec.md`` under ``specs_dir``, ordered by path; hidden folders are skipped and
    symbolic links to folders are not followed."""
    found: list[os.DirEntry[str]] = []
    stack = [str(specs_dir)]
    while stack:
        folder = stack.pop()
        try:
            with os.scandir(folder) as listing:
                for item in listing:
                    name = item.name
                    if name.startswith("."):
                        continue
                    if item.is_dir(follow_symlinks=False):
                        stack.append(item.path)
                    elif name == "spec.md" and item.is_file():
                        found.append(item)
        except OSError:
            continue
    found.sort(key=lambda item: item.path)
    return found


def build_index(root: Path, specs_dir: Path, previous: SpecIndex | None,
                cache_path: Path | None, *, repo: str | None = None,
                now_ns: int | None = None) -> SpecIndex:
    """The index of every spec under ``specs_dir``, merged with ``previous``.

    Incremental: a file whose size and mtime match the cache is not opened; one whose hash
    matches is not parsed again. Entries of ``previous`` are matched by path, then by id (a
    spec that moved); an entry that was indexed from a file (it has a ``sha256``) and whose
    file is gone is removed; hand-made entries (placeholders, specs of other repositories)
    are kept. ``repo`` is the repository of specs that state none. The new cache is in
    ``result.scan.cache`` for ``save_index`` to write. Nothing is written here.

    ``previous`` is consumed: the result reuses its entry objects where nothing changed.
    """
    index = _build(root, specs_dir, previous, cache_path, repo=repo, now_ns=now_ns)
    recompute_dependents(index)
    return index


def _build(root: Path, specs_dir: Path, previous: SpecIndex | None, cache_path: Path | None,
           *, repo: str | None, now_ns: int | None) -> SpecIndex:
    """``build_index`` without recomputing dependents (``dump_index`` does that anyway)."""
    start_ns = time.time_ns() if now_ns is None else now_ns
    root = root.resolve()
    specs_dir = specs_dir.resolve()
    specs_rel = _relative(specs_dir, root)
    cache = _read_cache(cache_path)
    prior = previous.all_entries() if previous is not None else []
    by_path: dict[str, IndexEntry] = {}
    by_id: dict[str, IndexEntry] = {}
    for entry in prior:
        if entry.path is not None:
            by_path.setdefault(entry.path, entry)
        by_id.setdefault(entry.id, entry)
    # An index byte for byte as the last build wrote it holds exactly what that build made
    # of each file, so an entry whose file is unchanged is reused without comparing fields.
    trusted = (previous is not None and previous.source_sha256 is not None
               and previous.source_sha256 == cache.index_sha256)
    scan = ScanReport()
    records: dict[str, list[Any]] = {}
    placed: list[IndexEntry | None] = []  # in walk order; None = merged below
    pending: list[tuple[int, str, dict[str, Any], str]] = []
    used: set[int] = set()  # id() of previous entries taken over
    prefix = str(root).rstrip("/") + "/"
    racy_after = start_ns - RACY_WINDOW_NS
    files, dirs = _scan_tree(prefix, str(specs_dir), cache.dirs, racy_after)
    for full in files:
        # String slicing, not Path.relative_to: this loop runs once per spec on every build.
        rel = full[len(prefix):] if full.startswith(prefix) else full
        try:
            stat = os.lstat(full)
            if S_ISLNK(stat.st_mode):
                if not _inside(root, Path(full)):
                    scan.warnings.append(f"{rel}: a link to a file outside the project root; "
                                         "skipped")
                    continue
                stat = os.stat(full)
        except OSError:
            continue  # gone since the folder was listed
        scan.found += 1
        size, mtime = stat.st_size, stat.st_mtime_ns
        record = cache.files.get(rel)
        data: bytes | None = None
        if record is not None and record[0] == size and record[1] == mtime:
            digest = record[2]
        else:
            scan.read += 1
            data = _read_spec_bytes(Path(full), rel)
            digest = hashlib.sha256(data).hexdigest()
            if record is not None and record[2] != digest:
                record = None
        stamp = -1 if mtime >= racy_after else mtime  # -1: racily clean
        base = by_path.get(rel)
        if (trusted and record is not None and base is not None and base.sha256 == digest
                and id(base) not in used and (base.repo is not None or not repo)):
            used.add(id(base))
            placed.append(base)
            records[rel] = [size, stamp, digest, record[3], record[4]]
            if record[4]:
                scan.warnings.append(record[4])
            continue
        stated = _cached_fields(record[3]) if record is not None else None
        if stated is None:
            if data is None:
                scan.read += 1
                data = _read_spec_bytes(Path(full), rel)
                digest = hashlib.sha256(data).hexdigest()
            scan.parsed += 1
            stated = spec_fields(_decode_spec(data, rel), rel, specs_rel)
        warning = stated.pop("_warning", None)
        if warning:
            scan.warnings.append(warning)
        records[rel] = [size, stamp, digest, stated, warning]
        pending.append((len(placed), rel, stated, digest))
        placed.append(None)

    seen_paths = set(records)
    for position, rel, stated, digest in pending:
        base = by_path.get(rel)
        if (base is not None and id(base) not in used and base.sha256 == digest
                and (base.repo is not None or not repo) and _states_same(base, stated)):
            used.add(id(base))
            placed[position] = base
            continue
        if base is None or id(base) in used:
            candidate = by_id.get(stated["id"])
            # A spec that moved: same id, its old file gone.
            base = candidate if (candidate is not None and id(candidate) not in used and
                                 candidate.path not in seen_paths) else None
        if base is not None:
            used.add(id(base))
        entry = merge_entry(base, public_fields(stated), rel, digest)
        if entry.repo is None and repo:
            entry.repo = repo
        placed[position] = entry
        if base is None:
            scan.added.append(entry.id)
        elif base.key() != entry.key():
            scan.changed.append(entry.id)

    result = SpecIndex(extra=dict(previous.extra) if previous else {},
                       metadata_extra=dict(previous.metadata_extra) if previous else {},
                       source=previous.source if previous else None,
                       shape=previous.shape if previous else "new", scan=scan,
                       raw=previous.raw if previous else None,
                       raw_entries=dict(previous.raw_entries) if previous else {})
    for placed_entry in placed:
        assert placed_entry is not None
        _add(result, placed_entry)
    for entry in prior:
        if id(entry) in used:
            continue
        if entry.sha256 is not None and entry.path is not None and entry.path not in seen_paths:
            scan.removed.append(entry.id)
            continue
        _add(result, entry)
    scan.added.sort()
    scan.removed.sort()
    scan.changed.sort()
    scan.cache = {"schema": CACHE_SCHEMA_VERSION, "extractor": EXTRACTOR_VERSION,
                  "index_sha256": None, "files": records, "dirs": dirs}
    return result


def _scan_tree(prefix: str, specs_dir: str, cached: dict[str, Any],
               racy_after: int) -> tuple[list[str], dict[str, list[Any]]]:
    """The ``spec.md`` files under ``specs_dir`` (sorted absolute paths), listing only the
    folders whose mtime changed since the cached listing: adding, removing or renaming an
    entry changes its folder's mtime, so an unchanged folder has unchanged children. Returns
    the files and the new folder records ``[mtime_ns, subfolders, has spec.md]``; hidden
    folders are skipped and links to folders are not followed."""
    files: list[str] = []
    dirs: dict[str, list[Any]] = {}
    stack = [specs_dir]
    while stack:
        folder = stack.pop()
        rel = folder[len(prefix):] if folder.startswith(prefix) else folder
        try:
            mtime = os.stat(folder).st_mtime_ns
        except OSError:
            continue
        record = cached.get(rel)
        if record is not None and record[0] == mtime:
            children, has_spec = record[1], record[2]
        else:
            children, has_spec = [], False
            try:
                with os.scandir(folder) as listing:
                    for item in listing:
                        if item.name.startswith("."):
                            continue
                        if item.is_dir(follow_symlinks=False):
                            children.append(item.name)
                        elif item.name == "spec.md" and item.is_file():
                            has_spec = True
            except OSError:
                continue
            children.sort()
        dirs[rel] = [-1 if mtime >= racy_after else mtime, children, has_spec]
        if has_spec:
            files.append(folder + "/spec.md")
        stack.extend(f"{folder}/{name}" for name in children)
    files.sort()
    return files, dirs


def _inside(root: Path, path: Path) -> bool:
    try:
        return root in path.resolve().parents
    except OSError:
        return False


def _states_same(entry: IndexEntry, stated: dict[str, Any]) -> bool:
    """True when merging ``stated`` into ``entry`` would change none of its fields."""
    return all(name[0] == "_" or getattr(entry, name) == value
               for name, value in stated.items())


def _add(index: SpecIndex, entry: IndexEntry) -> None:
    if entry.id in index.entries:
        index.duplicates.append(entry)
    else:
        index.entries[entry.id] = entry


@dataclass(slots=True)
class _Cache:
    """The scan cache: per spec file ``[size, mtime_ns, sha256, fields, warning]`` (fields
    stay undecoded JSON until needed), per folder ``[mtime_ns, subfolders, has spec.md]``,
    and the hash of the index text last written."""

    files: dict[str, Any] = field(default_factory=dict)
    dirs: dict[str, Any] = field(default_factory=dict)
    index_sha256: str | None = None


@functools.cache
def _cache_decoder() -> Any:
    import msgspec

    record: Any = tuple[int, int, str, msgspec.Raw, str | None]
    folder: Any = tuple[int, list[str], bool]
    cache_file = msgspec.defstruct("CacheFile", [
        ("schema", int), ("extractor", int), ("files", dict[str, record]),
        ("dirs", dict[str, folder], msgspec.field(default_factory=dict)),
        ("index_sha256", str | None, None)])
    return msgspec.json.Decoder(cache_file)


def _read_cache(cache_path: Path | None) -> _Cache:
    """The cache; an unreadable, malformed or outdated one is simply not used."""
    if cache_path is None:
        return _Cache()
    import msgspec

    try:
        data = _cache_decoder().decode(read_regular(cache_path))
    except (OSError, msgspec.DecodeError, msgspec.ValidationError):
        return _Cache()
    if data.schema != CACHE_SCHEMA_VERSION or data.extractor != EXTRACTOR_VERSION:
        return _Cache()
    return _Cache(files=data.files, dirs=data.dirs, index_sha256=data.index_sha256)


def _cached_fields(value: Any) -> dict[str, Any] | None:
    """A cache record's spec fields, decoded on demand; None when they are unusable."""
    import msgspec

    if isinstance(value, dict):
        return value
    try:
        stated = msgspec.json.decode(value)
    except msgspec.DecodeError:
        return None
    if not isinstance(stated, dict) or not isinstance(stated.get("id"), str):
        return None
    return stated


def _read_spec_bytes(path: Path, rel: str) -> bytes:
    try:
        return path.read_bytes()
    except OSError as exc:
        raise DocumentError(f"{rel}: cannot be read ({exc.strerror})") from None


def _decode_spec(data: bytes, rel: str) -> str:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise DocumentError(f"{rel}: not UTF-8 text (byte {exc.start}); expected a Markdown spec"
                            ) from None


def _relative(path: Path, root: Path) -> str:
    try:
        rel = path.relative_to(root).as_posix()
    except ValueError:
        return path.as_posix()
    return rel or "."


# --------------------------------------------------------------------------------------------
# Writing (the one place this module touches the disk for writing)


def save_index(index: SpecIndex, path: Path, *, text: str | None = None,
               cache_path: Path | None = None) -> list[Path]:
    """Write the index (and the scan cache of a build, given ``cache_path``) atomically. The
    caller holds ``fsutil.locked(state_dir)``. The index file is not rewritten when its text
    is unchanged. Returns the files written."""
    from smartspec.fsutil import atomic_write

    payload = (dump_as_found(index) if text is None else text).encode("utf-8")
    old_cache = _read_or_none(cache_path) if cache_path is not None else None
    cache_folder_made = cache_path is not None and not cache_path.parent.exists()
    try:
        if cache_path is not None and index.scan is not None:
            import msgspec

            # The cache is written first and names the index text it belongs to: after a
            # crash between the two writes the names differ and the next build compares
            # every field.
            index.scan.cache["index_sha256"] = hashlib.sha256(payload).hexdigest()
            from smartspec.meta import escape_line_breaks

            encoded = escape_line_breaks(  # in walk order already; one line for every reader
                msgspec.json.encode(index.scan.cache).decode("utf-8")).encode("utf-8")
            if old_cache != encoded:
                atomic_write(cache_path, encoded)
        if _read_or_none(path) == payload:
            return []
        atomic_write(path, payload)
    except OSError as exc:
        # A full disk or a read-only file system: put the cache back as it was, so a refused
        # run leaves the tree untouched.
        if cache_path is not None:
            with contextlib.suppress(OSError):
                if old_cache is not None:
                    atomic_write(cache_path, old_cache)
                else:
                    cache_path.unlink(missing_ok=True)
                    if cache_folder_made:
                        cache_path.parent.rmdir()
        raise WorkspaceError(f"{exc.filename or path}: cannot be written ({exc.strerror}); "
                             "the index was left as it was") from None
    return [path]


def _read_or_none(path: Path) -> bytes | None:
    try:
        return read_regular(path)
    except OSError:
        return None


@dataclass(slots=True)
class RefreshResult:
    index: SpecIndex
    path: Path  # the index file (written, or that would be written)
    found: Path | None  # the index file the lookup found, None when there was none
    old_text: str | None
    new_text: str
    written: list[Path]
    dry_run: bool

    @property
    def changed(self) -> bool:
        return self.old_text != self.new_text

    def diff(self, root: Path) -> str:
        name = _relative(self.path, root)
        return "".join(difflib.unified_diff(
            (self.old_text or "").splitlines(keepends=True),
            self.new_text.splitlines(keepends=True),
            fromfile=f"a/{name}" if self.old_text is not None else "/dev/null",
            tofile=f"b/{name}"))


def refresh_index(root: Path, state_dir: Path, specs_dir: Path, *, specindex: str | None = None,
                  dry_run: bool = False, repo: str | None = None, lock_timeout: float = 60.0,
                  now_ns: int | None = None, migrate: bool = False) -> RefreshResult:
    """``smartspec index``: under the lock, load the index the lookup finds (or start one at
    ``<state_dir>/SPEC_INDEX.json``), rebuild it from ``specs_dir``, write it back where it was
    found together with the scan cache, in the shape it was found unless ``migrate`` asks
    for schema 1. With ``dry_run`` nothing is written."""
    from smartspec.fsutil import LOCK_DIR, inside_root, locked, sweep_stale_temps

    root = root.resolve()
    state_dir = inside_root(root, state_dir, what="output dir")
    specs_dir = inside_root(root, specs_dir, what="specs dir")
    # A dry run shows what would happen to the index found (its migration, say) even where
    # there is no specs folder to scan; a write without one would empty the index, so it stays
    # refused.
    no_specs = not specs_dir.is_dir()
    if no_specs and not dry_run:
        raise UsageError(f"specs dir {_relative(specs_dir, root)!r} does not exist; expected a "
                         "folder of <category>/<spec-id>/spec.md (see --specs-dir)")
    cache_path = state_dir / "cache" / "index-cache.json"
    with locked(state_dir, folder=state_dir / LOCK_DIR, timeout=lock_timeout), _gc_paused():
        found = locate_index(root, state_dir, specindex)
        if found is not None and specindex:
            found = inside_root(root, found, what="--specindex")
        path = found or state_dir / INDEX_FILE
        if path.exists() and not path.is_file():
            raise WorkspaceError(f"{_relative(path, root)} is not a file; expected a JSON index")
        old_text: str | None = None
        previous: SpecIndex | None = None
        if path.is_file():
            raw = path.read_bytes()
            previous = parse_index(raw, source=path)
            old_text = raw.decode("utf-8", "replace")
        if no_specs:
            index = previous if previous is not None else SpecIndex()
            index.scan = ScanReport(warnings=[
                f"specs dir {_relative(specs_dir, root)!r} does not exist; nothing scanned, the "
                "index is shown as it would be written"])
        else:
            index = _build(root, specs_dir, previous, cache_path, repo=repo, now_ns=now_ns)
        index.source = path if path.is_file() else None
        new_text = dump_index(index) if migrate else dump_as_found(index)
        written: list[Path] = []
        if not dry_run:
            written = save_index(index, path, text=new_text, cache_path=cache_path)
            # Every writer holds the lock taken here, so a temp file beside a spec now is one
            # a killed run left behind.
            sweep_stale_temps(specs_dir.glob("*/*/.spec.md.*.tmp"))
    return RefreshResult(index=index, path=path, found=found if found and found.is_file() else None,
                         old_text=old_text, new_text=new_text, written=written, dry_run=dry_run)


# --------------------------------------------------------------------------------------------
# Checks


@contextlib.contextmanager
def _gc_paused() -> Iterator[None]:
    """Pause the cyclic garbage collector: a build allocates tens of thousands of small,
    acyclic objects, and collections triggered by their count alone cost a fifth of the run."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def check_index(index: SpecIndex, root: Path, *, specs_dir: Path | None = None,
                cache_path: Path | None = None, repo: str | None = None,
                id_pattern: str | None = None) -> list[IndexFinding]:
    """Every defect of the index against the files under ``root``, errors first.

    ``id_pattern`` (the config's ``index.idPattern``, else ``DEFAULT_ID_PATTERN``) is the
    shape an id must have; an id of another shape is a warning, not an error: an id is a name,
    and a project may have its own convention.

    With ``specs_dir``, spec files that have no entry are reported too. With ``repo`` (this
    repository's name), entries of other repositories are not looked for on disk. The cache
    (when given) saves parsing files whose hash it knows.
    """
    root = root.resolve()
    findings: list[IndexFinding] = []

    def report(code: str, message: str, spec_id: str | None) -> None:
        findings.append(IndexFinding(code, CHECKS[code][0], message, spec_id))

    cached = _read_cache(cache_path).files
    specs_rel = _relative(specs_dir.resolve(), root) if specs_dir is not None else None
    seen_paths: dict[str, str] = {}
    pattern = re.compile(id_pattern or DEFAULT_ID_PATTERN)
    for entry in sorted(index.all_entries(), key=lambda e: (e.id, e.path or "")):
        _check_entry(entry, index, root, report, seen_paths, cached, specs_rel, repo, pattern)
    for dup in index.duplicates:
        first = index.entries[dup.id]
        report("duplicate-id", f"{dup.id}: the id appears twice in the index (paths "
                               f"{first.path or 'none'} and {dup.path or 'none'})", dup.id)
    for cycle, rest in find_cycles(index):
        message = "dependency cycle: " + " -> ".join(cycle)
        if rest:
            message += f" (also in this cycle group: {', '.join(rest)})"
        report("cycle", message, cycle[0])
    if specs_dir is not None and specs_dir.is_dir():
        indexed = {e.path for e in index.all_entries() if e.path}
        for item in spec_files(specs_dir.resolve()):
            rel = _relative(Path(item.path), root)
            if rel in indexed:
                continue
            try:
                spec_id = spec_fields(_decode_spec(Path(item.path).read_bytes(), rel), rel,
                                      specs_rel)["id"]
            except (OSError, DocumentError):
                spec_id = PurePosixPath(rel).parent.name
            report("unindexed-spec", f"{rel} ({spec_id}) is not in the index; run "
                                     "'smartspec index'", spec_id)
    findings.sort(key=lambda f: (SEVERITY_ORDER[f.severity], f.spec_id or "", f.code, f.message))
    return findings


def _check_entry(entry: IndexEntry, index: SpecIndex, root: Path, report: Reporter,
                 seen_paths: dict[str, str], cached: dict[str, Any],
                 specs_rel: str | None, repo: str | None, pattern: re.Pattern[str]) -> None:
    spec_id = entry.id
    if pattern.search(spec_id) is None:
        report("bad-id", f"{spec_id}: the id does not match the id pattern {pattern.pattern} "
                         "(set index.idPattern in the config to change it)", spec_id)
    match = ID_RE.match(spec_id)
    if match is not None and entry.category:
        named = match.group("category") or "feature"
        if named != entry.category.lower():
            report("id-category-mismatch", f"{spec_id}: the id names category {named!r} but the "
                                           f"entry's category is {entry.category!r}", spec_id)
    for dependency in entry.dependencies:
        if dependency == spec_id:
            report("self-dependency", f"{spec_id} depends on itself", spec_id)
        elif dependency not in index.entries:
            near = difflib.get_close_matches(dependency, list(index.entries), n=1, cutoff=0.8)
            hint = f" (did you mean {near[0]}?)" if near else ""
            report("unknown-dependency", f"{spec_id} depends on {dependency}, which is not in "
                                         f"the index{hint}", spec_id)
    if entry.path is None:
        report("planned", f"{spec_id}: a placeholder with no spec file yet", spec_id)
        return
    path = entry.path
    if path in seen_paths and seen_paths[path] != spec_id:
        report("duplicate-path", f"{spec_id}: {path} is also the path of {seen_paths[path]}",
               spec_id)
    seen_paths.setdefault(path, spec_id)
    if path.endswith("spec.md.md"):
        report("double-extension", f"{spec_id}: the path {path} ends in spec.md.md; expected "
                                   f"{spec_path_for_display(path)}", spec_id)
    pure = PurePosixPath(path)
    if pure.is_absolute() or ".." in pure.parts or re.match(r"^[A-Za-z]:", path):
        report("path-outside-root", f"{spec_id}: the path {path} is not relative to the project "
                                    "root; expected a path such as specs/<category>/<id>/spec.md",
               spec_id)
        return
    if repo and entry.repo and entry.repo != repo:
        return  # the file lives in another repository
    full = root / path
    try:
        data = full.read_bytes()
    except (FileNotFoundError, NotADirectoryError, IsADirectoryError):
        report("missing-file", f"{spec_id}: the spec file {path} does not exist", spec_id)
        return
    except OSError as exc:
        report("unreadable-file", f"{spec_id}: {path} cannot be read ({exc.strerror})", spec_id)
        return
    digest = hashlib.sha256(data).hexdigest()
    record = cached.get(path)
    stated = _cached_fields(record[3]) if record is not None and record[2] == digest else None
    if stated is None:
        try:
            stated = spec_fields(_decode_spec(data, path), path, specs_rel)
        except DocumentError as exc:
            report("unreadable-file", f"{spec_id}: {exc}", spec_id)
            return
    # Guessed fields (a category from the folder, an id from the folder name) are what the
    # index may legitimately know better; only what the spec states is compared.
    skipped = {"title", *stated.get("_inferred", ())}
    stated = public_fields(stated)
    own_title = stated.get("title")
    if own_title is not None and own_title != entry.title:
        report("title-mismatch", f"{spec_id}: the index says title {entry.title!r} but {path} "
                                 f"says {own_title!r}", spec_id)
    merged = merge_entry(entry, stated, path, digest)
    differing = [name for name in SPEC_FIELDS
                 if name not in skipped and getattr(merged, name) != getattr(entry, name)]
    if differing:
        report("stale-entry", f"{spec_id}: {path} changed since it was indexed "
                              f"({', '.join(differing)} differ); run 'smartspec index'", spec_id)
    elif entry.sha256 is not None and entry.sha256 != digest:
        report("stale-entry", f"{spec_id}: {path} changed since it was indexed (its content "
                              "hash differs); run 'smartspec index'", spec_id)


def dependency_graph(index: SpecIndex) -> dict[str, list[str]]:
    """id -> the ids it depends on that are in the index (sorted, no self-loops)."""
    return {spec_id: sorted({d for d in entry.dependencies
                             if d in index.entries and d != spec_id})
            for spec_id, entry in index.entries.items()}


def find_cycles(index: SpecIndex) -> list[tuple[list[str], list[str]]]:
    """One cycle per strongly connected group of specs, as ``[a, b, ..., a]`` starting at the
    group's smallest id (the shortest way back to it), with the group's other members."""
    graph = dependency_graph(index)
    cycles: list[tuple[list[str], list[str]]] = []
    for group in _strong_components(graph):
        if len(group) < 2:
            continue
        members = set(group)
        start = min(group)
        path = _shortest_cycle(graph, start, members)
        rest = sorted(members - set(path))
        cycles.append((path, rest))
    cycles.sort(key=lambda item: item[0])
    return cycles


def _strong_components(graph: dict[str, list[str]]) -> list[list[str]]:
    """Tarjan's algorithm, iterative (10,000 specs would overflow Python's recursion)."""
    counter = 0
    number: dict[str, int] = {}
    low: dict[str, int] = {}
    on_stack: set[str] = set()
    stack: list[str] = []
    components: list[list[str]] = []
    for origin in sorted(graph):
        if origin in number:
            continue
        work: list[tuple[str, int]] = [(origin, 0)]
        while work:
            node, position = work.pop()
            if position == 0:
                number[node] = low[node] = counter
                counter += 1
                stack.append(node)
                on_stack.add(node)
            successors = graph[node]
            descended = False
            while position < len(successors):
                successor = successors[position]
                position += 1
                if successor not in number:
                    work.append((node, position))
                    work.append((successor, 0))
                    descended = True
                    break
                if successor in on_stack:
                    low[node] = min(low[node], number[successor])
            if descended:
                continue
            if low[node] == number[node]:
                component: list[str] = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.append(member)
                    if member == node:
                        break
                components.append(sorted(component))
            if work:
                parent = work[-1][0]
                low[parent] = min(low[parent], low[node])
    return components


def _shortest_cycle(graph: dict[str, list[str]], start: str, members: set[str]) -> list[str]:
    previous: dict[str, str] = {}
    queue = [start]
    for node in queue:  # breadth first; the list grows while we walk it
        for successor in graph[node]:
            if successor not in members:
                continue
            if successor == start:
                path = [node]
                while path[-1] != start:
                    path.append(previous[path[-1]])
                return [*reversed(path), start]
            if successor not in previous:
                previous[successor] = node
                queue.append(successor)
    return [start, start]  # unreachable for a strongly connected group of two or more


# --------------------------------------------------------------------------------------------
# Graph rendering


def render_graph(index: SpecIndex, fmt: Literal["mermaid", "dot"] = "mermaid",
                 focus: str | None = None) -> str:
    """The dependency graph (an arrow points from a spec to what it depends on) as Mermaid or
    Graphviz DOT. With ``focus``, only that spec, what it depends on and what depends on it
    (transitively). Dependencies that are not in the index are drawn dashed."""
    if fmt not in ("mermaid", "dot"):
        raise UsageError(f"--format: {fmt!r} is not a valid value; expected one of mermaid, dot")
    ordered, edges, missing = graph_parts(index, focus)
    if fmt == "dot":
        return _render_dot(index, ordered, edges, missing, focus)
    return _render_mermaid(index, ordered, edges, missing, focus)


def graph_parts(index: SpecIndex, focus: str | None = None
                ) -> tuple[list[str], list[tuple[str, str]], list[str]]:
    """The graph's sorted nodes, its edges (spec -> dependency) and the nodes missing from the
    index; with ``focus``, only what is connected to that spec."""
    edges: list[tuple[str, str]] = sorted(
        {(entry.id, dependency) for entry in index.all_entries()
         for dependency in entry.dependencies})
    nodes = set(index.entries) | {d for _, d in edges}
    if focus is not None:
        if focus not in index.entries:
            near = difflib.get_close_matches(focus, list(index.entries), n=1, cutoff=0.6)
            hint = f" (did you mean {near[0]}?)" if near else ""
            raise UsageError(f"--spec: {focus!r} is not in the index{hint}")
        forward: dict[str, list[str]] = {}
        backward: dict[str, list[str]] = {}
        for source, target in edges:
            forward.setdefault(source, []).append(target)
            backward.setdefault(target, []).append(source)
        nodes = _reach(focus, forward) | _reach(focus, backward)
        edges = [(s, t) for s, t in edges if s in nodes and t in nodes]
    ordered = sorted(nodes)
    return ordered, edges, [n for n in ordered if n not in index.entries]


def _reach(start: str, graph: dict[str, list[str]]) -> set[str]:
    seen = {start}
    todo = [start]
    while todo:
        for nxt in graph.get(todo.pop(), ()):
            if nxt not in seen:
                seen.add(nxt)
                todo.append(nxt)
    return seen


def _label(index: SpecIndex, spec_id: str) -> tuple[str, str | None]:
    entry = index.entries.get(spec_id)
    if entry is None:
        return spec_id, "not in the index"
    return spec_id, entry.title


def _render_mermaid(index: SpecIndex, nodes: list[str], edges: list[tuple[str, str]],
                    missing: list[str], focus: str | None) -> str:
    names: dict[str, str] = {}
    taken: set[str] = set()
    for spec_id in nodes:
        base = "n_" + re.sub(r"[^A-Za-z0-9_]", "_", spec_id)
        name, n = base, 2
        while name in taken:
            name, n = f"{base}_{n}", n + 1
        taken.add(name)
        names[spec_id] = name
    lines = ["flowchart LR"]
    for spec_id in nodes:
        head, detail = _label(index, spec_id)
        text = _mermaid_text(head) + (f"<br/>{_mermaid_text(detail)}" if detail else "")
        lines.append(f'    {names[spec_id]}["{text}"]')
    for source, target in edges:
        arrow = "-.->" if target in missing else "-->"
        lines.append(f"    {names[source]} {arrow} {names[target]}")
    if missing:
        lines.append("    classDef missing stroke-dasharray: 5 5")
        lines.append(f"    class {','.join(names[m] for m in missing)} missing")
    if focus is not None:
        lines.append("    classDef focus stroke-width:3px")
        lines.append(f"    class {names[focus]} focus")
    return "\n".join(lines) + "\n"


def _mermaid_text(text: str) -> str:
    # Mermaid entity codes keep quotes, angle brackets and '#' from ending or breaking a label.
    out = " ".join(text.split())
    for char, code in (("#", "#35;"), ('"', "#quot;"), ("<", "#lt;"), (">", "#gt;")):
        out = out.replace(char, code)
    return out


def _render_dot(index: SpecIndex, nodes: list[str], edges: list[tuple[str, str]],
                missing: list[str], focus: str | None) -> str:
    lines = ["digraph specs {", "    rankdir=LR;", "    node [shape=box];"]
    for spec_id in nodes:
        head, detail = _label(index, spec_id)
        label = _dot_text(head) + (f"\\n{_dot_text(detail)}" if detail else "")
        style = ' style=dashed' if spec_id in missing else ""
        style += " penwidth=3" if spec_id == focus else ""
        lines.append(f'    "{_dot_text(spec_id)}" [label="{label}"{style}];')
    for source, target in edges:
        style = " [style=dashed]" if target in missing else ""
        lines.append(f'    "{_dot_text(source)}" -> "{_dot_text(target)}"{style};')
    lines.append("}")
    return "\n".join(lines) + "\n"


def _dot_text(text: str) -> str:
    return " ".join(text.split()).replace("\\", "\\\\").replace('"', '\\"')
