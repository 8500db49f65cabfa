"""smartspec's regular expressions compiled once, at build time, instead of on every run.

``re.compile`` runs Python's regular-expression parser and compiler, both written in Python:
0.1 to 0.4 ms a pattern. ``smartspec new`` uses some 140 patterns (the rules it runs on what
it wrote, the description scanner, the spec parser), about 15 ms of every run, more than its
rendering. The patterns do not change between runs of an installed copy, so the build
(``hatch_build.py``, ``pattern_compiler.write_module``) compiles each pattern ``lazy_re``
holds with the same parser and compiler ``re.compile`` uses, and stores what they produce
(the instruction list for the regular-expression engine, with the group names) in the module
``_smartspec_patterns`` beside smartspec. ``compile_pattern`` hands a stored instruction
list straight to the engine.

The instructions belong to one CPython release, so the stored patterns are used only by the
release that built them (``engine``); any other Python, and any pattern the build did not see
(a pattern edited since, or built from config words), is compiled by ``re.compile`` as
always. The engine checks every instruction list it is given, and the tests check that each
stored pattern is equal to what ``re.compile`` makes of its source. So the result is the same
pattern either way, only sooner.

``SMARTSPEC_NO_COMPILED_PATTERNS=1`` turns the stored patterns off.
"""

from __future__ import annotations

import _sre  # type: ignore[import-not-found]  # the engine re.compile hands its code to
import os
import re
import sys
from functools import lru_cache

MODULE = "_smartspec_patterns"

# (source, flags) -> (flags as compiled, instructions, group count, name -> group, group -> name)
Entry = tuple[int, tuple[int, ...], int, dict[str, int], tuple[str | None, ...]]


def engine() -> str:
    """What the stored instructions depend on: the Python release (its ``re`` compiler) and
    its regular-expression engine (format version, code word size, repeat limit)."""
    version = sys.version_info
    return (f"{sys.implementation.name} {version.major}.{version.minor}.{version.micro}"
            f"{version.releaselevel}{version.serial} sre {_sre.MAGIC} {_sre.CODESIZE} "
            f"{_sre.MAXREPEAT}")


@lru_cache(maxsize=1)
def _table() -> dict[tuple[str, int], Entry]:
    """The patterns the build compiled, when this Python compiles them the same way."""
    if os.environ.get("SMARTSPEC_NO_COMPILED_PATTERNS"):
        return {}
    try:
        from _smartspec_patterns import (  # type: ignore[import-not-found, import-untyped, unused-ignore]
            ENGINE,
            PATTERNS,
        )
    except ImportError:
        return {}
    if engine() != ENGINE:
        return {}
    table: dict[tuple[str, int], Entry] = PATTERNS
    return table


def compile_pattern(source: str, flags: int = 0) -> re.Pattern[str]:
    """``re.compile(source, flags)``: the pattern the build compiled, or compiled now."""
    entry = _table().get((source, flags))
    if entry is not None:
        compiled, code, groups, groupindex, indexgroup = entry
        pattern: re.Pattern[str] = _sre.compile(source, compiled, list(code), groups,
                                                groupindex, indexgroup)
        return pattern
    return re.compile(source, flags)
