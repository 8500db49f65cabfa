"""Incremental builds of the index from the specs tree, with the scan cache that lets a
rebuild skip files whose size and mtime have not changed. Pure of writes: the caller
(``runs/index.py``) writes what it returns through ``Workspace``."""

from __future__ import annotations

import functools
import hashlib
import os
import time
from dataclasses import dataclass, field
from pathlib import Path
from stat import S_ISLNK
from typing import Any

from smartspec.errors import DocumentError
from smartspec.fsutil import read_regular, shown_path
from smartspec.index.extract import merge_entry, public_fields, spec_fields
from smartspec.index.model import (
    CACHE_SCHEMA_VERSION,
    EXTRACTOR_VERSION,
    RACY_WINDOW_NS,
    IndexEntry,
    ScanReport,
    SpecIndex,
    add_entry,
    recompute_dependents,
)

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
    ``result.scan.cache`` for ``cache_bytes`` to encode and ``Workspace.write_index`` to
    write. Nothing is written here.

    ``previous`` is consumed: the result reuses its entry objects where nothing changed.
    """
    index = build(root, specs_dir, previous, cache_path, repo=repo, now_ns=now_ns)
    recompute_dependents(index)
    return index


def build(root: Path, specs_dir: Path, previous: SpecIndex | None, cache_path: Path | None,
           *, repo: str | None, now_ns: int | None) -> SpecIndex:
    """``build_index`` without recomputing dependents (``dump_index`` does that anyway)."""
    start_ns = time.time_ns() if now_ns is None else now_ns
    root = root.resolve()
    specs_dir = specs_dir.resolve()
    specs_rel = shown_path(specs_dir, root)
    cache = read_cache(cache_path)
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
        stated = cached_fields(record[3]) if record is not None else None
        if stated is None:
            if data is None:
                scan.read += 1
                data = _read_spec_bytes(Path(full), rel)
                digest = hashlib.sha256(data).hexdigest()
            scan.parsed += 1
            stated = spec_fields(decode_spec(data, rel), rel, specs_rel)
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
        add_entry(result, placed_entry)
    for entry in prior:
        if id(entry) in used:
            continue
        if entry.sha256 is not None and entry.path is not None and entry.path not in seen_paths:
            scan.removed.append(entry.id)
            continue
        add_entry(result, entry)
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




def cache_bytes(index: SpecIndex, index_text: str) -> bytes | None:
    """The scan cache of a build, naming the index text it belongs to (so a crash between the
    two writes is noticed); None when the index was not built by a scan."""
    if index.scan is None:
        return None
    import msgspec

    from smartspec.markers import escape_line_breaks

    index.scan.cache["index_sha256"] = hashlib.sha256(index_text.encode("utf-8")).hexdigest()
    # In walk order already; one line for every reader.
    return escape_line_breaks(msgspec.json.encode(index.scan.cache).decode("utf-8")).encode("utf-8")


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


def read_cache(cache_path: Path | None) -> _Cache:
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


def cached_fields(value: Any) -> dict[str, Any] | None:
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


def decode_spec(data: bytes, rel: str) -> str:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise DocumentError(f"{rel}: not UTF-8 text (byte {exc.start}); expected a Markdown spec"
                            ) from None
