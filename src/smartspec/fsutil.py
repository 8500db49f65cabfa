"""Low-level file primitives that change nothing on disk: root discovery, path confinement,
link checks, reading regular files and naming paths in messages. The primitives that write
(atomic writes, locks) are in ``fswrite``, which only ``workspace`` imports.
"""

from __future__ import annotations

import errno
import json
import os
import stat

from smartspec.errors import WorkspaceError

CONFIG_FILE = "smartspec.config.json"
STATE_DIR = ".smartspec"

# A path a caller may give as a string or as a path object (``pathlib.Path`` from the public
# API, the tests and the commands that still use pathlib). Paths are handled as strings with
# ``os.path`` on the commands that start often (new, validate, edit): importing pathlib costs
# them ``urllib.parse``, ``ipaddress``, ``fnmatch`` and ``ntpath``, and every ``/`` builds
# objects. The functions here take a ``StrPath``, call ``os.fspath`` once, and return ``str``.
StrPath = str | os.PathLike[str]


def spelled(path: str) -> str:
    """``path`` as ``str(pathlib.PurePath(path))`` spells it: no empty or ``.`` parts and no
    separator at the end (``.`` for nothing left); ``..`` stays, unlike ``os.path.normpath``.
    A path a person typed is named in messages and reports as pathlib named it before."""
    drive, rest = os.path.splitdrive(path)
    if os.altsep:
        rest = rest.replace(os.altsep, os.sep)
    root = os.sep if rest.startswith(os.sep) else ""
    if rest.startswith(os.sep * 2) and not rest.startswith(os.sep * 3):
        root = os.sep * 2  # POSIX leaves the meaning of exactly two leading slashes open
    parts = [part for part in rest.split(os.sep) if part and part != "."]
    return drive + root + os.sep.join(parts) or "."


def split_suffix(name: str) -> tuple[str, str]:
    """A file name's ``Path.stem`` and ``Path.suffix``: the suffix starts at the last dot,
    unless that dot opens the name or ends it (``.profile`` and ``notes.`` have none)."""
    dot = name.rfind(".")
    return (name[:dot], name[dot:]) if 0 < dot < len(name) - 1 else (name, "")


def ancestors(path: str) -> list[str]:
    """The folders above ``path``, nearest first, as ``Path.parents`` lists them (``path``
    absolute and normalised)."""
    found = []
    parent = os.path.dirname(path)
    while parent != path:
        found.append(parent)
        path, parent = parent, os.path.dirname(parent)
    return found


def is_within(path: str, root: str) -> bool:
    """Whether ``path`` is ``root`` or lies below it, both absolute and normalised: a prefix
    test that ends at a separator, so ``/srv/project-old`` is not inside ``/srv/project``."""
    if path == root:
        return True
    prefix = root if root.endswith(os.sep) else root + os.sep
    return path.startswith(prefix)


def find_root(start: StrPath | None = None) -> str:
    """The nearest folder from ``start`` upwards holding smartspec.config.json or .smartspec/.

    Falls back to ``start`` itself (the working directory) when no marker is found.
    """
    here = os.path.realpath(start or os.getcwd())
    for folder in (here, *ancestors(here)):
        if folder != here and not _trusted(folder):
            # A folder another user owns (a shared /tmp, say) must not capture every run
            # below it with a .smartspec/ it planted: the climb stops here, as git's does.
            break
        if (os.path.isfile(os.path.join(folder, CONFIG_FILE))
                or os.path.isdir(os.path.join(folder, STATE_DIR))):
            return folder
    return here


def _trusted(folder: str) -> bool:
    """Whether root discovery may climb into ``folder``: this user owns it, or the user's own
    configuration lists it (or "*") under ``safeDirectories``."""
    if not hasattr(os, "getuid"):
        return True
    try:
        if os.stat(folder).st_uid == os.getuid():
            return True
    except OSError:
        return False
    return folder in safe_directories() or "*" in safe_directories()


def user_config_path() -> str:
    """The user's own smartspec configuration: ``$XDG_CONFIG_HOME/smartspec/config.json``."""
    base = os.environ.get("XDG_CONFIG_HOME") or os.path.join(os.path.expanduser("~"), ".config")
    return os.path.join(base, "smartspec", "config.json")


def safe_directories() -> frozenset[str]:
    """Folders owned by other users that root discovery may still use, from the user's own
    configuration (``{"safeDirectories": ["/srv/shared/project"]}``). A file that is missing,
    unreadable or owned by someone else counts as empty: it only ever widens trust."""
    path = user_config_path()
    try:
        info = os.stat(path)
        if hasattr(os, "getuid") and info.st_uid != os.getuid():
            return frozenset()
        data = json.loads(read_regular(path).decode("utf-8-sig"))  # a FIFO: refused, not read
    except (OSError, ValueError, RecursionError):
        return frozenset()
    found = data.get("safeDirectories") if isinstance(data, dict) else None
    if not isinstance(found, list):
        return frozenset()
    return frozenset(os.path.realpath(os.path.expanduser(d)) if d != "*" else "*"
                     for d in found if isinstance(d, str) and d)


def inside_root(root: StrPath, candidate: StrPath, *, what: str) -> str:
    """Resolve ``candidate`` against ``root`` (absolute and resolved) and refuse anything
    that lands outside it."""
    root, given = os.fspath(root), os.fspath(candidate)
    full = os.path.realpath(os.path.join(root, given))
    if not is_within(full, root):
        raise WorkspaceError(
            f"{what} {given!r} resolves to {full}, outside the project root {root}; "
            "expected a path inside the root"
        )
    return full


def refuse_links(path: StrPath, *, folders_checked: bool = False) -> None:
    """Refuse to write ``path`` when it, or a folder on the way to it, is a symbolic link: a
    link planted in the project (or its state folder) must never redirect a write elsewhere.
    ``path`` is absolute and built from the resolved project root. ``folders_checked``: the
    caller already found its folder real in this run (see ``fswrite.refuse_links_held``), so
    only the path itself is checked."""
    path = os.fspath(path)
    if os.path.islink(path):
        raise WorkspaceError(f"{path}: is a symbolic link; smartspec never writes through "
                             "links, expected a regular file (remove the link)")
    if folders_checked:
        return
    folder = os.path.dirname(path)
    while not os.path.exists(folder) and folder != os.path.dirname(folder):
        if os.path.islink(folder):  # a dangling link
            break
        folder = os.path.dirname(folder)
    if os.path.islink(folder) or os.path.realpath(folder) != folder:
        link = next((p for p in (folder, *ancestors(folder)) if os.path.islink(p)), folder)
        raise WorkspaceError(f"{link}: is a symbolic link on the way to "
                             f"{os.path.basename(path)}; smartspec never writes through links, "
                             "expected a real folder")


def glob_escape(name: str) -> str:
    return "".join(f"[{c}]" if c in "*?[" else c for c in name)


def read_regular(path: StrPath) -> bytes:
    """The bytes of ``path``, which must be a regular file: opened without waiting (a FIFO in
    a file's place would block a read forever), then checked. Anything else raises OSError
    with "not a regular file", which callers report like any unreadable file."""
    return read_regular_with_stat(path)[0]


def read_regular_with_stat(path: StrPath) -> tuple[bytes, os.stat_result]:
    """``read_regular``, with the stat of the very file read (for a caller that trusts the
    bytes only when that stat is one it recorded)."""
    fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0))
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            raise OSError(errno.EINVAL, "not a regular file (a FIFO, socket or device)",
                          os.fspath(path))
        chunks = []
        while chunk := os.read(fd, 1 << 20):
            chunks.append(chunk)
        return b"".join(chunks), info
    finally:
        os.close(fd)


LOCK_DIR = "locks"
# The ids of the index last written, inside the state folder: read by the commands that
# only ask whether an id exists, without importing the writer (``Workspace``).
INDEX_IDS_FILE = "index/ids.json"
# Beside it: the keys of the registry last written, and that file's stat (registry.RegistryText).
REGISTRY_KEYS_FILE = "index/registry-keys.json"


def shown_path(path: StrPath, root: StrPath) -> str:
    """How a path is named in messages, reports and JSON: relative to ``root`` with POSIX
    separators when inside it (``.`` for the root itself), else as given. Both are absolute
    and normalised (``os.path.realpath`` results, or joins of clean names onto them); callers
    that hold an unresolved path resolve it first, so that a link inside the project is named
    by where it lands."""
    full, base = os.fspath(path), os.fspath(root)
    if full == base:
        return "."
    if not is_within(full, base):
        return full
    rel = full[len(base if base.endswith(os.sep) else base + os.sep):]
    return rel if os.sep == "/" else rel.replace(os.sep, "/")
