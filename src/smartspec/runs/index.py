"""``smartspec index`` and ``smartspec graph``: find the project's places, load or rebuild the
index with the pure ``smartspec.index`` stages, and hand the text to ``Workspace`` to write
under the lock. ``commands/index.py`` turns the words into these calls and the results into
output."""

from __future__ import annotations

import gc
import os

from smartspec.errors import UsageError, WorkspaceError
from smartspec.fsutil import StrPath, inside_root, read_regular, shown_path
from smartspec.index.model import (
    INDEX_FILE,
    LEGACY_CACHE_FILE,
    MANIFEST_FILE,
    IndexFinding,
    ScanReport,
    SpecIndex,
)
from smartspec.tuples import NamedTuple

TYPE_CHECKING = False
if TYPE_CHECKING:
    from types import TracebackType
    from typing import Any

    from smartspec.index.build import Walk
    from smartspec.index.quiet import StatCheck
    from smartspec.index.state import Cache
    from smartspec.workspace import Workspace


class IndexScope(NamedTuple):
    """Where an index run works: the root, the state dir, the specs dir, this repository's
    name (entries of other repositories are not looked for on disk) and the id pattern the
    config asks ``--check`` to enforce. Paths are absolute and resolved."""

    root: str
    state_dir: str
    specs_dir: str
    repo: str | None
    id_pattern: str | None = None  # the config's index.idPattern
    # The config files' identities and the output and specs dirs as configured, seen before
    # the config was read; None when flags named the folders (see index.quiet).
    configured: tuple[str, str, str, str] | None = None

    def show(self, path: StrPath) -> str:
        return shown_path(os.path.realpath(path), self.root)


def scope_for(specs_dir: str | None, output_dir: str | None) -> IndexScope:
    """The scope of this project from the config and the two flags (None = not given)."""
    from smartspec.config import load_settings
    from smartspec.fsutil import find_root
    from smartspec.index.quiet import config_identities
    from smartspec.options import Options

    # Stat-ed before they are read, so that a config file changed meanwhile is never recorded
    # as the one this run found valid.
    root = find_root()
    seen = config_identities(root)
    settings = load_settings(Options(specs_dir=specs_dir, output_dir=output_dir))
    specs = settings.source("specs_dir")
    where = f" (from {specs.describe()})" if specs.source != "flag" else ""
    folder = inside_root(settings.root, specs.value, what=f"specs dir{where}")
    configured = None
    if specs_dir is None and output_dir is None and settings.root == root:
        configured = (*seen, str(settings["output_dir"]), str(specs.value))
    return IndexScope(settings.root, settings.state_dir, folder,
                      settings["repo"] or None,
                      settings["index_id_pattern"], configured)


class RefreshResult:
    """What ``refresh_index`` did: the index (``index``: loaded on first use when the run did
    not need it whole), its shape and scan report, where it is, its old and new text when
    they were made, and the files written. Paths are strings."""

    __slots__ = ("_index", "dry_run", "found", "new_text", "old_data", "path", "scan",
                 "shape", "size", "written")

    def __init__(self, index: SpecIndex, path: str, found: str | None, old_data: bytes | None,
                 new_text: str | None, written: list[str], dry_run: bool, *,
                 size: int | None = None, loaded: bool = True) -> None:
        self._index = index if loaded else None
        self.scan = index.scan
        self.shape = index.shape
        self.path = path  # the index file (written, or that would be written)
        self.found = found  # the index file the lookup found, None when there was none
        self.old_data = old_data  # None when there was none, or when it was not read
        self.new_text = new_text  # None when the index was not read: nothing changed
        self.written = written
        self.dry_run = dry_run
        self.size = len(index.all_entries()) if size is None else size  # entries

    @property
    def migrated(self) -> bool:
        return self.shape not in ("v1", "new")

    @property
    def index(self) -> SpecIndex:
        """The index with its entries (read now from the new text, or from the file, when the
        run only stat-ed the tree or edited the text in place)."""
        if self._index is None:
            from smartspec.index.migrate import load_index, parse_index

            loaded = (parse_index(self.new_text, source=self.path) if self.new_text is not None
                      else load_index(self.path))
            loaded.scan = self.scan
            self._index = loaded
        return self._index

    @property
    def old_text(self) -> str | None:
        # Decoded only for a diff: an index of 10,000 specs is 8 MB.
        return None if self.old_data is None else self.old_data.decode("utf-8", "replace")

    @property
    def changed(self) -> bool:
        if self.new_text is None:
            return False
        return self.old_data is None or self.old_data != self.new_text.encode("utf-8")

    def diff(self, root: StrPath) -> str:
        if self.new_text is None:
            return ""
        import difflib

        name = shown_path(self.path, root)
        return "".join(difflib.unified_diff(
            (self.old_text or "").splitlines(keepends=True),
            self.new_text.splitlines(keepends=True),
            fromfile=f"a/{name}" if self.old_text is not None else "/dev/null",
            tofile=f"b/{name}"))


def refresh_index(root: StrPath, state_dir: StrPath, specs_dir: StrPath, *, specindex: str | None = None,
                  dry_run: bool = False, repo: str | None = None, lock_timeout: float = 60.0,
                  now_ns: int | None = None, migrate: bool = False,
                  configured: tuple[str, str, str, str] | None = None) -> RefreshResult:
    """``smartspec index``: under the lock, stat the specs tree against the scan manifest; when
    no file changed and the index is the one the last build wrote, stop there (the index is
    not even read). Otherwise load the index the lookup finds (or start one at
    ``<state_dir>/SPEC_INDEX.json``), rebuild it from ``specs_dir``, and write it back where
    it was found together with the scan state, in the shape it was found unless ``migrate``
    asks for schema 1. With ``dry_run`` nothing is written. ``configured`` (``IndexScope``) is
    recorded in the manifest's stat block for ``index.quiet`` to answer the next run with."""
    from smartspec.index.build import walk_tree
    from smartspec.index.locate import locate_index
    from smartspec.index.state import read_cache
    from smartspec.workspace import Workspace

    root = os.path.realpath(root)
    state_dir = inside_root(root, state_dir, what="output dir")
    specs_dir = inside_root(root, specs_dir, what="specs dir")
    # A dry run shows what would happen to the index found (its migration, say) even where
    # there is no specs folder to scan; a write without one would empty the index, so it stays
    # refused.
    no_specs = not os.path.isdir(specs_dir)
    if no_specs and not dry_run:
        raise UsageError(f"specs dir {shown_path(specs_dir, root)!r} does not exist; expected a "
                         "folder of <category>/<spec-id>/spec.md (see --specs-dir)")
    workspace = Workspace(root, state_dir)
    scope = None if configured is None else (
        *configured, root, state_dir, specs_dir, shown_path(specs_dir, root))
    manifest_path = os.path.join(state_dir, MANIFEST_FILE)
    legacy_path = os.path.join(state_dir, LEGACY_CACHE_FILE)
    with workspace.lock(timeout=lock_timeout), _gc_paused():
        found = locate_index(root, state_dir, specindex)
        path = found or os.path.join(state_dir, INDEX_FILE)
        if os.path.exists(path) and not os.path.isfile(path):
            raise WorkspaceError(f"{shown_path(path, root)} is not a file; expected a JSON index")
        walk = None
        if not no_specs:
            cache = read_cache(manifest_path)
            if not cache.files and not cache.dirs:
                cache = read_cache(legacy_path)  # an earlier version's single-file cache
            walk = walk_tree(root, specs_dir, cache, now_ns=now_ns,
                             checked=_stat_check(cache, manifest_path, path, root))
            if not dry_run and not migrate:
                quiet = _nothing_changed(walk, path, shown_path(path, root), workspace, scope)
                if quiet is not None:
                    return quiet
                edited = _edit_in_place(walk, path, root, workspace, repo, scope)
                if edited is not None:
                    return edited
        # Anything else: only now is what reads, merges and writes an index loaded.
        from smartspec.index.build import merge
        from smartspec.index.migrate import parse_index
        from smartspec.index.schema import dump_as_found, dump_index
        from smartspec.index.state import state_files

        raw: bytes | None = None
        previous: SpecIndex | None = None
        # The specs whose entries new, edit, restore or adopt wrote since the last build,
        # when those writes are all that changed the index: every other entry is trusted.
        rewritten = None
        if walk is not None:
            from smartspec.index.quiet import index_lineage

            lineage = index_lineage(manifest_path, path, shown_path(path, root))
            rewritten = None if lineage is None else lineage[1]
        if os.path.isfile(path):
            raw = read_regular(path)
            previous = parse_index(raw, source=path, written_sha256=None if walk is None
                                   else walk.cache.index_sha256, written=rewritten is not None)
        if walk is None:
            index = previous if previous is not None else SpecIndex()
            index.scan = ScanReport(warnings=[
                f"specs dir {shown_path(specs_dir, root)!r} does not exist; nothing scanned, "
                "the index is shown as it would be written"])
        else:
            index = merge(walk, previous, repo=repo, rewritten=rewritten)
        index.source = path if os.path.isfile(path) else None
        new_text = dump_index(index) if migrate else dump_as_found(index)
        written: list[str] = []
        if not dry_run:
            state = state_files(index, new_text, scope=scope)
            written = workspace.write_index(
                path, new_text, ids=[e.id for e in index.all_entries()],
                scan_state=None if state is None else (manifest_path, *state),
                legacy_cache=legacy_path, old=raw)
            # Every writer holds the lock taken here, so a temp file beside a spec now is one
            # a killed run left behind (one changes its folder's mtime, so the walk lists it).
            if walk is not None:
                workspace.sweep_stale_temps(walk.temps)
    return RefreshResult(index=index, path=path,
                         found=found if found and os.path.isfile(found) else None,
                         old_data=raw, new_text=new_text, written=written, dry_run=dry_run)


def _stat_check(cache: Cache, manifest_path: str, index_path: str,
                root: str) -> StatCheck | None:
    """The stat check ``index.quiet`` made of this tree before the lock, when it still stands:
    the manifest just read is the file it checked, and the index is the text that manifest
    describes. Every smartspec command that writes a spec writes the index too, so a spec
    written by another run in between fails the second test."""
    from smartspec.index.quiet import take_stat_check

    check = take_stat_check(os.path.realpath(manifest_path))
    if check is None or _written_identity(cache, index_path, shown_path(index_path, root)) is None:
        return None
    return check


def _written_identity(cache: Cache, path: str, rel: str) -> list[Any] | None:
    """The manifest's record of the index text the last build wrote, when the index file is
    still that text (same path, size, mtime, ctime and inode); None otherwise."""
    known = cache.index
    if known is None:
        return None
    try:
        stat = os.stat(path)
    except OSError:
        return None
    if (known[0] != rel or known[1] != stat.st_size or known[2] != stat.st_mtime_ns
            or known[3] != stat.st_ctime_ns or known[4] != stat.st_ino):
        return None
    return known


def _nothing_changed(walk: Walk, path: str, rel: str, workspace: Workspace,
                     scope: tuple[str, ...] | None) -> RefreshResult | None:
    """The result of a run in which no spec file changed and the index file is the one the
    last build wrote: nothing to read or write but the manifest when a racily clean stamp
    settled. None when anything differs."""
    if walk.changed or walk.records.keys() != walk.cache.files.keys():
        return None
    known = _written_identity(walk.cache, path, rel)
    if known is None:
        return None
    from smartspec.index.quiet import version

    index = SpecIndex(source=path, source_sha256=known[5], shape=known[7], scan=walk.scan)
    walk.scan.cache = {"files": walk.records, "dirs": walk.dirs}
    if not walk.clean or (scope is not None and walk.cache.scope != (version(), *scope)):
        # Stamps or folder records changed (a racily clean file settled, a temp file was
        # left), or the stat block was written by another version or for another config:
        # the manifest is rewritten, the index is not.
        from smartspec.index.state import manifest_bytes

        workspace.write_scan_manifest(os.path.join(workspace.state_dir, MANIFEST_FILE),
                                      manifest_bytes(walk.records, walk.dirs, known, scope))
        workspace.sweep_stale_temps(walk.temps)
    return RefreshResult(index=index, path=path, found=path, old_data=None, new_text=None,
                         written=[], dry_run=False, size=known[6], loaded=False)


def _edit_in_place(walk: Walk, path: str, root: str, workspace: Workspace,
                   repo: str | None, scope: tuple[str, ...] | None) -> RefreshResult | None:
    """The result of a run in which only the content of some spec files changed (no file
    removed or moved) and the index is the schema-1 text the last build wrote, or that text
    plus smartspec's own writes since (``index.quiet.index_lineage``: a ``new``, ``edit``,
    ``restore`` or ``adopt`` changed the entries of the files it names, and a file added
    since must be one of those, whose entry the index already holds): the changed entries are
    edited in that text (``index.splice``) without loading the rest. None when the change is
    not of that kind; the caller then rebuilds the whole index."""
    files = walk.cache.files
    if not walk.changed or files.keys() - walk.records.keys():
        return None
    added = walk.records.keys() - files.keys()
    rel = shown_path(path, root)
    known = _written_identity(walk.cache, path, rel)
    if known is None:
        from smartspec.index.quiet import index_lineage

        lineage = index_lineage(os.path.join(workspace.state_dir, MANIFEST_FILE), path, rel)
        if lineage is None or not lineage[1] or not added <= lineage[1]:
            return None
        known = walk.cache.index  # the build's text, which those writes changed
    elif added:
        return None  # a file nobody's entry names yet: the whole index places it
    if known is None or known[7] != "v1" or known[8] != 0:
        return None
    changes = []
    for changed in walk.changed:
        stated = walk.fresh[changed]
        if changed in files and files[changed][5] != stated.get("id"):
            return None  # a new id: entries move in the order, the whole index is rebuilt
        changes.append((changed, stated, walk.records[changed][2]))
    from smartspec.index.locate import read_known_ids

    # Every entry the build wrote, and one more for each file added (the own write that
    # added its entry): an entry of a file removed since would make one too many.
    ids = read_known_ids(workspace.index_ids_path, path, root)
    if (ids is None or len(ids) != known[6] + len(added)
            or any(walk.fresh[new].get("id") not in ids for new in added)):
        return None
    from smartspec.index.splice import splice
    from smartspec.index.state import state_files

    # The stat identity says these are the bytes the last build (or an own write since, as
    # its record says) wrote: a write changes the ctime, which no one can set, so they are
    # not hashed again.
    raw = read_regular(path)
    scan = ScanReport(walk.scan.found, walk.scan.read, walk.scan.parsed,
                      warnings=walk.scan.warnings)
    new_text = splice(raw.decode("utf-8"), changes, ids, scan, repo=repo)
    if new_text is None:
        return None
    walk.scan.changed = scan.changed
    walk.scan.cache = {"files": walk.records, "dirs": walk.dirs}
    index = SpecIndex(source=path, shape="v1", scan=walk.scan)
    state = state_files(index, new_text, shape=(len(ids), "v1", 0), scope=scope)
    written = workspace.write_index(
        path, new_text, ids=ids, scan_state=None if state is None else (
            os.path.join(workspace.state_dir, MANIFEST_FILE), *state),
        old=raw)
    workspace.sweep_stale_temps(walk.temps)
    return RefreshResult(index=index, path=path, found=path, old_data=raw, new_text=new_text,
                         written=written, dry_run=False, size=len(ids), loaded=False)


class _gc_paused:
    """Pause the cyclic garbage collector: a build allocates tens of thousands of small,
    acyclic objects, and collections triggered by their count alone cost a fifth of the run.
    A class, not a contextlib generator: contextlib is not imported by the runs that start
    often."""

    def __enter__(self) -> None:
        self.enabled = gc.isenabled()
        gc.disable()

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None,
                 trace: TracebackType | None) -> None:
        if self.enabled:
            gc.enable()


def existing_index(scope: IndexScope, specindex: str | None) -> SpecIndex:
    """The index the lookup finds, loaded; a WorkspaceError listing where it looked when there
    is none (``--check`` and ``graph`` read an index, they never create one)."""
    from smartspec.index.locate import index_candidates, locate_index
    from smartspec.index.migrate import load_index

    path = locate_index(scope.root, scope.state_dir, specindex)
    if path is None:
        looked = ", ".join(scope.show(p) for p in index_candidates(scope.root, scope.state_dir))
        raise WorkspaceError(f"no SPEC_INDEX.json found (looked for {looked}); run "
                             "'smartspec index' to create one")
    return load_index(path)


def check(scope: IndexScope, specindex: str | None) -> tuple[SpecIndex, list[IndexFinding]]:
    """``smartspec index --check``: the index found and its findings, errors first."""
    from pathlib import Path

    from smartspec.index.check import check_index

    index = existing_index(scope, specindex)
    findings = check_index(index, Path(scope.root), specs_dir=Path(scope.specs_dir),
                           cache_path=Path(scope.state_dir, MANIFEST_FILE), repo=scope.repo,
                           id_pattern=scope.id_pattern)
    return index, findings
