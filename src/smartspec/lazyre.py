"""Regular expressions compiled on first use, not at import.

The rule modules and the description scanner keep their patterns as module constants (one
place to read each accepted variant), but compiling ~200 of them at import costs every run
tens of milliseconds, also the runs that use only a few. ``lazy_re`` returns an object that
behaves as the compiled pattern: the first attribute asked of it compiles the pattern once
and stores the pattern's bound methods on the object, so later calls go straight to the
compiled pattern's own methods, at the speed of a plain instance attribute.

Compiling is still the larger part of what many patterns cost a run (a spec's few lines are
searched in microseconds, a pattern of a dozen words takes a few hundred to compile), so the
helpers below let a caller avoid it where plain ``str`` searches give the same answer:
``may_hold`` is a certain "no match" before a case-insensitive pattern, and ``holds_words`` /
``search_words`` answer for a case-insensitive alternation of words outright. Each is exact
except for the four letters IGNORECASE takes for ASCII ones, where the pattern is asked.
"""

from __future__ import annotations

import re
from collections.abc import Callable

# The attributes a compiled pattern offers; copied onto the stand-in when it compiles.
# ``pattern`` is not among them: the source is known before compiling, and a module that derives
# one pattern from another's source (the same text with other flags) need not compile the first.
_ATTRIBUTES = ("search", "match", "fullmatch", "finditer", "findall", "sub", "subn", "split",
               "scanner", "flags", "groups", "groupindex")


class _LazyPattern:
    """A pattern's source and flags until first use; then the pattern's own bound methods."""

    def __init__(self, source: str, flags: int) -> None:
        self.pattern = source
        self._flags = flags

    def __getattr__(self, name: str) -> object:
        # Only reached for an attribute not yet on the object, that is before the first
        # compile (or for a name a pattern does not have, which raises as a pattern would).
        compiled = re.compile(self.pattern, self._flags)
        for attribute in _ATTRIBUTES:
            setattr(self, attribute, getattr(compiled, attribute))
        return getattr(compiled, name)

    def __repr__(self) -> str:
        return f"lazy_re({self.pattern!r}, {self._flags!r})"


# The only characters outside ASCII that a case-insensitive pattern takes for an ASCII letter
# (İ and ı for i, ſ for s, the Kelvin sign for k), and the only ones whose lower case holds an
# ASCII letter. A text without them matches an ASCII word case-insensitively exactly where
# its lower case holds the word.
FOLDS_TO_ASCII = ("\u0130", "\u0131", "\u017f", "\u212a")


def has_ascii_folds(text: str) -> bool:
    """Whether ``text`` holds one of ``FOLDS_TO_ASCII``: then a case-insensitive pattern may
    match where the lower-cased text does not hold its words, and only the pattern can say."""
    return not text.isascii() and any(char in text for char in FOLDS_TO_ASCII)


def may_hold(text: str, needles: tuple[str, ...]) -> bool:
    """Whether ``text`` may hold a match of a case-insensitive pattern each match of which
    contains one of ``needles`` (lower-case ASCII): a cheap test to run before a pattern whose
    compiling costs more than the search, so that text without the words never compiles it.

    False is certain (no match); True means "search with the pattern". A text holding one of
    the four characters that fold to ASCII letters is always searched.
    """
    lowered = text.lower()
    if any(needle in lowered for needle in needles):
        return True
    return not text.isascii() and any(char in text for char in FOLDS_TO_ASCII)


def is_word_char(char: str) -> bool:
    """Whether ``char`` is what ``\\w`` matches in a ``str`` pattern (a letter, digit or "_"
    of any script): the test behind a ``\\b`` read without the pattern."""
    return char.isalnum() or char == "_"


# The characters of ``\w`` that are ASCII: ``str.strip`` removes a run of them in C, so a
# word is measured without stepping through it in Python (``word_start``, ``word_end``).
_ASCII_WORD_CHARS = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_"
# How much of the text each strip reads at a time: longer than nearly every word, short
# enough that slicing it costs nothing.
_WORD_WINDOW = 32


def word_start(text: str, end: int) -> int:
    """Where the run of word characters (``is_word_char``) that ends at ``end`` starts.
    ASCII ones are stripped from a window in C; only a word character beyond ASCII (or a
    word longer than the window) takes another step."""
    start = end
    while start:
        # A conditional, not max(): a builtin call costs more than the strip itself here.
        low = start - _WORD_WINDOW if start > _WORD_WINDOW else 0
        kept = text[low:start].rstrip(_ASCII_WORD_CHARS)
        start = low + len(kept)
        if kept:
            if not is_word_char(kept[-1]):
                return start
            start -= 1  # a letter or digit of another script: part of the word
    return start


def word_end(text: str, at: int) -> int:
    """Where the run of word characters (``is_word_char``) that starts at ``at`` ends; read
    as ``word_start`` reads one backwards."""
    return run_end(text, at, _ASCII_WORD_CHARS, is_word_char)


def run_end(text: str, at: int, kept: str, keeps: Callable[[str], bool]) -> int:
    """Where the run of characters that ``keeps`` accepts, starting at ``at``, ends.
    ``kept`` holds exactly the ASCII characters it accepts: they are stripped from a window
    in C, and ``keeps`` is asked only of a character beyond ASCII."""
    end = at
    size = len(text)
    while end < size:
        high = end + _WORD_WINDOW if end + _WORD_WINDOW < size else size
        rest = text[end:high].lstrip(kept)
        end = high - len(rest)
        if rest:
            if not keeps(rest[0]):
                return end
            end += 1
    return end


def skip_space(text: str, at: int) -> int:
    """The offset after the whitespace (what ``\\s*`` matches) that starts at ``at``."""
    while at < len(text) and text[at].isspace():
        at += 1
    return at


def space_before(text: str, at: int) -> int:
    """The offset where the whitespace that ends at ``at`` starts (``at`` when none does)."""
    while at and text[at - 1].isspace():
        at -= 1
    return at


def holds_words(text: str, loose: tuple[str, ...], whole: tuple[str, ...] = ()) -> bool | None:
    """Whether a case-insensitive pattern that is an alternation of ``loose`` words (found
    anywhere) and ``whole`` words (between ``\\b``, each starting and ending with a letter
    or digit) matches in ``text``, answered with ``str`` searches instead of compiling it.
    Words are lower-case ASCII or of a script without case (Thai). None when ``text`` holds
    a letter IGNORECASE takes for an ASCII one: then only the pattern can say."""
    if not text.isascii() and any(char in text for char in FOLDS_TO_ASCII):
        return None
    lowered = text.lower()  # as long as ``text`` without İ, so offsets agree
    if any(word in lowered for word in loose):
        return True
    size = len(text)
    for word in whole:
        at = lowered.find(word)
        while at >= 0:
            end = at + len(word)
            if ((not at or not is_word_char(text[at - 1]))
                    and (end == size or not is_word_char(text[end]))):
                return True
            at = lowered.find(word, at + 1)
    return False


def search_words(pattern: re.Pattern[str], text: str, loose: tuple[str, ...],
                 whole: tuple[str, ...] = ()) -> bool:
    """``pattern.search(text) is not None`` for a pattern ``holds_words(loose, whole)``
    describes: the pattern is compiled and asked only where the words cannot say."""
    found = holds_words(text, loose, whole)
    return pattern.search(text) is not None if found is None else found


def lazy_re(source: str, flags: int = 0) -> re.Pattern[str]:
    """``re.compile(source, flags)``, done when the pattern is first used.

    Typed as the compiled pattern, which it behaves as for every use smartspec makes of one
    (methods and ``.pattern``); it is not one for ``isinstance`` or for ``re.sub(pattern, …)``,
    so those take a pattern's ``.pattern`` string instead.
    """
    pattern: re.Pattern[str] = _LazyPattern(source, flags)  # type: ignore[assignment]
    return pattern
