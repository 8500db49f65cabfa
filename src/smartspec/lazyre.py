"""Regular expressions compiled on first use, not at import.

The rule modules and the description scanner keep their patterns as module constants (one
place to read each accepted variant), but compiling ~110 of them at import costs every run
tens of milliseconds, also the runs that use only a few. ``lazy_re`` returns an object that
behaves as the compiled pattern: the first attribute asked of it compiles the pattern once
and stores the pattern's bound methods on the object, so later calls go straight to the
compiled pattern's own methods.

Compiling is itself most of the cost (parsing the pattern and writing its matcher code, some
10 ms for the patterns one ``new`` uses), so the build also writes that matcher code, for
this Python, into a table beside the compiled templates (``template_compiler``); a pattern
found there is made from it in microseconds. The table is keyed by the pattern's source and
flags and used only by the Python and regular-expression engine it was written for, so a
pattern edited after the build, or another Python, compiles as usual.
"""

from __future__ import annotations

import functools
import re
import sys
from importlib import import_module
from typing import Any, cast

# The attributes a compiled pattern offers; copied onto the stand-in when it compiles.
_ATTRIBUTES = ("search", "match", "fullmatch", "finditer", "findall", "sub", "subn", "split",
               "scanner", "pattern", "flags", "groups", "groupindex")

# Every lazy pattern made, in order: the build writes the table for these.
_MADE: list[tuple[str, int]] = []


class _LazyPattern:
    """A pattern's source and flags until first use; then the pattern's own bound methods."""

    def __init__(self, source: str, flags: int) -> None:
        self._source = source
        self._flags = flags

    def __getattr__(self, name: str) -> object:
        # Only reached for an attribute not yet on the object, that is before the first
        # compile (or for a name a pattern does not have, which raises as a pattern would).
        compiled = compile_pattern(self._source, self._flags)
        for attribute in _ATTRIBUTES:
            setattr(self, attribute, getattr(compiled, attribute))
        return getattr(compiled, name)

    def __repr__(self) -> str:
        return f"lazy_re({self._source!r}, {self._flags!r})"


def lazy_re(source: str, flags: int = 0) -> re.Pattern[str]:
    """``re.compile(source, flags)``, done when the pattern is first used.

    Typed as the compiled pattern, which it behaves as for every use smartspec makes of one
    (methods and ``.pattern``); it is not one for ``isinstance`` or for ``re.sub(pattern, …)``,
    so those take a pattern's ``.pattern`` string instead.
    """
    _MADE.append((source, int(flags)))
    return cast("re.Pattern[str]", _LazyPattern(source, int(flags)))


def made() -> list[tuple[str, int]]:
    """The source and flags of every lazy pattern the imported modules made."""
    return list(_MADE)


def engine_key() -> tuple[int, ...]:
    """What a table of matcher code is valid for: the Python version and the regular
    expression engine's own version and code unit size."""
    engine: Any = import_module("_sre")
    return (*sys.version_info[:2], engine.MAGIC, engine.CODESIZE, sys.maxunicode)


def compile_pattern(source: str, flags: int,
                    table: dict[tuple[str, int], tuple[Any, ...]] | None = None,
                    ) -> re.Pattern[str]:
    """The compiled pattern, made from the build's matcher code when ``table`` (by default
    the build's) has it, else by ``re.compile``. The engine checks the code it is given, so a
    table that does not fit raises here, and the pattern is compiled as usual."""
    entry = (_built_table() if table is None else table).get((source, flags))
    if entry is not None:
        engine: Any = import_module("_sre")
        try:
            return cast("re.Pattern[str]", engine.compile(source, *entry))
        except (RuntimeError, TypeError, ValueError):
            pass
    return re.compile(source, flags)


@functools.cache
def _built_table() -> dict[tuple[str, int], tuple[Any, ...]]:
    """The build's table of matcher code (``_smartspec_templates.patterns``), or an empty one
    when there is none or it was written for another Python."""
    try:
        built: Any = import_module("_smartspec_templates.patterns")
    except ImportError:
        return {}
    if tuple(built.KEY) != engine_key():
        return {}
    return cast("dict[tuple[str, int], tuple[Any, ...]]", built.PATTERNS)
