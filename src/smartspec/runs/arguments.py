"""The reference's ``$ARGUMENTS`` form: free text and flags in one string ("Create SPEC for
payment system --profile=financial"), read into the command it means and that command's
words. A path to an existing ``.md`` file first means EDIT; anything else means NEW, with a
name taken from the text. Pure: it reads nothing but whether that file exists."""

from __future__ import annotations

import os
import re
from collections.abc import Callable
from dataclasses import dataclass

from smartspec.errors import UsageError
from smartspec.lazyre import lazy_re

# Flags of the $ARGUMENTS form that take a value (all others are switches).
VALUE_FLAGS = frozenset({
    "--profile", "--mode", "--security", "--di", "--performance", "--domain", "--force-update",
    "--output-dir", "--specindex", "--category", "--id", "--title", "--depends-on",
    "--specs-dir", "--lang",
})


# A flag inside free text: --name, --name=value, --name="quoted value".
FLAG_RE = lazy_re(r"""(?<!\S)(--[a-z][a-z-]*)(?:=("[^"]*"|'[^']*'|\S+))?""")


# "Create SPEC for ...", "Create a spec for ...", "สร้าง SPEC สำหรับ ..."
CREATE_PREFIX_RE = lazy_re(
    r"^\s*(?:create|generate|write|new)\s+(?:a\s+|an\s+)?spec(?:ification)?\s+(?:for|of|about)\s+"
    r"|^\s*สร้าง\s*spec\s*(?:สำหรับ)?\s*",
    re.IGNORECASE,
)


# Where the title ends inside the free text: punctuation or a connecting word.
TITLE_END_RE = lazy_re(
    r"[.,;:(]|\s(?:with|using|that|which|for|on|in|via|backed)\s|\s[-–]\s", re.IGNORECASE
)


def split_arguments(words: tuple[str, ...]) -> tuple[str, list[str]]:
    """Free text and flags from the $ARGUMENTS words: flags may stand anywhere in the text."""
    text = " ".join(words)
    flags: list[str] = []
    pieces: list[str] = []
    position = 0
    matches = list(FLAG_RE.finditer(text))
    skip_until = -1
    for match in matches:
        if match.start() < skip_until:
            continue
        pieces.append(text[position:match.start()])
        flag, value = match.group(1), match.group(2)
        position = match.end()
        if value is not None:
            flags.append(f"{flag}={value.strip(chr(34) + chr(39))}")
        elif flag in VALUE_FLAGS:
            rest = re.match(r"""\s+("[^"]*"|'[^']*'|\S+)""", text[position:])
            if rest is None:
                raise UsageError(f"{flag} needs a value")
            flags.extend([flag, rest.group(1).strip(chr(34) + chr(39))])
            position += rest.end()
            skip_until = position
        else:
            flags.append(flag)
    pieces.append(text[position:])
    free = _unquote(" ".join(" ".join(pieces).split()))
    return free, flags


def _unquote(free: str) -> str:
    """The free text without one pair of outer quotes: SmartSpec's documentation writes
    ``generate '"Build a credit purchase system" --profile=financial'``, where the double quotes
    only group the words; they are not part of the title."""
    if len(free) >= 2 and free[0] in "\"'" and free[-1] == free[0] and free[0] not in free[1:-1]:
        return free[1:-1].strip()
    return free


def title_from_request(free: str) -> tuple[str, str]:
    """(name, description) from "Create SPEC for payment system with Stripe"."""
    body = CREATE_PREFIX_RE.sub("", free, count=1).strip()
    if not body:
        raise UsageError(
            "generate: no spec name in the text; expected e.g. "
            "'Create SPEC for payment system --profile=financial'"
        )
    head = TITLE_END_RE.split(body, maxsplit=1)[0].strip()
    words = head.split()[:6] or body.split()[:6]
    return " ".join(words), body


@dataclass(frozen=True, slots=True)
class Routed:
    """The command the words mean (``new`` or ``edit``) and the words to give it."""

    command: str
    args: list[str]


def route(words: tuple[str, ...], is_file: Callable[[str], bool] = os.path.isfile) -> Routed:
    """Which command ``words`` ask for, and its arguments: ``edit SPEC.md [REST] FLAGS`` when
    the text starts with an existing ``.md`` file, else ``new NAME DESCRIPTION FLAGS``."""
    free, flags = split_arguments(words)
    first = free.split(" ", 1)[0] if free else ""
    if first.endswith(".md") and is_file(first):
        rest = free[len(first):].strip()
        return Routed("edit", [first, *([rest] if rest else []), *flags])
    if first.endswith(".md"):
        raise UsageError(f"generate: {first!r} does not exist; EDIT needs an existing spec file")
    name, description = title_from_request(free)
    return Routed("new", [name, description, *flags])
