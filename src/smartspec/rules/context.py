"""What every rule reads: one parsed document plus views computed once and shared.

The ``Document`` (one pass of the fence-aware scanner) gives lines, sections and fences. On
top of it this module builds, lazily and at most once per spec:

- ``prose``: the document text with fenced lines emptied and HTML comments, URLs, link
  targets and e-mail addresses blanked out *in place* (same length), so that a keyword in a
  code block, a settings comment or ``https://auth.example.com`` never counts, and a match
  offset still maps straight back to its line;
- the section key of every ``##`` section (numbered, unnumbered or Thai titles);
- the endpoints the spec defines.

Rules ask questions of the context (``first_mention``, ``sections_for``) instead of scanning
text themselves, so no rule pays for a second pass over the file.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Callable, Iterable, Iterator, Mapping
from functools import cached_property, lru_cache
from itertools import accumulate

from smartspec import catalog
from smartspec.document import Document, Heading, Section, clear_heading_memo, fence_opener
from smartspec.lazyre import is_word_char, lazy_re, run_end
from smartspec.markers import BUILTIN_CRITICAL
from smartspec.prose import ASCII_LETTERS
from smartspec.rules.keywords import WordMatcher, has_lead_byte
from smartspec.tuples import NamedTuple
from smartspec.wordgroups import word_pattern

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any, TypeVar

    _Fn = TypeVar("_Fn", bound=Callable[..., Any])
    _T = TypeVar("_T")

# Blanked out of prose before keyword search (each replaced by spaces of the same length):
#   <!-- any comment, across lines -->
#   scheme://host/path, www.host/path          URLs, bare or inside <...> autolinks
#   ](target "title")                          a Markdown link's destination
#   user@example.com                           e-mail addresses
# URLs and addresses are found from their "://", "www." or "@" with str.find and grown to
# both sides: a regex that has to try every position of a 20 KB text costs ten times more.
_LINK_TARGET_RE = lazy_re(r"\]\([^)\n]*\)")
_NOT_NEWLINE_RE = lazy_re(r"[^\r\n]")
_URL_REST_RE = lazy_re(r"[^\s<>()\[\]`\"']*")
_SCHEME_CHARS = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789+.-")
_EMAIL_DOMAIN_RE = lazy_re(r"[\w-]+(?:\.[\w-]+)+")
_EMAIL_LOCAL_CHARS = frozenset(".+-_")
# The line breaks ``str.splitlines`` honours besides "\n" and "\r".
_OTHER_BREAKS = ("\x0b", "\x0c", "\x1c", "\x1d", "\x1e", "\x85", "\u2028", "\u2029")

# Which sections play which part, by catalog key. Compact specs fold several standard
# sections into one, which then stands in for each of them.
ARCHITECTURE = ("architecture", "compact-architecture")
ENDPOINT_SOURCES = ("architecture", "api", "compact-architecture", "compact-technical")
EXAMPLES = ("examples",)
PERFORMANCE = ("performance", "compact-constraints")
TESTING = ("testing", "compact-acceptance")
IMPLEMENTATION = ("implementation", "compact-technical", "compact-constraints")
SECURITY = ("security",)


# Endpoint definitions: "GET /api/v1/users", "POST https://api.x.com/v1/pay", or a table row
# "| GET | `/api/v1/users` | ... |" (backticks and bold are removed before matching).
METHODS = ("GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS")
_INLINE_ENDPOINT_RE = lazy_re(
    r"(?<![A-Za-z])(GET|POST|PUT|PATCH|DELETE|HEAD|OPTIONS)\s+(?:[a-z]+://[^/\s]+)?(/[^\s|]*)"
)
# A path token in an example line: the scheme and host are cut first, then "/a/b" up to
# whitespace, a quote, a query string or a fragment.
_HOST_RE = lazy_re(r"[A-Za-z][A-Za-z0-9+.-]*://[^/\s\"'`]+")
# An example line's path tokens and method names, as these patterns find them; read by
# ``_path_tokens`` and ``_method_names`` with str operations.
_PATH_TOKEN_RE = lazy_re(r"/[^\s\"'`)?#,;|]*")
# What ends a path in prose: whitespace or one of these (``path_end``).
PATH_STOPS = frozenset("\"'`)?#,;|")
# The ASCII characters a path may hold: all but those and whitespace.
_PATH_ASCII = bytes(range(128)).decode("ascii").translate(
    str.maketrans("", "", "\"'`)?#,;| \t\n\r\x0b\x0c\x1c\x1d\x1e\x1f"))
_METHOD_RE = lazy_re(r"(?<![A-Za-z])(GET|POST|PUT|PATCH|DELETE|HEAD|OPTIONS)(?![A-Za-z])")
# Path segments that stand for a value: {id}, :id, <id>. Read by ``is_param_segment``.
PARAM_SEGMENT_RE = lazy_re(r"^(?:\{[^/{}]*\}|:[A-Za-z_]\w*|<[^/<>]*>)$")
_NAME_START = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz_")


@lru_cache(maxsize=4096)
def is_param_segment(segment: str) -> bool:
    """Whether ``PARAM_SEGMENT_RE`` matches ``segment``: a path segment that stands for a
    value, read with ``str`` operations (a path has a handful of segments)."""
    if segment.endswith("\n"):
        segment = segment[:-1]  # "$" also matches before a last line break
    if len(segment) < 2:
        return False
    first, inner = segment[0], segment[1:-1]
    if first == "{" and segment[-1] == "}":
        return not any(char in inner for char in "/{}")
    if first == "<" and segment[-1] == ">":
        return not any(char in inner for char in "/<>")
    return (first == ":" and segment[1] in _NAME_START
            and all(is_word_char(char) for char in segment[2:]))


def _marked_at(text: str, needle: str, start: int = 0) -> int:
    """``text.find(needle, start)``, found through the needle's first character, a mark
    that prose holds a few dozen times at most ("<", "]"): a search for one character runs
    at memory speed, while one for two or more characters steps through most of a text
    that lacks them, and a spec's prose mostly lacks these."""
    mark = needle[0]
    at = text.find(mark, start)
    while at >= 0 and not text.startswith(needle, at):
        at = text.find(mark, at + 1)
    return at


def _comment_spans(text: str) -> list[tuple[int, int]]:
    spans = []
    at = _marked_at(text, "<!--")
    while at >= 0:
        end = text.find("-->", at + 4)
        stop = len(text) if end < 0 else end + 3  # an unclosed comment runs to the end
        spans.append((at, stop))
        at = _marked_at(text, "<!--", stop)
    return spans


def _url_spans(text: str) -> list[tuple[int, int]]:
    spans = []
    at = text.find("://")
    while at >= 0:
        start = at
        while start and text[start - 1] in _SCHEME_CHARS:
            start -= 1
        end = _URL_REST_RE.match(text, at + 3)
        stop = end.end() if end else at + 3
        if start < at:  # "://" with no scheme is not a URL
            spans.append((start, stop))
        at = text.find("://", stop)
    at = text.find("www.")
    while at >= 0:
        end = _URL_REST_RE.match(text, at)
        stop = end.end() if end else at + 4
        if not (at and (text[at - 1].isalnum() or text[at - 1] in "_/.")):
            spans.append((at, stop))
        at = text.find("www.", stop)
    return spans


def _email_spans(text: str) -> list[tuple[int, int]]:
    spans = []
    at = text.find("@")
    while at >= 0:
        start = at
        while start and (text[start - 1].isalnum() or text[start - 1] in _EMAIL_LOCAL_CHARS):
            start -= 1
        # An "@" with nothing before it ("@critical", "@param") is no address: the domain
        # pattern is then not tried (nor compiled).
        domain = _EMAIL_DOMAIN_RE.match(text, at + 1) if start < at else None
        if domain:
            spans.append((start, domain.end()))
            at = text.find("@", domain.end())
        else:
            at = text.find("@", at + 1)
    return spans


def _blank_spans(text: str, spans: list[tuple[int, int]]) -> str:
    """``text`` with each (start, end) span replaced by spaces, line ends kept (spans may
    overlap)."""
    pieces = []
    position = 0
    for start, end in sorted(spans):
        start = max(start, position)
        if end <= start:
            continue
        blank = text[start:end]
        blank = _NOT_NEWLINE_RE.sub(" ", blank) if "\n" in blank else " " * (end - start)
        pieces += [text[position:start], blank]
        position = end
    pieces.append(text[position:])
    return "".join(pieces)


def blank_markup(text: str) -> str:
    """``text`` with link targets, HTML comments, URLs and e-mail addresses blanked out in
    place. Every substitution keeps the length, so offsets into ``text`` stay valid."""
    if _marked_at(text, "](") >= 0:
        text = _LINK_TARGET_RE.sub(_blank, text)
    spans = _comment_spans(text)
    if "://" in text or "www." in text:
        spans += _url_spans(text)
    if "@" in text:
        spans += _email_spans(text)
    return _blank_spans(text, spans) if spans else text


_NOT_LINE_END_RE = lazy_re(r"[^\n]")


def blank_out(text: str) -> str:
    """``text`` as spaces of the same length, its "\\n" line ends kept: what is blanked
    stays out of every search while offsets and line numbers stay valid."""
    return _NOT_LINE_END_RE.sub(" ", text) if "\n" in text else " " * len(text)


def code_spans(text: str, start: int = 0, end: int | None = None) -> Iterator[tuple[int, int]]:
    r"""(start, end) of each inline code span in ``text[start:end]``, in order: "`x`",
    "``a ` b``", each within one line. What ``(`+)[^`\n].*?\1`` finds, found with
    ``str.find``: a few backticks on a line cost less to read than that pattern to compile.

    A span opens with a whole run of backticks (a shorter part of the run would be followed
    by a backtick) and something other than a line break, and closes at the next as many
    backticks on the same line; a run that does not open one is tried again from its next
    backtick, as the pattern is."""
    stop = len(text) if end is None else end
    at = text.find("`", start, stop)
    while at >= 0:
        run = at
        while run < stop and text[run] == "`":
            run += 1
        if run < stop and text[run] != "\n":
            closing = text.find(text[at:run], run + 1, stop)
            if closing >= 0 and text.find("\n", run + 1, closing) < 0:
                yield at, closing + run - at
                at = text.find("`", closing + run - at, stop)
                continue
        at = text.find("`", at + 1, stop)

def _blank(match: re.Match[str]) -> str:
    return blank_out(match.group(0))


class CodeBlock(NamedTuple):
    """One fenced code block: its language (the info string's first word, lower-cased, ""
    when none), the 0-based line of its opening fence, and its content lines (without the
    fences); content line ``i`` is document line ``first + i``."""

    lang: str
    open_line: int
    lines: tuple[str, ...]
    text: str  # the content lines joined, made once

    @property
    def first(self) -> int:
        return self.open_line + 1


def _closes_at(text: str, start: int, char: str, size: int) -> bool:
    """Whether the line of ``text`` from ``start`` (to its "\\n") closes a fence of ``size``
    ``char``s: at most 3 spaces, the characters (at least as many), then only spaces or
    tabs and at most a final "\\r" (``(?m)^ {0,3}RUN+[ \\t]*\\r?$``)."""
    end = text.find("\n", start)
    line = text[start:] if end < 0 else text[start:end]
    body = line.lstrip(" ")
    if len(line) - len(body) > 3 or not body.startswith(char * size):
        return False
    rest = body.lstrip(char)
    if rest.endswith("\r"):
        rest = rest[:-1]
    return not rest.strip(" \t")


def _next(flags: list[bool], value: bool, start: int, total: int) -> int:
    """The index of the next ``value`` in ``flags`` from ``start``, or ``total``."""
    try:
        return flags.index(value, start)
    except ValueError:
        return total


def _first_closer(text: str, char: str, size: int) -> int | None:
    """Where the first line of ``text`` that closes a fence of ``size`` ``char``s starts, or
    None: a closing fence holds the opening fence's run, so only the lines holding it are
    tried."""
    run = char * size
    at = text.find(run)
    while at >= 0:
        start = text.rfind("\n", 0, at) + 1
        if _closes_at(text, start, char, size):
            return start
        end = text.find("\n", at)
        if end < 0:
            return None
        at = text.find(run, end)
    return None


def _code_blocks(doc: Document) -> list[CodeBlock]:
    """The fenced blocks of ``doc``, from the parser's per-line fence flags (a run of fenced
    lines may hold two blocks that touch, so each run is split at its closing fences)."""
    blocks: list[CodeBlock] = []
    lines, fenced = doc.lines, doc.fenced
    index, total = 0, len(lines)
    while index < total:
        if not fenced[index]:
            index = _next(fenced, True, index, total)  # skips prose lines at C speed
            if index == total:
                break
        opener = fence_opener(lines[index].rstrip("\r\n"))
        if opener is None:  # cannot happen for a parsed document; stay safe
            index += 1
            continue
        fence = opener[0]
        char, size = fence[0], len(fence)
        info = opener[1].strip().split()
        lang = info[0].lower().strip("{}.") if info else ""
        run_end = _next(fenced, False, index, total)
        # The closing fence: the run's last line as a rule; a closer inside the run means
        # two blocks touch, found by one regex over the run's text.
        found = None
        inner = ""
        if run_end - index > 2:
            inner = "".join(lines[index + 1:run_end - 1])
            found = _first_closer(inner, char, size)
        if found is not None:
            end = index + 1 + inner.count("\n", 0, found)
        elif run_end - 1 > index and (lines[run_end - 1] in (fence + "\n", fence + "\r\n", fence)
                                      or _closes_at(lines[run_end - 1], 0, char, size)):
            end = run_end - 1  # the run's last line closes it: mostly the bare fence itself
        else:
            end = run_end  # an unclosed fence runs to the end of the document
        content = tuple(lines[index + 1:end])
        text = inner if found is None and end == run_end - 1 else "".join(content)
        blocks.append(CodeBlock(lang, index, content, text))
        index = end + 1
    return blocks


# How many distinct texts each memoised function keeps: a tree's specs are made from a few
# templates, so a few thousand cover them, and the bound keeps a worker's memory flat
# however many specs it reads.
TEXT_MEMO_SIZE = 2048
_text_memos: list[Any] = []


def per_text(function: _Fn) -> _Fn:
    """Memoise ``function``, a pure function of a piece of a spec's text (a code block, a
    line) whose lines are counted from that piece's first line: specs made from the same
    templates share most of their blocks and lines, so each distinct piece is read once per
    process. What it returns is shared by every spec holding that text and must be treated
    as read-only."""
    memo = lru_cache(maxsize=TEXT_MEMO_SIZE)(function)
    _text_memos.append(memo)
    return memo  # type: ignore[return-value]  # the lru_cache wrapper takes and gives the same


def clear_text_memos() -> None:
    """Forget every memoised result (a benchmark times reading specs from cold), the
    parser's headings included."""
    for memo in _text_memos:
        memo.cache_clear()
    clear_heading_memo()


class LineIndex:
    """The 0-based line of an offset in ``text``, for offsets asked mostly in increasing
    order: newlines are counted on from the previous answer, so reading a text front to back
    counts each newline once (an earlier offset starts the count again)."""

    __slots__ = ("_at", "_line", "text")

    def __init__(self, text: str) -> None:
        self.text = text
        self._at = 0
        self._line = 0

    def line_of(self, offset: int) -> int:
        if offset < self._at:
            self._at = self._line = 0
        self._line += self.text.count("\n", self._at, offset)
        self._at = offset
        return self._line


class Endpoint(NamedTuple):
    method: str
    path: str
    line: int  # 0-based, where it is defined

    def __str__(self) -> str:
        return f"{self.method} {self.path}"

    def matches(self, token: str) -> bool:
        """Whether ``token``, a path from an example, is this endpoint's path: a parameter
        segment accepts any one non-empty segment, a trailing slash is optional."""
        if not token.startswith("/"):
            return False
        parts = _path_parts(self.path)
        body = token[1:]
        return (_segments_match(parts, body)
                or (body.endswith("/") and _segments_match(parts, body[:-1])))


@lru_cache(maxsize=4096)
def _path_parts(path: str) -> tuple[str | None, ...]:
    """A defined path's segments, None for a parameter segment (empty ones kept: they must
    be empty in a matching token too)."""
    return tuple(None if is_param_segment(segment) else segment
                 for segment in path.strip("/").split("/"))


def _segments_match(parts: tuple[str | None, ...], body: str) -> bool:
    segments = body.split("/")
    return len(segments) == len(parts) and all(
        segment == part if part is not None else segment != ""
        for part, segment in zip(parts, segments, strict=True))


@lru_cache(maxsize=4096)
def _key_for(title: str, compact: bool) -> str | None:
    # Titles repeat across a tree of specs; normalising each once is enough.
    return catalog.key_for_title(title, compact=compact)


class Context:
    """One spec as the rules see it. Everything expensive is a cached property."""

    def __init__(self, doc: Document, *, path: str, matchers: Mapping[str, WordMatcher],
                 critical_names: tuple[str, ...] = BUILTIN_CRITICAL,
                 known_ids: frozenset[str] | None = None, index_name: str = "",
                 registry: Mapping[str, Any] | None = None, text: str | None = None) -> None:
        self.doc = doc
        if text is not None:  # the text ``doc`` was parsed from: ``raw`` without a join
            self.__dict__["raw"] = text
        self.path = path
        self.critical_names = critical_names
        self.matchers = matchers  # keyword group -> its words
        self.known_ids = known_ids  # ids in SPEC_INDEX, or None when there is no index
        self.index_name = index_name
        self.registry = registry

    # --- metadata -------------------------------------------------------------------------

    @property
    def settings(self) -> dict[str, Any] | None:
        settings = self.doc.settings
        return settings if isinstance(settings, dict) else None

    @cached_property
    def profile(self) -> str | None:
        """From the settings comment, else the ``**Profile:**`` header of a hand-written spec."""
        value = (self.settings or {}).get("profile") or self.doc.header.get("Profile")
        if not isinstance(value, str):
            return None
        value = value.strip().lower()
        return value if value in catalog.PROFILE_SECTIONS else None

    @cached_property
    def compact(self) -> bool:
        mode = (self.settings or {}).get("mode") or self.doc.header.get("Mode") or ""
        return isinstance(mode, str) and mode.strip().lower() == "compact"

    @cached_property
    def spec_id(self) -> str | None:
        value = (self.settings or {}).get("id") or self.doc.header.get("Spec ID")
        return value.strip() if isinstance(value, str) and value.strip() else None

    @cached_property
    def generated_sections(self) -> tuple[str, ...] | None:
        """The section keys the settings comment says the spec was generated with."""
        sections = (self.settings or {}).get("sections")
        if isinstance(sections, list) and all(isinstance(k, str) for k in sections):
            return tuple(sections)
        return None

    # --- sections -------------------------------------------------------------------------

    @cached_property
    def heading_at(self) -> dict[int, Heading]:
        """Each heading by its 0-based line, made when a rule first asks."""
        return {h.line: h for h in self.doc.headings}

    def heading_on(self, index: int) -> Heading | None:
        """The heading on 0-based line ``index``, or None. ``heading_at`` is asked only about
        a line that starts with "#" (after spaces), as every ATX heading does: a rule that
        asks about a few lines spares most specs the making of it."""
        if not self.doc.lines[index].lstrip(" ").startswith("#"):
            return None
        return self.heading_at.get(index)

    @cached_property
    def keys(self) -> list[str | None]:
        """The catalog key of each ``##`` section (None for a person's own section)."""
        compact = self.compact
        return [_key_for(s.title, compact) for s in self.doc.sections]

    @cached_property
    def by_key(self) -> dict[str, Section]:
        found: dict[str, Section] = {}
        for key, section in zip(self.keys, self.doc.sections, strict=True):
            if key is not None:
                found.setdefault(key, section)
        return found

    def sections_for(self, keys: Iterable[str]) -> list[Section]:
        wanted = set(keys)
        return [s for k, s in zip(self.keys, self.doc.sections, strict=True) if k in wanted]

    # --- code blocks ------------------------------------------------------------------------

    @cached_property
    def blocks(self) -> list[CodeBlock]:
        """Every fenced code block, split out once per spec and only when a rule asks."""
        return _code_blocks(self.doc)

    @cached_property
    def raw(self) -> str:
        """The document text itself, code blocks included (offsets: ``raw_line_of``)."""
        return "".join(self.doc.lines)

    @cached_property
    def _raw_offsets(self) -> list[int]:
        return list(accumulate(map(len, self.doc.lines), initial=0))

    def raw_line_of(self, offset: int) -> int:
        """The 0-based line of an offset in ``raw``."""
        return bisect_right(self._raw_offsets, offset) - 1

    def raw_lines_with(self, needles: tuple[str, ...],
                       via: tuple[str, ...] | None = None) -> list[int]:
        """The 0-based lines, in order, whose raw text (code blocks included) holds one of
        ``needles`` (case-sensitive): one ``str.find`` pass per needle, which is far cheaper
        than one regex alternation over the text. With ``via`` (parts that every needle
        holds, fewer than the needles), the passes search for those and each line found is
        then read for the needles themselves."""
        # ``raw_line_of`` written out: a spec holds a hundred hits or so, and a method call
        # for each costs more than the bisection itself.
        starts = self._raw_offsets
        found = {bisect_right(starts, at) - 1 for at in _needle_offsets(self.raw, via or needles)}
        lines = self.doc.lines
        return sorted(found if via is None else
                      {i for i in found if any(n in lines[i] for n in needles)})

    @cached_property
    def memo(self) -> dict[str, Any]:
        """Views that one rule family builds from the blocks and shares between its rules
        (parsed tables, declared interfaces): built at most once per spec."""
        return {}

    def once(self, key: str, build: Callable[[Context], _T]) -> _T:
        """``build(self)``, worked out at most once per spec under ``key`` in ``memo`` and
        shared by every rule that asks. What it returns must be treated as read-only."""
        try:
            value: _T = self.memo[key]
            return value
        except KeyError:
            value = self.memo[key] = build(self)
            return value

    # --- prose ----------------------------------------------------------------------------

    @cached_property
    def _prose_and_offsets(self) -> tuple[str, list[int]]:
        # The lines with each run of fenced lines replaced by as many empty lines: a copy of
        # the list whose runs (list.index finds them at C speed) are replaced as slices,
        # then joined once. Cutting the raw text instead needs every line's offset in it.
        lines, fenced = self.doc.lines, self.doc.fenced
        total = len(fenced)
        opened = _next(fenced, True, 0, total)
        kept = lines if opened == total else lines[:]
        while opened < total:
            index = _next(fenced, False, opened, total)
            kept[opened:index] = ["\n"] * (index - opened)
            opened = _next(fenced, True, index, total)
        offsets = list(accumulate(map(len, kept), initial=0))
        return blank_markup(self.raw if kept is lines else "".join(kept)), offsets

    @property
    def prose(self) -> str:
        return self._prose_and_offsets[0]

    @property
    def offsets(self) -> list[int]:
        """Offset in ``prose`` of each line's start, plus the end."""
        return self._prose_and_offsets[1]

    def line_of(self, offset: int) -> int:
        return bisect_right(self.offsets, offset) - 1

    def span(self, section: Section, *, body: bool = False) -> tuple[int, int]:
        start = section.body_start if body else section.start
        return self.offsets[start], self.offsets[section.end]

    @cached_property
    def _lowered(self) -> bytes | None:
        """``prose`` as lower-cased UTF-8, when its lines are exactly its "\\n"-ended pieces
        (a byte offset then maps to a line by counting newlines); None otherwise."""
        if not self._newline_pieces:
            return None
        return self.prose.encode("utf-8").lower()

    @cached_property
    def _newline_pieces(self) -> bool:
        """Whether the lines of ``prose`` are exactly its "\\n"-ended pieces: its "\\n"s are
        as many as the lines that end with one. Without a line break other than "\\n" in
        the text (each such one is found at memory speed) only the last line can lack its
        "\\n", and prose gives it one when it is fenced; otherwise they are counted."""
        lines = self.doc.lines
        if not lines:
            return False
        raw = self.raw
        if "\r" in raw or any(brk in raw for brk in _OTHER_BREAKS):
            return self.prose.count("\n") == len(lines) - (not lines[-1].endswith("\n"))
        return lines[-1].endswith("\n") or not self.doc.fenced[-1]

    @cached_property
    def _folded(self) -> bytes | None:
        """``_lowered`` when searching it for ASCII words finds exactly the lines that
        searching ``prose.lower()`` finds: only U+0130 and U+212A lower-case to ASCII (and
        U+0130 to two characters), so a text holding either is searched as ``str``."""
        prose = self.prose
        if "\u0130" in prose or "\u212a" in prose:
            return None
        return self._lowered

    @cached_property
    def _lowered_prose(self) -> str:
        return self.prose.lower()

    def lines_with(self, words: tuple[str, ...]) -> list[int]:
        """The 0-based lines, in order, whose lower-cased prose holds one of ``words``
        (lower-case words). Searched in the UTF-8 bytes where that is exact, which is several
        times faster than ``str.find`` over a text with non-Latin characters; asked once per
        spec for each tuple of words."""
        return list(self.once("lines_with:" + "\x00".join(words),
                              lambda ctx: ctx._lines_with(words)))

    def _lines_with(self, words: tuple[str, ...]) -> list[int]:
        data = self._folded
        if data is not None:
            return _byte_lines(data, words)
        found: set[int] = set()
        lowered = self._lowered_prose
        if len(lowered) != len(self.prose):
            # A dotted capital I lower-cases to two characters, so offsets in ``lowered``
            # no longer map to lines: each line is lower-cased and searched on its own.
            prose, offsets = self.prose, self.offsets
            return [index for index in range(len(offsets) - 1)
                    if any(word in prose[offsets[index]:offsets[index + 1]].lower()
                           for word in words)]
        for word in words:
            at = lowered.find(word)
            while at >= 0:
                found.add(self.line_of(at))
                at = lowered.find(word, at + 1)
        return sorted(found)

    def lines_with_via(self, words: tuple[str, ...], needles: tuple[str, ...]) -> list[int]:
        """``lines_with(words)``, found by searching for ``needles`` instead (each word holds
        one of them, so there are fewer passes over the text) and then reading each line
        found for the words themselves, in the same lower-cased UTF-8 form."""
        if self._folded is None:
            return self.lines_with(words)
        prose, offsets = self.prose, self.offsets
        encoded = [w.encode("utf-8") for w in words]
        found = []
        for index in self.lines_with(needles):
            line = prose[offsets[index]:offsets[index + 1]].encode("utf-8").lower()
            if any(w in line for w in encoded):
                found.append(index)
        return found

    def first_mention(self, group: str,
                      sections: Iterable[Section] | None = None) -> tuple[str, int] | None:
        """The first word of keyword ``group`` in the prose (of ``sections``, or the whole
        document) as (word, 0-based line), or None."""
        matcher = self.matchers.get(group)
        if matcher is None or not matcher.words:
            return None
        data = self._lowered
        if data is None or matcher.needs_regex:
            return self._first_by_regex(matcher, sections)
        if sections is None:
            found = matcher.first(data)
            return None if found is None else (found[1], data.count(b"\n", 0, found[0]))
        prose = self.prose
        for section in sections:
            start, end = self.span(section)
            chunk = prose[start:end].encode("utf-8").lower()
            found = matcher.first(chunk)
            if found is not None:
                return found[1], section.start + chunk.count(b"\n", 0, found[0])
        return None

    def mention_on(self, group: str, line: int) -> tuple[str, int] | None:
        """The first word of keyword ``group`` on 0-based ``line`` as the text writes it,
        with its column: what the group's regex finds first from the line's start, found
        by the fast search. None when only the regex can say (a text the fast search does
        not read exactly, a group with cased non-Latin words) or the line holds none."""
        matcher = self.matchers.get(group)
        if matcher is None or matcher.needs_regex or self._folded is None:
            return None
        text = self.prose[self.offsets[line]:self.offsets[line + 1]]
        data = text.encode("utf-8").lower()
        found = matcher.first(data)
        if found is None:
            return None
        column = len(data[:found[0]].decode("utf-8"))
        return text[column:column + len(found[1])], column

    def word_lines(self, matcher: WordMatcher, section: Section) -> list[int] | None:
        """The 0-based lines of ``section``, in order, where a word of ``matcher`` starts, as
        ``word_pattern(matcher.words).finditer`` over the section's span finds them; found by
        the fast search, so that the group's pattern need not be compiled. None when only
        the pattern can say: a group with cased non-Latin words, lines that are not
        "\\n"-ended pieces, or a text holding a letter IGNORECASE takes for an ASCII one
        (İ, ı, ſ, the Kelvin sign), which the bytes' lower case does not."""
        prose = self.prose
        if (matcher.needs_regex or self._folded is None
                or "\u0131" in prose or "\u017f" in prose):
            return None
        start, end = self.span(section)
        chunk = prose[start:end].encode("utf-8").lower()
        lines: list[int] = []
        line, at = section.start, 0
        while (found := matcher.first(chunk, at)) is not None:
            line += chunk.count(b"\n", at, found[0])
            lines.append(line)
            # The rest of this line cannot add a line: go on from the next one.
            at = chunk.find(b"\n", found[0]) + 1
            if not at:
                break
            line += 1
        return lines

    def _first_by_regex(self, matcher: WordMatcher,
                        sections: Iterable[Section] | None) -> tuple[str, int] | None:
        pattern = matcher.pattern or word_pattern(matcher.words)
        if pattern is None:
            return None
        spans = [(0, len(self.prose))] if sections is None else [self.span(s) for s in sections]
        for start, end in spans:
            match = pattern.search(self.prose, start, end)
            if match:
                return match.group(0).lower(), self.line_of(match.start())
        return None

    def search(self, pattern: re.Pattern[str], sections: Iterable[Section]) -> bool:
        prose = self.prose
        return any(pattern.search(prose, *self.span(s)) for s in sections)

    # --- endpoints ------------------------------------------------------------------------

    def endpoints_in(self, sections: Iterable[Section]) -> list[Endpoint]:
        """``METHOD /path`` pairs on the non-fenced lines of ``sections``, first definition
        of each kept. Placeholder paths (``/api/v1/...``) are not endpoints."""
        sections = list(sections)
        return list(self.once("endpoints:" + ",".join(str(s.start) for s in sections),
                              lambda ctx: ctx._endpoints_in(sections)))

    def _endpoints_in(self, sections: list[Section]) -> list[Endpoint]:
        found: dict[tuple[str, str], Endpoint] = {}
        lines, prose = self.doc.lines, self.prose
        for section in sections:
            # Candidate lines from the prose (fences and comments already blanked), then
            # the raw line, whose URLs are still intact.
            start, end = self.span(section, body=True)
            offsets = self.offsets  # ``line_of`` written out, as in ``raw_lines_with``
            candidates = sorted({bisect_right(offsets, at) - 1
                                 for at in _find_methods(prose, start, end)})
            for index in candidates:
                for method, path in _defined_on(lines[index]):
                    if (method, path) not in found:
                        found[method, path] = Endpoint(method, path, index)
        return list(found.values())

    def example_paths(self, sections: Iterable[Section]) -> dict[str, list[str]]:
        """Method -> path tokens that appear with it on one line of ``sections``, fenced
        code included (examples are mostly code)."""
        pairs: dict[str, list[str]] = {}
        for section in sections:
            text = self.doc.text(section.body_start, section.end)
            seen: set[int] = set()
            for at in _find_methods(text, 0, len(text)):
                line_start = text.rfind("\n", 0, at) + 1
                if line_start in seen:
                    continue
                seen.add(line_start)
                line_end = text.find("\n", at)
                for method, tokens in _example_line(
                        text[line_start:len(text) if line_end < 0 else line_end]):
                    pairs.setdefault(method, []).extend(tokens)
        return pairs

    # --- early exits ----------------------------------------------------------------------

    def holds(self, words: tuple[str, ...]) -> bool:
        """Whether the lower-cased prose holds one of ``words`` (lower-case): what
        ``bool(lines_with(words))`` says, found by one search per word that stops at the
        first match and counts no lines, so that a rule can skip a check whose trigger words
        are absent (or whose blocking word is present) for the price of a partial pass."""
        data = self._folded
        if data is None:
            return bool(self.lines_with(words))
        return any(word.encode("utf-8") in data for word in words)


@per_text
def _example_line(raw: str) -> tuple[tuple[str, tuple[str, ...]], ...]:
    """(method, path tokens of the line) for each method name on one line of an example."""
    line = _HOST_RE.sub("", raw) if "://" in raw else raw
    tokens = _path_tokens(line)
    return tuple((method, tokens) for method in _method_names(raw))


def _path_tokens(line: str) -> tuple[str, ...]:
    """``_PATH_TOKEN_RE.findall(line)``: each "/" and what follows it up to a space or one
    of the characters that end a path in prose (a quote, ")", "?", "#", ",", ";", "|")."""
    tokens = []
    at = line.find("/")
    while at >= 0:
        end = path_end(line, at + 1)
        tokens.append(line[at:end])
        at = line.find("/", end)
    return tuple(tokens)


def _in_path(char: str) -> bool:
    return not (char in PATH_STOPS or char.isspace())


def path_end(text: str, at: int) -> int:
    """Where the path that runs on from ``at`` ends: at whitespace or one of ``PATH_STOPS``
    (or the text's end)."""
    return run_end(text, at, _PATH_ASCII, _in_path)


def _method_names(line: str) -> list[str]:
    """``_METHOD_RE.findall(line)``: the HTTP method names on ``line``, in order, each
    neither after nor before an ASCII letter."""
    found = []
    for method in METHODS:
        at = line.find(method)
        while at >= 0:
            after = at + len(method)
            if line[at - 1:at] not in ASCII_LETTERS and line[after:after + 1] not in ASCII_LETTERS:
                found.append((at, method))
            at = line.find(method, at + 1)
    return [method for _, method in sorted(found)]


def _needle_offsets(text: str, needles: tuple[str, ...]) -> Iterator[int]:
    """Every offset in ``text`` where one of ``needles`` starts (an offset where two start
    comes twice). What one pass of ``str.find`` costs depends on the needle: a search for
    one character runs at memory speed, while a short needle, or one that ends in a space,
    is tried at almost every position. So needles that start with a punctuation mark are
    found through that one character (one pass for all needles that share it: "](" and
    "]: " through "]"), and a needle that ends in spaces through the needle without them
    ("GET" rather than "GET "), each candidate then checked for the whole needle."""
    by_mark: dict[str, list[str]] = {}
    for needle in needles:
        lead = needle[:1]
        if lead and not lead.isalnum() and not lead.isspace():
            by_mark.setdefault(lead, []).append(needle)
            continue
        core = needle.rstrip(" ") or needle
        exact = core == needle
        at = text.find(core)
        while at >= 0:
            if exact or text.startswith(needle, at):
                yield at
            at = text.find(core, at + 1)
    for mark, group in by_mark.items():
        at = text.find(mark)
        while at >= 0:
            for needle in group:
                if text.startswith(needle, at):
                    yield at
            at = text.find(mark, at + 1)


def _byte_lines(data: bytes, needles: tuple[str, ...]) -> list[int]:
    """The lines (in order) of ``data`` that hold one of ``needles``, where every line of
    ``data`` ends with exactly one "\\n": a byte offset's line is the count of newlines
    before it, counted forward from the previous hit so the whole text is read once."""
    hits: set[int] = set()
    for word in needles:
        needle = word.encode("utf-8")
        if not word.isascii() and not has_lead_byte(data, needle):
            continue
        at = data.find(needle)
        while at >= 0:
            hits.add(at)
            at = data.find(needle, at + 1)
    lines: list[int] = []
    line = previous = 0
    for at in sorted(hits):
        line += data.count(b"\n", previous, at)
        previous = at
        if not lines or lines[-1] != line:
            lines.append(line)
    return lines


def _find_methods(text: str, start: int, end: int) -> Iterator[int]:
    """Offsets of HTTP method names (as whole words) in ``text[start:end]``; ``str.find`` per
    method is many times faster than one regex alternation over a long text."""
    for method in METHODS:
        at = text.find(method, start, end)
        while at >= 0:
            after = at + len(method)
            if not (at and text[at - 1].isalpha()) and not (after < len(text)
                                                             and text[after].isalpha()):
                yield at
            at = text.find(method, after, end)


@per_text
def _defined_on(raw: str) -> tuple[tuple[str, str], ...]:
    """(method, path) of each endpoint one line defines; placeholder paths
    (``/api/v1/...``) are not endpoints."""
    found = []
    for method, path in _endpoints_on(raw.replace("`", "").replace("*", "")):
        if "..." in path or "…" in path:
            continue
        path = path.rstrip(".,;:)")
        if len(path) >= 2:
            found.append((method, path))
    return tuple(found)


def _endpoints_on(line: str) -> Iterable[tuple[str, str]]:
    if line.lstrip().startswith("|"):
        cells = [cell.strip() for cell in line.strip().strip("|").split("|")]
        for position, cell in enumerate(cells[:-1]):
            if cell in METHODS:
                following = cells[position + 1]
                following = _HOST_RE.sub("", following) if "://" in following else following
                if following.startswith("/"):
                    yield cell, following.split()[0].split("?")[0]
                return
    for match in _INLINE_ENDPOINT_RE.finditer(line):
        yield match.group(1), match.group(2).split("?")[0].split("#")[0]
