"""Compile smartspec's section templates to Python modules, at build time, with Jinja.

``hatch_build.py`` calls ``write_package`` when a wheel (or an editable install) is built: each
template under ``smartspec/templates`` becomes one module of the ``_smartspec_templates``
package, holding the code Jinja's own compiler writes for it, which ``template_runtime`` runs
without Jinja. The package's ``TEMPLATES`` table records the sha256 of each template's source,
so a template edited after the build is seen as stale and rendered by Jinja instead.

A template is compiled only when everything its code needs exists in ``template_runtime``:
its filters and tests (with the same first argument Jinja passes), and no include, extends,
blocks, call blocks or macros with varargs, kwargs or caller. Any other template is left out
and rendered by Jinja, so the result is the same either way; the skipped names are returned.

This module imports Jinja and is never imported by a command.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import jinja2
from jinja2 import nodes

from smartspec import template_runtime

PACKAGE = "_smartspec_templates"

# The lexer options of smartspec's templates: both the compiler and the Jinja fallback use
# exactly these, so compiled code and Jinja's rendering agree.
JINJA_OPTIONS: dict[str, Any] = {
    "undefined": jinja2.StrictUndefined,
    "autoescape": False,
    "trim_blocks": True,
    "lstrip_blocks": True,
    "keep_trailing_newline": True,
}

# The first line of the code Jinja writes for a template; it becomes an import from the
# runtime, which also supplies the ``environment`` the code runs in.
_JINJA_IMPORT_RE = re.compile(r"\Afrom jinja2\.runtime import ([A-Za-z_, ]+)\n")
# What the code may read from ``environment`` and ``context``: the runtime supplies these.
_ENVIRONMENT_USES = frozenset({"undefined", "concat", "filters", "tests", "getattr", "getitem",
                               "get_template", "call_filter", "call_test"})
_CONTEXT_USES = frozenset({"resolve_or_missing", "vars", "exported_vars", "eval_ctx", "call",
                           "get_all", "environment"})
_USE_RE = re.compile(r"\b(environment|context)\.([A-Za-z_]\w*)")
# String literals in the code Jinja writes (one line each: it writes them with repr), removed
# before looking for uses, since a template's text may say ``context.Context``.
_LITERAL_RE = re.compile(r"'(?:[^'\\\n]|\\.)*'|\"(?:[^\"\\\n]|\\.)*\"")
# Macro(environment, macro, 'name', (args), catch_kwargs, catch_varargs, caller, ...)
_MACRO_RE = re.compile(r"Macro\(environment, macro, '[^']*', \([^)]*\), (\w+), (\w+), (\w+)")
_UNSUPPORTED_NODES = (nodes.Include, nodes.Extends, nodes.Block, nodes.CallBlock,
                      nodes.FilterBlock)


def jinja_environment(loader: jinja2.BaseLoader | None = None) -> jinja2.Environment:
    """A Jinja environment configured as smartspec's templates expect, with smartspec's
    filters; render's fallback and the compiler both build theirs here."""
    env = jinja2.Environment(loader=loader, **JINJA_OPTIONS)
    env.filters.update(template_runtime.SMARTSPEC_FILTERS)
    return env


def template_names(templates: Path) -> list[str]:
    """Every template under ``templates``, as the name render asks for (``sections/x.md.j2``)."""
    return sorted(p.relative_to(templates).as_posix() for p in templates.rglob("*.j2"))


def _pass_arg(func: Any) -> str | None:
    kind = getattr(func, "jinja_pass_arg", None)
    return None if kind is None else str(kind.name)


def _named_uses(tree: nodes.Template) -> Iterator[tuple[str, str]]:
    """("filter" | "test", name) for every filter and test the template applies, including
    the ones named as strings to map, select, reject, selectattr and rejectattr."""
    for node in tree.find_all((nodes.Filter, nodes.Test)):
        kind = "filter" if isinstance(node, nodes.Filter) else "test"
        yield kind, node.name
        if not isinstance(node, nodes.Filter):
            continue
        position = {"map": 0, "select": 0, "reject": 0, "selectattr": 1, "rejectattr": 1}.get(node.name)
        if position is None or len(node.args) <= position:
            continue
        named = node.args[position]
        if node.name == "map" and any(k.key == "attribute" for k in node.kwargs):
            continue
        if not isinstance(named, nodes.Const) or not isinstance(named.value, str):
            yield kind, "<computed>"
            continue
        yield ("filter" if node.name == "map" else "test"), named.value


def problems(env: jinja2.Environment, name: str, source: str) -> list[str]:
    """Why ``source`` cannot run compiled (empty when it can)."""
    found: list[str] = []
    tree = env.parse(source, name=name)
    for node in tree.find_all(_UNSUPPORTED_NODES):
        found.append(f"uses {type(node).__name__}")
    runtime = template_runtime.ENVIRONMENT
    for kind, used in _named_uses(tree):
        table = runtime.filters if kind == "filter" else runtime.tests
        theirs = (env.filters if kind == "filter" else env.tests).get(used)
        if used not in table:
            found.append(f"{kind} {used!r} is not in the runtime")
        elif theirs is not None and used not in template_runtime.SMARTSPEC_FILTERS and (
                _pass_arg(theirs) != getattr(table[used], "smartspec_pass_arg", None)):
            found.append(f"{kind} {used!r} takes another first argument than Jinja's")
    return found


def compile_source(env: jinja2.Environment, name: str, source: str) -> str | None:
    """The module text for one template, or None when it must be rendered by Jinja."""
    if problems(env, name, source):
        return None
    code = env.compile(source, name=name, raw=True)
    match = _JINJA_IMPORT_RE.match(code)
    if match is None:
        return None
    imported = [n.strip() for n in match.group(1).split(",")]
    if not set(imported) <= set(template_runtime.__all__):
        return None
    for holder, attribute in _USE_RE.findall(_LITERAL_RE.sub("''", code)):
        allowed = _ENVIRONMENT_USES if holder == "environment" else _CONTEXT_USES
        if attribute not in allowed:
            return None
    if any("True" in flags for flags in _MACRO_RE.findall(code)):
        return None
    header = (f'"""Compiled from smartspec/templates/{name} by smartspec\'s build (Jinja '
              f'{jinja2.__version__}); do not edit."""\n'
              f"from smartspec.template_runtime import {', '.join(imported)}, "
              "ENVIRONMENT as environment\n")
    return header + code[match.end():]


def module_name(name: str) -> str:
    return "t_" + re.sub(r"\W", "_", name)


def write_package(templates: Path, out: Path) -> list[str]:
    """Write the ``_smartspec_templates`` package into ``out``; return the names of the
    templates left to Jinja."""
    env = jinja_environment()
    package = out / PACKAGE
    package.mkdir(parents=True, exist_ok=True)
    table: dict[str, tuple[str, str]] = {}
    skipped: list[str] = []
    for name in template_names(templates):
        raw = (templates / name).read_bytes()
        code = compile_source(env, name, raw.decode("utf-8"))
        if code is None:
            skipped.append(name)
            continue
        module = module_name(name)
        (package / f"{module}.py").write_text(code, encoding="utf-8")
        table[name] = (hashlib.sha256(raw).hexdigest(), module)
    lines = [f'"""smartspec\'s section templates compiled to Python (Jinja {jinja2.__version__}); '
             'generated by the build, do not edit."""', "", "TEMPLATES = {"]
    lines += [f"    {name!r}: {entry!r}," for name, entry in sorted(table.items())]
    lines += ["}", ""]
    (package / "__init__.py").write_text("\n".join(lines), encoding="utf-8")
    return skipped
