"""What an existing spec says about itself, for edit, regenerate and restore: the settings its
comment records (a settings layer above the config, below the flags), and its id, whether
smartspec wrote it, a person did, or the folder names it."""

from __future__ import annotations

import os
from collections.abc import Mapping
from datetime import UTC, datetime

from smartspec.config import Settings
from smartspec.errors import DocumentError
from smartspec.runs.run import taken_spec_ids

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

    from smartspec.document import Document
    from smartspec.index.model import SpecIndex
    from smartspec.index.splice import IndexText


_CHOICES_OF = {"profile": "PROFILES", "mode": "MODES", "security": "SECURITY_LEVELS",
               "di": "DI_LEVELS", "performance": "PERFORMANCE_LEVELS"}


def spec_layer(doc: Document, shown: str) -> dict[str, Any]:
    """The settings comment's values for ``load_settings(spec_settings=...)``, checked: a value
    smartspec cannot use is refused with the file and line."""
    from smartspec import options as vocab
    from smartspec.markers import SETTINGS_SCHEMA

    record = doc.settings
    if record is None:
        return {}
    where = f"{shown}: line {(doc.settings_line or 0) + 1}"
    schema = record.get("schema")
    if isinstance(schema, int) and schema > SETTINGS_SCHEMA:
        raise DocumentError(f"{where}: the settings comment has schema {schema}, written by a "
                            f"newer smartspec; this version reads schema {SETTINGS_SCHEMA}")
    layer: dict[str, Any] = {}
    for key, name in _CHOICES_OF.items():
        value = record.get(key)
        if value is None:
            continue
        choices: tuple[str, ...] = getattr(vocab, name)
        if not isinstance(value, str) or value not in choices:
            raise DocumentError(f"{where}: the settings comment's {key!r} is {value!r}; expected "
                                f"one of {', '.join(choices)}")
        layer[key] = value
    domains = record.get("domains")
    if domains is not None:
        if not isinstance(domains, list) or any(d not in vocab.DOMAINS for d in domains):
            raise DocumentError(f"{where}: the settings comment's 'domains' is {domains!r}; "
                                f"expected a list of {', '.join(vocab.DOMAINS)}")
        layer["domains"] = tuple(domains)
    for key in ("category", "author", "repo"):
        value = record.get(key)
        if value is None:
            continue
        if not isinstance(value, str):
            raise DocumentError(f"{where}: the settings comment's {key!r} is {value!r}; "
                                "expected a string")
        layer[key] = value
    return layer


def text_field(record: Mapping[str, Any], key: str) -> str | None:
    value = record.get(key)
    return value if isinstance(value, str) and value.strip() else None


def recorded_text(record: Mapping[str, Any], key: str) -> str:
    """A text the settings comment records exactly as ``new`` was given it (whitespace-only
    included: dropping it would make a no-op edit rewrite the spec)."""
    value = record.get(key)
    return value if isinstance(value, str) else ""


def list_field(record: Mapping[str, Any], key: str) -> tuple[str, ...] | None:
    value = record.get(key)
    if isinstance(value, list) and all(isinstance(v, str) for v in value):
        return tuple(value)
    return None


# Where the digits of a moment as smartspec writes it (2026-11-18T11:06:40Z) stand, and the
# separators between them.
_MOMENT_DIGITS = ((0, 4), (5, 7), (8, 10), (11, 13), (14, 16), (17, 19))
_MOMENT_MARKS = ((4, "-"), (7, "-"), (10, "T"), (13, ":"), (16, ":"), (19, "Z"))


def _written_moment(text: str) -> bool:
    """Whether ``text`` is a moment as smartspec writes it: what the pattern
    ``\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}Z`` matches whole (``\\d`` is
    ``str.isdecimal``), read with str operations, as every edit reads two of them and
    compiling the pattern cost more than reading both."""
    return (len(text) == 20 and all(text[at] == mark for at, mark in _MOMENT_MARKS)
            and all(text[start:end].isdecimal() for start, end in _MOMENT_DIGITS))


def moment_of(value: Any) -> datetime | None:
    if not isinstance(value, str):
        return None
    text = value.strip()
    if _written_moment(text):
        # What strptime gives for this shape, without the locale machinery strptime imports
        # (milliseconds on every edit). An impossible date is None, as strptime's is.
        try:
            return datetime(int(text[0:4]), int(text[5:7]), int(text[8:10]), int(text[11:13]),
                            int(text[14:16]), int(text[17:19]), tzinfo=UTC)
        except ValueError:
            return None
    for pattern in ("%Y-%m-%dT%H:%M:%SZ", "%Y-%m-%d"):
        try:
            return datetime.strptime(value.strip(), pattern).replace(tzinfo=UTC)
        except ValueError:
            continue
    return None


def find_spec_id(doc: Document, rel: str, settings: Settings,
                 index: SpecIndex | IndexText | None,
                 registry: Mapping[str, Any], *, allocate: str | None = None) -> str:
    """The spec's id: its settings comment, its ``**Spec ID:**`` header, the index or the
    registry entry for its path, its folder name; else (a hand-written spec) the next free id
    for the slug ``allocate``."""
    from smartspec.specids import spec_id_parts

    for value in ((doc.settings or {}).get("id"), doc.header.get("Spec ID")):
        if isinstance(value, str) and spec_id_parts(value.strip()) is not None:
            return value.strip()
    # Only a spec without a recorded id needs adopt's readers (a few ms to import).
    from smartspec.adopt import ADOPTED_ID_RE, stated_id
    from smartspec.plan import next_number, spec_id_for

    # An id a person stated in another shape (WF-SCRIPTS-001, 004-desktop-app) is kept as
    # written, never folded into a new spec-NNN id that then disagrees with the header.
    stated = stated_id(doc)
    if stated is not None and ADOPTED_ID_RE.match(stated[0]):
        return stated[0]
    if index is not None:
        for entry in index.entries.values():
            if entry.path == rel:
                return entry.id
    for spec_id, entry in (registry.get("specs") or {}).items():
        if isinstance(entry, dict) and entry.get("path") == rel:
            return str(spec_id)
    folder = os.path.basename(os.path.dirname(rel))
    if spec_id_parts(folder) is not None:
        return folder
    if allocate is None:
        raise DocumentError(f"{rel}: cannot tell which spec this is (no settings comment, no "
                            "**Spec ID:** line, not in the index)")
    category = settings["category"]
    return spec_id_for(category, next_number(category, taken_spec_ids(settings, index)), allocate)
