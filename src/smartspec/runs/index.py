"""``smartspec index`` and ``smartspec graph``: find the project's places, load or rebuild the
index with the pure ``smartspec.index`` stages, and hand the text to ``Workspace`` to write
under the lock. ``commands/index.py`` turns the words into these calls and the results into
output."""

from __future__ import annotations

import contextlib
import difflib
import gc
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from smartspec.errors import UsageError, WorkspaceError
from smartspec.fsutil import inside_root, shown_path
from smartspec.index.model import INDEX_FILE, IndexFinding, ScanReport, SpecIndex

CACHE_FILE = Path("cache") / "index-cache.json"


@dataclass(frozen=True, slots=True)
class IndexScope:
    """Where an index run works: the root, the state dir, the specs dir, this repository's
    name (entries of other repositories are not looked for on disk) and the id pattern the
    config asks ``--check`` to enforce."""

    root: Path
    state_dir: Path
    specs_dir: Path
    repo: str | None
    id_pattern: str | None = None  # the config's index.idPattern

    def show(self, path: Path) -> str:
        return shown_path(path.resolve(), self.root)


def scope_for(specs_dir: str | None, output_dir: str | None) -> IndexScope:
    """The scope of this project from the config and the two flags (None = not given)."""
    from smartspec.config import load_settings
    from smartspec.options import Options

    settings = load_settings(Options(specs_dir=specs_dir, output_dir=output_dir))
    specs = settings.source("specs_dir")
    where = f" (from {specs.describe()})" if specs.source != "flag" else ""
    folder = inside_root(settings.root, specs.value, what=f"specs dir{where}")
    return IndexScope(settings.root, settings.state_dir, folder, settings["repo"] or None,
                      settings["index_id_pattern"])


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
        name = shown_path(self.path, root)
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
    from smartspec.index.build import build, cache_bytes
    from smartspec.index.migrate import locate_index, parse_index
    from smartspec.index.schema import dump_as_found, dump_index
    from smartspec.workspace import Workspace

    root = root.resolve()
    state_dir = inside_root(root, state_dir, what="output dir")
    specs_dir = inside_root(root, specs_dir, what="specs dir")
    # A dry run shows what would happen to the index found (its migration, say) even where
    # there is no specs folder to scan; a write without one would empty the index, so it stays
    # refused.
    no_specs = not specs_dir.is_dir()
    if no_specs and not dry_run:
        raise UsageError(f"specs dir {shown_path(specs_dir, root)!r} does not exist; expected a "
                         "folder of <category>/<spec-id>/spec.md (see --specs-dir)")
    workspace = Workspace(root, state_dir)
    cache_path = state_dir / CACHE_FILE
    with workspace.lock(timeout=lock_timeout), _gc_paused():
        found = locate_index(root, state_dir, specindex)
        if found is not None and specindex:
            found = inside_root(root, found, what="--specindex")
        path = found or state_dir / INDEX_FILE
        if path.exists() and not path.is_file():
            raise WorkspaceError(f"{shown_path(path, root)} is not a file; expected a JSON index")
        old_text: str | None = None
        previous: SpecIndex | None = None
        if path.is_file():
            raw = path.read_bytes()
            previous = parse_index(raw, source=path)
            old_text = raw.decode("utf-8", "replace")
        if no_specs:
            index = previous if previous is not None else SpecIndex()
            index.scan = ScanReport(warnings=[
                f"specs dir {shown_path(specs_dir, root)!r} does not exist; nothing scanned, "
                "the index is shown as it would be written"])
        else:
            index = build(root, specs_dir, previous, cache_path, repo=repo, now_ns=now_ns)
        index.source = path if path.is_file() else None
        new_text = dump_index(index) if migrate else dump_as_found(index)
        written: list[Path] = []
        if not dry_run:
            written = workspace.write_index(path, new_text, cache_path=cache_path,
                                            cache=cache_bytes(index, new_text))
            # Every writer holds the lock taken here, so a temp file beside a spec now is one
            # a killed run left behind.
            workspace.sweep_stale_temps(specs_dir.glob("*/*/.spec.md.*.tmp"))
    return RefreshResult(index=index, path=path, found=found if found and found.is_file() else None,
                         old_text=old_text, new_text=new_text, written=written, dry_run=dry_run)


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


def existing_index(scope: IndexScope, specindex: str | None) -> SpecIndex:
    """The index the lookup finds, loaded; a WorkspaceError listing where it looked when there
    is none (``--check`` and ``graph`` read an index, they never create one)."""
    from smartspec.index.migrate import index_candidates, load_index, locate_index

    path = locate_index(scope.root, scope.state_dir, specindex)
    if path is None:
        looked = ", ".join(scope.show(p) for p in index_candidates(scope.root, scope.state_dir))
        raise WorkspaceError(f"no SPEC_INDEX.json found (looked for {looked}); run "
                             "'smartspec index' to create one")
    return load_index(path)


def check(scope: IndexScope, specindex: str | None) -> tuple[SpecIndex, list[IndexFinding]]:
    """``smartspec index --check``: the index found and its findings, errors first."""
    from smartspec.index.check import check_index

    index = existing_index(scope, specindex)
    findings = check_index(index, scope.root, specs_dir=scope.specs_dir,
                           cache_path=scope.state_dir / CACHE_FILE, repo=scope.repo,
                           id_pattern=scope.id_pattern)
    return index, findings
