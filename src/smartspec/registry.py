"""smartspec's critical-sections registry, read: the whole of it for a writer (``load``), or
one record at a time for a reader that checks a few specs in a project of thousands
(``read``), or as the text its last write left, for a writer that replaces or adds one
record and reads no other (``RegistryText``). Writing it is ``Workspace``'s job; this module
only reads, and makes the text."""

from __future__ import annotations

import errno
import functools
import json
import os
from collections.abc import Callable, Collection, Iterable, Iterator
from stat import S_ISREG

from smartspec.errors import DocumentError
from smartspec.fsutil import read_regular, read_regular_with_stat

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

REGISTRY_SCHEMA = 1
FOLDER = "registry"  # inside the state folder (design.md §4)
USUAL_NAME = "critical-sections-registry.json"

# Where smartspec keeps its registry when another tool's registry holds the usual name.
FOREIGN_REGISTRY_FALLBACK = "smartspec-sections-registry.json"


def is_foreign(path: str) -> bool:
    """Whether ``path`` holds valid JSON that is not smartspec's registry shape (an object with
    a ``specs`` object). Unreadable or invalid files are smartspec's: loading reports them.
    The records themselves are not decoded (a registry of thousands of specs is megabytes)."""
    try:
        if _starts_like_ours(path):  # laid out as smartspec writes it: read as ``read`` does
            return False
        text = read_regular(path)
    except OSError:
        return False  # no registry yet (a new project): nothing to decode, nor msgspec to load
    import msgspec

    try:
        data = _registry_shape().decode(text)
    except msgspec.ValidationError:  # (a DecodeError too, so caught first)
        return True  # valid JSON of another shape
    except msgspec.DecodeError:
        return False
    return bytes(memoryview(data.specs)[:1]) != b"{"


@functools.cache
def _registry_shape() -> Any:
    import msgspec

    return msgspec.json.Decoder(msgspec.defstruct("RegistryShape", [("specs", msgspec.Raw)]))


class _RecordsOnDemand(dict):  # type: ignore[type-arg]
    """The registry's ``specs`` object with each record kept as undecoded JSON and decoded on
    first access. A dict, so that readers that check ``isinstance(specs, dict)`` accept it;
    ``get``, ``[]``, ``values`` and ``items`` return decoded records, and ``values`` decodes
    lazily, so a search by path stops at the first match."""

    def __getitem__(self, key: str) -> Any:
        value: Any = dict.__getitem__(self, key)
        raw_type: Any = _raw_type()
        if isinstance(value, raw_type):
            import msgspec

            value = msgspec.json.decode(value)
            dict.__setitem__(self, key, value)
        return value

    def get(self, key: str, default: Any = None) -> Any:
        return self[key] if dict.__contains__(self, key) else default

    def values(self) -> Iterator[Any]:  # type: ignore[override]
        return (self[key] for key in list(dict.keys(self)))

    def items(self) -> Iterator[tuple[str, Any]]:  # type: ignore[override]
        return ((key, self[key]) for key in list(dict.keys(self)))

    def __reduce__(self) -> tuple[Any, ...]:
        # Handed to worker processes as a plain dict of decoded records.
        return (dict, (dict(self.items()),))


def _read_at_once(path: str) -> bytearray:
    """A regular file's bytes in one buffer of its size (``read_regular`` joins 1 MB chunks,
    which holds the file twice at its peak; the registry of thousands of specs is megabytes,
    and what a one-spec validate holds should grow with the project as little as it can).
    Files are replaced by renames, so the open file keeps the size it had."""
    fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0))
    try:
        info = os.fstat(fd)
        if not S_ISREG(info.st_mode):
            raise OSError(errno.EINVAL, "not a regular file (a FIFO, socket or device)", path)
        buffer = bytearray(info.st_size)
        filled = os.readv(fd, [buffer])
        while filled < len(buffer):  # a short read: ask again for the rest
            more = os.readv(fd, [memoryview(buffer)[filled:]])
            if not more:
                del buffer[filled:]  # the file shrank while it was read
                break
            filled += more
        return buffer
    finally:
        os.close(fd)


class _RecordsFromWhole(dict):  # type: ignore[type-arg]
    """A registry's ``specs`` that finds one record without decoding the others: a dict, so
    that readers that check ``isinstance(specs, dict)`` accept it, whose walks over every
    record (``keys``, ``values``, ``items``, iteration, ``len``, pickling) answer from the
    whole object, which ``decode_all`` makes on the first such walk."""

    def __init__(self, decode_all: Callable[[], dict[str, Any]]) -> None:
        super().__init__()
        self._decode_all = decode_all
        self._whole: dict[str, Any] | None = None

    def _all(self) -> dict[str, Any]:
        if self._whole is None:
            self._whole = self._decode_all()
        return self._whole

    def __iter__(self) -> Iterator[str]:
        return iter(self._all())

    def __len__(self) -> int:
        return len(self._all())

    def keys(self) -> Any:
        return self._all().keys()

    def values(self) -> Any:
        return self._all().values()

    def items(self) -> Any:
        return self._all().items()

    def __reduce__(self) -> tuple[Any, ...]:
        # Handed to worker processes as a plain dict of decoded records.
        return (dict, (dict(self._all()),))


class _RecordsFound(_RecordsFromWhole):
    """The registry's ``specs`` object, looked up in the text smartspec writes (``json.dumps``
    with a two-space indent: a spec's record starts at a line ``    "<id>": {`` inside the
    ``specs`` object and ends at the next line ``    }``). ``get`` finds the record by
    bisecting the sorted records (``_bisect``), else by reading the file in chunks up to it,
    and decodes that record alone, so a one-spec validate reads a few kilobytes, not the
    registry of every spec; anything else (a search by path, say) decodes the whole
    object, once. A file of another layout is decoded whole too."""

    _START = b'\n  "specs": {'
    _END = b"\n  }"
    _CHUNK = 1 << 18

    def __init__(self, path: str, shown: str) -> None:
        super().__init__(self._decode_file)
        self._path = path
        self._shown = shown  # how errors name the file

    def _decode_file(self) -> dict[str, Any]:
        import msgspec

        try:
            data = msgspec.json.decode(_read_at_once(self._path))
        except (OSError, msgspec.DecodeError) as exc:
            raise DocumentError(f"{self._shown}: cannot be read as the critical-sections "
                                f"registry ({exc}); a registry that is not valid JSON must "
                                "be restored from version control or deleted") from None
        whole = data.get("specs") if isinstance(data, dict) else None
        return whole if isinstance(whole, dict) else {}

    def get(self, key: str, default: Any = None) -> Any:
        if self._whole is not None or not isinstance(key, str) or _LINE_BREAKERS & set(key):
            return self._all().get(key, default)
        try:
            # Sorted records are found by bisection, reading a few small windows; a record
            # the bisection does not find is looked for by reading up to it, which also finds
            # it in a file a person reordered.
            found, record = _bisect(self._path, key)
            if found != "found":
                marker = (b"\n    " + json.dumps(key, ensure_ascii=False).encode("utf-8")
                          + b": {")
                found, record = self._scan(marker)
        except OSError:
            found, record = "unknown", None
        if found == "absent":
            return default
        if found == "found" and record is not None:
            # One record is a few hundred bytes: the standard library decodes it in
            # microseconds, where loading msgspec would cost a one-spec validate milliseconds.
            try:
                return json.loads(record.decode("utf-8"))
            except ValueError:  # not UTF-8 or not JSON: the whole file's decode reports it
                pass
        return self._all().get(key, default)

    def _scan(self, marker: bytes) -> tuple[str, bytes | None]:
        """Read the file up to the record that starts with ``marker``: ("found", its bytes),
        ("absent", None) when the specs object closes first, ("unknown", None) when the file
        is not laid out as expected."""
        fd = os.open(self._path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0)
                     | getattr(os, "O_CLOEXEC", 0))
        try:
            if not S_ISREG(os.fstat(fd).st_mode):
                return "unknown", None
            buffer = b""
            state = "top"  # then "specs" (looking for the object), "records", "record"
            while True:
                chunk = os.read(fd, self._CHUNK)
                buffer += chunk
                if state == "top":
                    if len(buffer) < 5 and chunk:
                        continue
                    if not buffer.startswith(b'{\n  "'):
                        return "unknown", None
                    state = "specs"
                if state == "specs":
                    at = buffer.find(self._START)
                    if at < 0:
                        buffer = buffer[-len(self._START):]
                        if not chunk:
                            return "unknown", None
                        continue
                    buffer = buffer[at + len(self._START):]
                    state = "records"
                if state == "records":
                    at = buffer.find(marker)
                    closed = buffer.find(self._END, 0, at if at >= 0 else len(buffer))
                    if closed >= 0:
                        return "absent", None
                    if at < 0:
                        buffer = buffer[-max(len(marker), len(self._END)):]
                        if not chunk:
                            return "unknown", None
                        continue
                    buffer = buffer[at + len(marker) - 1:]
                    state = "record"
                if buffer[1:2] == b"}":
                    return "found", b"{}"
                end = buffer.find(b"\n    }")
                if end >= 0:
                    return "found", buffer[:end + len(b"\n    }")]
                if not chunk:
                    return "unknown", None
        finally:
            os.close(fd)

    def __getitem__(self, key: str) -> Any:
        missing = object()
        value = self.get(key, missing)
        if value is missing:
            raise KeyError(key)
        return value

    def __contains__(self, key: object) -> bool:
        return key in self._all()


# The registry as smartspec writes it (``json.dumps(indent=2, sort_keys=True)``): the
# ``specs`` object is the last key, so the file ends with its closing brace and the top's;
# each record starts on a line of its own, four spaces in, with its key and an opening
# brace (``{}`` for an empty record), and ends at the next line that is ``    }``. Deeper
# lines are indented further and no JSON string holds a raw line feed, so a line feed
# followed by four spaces and a quote starts a record and nothing else.
_KEY_LINE = b'\n    "'
_RECORD_END = b"\n    }"
_SPECS_END = b"\n  }\n}\n"
_WINDOW = 1 << 12  # a record is a few kilobytes: one window usually holds a key line


class _Window:
    """Small reads of an open file at given offsets, for a search that visits a few places
    of a file of megabytes: what a run holds stays the size of a window, not of the file."""

    def __init__(self, fd: int) -> None:
        self._fd = fd

    def find(self, needle: bytes, start: int, end: int, step: int = _WINDOW) -> int:
        """The offset of the first ``needle`` that starts in ``[start, end)``, or -1."""
        while start < end:
            chunk = os.pread(self._fd, min(step, end - start) + len(needle) - 1, start)
            at = chunk.find(needle)
            if 0 <= at < end - start:
                return start + at
            if len(chunk) < len(needle):
                return -1
            start += len(chunk) - len(needle) + 1
        return -1

    def rfind(self, needle: bytes, start: int, end: int) -> int:
        """The offset of the last ``needle`` that starts in ``[start, end)``, or -1."""
        while start < end:
            low = max(start, end - _WINDOW)
            chunk = os.pread(self._fd, end - low + len(needle) - 1, low)
            at = chunk.rfind(needle, 0, end - low + len(needle) - 1)
            if at >= 0 and at < end - low:
                return low + at
            end = low
        return -1

    def read(self, start: int, end: int) -> bytes:
        return os.pread(self._fd, end - start, start)

    def line(self, at: int) -> bytes:
        """The line that starts after the line feed at ``at``, without its line feed."""
        end = self.find(b"\n", at + 1, at + 1 + (1 << 20), step=256)  # a key line is short
        if end < 0:
            raise _NotOurLayout
        return os.pread(self._fd, end - at - 1, at + 1)


class _NotOurLayout(Exception):
    """The file is not laid out where a search looked as smartspec writes it."""


def _record_key(line: bytes) -> tuple[str, bool]:
    """The key of a record's first line (``    "<key>": {``) and whether the record is
    empty (``{}``) and so ends on that line."""
    for ending, empty in ((b'": {', False), (b'": {}', True), (b'": {},', True)):
        if line.endswith(ending):
            try:
                key = json.loads(line[4:len(line) - len(ending) + 1].decode("utf-8"))
            except ValueError:
                break
            if isinstance(key, str):
                return key, empty
            break
    raise _NotOurLayout


def _bisect(path: str, key: str) -> tuple[str, bytes | None]:
    """Look ``key`` up in a registry laid out as smartspec writes it by bisecting the byte
    offsets of its ``specs`` object: a few windows of a few kilobytes, whatever the file's
    size. ("found", the record's JSON) when a record line holds the key and its neighbours'
    keys sort before and after it; else ("unknown", None): the key is not where sorted
    records would hold it, or the file is not laid out so where the search looked, and
    only a full read can tell (a person may have added a record out of order).

    A top-level key that sorts after ``specs`` is not smartspec's; the search assumes
    there is none (the file ends as the ``specs`` object and the top close)."""
    fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0))
    try:
        info = os.fstat(fd)
        if not S_ISREG(info.st_mode):
            return "unknown", None
        window = _Window(fd)
        head = os.pread(fd, _WINDOW, 0)
        start = head.find(_RecordsFound._START)
        tail = os.pread(fd, len(_SPECS_END), max(0, info.st_size - len(_SPECS_END)))
        if not head.startswith(b'{\n  "') or start < 0 or tail != _SPECS_END:
            return "unknown", None
        first = low = start + len(_RecordsFound._START)
        last = high = info.st_size - len(_SPECS_END)  # the line feed before ``  }``
        try:
            while low < high:
                at = window.find(_KEY_LINE, (low + high) // 2, high)
                if at < 0:
                    high = (low + high) // 2
                    continue
                found, empty = _record_key(window.line(at))
                if found < key:
                    low = at + 1
                elif found > key:
                    high = at
                else:
                    return "found", _record(window, at, empty, key, first, last)
            return "unknown", None  # not here: only a full read can say it is nowhere
        except _NotOurLayout:
            return "unknown", None
    finally:
        os.close(fd)


def _record(window: _Window, at: int, empty: bool, key: str, first: int, last: int) -> bytes:
    """The JSON of the record whose key line starts after ``at``, once the records before
    and after it are seen to have smaller and larger keys (a key twice, or records out of
    order here, are a person's edit: the full read decides what they mean)."""
    if empty:
        record, after = b"{}", window.find(b"\n", at + 1, last + 1)
    else:
        end = window.find(_RECORD_END, at + 1, last)
        if end < 0:
            raise _NotOurLayout
        after = end + len(_RECORD_END)
        line = window.line(at)
        record = window.read(at + len(line), after)  # from the record's opening brace
    before = window.rfind(_KEY_LINE, first, at)
    if before >= 0 and _record_key(window.line(before))[0] >= key:
        raise _NotOurLayout
    following = window.find(_KEY_LINE, after, last)
    if following >= 0 and _record_key(window.line(following))[0] <= key:
        raise _NotOurLayout
    return record


def _starts_like_ours(path: str) -> bool:
    """Whether ``path`` begins as smartspec writes its registry (``{`` then a key on the next
    line, two spaces in), and holds an object ``specs`` at that depth, read in chunks."""
    fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0))
    try:
        if not S_ISREG(os.fstat(fd).st_mode):
            return False
        head = os.read(fd, 5)
        if head != b'{\n  "':
            return False
        tail = head
        while chunk := os.read(fd, 1 << 16):
            if _RecordsFound._START in tail + chunk:
                return True
            tail = chunk[-len(_RecordsFound._START):]
        return False
    finally:
        os.close(fd)


# Characters json.dumps leaves raw but the registry's writer escapes (escape_line_breaks).
_LINE_BREAKERS = frozenset("\x85\u2028\u2029")


@functools.cache
def _raw_type() -> type:
    import msgspec

    return msgspec.Raw


@functools.cache
def _registry_decoder() -> Any:
    import typing  # msgspec reads the field types, and loads typing itself

    import msgspec

    registry = msgspec.defstruct("RegistryRecords", [
        ("specs", dict[str, msgspec.Raw]), ("schema", typing.Any, REGISTRY_SCHEMA)])
    return msgspec.json.Decoder(registry)


# A registry of a few specs is encoded by the standard library in less time than importing
# msgspec takes; a larger one by msgspec, since ``json.dumps`` with an indent runs in pure
# Python (half a second for 2,000 specs, on every new and edit). Both write the same bytes
# for the values a registry holds (``same_bytes_from_stdlib``).
_STDLIB_ENCODER_SPECS = 100


def dumps(registry: dict[str, Any]) -> str:
    """The registry's text as smartspec writes it: keys sorted, two-space indent, every
    line-breaking character escaped so that each record's key sits on a line of its own,
    the layout the one-record reader (``_bisect``) searches."""
    specs = registry.get("specs")
    if (isinstance(specs, dict) and len(specs) > _STDLIB_ENCODER_SPECS
            and same_bytes_from_stdlib(registry)):
        return _dumps_msgspec(registry)
    return _dumps_stdlib(registry)


def _dumps_stdlib(registry: dict[str, Any]) -> str:
    from smartspec.jsontext import dumps as indented
    from smartspec.markers import escape_line_breaks

    # json.dumps's bytes, from jsontext: with an indent json runs its pure-Python encoder.
    return escape_line_breaks(indented(registry, sort_keys=True, ensure_ascii=False)) + "\n"


def _dumps_msgspec(registry: dict[str, Any]) -> str:
    import msgspec

    encoded = msgspec.json.format(msgspec.json.encode(registry, order="sorted"), indent=2)
    text = encoded.decode("utf-8")
    # The line breakers are rare: looked for in the bytes first, which is much faster over
    # megabytes than the substitution's regular expression.
    if b"\xc2\x85" in encoded or b"\xe2\x80\xa8" in encoded or b"\xe2\x80\xa9" in encoded:
        from smartspec.markers import escape_line_breaks

        text = escape_line_breaks(text)
    return text + "\n"


class RegistryText:
    """The registry as ``Workspace.write_registry`` last wrote it, for a run that replaces or
    adds one spec's record and reads no other (``new``): the record is put in the text
    (``with_record``) and nothing else is decoded or encoded, so the run does not grow with
    the project. Trusted only while the file is that very write: the keys file beside the
    index's ids (``fsutil.REGISTRY_KEYS_FILE``) records its name, size, mtime, ctime and
    inode, and the keys of its records. Any other file (a hand edit, a rollback, another
    writer) is loaded whole, which also refuses one that is not valid JSON."""

    __slots__ = ("keys", "path", "shown", "specs", "text")

    def __init__(self, path: str, text: str, keys: list[str], shown: str | None = None) -> None:
        self.path = path
        self.text = text
        self.keys = keys
        self.shown = shown or path  # how errors name the file
        # Where the records lie: from the line feed that opens ``specs`` to the one that
        # closes it; None when the text is not laid out as ``dumps`` writes schema 1.
        self.specs: tuple[int, int] | None = None
        if text.count(_SCHEMA_AND_SPECS) == 1:
            body = text.find(_SCHEMA_AND_SPECS) + len(_SCHEMA_AND_SPECS) - 1
            end = text.find(_SPECS_CLOSE, body)
            self.specs = None if end < 0 else (body, end)

    @classmethod
    def read(cls, path: str, keys_path: str, shown: str) -> RegistryText | None:
        """The registry at ``path`` when the keys file describes it; None otherwise."""
        try:
            described = json.loads(read_regular(keys_path).decode("utf-8"))
        except (OSError, ValueError):
            return None
        if not (isinstance(described, dict) and described.get("registry") == shown
                and all(type(described.get(k)) is int
                        for k in ("size", "mtime_ns", "ctime_ns", "ino"))
                and isinstance(described.get("keys"), list)
                and all(type(key) is str for key in described["keys"])):
            return None
        try:
            # The stat compared is the very file read (a link's target never matches: the
            # keys file records the stat of the file written, not of a link to it).
            data, info = read_regular_with_stat(path)
            if (info.st_size != described["size"] or info.st_mtime_ns != described["mtime_ns"]
                    or info.st_ctime_ns != described["ctime_ns"]
                    or info.st_ino != described["ino"]):
                return None
            text = data.decode("utf-8")
        except (OSError, UnicodeDecodeError):
            return None
        return cls(path, text, described["keys"], shown)

    def with_record(self, spec_id: str, record: dict[str, Any]) -> str | None:
        """The text ``dumps`` writes for this registry with ``specs[spec_id] = record``: the
        record replaced, or inserted in key order; every other byte kept. None when the text
        is not laid out as ``dumps`` writes a registry of schema 1 with records (the caller
        then loads it whole)."""
        text, specs = self.text, self.specs
        if specs is None:
            return None
        piece = _record_text(record)
        if spec_id in self.keys:
            span = self.record_span(spec_id)
            return None if span is None else text[:span[0]] + piece + text[span[1]:]
        later = min((key for key in self.keys if key > spec_id), default=None)
        line = _key_line(spec_id)[1:] + piece
        if later is None:
            return text[:specs[1]] + ",\n" + line + text[specs[1]:]
        at = text.find(_key_line(later), *specs)
        if at < 0:
            return None
        return text[:at + 1] + line + ",\n" + text[at + 1:]

    def as_mapping(self) -> dict[str, Any]:
        """The registry for a run that reads a few records (``edit``): ``specs`` decodes a
        record from its own lines when asked for, and the whole text only for a search of
        every record (a spec without a recorded id is looked for by its path)."""
        return {"schema": REGISTRY_SCHEMA, "specs": RecordsInText(self)}

    def record_span(self, spec_id: str) -> tuple[int, int] | None:
        """Where the record of ``spec_id`` lies in the text (its ``{`` to its ``}``)."""
        text, specs = self.text, self.specs
        if specs is None:
            return None
        marker = _key_line(spec_id)
        at = text.find(marker, *specs)
        if at < 0:
            return None
        value = at + len(marker)
        if text.startswith("{}", value):
            return value, value + 2
        stop = text.find(_RECORD_CLOSE, value, specs[1]) if text.startswith("{\n", value) else -1
        return None if stop < 0 else (value, stop + len(_RECORD_CLOSE))


class RecordsInText(_RecordsFromWhole):
    """A ``RegistryText``'s ``specs``, each record decoded from its own lines on first access,
    with ``own`` records laid over them (``overlaid``). A dict, so that readers that check
    ``isinstance(specs, dict)`` accept it; every accessor a reader uses is answered from the
    text, and a search of every record (``values``, ``items``) decodes the whole text, once."""

    def __init__(self, registry: RegistryText, own: dict[str, Any] | None = None) -> None:
        super().__init__(self._decode_text)
        self._registry = registry
        self._own = own or {}
        self._decoded: dict[str, Any] = {}

    def overlaid(self, spec_id: str, record: Any) -> RecordsInText:
        """These records with ``spec_id``'s replaced by ``record`` (this one unchanged)."""
        return RecordsInText(self._registry, {**self._own, spec_id: record})

    def _decode_text(self) -> dict[str, Any]:
        try:
            data = json.loads(self._registry.text)
        except ValueError as exc:
            raise DocumentError(f"{self._registry.shown}: cannot be read as the "
                                f"critical-sections registry ({exc}); a registry that is "
                                "not valid JSON must be restored from version control or "
                                "deleted") from None
        specs = data.get("specs") if isinstance(data, dict) else None
        return {**(specs if isinstance(specs, dict) else {}), **self._own}

    def __getitem__(self, key: str) -> Any:
        if key in self._own:
            return self._own[key]
        if key not in self._decoded:
            if key not in self._registry.keys:
                raise KeyError(key)
            span = self._registry.record_span(key)
            try:
                record = (None if span is None
                          else json.loads(self._registry.text[span[0]:span[1]]))
            except ValueError:
                span = None
            self._decoded[key] = self._all().get(key) if span is None else record
        return self._decoded[key]

    def get(self, key: str, default: Any = None) -> Any:
        if not self.__contains__(key):
            return default
        return self.__getitem__(key)

    def __contains__(self, key: object) -> bool:
        return key in self._own or key in self._registry.keys


# dumps's layout: the top-level keys two spaces in, sorted ("schema" then "specs"), each
# record's key four spaces in, its fields deeper, its closing brace four spaces in.
_SCHEMA_AND_SPECS = f'\n  "schema": {REGISTRY_SCHEMA},\n  "specs": {{\n'
_SPECS_CLOSE = "\n  }"
_RECORD_CLOSE = "\n    }"


def _key_line(key: str) -> str:
    """The start of a record's line in ``specs``: a line feed, four spaces, the key, a colon."""
    from smartspec.markers import escape_line_breaks

    return f"\n    {escape_line_breaks(json.dumps(key, ensure_ascii=False))}: "


def _record_text(record: dict[str, Any]) -> str:
    """One record as ``dumps`` writes it inside ``specs`` (its first line's indent aside)."""
    from smartspec.jsontext import dumps as indented
    from smartspec.markers import escape_line_breaks

    text = escape_line_breaks(indented(record, sort_keys=True, ensure_ascii=False))
    return text.replace("\n", "\n    ")


# A registry of up to this many records is read and written whole by the standard library in
# less time than its keys file costs a run to write; a larger one gets the file.
KEYS_FILE_AFTER = 100


def keys_file_bytes(shown: str, stat: os.stat_result, keys: Collection[str]) -> bytes | None:
    """The keys file ``RegistryText.read`` trusts: the registry's name and stat, and its
    records' keys, sorted (compact JSON from the standard library's C encoder). None for a
    registry of ``KEYS_FILE_AFTER`` records or fewer: it is loaded whole."""
    if len(keys) <= KEYS_FILE_AFTER:
        return None
    from smartspec.markers import escape_line_breaks

    return escape_line_breaks(json.dumps({
        "registry": shown, "size": stat.st_size, "mtime_ns": stat.st_mtime_ns,
        "ctime_ns": stat.st_ctime_ns, "ino": stat.st_ino, "keys": sorted(keys)},
        ensure_ascii=False, separators=(",", ":"))).encode("utf-8")


def same_bytes_from_stdlib(value: object) -> bool:
    """Whether msgspec writes ``value`` as ``json.dumps`` does: only strings, integers,
    booleans, None, lists and string-keyed objects. A float is the one JSON value the two
    spell differently (``1e+16`` against ``1e16``); anything else (a tuple, a date) is left
    to the one writer the file always had. The registry and the index both ask it.
    Walked with a stack, not recursion: a registry of thousands of specs holds over a
    hundred thousand values, and a call per value would cost more than the encoding."""
    stack = [value]
    while stack:
        item = stack.pop()
        if type(item) is dict:
            if not all(type(key) is str for key in item):
                return False
            children: Iterable[object] = item.values()
        elif type(item) is list:
            children = item
        else:
            children = (item,)
        for child in children:
            kind = type(child)
            if kind is dict or kind is list:
                stack.append(child)
            elif not (child is None or kind is str or kind is int or kind is bool):
                return False
    return True


def load(path: str, shown: str) -> dict[str, Any]:
    """The whole registry at ``path``, decoded, for writers that replace one spec's record;
    an empty one when there is none. ``shown``: how errors name the file."""
    if not os.path.lexists(path):
        return {"schema": REGISTRY_SCHEMA, "specs": {}}
    try:
        data = _decode(read_regular(path).decode("utf-8"))
    except json.JSONDecodeError as exc:
        raise DocumentError(f"{shown}: line {exc.lineno}, column {exc.colno}: "
                            f"invalid JSON ({exc.msg}); a registry that is not valid JSON "
                            "must be restored from version control or deleted") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise DocumentError(f"{shown}: cannot be read as the critical-sections "
                            f"registry ({exc})") from None
    if not isinstance(data, dict) or not isinstance(data.get("specs"), dict):
        raise DocumentError(f"{shown}: expected an object with a 'specs' object")
    return data


# Above this size the registry is decoded by msgspec, several times faster than the standard
# library's decoder over the megabytes of a project of thousands of specs.
_MSGSPEC_DECODE_BYTES = 1 << 18


def _decode(text: str) -> Any:
    """``json.loads(text)``. A large text is decoded by msgspec, which gives the same values
    for every text it accepts; what it refuses (NaN, a lone surrogate, a number too large
    for a float, broken JSON) goes to ``json.loads``, whose error names line and column."""
    if len(text) > _MSGSPEC_DECODE_BYTES:
        import msgspec

        try:
            return msgspec.json.decode(text)
        except msgspec.MsgspecError:
            pass
    return json.loads(text)


def read(folder: str, rel: Callable[[str], str]) -> dict[str, Any]:
    """The registry for readers that look at a few specs' records (``validate``): each
    record stays undecoded JSON until it is asked for, so checking one spec in a project
    of thousands decodes one record, not all of them. Writers use ``load``. A
    file that is not a registry is reported as ``load`` reports it."""
    # The usual file is read once: decoded as a registry it is smartspec's; valid JSON of
    # another shape is another tool's, and smartspec's own is then the fallback beside it.
    usual = os.path.join(folder, USUAL_NAME)
    for path in (usual, os.path.join(folder, FOREIGN_REGISTRY_FALLBACK)):
        if not os.path.lexists(path):
            return {"schema": REGISTRY_SCHEMA, "specs": {}}
        try:
            if _starts_like_ours(path):
                return {"schema": REGISTRY_SCHEMA,
                        "specs": _RecordsFound(path, rel(path))}
        except OSError:
            return load(path, rel(path))  # its error names the file
        import msgspec  # another layout: decoded whole, each record kept raw

        try:
            data = _registry_decoder().decode(_read_at_once(path))
        except msgspec.ValidationError:  # (a DecodeError too, so caught first)
            if path == usual:
                continue
            return load(path, rel(path))  # its error names the key
        except (OSError, msgspec.DecodeError):
            return load(path, rel(path))  # its error names the line and column
        return {"schema": data.schema, "specs": _RecordsOnDemand(data.specs)}
    return load(path, rel(path))
