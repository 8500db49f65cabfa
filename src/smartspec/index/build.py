"""Incremental builds of the index from the specs tree: a stat walk against the scan state
(``index.state``) that opens only files whose size or mtime changed and parses only those
whose content is new, then a merge with the previous index. Pure of writes: the caller
(``runs/index.py``) writes what it returns through ``Workspace``."""

from __future__ import annotations

import os
import re
import time
from stat import S_ISLNK

from smartspec.digest import sha256_hex
from smartspec.errors import DocumentError
from smartspec.fsutil import StrPath, is_within, read_regular, shown_path
from smartspec.index.extract import merge_entry, public_fields, spec_fields
from smartspec.index.model import (
    CACHE_SCHEMA_VERSION,
    RACY_WINDOW_NS,
    IndexEntry,
    ScanReport,
    SpecIndex,
    add_entry,
    recompute_dependents,
)
from smartspec.index.quiet import EXTRACTOR_VERSION, StatCheck
from smartspec.index.state import Cache, read_cache
from smartspec.specfile import decode_spec

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

# What ``atomic_write`` leaves beside a spec when a run is killed mid-write.
_SPEC_TEMP_RE = re.compile(r"^\.spec\.md\..+\.tmp$")

# --------------------------------------------------------------------------------------------
# Building from the specs tree


def spec_files(specs_dir: StrPath) -> list[os.DirEntry[str]]:
    """Every ``spec.md`` under ``specs_dir``, ordered by path; hidden folders are skipped and
    symbolic links to folders are not followed."""
    found: list[os.DirEntry[str]] = []
    stack = [os.fspath(specs_dir)]
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


class Walk:
    """What a stat walk of the specs tree found, before any index is read: per spec file its
    record ``[size, stamp, sha256, fields, warning, spec id]`` (fields are a dict when the
    file was parsed in this run, else None: they are in the entry store), the files whose
    content is new or changed, the folder records, and stale temp files seen on the way."""

    __slots__ = ("cache", "changed", "clean", "dirs", "fresh", "prefix", "records", "scan",
                 "specs_rel", "temps")

    def __init__(self, cache: Cache, prefix: str, specs_rel: str) -> None:
        self.cache = cache
        self.prefix = prefix  # the root with a trailing slash: prefix + rel is the file
        self.specs_rel = specs_rel
        self.scan = ScanReport()
        self.records: dict[str, list[Any]] = {}
        self.changed: list[str] = []  # rel paths whose content is new to the manifest
        self.dirs: dict[str, list[Any]] = {}
        self.temps: list[str] = []
        self.clean = True  # nothing found that the manifest does not already say
        self.fresh: dict[str, dict[str, Any]] = {}  # rel -> fields parsed in this run

    def fields(self, rel: str) -> dict[str, Any] | None:
        """The fields the file at ``rel`` states: parsed in this run, or from the store."""
        fields = self.fresh.get(rel)
        if fields is not None:
            return fields
        record = self.records[rel]
        return self.cache.fields(rel, record[2], record[5])


def walk_tree(root: StrPath, specs_dir: StrPath, cache: Cache, *, now_ns: int | None = None,
              checked: StatCheck | None = None) -> Walk:
    """Stat every spec file under ``specs_dir`` against ``cache``: a file whose size and mtime
    match is not opened; one whose hash matches is not parsed again. Folders whose mtime is
    unchanged are not listed again. ``checked``: the stat check this run made of the same
    manifest before the lock (``index.quiet``), whose verdict stands for the stats of every
    file and folder the manifest records and the check did not find changed."""
    start_ns = time.time_ns() if now_ns is None else now_ns
    root = os.path.realpath(root)
    specs_dir = os.path.realpath(specs_dir)
    prefix = root.rstrip("/") + "/"
    walk = Walk(cache, prefix, shown_path(specs_dir, root))
    scan = walk.scan
    racy_after = start_ns - RACY_WINDOW_NS
    files = _scan_tree(walk, prefix, specs_dir, racy_after,
                       None if checked is None else checked.dirs)
    known = cache.files
    changed_files = None if checked is None else checked.files
    for full in files:
        # String slicing, not os.path.relpath: this loop runs once per spec on every build.
        rel = full[len(prefix):] if full.startswith(prefix) else full
        if changed_files is not None and rel not in changed_files:
            record = known.get(rel)
            if record is not None:
                # Checked: a regular file of the recorded size and mtime (never a racily
                # clean stamp, which no mtime equals), so the record stands as it is.
                scan.found += 1
                walk.records[rel] = record
                if record[4]:
                    scan.warnings.append(record[4])
                continue
        try:
            stat = os.lstat(full)
            if S_ISLNK(stat.st_mode):
                if not is_within(os.path.realpath(full), root):
                    scan.warnings.append(f"{rel}: a link to a file outside the project root; "
                                         "skipped")
                    continue
                stat = os.stat(full)
        except OSError:
            continue  # gone since the folder was listed
        scan.found += 1
        size, mtime = stat.st_size, stat.st_mtime_ns
        record = known.get(rel)
        stamp = -1 if mtime >= racy_after else mtime  # -1: racily clean
        if record is not None and record[0] == size and record[1] == mtime:
            # The record as it was (fields inline in the single-file cache move to the entry
            # store on this write); a new stamp makes a new record and a new manifest.
            if stamp == mtime:
                walk.records[rel] = record
            else:
                walk.records[rel] = [size, stamp, record[2], record[3], record[4], record[5]]
                walk.clean = False
            if record[4]:
                scan.warnings.append(record[4])
            continue
        walk.clean = False
        scan.read += 1
        data = _read_spec_bytes(full, rel)
        digest = sha256_hex(data)
        if record is not None and record[2] == digest:
            walk.records[rel] = [size, stamp, digest, record[3], record[4], record[5]]
            if record[4]:
                scan.warnings.append(record[4])
            continue
        scan.parsed += 1
        stated = spec_fields(decode_spec(data, rel)[0], rel, walk.specs_rel)
        warning = stated.pop("_warning", None)
        if warning:
            scan.warnings.append(warning)
        walk.fresh[rel] = stated
        walk.changed.append(rel)
        walk.records[rel] = [size, stamp, digest, stated, warning, stated["id"]]
    if walk.records.keys() != known.keys() or cache.legacy:
        walk.clean = False
    return walk


def build_index(root: StrPath, specs_dir: StrPath, previous: SpecIndex | None,
                cache_path: StrPath | None, *, repo: str | None = None,
                now_ns: int | None = None) -> SpecIndex:
    """The index of every spec under ``specs_dir``, merged with ``previous``.

    Incremental: a file whose size and mtime match the cache is not opened; one whose hash
    matches is not parsed again. Entries of ``previous`` are matched by path, then by id (a
    spec that moved); an entry that was indexed from a file (it has a ``sha256``) and whose
    file is gone is removed; hand-made entries (placeholders, specs of other repositories)
    are kept. ``repo`` is the repository of specs that state none. The new scan state is in
    ``result.scan.cache`` for ``state_files`` to encode and ``Workspace.write_index`` to
    write. Nothing is written here.

    ``previous`` is consumed: the result reuses its entry objects where nothing changed.
    """
    walk = walk_tree(root, specs_dir, read_cache(cache_path), now_ns=now_ns)
    index = merge(walk, previous, repo=repo)
    recompute_dependents(index)
    return index


def merge(walk: Walk, previous: SpecIndex | None, *, repo: str | None,
          rewritten: frozenset[str] | None = None) -> SpecIndex:
    """The index a walk describes, merged with ``previous`` (``build_index`` without
    recomputing dependents, which ``dump_index`` does anyway). ``rewritten``: when
    ``previous`` is the last build's text plus smartspec's own writes of the entries of the
    specs at these paths (``state.index_lineage``), every other entry is the build's own."""
    scan = walk.scan
    prior = previous.all_entries() if previous is not None else []
    by_path: dict[str, IndexEntry] = {}
    by_id: dict[str, IndexEntry] = {}
    for entry in prior:
        if entry.path is not None:
            by_path.setdefault(entry.path, entry)
        by_id.setdefault(entry.id, entry)
    # An index byte for byte as the last build wrote it holds exactly what that build made
    # of each file, so an entry whose file is unchanged is reused without comparing fields.
    trusted = previous is not None and (rewritten is not None or (
        previous.source_sha256 is not None
        and previous.source_sha256 == walk.cache.index_sha256))
    untrusted = rewritten or frozenset()
    placed: list[IndexEntry | None] = []  # in walk order; None = merged below
    pending: list[tuple[int, str, dict[str, Any], str]] = []
    used: set[int] = set()  # id() of previous entries taken over
    for rel, record in walk.records.items():
        digest = record[2]
        base = by_path.get(rel)
        if (trusted and rel not in walk.fresh and rel not in untrusted and base is not None
                and base.sha256 == digest and id(base) not in used
                and (base.repo is not None or not repo)):
            used.add(id(base))
            placed.append(base)
            continue
        stated = walk.fields(rel)
        if stated is None:
            # Neither parsed now nor in the store: read the file once more.
            scan.read += 1
            scan.parsed += 1
            full = walk.prefix + rel
            data = _read_spec_bytes(full, rel)
            digest = sha256_hex(data)
            stated = spec_fields(decode_spec(data, rel)[0], rel, walk.specs_rel)
            stated.pop("_warning", None)
            walk.fresh[rel] = stated
            walk.records[rel] = [record[0], record[1], digest, stated, record[4], stated["id"]]
        pending.append((len(placed), rel, stated, digest))
        placed.append(None)

    seen_paths = walk.records.keys()
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
                  "index_sha256": None, "files": walk.records, "dirs": walk.dirs}
    return result


def _scan_tree(walk: Walk, prefix: str, specs_dir: str, racy_after: int,
               changed_dirs: frozenset[str] | None) -> list[str]:
    """The ``spec.md`` files under ``specs_dir`` (sorted absolute paths), listing only the
    folders whose mtime changed since the cached listing: adding, removing or renaming an
    entry changes its folder's mtime, so an unchanged folder has unchanged children. Sets the
    walk's folder records ``[mtime_ns, subfolders, has spec.md]`` and collects the temp files
    a killed write left beside a spec (they changed their folder's mtime, so the folder is
    listed). Hidden folders are skipped and links to folders are not followed.
    ``changed_dirs``: the folders a stat check found changed; every other folder the cache
    records was checked unchanged and is not stat'ed again."""
    files: list[str] = []
    cached = walk.cache.dirs
    dirs = walk.dirs
    stack = [specs_dir]
    while stack:
        folder = stack.pop()
        rel = folder[len(prefix):] if folder.startswith(prefix) else folder
        record = cached.get(rel)
        if record is not None and changed_dirs is not None and rel not in changed_dirs:
            mtime = record[0]  # checked: as recorded (never a racily clean stamp)
        else:
            try:
                mtime = os.stat(folder).st_mtime_ns
            except OSError:
                continue
        if record is not None and record[0] == mtime:
            children, has_spec = record[1], record[2]
            dirs[rel] = record
        else:
            walk.clean = False
            children, has_spec = [], False
            try:
                with os.scandir(folder) as listing:
                    for item in listing:
                        name = item.name
                        if name.startswith("."):
                            if _SPEC_TEMP_RE.match(name):
                                walk.temps.append(item.path)
                            continue
                        if item.is_dir(follow_symlinks=False):
                            children.append(name)
                        elif name == "spec.md" and item.is_file():
                            has_spec = True
            except OSError:
                continue
            children.sort()
            stamp = -1 if mtime >= racy_after else mtime
            dirs[rel] = [stamp, children, has_spec]
        if has_spec:
            files.append(folder + "/spec.md")
        if children:
            stack.extend(f"{folder}/{name}" for name in children)
    files.sort()
    if dirs.keys() != cached.keys():
        walk.clean = False
    return files


def _states_same(entry: IndexEntry, stated: dict[str, Any]) -> bool:
    """True when merging ``stated`` into ``entry`` would change none of its fields."""
    return all(name[0] == "_" or getattr(entry, name) == value
               for name, value in stated.items())


def _read_spec_bytes(path: str, rel: str) -> bytes:
    try:
        return read_regular(path)  # a FIFO that took a spec's place since the walk: refused
    except OSError as exc:
        raise DocumentError(f"{rel}: cannot be read ({exc.strerror})") from None
