"""Small helpers that turn lists into English prose, shared by the section templates (as the
``oxford`` filter) and by the Python that writes spec text, so both say a list the same way;
and the readers that cut names and descriptions into words.

The word readers do with ``str`` operations what a one-line pattern says (each docstring
names it, and tests/unit/test_word_readers.py holds each reader to its pattern): a run
compiles each pattern it uses once, which cost it more than all its uses on a name or a
description of a few hundred characters.

It imports nothing of smartspec and costs nothing to load, so any stage may use it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any


# Words whose first letter misleads: "a user", "a unique key", "an hour".
_A_BEFORE_VOWEL = ("user", "usage", "unit", "uni", "euro", "one", "url", "uuid", "use")
_AN_BEFORE_CONSONANT = ("hour", "honest", "mqtt", "hl7", "fhir", "sms", "rsa", "x.509", "iot")


def article(word: str) -> str:
    """"a" or "an" as the word is spoken, not as it is spelled."""
    lowered = word.lower()
    if lowered.startswith(_A_BEFORE_VOWEL):
        return "a"
    if lowered.startswith(_AN_BEFORE_CONSONANT):
        return "an"
    return "an" if lowered[:1] in "aeiou" else "a"


def oxford(items: Iterable[Any], word: str = "and") -> str:
    """``items`` as one phrase: "a", "a and b", "a, b, and c" (the serial comma from three on).

    ``word`` is the conjunction ("or" for alternatives). Each item is shown with ``str``, as
    a template would print it.
    """
    names = [str(item) for item in items]
    if len(names) <= 2:
        return f" {word} ".join(names)
    return ", ".join(names[:-1]) + f", {word} " + names[-1]


# The ASCII letters and digits, spelled once for every reader that stands in for a pattern's
# ``[A-Z]``, ``[a-z0-9]`` and the like (membership in a frozenset, where an empty slice of
# text is never a member).
ASCII_UPPER = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZ")
ASCII_LOWER = frozenset("abcdefghijklmnopqrstuvwxyz")
ASCII_DIGITS = frozenset("0123456789")
ASCII_LETTERS = ASCII_UPPER | ASCII_LOWER
ASCII_ALNUM = ASCII_LETTERS | ASCII_DIGITS
_ASCII_LOWER_OR_DIGIT = ASCII_LOWER | ASCII_DIGITS


def ascii_words(text: str) -> list[str]:
    """The runs of ASCII letters and digits in ``text``, in order: the non-empty parts of
    ``re.split(r"[^A-Za-z0-9]+", text)``."""
    # Every other character becomes a space, and str.split cuts at runs of spaces.
    return "".join([char if char in ASCII_ALNUM else " " for char in text]).split()


def camel_break(name: str, separator: str) -> str:
    """``name`` with ``separator`` wherever an ASCII capital follows a lower-case ASCII letter
    or a digit (``re.sub(r"(?<=[a-z0-9])(?=[A-Z])", separator, name)``):
    markInProgress -> mark_In_Progress."""
    out: list[str] = []
    after_lower = False
    for char in name:
        if after_lower and char in ASCII_UPPER:
            out.append(separator)
        out.append(char)
        after_lower = char in _ASCII_LOWER_OR_DIGIT
    return "".join(out)


def _runs(text: str, inside: Callable[[str], bool]) -> list[tuple[int, str]]:
    """(offset, run) for each run of characters ``inside`` accepts: what ``re.finditer``
    gives for a character class followed by ``+``."""
    found: list[tuple[int, str]] = []
    start = -1
    for index, char in enumerate(text):
        if inside(char):
            if start < 0:
                start = index
        elif start >= 0:
            found.append((start, text[start:index]))
            start = -1
    if start >= 0:
        found.append((start, text[start:]))
    return found


def word_runs(text: str, also: str) -> list[tuple[int, str]]:
    """Runs of word characters (letters, digits and "_" of any script, what ``\\w`` means)
    and of the characters in ``also``: ``re.finditer`` of ``[\\w<also>]+``."""
    return _runs(text, lambda char: char.isalnum() or char == "_" or char in also)


def ascii_letter_runs(text: str) -> list[tuple[int, str]]:
    """Runs of ASCII letters: ``re.finditer`` of ``[A-Za-z]+``."""
    return _runs(text, ASCII_LETTERS.__contains__)
