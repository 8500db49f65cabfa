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
import tempfile
import time
from collections.abc import Iterator
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
        if (folder / CONFIG_FILE).is_file() or (folder / STATE_DIR).is_dir():
            return folder
    return here


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


def atomic_write(path: Path, data: bytes | str) -> None:
    """Write ``data`` to ``path`` so that readers see the old file or the new one, never half.

    Temp file in the same folder, fsync, rename over the target, fsync the folder. An existing
    file's permission bits are kept. The caller must hold the lock that covers ``path``.
    """
    payload = data.encode("utf-8") if isinstance(data, str) else data
    path.parent.mkdir(parents=True, exist_ok=True)
    # A run killed mid-write leaves its temp file behind; the caller holds this path's lock,
    # so any temp file of this target is such a leftover.
    for stale in path.parent.glob(f".{glob_escape(path.name)}.*.tmp"):
        with contextlib.suppress(OSError):
            stale.unlink()
    try:
        mode: int | None = path.stat().st_mode & 0o7777
    except FileNotFoundError:
        mode = None
    fd, tmp_name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(payload)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(tmp_name, mode if mode is not None else 0o644)
        os.replace(tmp_name, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp_name)
        raise
    _fsync_dir(path.parent)


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


def sha256_text(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _lock_dir() -> Path:
    # Lock files live outside the project tree: a run that fails must leave the tree as it was,
    # and unlinking flock files after use would race with waiters.
    base = os.environ.get("XDG_RUNTIME_DIR") or tempfile.gettempdir()
    folder = Path(base) / f"smartspec-locks-{os.getuid() if hasattr(os, 'getuid') else 0}"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


class FileLock:
    """An exclusive advisory lock (``flock``) keyed by a path, with a timeout and holder info.

    The operating system drops the lock when the holding process dies, so a crash never leaves
    a stale lock behind. While held, the lock file records who holds it so that a waiter that
    times out can name the holder.
    """

    def __init__(self, key: Path, *, timeout: float = 60.0, label: str = "") -> None:
        digest = hashlib.sha256(str(key).encode()).hexdigest()[:24]
        self.path = _lock_dir() / f"{digest}.lock"
        self.key = key
        self.timeout = timeout
        self.label = label or str(key)
        self._fd: int | None = None

    def acquire(self) -> None:
        import fcntl

        fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
        deadline = time.monotonic() + self.timeout
        delay = 0.005
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except OSError as exc:
                if exc.errno not in (errno.EAGAIN, errno.EACCES):
                    os.close(fd)
                    raise
                if time.monotonic() >= deadline:
                    holder = _read_holder(fd)
                    os.close(fd)
                    raise WorkspaceError(
                        f"timed out after {self.timeout:g}s waiting for the lock on {self.label}, "
                        f"held by {holder}; try again when that run has finished"
                    ) from None
                time.sleep(delay)
                delay = min(delay * 2, 0.1)
        holder = json.dumps({"pid": os.getpid(), "since": time.time(), "for": self.label})
        os.ftruncate(fd, 0)
        os.pwrite(fd, holder.encode(), 0)
        self._fd = fd

    def release(self) -> None:
        if self._fd is None:
            return
        import fcntl

        os.ftruncate(self._fd, 0)
        fcntl.flock(self._fd, fcntl.LOCK_UN)
        os.close(self._fd)
        self._fd = None

    def __enter__(self) -> FileLock:
        self.acquire()
        return self

    def __exit__(self, *exc: object) -> None:
        self.release()


def _read_holder(fd: int) -> str:
    try:
        raw = os.pread(fd, 4096, 0).decode("utf-8", "replace")
        info = json.loads(raw)
        return f"process {info.get('pid')} ({info.get('for')})"
    except (OSError, ValueError):
        return "another smartspec run"


@contextlib.contextmanager
def locked(*keys: Path, timeout: float = 60.0) -> Iterator[None]:
    """Hold the locks for ``keys`` (always taken in sorted order, so runs never deadlock)."""
    locks = [FileLock(k, timeout=timeout) for k in sorted(set(keys), key=str)]
    taken: list[FileLock] = []
    try:
        for lock in locks:
            lock.acquire()
            taken.append(lock)
        yield
    finally:
        for lock in reversed(taken):
            lock.release()
