"""Patterns made from the build's matcher code are the patterns ``re.compile`` makes, and a
table that does not fit (another Python, an edited pattern) is not used."""

from __future__ import annotations

import re
from typing import Any

import smartspec.detect
import smartspec.rules  # imported for the patterns its modules make
from smartspec import lazyre
from smartspec.template_compiler import matcher_code, patterns_module


def _table() -> dict[str, Any]:
    namespace: dict[str, Any] = {}
    exec(patterns_module(), namespace)  # the module text the build writes
    return namespace


def test_every_lazy_pattern_is_in_the_table_and_compiles_to_the_same_pattern() -> None:
    built = _table()
    assert tuple(built["KEY"]) == lazyre.engine_key()
    made = set(lazyre.made())
    assert len(made) > 80  # the rules' and the scanner's module-level patterns
    assert set(built["PATTERNS"]) == made
    for source, flags in sorted(made):
        from_table = lazyre.compile_pattern(source, flags, built["PATTERNS"])
        # Patterns compare by source, flags and matcher code.
        assert from_table == re.compile(source, flags), source
        assert from_table.groupindex == re.compile(source, flags).groupindex


def test_a_pattern_edited_after_the_build_compiles_as_usual() -> None:
    table = {(r"\bold\b", 0): matcher_code(r"\bold\b", 0)}
    assert lazyre.compile_pattern(r"\bnew\b", 0, table).search("a new b") is not None
    # Code that does not fit the engine is refused by it, and the pattern compiled instead.
    broken = {(r"\bold\b", 0): (0, [1, 2, 3], 0, {}, (None,))}
    assert lazyre.compile_pattern(r"\bold\b", 0, broken) == re.compile(r"\bold\b")


def test_a_lazy_pattern_behaves_as_the_compiled_one() -> None:
    pattern = lazyre.lazy_re(r"(?P<word>[a-z]+)-(\d+)", re.IGNORECASE)
    compiled = re.compile(r"(?P<word>[a-z]+)-(\d+)", re.IGNORECASE)
    text = "Alpha-1 beta-22 GAMMA-333"
    assert [m.groups() for m in pattern.finditer(text)] == \
        [m.groups() for m in compiled.finditer(text)]
    assert pattern.sub(r"\2", text) == compiled.sub(r"\2", text)
    assert (pattern.pattern, pattern.flags, pattern.groupindex) == \
        (compiled.pattern, compiled.flags, compiled.groupindex)
    assert smartspec.detect.ENDPOINT_RE.findall("GET /a and POST /b") == [
        ("GET", "/a"), ("POST", "/b")]
