"""Title matching in catalog: the fast paths of ``normalise_title`` give the pattern's answer,
and the title index is built on first use, not at import."""

from __future__ import annotations

import random
import re
import string

from smartspec import catalog
from tests.helpers import fresh_python_prints

_NUMBERING = re.compile(r"^\s*\d+(?:\.\d+)*[.)]?\s+")
_DROPPED = re.compile(r"[^\w&/()+-]+")


def _by_the_patterns(title: str) -> str:
    """What normalise_title answered before it had fast paths: both patterns, always."""
    text = _NUMBERING.sub("", title).replace("*", "").replace("`", "")
    return " ".join(_DROPPED.sub(" ", text.lower()).split())


def test_normalise_title_answers_as_the_patterns_do() -> None:
    chance = random.Random(20261130)
    alphabet = string.printable + "ภาพรวม—éİ²١\u00a0"
    titles = ["3) **Architecture**", " 2. `API` Specification", "Data Model & Schema",
              "Security Threat Model (STRIDE-Full)", "ภาพรวม", "1.2.3 Real-Time", "²  Odd",
              "\u00a0 4) Tests"]
    for _ in range(5000):
        title = "".join(chance.choice(alphabet) for _ in range(chance.randint(0, 14)))
        titles.append(chance.choice(["", "1. ", " 2) ", "3.1 ", "4 "]) + title)
    for title in titles:
        assert catalog.normalise_title(title) == _by_the_patterns(title), repr(title)


def test_the_title_index_is_built_on_first_use() -> None:
    probe = ("import sys; from smartspec import catalog\n"
             "assert catalog._title_index.cache_info().currsize == 0\n"
             "print(catalog.key_for_title('2. Security Threat Model (STRIDE) — payments'),"
             " catalog.TITLE_INDEX['overview'], catalog.COMPACT_TITLE_INDEX['overview'])")
    assert fresh_python_prints(probe) == ["security", "overview", "compact-overview"]


def test_the_titles_smartspec_writes_are_matched_as_the_index_matches_them() -> None:
    # The exact-title table answers before any title is normalised: for every title smartspec
    # writes, in either mode, it must give the key the normalised index gives.
    for compact in (False, True):
        written = catalog._written_titles(compact)
        assert "Overview" in written and "Security Threat Model (STRIDE-Full)" in written
        for title, key in written.items():
            assert key == catalog._key_for_normalised(title, compact=compact), (title, compact)
    assert catalog.key_for_title("Overview", compact=True) == "compact-overview"
    assert catalog.key_for_title("Overview") == "overview"
    assert catalog.key_for_title("API Documentation") == "api"
    # A person's own heading, and one written differently, still go through the index.
    assert catalog.key_for_title("3. overview") == "overview"
    assert catalog.key_for_title("Payments Ledger") is None


def test_reading_a_spec_smartspec_wrote_builds_no_title_index() -> None:
    probe = ("from smartspec import catalog\n"
             "keys = [catalog.key_for_title(spec.title) for spec in catalog.SECTIONS"
             " if not spec.compact]\n"
             "keys += [catalog.key_for_title(t) for t in catalog.SECURITY_TITLES.values()]\n"
             "print(catalog._title_index.cache_info().currsize, len(set(keys)))")
    assert fresh_python_prints(probe) == ["0", str(len(catalog.ORDER))]


def test_the_ascii_table_keeps_what_the_title_rule_keeps() -> None:
    # Every byte below 128 that is a word character or kept punctuation maps to itself, every
    # other one to a space; bytes from 128 up are left as they are.
    expected = bytes(code if chr(code).isalnum() or chr(code) in "_&/()+-" else ord(" ")
                     for code in range(128)) + bytes(range(128, 256))
    assert expected == catalog._ASCII_SPACED
