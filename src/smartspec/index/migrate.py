"""Reading SPEC_INDEX.json in any shape it was ever written in, and migrating it in memory.

The file smartspec writes (schema 1; ``index_json_schema()`` is its JSON Schema)::

    {"schema": 1,
     "metadata": {"total": 2, "by_status": {...}, "by_category": {...}, "by_repo": {...}},
     "specs": [{"id", "title", "path", "repo", "category", "status", "version", "profile",
                "domains", "dependencies", "dependents", "created", "updated", "sha256"}, ...]}

Keys are sorted and entries ordered by id, so that a change to one spec is a small diff.
``path`` is the spec file relative to the project root (``null`` for a planned spec that has no
file yet); ``sha256`` is the hash of the file's bytes when it was indexed, which is how
``--check`` knows that a spec changed since; ``dependents`` and ``metadata`` are recomputed on
every write. Unknown keys, at the top, in ``metadata`` and in entries, are kept as they are.

Earlier shapes are read and migrated in memory (written in schema 1 on the next write):

=========  ====================================================================================
shape      how it is recognised, and what migration does
=========  ====================================================================================
reference  ``{"specs": [{id, title, path, repo}]}`` (the original SmartSpec command's); ``path`` is often the
           spec's folder: it becomes ``<folder>/spec.md``.
v5         a top-level ``version``, ``created``, ``last_updated`` or ``metadata``
           (``total_specs``, ``by_status``, ``by_repo``, ``validation``). ``version`` (the
           format's own version) becomes ``schema``; ``last_updated`` and the counts are
           dropped because they are recomputed; ``created`` and ``metadata.validation`` are kept.
           Placeholder entries (``path: "TBD"``) become ``path: null``.
legacy     top-level ``total_specs``, ``public_specs_count`` or ``private_specs_count``
           (dropped: ``metadata.by_repo`` replaces them); entries' ``dependencies_count`` is
           dropped (it is ``len(dependencies)``); ``priority``, ``summary``, ``tags`` are kept.
=========  ====================================================================================

In every shape a ``path`` that names a folder becomes the ``spec.md`` inside it, ``depends_on``
is read as ``dependencies``, and ``status`` is lower-cased (``DRAFT`` and ``draft`` are one
status). An entry of an earlier shape without a category gets the one its id names.
"""

from __future__ import annotations

import functools
import json
import os

from smartspec.errors import DocumentError
from smartspec.fsutil import StrPath, read_regular
from smartspec.index.model import (
    DROPPED_ENTRY,
    DROPPED_METADATA,
    DROPPED_TOP,
    ENTRY_KEYS,
    ID_RE,
    INDEX_SCHEMA_VERSION,
    KEY_ALIASES,
    LEGACY_MARKERS,
    LIST_FIELDS,
    METADATA_KEYS,
    STRING_FIELDS,
    V5_MARKERS,
    IndexEntry,
    Shape,
    SpecIndex,
    add_entry,
    infer_category,
    is_normal_path,
    normalize_path,
    recompute_dependents,
    unique,
)
from smartspec.lazyre import lazy_re

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

# --------------------------------------------------------------------------------------------
# Load (where the file is: ``index.locate``)


def load_index(path: StrPath) -> SpecIndex:
    """Read an index file in any known shape and migrate it in memory.

    Raises DocumentError naming the file and the line:column (bad JSON) or the key path and
    what was expected (wrong types).
    """
    path = os.fspath(path)
    try:
        raw = read_regular(path)
    except FileNotFoundError:
        raise DocumentError(f"{path}: no such index file; expected a SPEC_INDEX.json") from None
    except OSError as exc:
        raise DocumentError(f"{path}: cannot be read ({exc.strerror})") from None
    return parse_index(raw, source=path)


def parse_index(raw: bytes | str, *, source: StrPath | None = None,
                written_sha256: str | None = None, written: bool = False) -> SpecIndex:
    """``load_index`` on bytes already read; ``source`` is named in errors. When the bytes
    hash to ``written_sha256`` (what the last ``smartspec index`` wrote), or ``written`` says
    they are that text plus smartspec's own writes (``state.index_lineage``), they are the
    output of ``dump_index`` and need no clean-up, so the per-entry checks are skipped."""
    source = None if source is None else os.fspath(source)
    shown = source if source is not None else "SPEC_INDEX.json"
    if isinstance(raw, str):
        raw = raw.encode("utf-8")
    from smartspec.digest import sha256_hex

    digest = sha256_hex(raw)
    # A small file goes the careful way at once: msgspec's typed decode pays for a big one.
    index = (_parse_plain_v1(raw, source, clean=written or written_sha256 == digest)
             if len(raw) >= _SMALL_INDEX_BYTES else None)
    if index is None:
        index = _parse_any(raw, source, shown)
    index.source_sha256 = digest
    if index.migrated:
        # An earlier shape's dependents are often stale; schema 1's were recomputed when the
        # file was written, and are again on every write.
        recompute_dependents(index)
    return index


def _parse_any(raw: bytes, source: str | None, shown: str) -> SpecIndex:
    """Any shape, checked key by key so that an error can name its key path."""
    data = _decode_json(raw, shown)
    if not isinstance(data, dict):
        raise DocumentError(
            f"{shown}: expected a JSON object at the top level, got {_json_type(data)}")
    shape = _detect_shape(data, shown)
    index = SpecIndex(source=source, shape=shape)
    old = shape != "v1"
    for key, value in data.items():
        if key in ("schema", "specs", "metadata"):
            continue
        if old and key in DROPPED_TOP:
            continue
        index.extra[key] = value
    metadata = data.get("metadata")
    if metadata is not None:
        if not isinstance(metadata, dict):
            raise DocumentError(_type_error(shown, "metadata", "an object", metadata))
        dropped = DROPPED_METADATA if old else METADATA_KEYS
        index.metadata_extra = {k: v for k, v in metadata.items()
                                if k not in dropped and k not in METADATA_KEYS}
    if "specs" not in data:
        raise DocumentError(f"{shown}: the key 'specs' is missing; expected a list of spec entries")
    specs = data["specs"]
    if isinstance(specs, dict):
        # {"spec-id": {...}} keyed by id: seen in hand-made indexes; read as a list.
        items: list[tuple[str, Any, str | None]] = [
            (f"specs.{key}", value, key) for key, value in specs.items()]
    elif isinstance(specs, list):
        items = [(f"specs[{n}]", value, None) for n, value in enumerate(specs)]
    else:
        raise DocumentError(_type_error(shown, "specs", "a list of spec entries", specs))
    for where, value, key in items:
        entry = read_entry(value, where, key, shown, old)
        if old:
            index.raw_entries.setdefault(entry.id, value)
        add_entry(index, entry)
    if old:
        index.raw = data
    return index


def _decode_json(raw: bytes | str, shown: str) -> Any:
    if isinstance(raw, str):
        raw = raw.encode("utf-8")
    if len(raw) >= _SMALL_INDEX_BYTES:
        import msgspec

        try:
            return msgspec.json.decode(raw)
        except msgspec.DecodeError:
            pass
    # msgspec only gives a byte offset; the standard library gives line and column (and
    # accepts a few things msgspec refuses, such as integers beyond 64 bits).

    # What the "utf-8-sig" codec does, by hand: that codec is a module of its own, imported
    # on first use, and every edit reads the index.
    skip = 3 if raw.startswith(b"\xef\xbb\xbf") else 0
    try:
        text = raw[skip:].decode("utf-8")
    except UnicodeDecodeError as exc:
        # Counted after the mark, as the codec counted.
        raise DocumentError(f"{shown}: not UTF-8 text (byte {exc.start}); expected a JSON file"
                            ) from None
    try:
        return json.loads(text, parse_constant=_refuse_constant)
    except json.JSONDecodeError as exc:
        raise DocumentError(
            f"{shown}: line {exc.lineno}, column {exc.colno}: invalid JSON ({exc.msg}); "
            "expected a SPEC_INDEX JSON object") from None
    except _NonFinite as exc:
        # NaN and Infinity are not JSON; written back they would silently become null.
        found = next(m for m in _CONSTANT_RE.finditer(text) if m.group(1))
        line = text.count("\n", 0, found.start(1)) + 1
        column = found.start(1) - (text.rfind("\n", 0, found.start(1)) + 1) + 1
        raise DocumentError(f"{shown}: line {line}, column {column}: {exc} is not a JSON "
                            "number; expected a finite number, a string or null") from None
    except RecursionError:
        raise DocumentError(f"{shown}: nested too deeply to be a SPEC_INDEX; expected the "
                            "shape 'smartspec index --schema' prints") from None


class _NonFinite(ValueError):
    """NaN, Infinity or -Infinity in a JSON text (the standard library accepts them)."""


# A JSON string (skipped) or one of the constants the standard library accepts beyond JSON.
# Compiled on first use: only an index that holds such a constant is searched with it, and
# every new and edit that reads an index would otherwise pay for compiling it.
_CONSTANT_RE = lazy_re(r'"(?:[^"\\]|\\.)*"|(-?Infinity|NaN)')


def _refuse_constant(name: str) -> Any:
    raise _NonFinite(name)


def _detect_shape(data: dict[str, Any], shown: str) -> Shape:
    if "schema" in data:
        schema = data["schema"]
        if isinstance(schema, bool) or not isinstance(schema, int):
            raise DocumentError(_type_error(shown, "schema", "an integer", schema))
        if schema > INDEX_SCHEMA_VERSION:
            raise DocumentError(
                f"{shown}: written with index schema {schema} by a newer smartspec; this "
                f"version reads schema {INDEX_SCHEMA_VERSION} and earlier shapes")
        if schema < 1:
            raise DocumentError(f"{shown}: at schema: {schema} is not a known index schema; "
                                f"expected 1 to {INDEX_SCHEMA_VERSION}")
        return "v1"
    if LEGACY_MARKERS & data.keys():
        return "legacy"
    if V5_MARKERS & data.keys():
        return "v5"
    return "reference"


@functools.cache
def _plain_v1_decoder() -> Any:
    """A msgspec decoder for the common case: a schema-1 file with no unknown keys (what
    ``smartspec index`` writes). Decoding straight into typed records runs at C speed."""
    import typing  # msgspec reads the field types, and loads typing itself

    import msgspec

    # defstruct with real types: class bodies here would get string annotations that msgspec
    # resolves in the module's namespace, where these local classes do not exist.
    text: Any = str | None
    strings: Any = list[str]
    entry = msgspec.defstruct(
        "PlainEntry",
        [("id", str), *((name, strings, msgspec.field(default_factory=list))
                        if name in LIST_FIELDS else (name, text, None)
                        for name in ("title", "path", "repo", "category", "status", "version",
                                     "profile", "domains", "dependencies", "dependents",
                                     "created", "updated", "sha256"))],
        forbid_unknown_fields=True)
    plain_file = msgspec.defstruct(
        "PlainFile",
        [("schema", int), ("specs", list[entry]),  # type: ignore[valid-type]
         ("metadata", dict[str, typing.Any], msgspec.field(default_factory=dict))],
        forbid_unknown_fields=True)
    return msgspec.json.Decoder(plain_file)


# Below this size an index (about 80 specs) is decoded by the standard library: its C decoder
# reads it in well under a millisecond, where importing msgspec (with typing_extensions,
# inspect, uuid, platform and decimal) costs a command ten.
_SMALL_INDEX_BYTES = 1 << 16


def _parse_plain_v1(raw: bytes, source: str | None, *, clean: bool = False) -> SpecIndex | None:
    """The index when ``raw`` is a plain schema-1 file that needs no clean-up (the same result
    ``_parse_any`` gives), else None and the careful path takes over. ``clean`` says the file
    is known to be one smartspec wrote, so its entries are not checked one by one."""
    import msgspec

    try:
        data = _plain_v1_decoder().decode(raw)
    except (msgspec.DecodeError, msgspec.ValidationError):
        return None
    if data.schema != INDEX_SCHEMA_VERSION:
        return None
    index = SpecIndex(source=source, shape="v1")
    if clean:
        entries = index.entries
        for item in data.specs:
            entry = IndexEntry(item.id, item.title, item.path, item.repo, item.category,
                               item.status, item.version, item.profile, item.domains,
                               item.dependencies, item.dependents, item.created, item.updated,
                               item.sha256)
            if item.id in entries:
                index.duplicates.append(entry)
            else:
                entries[item.id] = entry
        index.metadata_extra = {k: v for k, v in data.metadata.items() if k not in METADATA_KEYS}
        return index
    for item in data.specs:
        path, status = item.path, item.status
        if (not item.id or item.id != item.id.strip()
                or (path is not None and not is_normal_path(path))
                or (status is not None and not status.islower() and status != status.lower())
                or (item.domains and not _clean_list(item.domains))
                or (item.dependencies and not _clean_list(item.dependencies))):
            return None
        add_entry(index, IndexEntry(item.id, item.title, path, item.repo, item.category, status,
                               item.version, item.profile, item.domains, item.dependencies,
                               item.dependents, item.created, item.updated, item.sha256))
    index.metadata_extra = {k: v for k, v in data.metadata.items() if k not in METADATA_KEYS}
    return index


def _clean_list(items: list[str]) -> bool:
    """No blank, padded or repeated items (what ``read_entry`` would clean up)."""
    return all(item and item == item.strip() for item in items) and (
        len(items) < 2 or len(set(items)) == len(items))


def read_entry(value: Any, where: str, key: str | None, shown: str, old: bool) -> IndexEntry:
    if not isinstance(value, dict):
        raise DocumentError(_type_error(shown, where, "a spec entry object", value))
    spec_id = value.get("id", key)
    if spec_id is None:
        raise DocumentError(f"{shown}: at {where}: the key 'id' is missing; expected a spec id")
    if not isinstance(spec_id, str) or not spec_id.strip():
        raise DocumentError(_type_error(shown, f"{where}.id", "a non-empty string", spec_id))
    if key is not None and value.get("id", key) != key:
        raise DocumentError(f"{shown}: at {where}.id: {spec_id!r} differs from its key {key!r}; "
                            "expected the same id")
    entry = IndexEntry(id=spec_id.strip())
    # Other spellings of a known key are read as that key when it is absent: the settings
    # comment's "depends_on", and the v5 shape's "domain" (one name or a list), "created_at"
    # and "updated_at". When both spellings are present the other one is kept as unknown.
    aliases = {other: known for other, known in KEY_ALIASES.items()
               if other in value and known not in value}
    lists = {**value, **{known: ([value[other]] if known in LIST_FIELDS
                                 and isinstance(value[other], str) else value[other])
                         for other, known in aliases.items()}}
    named = {known: other for other, known in aliases.items()}
    for name in STRING_FIELDS:
        item = lists.get(name)
        if item is not None and not isinstance(item, str):
            raise DocumentError(_type_error(shown, f"{where}.{named.get(name, name)}",
                                            "a string or null", item))
        setattr(entry, name, item)
    for name in LIST_FIELDS:
        items = lists.get(name)
        if items is None:
            continue
        if not isinstance(items, list):
            raise DocumentError(_type_error(shown, f"{where}.{name}", "a list of strings", items))
        for n, item in enumerate(items):
            if not isinstance(item, str):
                raise DocumentError(_type_error(shown, f"{where}.{name}[{n}]", "a string", item))
        setattr(entry, name, unique(item.strip() for item in items if item.strip()))
    handled = ENTRY_KEYS | aliases.keys()
    entry.extra = {k: v for k, v in value.items()
                   if k not in handled and not (old and k in DROPPED_ENTRY)}
    entry.path = normalize_path(entry.path)
    entry.status = entry.status.lower() if entry.status else entry.status
    if old and entry.category is None and ID_RE.match(entry.id):
        # Earlier shapes often had no category; a well-formed id names it.
        entry.category = infer_category(entry.id)
    return entry


def _type_error(shown: str, where: str, expected: str, value: Any) -> str:
    return f"{shown}: at {where}: expected {expected}, got {_json_type(value)}"


def _json_type(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, (int, float)):
        return f"a number ({value})"
    if isinstance(value, str):
        return f"a string ({value!r})" if len(value) <= 40 else "a string"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "an object"
    return type(value).__name__


