"""Compile smartspec's section templates to Python modules, at build time, with Jinja.

``hatch_build.py`` calls ``write_package`` when a wheel (or an editable install) is built: each
template under ``smartspec/templates`` becomes one function of a module of the
``_smartspec_templates`` package (several templates to a module, see ``write_package``),
holding the code Jinja's own compiler writes for it, which ``template_runtime`` runs without
Jinja. The package records the exact bytes of the source each template was compiled from, so
a template edited after the build is seen as stale and rendered by Jinja instead.

A template is compiled only when everything its code needs exists in ``template_runtime``:
its filters and tests (with the same first argument Jinja passes), and no include, extends,
blocks, call blocks or macros with varargs, kwargs or caller. Any other template is left out
and rendered by Jinja, so the result is the same either way; the skipped names are returned.

The code Jinja writes is then rewritten (``optimise``) to what the runtime needs: no line map
or block table, one call per filter lookup, no undefined check of a variable that cannot be
undefined there, no loop-variable dicts that nothing reads, neighbouring yields of text joined.
A third less bytecode to unmarshal when a command loads it; the same text rendered (the
goldens and the compiled-versus-Jinja tests check it; ``bench/templates.py`` measures it).

This module imports Jinja and is never imported by a command.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Iterable, Iterator
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


def _compiled_body(env: jinja2.Environment, name: str,
                   source: str) -> tuple[list[str], str] | None:
    """(the runtime names the code reads, the code) for one template, or None when it must
    be rendered by Jinja."""
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
    body = optimise(code[match.end():])
    # Only the names the code reads: each imported name costs the module a constant and a
    # store.
    used = {n.id for n in ast.walk(ast.parse(body)) if isinstance(n, ast.Name)}
    return [n for n in (*imported, "named") if n in used], body


def _runtime_import(names: Iterable[str]) -> str:
    return ("from smartspec.template_runtime import "
            f"{', '.join([*names, 'ENVIRONMENT as environment'])}\n")


def compile_source(env: jinja2.Environment, name: str, source: str) -> str | None:
    """The code of one template as a module of its own (``root`` renders it), or None when
    it must be rendered by Jinja."""
    compiled = _compiled_body(env, name, source)
    if compiled is None:
        return None
    wanted, body = compiled
    return (f"# Compiled from smartspec/templates/{name} by smartspec's build (Jinja "
            f"{jinja2.__version__}); do not edit.\n" + _runtime_import(wanted) + body)


def module_name(name: str) -> str:
    """The name of the function that makes template ``name``'s ``root``."""
    return "t_" + re.sub(r"\W", "_", name)


def group_name(name: str) -> str:
    """The module of the package that holds template ``name``: one per folder (the sections,
    each language's code), the compact sections apart, since a compact spec renders those
    alone. Each module a command imports costs it about a third of a million instructions of
    import machinery whatever its size, so a financial spec's 23 templates come from two
    modules, not 23; a compact spec still loads only its own five."""
    folder, _, file = name.rpartition("/")
    group = "g_" + re.sub(r"\W", "_", folder)
    return group + "_compact" if file.startswith("compact-") else group


def _factory(name: str, body: str) -> ast.FunctionDef | None:
    """``def t_<name>(): <the template's module code>; return root``: the template's names
    become the function's own, so the templates of one module never meet. None when the code
    could mean something else inside a function (it declares names global or nonlocal) or
    does not read back as written."""
    tree = ast.parse(body)
    if any(isinstance(n, (ast.Global, ast.Nonlocal)) for n in ast.walk(tree)):
        return None
    function = ast.FunctionDef(
        name=module_name(name), args=ast.arguments(posonlyargs=[], args=[], kwonlyargs=[],
                                                    kw_defaults=[], defaults=[]),
        body=[*tree.body, ast.Return(ast.Name("root", ast.Load()))], decorator_list=[])
    ast.fix_missing_locations(function)
    again = ast.parse(ast.unparse(function)).body
    if len(again) != 1 or ast.dump(again[0]) != ast.dump(function):
        return None
    return function


def write_package(templates: Path, out: Path) -> list[str]:
    """Write the ``_smartspec_templates`` package into ``out``; return the names of the
    templates left to Jinja.

    Each module (``group_name``) holds one function per template (``module_name``) that
    defines and returns its ``root``, and ``SOURCES``: the exact bytes each template was
    compiled from, which render compares with the template's bytes to know that the code is
    not stale (comparing costs a run next to nothing, where hashing each template cost it
    more than a millisecond). ``TEMPLATES`` in the package maps each template to its module
    and function."""
    env = jinja_environment()
    package = out / PACKAGE
    package.mkdir(parents=True, exist_ok=True)
    table: dict[str, tuple[str, str]] = {}
    groups: dict[str, list[tuple[str, bytes, list[str], ast.FunctionDef]]] = {}
    skipped: list[str] = []
    for name in template_names(templates):
        raw = (templates / name).read_bytes()
        compiled = _compiled_body(env, name, raw.decode("utf-8"))
        function = None if compiled is None else _factory(name, compiled[1])
        if compiled is None or function is None:
            skipped.append(name)
            continue
        groups.setdefault(group_name(name), []).append((name, raw, compiled[0], function))
        table[name] = (group_name(name), module_name(name))
    for group, members in groups.items():
        wanted = sorted({n for _, _, names, _ in members for n in names})
        text = [f"# smartspec/templates/{', '.join(n for n, _, _, _ in members)}, compiled by "
                f"smartspec's build (Jinja {jinja2.__version__}); do not edit.\n",
                _runtime_import(wanted), "SOURCES = {\n"]
        text += [f"    {name!r}: {raw!r},\n" for name, raw, _, _ in members]
        text += ["}\n"]
        text += [f"\n\n{ast.unparse(function)}\n" for _, _, _, function in members]
        (package / f"{group}.py").write_text("".join(text), encoding="utf-8")
    lines = [f'"""smartspec\'s section templates compiled to Python (Jinja {jinja2.__version__}); '
             'generated by the build, do not edit."""', "", "TEMPLATES = {"]
    lines += [f"    {name!r}: {entry!r}," for name, entry in sorted(table.items())]
    lines += ["}", ""]
    (package / "__init__.py").write_text("\n".join(lines), encoding="utf-8")
    return skipped


# ---- making the code Jinja writes smaller and cheaper to load and run ------------------------
#
# Jinja writes code for its own debugger and for every feature a template might use; the
# runtime uses less. Each rewrite below keeps what the code renders (and the error a template
# mistake raises) the same; the compiled-versus-Jinja tests and the goldens check it, and
# ``optimise`` parses what it writes again to check that it says what was meant.

_NAMED_LOOKUP = {"filters": "filter", "tests": "test"}


def _is_name(node: ast.AST, name: str | None = None) -> bool:
    return isinstance(node, ast.Name) and (name is None or node.id == name)


def _undefined_check(node: ast.AST) -> tuple[str, str] | None:
    """(variable, template name) when ``node`` is the check Jinja writes around every use of a
    template variable: ``(undefined(name='x') if l_0_x is missing else l_0_x)``."""
    if not (isinstance(node, ast.IfExp) and isinstance(node.test, ast.Compare)):
        return None
    test, body, orelse = node.test, node.body, node.orelse
    if not (_is_name(test.left) and len(test.ops) == 1 and isinstance(test.ops[0], ast.Is)
            and _is_name(test.comparators[0], "missing") and _is_name(orelse)):
        return None
    variable = test.left.id  # type: ignore[attr-defined]
    if orelse.id != variable:  # type: ignore[attr-defined]
        return None
    if not (isinstance(body, ast.Call) and _is_name(body.func, "undefined") and not body.args
            and len(body.keywords) == 1 and body.keywords[0].arg == "name"
            and isinstance(body.keywords[0].value, ast.Constant)
            and isinstance(body.keywords[0].value.value, str)):
        return None
    return variable, body.keywords[0].value.value


def _named_lookup(node: ast.stmt) -> ast.stmt | None:
    """``t_1 = named(environment.filters, 'filter', 'x')`` for the try/except Jinja writes to
    look a filter or test up (a function that fails when called if there is none)."""
    if not (isinstance(node, ast.Try) and len(node.body) == 1 and len(node.handlers) == 1
            and not node.orelse and not node.finalbody):
        return None
    assign, handler = node.body[0], node.handlers[0]
    if not (isinstance(assign, ast.Assign) and len(assign.targets) == 1
            and _is_name(assign.targets[0]) and isinstance(assign.value, ast.Subscript)):
        return None
    table, key = assign.value.value, assign.value.slice
    if not (isinstance(table, ast.Attribute) and _is_name(table.value, "environment")
            and table.attr in _NAMED_LOOKUP and isinstance(key, ast.Constant)
            and isinstance(key.value, str) and handler.type is not None
            and _is_name(handler.type, "KeyError")):
        return None
    kind = _NAMED_LOOKUP[table.attr]
    # The message the runtime's ``named`` gives must be the one Jinja's code raises.
    expected = f"No {kind} named {key.value!r} found."
    raised = [n for n in ast.walk(handler) if isinstance(n, ast.Raise)]
    if (len(raised) != 1 or not isinstance(raised[0].exc, ast.Call)
            or [getattr(a, "value", None) for a in raised[0].exc.args] != [expected]):
        return None
    call = ast.Call(func=ast.Name("named", ast.Load()),
                    args=[table, ast.Constant(kind), key], keywords=[])
    return ast.Assign(targets=assign.targets, value=call, lineno=node.lineno)


def _stores(tree: ast.AST) -> dict[str, list[ast.AST]]:
    """Every statement or target that stores each name (assignments, loop targets, params)."""
    found: dict[str, list[ast.AST]] = {}
    for node in ast.walk(tree):
        if isinstance(node, ast.Name) and not isinstance(node.ctx, ast.Load):
            found.setdefault(node.id, []).append(node)
        elif isinstance(node, ast.arg):
            found.setdefault(node.arg, []).append(node)
    return found


def _resolved_once(tree: ast.Module) -> None:
    """Template variables a function reads from the context once (``l_0_x = resolve('x')``),
    never sets again, and uses only through the undefined check: resolved with
    ``context.resolve`` instead (an undefined value, not ``missing``), every check of them
    goes, in the functions nested in it too."""
    for function in [n for n in ast.walk(tree) if isinstance(n, ast.FunctionDef)]:
        stores = _stores(function)
        loads: dict[str, int] = {}
        checked: dict[str, int] = {}
        for node in ast.walk(function):
            if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Load):
                loads[node.id] = loads.get(node.id, 0) + 1
            found = _undefined_check(node)
            if found is not None:
                checked[found[0]] = checked.get(found[0], 0) + 1
        once: set[str] = set()
        for statement in function.body:
            if not (isinstance(statement, ast.Assign) and len(statement.targets) == 1
                    and isinstance(statement.targets[0], ast.Name)
                    and isinstance(statement.value, ast.Call)
                    and _is_name(statement.value.func, "resolve")):
                continue
            variable = statement.targets[0].id
            if (len(stores.get(variable, ())) == 1
                    and loads.get(variable, 0) == 2 * checked.get(variable, 0)):
                statement.value.func = ast.Attribute(ast.Name("context", ast.Load()), "resolve",
                                                     ast.Load())
                once.add(variable)
        if once:
            _DropChecksEverywhere(once).visit(function)


def _missing_stores(node: ast.AST) -> set[str]:
    """Names that ``node`` (a statement, walked whole) may set back to ``missing``. Loop and
    ``with`` targets are not among them: they are bound to items, never to ``missing``."""
    found: set[str] = set()
    for inner in ast.walk(node):
        if isinstance(inner, ast.Assign) and not _is_set_to_value(inner):
            found.update(t.id for t in inner.targets if isinstance(t, ast.Name))
        elif isinstance(inner, (ast.AugAssign, ast.AnnAssign, ast.NamedExpr)) and isinstance(
                inner.target, ast.Name):
            found.add(inner.target.id)
    return found


def _is_set_to_value(node: ast.Assign, defined: frozenset[str] | set[str] = frozenset()) -> bool:
    """An assignment whose value cannot be ``missing``: not a name that may hold it (only the
    ``defined`` ones cannot), nor the lookup that answers it (``resolve``)."""
    value = node.value
    if isinstance(value, ast.Name):
        return value.id in defined
    return not (isinstance(value, ast.Call) and _is_name(value.func, "resolve"))


class _DropChecks(ast.NodeTransformer):
    """Replaces the undefined check of the variables in ``defined`` by the variable."""

    def __init__(self, defined: set[str]) -> None:
        self.defined = defined

    def visit_IfExp(self, node: ast.IfExp) -> ast.AST:
        found = _undefined_check(node)
        if found is not None and found[0] in self.defined:
            return ast.Name(found[0], ast.Load())
        return self.generic_visit(node)

    def visit_FunctionDef(self, node: ast.FunctionDef) -> ast.AST:
        return node  # a nested function runs later, when a variable may be missing again

    def visit_Lambda(self, node: ast.Lambda) -> ast.AST:
        return node


def _drop_checks(statements: list[ast.stmt], defined: set[str]) -> None:
    """Drop the undefined checks in ``statements`` of the variables surely set by then: set
    to a value by an earlier statement of the same list (or an enclosing one) and not set back
    to ``missing`` since. Each function body starts afresh."""
    defined = set(defined)
    for index, statement in enumerate(statements):
        if isinstance(statement, ast.FunctionDef):
            _drop_checks(statement.body, set())
            continue
        if isinstance(statement, (ast.For, ast.While)):
            if isinstance(statement, ast.For):
                statement.iter = _DropChecks(defined).visit(statement.iter)
            inside = defined - _missing_stores(statement)
            if isinstance(statement, ast.While):
                statement.test = _DropChecks(inside).visit(statement.test)
            if isinstance(statement, ast.For):
                inside |= {n.id for n in ast.walk(statement.target) if isinstance(n, ast.Name)}
            _drop_checks(statement.body, inside)
            _drop_checks(statement.orelse, defined - _missing_stores(statement))
        elif isinstance(statement, ast.If):
            statement.test = _DropChecks(defined).visit(statement.test)
            _drop_checks(statement.body, defined)
            _drop_checks(statement.orelse, defined)
        elif isinstance(statement, (ast.Try, ast.With)):
            for body in ("body", "orelse", "finalbody"):
                _drop_checks(getattr(statement, body, []), set())
            for handler in getattr(statement, "handlers", []):
                _drop_checks(handler.body, set())
        else:
            statements[index] = _DropChecks(defined).visit(statement)
        was = set(defined)
        defined -= _missing_stores(statement)
        if isinstance(statement, ast.Assign) and _is_set_to_value(statement, was):
            defined |= {t.id for t in statement.targets if isinstance(t, ast.Name)}


def _text_part(node: ast.expr) -> ast.expr | None:
    """What one ``yield`` of text contributes to an f-string: a constant, or ``str(x)`` as
    ``{x!s}`` (the same call to ``str``), or None when it is something else."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node
    if (isinstance(node, ast.Call) and _is_name(node.func, "str") and len(node.args) == 1
            and not node.keywords and not isinstance(node.args[0], ast.Starred)):
        return ast.FormattedValue(value=node.args[0], conversion=ord("s"), format_spec=None)
    return None


def _yielded_text(statement: ast.stmt) -> ast.expr | None:
    if (isinstance(statement, ast.Expr) and isinstance(statement.value, ast.Yield)
            and statement.value.value is not None):
        return _text_part(statement.value.value)
    return None


def _one_yield(parts: list[ast.expr], lineno: int) -> ast.stmt:
    values: list[ast.expr] = []
    for part in parts:  # neighbouring constants become one
        last = values[-1] if values else None
        if isinstance(part, ast.Constant) and isinstance(last, ast.Constant):
            values[-1] = ast.Constant(str(last.value) + str(part.value))
        else:
            values.append(part)
    if len(values) == 1 and isinstance(values[0], ast.Constant):
        text: ast.expr = values[0]
    elif len(values) == 1:
        assert isinstance(values[0], ast.FormattedValue)
        text = ast.Call(ast.Name("str", ast.Load()), [values[0].value], [])
    else:
        text = ast.JoinedStr(values)
    return ast.Expr(ast.Yield(text), lineno=lineno)


def _writes_back(statement: ast.stmt) -> bool:
    """Whether ``statement`` reads back as written (ast.unparse cannot write every f-string
    that Python 3.11 reads: an expression with a quote or backslash inside one)."""
    try:
        again = ast.parse(ast.unparse(statement)).body
    except SyntaxError:
        return False
    return len(again) == 1 and ast.dump(again[0]) == ast.dump(statement)


def _join_yields(statements: list[ast.stmt]) -> list[ast.stmt]:
    """Neighbouring ``yield 'text'`` and ``yield str(x)`` become one ``yield f'text{x!s}'``:
    the same text in the same order, with one resumption of the generator instead of many."""
    out: list[ast.stmt] = []
    run: list[ast.expr] = []
    start = 0

    def flush() -> None:
        if not run:
            return
        joined = _one_yield(run, start)
        if _writes_back(joined):
            out.append(joined)
        else:  # only the constants between the other parts are joined
            pending: list[ast.expr] = []
            for part in run:
                if isinstance(part, ast.Constant):
                    pending.append(part)
                    continue
                if pending:
                    out.append(_one_yield(pending, start))
                    pending = []
                out.append(_one_yield([part], start))
            if pending:
                out.append(_one_yield(pending, start))
        run.clear()

    for statement in statements:
        part = _yielded_text(statement)
        if part is not None:
            if not run:
                start = statement.lineno
            run.append(part)
            continue
        flush()
        out.append(statement)
    flush()
    return out


class _Tidy(ast.NodeTransformer):
    """Per statement list: the filter and test lookups as one call each, no ``pass`` beside
    other statements, and neighbouring yields of text joined."""

    def generic_visit(self, node: ast.AST) -> ast.AST:
        super().generic_visit(node)
        for field in ("body", "orelse", "finalbody"):
            statements = getattr(node, field, None)
            if not isinstance(statements, list) or not statements:
                continue
            if not all(isinstance(s, ast.stmt) for s in statements):
                continue
            changed = [_named_lookup(s) or s for s in statements]
            kept = [s for s in changed if not isinstance(s, ast.Pass)] or [ast.Pass()]
            setattr(node, field, _join_yields(kept))
        return node


class _LoopVars(ast.NodeTransformer):
    """Drops ``_loop_vars=_loop_vars`` from ``context.call``: Jinja hands a loop's variables to
    callables that take the context, smartspec's never do, and the runtime's ``call`` drops
    them; the dict then has no reader left, so building it goes too."""

    def visit_Call(self, node: ast.Call) -> ast.AST:
        self.generic_visit(node)
        if (isinstance(node.func, ast.Attribute) and node.func.attr == "call"
                and _is_name(node.func.value, "context")):
            node.keywords = [k for k in node.keywords
                             if not (k.arg in ("_loop_vars", "_block_vars") and _is_name(k.value))]
        return node


def _drop_loop_vars(tree: ast.Module) -> None:
    _LoopVars().visit(tree)
    built: list[ast.stmt] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Assign) and len(node.targets) == 1:
            target = node.targets[0]
            made = _is_name(target, "_loop_vars") and isinstance(node.value, ast.Dict)
            filled = (isinstance(target, ast.Subscript) and _is_name(target.value, "_loop_vars")
                      and isinstance(node.value, (ast.Name, ast.Constant))
                      and isinstance(target.slice, ast.Constant))
            if made or filled:
                built.append(node)
    owned = {id(n) for s in built for n in ast.walk(s)}
    if any(_is_name(n, "_loop_vars") and id(n) not in owned for n in ast.walk(tree)):
        return  # something else reads the dict: keep it
    doomed = {id(s) for s in built}

    class _Drop(ast.NodeTransformer):
        def visit_Assign(self, node: ast.Assign) -> ast.AST | None:
            return None if id(node) in doomed else node

    _Drop().visit(tree)


class _EnvironmentGetattr(ast.NodeTransformer):
    """``environment.getattr(x, 'a')`` (the most common call by far) through a module-level
    name bound once: one global load instead of a variable and a method lookup."""

    def visit_Call(self, node: ast.Call) -> ast.AST:
        self.generic_visit(node)
        if (isinstance(node.func, ast.Attribute) and node.func.attr in ("getattr", "getitem")
                and _is_name(node.func.value, "environment")):
            node.func = ast.Name(f"environment_{node.func.attr}", ast.Load())
        return node


# A module-level name for ``environment.getattr`` pays for itself from this many calls.
_ALIAS_FROM = 4


class _Unalias(ast.NodeTransformer):
    def __init__(self, alias: str) -> None:
        self.alias = alias

    def visit_Name(self, node: ast.Name) -> ast.AST:
        if node.id != self.alias:
            return node
        return ast.Attribute(ast.Name("environment", ast.Load()),
                             self.alias.removeprefix("environment_"), ast.Load())


# Module-level names Jinja writes that the runtime never reads: the block table (compiled
# templates have no blocks) and the line map for Jinja's tracebacks.
_UNUSED_GLOBALS = frozenset({"blocks", "debug_info"})


def optimise(code: str) -> str:
    """The code Jinja wrote for a template (after its import line), smaller and cheaper to load
    and run, rendering the same text; unchanged when it is not the shape expected."""
    tree = ast.parse(code)
    root = next((s for s in tree.body if isinstance(s, ast.FunctionDef) and s.name == "root"),
                None)
    if root is None or any(isinstance(n, (ast.Global, ast.Nonlocal)) for n in ast.walk(tree)):
        return code
    tree.body = [s for s in tree.body if not (
        isinstance(s, ast.Assign) and len(s.targets) == 1
        and _is_name(s.targets[0]) and s.targets[0].id in _UNUSED_GLOBALS)]  # type: ignore[attr-defined]
    _resolved_once(tree)
    _drop_checks(root.body, set())
    _drop_loop_vars(tree)
    if not any(isinstance(n, ast.Name) and n.id.startswith("environment_")
               for n in ast.walk(tree)):
        _EnvironmentGetattr().visit(tree)
        used = {n.id for n in ast.walk(tree) if isinstance(n, ast.Name)}
        calls = [n.func.id for n in ast.walk(tree)
                 if isinstance(n, ast.Call) and isinstance(n.func, ast.Name)]
        for method in ("getattr", "getitem"):
            if calls.count(f"environment_{method}") < _ALIAS_FROM:
                _Unalias(f"environment_{method}").visit(tree)
                used.discard(f"environment_{method}")
        position = tree.body.index(root)
        tree.body[position:position] = ast.parse("".join(
            f"environment_{method} = environment.{method}\n" for method in ("getattr", "getitem")
            if f"environment_{method}" in used)).body
    tree = _Tidy().visit(tree)
    ast.fix_missing_locations(tree)
    return ast.unparse(tree) + "\n"


class _DropChecksEverywhere(_DropChecks):
    """The undefined checks of variables that are never missing, in nested functions too."""

    def visit_FunctionDef(self, node: ast.FunctionDef) -> ast.AST:
        return self.generic_visit(node)

    def visit_Lambda(self, node: ast.Lambda) -> ast.AST:
        return self.generic_visit(node)
