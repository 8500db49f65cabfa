"""The only module that writes: spec, backups, reports, registry, index and its cache, trace,
model files, delivery files, exported contracts, the agents' files and the template cache.
Everything goes through ``fswrite.atomic_write`` while the caller holds ``Workspace.lock()``
(or the lock of the files it writes). An import contract in ``pyproject.toml`` keeps it true:
no other module imports ``fswrite``.
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Callable, Iterable, Mapping

from smartspec.errors import DocumentError, SmartspecError, UsageError, WorkspaceError
from smartspec.fsutil import (
    INDEX_IDS_FILE,
    LOCK_DIR,
    REGISTRY_KEYS_FILE,
    StrPath,
    ancestors,
    inside_root,
    is_within,
    read_regular,
    refuse_links,
    shown_path,
    spelled,
    split_suffix,
)
from smartspec.fswrite import Locked, atomic_write, locked, refuse_links_held, sweep_stale_temps
from smartspec.fswrite import ensure_private_dir as ensure_private_dir
from smartspec.jsontext import dumps as json_text
from smartspec.markers import escape_line_breaks
from smartspec.registry import FOLDER as REGISTRY_FOLDER
from smartspec.registry import (
    FOREIGN_REGISTRY_FALLBACK,
    REGISTRY_SCHEMA,
    USUAL_NAME,
    RegistryText,
    is_foreign,
    keys_file_bytes,
)
from smartspec.registry import dumps as dump_registry
from smartspec.registry import load as load_registry_file
from smartspec.registry import read as read_registry_file
from smartspec.tuples import NamedTuple

TYPE_CHECKING = False
if TYPE_CHECKING:
    from datetime import datetime
    from typing import Any


def _backup_names(kind: str) -> str:
    return rf"^{kind}\.backup-(\d{{8}}-\d{{6}})(?:-(\d+))?\.md$"


def backup_pattern(kind: str = "spec") -> re.Pattern[str]:
    """The names of a file's backups: ``<kind>.backup-YYYYMMDD-HHMMSS[-N].md`` (kind is spec,
    plan or tasks). ``backup_stamp`` reads them; the pattern is its definition, which a test
    holds it to."""
    return re.compile(_backup_names(kind))


def backup_stamp(name: str, kind: str = "spec") -> tuple[str, int] | None:
    """(stamp, number) of a backup's file name, ``("20261201-093000", 2)`` for
    ``spec.backup-20261201-093000-2.md`` (0 without a number), or None for any other name:
    what ``backup_pattern(kind)`` matches, read with str operations, because compiling the
    pattern cost every edit more than reading the few names of a backups folder."""
    prefix = f"{kind}.backup-"
    if not name.startswith(prefix):
        return None
    rest = name[len(prefix):]
    rest = rest[:-1] if rest.endswith("\n") else rest  # ``$`` also matches before a last line feed
    if not rest.endswith(".md"):
        return None
    stamp, number = rest[:15], rest[15:-3]
    # ``\d`` is any decimal digit, as ``isdecimal`` and ``int`` read them.
    if not (len(stamp) == 15 and stamp[8] == "-" and stamp[:8].isdecimal()
            and stamp[9:].isdecimal()):
        return None
    if not number:
        return stamp, 0
    if number[0] == "-" and number[1:].isdecimal():
        return stamp, int(number[1:])
    return None
LOCK_TIMEOUT_ENV = "SMARTSPEC_LOCK_TIMEOUT"
_NOFOLLOW = getattr(os, "O_NOFOLLOW", 0)


def lock_timeout(environ: Mapping[str, str]) -> float:
    """``SMARTSPEC_LOCK_TIMEOUT`` in seconds (default 60): a positive finite number, or the
    run is refused before it waits at all."""
    raw = environ.get(LOCK_TIMEOUT_ENV)
    if raw is None or not raw.strip():
        return 60.0
    try:
        value = float(raw)
    except ValueError:
        value = float("nan")
    # NaN fails every comparison and infinity the upper bound: both are refused.
    if not 0 < value < float("inf"):
        raise UsageError(f"{LOCK_TIMEOUT_ENV}={raw!r} is not a positive number of seconds; "
                         "expected a value such as 60 or 0.5")
    return value


def _read_or_none(path: StrPath) -> bytes | None:
    try:
        return read_regular(path)
    except OSError:
        return None


def _replace_cache_file(path: str, data: bytes) -> None:
    """Replace a cache file atomically (temp file beside it, then rename) but without fsync:
    a cache file lost in a crash is detected by its content and rebuilt, and a full index
    writes one per spec. The temp file is created exclusively and never through a link, and
    a rename replaces a link itself, never its target."""
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | _NOFOLLOW | getattr(os, "O_CLOEXEC", 0)
    folder, name = os.path.split(path)
    temp = os.path.join(folder, f".{name}.{os.urandom(4).hex()}.tmp")
    fd = os.open(temp, flags, 0o666)
    try:
        os.write(fd, data)
    except BaseException:
        os.close(fd)
        os.unlink(temp)
        raise
    os.close(fd)
    os.replace(temp, path)


def json_twin(report: str) -> str:
    """The JSON twin of a Markdown report: the same name with ``.json`` for ``.md``."""
    return os.path.splitext(report)[0] + ".json"


def stamp(moment: datetime) -> str:
    return moment.strftime("%Y%m%d-%H%M%S")


def free_name(path: str) -> str:
    """``path``, or ``<stem>-N<suffix>`` with the first N that no file has."""
    folder, name = os.path.split(path)
    stem, suffix = split_suffix(name)
    candidate, counter = path, 1
    while os.path.exists(candidate):
        candidate = os.path.join(folder, f"{stem}-{counter}{suffix}")
        counter += 1
    return candidate


class Workspace(NamedTuple):
    root: str
    state_dir: str

    # -- paths ---------------------------------------------------------------------------
    @property
    def registry_path(self) -> str:
        """smartspec's registry; beside it when another tool's registry (SmartSpec's own, which
        has no ``specs`` object) already holds the usual name, so that file is never rewritten
        and never blocks a run."""
        folder = os.path.join(self.state_dir, REGISTRY_FOLDER)
        usual = os.path.join(folder, USUAL_NAME)
        return os.path.join(folder, FOREIGN_REGISTRY_FALLBACK) if is_foreign(usual) else usual

    @property
    def default_index_path(self) -> str:
        return os.path.join(self.state_dir, "SPEC_INDEX.json")

    @property
    def trace_path(self) -> str:
        return os.path.join(self.state_dir, "trace.log")

    def model_path(self, spec_id: str) -> str:
        """The system model a spec was written from, kept beside the settings it used."""
        return os.path.join(self.state_dir, "models", f"{spec_id}.json")

    def backups_dir(self, spec_id: str) -> str:
        return os.path.join(self.state_dir, "backups", spec_id)

    def reports_dir(self, spec_id: str) -> str:
        return os.path.join(self.state_dir, "reports", spec_id)

    def rel(self, path: StrPath) -> str:
        """``path`` as messages and reports name it (``fsutil.shown_path`` from the root)."""
        return shown_path(path, self.root)

    def spec_path(self, specs_dir: str, category: str, spec_id: str) -> str:
        folder = inside_root(self.root, specs_dir, what="--specs-dir")
        return inside_root(self.root, os.path.join(folder, category, spec_id, "spec.md"),
                           what="spec path")

    # -- locking -------------------------------------------------------------------------
    def lock(self, *extra: StrPath, timeout: float | None = None) -> Locked:
        """The workspace lock (registry, index, trace, id allocation) and, for edits, the
        spec's own lock, held for a ``with`` block. Concurrent runs wait their turn,
        ``timeout`` seconds at most (default: ``SMARTSPEC_LOCK_TIMEOUT``, else 60)."""
        wait = lock_timeout(os.environ) if timeout is None else timeout
        return locked(self.state_dir, *extra, folder=os.path.join(self.state_dir, LOCK_DIR),
                      timeout=wait)

    @staticmethod
    def lock_files(*keys: StrPath, folder: StrPath, timeout: float = 60.0) -> Locked:
        """The locks of ``keys`` alone (the agents manifest, say), not the workspace's, for a
        ``with`` block: a run that writes only those files does not wait for a spec edit."""
        return locked(*keys, folder=folder, timeout=timeout)

    def sweep_stale_temps(self, paths: Iterable[StrPath]) -> None:
        """Remove temp files a killed run left behind; only safe while holding ``lock()``,
        since every writer holds it while its own temp files exist."""
        sweep_stale_temps(paths)

    # -- registry ------------------------------------------------------------------------
    def load_registry(self) -> dict[str, Any]:
        """The whole registry, decoded, for the writers that replace one spec's record."""
        path = self.registry_path  # looked up once: the lookup reads the usual file's start
        return load_registry_file(path, self.rel(path))

    def read_registry(self) -> dict[str, Any]:
        """The registry for readers that look at a few specs' records (``validate``): each
        record stays undecoded until it is asked for (``smartspec.registry.read``)."""
        return read_registry_file(os.path.join(self.state_dir, REGISTRY_FOLDER), self.rel)

    @property
    def registry_keys_path(self) -> str:
        """The keys of the registry last written and its stat (``registry.RegistryText``)."""
        return os.path.join(self.state_dir, REGISTRY_KEYS_FILE)

    def registry_to_update(self) -> dict[str, Any] | RegistryText:
        """The registry for a writer that replaces or adds one spec's record and reads no
        other record: its text as ``write_registry`` left it, while it is that write
        (``RegistryText``); else the whole registry, decoded, which refuses one that is not
        valid JSON."""
        path = self.registry_path  # looked up once: the lookup reads the usual file's start
        found = RegistryText.read(path, self.registry_keys_path, self.rel(path))
        return found if found is not None else load_registry_file(path, self.rel(path))

    def write_registry(self, path: str, registry: dict[str, Any] | RegistryText, spec_id: str,
                       spec_path: str, sections: dict[str, dict[str, Any]], now: datetime,
                       **fields: Any) -> None:
        """Write the registry at ``path`` with this spec's record replaced, plus ``fields``
        (edit records the file's fingerprint before and after the run): in the text as it
        was when it is a ``RegistryText`` (``with_record``), else the whole registry encoded
        again. Then, for a registry of more than ``registry.KEYS_FILE_AFTER`` records, the
        keys file that lets the next run trust the text: a cache, so a failure to write it
        only makes that run load the registry whole. The caller's journal remembers both
        files."""
        record = {"path": self.rel(spec_path), "updated": now.strftime("%Y-%m-%dT%H:%M:%SZ"),
                  "sections": sections, **fields}
        text = None
        if isinstance(registry, RegistryText):
            text = registry.with_record(spec_id, record)
            keys = registry.keys if spec_id in registry.keys else [*registry.keys, spec_id]
            if text is None:
                registry = load_registry_file(path, self.rel(path))
        if text is None:
            assert isinstance(registry, dict)
            registry["schema"] = REGISTRY_SCHEMA
            registry["specs"][spec_id] = record
            text = dump_registry(registry)
            keys = list(registry["specs"])
        atomic_write(path, text)
        target = self.registry_keys_path
        try:
            data = keys_file_bytes(self.rel(path), os.lstat(path), keys)
            if data is None:
                return
            refuse_links(target)
            os.makedirs(os.path.dirname(target), exist_ok=True)
            _replace_cache_file(target, data)
        except (OSError, WorkspaceError):
            pass

    # -- backups -------------------------------------------------------------------------
    def next_backup_path(self, spec_id: str, now: datetime, kind: str = "spec") -> str:
        """A name no backup has: after the oldest backups of this second were pruned, the
        first free name could sort before the ones kept, so take the next number after the
        highest one of this second."""
        taken = [found[1] for p in self.list_backups(spec_id, kind)
                 if (found := backup_stamp(os.path.basename(p), kind)) and found[0] == stamp(now)]
        base = f"{kind}.backup-{stamp(now)}"
        name = f"{base}-{max(taken) + 1}.md" if taken else f"{base}.md"
        return free_name(os.path.join(self.backups_dir(spec_id), name))

    def list_backups(self, spec_id: str, kind: str = "spec") -> list[str]:
        """This spec's backups (or its plan's, its tasks'), oldest first."""
        folder = self.backups_dir(spec_id)
        if not os.path.isdir(folder):
            return []
        found = []
        for name in os.listdir(folder):
            parts = backup_stamp(name, kind)
            if parts is not None:
                found.append((*parts, os.path.join(folder, name)))
        return [path for _, _, path in sorted(found)]

    # -- reports and trace ---------------------------------------------------------------
    def report_path(self, spec_id: str, kind: str, now: datetime) -> str:
        """A free name for a ``kind`` report (generation, edit, validation) of this run; the
        JSON twin has the same name with ``.json``."""
        return free_name(os.path.join(self.reports_dir(spec_id), f"{kind}-report-{stamp(now)}.md"))

    def write_report(self, path: str, markdown: str, data: dict[str, Any]) -> None:
        """A run's report and its JSON twin, each renamed into place whole but not synced
        (``durable=False``): a report records a run and nothing reads it back, so it is not
        worth two waits for the disk on every run (four with the validation report)."""
        atomic_write(path, markdown, durable=False)
        atomic_write(json_twin(path),
                     escape_line_breaks(json_text(data, ensure_ascii=False, sort_keys=True))
                     + "\n", durable=False)

    def append_trace(self, record: dict[str, Any]) -> None:
        line = escape_line_breaks(json.dumps(record, ensure_ascii=False, sort_keys=True,
                                             separators=(",", ":")))
        trace = self.trace_path
        if not refuse_links_held(trace):
            os.makedirs(os.path.dirname(trace), exist_ok=True)
        fd = os.open(trace, os.O_WRONLY | os.O_APPEND | os.O_CREAT | _NOFOLLOW, 0o666)
        # (0o666: the umask takes away what the user does not want others to have.)
        try:
            os.write(fd, (line + "\n").encode("utf-8"))
            # The run's line reaches the disk with the files it names: after a power loss
            # the log still says which run wrote them (an append, so no folder to sync).
            os.fsync(fd)
        finally:
            os.close(fd)

    # -- index -------------------------------------------------------------------------
    @property
    def index_ids_path(self) -> str:
        """The ids of the index last written, for commands that only ask whether an id exists
        (a one-spec ``validate``): ``smartspec.index.locate.read_known_ids`` reads it."""
        return os.path.join(self.state_dir, INDEX_IDS_FILE)

    def write_index(self, path: StrPath, text: str, *, ids: Iterable[str] | None = None,
                    scan_state: tuple[StrPath, Mapping[str, bytes],
                                      Callable[[str, os.stat_result | None], bytes]] | None = None,
                    legacy_cache: StrPath | None = None, old: bytes | None = None,
                    own_writes: tuple[str, Callable[[str, os.stat_result], bytes]] | None = None,
                    ) -> list[str]:
        """Write the index text atomically (not rewritten when its bytes are unchanged), then
        what describes it: the file of its ``ids``; from ``smartspec index``, the scan state
        ``(manifest path, entry records by file name, manifest bytes as a function of the
        index's name and stat)``; from the commands that write one entry, the record of that
        write beside the manifest ``(its path, its bytes as a function of the index's name and
        stat)``. An earlier version's single-file cache at ``legacy_cache`` is removed once the
        manifest replaces it. The caller holds
        ``lock()``; ``old`` is the index's bytes when the caller has just read them. Returns
        the index when it was written; a failed index write raises WorkspaceError and leaves
        every file as it was.

        The scan state and the ids are caches keyed to the index's size, mtime, ctime and
        inode: one that cannot be written, is lost in a crash, or describes an index another
        command rewrote since (new and edit write only the index, which their journal can put
        back) no longer matches the index and is simply not used, so their writes are not
        fsynced one by one."""
        path = os.fspath(path)
        payload = text.encode("utf-8")
        rel = self.rel(path)
        try:
            changed = (old if old is not None else _read_or_none(path)) != payload
            if changed:
                atomic_write(path, payload)
        except OSError as exc:
            raise WorkspaceError(f"{exc.filename or path}: cannot be written ({exc.strerror}); "
                                 "the index was left as it was") from None
        try:
            stat: os.stat_result | None = os.stat(path)
        except OSError:
            stat = None
        try:
            if ids is not None:
                self._write_index_ids(rel, stat, ids, changed)
            if own_writes is not None and stat is not None:
                record_path, record = own_writes
                refuse_links(record_path)
                _replace_cache_file(record_path, record(rel, stat))
            if scan_state is not None:
                manifest_path, entries, manifest = scan_state
                folder = os.path.join(os.path.dirname(manifest_path), "entries")
                if entries:
                    refuse_links(os.path.join(folder, "x"))
                    os.makedirs(folder, exist_ok=True)
                    for name, data in entries.items():
                        entry = os.path.join(folder, name)
                        if _read_or_none(entry) != data:
                            _replace_cache_file(entry, data)
                # It names the index's stat, so it is new whenever the index was written.
                new_manifest = manifest(rel, stat)
                if changed or _read_or_none(manifest_path) != new_manifest:
                    atomic_write(manifest_path, new_manifest)
                if legacy_cache is not None and os.path.lexists(legacy_cache):
                    refuse_links(os.fspath(legacy_cache))  # never delete through a link
                    self.remove_file(legacy_cache, root=self.state_dir)
        except (OSError, WorkspaceError):
            pass
        return [path] if changed else []

    def write_scan_manifest(self, path: StrPath, data: bytes) -> None:
        """Replace the index's scan manifest alone (a run in which only stamps settled). A
        failure is not an error: the old manifest still describes the tree correctly, it only
        makes the next run hash a few files again."""
        try:
            atomic_write(path, data)
        except (OSError, WorkspaceError):
            pass

    def _write_index_ids(self, rel: str, stat: os.stat_result | None, ids: Iterable[str],
                         changed: bool) -> None:
        target = self.index_ids_path
        if stat is None:
            return
        # Compact JSON from the standard library's C encoder: the bytes msgspec writes for
        # these strings and integers, without loading msgspec into a run that needs it for
        # nothing else.
        data = escape_line_breaks(json.dumps({
            "index": rel, "size": stat.st_size, "mtime_ns": stat.st_mtime_ns,
            "ctime_ns": stat.st_ctime_ns, "ino": stat.st_ino, "ids": sorted(set(ids))},
            ensure_ascii=False, separators=(",", ":"))).encode("utf-8")
        if changed or _read_or_none(target) != data:
            refuse_links(target)
            os.makedirs(os.path.dirname(target), exist_ok=True)
            _replace_cache_file(target, data)

    # -- any other file ------------------------------------------------------------------
    @staticmethod
    def write_file(path: StrPath, data: str | bytes, *, mode: int | None = None) -> None:
        """Replace ``path`` atomically (never through a link): the registry, a model file, a
        delivery file, an exported contract, an agent's command file. OSError is left to the
        caller, whose journal puts back what the run already wrote."""
        atomic_write(path, data, mode=mode)

    @staticmethod
    def remove_file(path: StrPath, *, root: StrPath) -> None:
        """Delete ``path`` and then the folders above it that are left empty, stopping at
        ``root`` or at the first folder that still holds anything (it is not ours)."""
        target, top = os.fspath(path), os.fspath(root)
        _unlink_if_present(target)
        for folder in ancestors(target):
            if folder == top or not is_within(folder, top):
                break
            try:
                os.rmdir(folder)
            except OSError:
                break

    def write_spec(self, path: str, text: str | bytes) -> None:
        try:
            atomic_write(path, text)
        except OSError as exc:
            raise WorkspaceError(f"{self.rel(path)}: cannot be written ({exc.strerror})") from None


# -- edit and restore --------------------------------------------------------------------------
# An edit writes several files; if one write fails, the ones before it are put back, so that a
# refused run (exit 2) leaves the tree as it was. A SIGKILL cannot be rolled back, but every file
# is replaced atomically, so each one is either its old or its new version.


class Journal:
    """The files a run is about to change, with their old contents, so ``rollback`` can put them
    back. Append-only files (the trace) are remembered by length."""

    def __init__(self) -> None:
        self._saved: dict[str, bytes | None] = {}
        self._sizes: dict[str, int | None] = {}
        self._folders: list[str] = []  # folders this run creates, outermost first

    def _folders_for(self, path: str) -> None:
        missing = []
        folder = os.path.dirname(path)
        while not os.path.lexists(folder) and folder != os.path.dirname(folder):
            missing.append(folder)
            folder = os.path.dirname(folder)
        for folder in reversed(missing):
            if folder not in self._folders:
                self._folders.append(folder)

    def remember(self, path: str) -> None:
        if path in self._saved:
            return
        refuse_links_held(path)  # before anything is read through it or written over it
        self._folders_for(path)
        try:
            # Opened without waiting: a FIFO in a file's place is refused (the guard names
            # it, and puts back what was written), never read until something writes to it.
            self._saved[path] = read_regular(path)
        except FileNotFoundError:
            self._saved[path] = None

    def remember_size(self, path: str) -> None:
        self._folders_for(path)
        if path not in self._sizes:
            self._sizes[path] = os.stat(path).st_size if os.path.exists(path) else None

    def guard(self, workspace: Workspace, path: str) -> _Guard:
        """A ``with`` block around a write sequence; if anything fails, every remembered file
        is put back. A failed write becomes one WorkspaceError naming the file (exit 2, tree
        unchanged)."""
        return _Guard(self, workspace, path)

    def rollback(self) -> None:
        for path, size in self._sizes.items():
            try:
                if size is None:
                    _unlink_if_present(path)
                else:
                    os.truncate(path, size)
            except OSError:
                pass
        for path, data in reversed(list(self._saved.items())):
            # One file that cannot be put back must not stop the others from being put back.
            try:
                if data is None:
                    _unlink_if_present(path)
                else:
                    atomic_write(path, data)
            except (OSError, SmartspecError):
                pass
        # Folders the run created go too (a failed new must not burn a spec id), but only
        # when empty: anything else in them is not this run's.
        for folder in reversed(self._folders):
            try:
                os.rmdir(folder)
            except OSError:
                pass


def _unlink_if_present(path: str) -> None:
    """``Path.unlink(missing_ok=True)``: a file already gone is what the caller wanted."""
    try:
        os.unlink(path)
    except FileNotFoundError:
        pass


class _Guard:
    """What ``Journal.guard`` returns: a class rather than a generator, like ``fswrite.Locked``,
    so that writing does not import contextlib."""

    def __init__(self, journal: Journal, workspace: Workspace, path: str) -> None:
        self.journal, self.workspace, self.path = journal, workspace, path

    def __enter__(self) -> None:
        return None

    def __exit__(self, kind: type[BaseException] | None, exc: BaseException | None,
                 traceback: object) -> None:
        if exc is None:
            return
        self.journal.rollback()
        if isinstance(exc, OSError):
            where = self.workspace.rel(os.path.normpath(exc.filename or self.path))
            raise WorkspaceError(f"{where}: cannot be written ({exc.strerror}); nothing was "
                                 "changed") from None


def add_backup(workspace: Workspace, spec_id: str, content: bytes, now: datetime,
               journal: Journal | None = None, *, mode: int | None = None) -> str:
    """Write a backup under a free name (never over another backup), without pruning: pruning
    waits until the run has succeeded (``prune_backups``). ``mode`` is the spec's own, so a
    private spec's backup is as private."""
    path = workspace.next_backup_path(spec_id, now)
    if journal is not None:
        journal.remember(path)
    atomic_write(path, content, mode=mode)
    return path


def prune_backups(workspace: Workspace, spec_id: str, keep: int, kind: str = "spec") -> list[str]:
    """Delete this spec's oldest backups beyond ``keep`` (at least one is always kept); pruned
    only after the run succeeded."""
    backups = workspace.list_backups(spec_id, kind)
    removed = backups[: max(0, len(backups) - max(keep, 1))]
    for old in removed:
        _unlink_if_present(old)
    return removed


def find_backup(workspace: Workspace, spec_id: str, given: str, cwd: StrPath) -> str:
    """The backup ``given`` names: a path (relative to ``cwd``) inside the root, or the bare file
    name of one of this spec's backups."""
    # Spelled as pathlib joined it before: errors name the path so.
    full = spelled(os.path.join(cwd, given))
    # A bare name (one part, as ``Path.parts`` counts them: ``./`` and empty parts dropped) may
    # name one of this spec's backups.
    parts = [part for part in given.split(os.sep) if part not in ("", ".")]
    if not os.path.exists(full) and len(parts) == 1 and not os.path.isabs(given):
        full = os.path.join(workspace.backups_dir(spec_id), parts[0])
    full = inside_root(workspace.root, full, what="--backup")
    if os.path.exists(full) and not os.path.isfile(full) and not os.path.isdir(full):
        raise DocumentError(f"--backup {given!r} is not a regular file (a FIFO, socket or "
                            "device); expected a backup file")
    if os.path.isdir(full):
        raise DocumentError(f"--backup {given!r} is a directory; expected a backup file such as "
                            f"{workspace.rel(workspace.backups_dir(spec_id))}/spec.backup-"
                            "YYYYMMDD-HHMMSS.md")
    if not os.path.isfile(full):
        raise DocumentError(f"--backup {given!r} does not exist; 'smartspec restore SPEC.md "
                            "--list' shows this spec's backups")
    return full
