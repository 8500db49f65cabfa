"""The scan state ``smartspec index`` keeps in ``<state>/index/``, laid out so that one spec's
record can be read and replaced without reading the others:

``manifest.json``       per spec file its size, mtime, sha256, spec id and warning, per folder
                        its mtime, subfolders and whether it holds a spec.md, and the identity
                        of the index text last written (path, size, mtime, ctime, inode,
                        sha256, entries, shape, duplicate ids): what the stat walk needs and
                        no more. Its stat block comes first, readable without JSON
                        (``index.quiet``, which answers a run in which nothing changed); the
                        rest is JSON in the same order
``entries/<id>.json``   the fields a spec file states (``{"path", "sha256", "fields"}``), read
                        only when a build must compare an entry with its file and written only
                        when a file's content is new
``ids.json``            the index's ids with the same identity, for a one-spec ``validate``

The all-JSON manifest of the previous version (schema 3) and the single-file cache of earlier
ones (``cache/index-cache.json``, fields inline) are still read, so an existing project is
migrated on its next ``smartspec index``. Nothing here writes:
``state_files`` returns bytes for ``Workspace.write_index``.
"""

from __future__ import annotations

import functools
import json
import os
import re
import sys
from collections.abc import Callable
from itertools import chain, repeat
from operator import itemgetter

from smartspec.fsutil import StrPath, read_regular
from smartspec.index.model import CACHE_SCHEMA_VERSION, SpecIndex
from smartspec.index.quiet import (
    EXTRACTOR_VERSION,
    SCOPE,
    columns,
    head_of,
    split_manifest,
    stat_block,
)

TYPE_CHECKING = False
if TYPE_CHECKING:
    from array import array
    from typing import Any

# The all-JSON manifest of the previous version, read once and then written as schema 4.
_JSON_MANIFEST_SCHEMA = 3

# An id that can name a file of its own: no separators, no leading dot, bounded length. Any
# other id (a spec can state anything) has no entry record and is parsed again when needed.
_STORABLE_ID_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,150}$")


def entry_file_name(spec_id: str) -> str | None:
    """The name of a spec's entry record, or None when its id cannot name a file."""
    return f"{spec_id}.json" if _STORABLE_ID_RE.match(spec_id) else None


class Cache:
    """The scan state read back: per spec file ``[size, mtime_ns, sha256, fields, warning,
    spec id]`` (fields inline only in the single-file cache of earlier versions; else None,
    and ``fields`` reads them from the entry store), per folder ``[mtime_ns, subfolders,
    has spec.md]``, and what is known of the index text last written."""

    __slots__ = ("dirs", "entries_dir", "files", "index", "index_sha256", "legacy", "scope")

    def __init__(self, files: dict[str, Any] | None = None, dirs: dict[str, Any] | None = None,
                 index_sha256: str | None = None, *, index: list[Any] | None = None,
                 entries_dir: str | None = None, legacy: bool = False) -> None:
        self.files: dict[str, Any] = files if files is not None else {}
        self.dirs: dict[str, Any] = dirs if dirs is not None else {}
        self.index_sha256 = index_sha256
        # [rel path, size, mtime_ns, ctime_ns, inode, sha256, entries, shape, duplicate ids]
        # of the index text last written
        self.index = index
        self.entries_dir = entries_dir  # the entry store folder (``entries/``)
        self.legacy = legacy
        # (smartspec version, config and folders) as the stat block records them: a run in
        # which nothing changed rewrites the manifest when its own differ (index.quiet)
        self.scope: tuple[str, ...] | None = None

    def fields(self, rel: str, digest: str, spec_id: str | None) -> dict[str, Any] | None:
        """The fields the file at ``rel`` with content ``digest`` states, from the cache; None
        when it does not know them."""
        record = self.files.get(rel)
        if record is not None and record[3] is not None:
            return cached_fields(record[3]) if record[2] == digest else None
        if spec_id is None or self.entries_dir is None:
            return None
        name = entry_file_name(spec_id)
        if name is None:
            return None
        import msgspec

        try:
            stored = _entry_decoder().decode(read_regular(os.path.join(self.entries_dir, name)))
        except (OSError, msgspec.DecodeError, msgspec.ValidationError):
            return None
        if stored.path != rel or stored.sha256 != digest or stored.fields.get("id") != spec_id:
            return None
        fields: dict[str, Any] = stored.fields
        return fields


@functools.cache
def _legacy_decoder() -> Any:
    import typing  # msgspec reads the field types, and loads typing itself

    import msgspec

    cache_file = msgspec.defstruct("CacheFile", [
        ("schema", int), ("extractor", int), ("files", dict[str, list[typing.Any]]),
        ("dirs", dict[str, tuple[int, list[str], bool]], msgspec.field(default_factory=dict)),
        ("index_sha256", str | None, None)])
    return msgspec.json.Decoder(cache_file)


# The types of the index's identity in the manifest: [rel path, size, mtime_ns, ctime_ns,
# inode, sha256, entries, shape, duplicate ids].
_IDENTITY_TYPES = (str, int, int, int, int, str, int, str, int)


def _is_manifest_rest(data: Any) -> bool:
    """Whether ``data`` (the JSON after a manifest's stat block, decoded) has the shape a build
    writes: lists of sha256 strings, ids and warnings (strings or null), subfolder lists and
    spec.md flags, and the index's identity or null. The standard library decodes it: it
    reads these flat lists as fast as msgspec does, and an index run that edits one entry in
    place then does not import msgspec at all."""
    if type(data) is not dict or type(data.get("extractor")) is not int:
        return False
    index = data.get("index")
    if index is not None and not (type(index) is list and len(index) == len(_IDENTITY_TYPES)
                                  and all(map(_is_a, index, _IDENTITY_TYPES))):
        return False
    lists: list[Any] = [data.get(key) for key in ("sha256", "ids", "warnings", "children",
                                                   "has_spec")]
    if not all(type(value) is list for value in lists):
        return False
    sha256, ids, warnings, children, has_spec = lists
    return (all(type(value) is str for value in sha256)
            and all(value is None or type(value) is str for value in chain(ids, warnings))
            and all(type(value) is list and all(type(name) is str for name in value)
                    for value in children)
            and all(type(value) is bool for value in has_spec))


def _is_a(value: Any, kind: type) -> bool:
    return type(value) is kind


@functools.cache
def _json_manifest_decoder() -> Any:
    import msgspec

    record: Any = tuple[int, int, str, str | None, str | None]
    folder: Any = tuple[int, list[str], bool]
    index: Any = tuple[str, int, int, int, int, str, int, str, int] | None
    manifest = msgspec.defstruct("Manifest", [
        ("schema", int), ("extractor", int), ("files", dict[str, record]),
        ("dirs", dict[str, folder]), ("index", index, None)])
    return msgspec.json.Decoder(manifest)


@functools.cache
def _entry_decoder() -> Any:
    import typing  # msgspec reads the field types, and loads typing itself

    import msgspec

    stored = msgspec.defstruct("StoredEntry", [
        ("path", str), ("sha256", str), ("fields", dict[str, typing.Any])])
    return msgspec.json.Decoder(stored)


def read_cache(cache_path: StrPath | None) -> Cache:
    """The scan state at ``cache_path``: a manifest (its entry store beside it, in
    ``entries/``) or the single-file cache of earlier versions. An unreadable, malformed or
    outdated one is simply not used."""
    if cache_path is None:
        return Cache()
    try:
        raw = read_regular(cache_path)
    except OSError:
        return Cache()
    entries_dir = os.path.join(os.path.dirname(cache_path), "entries")
    split = split_manifest(raw)
    if split is not None:
        return _read_manifest(*split, entries_dir=entries_dir)
    # Earlier versions' files, read once (with msgspec's typed decoders) and then rewritten.
    import msgspec

    try:
        data = _json_manifest_decoder().decode(raw)
    except (msgspec.DecodeError, msgspec.ValidationError):
        data = None
    if data is not None:
        if data.schema != _JSON_MANIFEST_SCHEMA or data.extractor != EXTRACTOR_VERSION:
            return Cache()
        records: dict[str, tuple[Any, ...]] = {
            rel: (size, mtime, digest, None, warning, spec_id)
            for rel, (size, mtime, digest, spec_id, warning) in data.files.items()}
        index = list(data.index) if data.index is not None else None
        # Marked legacy so that the walk rewrites it in the current schema, even when
        # nothing else changed.
        return Cache(records, data.dirs, index[5] if index else None, index=index,
                     entries_dir=entries_dir, legacy=True)
    try:
        old = _legacy_decoder().decode(raw)
    except (msgspec.DecodeError, msgspec.ValidationError):
        return Cache()
    if old.schema != CACHE_SCHEMA_VERSION or old.extractor != EXTRACTOR_VERSION:
        return Cache()
    files: dict[str, tuple[Any, ...]] = {}
    for rel, record in old.files.items():
        if (len(record) < 5 or not isinstance(record[0], int) or not isinstance(record[1], int)
                or not isinstance(record[2], str)):
            continue
        fields = record[3] if isinstance(record[3], dict) else None
        spec_id = fields.get("id") if fields is not None else None
        files[rel] = (record[0], record[1], record[2], fields, record[4],
                      spec_id if isinstance(spec_id, str) else None)
    return Cache(files, old.dirs, old.index_sha256, legacy=True)


def _read_manifest(fields: list[str], ints: array[int], rest: bytes, *,
                   entries_dir: str) -> Cache:
    """A schema-4 manifest read back: stats from its stat block, the rest from its JSON (in
    the same order); an empty cache when the two disagree or the extractor has changed."""
    try:
        data = json.loads(rest)
    except (ValueError, RecursionError):  # not UTF-8, not JSON
        return Cache()
    head = head_of(fields)
    files, dirs = int(head["files"]), int(head["dirs"])
    if (not _is_manifest_rest(data) or data["extractor"] != EXTRACTOR_VERSION
            or head["extractor"] != str(EXTRACTOR_VERSION)
            or not len(data["sha256"]) == len(data["ids"]) == len(data["warnings"]) == files
            or not len(data["children"]) == len(data["has_spec"]) == dirs):
        return Cache()
    paths, sizes, mtimes, folder_paths, stamps = columns(fields, ints)
    # zip, not a loop of indexing: this runs on every build, over every spec.
    try:
        records = dict(zip(paths, zip(
            sizes, mtimes, data["sha256"], repeat(None, files), data["warnings"], data["ids"],
            strict=True), strict=True))
        folders = dict(zip(folder_paths, zip(stamps, data["children"], data["has_spec"],
                                             strict=True), strict=True))
    except ValueError:
        return Cache()
    if len(records) != files or len(folders) != dirs:
        return Cache()
    index = data.get("index")
    cache = Cache(records, folders, index[5] if index else None, index=index,
                  entries_dir=entries_dir)
    cache.scope = tuple(head[name] for name in SCOPE)
    return cache


def cached_fields(value: Any) -> dict[str, Any] | None:
    """A cache record's spec fields, decoded on demand; None when they are unusable."""
    import msgspec

    if isinstance(value, dict):
        stated = value
    else:
        try:
            stated = msgspec.json.decode(value)
        except (msgspec.DecodeError, TypeError):
            return None
    if not isinstance(stated, dict) or not isinstance(stated.get("id"), str):
        return None
    return stated


def state_files(index: SpecIndex, index_text: str, *,
                shape: tuple[int, str, int] | None = None,
                scope: tuple[str, ...] | None = None) -> tuple[
        dict[str, bytes], Callable[[str, os.stat_result | None], bytes]] | None:
    """What a build leaves for the next one: the entry records to write (file name -> bytes:
    files parsed in this run, or every file when the cache was the single-file kind) and a
    function of the index file's name and stat after it is written that gives the manifest's
    bytes. None when the index was not built by a scan."""
    if index.scan is None or not index.scan.cache:
        return None
    cache = index.scan.cache
    records: dict[str, list[Any]] = cache["files"]
    entries: dict[str, bytes] = {}
    for rel, record in records.items():
        fields = record[3]
        if fields is None:
            continue
        name = entry_file_name(record[5]) if isinstance(record[5], str) else None
        if name is not None:
            entries[name] = _one_line(_compact({"path": rel, "sha256": record[2],
                                                "fields": fields}))
    from smartspec.digest import sha256_hex

    digest = sha256_hex(index_text)
    # (entries, shape, duplicate ids): given when the index was edited in place, not loaded.
    count, written_shape, duplicates = shape if shape is not None else (
        len(index.entries) + len(index.duplicates),
        "v1" if index.shape == "new" else index.shape, len(index.duplicates))

    def manifest(index_rel: str, stat: os.stat_result | None) -> bytes:
        identity = None if stat is None else [
            index_rel, stat.st_size, stat.st_mtime_ns, stat.st_ctime_ns, stat.st_ino, digest,
            count, written_shape, duplicates]
        return manifest_bytes(records, cache["dirs"], identity, scope)

    return entries, manifest


def manifest_bytes(records: dict[str, list[Any]], dirs: dict[str, list[Any]],
                   identity: list[Any] | None, scope: tuple[str, ...] | None = None) -> bytes:
    """The manifest: the stat block (each file's size and mtime, each folder's mtime, the
    warnings, the identity of the index text it describes and, in ``scope``, the config and
    folders the run saw; see ``index.quiet.stat_block``), then JSON with the files' sha256,
    spec ids and warnings and the folders' subfolders and spec.md flags as lists in the same
    order, and the index's identity."""
    if sum(1 for folder in dirs.values() if folder[2]) != len(records):
        # A spec.md the walk skipped (a link out of the project, a file gone since its folder
        # was listed): a run must look at it again, and say why.
        scope = None
    block = stat_block(scope, records, dirs, identity)
    files, folders = records.values(), dirs.values()
    rest = _compact({
        "extractor": EXTRACTOR_VERSION, "index": identity,
        "sha256": list(map(itemgetter(2), files)), "ids": list(map(itemgetter(5), files)),
        "warnings": list(map(itemgetter(4), files)),
        "children": list(map(itemgetter(1), folders)),
        "has_spec": list(map(itemgetter(2), folders))}, checked=True)
    return block + _one_line(rest)


def _compact(value: dict[str, Any], *, checked: bool = False) -> bytes:
    """``value`` as one line of JSON, by msgspec when a build has loaded it already (a full
    build: it is several times faster per byte), else by the standard library's C encoder,
    which writes the same bytes for values without floats (``same_bytes_from_stdlib``; the
    manifest's lists hold none, ``checked``), so that an index run that edits an entry in
    place does not import msgspec for a few records."""
    from smartspec.registry import same_bytes_from_stdlib

    if "msgspec" not in sys.modules and (checked or same_bytes_from_stdlib(value)):
        return json.dumps(value, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    import msgspec

    return msgspec.json.encode(value)


def _one_line(data: bytes) -> bytes:
    """JSON bytes with raw U+0085, U+2028 and U+2029 escaped, so every reader sees one line;
    the check is done on the bytes because these characters are rare and a scan of a large
    text for them with a regular expression is slow."""
    if b"\xc2\x85" in data or b"\xe2\x80\xa8" in data or b"\xe2\x80\xa9" in data:
        from smartspec.markers import escape_line_breaks

        return escape_line_breaks(data.decode("utf-8")).encode("utf-8")
    return data
