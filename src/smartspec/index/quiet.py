"""``smartspec index`` when nothing changed, answered from the scan manifest's stat block with
nothing imported but modules built into the interpreter (``os``, ``sys``, ``array``).

Most runs of ``smartspec index`` (a pre-commit hook, an editor on save, a CI step) find the
tree as the last run left it, and such a run's whole cost is start-up. The manifest therefore
begins with a block this module reads without JSON, click, pathlib or the index model: the
project's config files and folders as the last build saw them, the identity of the index text
it wrote, and the size and mtime of every spec file and the mtime of every folder of the
tree, in walk order. When all of them are as recorded, the index is up to date and the answer
is printed from the block; anything else (a file, a folder, the index, a config file, the
flags, the output stream) that is not exactly as recorded returns None, and the command runs
as always, under the lock, and says what changed.

Why stats of the spec files and of every folder, not one or the other: an editor that writes a
spec in place changes the file's mtime but not its folder's, and a spec folder added beside
the others changes only its parent folder's mtime (git's index relies on the same two facts).

The block (``stat_block``) is the paths as NUL-separated UTF-8 text (NUL is the one character
no path holds, and ``split`` reads 20,000 of them in about a millisecond), then the sizes and
mtimes as little-endian 64-bit integers, which ``array`` reads without parsing a digit.
"""

from __future__ import annotations

import os
import sys
from itertools import chain
from operator import itemgetter

from smartspec.jsontext import dumps

TYPE_CHECKING = False  # typing costs more to import than this whole answer takes
if TYPE_CHECKING:
    from array import array
    from collections.abc import Iterable, Mapping, Sequence
    from typing import Any, BinaryIO

# Schema of the manifest file (``<state>/index/manifest.json``): the first line names it and
# says how long the stat block's text and integers are; the rest is JSON only a build reads.
MANIFEST_SCHEMA_VERSION = 4
MANIFEST_MAGIC = b"smartspec-scan "
# Bump when the way fields are read from a spec changes: cached extractions are then redone.
EXTRACTOR_VERSION = 1

CONFIG_FILE = "smartspec.config.json"  # as fsutil.CONFIG_FILE
STATE_DIR = ".smartspec"  # as fsutil.STATE_DIR
ORG_CONFIG = STATE_DIR + "/config.json"  # as config.load_settings reads it
INDEX_FILE = "SPEC_INDEX.json"
# Where locate_index looks, in order, after <state>/SPEC_INDEX.json (relative to the root).
OTHER_INDEX_PLACES = (INDEX_FILE, ".spec/" + INDEX_FILE, "specs/" + INDEX_FILE)

# The fields before the per-file records, in order (see ``stat_block``): what the run that
# wrote it saw (SCOPE: smartspec's version, the config files, the folders as configured and
# as resolved), the index text it wrote, and how many records follow.
SCOPE = ("version", "org_config", "project_config", "output_dir", "specs_dir", "root", "state",
         "specs", "specs_rel")
HEAD = ("extractor", *SCOPE, "index_rel", "index_size", "index_mtime", "index_ctime",
        "index_ino", "entries", "shape", "files", "dirs", "warnings")
_COUNTS = tuple(HEAD.index(name) for name in ("files", "dirs", "warnings"))


def version() -> str:
    from smartspec import __version__

    return __version__


def file_identity(path: str) -> str:
    """A file's identity as the stat block records it: ``size:mtime:ctime:inode`` of the file
    itself (a link is recorded as the link), or ``-`` when there is none. A write always
    changes the ctime, which no one can set back, so an equal identity means the same bytes."""
    try:
        return file_identity_of(os.lstat(path))
    except OSError:
        return "-"


def file_identity_of(stat: os.stat_result) -> str:
    """``file_identity`` of a file whose stat is at hand."""
    return f"{stat.st_size}:{stat.st_mtime_ns}:{stat.st_ctime_ns}:{stat.st_ino}"


def config_identities(root: str) -> tuple[str, str]:
    """The identities of the two config files ``load_settings`` reads under ``root``."""
    return (file_identity(os.path.join(root, ORG_CONFIG)),
            file_identity(os.path.join(root, CONFIG_FILE)))


def stat_block(scope: tuple[str, ...] | None, records: Mapping[str, Sequence[Any]],
               dirs: Mapping[str, Sequence[Any]], identity: list[Any] | None) -> bytes:
    """The stat block of a manifest. ``scope`` is ``(org config identity, project config
    identity, output dir as configured, specs dir as configured, root, state dir, specs dir,
    specs dir shown)`` (the folders resolved), or None when the run was not one the quick
    answer may stand in for (flags that name other folders, or a call through the API);
    ``records`` and ``dirs`` are the walk's, in its order (a file's size, mtime stamp and
    warning at 0, 1 and 4; a folder's mtime stamp at 0); ``identity`` is the manifest's
    record of the index text."""
    if scope is None:
        scope = ("?",) * (len(SCOPE) - 1)  # never equal to a config identity: no answer
    if identity is None:
        index: tuple[object, ...] = ("",) * 7
    else:
        index = (identity[0], identity[1], identity[2], identity[3], identity[4], identity[6],
                 identity[7] if identity[8] == 0 else "")
    warnings = [record[4] for record in records.values() if record[4]]
    head = [EXTRACTOR_VERSION, version(), *scope, *index, len(records), len(dirs),
            len(warnings)]
    # Paths and warnings as text, sizes and stamps as 64-bit integers; column by column,
    # with map and itemgetter, so that the iteration stays in C: this runs on every build,
    # over every spec.
    files, folders = records.values(), dirs.values()
    text = "\0".join(chain(map(str, head), records, dirs, warnings)).encode(
        "utf-8", "surrogateescape")
    from array import array  # only where a manifest is written or read: new and validate do neither

    ints = array("q", chain(map(itemgetter(0), files), map(itemgetter(1), files),
                            map(itemgetter(0), folders)))
    if sys.byteorder == "big":
        ints.byteswap()  # stored little-endian
    data = ints.tobytes()
    return (MANIFEST_MAGIC + f"{MANIFEST_SCHEMA_VERSION} {len(text)} {len(data)}\n".encode()
            + text + data)


def columns(fields: list[Any], ints: array[int]) -> tuple[
        list[Any], array[int], array[int], list[Any], array[int]]:
    """A counted stat block's records as columns: the files' paths, sizes and mtime stamps,
    the folders' paths and mtime stamps (each in walk order)."""
    files, dirs = (int(fields[at]) for at in _COUNTS[:2])
    at = len(HEAD)
    return (fields[at:at + files], ints[:files], ints[files:2 * files],
            fields[at + files:at + files + dirs], ints[2 * files:2 * files + dirs])


def _header(line: bytes) -> tuple[int, int] | None:
    """The lengths of the stat block's text and integers from a manifest's first line; None
    when it is not one of this schema."""
    if not line.startswith(MANIFEST_MAGIC) or not line.endswith(b"\n"):
        return None
    try:
        schema, text, ints = (int(word) for word in line[len(MANIFEST_MAGIC):].split())
    except ValueError:
        return None
    if schema != MANIFEST_SCHEMA_VERSION or text < 0 or ints < 0 or ints % 8:
        return None
    return text, ints


def _counted(fields: list[Any], ints: int) -> bool:
    """Whether a stat block's fields (bytes or text) and its ``ints`` integers are as many as
    its head announces."""
    if len(fields) < len(HEAD) or not all(fields[at].isascii() and fields[at].isdigit()
                                          for at in _COUNTS):
        return False
    files, dirs, warnings = (int(fields[at]) for at in _COUNTS)
    return len(fields) == len(HEAD) + files + dirs + warnings and ints == 2 * files + dirs


def _integers(data: bytes) -> array[int]:
    from array import array

    ints = array("q")
    ints.frombytes(data)
    if sys.byteorder == "big":
        ints.byteswap()
    return ints


def split_manifest(raw: bytes) -> tuple[list[str], array[int], bytes] | None:
    """A schema-4 manifest's stat block (its text fields and its integers) and the JSON that
    follows it; None when ``raw`` is not one."""
    line_end = raw.find(b"\n", 0, 80) + 1
    lengths = _header(raw[:line_end]) if line_end else None
    if lengths is None or line_end + lengths[0] + lengths[1] > len(raw):
        return None
    ints_at = line_end + lengths[0]
    rest_at = ints_at + lengths[1]
    fields = raw[line_end:ints_at].decode("utf-8", "surrogateescape").split("\0")
    if not _counted(fields, lengths[1] // 8):
        return None
    return fields, _integers(raw[ints_at:rest_at]), raw[rest_at:]


def _open_regular(path: str) -> BinaryIO | None:
    """``path`` opened for reading when it is a regular file; None for anything else (a FIFO
    in its place would block ``open`` forever, so it is opened without waiting first, as
    ``fsutil.read_regular`` opens, which this module does not import)."""
    fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0))
    if os.fstat(fd).st_mode & 0o170000 != 0o100000:
        os.close(fd)
        return None
    return os.fdopen(fd, "rb")


def read_block(path: str) -> tuple[list[bytes], array[int], str] | None:
    """The stat block of the manifest at ``path`` (text fields as bytes, and integers) and the
    identity of the file it was read from (as ``file_identity`` writes it), read without the
    JSON that follows it; None when there is none of this schema."""
    read = _read_start(path, None)
    if read is None:
        return None
    lengths, text, data, identity = read
    if len(text) != lengths[0] or len(data) != lengths[1]:
        return None
    fields = text.split(b"\0")
    if not _counted(fields, lengths[1] // 8):
        return None
    return fields, _integers(data), identity


def read_head(path: str) -> tuple[dict[str, str], str] | None:
    """The head of the stat block of the manifest at ``path`` (``HEAD`` by name) and the
    identity of the file read (as ``file_identity`` writes it), without the records that
    follow; None when there is none of this schema."""
    read = _read_start(path, _HEAD_BYTES)
    if read is None:
        return None
    lengths, text, _, identity = read
    fields = text.split(b"\0")
    # Whole fields only: the text read must reach past the head, or be all of it.
    if len(fields) < len(HEAD) or (len(fields) == len(HEAD) and len(text) < lengths[0]):
        return None
    return head_of([field.decode("utf-8", "surrogateescape") for field in fields[:len(HEAD)]]), identity


def _read_start(path: str, text_bytes: int | None
                ) -> tuple[tuple[int, int], bytes, bytes, str] | None:
    """A manifest's header lengths, its stat block's text (at most ``text_bytes`` of it) and,
    when the whole text is asked for, its integers, with the identity of the file read."""
    try:
        opened = _open_regular(path)
        if opened is None:
            return None
        with opened as handle:
            lengths = _header(handle.readline(80))
            if lengths is None:
                return None
            if text_bytes is None:
                text, data = handle.read(lengths[0]), handle.read(lengths[1])
            else:
                text, data = handle.read(min(lengths[0], text_bytes)), b""
            identity = file_identity_of(os.fstat(handle.fileno()))
    except OSError:
        return None
    return lengths, text, data, identity


# The head's fields are a version, config identities, folders and the index's identity: a few
# hundred bytes, unless a folder's name is very long.
_HEAD_BYTES = 1 << 16


# Beside the manifest: the index text smartspec's own commands (new, edit, restore, adopt)
# wrote since the last build, and the specs whose entries they changed. A record longer than
# this is not one a run wrote (a path is at most a few hundred bytes; a build starts a new one).
OWN_WRITES_FILE = "own-writes.json"
_OWN_WRITES_BYTES = 1 << 22


def index_lineage(manifest_path: str, index_path: str, index_rel: str
                  ) -> tuple[str, frozenset[str]] | None:
    """The identity of the manifest at ``manifest_path`` and the spec paths whose entries
    smartspec's own writes have changed since the build that wrote that manifest, when the
    index at ``index_path`` (named ``index_rel``) is that build's text plus those writes; None
    when anything else may have changed it (a hand edit, another tool, a rollback, a lost
    record), or there is no such build.

    A build trusts an index it wrote itself: the entry of a file that has not changed is
    reused as it is. Each write of the index by ``record_in_index`` changes only the entry of
    the spec it wrote, so after such writes every other entry is still the build's own; the
    record of those writes (``own_writes_bytes``, a cache like the ids file) lets the next
    build trust those entries and compare only the changed ones with their files."""
    read = read_head(manifest_path)
    if read is None:
        return None
    head, manifest_identity = read
    current = file_identity(index_path)
    if current == "-":
        return None
    built = ":".join(head[name] for name in ("index_size", "index_mtime", "index_ctime",
                                             "index_ino"))
    if head["index_rel"] == index_rel and current == built:
        return manifest_identity, frozenset()
    import json

    try:
        opened = _open_regular(os.path.join(os.path.dirname(manifest_path), OWN_WRITES_FILE))
        if opened is None:
            return None
        with opened as handle:
            record = json.loads(handle.read(_OWN_WRITES_BYTES))
    except (OSError, ValueError, RecursionError):
        return None
    if not (type(record) is dict and record.get("manifest") == manifest_identity
            and record.get("index") == index_rel and record.get("identity") == current
            and type(record.get("paths")) is list
            and all(type(path) is str for path in record["paths"])):
        return None
    return manifest_identity, frozenset(record["paths"])


def own_writes_bytes(manifest_identity: str, index_rel: str, index_stat: os.stat_result,
                     paths: Iterable[str]) -> bytes:
    """The record that the index at ``index_rel``, as it is now (``index_stat``), is the text
    of the build whose manifest has ``manifest_identity`` plus writes of the entries of the
    specs at ``paths``."""
    import json

    # ASCII escapes: one line whatever a path holds.
    return json.dumps({"manifest": manifest_identity, "index": index_rel,
                       "identity": file_identity_of(index_stat), "paths": sorted(set(paths))},
                      separators=(",", ":")).encode("ascii")


def find_root(cwd: str) -> str | None:
    """The project root as ``fsutil.find_root`` finds it from ``cwd``, or None where that
    takes more than this answer knows: a climb into a folder this user does not own (which
    the user's own configuration may still trust)."""
    here = os.path.realpath(cwd)
    folder = here
    uid = os.getuid() if hasattr(os, "getuid") else None
    while True:
        if folder != here and uid is not None:
            try:
                if os.stat(folder).st_uid != uid:
                    return None
            except OSError:
                return None
        if os.path.isfile(os.path.join(folder, CONFIG_FILE)) or os.path.isdir(
                os.path.join(folder, STATE_DIR)):
            return folder
        parent = os.path.dirname(folder)
        if parent == folder:
            return here
        folder = parent


def head_of(fields: list[str]) -> dict[str, str]:
    """The head of a stat block by name (``HEAD``)."""
    return dict(zip(HEAD, fields, strict=False))


def unchanged(root: str) -> tuple[dict[str, str], list[str], str] | None:
    """The head and the warnings of the stat block of the manifest under ``root``'s default
    state folder, and the index's name, when the manifest says the index is up to date and
    every stat agrees; else None. When only stats disagree, what disagrees is kept for this
    process's own build (``take_stat_check``)."""
    state = os.path.realpath(os.path.join(root, STATE_DIR))
    manifest = os.path.join(state, "index", "manifest.json")
    block = read_block(manifest)
    if block is None:
        return None
    fields, ints, identity = block
    head = head_of([field.decode("utf-8", "surrogateescape") for field in fields[:len(HEAD)]])
    if (head["extractor"] != str(EXTRACTOR_VERSION) or head["version"] != version()
            or (head["org_config"], head["project_config"]) != config_identities(root)
            or head["root"] != root or head["state"] != state
            or os.path.realpath(os.path.join(root, head["output_dir"])) != state
            or os.path.realpath(os.path.join(root, head["specs_dir"])) != head["specs"]
            or head["shape"] != "v1"):
        return None
    index_rel = _located_index(root, state, head)
    if index_rel is None:
        return None
    count = int(head["warnings"])
    changed = _stat_changes(root, fields, ints)
    if changed is None:
        return None
    if changed[0] or changed[1]:
        global _last_check
        _last_check = StatCheck(manifest, identity, *changed)
        return None
    warnings = [field.decode("utf-8", "surrogateescape")
                for field in fields[len(fields) - count:]] if count else []
    return head, warnings, index_rel


def _located_index(root: str, state: str, head: dict[str, str]) -> str | None:
    """The index's name when ``locate_index`` would pick the file the manifest describes and
    that file is still the text the last build wrote (same size, mtime, ctime, inode)."""
    places = [os.path.join(state, INDEX_FILE),
              *(os.path.join(root, place) for place in OTHER_INDEX_PLACES)]
    prefix = root.rstrip("/") + "/"
    for place in places:
        try:
            stat = os.lstat(place)
        except FileNotFoundError:
            continue
        except OSError:
            return None
        rel = place[len(prefix):] if place.startswith(prefix) else place
        # A link, or anything but a regular file, is left to the full run to name or refuse.
        if (stat.st_mode & 0o170000 != 0o100000 or rel != head["index_rel"]
                or str(stat.st_size) != head["index_size"]
                or str(stat.st_mtime_ns) != head["index_mtime"]
                or str(stat.st_ctime_ns) != head["index_ctime"]
                or str(stat.st_ino) != head["index_ino"]):
            return None
        return rel
    return None


class StatCheck:
    """What a stat check found different from the manifest's stat block: the spec files
    (relative to the root) whose size, mtime or kind is not as recorded, or that are gone, and
    the folders whose mtime is not. Every other file and folder of the block was as recorded.

    A run in which something changed makes every stat of the tree twice otherwise: here,
    before the command is imported, and again in the build's walk. The build takes the check
    instead (``take_stat_check``), under the lock, when the manifest it reads is the very file
    checked here; ``runs.index`` also requires the index to be the text that manifest
    describes, so a spec another smartspec command wrote in between (it writes the index
    too) is never missed. A person's edit in between is as one made just after the check:
    the manifest keeps the stats seen here, so the next run sees it."""

    __slots__ = ("dirs", "files", "identity", "manifest")

    def __init__(self, manifest: str, identity: str, files: frozenset[str],
                 dirs: frozenset[str]) -> None:
        self.manifest = manifest  # the path read, its folders resolved
        self.identity = identity  # of the manifest file read (``file_identity``)
        self.files = files
        self.dirs = dirs


# The check ``unchanged`` made in this process when something had changed, until the build
# takes it; a process runs one command, so there is at most one.
_last_check: StatCheck | None = None


def take_stat_check(manifest: str) -> StatCheck | None:
    """The stat check this process made of the manifest at ``manifest`` (a path whose folders
    are resolved), when that file is still the one checked; once: later calls get None. Call
    it under the lock, after reading the manifest, so that no writer comes in between."""
    global _last_check
    check, _last_check = _last_check, None
    if check is None or check.manifest != manifest or file_identity(manifest) != check.identity:
        return None
    return check


def _stat_changes(root: str, fields: list[bytes], ints: array[int]
                  ) -> tuple[frozenset[str], frozenset[str]] | None:
    """Every spec file that is not its recorded size and mtime, or not a regular file (a link
    is always left to the build), and every folder that does not have its recorded mtime
    (paths relative to the root); None when the block cannot be checked. A stamp of
    -1 (racily clean: written too close to the last scan to trust its mtime) never agrees, so
    such a file is hashed again by the build. Paths stay bytes, as the file system takes them,
    and relative to the root when it is the working folder: 20,000 stats are most of this
    run; only the few that differ are decoded."""
    lstat, stat = os.lstat, os.stat
    prefix = b"" if os.getcwd() == root else os.fsencode(root.rstrip("/") + "/")
    paths, sizes, mtimes, folders, stamps = columns(fields, ints)
    files: list[bytes] = []
    dirs: list[bytes] = []
    try:
        for path, size, mtime in zip(paths, sizes, mtimes, strict=True):
            try:
                found = lstat(prefix + path)
            except OSError:
                files.append(path)
                continue
            if (found.st_mtime_ns != mtime or found.st_size != size
                    or found.st_mode & 0o170000 != 0o100000):
                files.append(path)
        for path, mtime in zip(folders, stamps, strict=True):
            try:
                if stat(prefix + path).st_mtime_ns != mtime:
                    dirs.append(path)
            except OSError:
                dirs.append(path)
    except ValueError:  # a path holding a NUL, which no file system path holds
        return None
    return (frozenset(path.decode("utf-8", "surrogateescape") for path in files),
            frozenset(path.decode("utf-8", "surrogateescape") for path in dirs))


def answer(words: list[str], cwd: str | None = None) -> int | None:
    """Print what ``smartspec index WORDS`` prints and return its exit code (0) when nothing
    changed since the last build and the words are plain (no flag but ``--format``); None when
    the full command must run."""
    fmt = _format(words)
    out, err = sys.stdout, sys.stderr
    if fmt is None or not (_utf8(out) and _utf8(err)):
        return None
    try:
        root = find_root(os.getcwd() if cwd is None else cwd)
        seen = None if root is None else unchanged(root)
    except (OSError, ValueError):
        return None
    if seen is None:
        return None
    head, warnings, index_rel = seen
    files, specs_rel, entries = int(head["files"]), head["specs_rel"], int(head["entries"])
    if any("\x1b" in text for text in (*warnings, specs_rel, index_rel)):
        return None  # click strips escape sequences from what it prints; let it
    if fmt == "json":
        # jsontext writes json.dumps's bytes without importing json (and the patterns it
        # compiles), which would cost more than the rest of this answer takes.
        text = dumps({
            "schema": 1, "command": "index", "index": index_rel, "found": True, "shape": "v1",
            "migrated": False, "dry_run": False, "changed": False, "specs": entries,
            "specs_dir": specs_rel,
            "scan": {"found": files, "read": 0, "parsed": 0, "unchanged": files},
            "added": [], "removed": [], "updated": [], "warnings": warnings, "written": [],
            "diff": None}, sort_keys=True, ensure_ascii=False) + "\n"
        notes = ""
    else:
        text = (f"SPEC_INDEX: {index_rel}\nScanned {files} spec files in {specs_rel}: 0 read, "
                f"0 parsed, {files} unchanged; {entries} entries.\nThe index is up to date.\n")
        notes = "".join(f"smartspec: warning: {warning}\n" for warning in warnings)
    try:
        # A name the stream cannot take (bytes that are not UTF-8) is left to the full
        # command before anything is written, so nothing is ever printed twice.
        notes.encode("utf-8")
        text.encode("utf-8")
    except UnicodeEncodeError:
        return None
    try:
        if notes:
            err.write(notes)
            err.flush()
        out.write(text)
        out.flush()
    except BrokenPipeError:
        # The reader went away: exit 1 quietly, as the full command does.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, out.fileno())
        return 1
    return 0


def _format(words: list[str]) -> str | None:
    if not words:
        return "text"
    if len(words) == 1 and words[0] in ("--format=json", "--format=text"):
        return words[0][len("--format="):]
    if len(words) == 2 and words[0] == "--format" and words[1] in ("json", "text"):
        return words[1]
    return None


def _utf8(stream: object) -> bool:
    encoding = str(getattr(stream, "encoding", None) or "").lower().replace("_", "-")
    return encoding in ("utf-8", "utf8")
