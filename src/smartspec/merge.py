"""The edit rules of design.md §5 as a pure function: the spec on disk, what smartspec last
wrote (the registry's fingerprints) and the newly rendered text -> the merged text and the fate
of every section.

A section is regenerated only if it is not protected (critical, unless force-updated or tagged
``allow-update``) and its text still hashes to what smartspec last wrote, or it is
force-updated. Everything else is kept byte for byte: critical sections, sections a person
edited, sections a person added (in place), and sections the new profile or mode has no place
for but that hold a person's text (under "Earlier sections"). Line endings and the final
newline of the file are kept.

Before it returns, ``merge`` checks its own result the way mdformat does: every protected block
byte-identical to the original and every kept line present, else ``MergeError`` and the caller
writes nothing.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Collection, Mapping, Sequence

from smartspec import catalog
from smartspec.document import (
    SECTION_NUMBER_RE,
    Document,
    Section,
    block_hash,
    header_field,
    legacy_block_hash,
    parse,
    section_number_span,
)
from smartspec.errors import DocumentError
from smartspec.lazyre import lazy_re
from smartspec.markers import BUILTIN_CRITICAL, critical_open, settings_json
from smartspec.tuples import NamedTuple

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

EARLIER_TITLE = "Earlier sections"
EARLIER_NOTE = (
    "smartspec keeps the sections below because the current profile or mode has no place for "
    "them and they hold text a person wrote or a protected critical section. Move what you "
    "still need into the sections above, then delete them."
)
EARLIER_BLOCK = f"## {EARLIER_TITLE}\n\n{EARLIER_NOTE}\n"

# Where a section's text goes when regenerate changes the mode: compact sections condense
# standard ones, so each maps onto its standard counterparts and back. The first counterpart the new plan has
# and no other section already fills wins. Critical sections never move (their tags name them).
COUNTERPARTS: dict[str, tuple[str, ...]] = {
    "compact-overview": ("overview",),
    "compact-architecture": ("architecture",),
    "compact-technical": ("api", "data-model"),
    "compact-constraints": ("performance",),
    "compact-acceptance": ("acceptance", "testing"),
    "overview": ("compact-overview",),
    "architecture": ("compact-architecture",),
    "api": ("compact-technical",),
    "data-model": ("compact-technical",),
    "performance": ("compact-constraints",),
    "acceptance": ("compact-acceptance",),
    "testing": ("compact-acceptance",),
}
# The critical name -> the section key it wraps (security, config, di, monitoring).
CRITICAL_KEYS: dict[str, str] = {s.critical: s.key for s in catalog.SECTIONS if s.critical}
# Titles only the compact layout uses; two of them mark a hand-written spec as compact.
_COMPACT_ONLY = frozenset(catalog.normalise_title(t) for t in (
    "Technical Specification", "Constraints & Risk Notes", "Constraints & Risks",
    "Acceptance Tests"))
# A heading exactly as smartspec writes it: "## 3. Architecture". Read by
# ``smartspec_heading`` with str operations; the pattern defines it (the tests hold the reader
# to it) and is compiled by nothing else.
_SMARTSPEC_HEADING_RE = lazy_re(r"^## (\d+)\. (.+?)(\r?\n)?$")
# Any line that is a numbered ``##`` heading (document.SECTION_NUMBER_RE, line by line), for
# comparing blocks but for their numbers; one heading's number is read by
# ``document.section_number_span``, with str operations, which costs no compiling.
_HEADING_NUMBER_RE = lazy_re(SECTION_NUMBER_RE.pattern, re.MULTILINE)
# A sub-heading smartspec numbers under its section: "### 3.1 Settings", "#### 3.2.1 Keys".
_SUB_NUMBER_RE = lazy_re(r"^(#{3,6}[ \t]+)(\d+)(?=\.\d)", re.MULTILINE)
# How rendered text points at another section (render._reference): "section 3, Title". No
# \b before it: that makes the scan a hundred times slower; ``_number`` checks the boundary.
_REFERENCE_RE = lazy_re(r"section (\d+), ")

# Fates of a section: what the edit report says happened to each one.
REGENERATED = "regenerated"
UNCHANGED = "unchanged"
FORCED = "forced"  # regenerated because --force-update named it
ADDED = "added"
KEPT_CRITICAL = "kept-critical"
KEPT_EDITED = "kept-edited"
KEPT_ADDED = "kept-added"  # a section a person added, kept in place
MOVED = "moved"  # a person's text, moved to the counterpart of its section
EARLIER = "earlier"  # kept under "Earlier sections"
REMOVED = "removed"  # smartspec's own text the new settings no longer ask for
LEFT_OUT = "left-out"  # a section a person deleted: not added back


class MergeError(DocumentError):
    """The spec cannot be merged safely; nothing may be written."""


# NamedTuples and plain slotted classes rather than dataclasses: edit imports this module,
# and a dataclass costs about half a millisecond of import to build.
class SectionFate(NamedTuple):
    """What became of one section. ``line`` is the 1-based line of its heading in the merged
    text (None when it is not there: removed, left out)."""

    fate: str
    title: str
    key: str | None = None
    line: int | None = None
    critical: str | None = None
    moved_from: str | None = None

    def to_json(self) -> dict[str, Any]:
        return {"fate": self.fate, "title": self.title, "key": self.key, "line": self.line,
                "critical": self.critical, "moved_from": self.moved_from}


class OldSpec:
    """The spec on disk, parsed once, with the section key of every ``##`` section (after
    ``identify``)."""

    __slots__ = ("compact", "critical_names", "doc", "earlier", "hashes", "keys", "legacy",
                 "newline", "recorded", "text")

    def __init__(self, text: str, doc: Document, hashes: list[str], newline: str,
                 critical_names: tuple[str, ...]) -> None:
        self.text = text
        self.doc = doc
        self.hashes = hashes
        # Fingerprints with the heading's number in them, as registries written before numbers
        # were left out of fingerprints hold them; taken only when the current ones miss.
        self.legacy: list[str | None] = [None] * len(hashes)
        self.newline = newline
        self.critical_names = critical_names
        self.keys: list[str | None] = []
        self.recorded: dict[str, dict[str, Any]] = {}  # registry records by key
        self.compact = False
        self.earlier: int | None = None  # index of the "Earlier sections" section

    def identify(self, recorded: Mapping[str, Mapping[str, Any]] | None = None, *,
                 compact: bool | None = None) -> OldSpec:
        """Name every section with the registry's records of what smartspec last wrote.
        ``compact`` is the mode the spec was written in (guessed from its titles if None)."""
        self.recorded = {k: dict(v) for k, v in (recorded or {}).items() if isinstance(v, Mapping)}
        self.compact = _looks_compact(self.doc) if compact is None else compact
        _name_sections(self)
        return self

    def written_by_person(self, index: int) -> bool:
        """A section smartspec does not know, or one adoption recorded as a person's: it is
        never smartspec's text to replace or drop."""
        key = self.keys[index]
        return key is None or bool((self.recorded.get(key) or {}).get("person"))

    def accepted(self, key: str) -> tuple[str, ...]:
        """Fingerprints of text smartspec wrote for ``key`` (the last and the one before); none
        for a section adoption recorded as a person's."""
        record = self.recorded.get(key) or {}
        if record.get("person"):
            return ()
        return tuple(h for h in (record.get("sha256"), record.get("previous"))
                     if isinstance(h, str))

    def legacy_hash(self, index: int) -> str:
        found = self.legacy[index]
        if found is None:
            section = self.doc.sections[index]
            heading = self.doc.lines[section.heading.line].rstrip("\r\n")
            # The two fingerprints differ only by the number of the block's heading (the first
            # line after its open tag): without one they are the same, and sha256 reads every
            # byte, so a person's unnumbered sections are not hashed twice.
            found = self.legacy[index] = (
                self.hashes[index] if section_number_span(heading) is None
                else legacy_block_hash(self.doc.section_text(section)))
        return found

    def edited(self, index: int) -> bool:
        key = self.keys[index]
        if key is None:
            return True
        accepted = self.accepted(key)
        return self.hashes[index] not in accepted and self.legacy_hash(index) not in accepted

    def edited_marker(self) -> bool:
        """Whether the "Earlier sections" heading holds text a person wrote."""
        if self.earlier is None:
            return False
        return (self.hashes[self.earlier] != block_hash(EARLIER_BLOCK)
                or self.doc.sections[self.earlier].critical is not None)

    @property
    def present_keys(self) -> set[str]:
        return {k for k in self.keys if k is not None}

    @property
    def deleted_keys(self) -> set[str]:
        """Sections smartspec wrote that are no longer in the file: a person deleted them."""
        present = self.present_keys
        return {k for k, record in self.recorded.items()
                if k in catalog.BY_KEY and k not in present
                and (record.get("deleted") or record.get("sha256") is not None)}


class MergeResult(NamedTuple):
    text: str
    fates: list[SectionFate]
    records: dict[str, dict[str, Any]]  # the registry's section records for ``text``
    # ``text`` parsed (with the old spec's critical names) by the merge's own check, so that
    # the rules that run next over the same text do not parse it again.
    doc: Document | None = None

    @property
    def kept_edits(self) -> list[SectionFate]:
        return [f for f in self.fates if f.fate in (KEPT_EDITED, MOVED)]


class _Piece:
    """One stretch of the merged text, in order; ``_join`` sets ``offset``."""

    __slots__ = ("fate", "heading", "keep", "new", "number", "offset", "origin", "original",
                 "section", "text")

    def __init__(self, text: str, new: bool, section: bool = True, heading: int = 0,
                 fate: SectionFate | None = None, keep: bool = False,
                 origin: int | None = None) -> None:
        self.text = text
        self.new = new  # rendered text (LF line endings) rather than bytes from the old file
        self.section = section
        self.heading = heading  # line of the heading within the piece
        self.fate = fate
        self.keep = keep  # a person's or protected text: every line must survive
        self.origin = origin  # the old section it is or replaces (-1: the header)
        self.offset = 0  # where it starts in the merged text (set by _join)
        self.number: str | None = None  # the number the rendered text gave the slot it fills
        self.original = text  # the text before ``_number`` set its heading's number


def analyse(text: str, *, critical_names: tuple[str, ...] = BUILTIN_CRITICAL,
              source: str = "spec.md", doc: Document | None = None) -> OldSpec:
    """Parse the spec on disk (``OldSpec.identify`` then names its sections). Malformed meta
    structure (unclosed, nested, duplicate or unknown critical tags, a settings comment that
    is not JSON, a critical block that ends in another section) raises ``MergeError`` naming
    ``source`` and the line. ``doc`` is ``text`` already parsed with ``critical_names``."""
    if doc is None:
        doc = parse(text, critical_names=critical_names)
    if doc.problems:
        first = doc.problems[0]
        more = f" (and {len(doc.problems) - 1} more problem(s))" if len(doc.problems) > 1 else ""
        raise MergeError(f"{source}: line {first.line + 1}: {first.message}{more}; fix it or "
                         "restore a backup, then run edit again")
    for block in doc.critical_blocks:
        opened = _section_at(doc, block.open_line)
        closed = _section_at(doc, block.close_line)
        if opened is not closed:
            raise MergeError(
                f"{source}: line {block.open_line + 1}: critical section {block.name!r} ends on "
                f"line {block.close_line + 1}, in another ## section; close it before the next "
                "## heading, then run edit again")
    if doc.settings_line is not None and doc.sections and doc.settings_line >= doc.sections[0].start:
        raise MergeError(f"{source}: line {doc.settings_line + 1}: the smartspec settings "
                         "comment must stand before the first ## section; move it up")
    return OldSpec(text=text, doc=doc, hashes=[block_hash(doc.section_text(s)) for s in doc.sections],
                   newline=_newline(text), critical_names=critical_names)


def _section_at(doc: Document, line: int) -> Section | None:
    return next((s for s in doc.sections if s.start <= line < s.end), None)


def _looks_compact(doc: Document) -> bool:
    return sum(catalog.normalise_title(s.title) in _COMPACT_ONLY for s in doc.sections) >= 2


def _newline(text: str) -> str:
    crlf = text.count("\r\n")
    return "\r\n" if crlf and crlf * 2 >= text.count("\n") else "\n"


def _name_sections(old: OldSpec) -> None:
    """Give each section its key: first by fingerprint (the text smartspec wrote for that key),
    then by its critical tag, then by its title (numbered or not, English or Thai, or the title
    the registry recorded). A key goes to one section only; a second one is a person's."""
    doc = old.doc
    keys: list[str | None] = [None] * len(doc.sections)
    old.keys = keys
    old.earlier = None
    claimed: set[str] = set()
    by_hash: dict[str, str] = {}
    for key in old.recorded:
        for digest in old.accepted(key):
            by_hash.setdefault(digest, key)
    titles = {catalog.normalise_title(str(r["title"])): k for k, r in old.recorded.items()
              if isinstance(r.get("title"), str) and k in catalog.BY_KEY}
    # Every title normalised once: a long spec holds thousands of a person's sections.
    normalised = [catalog.normalise_title(s.title) for s in doc.sections]
    marker = catalog.normalise_title(EARLIER_TITLE)
    old.earlier = next((i for i, title in enumerate(normalised) if title == marker), None)

    def by_title(index: int, section: Section) -> str | None:
        return (catalog.key_for_title(section.title, compact=old.compact)
                or titles.get(normalised[index]))

    def by_tag(section: Section) -> str | None:
        return CRITICAL_KEYS.get(section.critical.name) if section.critical else None

    ways: list[Callable[[int, Section], str | None]] = [
        lambda index, section: by_hash.get(old.hashes[index])
        or (by_hash.get(old.legacy_hash(index)) if by_hash else None),
        lambda index, section: by_tag(section),
        by_title,
    ]
    for way in ways:
        for index, section in enumerate(doc.sections):
            if keys[index] is not None or index == old.earlier:
                continue
            candidate = way(index, section)
            if candidate is not None and candidate not in claimed:
                keys[index] = candidate
                claimed.add(candidate)


def _forced(old: OldSpec, index: int, force: Collection[str]) -> bool:
    """Whether ``--force-update`` names the old section ``index`` (by key or critical name)."""
    key = old.keys[index]
    if key is not None and key in force:
        return True
    block = old.doc.sections[index].critical
    return block is not None and (block.name in force or "all" in force)


def _protected(old: OldSpec, index: int, force: Collection[str]) -> bool:
    """A critical section without ``allow-update`` that ``--force-update`` does not name."""
    block = old.doc.sections[index].critical
    return block is not None and not block.allow_update and not _forced(old, index, force)


def kept_keys(old: OldSpec, new_keys: Sequence[str], force: Collection[str] = ()) -> frozenset[str]:
    """The sections of ``new_keys`` that ``merge`` fills with the spec's own text whatever is
    rendered for them: the section that holds the key is protected, or a person edited it and
    ``--force-update`` does not name it. (``old`` is identified.) Their text need not be
    rendered; ``merge`` refuses to go on if it ever would need it."""
    first: dict[str, int] = {}
    slots = set(new_keys)
    for index, key in enumerate(old.keys):
        if key is not None and key in slots:
            first.setdefault(key, index)
    return frozenset(
        key for key, index in first.items()
        if _protected(old, index, force) or (old.edited(index) and not _forced(old, index, force)))


def merge(old: OldSpec, new_text: str, new_keys: Sequence[str], *,
          force: Collection[str] = (), base_header: str | None = None,
          left_out: Collection[str] = (), source: str = "spec.md",
          unrendered: Collection[str] = ()) -> MergeResult:
    """Merge ``new_text`` (rendered for the sections ``new_keys``, in order) into the spec on
    disk. ``force`` holds critical names and section keys to replace even if protected or
    edited ("all" = every critical section). ``base_header`` is the header smartspec wrote last
    time, so that header lines a person changed are kept. ``left_out`` are sections a person
    deleted that the plan leaves out: the registry remembers them so they stay out.
    ``unrendered`` are sections ``new_text`` holds only the heading of (``kept_keys``)."""
    new = parse(new_text)
    if len(new.sections) != len(new_keys):
        raise MergeError(f"{source}: the rendered spec has {len(new.sections)} sections for "
                         f"{len(new_keys)} planned ones; nothing was written")
    doc = old.doc
    slots = {key: position for position, key in enumerate(new_keys)}

    def forced(index: int) -> bool:
        return _forced(old, index, force)

    def protected(index: int) -> bool:
        return _protected(old, index, force)

    # 1. Sections that keep their own key in the new plan; then the rest find a counterpart,
    #    go under Earlier sections, or (smartspec's unedited text) are dropped.
    filled: dict[str, int] = {}
    for index, key in enumerate(old.keys):
        if key is not None and key in slots and key not in filled:
            filled[key] = index
    placement: dict[int, str] = {}  # old index -> "slot" | "earlier" | "removed" | "person"
    moved_from: dict[int, str] = {}
    for index, key in enumerate(old.keys):
        if index == old.earlier:
            placement[index] = "marker"
        elif key is None or old.written_by_person(index) or (
                key in slots and filled.get(key) != index):
            placement[index] = "person"
        elif key in slots:
            placement[index] = "slot"
        elif not old.edited(index) and not protected(index):
            placement[index] = "removed"
        else:
            target = None
            if doc.sections[index].critical is None and key is not None:
                # A counterpart --force-update names is regenerated; the text then waits
                # under Earlier sections instead.
                target = next((k for k in COUNTERPARTS.get(key, ()) if k in slots
                               and k not in filled and k not in force), None)
            if target is not None and key is not None:
                filled[target] = index
                placement[index] = "slot"
                moved_from[index] = key
            else:
                placement[index] = "earlier"

    # 2. Person-added sections stay after the section they followed.
    head: list[int] = []
    after: dict[str, list[int]] = {}
    earlier: list[int] = []
    slot_of = {index: key for key, index in filled.items()}
    anchor: list[int] = head
    for index in range(len(doc.sections)):
        kind = placement[index]
        if kind == "slot":
            anchor = after.setdefault(slot_of[index], [])
        elif kind == "marker":
            anchor = earlier
        elif kind == "earlier":
            earlier.append(index)
            anchor = earlier
        elif kind == "person":
            anchor.append(index)

    # 3. Assemble.
    fates: list[SectionFate] = []
    records: dict[str, dict[str, Any]] = {}
    rendered: list[tuple[_Piece, str]] = []  # rendered pieces, settled once numbered
    pieces: list[_Piece] = [_Piece(_merge_preamble(old, new, base_header), new=False,
                                   section=False, origin=-1)]

    def old_piece(index: int, fate: str, key: str | None, *, slot: int | None = None,
                  move: str | None = None) -> _Piece:
        section = doc.sections[index]
        text = doc.section_text(section)
        if slot is not None and not protected(index) and key is not None:
            text = _retitle(text, section, _known_titles(old, old.keys[index] or key),
                            new.sections[slot].heading)
        critical = section.critical.name if section.critical else None
        return _Piece(text, new=False, heading=section.heading.line - section.start,
                      fate=SectionFate(fate, section.title, key, critical=critical,
                                       moved_from=move), keep=True, origin=index)

    def new_piece(slot: int, fate: str, old_index: int | None) -> _Piece:
        if new_keys[slot] in unrendered:
            # Never write an empty body where the section's text belongs.
            raise MergeError(f"{source}: section {new_keys[slot]!r} was left unrendered but is "
                             "to be regenerated; nothing was written")
        section = new.sections[slot]
        text = new.section_text(section)
        if old_index is not None:
            block = doc.sections[old_index].critical
            if block is not None and block.allow_update and section.critical is not None:
                # Regenerating an allow-update section keeps the person's permission.
                first = text.split("\n", 1)
                text = critical_open(section.critical.name, True) + "\n" + first[1]
        critical = section.critical.name if section.critical else None
        piece = _Piece(text, new=True, heading=section.heading.line - section.start,
                       fate=SectionFate(fate, section.title, new_keys[slot], critical=critical),
                       origin=old_index)
        rendered.append((piece, new_keys[slot]))
        records[new_keys[slot]] = {}  # its place in the registry's order; ``settle`` fills it
        return piece

    def settle(piece: _Piece, key: str) -> None:
        """Once numbered: a rendered section that reads as it did keeps the file's own bytes
        (line endings, separators); then the registry records what stands."""
        previous = old.accepted(key)
        if piece.origin is None:
            # "new": written for the first time, so its absence next time means something
            # only if this write landed (see runs.edit.recorded_sections).
            records[key] = {**_record(piece, previous), "new": True}
            return
        # Each fingerprint is taken once, as sha256 reads every byte: text rendered exactly
        # as the file holds it has the fingerprint the file's text has.
        kept = doc.sections[piece.origin]
        kept_text = doc.section_text(kept)
        digest: str | None = (old.hashes[piece.origin] if piece.text == kept_text
                              else block_hash(piece.text))
        if digest == old.hashes[piece.origin]:
            number = _heading_number(piece.text, piece.heading)
            piece.heading = kept.heading.line - kept.start
            piece.text = piece.original = kept_text
            piece.new = False
            if number is not None:
                piece.text = _set_number(piece.text, piece.heading, number[0])
            if piece.text != kept_text:
                digest = None  # renumbered: ``_record`` takes it again
            if piece.fate is not None and piece.fate.fate == REGENERATED:
                piece.fate = _with(piece.fate, UNCHANGED)
        records[key] = _record(piece, previous, digest)

    def person_pieces(indexes: list[int], fate: str) -> list[_Piece]:
        found = []
        for index in indexes:
            key = old.keys[index]
            found.append(old_piece(index, fate, key))
            if key is not None and key not in slots and key in old.recorded:
                records[key] = dict(old.recorded[key])
        return found

    pieces += person_pieces(head, KEPT_ADDED)
    for slot, key in enumerate(new_keys):
        taken = filled.get(key)
        previous = old.accepted(key)
        if taken is None:
            piece = new_piece(slot, ADDED, None)
        elif taken in moved_from:
            piece = old_piece(taken, MOVED, key, slot=slot, move=moved_from[taken])
            records[key] = {"title": new.sections[slot].title, "critical": piece.fate.critical
                            if piece.fate else None, "sha256": None}
        elif protected(taken):
            # Its number follows its place (``_number``); not a byte of its title or text
            # changes (``_check`` holds the rest of the block to that). The piece is the old
            # block as it was, so its fingerprint is the one ``analyse`` took: critical
            # blocks are a large part of a spec, and sha256 reads every byte.
            piece = old_piece(taken, KEPT_CRITICAL, key)
            records[key] = _record(piece, previous, old.hashes[taken])
        elif old.edited(taken) and not forced(taken):
            piece = old_piece(taken, KEPT_EDITED, key, slot=slot)
            carried = {k: v for k, v in old.recorded.get(key, {}).items() if k != "deleted"}
            records[key] = {**carried, "title": new.sections[slot].title,
                            "critical": piece.fate.critical if piece.fate else None,
                            "sha256": previous[0] if previous else None}
        else:
            piece = new_piece(slot, REGENERATED, taken)
            if forced(taken):
                piece.fate = _with(piece.fate, FORCED)
        piece.number = new.sections[slot].heading.number
        pieces.append(piece)
        pieces += person_pieces(after.get(key, []), KEPT_ADDED)

    if earlier or old.edited_marker():
        if old.earlier is not None:
            marker = doc.sections[old.earlier]
            pieces.append(_Piece(doc.section_text(marker), new=False,
                                 heading=marker.heading.line - marker.start, keep=True))
        else:
            pieces.append(_Piece(EARLIER_BLOCK, new=True))
        for index in earlier:
            pieces += person_pieces([index], EARLIER if placement[index] == "earlier"
                                    else KEPT_ADDED)

    _number(pieces, {s.heading.number: s.title for s in new.sections
                     if s.heading.number is not None})
    for piece, key in rendered:
        settle(piece, key)
    text, starts = _join(pieces, old)
    for piece, start in zip(pieces, starts, strict=True):
        if piece.fate is not None:
            fates.append(_with(piece.fate, piece.fate.fate, line=start + piece.heading + 1))
    for index, kind in placement.items():
        if kind == "removed":
            fates.append(SectionFate(REMOVED, doc.sections[index].title, old.keys[index]))
    for key in left_out:
        record = {**old.recorded.get(key, {}), "deleted": True}
        records[key] = record
        fates.append(SectionFate(LEFT_OUT, str(record.get("title") or catalog.BY_KEY[key].title),
                                 key, critical=record.get("critical")))
    merged = _check(old, text, pieces, protected, source)
    return MergeResult(text, fates, records, merged)


def _with(fate: SectionFate | None, name: str, *, line: int | None = None) -> SectionFate:
    assert fate is not None
    return SectionFate(name, fate.title, fate.key, line if line is not None else fate.line,
                       fate.critical, fate.moved_from)


def _record(piece: _Piece, previous: tuple[str, ...], digest: str | None = None
            ) -> dict[str, Any]:
    """The registry's record of ``piece`` (``digest``: its fingerprint, when already taken)."""
    if digest is None:
        digest = block_hash(piece.text)
    record: dict[str, Any] = {
        "title": piece.fate.title if piece.fate else "",
        "critical": piece.fate.critical if piece.fate else None,
        "sha256": digest,
    }
    # The fingerprint before this run is accepted too: a run killed between writing the
    # registry and the spec leaves the old text, which must still count as smartspec's.
    if previous and previous[0] != digest:
        record["previous"] = previous[0]
    return record


def _known_titles(old: OldSpec, key: str) -> set[str]:
    titles = {catalog.BY_KEY[key].title} if key in catalog.BY_KEY else set()
    titles.update(t for (_, k), t in catalog.PROFILE_TITLES.items() if k == key)
    if key == "security":
        titles.update(catalog.SECURITY_TITLES.values())
    recorded = old.recorded.get(key, {}).get("title")
    if isinstance(recorded, str):
        titles.add(recorded)
    return titles


def _heading_number(text: str, offset: int) -> tuple[str, bool] | None:
    """The number of the ``##`` heading on line ``offset`` of ``text`` and whether it is bare
    (no dot or bracket after it); None when the heading is unnumbered."""
    start = 0
    for _ in range(offset):  # the heading is one of the first few lines of its block
        start = text.find("\n", start) + 1
        if start == 0:
            return None
    end = text.find("\n", start)
    found = section_number_span(text[start:] if end < 0 else text[start:end + 1])
    if found is None:
        return None
    # A bare number ("## 3 Title") may be the start of the title itself ("## 24 Hour
    # Support"); the caller numbers it only where it reads as a section number.
    return text[start + found[0]:start + found[1]], text[start + found[1]] not in ".)"


def _set_number(text: str, offset: int, number: str) -> str:
    """``text`` with the number of its heading (line ``offset``) set to ``number``, in the
    heading's own style ("## 3. T", "## 3) T", "## 3 T"); an unnumbered heading stays so."""
    lines = text.splitlines(keepends=True)
    found = section_number_span(lines[offset]) if offset < len(lines) else None
    if found is None:
        return text
    line = lines[offset]
    lines[offset] = f"{line[:found[0]]}{number}{line[found[1]:]}"
    return "".join(lines)


def _number(pieces: list[_Piece], titles: Mapping[str, str]) -> None:
    """Number the numbered ``##`` headings 1, 2, 3... in the order the pieces stand, a
    person's sections among smartspec's: numbers stay consecutive and unique whatever a person
    added, and an unnumbered heading stays unnumbered and takes no number. A person's or a
    protected section changes in its heading's number only. Rendered text was numbered by
    the plan alone, so its own sub-headings ("### 3.1") and its pointers at other sections
    ("section 3, Title", ``titles`` by planned number) follow the new numbers too."""
    numbers: dict[str, str] = {}  # the plan's number -> the number in the merged text
    count = 0
    for piece in pieces:
        found = _heading_number(piece.text, piece.heading) if piece.section else None
        had = found[0] if found is not None else None
        if found is not None and found[1] and int(found[0]) not in (count, count + 1):
            # A bare number counts only where it stands as this heading's number would: the
            # next one, or a repeat of the one before. "## 24 Hour Support" keeps its words.
            had = None
        if had is not None:
            count += 1
            if piece.number is not None:
                numbers[piece.number] = str(count)
            if had != str(count):
                piece.text = _set_number(piece.text, piece.heading, str(count))
    if all(k == v for k, v in numbers.items()):
        return

    def pointer(found: re.Match[str]) -> str:
        planned, at = found.group(1), found.start()
        title = titles.get(planned)
        if planned not in numbers or title is None or (at and found.string[at - 1].isalnum()) \
                or not found.string.startswith(title, found.end()):
            return found.group(0)
        return f"section {numbers[planned]}, "

    for piece in pieces:
        if not piece.new or piece.number is None:
            continue
        planned, final = piece.number, numbers.get(piece.number, piece.number)
        if final != planned and "###" in piece.text:
            piece.text = _renumber_subs(piece.text, planned, final)
        if "section " in piece.text:
            piece.text = _REFERENCE_RE.sub(pointer, piece.text)


def _renumber_subs(text: str, planned: str, final: str) -> str:
    """Rendered text with its sub-headings numbered under ``final`` ("### 3.1" -> "### 4.1")
    where the plan numbered them under ``planned``."""
    def renumbered(sub: re.Match[str]) -> str:
        return sub.group(1) + final if sub.group(2) == planned else sub.group(0)

    return _SUB_NUMBER_RE.sub(renumbered, text)


def _same_but_number(before: str, after: str) -> bool:
    """Two blocks that differ at most in the numbers of their ``##`` headings."""
    def unnumbered(text: str) -> str:
        return _HEADING_NUMBER_RE.sub(lambda m: m.group(0)[:m.start(1) - m.start()] + "#", text)

    return before == after or unnumbered(before) == unnumbered(after)


def _same_but_heading_number(before: str, after: str, offset: int) -> bool:
    """A kept section that differs at most in the number of its own heading (line
    ``offset``): every other line, and the heading's words and style, as they were."""
    if before == after:
        return True
    old_lines, new_lines = before.splitlines(keepends=True), after.splitlines(keepends=True)
    return (len(old_lines) == len(new_lines) and offset < len(old_lines)
            and old_lines[:offset] == new_lines[:offset]
            and old_lines[offset + 1:] == new_lines[offset + 1:]
            and _same_but_number(old_lines[offset], new_lines[offset]))


def _retitle(text: str, section: Section, known: set[str], target: Any) -> str:
    """Renumber (and, for a moved section, retitle) a kept section's heading, but only when the
    heading line is exactly as smartspec wrote it: a heading a person changed stays as it is."""
    offset = section.heading.line - section.start
    lines = text.splitlines(keepends=True)
    found = smartspec_heading(lines[offset])
    if found is None or found[0] not in known or target.number is None:
        return text
    lines[offset] = f"## {target.number}. {target.title}{found[1]}"
    return "".join(lines)


def smartspec_heading(line: str) -> tuple[str, str] | None:
    """The title and line ending of a heading exactly as smartspec writes it ("## 3.
    Architecture\n" -> ("Architecture", "\n")), or None for any other line.

    What the pattern ``_SMARTSPEC_HEADING_RE`` matched (its groups 2 and 3, the ending ""
    where it had none), read with str operations: compiling the pattern cost an edit that
    keeps a person's section more than reading its few headings does. The number is a run
    of decimal digits (``\\d``: ``str.isdecimal``); the title is at least one character and
    holds no line feed (``.``); the pattern's ``$`` also stands before one last line feed."""
    if not line.startswith("## "):
        return None
    dot = line.find(". ", 3)
    if dot <= 3 or not line[3:dot].isdecimal():
        return None
    rest = line[dot + 2:]
    feed = rest.find("\n")
    if feed < 0:
        return (rest, "") if rest else None
    # The title ends at the first line feed, or at a carriage return just before it; what
    # follows may be nothing or one more line feed.
    after = len(rest) - feed - 1
    if after and not (after == 1 and rest.endswith("\n")):
        return None
    if feed >= 2 and rest[feed - 1] == "\r":
        return rest[:feed - 1], "\r\n"
    return (rest[:feed], "\n") if feed else None


# -- the header ---------------------------------------------------------------------------------


def _kind(line: str) -> str | None:
    body = line.rstrip("\r\n")
    if settings_json(body.strip()) is not None:
        return "settings"
    if body.startswith("# "):
        return "title"
    if body.startswith("> "):
        return "quote"
    found = header_field(body)
    return f"field:{found[0].strip()}" if found else None


def _kinds(lines: list[str]) -> dict[str, str]:
    found: dict[str, str] = {}
    for line in lines:
        kind = _kind(line)
        if kind is not None:
            found.setdefault(kind, line.rstrip("\r\n"))
    return found


def _merge_preamble(old: OldSpec, new: Document, base_header: str | None) -> str:
    """The header: smartspec's lines take their new values, a line a person changed stays, the
    settings comment is always the new one (added to a hand-written spec)."""
    nl = old.newline
    old_lines = old.doc.lines[: old.doc.preamble_end]
    new_lines = new.lines[: new.preamble_end]
    new_kinds = _kinds(new_lines)
    if base_header is not None:
        base_lines = base_header.splitlines(keepends=True)
        if _bare(old_lines) == _bare(base_lines):
            return _convert("".join(new_lines), nl)
        base_kinds = _kinds(base_lines)
    else:
        base_kinds = {}
    out: list[str] = []
    seen: set[str] = set()
    settings_done = False
    for line in old_lines:
        kind = _kind(line)
        body = line.rstrip("\r\n")
        ending = line[len(body):]
        if kind is not None:
            seen.add(kind)
        if kind == "settings" and not settings_done:
            out.append(new_kinds.get("settings", body) + (ending or nl))
            settings_done = True
        elif kind is not None and base_kinds.get(kind) == body:
            if kind in new_kinds:
                out.append(new_kinds[kind] + (ending or nl))
        else:
            out.append(line)
    if base_kinds:
        fields = [k for k in new_kinds if k.startswith("field:") and k not in base_kinds
                  and k not in seen]
        if fields:
            at = max((i + 1 for i, line in enumerate(out) if (_kind(line) or "").startswith("field:")),
                     default=1 if out and _kind(out[0]) == "title" else 0)
            out[at:at] = [new_kinds[k] + nl for k in fields]
        if "quote" in new_kinds and "quote" not in base_kinds and "quote" not in seen:
            at = max((i + 1 for i, line in enumerate(out) if (_kind(line) or "").startswith("field:")),
                     default=len(out))
            out[at:at] = [nl, new_kinds["quote"] + nl]
    if not settings_done and "settings" in new_kinds:
        if out and not out[-1].endswith(("\n", "\r")):
            out[-1] += nl
        if out and out[-1].strip():
            out.append(nl)
        out += [new_kinds["settings"] + nl, nl]
    return "".join(out)


def _bare(lines: list[str]) -> list[str]:
    """Lines without their endings and without trailing blank lines, for comparing headers."""
    bare = [line.rstrip("\r\n") for line in lines]
    while bare and not bare[-1].strip():
        bare.pop()
    return bare


def _convert(text: str, nl: str) -> str:
    return text.replace("\n", nl) if nl != "\n" else text


# -- joining and checking -----------------------------------------------------------------------


def _join(pieces: list[_Piece], old: OldSpec) -> tuple[str, list[int]]:
    """Concatenate the pieces: rendered ones in the file's line endings; between two sections a
    blank line and, where the file uses them, a ``---`` separator. Returns the text and the
    0-based first line of every piece (and sets each piece's ``offset``). The file's final
    newline (or its absence) is kept."""
    nl = old.newline
    separators = _uses_separators(old)
    out: list[str] = []
    starts: list[int] = []
    line = 0
    size = 0
    previous: _Piece | None = None
    for piece in pieces:
        text = _convert(piece.text, nl) if piece.new else piece.text
        piece.text = text
        if not text:
            starts.append(line)
            piece.offset = size
            continue
        if out and previous is not None and previous.origin is not None \
                and piece.origin == previous.origin + 1:
            # Neighbours in the file before: the bytes between them are theirs.
            if not out[-1].endswith("\n"):
                out.append(nl)
                line += 1
                size += len(nl)
        elif out:
            tail = out[-1][-200:]
            glue = "" if tail.endswith("\n") else nl
            stripped = tail.rstrip()
            last_line = stripped.rsplit("\n", 1)[-1].strip()
            blank_before = tail.endswith(("\n\n", "\n\r\n")) or (glue == "" and tail == "\n")
            if (separators and piece.section and previous is not None and previous.section
                    and last_line != "---"):
                glue += ("" if blank_before else nl) + "---" + nl + nl
            elif not blank_before:
                glue += nl
            if glue:
                out.append(glue)
                line += glue.count("\n")
                size += len(glue)
        starts.append(line)
        piece.offset = size
        out.append(text)
        line += text.count("\n")
        size += len(text)
        previous = piece
    result = "".join(out)
    if old.text and not old.text.endswith("\n"):
        result = result[: -len(nl)] if result.endswith(nl) else result.rstrip("\r\n")
    elif result and not result.endswith("\n"):
        result += nl
    return result, starts


def _uses_separators(old: OldSpec) -> bool:
    sections = old.doc.sections[:-1]
    if not sections:
        return True
    # Section by section, as the first that ends in a separator answers (usually the first).
    return any(old.doc.section_text(s).rstrip().rsplit("\n", 1)[-1].strip() == "---"
               for s in sections)


def _check(old: OldSpec, text: str, pieces: list[_Piece], protected: Any,
           source: str) -> Document:
    """Refuse a result that lost anything: protected blocks must be byte-identical, and every
    kept section (a person's or a protected one) must stand in the text exactly as it was.
    Returns ``text`` parsed."""
    merged = parse(text, critical_names=old.critical_names)
    if merged.problems:
        problem = merged.problems[0]
        raise MergeError(f"{source}: the merged text would be malformed (line {problem.line + 1}: "
                         f"{problem.message}); nothing was written")
    blocks = {b.name: b for b in merged.critical_blocks}
    for index, section in enumerate(old.doc.sections):
        block = section.critical
        if block is None or not protected(index):
            continue
        before = old.doc.text(block.open_line, block.close_line + 1)
        after_block = blocks.get(block.name)
        after = merged.text(after_block.open_line, after_block.close_line + 1) if after_block else ""
        if not _same_but_number(before, after) and not (
                _same_but_number(before, after.rstrip("\r\n")) and not before.endswith("\n")):
            raise MergeError(f"{source}: line {block.open_line + 1}: critical section "
                             f"{block.name!r} would change; nothing was written")
    for piece in pieces:
        if not piece.keep:
            continue
        found = text[piece.offset:piece.offset + len(piece.text)]
        # The file's last piece may lose or gain its final newline, as the file had it.
        placed = found == piece.text or (piece is pieces[-1] and found.rstrip("\r\n")
                                         == piece.text.rstrip("\r\n"))
        if not placed or not _same_but_heading_number(piece.original, piece.text, piece.heading):
            line = (found.splitlines() or [""])[0]
            raise MergeError(f"{source}: the merge would not keep the section starting "
                             f"{line[:60]!r} as it was; nothing was written")
    return merged
