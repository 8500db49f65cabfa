"""Low-level file primitives: root discovery, path confinement, atomic writes and locks.

These are the only helpers that write bytes to disk; ``workspace`` builds the product's
files (spec, backups, reports, registry, index, trace) on top of them.
"""

from __future__ import annotations

import contextlib
import errno
import hashlib
import json
import os
import stat
import tempfile
import time
from collections.abc import Iterable, Iterator
from pathlib import Path

from smartspec.errors import WorkspaceError

CONFIG_FILE = "smartspec.config.json"
STATE_DIR = ".smartspec"


def find_root(start: Path | None = None) -> Path:
    """The nearest folder from ``start`` upwards holding smartspec.config.json or .smartspec/.

    Falls back to ``start`` itself (the working directory) when no marker is found.
    """
    here = (start or Path.cwd()).resolve()
    for folder in (here, *here.parents):
        if folder != here and not _trusted(folder):
            # A folder another user owns (a shared /tmp, say) must not capture every run
            # below it with a .smartspec/ it planted: the climb stops here, as git's does.
            break
        if (folder / CONFIG_FILE).is_file() or (folder / STATE_DIR).is_dir():
            return folder
    return here


def _trusted(folder: Path) -> bool:
    """Whether root discovery may climb into ``folder``: this user owns it, or the user's own
    configuration lists it (or "*") under ``safeDirectories``."""
    if not hasattr(os, "getuid"):
        return True
    try:
        if folder.stat().st_uid == os.getuid():
            return True
    except OSError:
        return False
    return str(folder) in safe_directories() or "*" in safe_directories()


def user_config_path() -> Path:
    """The user's own smartspec configuration: ``$XDG_CONFIG_HOME/smartspec/config.json``."""
    base = os.environ.get("XDG_CONFIG_HOME") or str(Path.home() / ".config")
    return Path(base) / "smartspec" / "config.json"


def safe_directories() -> frozenset[str]:
    """Folders owned by other users that root discovery may still use, from the user's own
    configuration (``{"safeDirectories": ["/srv/shared/project"]}``). A file that is missing,
    unreadable or owned by someone else counts as empty: it only ever widens trust."""
    path = user_config_path()
    try:
        info = path.stat()
        if hasattr(os, "getuid") and info.st_uid != os.getuid():
            return frozenset()
        data = json.loads(path.read_text(encoding="utf-8-sig"))
    except (OSError, ValueError, RecursionError):
        return frozenset()
    found = data.get("safeDirectories") if isinstance(data, dict) else None
    if not isinstance(found, list):
        return frozenset()
    return frozenset(str(Path(d).expanduser().resolve()) if d != "*" else "*"
                     for d in found if isinstance(d, str) and d)


def inside_root(root: Path, candidate: str | Path, *, what: str) -> Path:
    """Resolve ``candidate`` against ``root`` and refuse anything that lands outside it."""
    path = Path(candidate)
    full = (path if path.is_absolute() else root / path).resolve()
    if full != root and root not in full.parents:
        raise WorkspaceError(
            f"{what} {str(candidate)!r} resolves to {full}, outside the project root {root}; "
            "expected a path inside the root"
        )
    return full


def default_file_mode() -> int:
    """The mode a new file gets under the process umask (0o666 minus the umask), as ``open``
    would give it: smartspec's files are no more open than the person's own."""
    mask = os.umask(0)
    os.umask(mask)
    return 0o666 & ~mask


def atomic_write(path: Path, data: bytes | str, *, mode: int | None = None) -> None:
    """Write ``data`` to ``path`` so that readers see the old file or the new one, never half.

    Temp file in the same folder, fsync, rename over the target, fsync the folder. An existing
    file's permission bits are kept; a new file gets ``mode`` (a backup takes its spec's) or
    what the umask allows. The caller must hold the lock that covers ``path``.
    """
    payload = data.encode("utf-8") if isinstance(data, str) else data
    refuse_links(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    # A run killed mid-write leaves its temp file behind; the caller holds this path's lock,
    # so any temp file of this target is such a leftover.
    for stale in path.parent.glob(f".{glob_escape(path.name)}.*.tmp"):
        with contextlib.suppress(OSError):
            stale.unlink()
    with contextlib.suppress(FileNotFoundError):
        mode = path.stat().st_mode & 0o7777
    fd, tmp_name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(payload)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(tmp_name, mode if mode is not None else default_file_mode())
        os.replace(tmp_name, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp_name)
        raise
    _fsync_dir(path.parent)


def refuse_links(path: Path) -> None:
    """Refuse to write ``path`` when it, or a folder on the way to it, is a symbolic link: a
    link planted in the project (or its state folder) must never redirect a write elsewhere.
    ``path`` is absolute and built from the resolved project root."""
    if path.is_symlink():
        raise WorkspaceError(f"{path}: is a symbolic link; smartspec never writes through "
                             "links, expected a regular file (remove the link)")
    folder = path.parent
    while not folder.exists() and folder != folder.parent:
        if folder.is_symlink():  # a dangling link
            break
        folder = folder.parent
    if folder.is_symlink() or folder.resolve() != folder:
        link = next((p for p in (folder, *folder.parents) if p.is_symlink()), folder)
        raise WorkspaceError(f"{link}: is a symbolic link on the way to {path.name}; smartspec "
                             "never writes through links, expected a real folder")


def sweep_stale_temps(paths: Iterable[Path]) -> None:
    """Delete temp files that killed runs left behind (``.NAME.XXXXXXXX.tmp`` from
    ``atomic_write``). The caller holds the lock every writer takes, so none is in use."""
    for path in paths:
        if path.is_file() and not path.is_symlink():
            with contextlib.suppress(OSError):
                path.unlink()


def glob_escape(name: str) -> str:
    return "".join(f"[{c}]" if c in "*?[" else c for c in name)


def _fsync_dir(folder: Path) -> None:
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


def read_regular(path: Path) -> bytes:
    """The bytes of ``path``, which must be a regular file: opened without waiting (a FIFO in
    a file's place would block a read forever), then checked. Anything else raises OSError
    with "not a regular file", which callers report like any unreadable file."""
    fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0))
    try:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            raise OSError(errno.EINVAL, "not a regular file (a FIFO, socket or device)",
                          str(path))
        chunks = []
        while chunk := os.read(fd, 1 << 20):
            chunks.append(chunk)
        return b"".join(chunks)
    finally:
        os.close(fd)


def sha256_text(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


LOCK_DIR = "locks"


def ensure_private_dir(folder: Path, *, what: str) -> bool:
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


def _remove_if_empty(folder: Path) -> None:
    # Another run may hold a lock in it, or a file may have appeared: then it stays.
    with contextlib.suppress(OSError):
        folder.rmdir()


class FileLock:
    """An exclusive advisory lock (``flock``) keyed by a path, with a timeout and holder info.

    Lock files live in ``folder`` (the project's own state folder), which only the owner can
    write, are opened without following links, and are deleted on release, so a failed run
    leaves no trace. A waiter that wakes up on a file that was deleted meanwhile tries again
    on the new one. The operating system drops the lock when the holder dies, so a crash never
    leaves a stale lock behind; the holder's identity is written to a file it created itself,
    so a waiter that times out can name it.
    """

    def __init__(self, key: Path, *, folder: Path, timeout: float = 60.0,
                 label: str = "") -> None:
        digest = hashlib.sha256(str(key).encode()).hexdigest()[:24]
        self.folder = folder
        self.path = folder / f"{digest}.lock"
        self.key = key
        self.timeout = timeout
        self.label = label or str(key)
        self._fd: int | None = None
        self._created_dirs: list[Path] = []

    def _open(self) -> int:
        state = self.folder.parent
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
        with contextlib.suppress(OSError):  # on a full disk the lock still holds, unnamed
            os.pwrite(fd, (holder + "\n").encode(), 0)
        self._fd = fd

    def _forget_dirs(self) -> None:
        for folder in reversed(self._created_dirs):
            _remove_if_empty(folder)
        self._created_dirs.clear()

    def release(self) -> None:
        if self._fd is None:
            return
        import fcntl

        with contextlib.suppress(OSError):
            os.unlink(self.path)
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


@contextlib.contextmanager
def locked(*keys: Path, folder: Path, timeout: float = 60.0) -> Iterator[None]:
    """Hold the locks for ``keys`` (always taken in sorted order, so runs never deadlock); the
    lock files live in ``folder``."""
    locks = [FileLock(k, folder=folder, timeout=timeout) for k in sorted(set(keys), key=str)]
    taken: list[FileLock] = []
    try:
        for lock in locks:
            lock.acquire()
            taken.append(lock)
        yield
    finally:
        for lock in reversed(taken):
            lock.release()
