"""The primitives that change the disk: atomic writes, private folders, temp-file sweeps and
the inter-process locks. Only ``workspace`` imports this module (an import contract in
``pyproject.toml`` enforces it), so every write of the product goes through ``Workspace``.
"""

from __future__ import annotations

import errno
import json
import os
import stat
import time
from collections.abc import Iterable

from smartspec.digest import sha256_hex
from smartspec.errors import WorkspaceError
from smartspec.fsutil import StrPath, refuse_links


def default_file_mode() -> int:
    """The mode a new file gets under the process umask (0o666 minus the umask), as ``open``
    would give it: smartspec's files are no more open than the person's own."""
    mask = os.umask(0)
    os.umask(mask)
    return 0o666 & ~mask


def atomic_write(path: StrPath, data: bytes | str, *, mode: int | None = None,
                 durable: bool = True) -> None:
    """Write ``data`` to ``path`` so that readers see the old file or the new one, never half.

    Temp file in the same folder, fsync, rename over the target, fsync the folder (once per
    lock held, see ``locked``). An existing file's permission bits are kept; a new file gets
    ``mode`` (a backup takes its spec's) or what the umask allows. The caller must hold the
    lock that covers ``path``.

    ``durable=False`` is for a file that only records a run (a report): it is still renamed
    into place whole, so no process ever reads half of it, but neither it nor its folder is
    synced. Only a power loss within seconds of the run can cost it (the file may then be
    missing or empty); nothing reads it back, and the run's spec, registry and index are
    synced as always.
    """
    path = os.fspath(path)
    payload = data.encode("utf-8") if isinstance(data, str) else data
    folder = os.path.dirname(path)
    if not refuse_links_held(path):
        os.makedirs(folder, exist_ok=True)
        _found_real(folder)
    # A run killed mid-write leaves its temp file behind; the caller holds this path's lock,
    # so any temp file of this target is such a leftover.
    for stale in stale_temps(path):
        try:
            os.unlink(stale)
        except OSError:
            pass
        _forget_entry(stale)
    try:
        mode = os.stat(path).st_mode & 0o7777
    except FileNotFoundError:
        pass
    fd, tmp_name = _create_temp(path)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(payload)
            handle.flush()
            if durable:
                # The bytes reach the disk before the rename can: after a power loss the
                # name holds the old file or the whole new one, never a new empty file.
                os.fsync(handle.fileno())
        os.chmod(tmp_name, mode if mode is not None else default_file_mode())
        os.replace(tmp_name, path)
    except BaseException:
        try:
            os.unlink(tmp_name)
        except FileNotFoundError:
            pass
        raise
    if not durable:
        return
    # The rename itself is an entry of the folder: synced so that the new name survives a
    # power loss (once per folder per lock held, see ``locked``).
    if _HELD[0]:
        _UNSYNCED.add(folder)
    else:
        _fsync_dir(folder)


def is_temp_of(name: str, target: str) -> bool:
    """Whether the folder entry ``name`` is a temp file of ``target`` (``.TARGET.*.tmp``, as
    ``_create_temp`` names them): what ``Path.glob`` of that pattern matches, with string
    tests instead of the regular expression glob compiles for each new name (one per file
    written, about a tenth of a millisecond each). Case-insensitive where the file system's
    names are, as glob is there."""
    if os.path.normcase("A") == "a":
        name, target = name.lower(), target.lower()
    prefix = f".{target}."
    return (name.startswith(prefix) and name.endswith(".tmp")
            and len(name) >= len(prefix) + len(".tmp"))


def stale_temps(path: str) -> list[str]:
    """The temp files of ``path`` left in its folder; none when the folder cannot be listed,
    as with ``Path.glob``."""
    folder, target = os.path.split(path)
    return [os.path.join(folder, name) for name in _temp_names(folder)
            if is_temp_of(name, target)]


def _temp_names(folder: str) -> list[str]:
    """The names in ``folder`` shaped like a temp file (``.*.tmp``, any case): listed once per
    locked block, since under the lock only this process adds or removes temp files there,
    and its own are renamed away before its next write. A run writes several files into the
    reports and backups folders, which only grow, so listing them for every file cost more
    than the writes themselves."""
    if _HELD[0] and folder in _LISTINGS:
        return _LISTINGS[folder]
    try:
        with os.scandir(folder) as entries:
            names = [entry.name for entry in entries
                     if entry.name[:1] == "." and entry.name[-4:].lower() == ".tmp"]
    except (FileNotFoundError, NotADirectoryError, PermissionError):
        names = []
    if _HELD[0]:
        _LISTINGS[folder] = names
    return names


def _forget_entry(removed: str) -> None:
    folder, name = os.path.split(removed)
    if name in _LISTINGS.get(folder, ()):
        _LISTINGS[folder].remove(name)


def _create_temp(path: str) -> tuple[int, str]:
    """A new, empty, private file ``.NAME.XXXXXXXX.tmp`` beside ``path``, open for writing.

    What ``tempfile.mkstemp`` does, without importing tempfile (and the shutil and random it
    pulls in) on the path of every command that writes: the name is random, the file is
    created exclusively and never through a symlink, so no other process's file is reused.
    """
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0) \
        | getattr(os, "O_BINARY", 0) | getattr(os, "O_CLOEXEC", 0)
    folder, target = os.path.split(path)
    for _ in range(100):
        name = os.path.join(folder, f".{target}.{os.urandom(4).hex()}.tmp")
        try:
            return os.open(name, flags, 0o600), name
        except FileExistsError:
            continue
    raise FileExistsError(errno.EEXIST, "no unused temporary file name beside", path)


def sweep_stale_temps(paths: Iterable[StrPath]) -> None:
    """Delete temp files that killed runs left behind (``.NAME.XXXXXXXX.tmp`` from
    ``atomic_write``). The caller holds the lock every writer takes, so none is in use."""
    for path in paths:
        if os.path.isfile(path) and not os.path.islink(path):
            try:
                os.unlink(path)
            except OSError:
                pass


# A run writes several files into a few folders under one lock (``new``: the spec, the model,
# the registry, the index, two reports, the trace). Each file is synced as it is written; each
# folder whose entries changed is synced once, when the lock is let go, rather than after
# every rename: the renames reach the disk in the same order, and another run sees the files
# only after it takes the lock, by which time they are synced.
_UNSYNCED: set[str] = set()
_HELD = [0]  # how many ``locked`` blocks are open in this process
# Folders found real (present, and no symbolic link on the way to them) inside the locked
# block now open, and the temp-like names of the folders listed in it; both are forgotten when
# it ends.
_REAL_FOLDERS: set[str] = set()
_LISTINGS: dict[str, list[str]] = {}


def refuse_links_held(path: str) -> bool:
    """``refuse_links(path)``, walking the folders on the way only once per locked block.

    A run writes its files into a few folders (the spec's, the state folder's backups, reports
    and registry) and reads each file before replacing it: checking every ancestor of each
    path again (one ``lstat`` per level, through ``resolve``) cost as much as the writes' own
    work. Under the lock no other smartspec run changes these folders, and the check is only
    ever as good as the moment it runs anyway; the path itself is always checked. Returns
    whether the folder is known to exist (and to be real) in this block."""
    folder = os.path.dirname(path)
    if _HELD[0] and folder in _REAL_FOLDERS:
        refuse_links(path, folders_checked=True)
        return True
    refuse_links(path)
    # The walk checked the nearest folder that exists: when that is this one, it is real.
    if _HELD[0] and os.path.isdir(folder):
        _REAL_FOLDERS.add(folder)
        return True
    return False


def _found_real(folder: str) -> None:
    if _HELD[0]:
        _REAL_FOLDERS.add(folder)


def _sync_folders() -> None:
    """Sync every folder written to since the last call, each once."""
    while _UNSYNCED:
        _fsync_dir(_UNSYNCED.pop())


def _fsync_dir(folder: str) -> None:
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def ensure_private_dir(folder: str, *, what: str) -> bool:
    """Make ``folder`` (mode 0700) unless it exists; refuse it unless it is a real folder (not
    a link) owned by this user that nobody else can write to. Returns True when it was created,
    so the caller can remove it again if it stays empty."""
    created = False
    try:
        os.mkdir(folder, 0o700)
        created = True
    except FileExistsError:
        pass
    except FileNotFoundError:
        raise  # its parent was just removed by a run that finished: the caller tries again
    except OSError as exc:
        raise WorkspaceError(f"{folder}: cannot create the {what} ({exc.strerror})") from None
    info = os.lstat(folder)
    if stat.S_ISLNK(info.st_mode):
        raise WorkspaceError(f"{folder}: the {what} is a symbolic link; smartspec never follows "
                             "links it writes through, expected a real folder")
    if not stat.S_ISDIR(info.st_mode):
        raise WorkspaceError(f"{folder}: the {what} path is taken by a file; expected a folder "
                             "(move that file away)")
    if hasattr(os, "getuid") and info.st_uid != os.getuid():
        raise WorkspaceError(f"{folder}: the {what} belongs to user id {info.st_uid}, not to "
                             "you; expected a folder only you can write to")
    if what != "state folder" and info.st_mode & 0o077 and not info.st_mode & 0o022:
        # Readable by others but writable only by this user (an older smartspec made it):
        # nobody else can have put anything in it, so it can be made private.
        os.chmod(folder, 0o700)
        return created
    if info.st_mode & (0o022 if what == "state folder" else 0o077):
        raise WorkspaceError(f"{folder}: the {what} can be used by other users (mode "
                             f"{stat.S_IMODE(info.st_mode):04o}); expected mode 0700")
    return created


def _remove_if_empty(folder: str) -> None:
    # Another run may hold a lock in it, or a file may have appeared: then it stays.
    try:
        os.rmdir(folder)
    except OSError:
        pass


class FileLock:
    """An exclusive advisory lock (``flock``) keyed by a path, with a timeout and holder info.

    Lock files live in ``folder`` (the project's own state folder), which only the owner can
    write, are opened without following links, and are deleted on release, so a failed run
    leaves no trace. A waiter that wakes up on a file that was deleted meanwhile tries again
    on the new one. The operating system drops the lock when the holder dies, so a crash never
    leaves a stale lock behind; the holder's identity is written to a file it created itself,
    so a waiter that times out can name it.
    """

    def __init__(self, key: StrPath, *, folder: StrPath, timeout: float = 60.0,
                 label: str = "") -> None:
        key, folder = os.fspath(key), os.fspath(folder)
        digest = sha256_hex(key)[:24]
        self.folder = folder
        self.path = os.path.join(folder, f"{digest}.lock")
        self.key = key
        self.timeout = timeout
        self.label = label or key
        self._fd: int | None = None
        self._created_dirs: list[str] = []

    def _open(self) -> int:
        state = os.path.dirname(self.folder)
        if os.path.islink(state):
            raise WorkspaceError(f"{state}: the state folder is a symbolic link; smartspec never "
                                 "writes through links, expected a real folder")
        if not os.path.lexists(state) and ensure_private_dir(state, what="state folder"):
            self._created_dirs.append(state)
        if ensure_private_dir(self.folder, what="lock folder"):
            self._created_dirs.append(self.folder)
        flags = os.O_RDWR | os.O_CREAT | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_CLOEXEC", 0)
        try:
            fd = os.open(self.path, flags, 0o600)
        except OSError as exc:
            if exc.errno == errno.ENOENT:
                raise  # the folder was removed by a run that finished: the caller retries
            raise WorkspaceError(f"{self.path}: cannot be used as a lock file ({exc.strerror}); "
                                 "expected a regular file or nothing at that path") from None
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode) or (hasattr(os, "getuid")
                                              and info.st_uid != os.getuid()):
            os.close(fd)
            raise WorkspaceError(f"{self.path}: is not a lock file of yours; expected a regular "
                                 "file you own or nothing at that path")
        return fd

    def acquire(self) -> None:
        import fcntl

        deadline = time.monotonic() + self.timeout
        delay = 0.005
        vanished = 0
        while True:
            try:
                fd = self._open()
            except FileNotFoundError as exc:
                # A finishing run removed the (empty) lock or state folder in between.
                vanished += 1
                if vanished > 100:
                    raise WorkspaceError(f"{self.folder}: cannot create the lock folder "
                                         f"({exc.strerror})") from None
                continue
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except OSError as exc:
                if exc.errno not in (errno.EAGAIN, errno.EACCES):
                    os.close(fd)
                    raise
                if time.monotonic() >= deadline:
                    holder = _read_holder(fd)
                    os.close(fd)
                    self._forget_dirs()
                    raise WorkspaceError(
                        f"timed out after {self.timeout:g}s waiting for the lock on {self.label}, "
                        f"held by {holder}; try again when that run has finished"
                    ) from None
                os.close(fd)
                time.sleep(delay)
                delay = min(delay * 2, 0.1)
                continue
            # The holder before us deletes the file when it is done: a lock on a deleted file
            # guards nothing, so start again on the file now at that path.
            try:
                current = os.stat(self.path, follow_symlinks=False)
            except FileNotFoundError:
                current = None
            info = os.fstat(fd)
            if current is None or (current.st_ino, current.st_dev) != (info.st_ino, info.st_dev):
                os.close(fd)
                continue
            break
        # Written once into a file nobody else writes while we hold it; never truncated, the
        # reader takes the first line.
        holder = json.dumps({"pid": os.getpid(), "since": time.time(), "for": self.label})
        # On a full disk the lock still holds, only unnamed.
        try:
            os.pwrite(fd, (holder + "\n").encode(), 0)
        except OSError:
            pass
        self._fd = fd

    def _forget_dirs(self) -> None:
        for folder in reversed(self._created_dirs):
            _remove_if_empty(folder)
        self._created_dirs.clear()

    def release(self) -> None:
        if self._fd is None:
            return
        import fcntl

        try:
            os.unlink(self.path)
        except OSError:
            pass
        fcntl.flock(self._fd, fcntl.LOCK_UN)
        os.close(self._fd)
        self._fd = None
        _remove_if_empty(self.folder)
        self._forget_dirs()

    def __enter__(self) -> FileLock:
        self.acquire()
        return self

    def __exit__(self, *exc: object) -> None:
        self.release()


def _read_holder(fd: int) -> str:
    try:
        raw = os.pread(fd, 4096, 0).decode("utf-8", "replace").split("\n", 1)[0]
        info = json.loads(raw)
        return f"process {info.get('pid')} ({info.get('for')})"
    except (OSError, ValueError, AttributeError):
        return "another smartspec run"


def locked(*keys: StrPath, folder: StrPath, timeout: float = 60.0) -> Locked:
    """Hold the locks for ``keys`` (always taken in sorted order, so runs never deadlock) for a
    ``with`` block; the lock files live in ``folder``. The folders written to inside the block
    are synced once, before the locks are let go. A key is named by its path as a string: a
    ``Path`` and the same path as ``str`` take one lock."""
    return Locked(keys, folder=folder, timeout=timeout)


class Locked:
    """What ``locked`` returns: a context manager class rather than a generator, so that the
    commands that write do not import contextlib (18 classes, some 2.7 M instructions, for this
    and a few ``suppress`` blocks)."""

    def __init__(self, keys: Iterable[StrPath], *, folder: StrPath, timeout: float) -> None:
        where = os.fspath(folder)
        self._locks = [FileLock(key, folder=where, timeout=timeout)
                       for key in sorted({os.fspath(k) for k in keys})]
        self._taken: list[FileLock] = []

    def __enter__(self) -> None:
        try:
            for lock in self._locks:
                lock.acquire()
                self._taken.append(lock)
        except BaseException:
            self._release()
            raise
        _HELD[0] += 1

    def __exit__(self, *exc: object) -> None:
        try:
            _HELD[0] -= 1
            _sync_folders()
            if not _HELD[0]:
                _REAL_FOLDERS.clear()
                _LISTINGS.clear()
        finally:
            self._release()

    def _release(self) -> None:
        for lock in reversed(self._taken):
            lock.release()
        self._taken.clear()
