"""Every shape of spec id smartspec reads or writes, in one place (design.md §4: spec ids are
``spec-NNN-<slug>`` for the feature category and ``spec-<category>-NNN-<slug>`` otherwise;
NNN is three or more digits and the slug is lower-case kebab, 2 to 64 characters).

Each pattern has one job; they differ on purpose, and the comment above each says how.
Each is compiled when first used (``lazy_re``): a command uses one or two of them."""

from __future__ import annotations

import re

from smartspec.lazyre import lazy_re
from smartspec.prose import ASCII_DIGITS, ASCII_LOWER

# A whole id as the index records it (spec-004-payment-processing, spec-core-001-auth), with
# its category, number and slug as groups.
ID_RE = lazy_re(
    r"^spec-(?:(?P<category>[a-z][a-z0-9]*(?:-[a-z][a-z0-9]*)*)-)?(?P<number>\d{3,})"
    r"-(?P<slug>[a-z0-9][a-z0-9-]{1,63})$"
)
# An id a person gives (``--spec-id``, a dependency, a spec folder's name) or smartspec reads
# back to number and display: spec-004-payment-processing, spec-core-001-authentication, or
# the short form spec-004. Unlike ID_RE the slug may be left off, and the category is one word
# (spec-core-001-auth has category "core"), as ``new`` writes categories.
GIVEN_ID_RE = lazy_re(
    r"^spec-(?:(?P<category>[a-z][a-z0-9]*)-)?(?P<number>\d{3,})(?:-(?P<slug>[a-z0-9][a-z0-9-]{1,63}))?$"
)
# An id a description mentions, found anywhere in its words: spec-004, spec-core-004,
# spec-004-payments, spec-core-004-auth. Exactly three digits, a letters-only category, and
# word boundaries (not MENTION_RE's stricter ones), as the description detector always read it.
DESCRIPTION_ID_RE = lazy_re(r"\bspec-(?:[a-z]+-)?\d{3}(?:-[a-z0-9][a-z0-9-]*[a-z0-9])?\b")
# Looser: just enough of an id to guess its category (for specs not in the index).
ID_CATEGORY_RE = lazy_re(r"^spec-(?:(?P<category>[a-z][a-z0-9-]*?)-)?\d+(?:-|$)")
# What ``index --check`` accepts as an id unless the config's ``index.idPattern`` says
# otherwise: the shapes people and SmartSpec write, upper or lower case, with any prefix and
# letter suffixes (spec-004-payments, WF-SCRIPTS-001, SPEC-001-PROJECT-OVERVIEW, 004-desktop-app,
# spec-108a-data-access-layer): letters and digits in runs joined by single dashes or dots.
DEFAULT_ID_PATTERN = r"^[A-Za-z0-9]+(?:[-.][A-Za-z0-9]+)*$"
# An id a spec smartspec did not write may state for itself (adopt keeps it as it is).
ADOPTED_ID_RE = lazy_re(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$")
# An id mentioned in a spec's header or prose, as the related-specs rule resolves it:
# spec-004-payment-processing, spec-core-001-auth, or the short form spec-004.
MENTION_RE = lazy_re(
    r"(?<![\w-])spec-(?:[a-z][a-z0-9]*-)?\d{3,}(?:-[a-z0-9][a-z0-9-]*[a-z0-9])?(?![\w-])")
# Any spec-like word on a line of a spec, as plan.md and tasks.md list dependencies: no
# number required, so an id of any project's convention is carried over.
ANY_MENTION_RE = lazy_re(r"\bspec-[a-z0-9][a-z0-9-]*[a-z0-9]\b")
# "SPEC-004: Payment Processing" -> "Payment Processing" (the H1 of a spec).
TITLE_PREFIX_RE = lazy_re(r"^SPEC-[^:\s]*\s*:\s*(?P<title>.+)$", re.IGNORECASE)


# What a slug and a category look like, and the parts of a given id. ``is_slug``,
# ``is_category`` and ``spec_id_parts`` read them with str operations: every plan checks its
# slug and category and names its id, and compiling the patterns cost a run more than the
# checks themselves. SLUG_RE, CATEGORY_RE and GIVEN_ID_RE stay as their definition; tests hold
# the readers to them.
SLUG_RE = lazy_re(r"^[a-z0-9][a-z0-9-]{1,63}$")
CATEGORY_RE = lazy_re(r"^[a-z][a-z0-9-]{0,31}$")
_LETTERS_OR_DIGITS = ASCII_LOWER | ASCII_DIGITS
# The same characters as one string, for ``str.strip``: what it leaves of a text is empty
# exactly when every character is one of these (a loop in C, not one in Python).
_SLUG_TEXT = "abcdefghijklmnopqrstuvwxyz0123456789-"


def _is_word(text: str, first: frozenset[str], fewest: int, most: int) -> bool:
    """Whether ``text`` is ``fewest`` to ``most`` lower-case ASCII letters, digits or dashes,
    the first one of ``first``; as the patterns' ``$`` allows, a line feed may end it."""
    body = text[:-1] if text.endswith("\n") else text
    return (fewest <= len(body) <= most and body[0] in first
            and not body.strip(_SLUG_TEXT))


def is_slug(text: str) -> bool:
    """``SLUG_RE.match(text)``: 2-64 lower-case letters, digits or dashes, not a dash first."""
    return _is_word(text, _LETTERS_OR_DIGITS, 2, 64)


def is_category(text: str) -> bool:
    """``CATEGORY_RE.match(text)``: 1-32 lower-case letters, digits or dashes, a letter first."""
    return _is_word(text, ASCII_LOWER, 1, 32)


def spec_id_parts(text: str) -> tuple[str | None, str, str | None] | None:
    """(category, number, slug) of a spec id, as the groups of ``GIVEN_ID_RE.match(text)``
    (None for a part the id leaves out), or None when ``text`` is not one."""
    if not text.startswith("spec-"):
        return None
    position = len("spec-")
    category = None
    if text[position:position + 1] in ASCII_LOWER:
        # A category is a letter and letters or digits, then a dash; the number that must
        # follow cannot start with a letter, so there is no other reading.
        end = position + 1
        while text[end:end + 1] in _LETTERS_OR_DIGITS:
            end += 1
        if text[end:end + 1] != "-":
            return None
        category, position = text[position:end], end + 1
    end = position
    while end < len(text) and text[end].isdecimal():  # ``\d``: any decimal digit
        end += 1
    if end - position < 3:
        return None
    number, rest = text[position:end], text[end:]
    if rest in ("", "\n"):  # ``$`` also matches before a last line feed
        return category, number, None
    slug = rest[1:]
    if rest[0] != "-" or not _is_word(slug, _LETTERS_OR_DIGITS, 2, 64):
        return None
    return category, number, slug.removesuffix("\n")
