"""Parse a spec into a light structure: title, header fields, settings, sections, critical blocks.

One pass of a fence-aware line scanner. Everything keeps exact line positions, so that rules can
report ``file:line`` and edit can splice sections back byte for byte. A ``##`` or a meta tag inside
a fenced code block is never taken for structure. Problems in the meta structure (unclosed or
nested critical tags, unknown names, a settings comment that is not JSON) are collected rather
than raised: ``validate`` reports them as findings, ``edit`` refuses to touch such a file.
"""

from __future__ import annotations

from functools import lru_cache
from itertools import islice

from smartspec.digest import sha256_hex
from smartspec.lazyre import lazy_re
from smartspec.markers import (
    BUILTIN_CRITICAL,
    CLOSE,
    OPEN,
    SMARTSPEC_END,
    meta_tag,
    parse_settings,
    settings_json,
)
from smartspec.tuples import NamedTuple

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

# How every settings comment starts; a line that starts so but is not one is a problem.
SETTINGS_PREFIX = "<!-- smartspec:"


# ATX headings (CommonMark): up to 3 spaces of indent, 1-6 '#', then a space or end of line;
# an optional closing run of '#' is dropped. The definition the scanner's string tests are
# held to (``_heading_parts``); compiled only where it is asked: the scanner does not use it.
HEADING_RE = lazy_re(r"^ {0,3}(#{1,6})(?:[ \t]+(.*?))?(?:[ \t]+#+)?[ \t]*$")
# The patterns below define what the scanner reads; it reads them with ``str`` operations
# (``_number_parts``, ``_fence_opener``, ``header_field``), which the tests hold to the
# patterns on every golden spec's lines, so reading a spec compiles none of them.
# A section number in a heading: "3. Title", "3) Title", "3.1 Title", "3.1. Title".
NUMBER_RE = lazy_re(r"^(\d+(?:\.\d+)*)[.)]?\s+(.*)$")
# Fence openers: ``` or ~~~ (3 or more), indented at most 3 spaces. Backtick fences may not
# carry a backtick in their info string.
FENCE_RE = lazy_re(r"^ {0,3}(`{3,}|~{3,})(.*)$")
# The first characters a structural line can start with (a heading, a fence, a meta tag, a
# header field, or up to three spaces before a heading or fence).
_STRUCTURE_FIRST = frozenset("#`~<* ")
# What an indented structural line can start with after its spaces.
_INDENTED_FIRST = frozenset("#`~")
# Header lines such as "**Status:** DRAFT".
HEADER_FIELD_RE = lazy_re(r"^\*\*(?P<key>[^*]+?):\*\*\s*(?P<value>.*?)\s*$")
# The number of a ``##`` section's heading, the digits in group 1, as smartspec or a person
# writes one: "## 3. Title" and "## 3) Title" (one to three digits), "## 3 Title" (one or two
# digits, so that "## 2024 Roadmap" stays a title). "## 2.1 Title" is a sub-number, not one.
SECTION_NUMBER_RE = lazy_re(r"^ {0,3}##[ \t]+(\d{1,3}(?=[.)][ \t]+\S)|\d{1,2}(?=[ \t]+\S))")
# Critical names SmartSpec documents besides smartspec's own: known in either dialect.
SMARTSPEC_CRITICAL = ("legal", "audit")
# Dialect names as reports show them.
CANONICAL_DIALECT = "smartspec"
SMARTSPEC_DIALECT = "SmartSpec (<!-- @end -->)"


# The records below are NamedTuples and plain slotted classes rather than dataclasses: a
# dataclass is built by compiling generated source at import, which costs every command about
# half a millisecond per class; these behave the same for how they are used (immutable,
# compared by value, or plain mutable holders).
class Heading(NamedTuple):
    level: int
    line: int  # 0-based index into Document.lines
    text: str  # everything after the hashes
    number: str | None  # "3" or "3.1" when the heading is numbered
    title: str  # the text without its number


class CriticalBlock(NamedTuple):
    name: str
    allow_update: bool
    open_line: int
    close_line: int  # the @end-critical line


class Problem(NamedTuple):
    line: int  # 0-based
    message: str


class Section:
    """A level-2 section. ``start``..``end`` (end exclusive) is its whole block: the critical
    open tag when it has one, the heading, the body, the close tag and trailing separators."""

    __slots__ = ("critical", "end", "heading", "start", "subheadings")

    def __init__(self, heading: Heading, start: int, end: int,
                 critical: CriticalBlock | None = None,
                 subheadings: list[Heading] | None = None) -> None:
        self.heading = heading
        self.start = start
        self.end = end
        self.critical = critical
        self.subheadings: list[Heading] = [] if subheadings is None else subheadings

    def __repr__(self) -> str:
        return (f"Section(heading={self.heading!r}, start={self.start!r}, end={self.end!r}, "
                f"critical={self.critical!r}, subheadings={self.subheadings!r})")

    def __eq__(self, other: object) -> bool:
        if other.__class__ is not self.__class__:
            return NotImplemented
        assert isinstance(other, Section)
        return (self.heading, self.start, self.end, self.critical, self.subheadings) == (
            other.heading, other.start, other.end, other.critical, other.subheadings)

    __hash__ = None  # type: ignore[assignment]  # mutable: compared by value, never hashed

    @property
    def title(self) -> str:
        return self.heading.title

    @property
    def body_start(self) -> int:
        return self.heading.line + 1


class Document:
    """A parsed spec. ``parse`` fills it; nothing else builds one."""

    __slots__ = ("critical_blocks", "end_tags", "fenced", "header", "headings", "lines",
                 "problems", "sections", "settings", "settings_line", "title", "title_line")

    def __init__(self, lines: list[str]) -> None:
        self.lines = lines  # with their line endings
        self.title: str | None = None
        self.title_line: int | None = None
        self.header: dict[str, str] = {}
        self.settings: dict[str, Any] | None = None
        self.settings_line: int | None = None
        self.headings: list[Heading] = []
        self.sections: list[Section] = []
        self.critical_blocks: list[CriticalBlock] = []
        self.problems: list[Problem] = []
        self.fenced: list[bool] = []  # per line: inside (or on) a code fence
        self.end_tags: list[int] = []  # lines of SmartSpec's <!-- @end --> tags

    @property
    def dialect(self) -> str:
        """Which tag dialect the file was written in, for reports."""
        return SMARTSPEC_DIALECT if self.end_tags else CANONICAL_DIALECT

    def text(self, start: int, end: int) -> str:
        return "".join(self.lines[start:end])

    def section_text(self, section: Section) -> str:
        return self.text(section.start, section.end)

    def body_lines(self, section: Section) -> list[str]:
        """The section's lines after its heading that are outside code fences."""
        return [
            self.lines[i]
            for i in range(section.body_start, section.end)
            if not self.fenced[i]
        ]

    @property
    def preamble_end(self) -> int:
        return self.sections[0].start if self.sections else len(self.lines)


# The last text parsed and its Document. One run hands the same spec text to several stages
# (the registry's section hashes, the rules, the index entry); each asks for ``parse`` on its
# own, and this keeps that to one scan without the stages having to pass a Document along.
# Documents are read-only once built (nothing outside this module assigns to them), so
# sharing one is safe; the key is the text itself, so a different text is always scanned.
_last: tuple[str, tuple[str, ...], Document] | None = None


def parse(text: str, *, critical_names: tuple[str, ...] = BUILTIN_CRITICAL) -> Document:
    """Scan ``text`` once. Never raises for content problems; see ``Document.problems``.
    Asking again for the text (and critical names) just parsed returns the same Document."""
    global _last
    last = _last
    if last is not None and last[1] == critical_names and last[0] == text:
        return last[2]
    doc = _scan(text, critical_names)
    _last = (text, critical_names, doc)
    return doc


def _scan(text: str, critical_names: tuple[str, ...]) -> Document:
    lines = text.splitlines(keepends=True)
    doc = Document(lines=lines)
    fenced = doc.fenced
    open_block: tuple[str, bool, int] | None = None
    seen_names: dict[str, int] = {}
    h2: list[Heading] = []
    pending_open: dict[int, CriticalBlock] = {}  # heading line -> block whose tag precedes it
    first_h2_line: int | None = None

    fence_ranges: list[tuple[int, int]] = []
    bare_lines: dict[str, int] = {}  # bare closing fence -> the next line that is one
    numbered = enumerate(lines)
    for index, raw in numbered:
        first = raw[0]  # ``splitlines`` never gives an empty line
        if first not in _STRUCTURE_FIRST:
            continue  # prose: no heading, fence, tag or header field starts with this
        if first == " ":
            # Indented: only a heading or a fence may be indented (up to 3 spaces).
            lead = raw.lstrip(" ")[:1]
            if lead not in _INDENTED_FIRST:
                continue
        elif first == "*" and first_h2_line is not None:
            continue  # header fields ("**Status:** ...") only count before the first ##
        else:
            lead = first
        line = raw.rstrip("\r\n")
        if lead == "`" or lead == "~":
            opener = fence_opener(line)
            if opener and not (opener[0][0] == "`" and "`" in opener[1]):
                close = _closing_line(lines, index + 1, opener[0][0], len(opener[0]),
                                      raw[len(line):], bare_lines)
                if close is None:
                    fence_ranges.append((index, len(lines)))
                    break  # an unclosed fence runs to the end of the document
                fence_ranges.append((index, close + 1))
                # The fence's lines are no structure: skipped at C speed, the closer too.
                next(islice(numbered, close - index - 1, None), None)
            continue
        if lead == "#":
            parts = _heading_parts(line)  # ``_heading``, without a call per heading
            if parts is None:
                continue
            heading = Heading(parts[0], index, parts[1], parts[2], parts[3])
            doc.headings.append(heading)
            if heading.level == 1 and doc.title is None and first_h2_line is None:
                doc.title, doc.title_line = heading.text, index
            elif heading.level == 2:
                if first_h2_line is None:
                    first_h2_line = index
                h2.append(heading)
        elif first == "<" and line.startswith("<!--"):
            if settings_json(line) is not None:
                _read_settings(doc, line, index)
                continue
            if line.startswith(SETTINGS_PREFIX):
                # A settings comment cut short (a line break inside it, a lost "-->"): reading
                # the spec without its settings would plan it afresh and write a second one.
                doc.problems.append(Problem(index, (
                    "a smartspec settings comment that does not end on its own line; expected "
                    "'<!-- smartspec: {...} -->' on one line")))
                continue
            tag = meta_tag(line)
            if tag is None:
                continue
            kind, name, allow_update = tag
            smartspec_end = kind == SMARTSPEC_END
            if kind == OPEN:
                if open_block is not None:
                    doc.problems.append(Problem(index, (
                        f"critical section {name!r} opens inside critical section "
                        f"{open_block[0]!r} (opened on line {open_block[2] + 1}); "
                        "critical sections cannot nest")))
                    continue
                if name in seen_names:
                    doc.problems.append(Problem(index, (
                        f"critical section {name!r} appears twice "
                        f"(first on line {seen_names[name] + 1})")))
                seen_names.setdefault(name, index)
                open_block = (name, allow_update, index)
            elif smartspec_end or kind == CLOSE:
                if open_block is None:
                    doc.problems.append(Problem(index, "@end-critical without a matching @critical"))
                    continue
                if smartspec_end:
                    doc.end_tags.append(index)
                elif open_block[0] not in critical_names + SMARTSPEC_CRITICAL:
                    doc.problems.append(_unknown_name(open_block[0], open_block[2],
                                                      critical_names))
                block = CriticalBlock(open_block[0], open_block[1], open_block[2], index)
                doc.critical_blocks.append(block)
                open_block = None
            else:
                doc.problems.append(Problem(index, (
                    "malformed meta tag; expected '<!-- @critical NAME [allow-update] -->' "
                    "or '<!-- @end-critical -->'")))
        elif first == "*" and first_h2_line is None:
            field = header_field(line)
            if field:
                doc.header.setdefault(field[0].strip(), field[1])

    fenced.extend([False] * len(lines))
    for begin, stop in fence_ranges:
        fenced[begin:stop] = [True] * (stop - begin)
    if open_block is not None:
        if open_block[0] not in critical_names + SMARTSPEC_CRITICAL:
            doc.problems.append(_unknown_name(open_block[0], open_block[2], critical_names))
        doc.problems.append(Problem(open_block[2], (
            f"critical section {open_block[0]!r} is never closed; "
            "expected '<!-- @end-critical -->' after it")))
    for block in doc.critical_blocks:
        pending_open[block.open_line] = block
    _build_sections(doc, h2, pending_open)
    return doc


def _closes(raw: str, char: str, size: int) -> bool:
    """Whether ``raw`` closes a fence of ``size`` ``char``s: at most 3 spaces, the fence
    characters (at least as many), then only whitespace."""
    if raw[:1] != char and raw[:1] != " ":
        return False
    line = raw.rstrip("\r\n")
    stripped = line.lstrip(" ")
    return (len(line) - len(stripped) <= 3 and stripped.startswith(char * size)
            and not stripped.lstrip(char).strip())


# How many lines after an opener are searched as one joined text for the run: fences are
# mostly shorter; the lines of a longer one are read one by one past it.
_FENCE_WINDOW = 256


def _closing_line(lines: list[str], start: int, char: str, size: int, ending: str,
                  bare_lines: dict[str, int] | None = None) -> int | None:
    """The first line from ``start`` that closes a fence of ``size`` ``char``s, or None.

    A closer almost always is the bare run with the opener's line ending ("```\\n"): that
    line is found with ``list.index`` (string equality at C speed), and it is the answer
    unless a line before it holds the run too (one joined search over the lines up to it,
    or up to ``_FENCE_WINDOW`` of them, tells): only then, or past the window, are the
    lines read one by one. Every line that closes holds the run, so no other line needs
    reading. ``bare_lines`` keeps where each bare closer was found for the next fence of the
    same scan (fences come in order), so no stretch of lines is searched twice."""
    run = char * size
    bare_run = run + ending
    known = {} if bare_lines is None else bare_lines
    bare = known.get(bare_run, -1)
    if bare < start:
        try:
            bare = lines.index(bare_run, start)
        except ValueError:
            bare = len(lines)
        known[bare_run] = bare
    window = bare if bare - start <= _FENCE_WINDOW else start + _FENCE_WINDOW
    if run not in "".join(lines[start:window]):
        if window == bare:  # the common case: nothing before the bare closer holds the run
            return None if bare == len(lines) else bare
        start = window  # no line before the window's end holds the run, so none closes
    for index in range(start, bare):
        if _closes(lines[index], char, size):
            return index
    return None if bare == len(lines) else bare


def _unknown_name(name: str, line: int, critical_names: tuple[str, ...]) -> Problem:
    return Problem(line, (
        f"unknown critical section name {name!r}; expected one of {', '.join(critical_names)} "
        "(add it to the config's criticalSections, or close the block with SmartSpec's "
        "'<!-- @end -->')"))


def _heading(line: str, index: int) -> Heading | None:
    """An ATX heading, or None: ``line`` read by ``_heading_parts`` (once per distinct line)
    and placed at ``index``."""
    parts = _heading_parts(line)
    return None if parts is None else Heading(parts[0], index, *parts[1:])


@lru_cache(maxsize=4096)
def _heading_parts(line: str) -> tuple[int, str, str | None, str] | None:
    """(level, text, number, title) of an ATX heading line, or None. Plain string
    operations, equivalent to ``HEADING_RE`` (which the tests hold it to) and several times
    faster; and remembered per line, since specs made from one catalog share most of their
    headings word for word (a spec has a heading every dozen lines)."""
    body = line.lstrip(" ")
    if len(line) - len(body) > 3 or not body.startswith("#"):
        return None
    rest = body.lstrip("#")
    level = len(body) - len(rest)
    if level > 6 or (rest and rest[0] not in " \t"):
        return None
    rest = rest.strip(" \t")
    if rest.endswith("#"):
        # An optional closing run of '#', which must follow a space or tab.
        before = rest.rstrip("#")
        if before.endswith((" ", "\t")):
            rest = before.rstrip(" \t")
    text = rest.strip()
    if text[:1].isdigit():
        numbered = _number_parts(text)
        if numbered:
            return level, text, numbered[0], numbered[1].strip()
    return level, text, None, text


def _without_final_newline(rest: str) -> str | None:
    """``rest`` as a pattern's ``(.*)$`` takes it: without a last "\\n", and None when it
    holds a line break elsewhere ("." does not cross one)."""
    if rest.endswith("\n"):
        rest = rest[:-1]
    return None if "\n" in rest else rest


def _decimals_end(text: str, start: int) -> int:
    """Where the run of decimal digits (``\\d``: ``str.isdecimal``) at ``start`` ends."""
    end = start
    while end < len(text) and text[end].isdecimal():
        end += 1
    return end


def _number_parts(text: str) -> tuple[str, str] | None:
    """``NUMBER_RE.match(text)``'s two groups (the number, the rest), or None."""
    end = _decimals_end(text, 0)
    if not end:
        return None
    # Each ".digits" extends the number; a "." before anything else may end it.
    while text[end:end + 1] == "." and (after := _decimals_end(text, end + 1)) > end + 1:
        end = after
    rest = text[end + 1:] if text[end:end + 1] in (".", ")") else text[end:]
    stripped = rest.lstrip()
    if len(stripped) == len(rest):
        return None  # "\\s+": at least one space after the number
    title = _without_final_newline(stripped)
    return None if title is None else (text[:end], title)


def fence_opener(line: str) -> tuple[str, str] | None:
    """``FENCE_RE.match(line)``'s two groups (the run of fence characters, the info string
    after it), or None: what a fence-opening line holds, read with ``str`` operations."""
    body = line.lstrip(" ")
    if len(line) - len(body) > 3:
        return None
    char = body[:1]
    if char != "`" and char != "~":
        return None
    after = body.lstrip(char)
    size = len(body) - len(after)
    if size < 3:
        return None
    info = _without_final_newline(after)
    return None if info is None else (body[:size], info)


def header_field(line: str) -> tuple[str, str] | None:
    """``HEADER_FIELD_RE.match(line)``'s key and value ("**Status:** DRAFT"), or None."""
    if not line.startswith("**"):
        return None
    # The key holds no "*", so the first "*" after the opening pair starts the ":**".
    star = line.find("*", 2)
    if star < 4 or line[star - 1] != ":" or not line.startswith("**", star):
        return None
    value = line[star + 2:].strip()
    return None if "\n" in value else (line[2:star - 1], value)


def section_number_span(line: str) -> tuple[int, int] | None:
    """Where ``SECTION_NUMBER_RE.match(line)`` finds the number of a ``##`` heading (its
    group 1), or None; read with ``str`` operations."""
    body = line.lstrip(" ")
    at = len(line) - len(body)
    if at > 3 or not body.startswith("##") or body[2:3] not in (" ", "\t"):
        return None
    start = at + 2 + (len(body) - 2 - len(body[2:].lstrip(" \t")))
    end = _decimals_end(line, start)
    digits = end - start
    if not digits or digits > 3:
        return None
    if line[end:end + 1] in (".", ")"):
        after = end + 1  # "3. Title", "3) Title": one to three digits
    elif digits <= 2:
        after = end  # "3 Title": one or two digits
    else:
        return None
    rest = line[after:]
    words = rest.lstrip(" \t")
    if len(words) == len(rest) or not words or words[0].isspace():
        return None  # spaces or tabs, then something that is not a space
    return start, end


def clear_heading_memo() -> None:
    """Forget the headings read so far (a benchmark times reading specs from cold)."""
    _heading_parts.cache_clear()


def _read_settings(doc: Document, line: str, index: int) -> None:
    if doc.settings_line is not None:
        doc.problems.append(Problem(index, (
            f"a second smartspec settings comment (the first is on line {doc.settings_line + 1})")))
        return
    doc.settings_line = index
    try:
        doc.settings = parse_settings(line)
    except ValueError as exc:
        doc.problems.append(Problem(index, f"the smartspec settings comment is not valid JSON: {exc}"))


def _build_sections(doc: Document, h2: list[Heading], opens: dict[int, CriticalBlock]) -> None:
    """Cut the document into level-2 blocks. A critical open tag that stands before a heading
    (with only blank lines between) starts that heading's block."""
    lines, sections = doc.lines, doc.sections
    wrapped: set[int] = set()  # open lines of the blocks that start a section
    for heading in h2:
        start, block = heading.line, None
        probe = start - 1
        while probe >= 0 and not lines[probe].strip():
            probe -= 1
        if probe in opens:
            start, block = probe, opens[probe]
            wrapped.add(probe)
        if sections:
            sections[-1].end = start  # a section runs to where the next one starts
        sections.append(Section(heading=heading, start=start, end=len(lines), critical=block))
    by_line = iter(sections)
    current = next(by_line, None)
    following = next(by_line, None)
    for heading in doc.headings:
        if heading.level <= 2:
            continue
        while following is not None and heading.line >= following.start:
            current, following = following, next(by_line, None)
        if current is not None and current.start <= heading.line < current.end:
            current.subheadings.append(heading)
    # A block that wraps a section's heading but not its own start tag (hand-written layouts:
    # the tag after the heading) still belongs to that section. Blocks are told apart by
    # their open lines, each block's own.
    for block in doc.critical_blocks:
        if block.open_line in wrapped:
            continue
        for section in sections:
            if section.start <= block.open_line < section.end and section.critical is None:
                section.critical = block
                break


def block_hash(text: str) -> str:
    """The fingerprint the registry keeps for a section block: sha256 of its text with CRLF
    folded to LF and trailing blank and ``---`` lines dropped, so that moving a separator or a
    line-ending convention does not count as a person's edit. The number of the block's own
    ``##`` heading stands as ``#``: edits renumber headings so that numbers stay consecutive,
    and a new number is neither a person's edit nor a change smartspec made.

    Read over the text itself with ``str.find`` and slices: only the lines up to the heading
    and the trailing ones are looked at, where splitting the block into lines and joining
    them again cost more than hashing it."""
    text = text.replace("\r\n", "\n")
    end = _fingerprint_end(text)
    at = 0
    while at < end:
        stop = text.find("\n", at, end)
        if stop < 0:
            stop = end
        line = text[at:stop]
        if line.strip() and not line.lstrip().startswith("<!--"):
            # The heading: the first line after the critical open tag and blank lines.
            found = section_number_span(line)
            if found is not None:
                return sha256_hex(f"{text[:at + found[0]]}#{text[at + found[1]:end]}")
            break
        at = stop + 1
    return sha256_hex(text[:end])


def legacy_block_hash(text: str) -> str:
    """The fingerprint as smartspec took it before heading numbers were left out of it: a
    registry written then still holds these, and they still name smartspec's own text."""
    text = text.replace("\r\n", "\n")
    return sha256_hex(text[:_fingerprint_end(text)])


def _fingerprint_end(text: str) -> int:
    """Where ``text`` ends once its trailing blank and ``---`` lines are dropped (lines are
    what "\n" separates; 0 when every line is dropped)."""
    end = len(text)
    while True:
        start = text.rfind("\n", 0, end) + 1
        if text[start:end].strip() not in ("", "---"):
            return end
        if not start:
            return 0
        end = start - 1
