"""The regular expressions the build compiles ahead (pattern_compiler -> _smartspec_patterns,
read by patterncache) are the very patterns re.compile makes, are used only by the Python that
made them, and cover every lazy_re pattern smartspec defines."""

from __future__ import annotations

import gc
import importlib.util
import re
import sys
import types
from pathlib import Path

import pytest

from smartspec import detect, patterncache
from smartspec.lazyre import _LazyPattern, lazy_re
from smartspec.pattern_compiler import smartspec_patterns, write_module


def _load(path: Path) -> types.ModuleType:
    spec = importlib.util.spec_from_file_location("_smartspec_patterns", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture
def built(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> types.ModuleType:
    """smartspec's patterns compiled as the build compiles them, installed as the module
    patterncache reads."""
    module = _load(write_module(tmp_path))
    monkeypatch.setitem(sys.modules, "_smartspec_patterns", module)
    monkeypatch.delenv("SMARTSPEC_NO_COMPILED_PATTERNS", raising=False)
    patterncache._table.cache_clear()
    yield module
    patterncache._table.cache_clear()


def test_every_stored_pattern_is_what_re_compile_makes(built: types.ModuleType) -> None:
    assert len(built.PATTERNS) > 90
    for source, flags in built.PATTERNS:
        stored = patterncache.compile_pattern(source, flags)
        assert stored == re.compile(source, flags), source
        assert (stored.pattern, stored.flags, stored.groups, stored.groupindex) == (
            source, re.compile(source, flags).flags, re.compile(source, flags).groups,
            re.compile(source, flags).groupindex)


def test_stored_patterns_match_as_compiled_ones(built: types.ModuleType) -> None:
    text = ("## 3. Security\n<!-- smartspec:critical name=security -->\nTODO: p99 < 200 ms, "
            "POST /payments/{id}/refunds with audit logs; FIXME SPEC-XXX-001 ยืนยันตัวตน\n")
    for source, flags in built.PATTERNS:
        stored, fresh = patterncache.compile_pattern(source, flags), re.compile(source, flags)
        assert [m.span() for m in stored.finditer(text)] == [m.span() for m in fresh.finditer(text)]
        assert [m.groupdict() for m in stored.finditer(text)] == [
            m.groupdict() for m in fresh.finditer(text)]


def test_lazy_re_uses_the_stored_pattern(built: types.ModuleType,
                                         monkeypatch: pytest.MonkeyPatch) -> None:
    source, flags = next(iter(built.PATTERNS))

    class NoCompiling:
        @staticmethod
        def compile(source: str, flags: int = 0) -> re.Pattern[str]:
            raise AssertionError(f"compiled afresh: {source!r}")

    monkeypatch.setattr(patterncache, "re", NoCompiling)
    pattern = lazy_re(source, flags)
    assert [m.span() for m in pattern.finditer("a TODO, p99 and 1.")] == [
        m.span() for m in re.compile(source, flags).finditer("a TODO, p99 and 1.")]
    assert pattern.flags == re.compile(source, flags).flags
    with pytest.raises(AssertionError, match="compiled afresh"):
        lazy_re(r"not stored (\d+) anywhere", 0).search("x")


def test_another_python_compiles_afresh(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = write_module(tmp_path, [(r"\bx(\d+)", re.IGNORECASE)])
    text = path.read_text(encoding="utf-8")
    assert f"ENGINE = {patterncache.engine()!r}" in text
    path.write_text(text.replace(f"ENGINE = {patterncache.engine()!r}",
                                 "ENGINE = 'cpython 3.99.0final0 sre 1 4 4294967295'"),
                    encoding="utf-8")
    monkeypatch.setitem(sys.modules, "_smartspec_patterns", _load(path))
    patterncache._table.cache_clear()
    try:
        assert patterncache._table() == {}
        assert patterncache.compile_pattern(r"\bx(\d+)", re.IGNORECASE).match("X12")
    finally:
        patterncache._table.cache_clear()


def test_turned_off_by_the_environment(built: types.ModuleType,
                                       monkeypatch: pytest.MonkeyPatch) -> None:
    assert patterncache._table()
    monkeypatch.setenv("SMARTSPEC_NO_COMPILED_PATTERNS", "1")
    patterncache._table.cache_clear()
    assert patterncache._table() == {}


def test_the_build_finds_every_lazy_pattern_smartspec_defines() -> None:
    found = smartspec_patterns()  # imports every module a command may use
    made = {p.source_and_flags for p in gc.get_objects() if isinstance(p, _LazyPattern)}
    # This file's own pattern, the one left uncompiled on purpose, is not smartspec's.
    assert made - found - {(r"not stored (\d+) anywhere", 0)} == set()


def test_word_pattern_source_is_the_same_in_every_run() -> None:
    # Words of one length come in a fixed order, whatever order the set gives them in, so
    # the build's compiled copy of a word pattern is found in every run.
    words = ("queue", "kafka", "redis", "topic", "ชำระเงิน", "ฐานข้อมูล")
    sources = {detect.word_source(tuple(reversed(words))), detect.word_source(words),
               detect.word_source(words[2:] + words[:2])}
    assert len(sources) == 1
    thai = detect._lexicon_words(tuple(detect.group_words().items()))[1]
    auth = detect.group_words()["auth"]
    assert {(detect.word_source(thai), re.IGNORECASE),
            (detect.word_source(tuple(reversed(auth))), re.IGNORECASE)} <= (
        detect.builtin_word_patterns())
