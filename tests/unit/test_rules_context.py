"""The shared views the rules read: each faster form answers exactly as the plain one does."""

from __future__ import annotations

import random
import re
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from smartspec.document import parse
from smartspec.rules import Validator
from smartspec.rules.consistency import _first_accepted, _is_not_this_services_auth, _is_risk_line
from smartspec.rules.context import (
    Context,
    LineIndex,
    _closes_at,
    _first_closer,
    _needle_offsets,
    clear_text_memos,
    per_text,
)
from smartspec.rules.structure import _REFERENCE_DEF_RE, _reference_labels
from smartspec.wordgroups import word_pattern

SPEC = """# SPEC-001: Pools

## 1. Architecture

Each instance keeps a connection pool of 20 connections per instance; up to 8 replicas.
See section 2 and [the data](#2-data). PgBouncer sits in front: <!-- pool size 5 -->
คิวงาน ลองใหม่ 3 ครั้ง, then retry with backoff 1s, 5s.

```sql
CREATE TABLE pool (id int);
```

## 2. Data

max_connections = 100 (https://pool.example.com/docs)
[data]: #2-data
 [Other Label]: <#1-architecture>
"""


def _context(text: str) -> Context:
    validator = Validator()
    return Context(parse(text), path="spec.md", matchers=validator.matchers)


def test_line_index_counts_lines_for_offsets_asked_in_any_order() -> None:
    text = "a\nbb\n\nccc\nd"
    index = LineIndex(text)
    offsets = list(range(len(text) + 1))
    random.Random(7).shuffle(offsets)
    for offset in offsets + sorted(offsets):
        assert index.line_of(offset) == text.count("\n", 0, offset)


@pytest.mark.parametrize("text", [SPEC, SPEC.replace("Pools", "İstanbul pools"),
                                  SPEC.replace("\n", "\r\n")])
def test_lines_found_through_shared_parts_are_the_lines_holding_the_words(text: str) -> None:
    words = ("max_connections", "connection limit", "pool", "pgbouncer", "pgpool", "pooler",
             "instances", "replicas", "maxreplicas", "pods", "proxy", "odyssey")
    needles = ("connection", "pool", "instances", "replicas", "pods", "pgbouncer", "proxy",
               "odyssey")
    assert _context(text).lines_with_via(words, needles) == _context(text).lines_with(words)
    # The Thai word is found where its lead byte occurs, and not looked for elsewhere.
    assert _context(text).lines_with(("ลองใหม่",)) == [6]
    assert _context(text.replace("ลองใหม่", "again")).lines_with(("ลองใหม่",)) == []


@pytest.mark.parametrize("text", [SPEC, SPEC.replace("# SPEC", "# İİİİİİİİİİİİ SPEC"),
                                  SPEC.replace("\n", " \u212a\n")])
def test_lines_with_words_are_the_lines_whose_lower_case_holds_them(text: str) -> None:
    # A dotted capital I lower-cases to two characters: the lines found still hold the words
    # (the deadline and pool checks read the lines they are given).
    ctx = _context(text)
    words = ("pool", "data", "connections", "spec")
    prose, offsets = ctx.prose, ctx.offsets
    assert ctx.lines_with(words) == [
        index for index in range(len(offsets) - 1)
        if any(word in prose[offsets[index]:offsets[index + 1]].lower() for word in words)]


def test_raw_lines_found_through_shared_parts_are_the_lines_holding_the_needles() -> None:
    ctx = _context(SPEC)
    needles = ("section ", "Section ", "](#", "](<#", "]: #", "]: <#")
    via = ("ection ", "](", "]: ")
    assert ctx.raw_lines_with(needles, via=via) == ctx.raw_lines_with(needles) == [5, 15, 16]


def _plain_offsets(text: str, needles: tuple[str, ...]) -> list[int]:
    """What ``_needle_offsets`` must find: every start of every needle, one find at a time."""
    found = []
    for needle in needles:
        at = text.find(needle)
        while at >= 0:
            found.append(at)
            at = text.find(needle, at + 1)
    return sorted(found)


# Texts made of the needles' own pieces, so that they hold the needles, their prefixes and
# runs of spaces often; an arrow makes the text a wide string, as most specs are.
_PIECES = st.sampled_from(["GET", "GET ", "GETS ", " ", "  ", "]", "](", "]: ", "(", "#", ":",
                           "ection", "section ", "S", "\n", "→", "x"])
_NEEDLES = ("GET ", "PUT  ", "](#", "]: #", "]", "section ", "ection ", "#", "x")


@given(st.lists(_PIECES, max_size=40).map("".join),
       st.lists(st.sampled_from(_NEEDLES), min_size=1, max_size=4, unique=True).map(tuple))
def test_needles_found_through_a_mark_or_without_spaces_are_found_everywhere(
        text: str, needles: tuple[str, ...]) -> None:
    assert sorted(_needle_offsets(text, needles)) == _plain_offsets(text, needles)


@pytest.mark.parametrize("inner", [
    "a\n```\nb\n",  # two blocks that touch: the first closes at line 1
    "a\n  ```` \nb\n",  # a longer closing run, indented, trailing spaces
    "a ```\n    ```\nb\n",  # a run inside a line, then one indented too far: no closer
    "x\n```js\n```\r\n",  # an info string is no closer; the next line is
    "",
])
def test_a_closing_fence_is_found_where_the_multi_line_pattern_finds_it(inner: str) -> None:
    # The pattern that defines a closing fence; the reader finds the start of its line.
    closer = re.compile(r"(?m)^ {0,3}```[`]*[ \t]*\r?$")
    expected = closer.search(inner)
    found = _first_closer(inner, "`", 3)
    assert found == (expected and expected.start())
    if expected is not None:
        assert _closes_at(inner, expected.start(), "`", 3)


def test_reference_labels_are_the_definitions_the_pattern_finds() -> None:
    text = SPEC + "x]: not at a line start\n    [indented too far]: #x\n[a]b]: #y\n"
    assert _reference_labels(text) == _REFERENCE_DEF_RE.findall(text)
    assert _reference_labels(text) == ["data", "Other Label"]


def test_a_result_per_text_is_shared_until_the_memos_are_cleared() -> None:
    calls: list[str] = []

    @per_text
    def words_of(text: str) -> tuple[str, ...]:
        calls.append(text)
        return tuple(re.findall(r"\w+", text))

    assert words_of("a b") is words_of("a b")
    assert calls == ["a b"]
    clear_text_memos()
    assert words_of("a b") == ("a", "b")
    assert calls == ["a b", "a b"]


def _first_accepted_by_regex(ctx: Context, group: str, rejected: Any) -> tuple[str, int] | None:
    """The first mention ``rejected`` does not set aside, walked with the group's regex."""
    first = ctx.first_mention(group)
    matcher = ctx.matchers[group]
    pattern = matcher.pattern or word_pattern(matcher.words)
    if first is None or pattern is None:
        return None
    for match in pattern.finditer(ctx.prose, ctx.offsets[first[1]]):
        line = ctx.line_of(match.start())
        column = match.start() - ctx.offsets[line]
        if not rejected(ctx, match.group(0), line, column):
            return match.group(0).lower(), line
    return None


_MENTIONS = """# SPEC-001: Sign-in

## 1. Overview

The `auth` module and the [Auth] slot are not this service's; neither is "login".
Users log in with OAuth2 through a third-party identity provider, and JWT sessions.
Risk: dependency on the Third-Party API; İstanbul office signs in with SSO.
"""


@pytest.mark.parametrize("text", [
    _MENTIONS, _MENTIONS.replace("\n", "\r\n"), _MENTIONS.replace("İstanbul", "Istanbul"),
    *(path.read_text(encoding="utf-8")
      for path in sorted(Path(__file__).resolve().parents[1].glob("corpus/specs/**/*.md"))),
    *(path.read_text(encoding="utf-8")
      for path in sorted(Path(__file__).resolve().parents[1].glob("data/golden/*.md"))[:12]),
])
def test_the_first_accepted_mention_is_the_one_the_regex_walk_finds(text: str) -> None:
    # The mention on the first line is checked without the regex; the answer is the walk's.
    for group, rejected in (("auth", _is_not_this_services_auth),
                            ("external-api", _is_risk_line)):
        assert (_first_accepted(_context(text), group, rejected)
                == _first_accepted_by_regex(_context(text), group, rejected))
