"""Where a project's SPEC_INDEX.json is, and its ids without reading it.

A command that only asks whether a spec id exists (a one-spec ``validate``, for the
related-specs rule) needs no more of the index than this: the file's place and the small ids
file ``smartspec index`` keeps beside its scan state. Neither the index model, nor the reader
of every shape the file was ever written in (``migrate``), nor the scan state is loaded for it.
"""

from __future__ import annotations

import json
import os

from smartspec.fsutil import StrPath, read_regular

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

INDEX_FILE = "SPEC_INDEX.json"


def locate_index(root: StrPath, state_dir: StrPath, specindex: str | None) -> str | None:
    """The index file to use: ``--specindex PATH`` (relative to the root; returned even when
    it does not exist yet, so that writers create it there), else the first that exists of
    ``<state_dir>/SPEC_INDEX.json``, ``<root>/SPEC_INDEX.json``, ``<root>/.spec/SPEC_INDEX.json``
    and ``<root>/specs/SPEC_INDEX.json``; None when there is none."""
    if specindex:
        # Confined to the project for every command, readers included: an index elsewhere
        # would let a spec's dependencies resolve to files outside it.
        from smartspec.fsutil import inside_root, spelled

        # Spelled as pathlib spelled it before: the error names the path so.
        return inside_root(root, spelled(os.path.expanduser(specindex)), what="--specindex")
    for candidate in index_candidates(root, state_dir):
        if os.path.isfile(candidate):
            return candidate
    return None


def index_candidates(root: StrPath, state_dir: StrPath) -> list[str]:
    """The places ``locate_index`` looks, in order (for messages that list them)."""
    return [os.path.join(state_dir, INDEX_FILE), os.path.join(root, INDEX_FILE),
            os.path.join(root, ".spec", INDEX_FILE), os.path.join(root, "specs", INDEX_FILE)]


def read_known_ids(ids_path: StrPath, index_path: StrPath, root: StrPath) -> frozenset[str] | None:
    """The ids of the index at ``index_path`` from the small file ``Workspace.write_index``
    keeps beside the scan state, when that file describes this very index file (same name,
    size, mtime, ctime and inode); None when it does not (a hand edit, another tool's write,
    a project from an earlier version), and the caller loads the index itself."""
    # The standard library's C decoder reads even 10,000 ids in a few milliseconds, less
    # than importing msgspec would cost the one-spec validate that asks.
    from smartspec.fsutil import shown_path

    try:
        data = json.loads(read_regular(ids_path).decode("utf-8"))
        stat = os.stat(index_path)
    except (OSError, ValueError):  # unreadable, not UTF-8, not JSON
        return None
    if not _is_ids_file(data):
        return None
    if (data["index"] != shown_path(os.path.realpath(index_path), root)
            or data["size"] != stat.st_size or data["mtime_ns"] != stat.st_mtime_ns
            or data["ctime_ns"] != stat.st_ctime_ns or data["ino"] != stat.st_ino):
        return None
    return frozenset(data["ids"])


def _is_ids_file(data: Any) -> bool:
    """Whether ``data`` has the ids file's shape: the index's name, its size, times and inode
    as integers (not booleans), and a list of id strings."""
    return (isinstance(data, dict) and isinstance(data.get("index"), str)
            and all(type(data.get(key)) is int for key in ("size", "mtime_ns", "ctime_ns", "ino"))
            and isinstance(data.get("ids"), list)
            and all(isinstance(spec_id, str) for spec_id in data["ids"]))
