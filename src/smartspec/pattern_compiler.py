"""Compile smartspec's regular expressions at build time, for ``patterncache``.

``hatch_build.py`` calls ``write_module`` when a wheel (or an editable install) is built. It
imports smartspec's modules, gathers every pattern ``lazy_re`` holds (and the word pattern
the description scanner makes from the built-in keyword groups), and writes, for each, what
``re.compile`` hands the regular-expression engine, into the module ``_smartspec_patterns``.
This module reaches into the standard library's ``re`` internals and is never imported by a
command.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import Any

from smartspec.patterncache import MODULE, Entry, engine


def entry_for(source: str, flags: int) -> Entry:
    """What ``re.compile(source, flags)`` hands the engine, step by step as it does."""
    from re import _compiler, _parser  # type: ignore[attr-defined]

    parsed = _parser.parse(source, flags)
    code = _compiler._code(parsed, flags)
    groupindex = dict(parsed.state.groupdict)
    indexgroup: list[str | None] = [None] * parsed.state.groups
    for name, number in groupindex.items():
        indexgroup[number] = name
    # The opcodes are named ints: stored as the plain ints the engine reads.
    return (int(flags | parsed.state.flags), tuple(int(op) for op in code),
            parsed.state.groups - 1, groupindex,
            tuple(indexgroup))


def lazy_patterns(modules: Iterable[Any]) -> set[tuple[str, int]]:
    """(source, flags) of every ``lazy_re`` pattern held at the top level of ``modules``: as
    a module constant, a class attribute, or in a tuple, list, set or dict of them."""
    from smartspec.lazyre import _LazyPattern

    found: set[tuple[str, int]] = set()

    def visit(value: Any, depth: int) -> None:
        if isinstance(value, _LazyPattern):
            found.add(value.source_and_flags)
        elif depth and isinstance(value, tuple | list | set | frozenset):
            for item in value:
                visit(item, depth - 1)
        elif depth and isinstance(value, dict):
            for item in value.values():
                visit(item, depth - 1)
        elif depth and isinstance(value, type):
            for item in list(vars(value).values()):
                visit(item, depth - 1)

    for module in modules:
        for value in list(vars(module).values()):
            visit(value, 3)
    return found


# Modules the build does not import: they need what only a command's run has (click,
# msgspec, Jinja, the MCP SDK), and hold no patterns a run compiles often.
_NOT_IMPORTED = ("smartspec.cli", "smartspec.commands", "smartspec.mcpserver",
                 "smartspec.config_model", "smartspec.template_compiler", "smartspec.__main__")


def smartspec_patterns() -> set[tuple[str, int]]:
    """Every ``lazy_re`` pattern of smartspec's modules, and the word patterns the description
    scanner makes from the built-in keyword groups."""
    import importlib
    import pkgutil

    import smartspec

    modules = []
    for info in pkgutil.walk_packages(smartspec.__path__, "smartspec."):
        if info.name.startswith(_NOT_IMPORTED):
            continue
        try:
            modules.append(importlib.import_module(info.name))
        except ImportError:
            continue  # an optional dependency the build does not have
    from smartspec import detect

    return lazy_patterns(modules) | detect.builtin_word_patterns()


def write_module(out: Path, patterns: Iterable[tuple[str, int]] | None = None) -> Path:
    """Write ``_smartspec_patterns.py`` into ``out`` (every smartspec pattern by default)."""
    chosen = sorted(smartspec_patterns() if patterns is None else set(patterns))
    lines = ['"""smartspec\'s regular expressions compiled by the build for this Python '
             '(see smartspec.patterncache); do not edit."""', "",
             f"ENGINE = {engine()!r}", "PATTERNS = {"]
    lines += [f"    {(source, int(flags))!r}: {entry_for(source, int(flags))!r},"
              for source, flags in chosen]
    lines += ["}", ""]
    path = out / f"{MODULE}.py"
    path.write_text("\n".join(lines), encoding="utf-8")
    return path
