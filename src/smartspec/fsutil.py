"""Low-level file primitives that change nothing on disk: root discovery, path confinement,
link checks, reading regular files and naming paths in messages. The primitives that write
(atomic writes, locks) are in ``fswrite``, which only ``workspace`` imports.
"""

from __future__ import annotations

import errno
import json
import os
import stat
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


def refuse_links(path: Path, *, folders_checked: bool = False) -> None:
    """Refuse to write ``path`` when it, or a folder on the way to it, is a symbolic link: a
    link planted in the project (or its state folder) must never redirect a write elsewhere.
    ``path`` is absolute and built from the resolved project root. ``folders_checked``: the
    caller already found its folder real in this run (see ``fswrite.refuse_links_held``), so
    only the path itself is checked."""
    if os.path.islink(path):
        raise WorkspaceError(f"{path}: is a symbolic link; smartspec never writes through "
                             "links, expected a regular file (remove the link)")
    if folders_checked:
        return
    folder = path.parent
    while not folder.exists() and folder != folder.parent:
        if folder.is_symlink():  # a dangling link
            break
        folder = folder.parent
    if folder.is_symlink() or folder.resolve() != folder:
        link = next((p for p in (folder, *folder.parents) if p.is_symlink()), folder)
        raise WorkspaceError(f"{link}: is a symbolic link on the way to {path.name}; smartspec "
                             "never writes through links, expected a real folder")


def glob_escape(name: str) -> str:
    return "".join(f"[{c}]" if c in "*?[" else c for c in name)


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


LOCK_DIR = "locks"
# The ids of the index last written, inside the state folder: read by the commands that
# only ask whether an id exists, without importing the writer (``Workspace``).
INDEX_IDS_FILE = "index/ids.json"


def shown_path(path: Path, root: Path) -> str:
    """How a path is named in messages, reports and JSON: relative to ``root`` with POSIX
    separators when inside it (``.`` for the root itself), else as given. Callers that hold an
    unresolved path resolve it first, so that a link inside the project is named by where it
    lands."""
    try:
        return path.relative_to(root).as_posix()
    except ValueError:
        return str(path)
