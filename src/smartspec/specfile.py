"""Finding and reading the spec file a command names: one reader, one set of error words
(a missing, binary, non-UTF-8 or special file is refused with its name and, where it
applies, the line of the first bad byte). Reads only; nothing here writes."""

from __future__ import annotations

import codecs
import os

from smartspec.errors import DocumentError, WorkspaceError
from smartspec.fsutil import StrPath, is_within, shown_path

# A spec as the API and the commands name it: a string or a path object.
SpecArg = StrPath


def resolve_spec(root: str, cwd: str, spec: SpecArg) -> str:
    """The spec file ``spec`` names (relative to ``cwd``), refused if it lies outside the root."""
    given = os.fspath(spec)
    path = os.path.realpath(os.path.join(cwd, given))
    if not is_within(path, root):
        raise WorkspaceError(f"SPEC.md {given!r} resolves to {path}, outside the project "
                             f"root {root}; expected a spec inside the root")
    shown = shown_path(path, root)
    if os.path.isdir(path):
        raise DocumentError(f"{shown}: is a directory; expected a spec file such as "
                            f"{shown}/spec.md")
    refuse_special(path, shown)
    return path


def refuse_special(path: StrPath, shown: str) -> None:
    """Refuse a FIFO, socket or device where a spec or backup should be: reading a FIFO waits
    forever, and none of them is a file a person wrote."""
    if os.path.exists(path) and not os.path.isfile(path) and not os.path.isdir(path):
        raise DocumentError(f"{shown}: is not a regular file (a FIFO, socket or device); "
                            "expected a spec file")


def read_spec(path: StrPath, shown: str) -> tuple[bytes, str, bytes]:
    """(the file's bytes, its text, its byte-order mark). A missing, binary or non-UTF-8 file
    is refused with the line of the first bad byte."""
    refuse_special(path, shown)
    try:
        with open(path, "rb") as handle:
            data = handle.read()
    except FileNotFoundError:
        raise DocumentError(f"{shown}: no such file; expected an existing spec "
                            "(create one with 'smartspec new NAME')") from None
    except IsADirectoryError:
        raise DocumentError(f"{shown}: is a directory; expected a spec file") from None
    except OSError as exc:
        raise DocumentError(f"{shown}: cannot be read ({exc.strerror})") from None
    return (data, *decode_spec(data, shown))


def decode_spec(data: bytes, shown: str) -> tuple[str, bytes]:
    nul = data.find(b"\x00")
    if nul >= 0:
        line = data.count(b"\n", 0, nul) + 1
        raise DocumentError(f"{shown}: line {line}: holds a NUL byte, so it is a binary file; "
                            "expected a UTF-8 Markdown spec")
    bom = codecs.BOM_UTF8 if data.startswith(codecs.BOM_UTF8) else b""
    try:
        return data[len(bom):].decode("utf-8"), bom
    except UnicodeDecodeError as exc:
        at = exc.start + len(bom)
        line = data.count(b"\n", 0, at) + 1
        raise DocumentError(f"{shown}: line {line}: byte 0x{data[at]:02x} is not UTF-8; "
                            "expected a UTF-8 Markdown spec") from None


def unified_diff(old: str, new: str, rel: str) -> str:
    """What ``--nogenerate`` prints: a unified diff, as ``git diff`` would show it."""
    import difflib

    lines = []
    for line in difflib.unified_diff(old.splitlines(keepends=True), new.splitlines(keepends=True),
                                     fromfile=f"a/{rel}", tofile=f"b/{rel}"):
        lines.append(line if line.endswith("\n") else line + "\n\\ No newline at end of file\n")
    return "".join(lines)


def file_mode(path: StrPath) -> int | None:
    """The permission bits of the spec on disk (its backup gets the same)."""
    try:
        return os.stat(path).st_mode & 0o7777
    except OSError:
        return None
