"""SpecPlan -> spec text. One Jinja template per section (package data under ``templates/``);
this module assembles the header, the settings comment, numbered headings, critical tags and
separators, so templates only write section bodies.

User text (name, title, description) reaches templates already made inline-safe and is only
ever a template *variable*: it is never compiled as a template, so ``{{ x }}`` or ``{% raw %}``
in a description appears as typed.
"""

from __future__ import annotations

import os
import sys
from functools import cache, lru_cache

from smartspec.content.sql import schema_for
from smartspec.content.system import describe_system
from smartspec.domains import material_for
from smartspec.markers import CRITICAL_CLOSE, critical_open, inline_user_text, settings_comment
from smartspec.targets import targets_for
from smartspec.template_runtime import Deferred, materialized

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Collection
    from typing import Any

    import jinja2

    from smartspec.plan import PlannedSection, SpecPlan

# A ```python block starts on a line of its own with this, and ends at the next line that is
# just ``` (or runs to the end of a section that never closes it: then it is not a block).
_PYTHON_OPEN = "```python\n"


@lru_cache(maxsize=1)
def environment() -> jinja2.Environment:
    """The one Jinja environment: templates from package data, StrictUndefined, no escaping
    (the output is Markdown, and user text is escaped where it enters, see ``meta``). Used
    only for templates the build did not compile (see ``compiled_template``)."""
    import jinja2

    from smartspec.template_compiler import jinja_environment

    def load(name: str) -> str | None:
        source = template_source(name)
        return None if source is None else source.decode("utf-8")

    env = jinja_environment(jinja2.FunctionLoader(load))
    env.bytecode_cache = _bytecode_cache()
    env.globals["know"] = _knowledge_entry
    return env


def template_source(name: str) -> bytes | None:
    """The bytes of one template (package data), or None when there is no such template."""
    from smartspec.packagedata import find_data

    return find_data("templates", *name.split("/"))


@lru_cache(maxsize=1)
def _compiled_table() -> dict[str, tuple[str, str]]:
    """name -> (module, function that makes its ``root``), from the package the build writes
    beside smartspec; empty when there is none (a source checkout not installed)."""
    if os.environ.get("SMARTSPEC_NO_COMPILED_TEMPLATES"):
        return {}
    try:
        # As importlib.import_module, without loading importlib (and warnings) for it.
        __import__("_smartspec_templates")
    except ImportError:
        return {}
    return dict(sys.modules["_smartspec_templates"].TEMPLATES)


@cache
def compiled_template(name: str) -> Any:
    """The compiled form of template ``name`` (a ``template_runtime.Template``), or None when
    the build did not compile it or its source changed since: Jinja renders it then."""
    entry = _compiled_table().get(name)
    if entry is None:
        return None
    module, function = entry
    source = template_source(name)
    if source is None:
        return None
    from smartspec import template_runtime

    runtime = template_runtime.ENVIRONMENT
    if runtime.loader is None:
        runtime.globals["know"] = _knowledge_entry
        runtime.loader = _runtime_loader
    try:
        __import__(f"_smartspec_templates.{module}")
    except ImportError:
        return None  # a package another version of smartspec built: its table names others
    compiled = sys.modules[f"_smartspec_templates.{module}"]
    # The module holds the bytes each template was compiled from: any other bytes mean the
    # template was edited since the build (comparing costs nothing next to hashing it).
    sources = getattr(compiled, "SOURCES", None)
    make_root = getattr(compiled, function, None)
    if not isinstance(sources, dict) or sources.get(name) != source or make_root is None:
        return None
    return template_runtime.Template(runtime, name, make_root())


def _runtime_loader(name: str) -> Any:
    """An ``{% import %}`` inside a compiled template: compiled too, or the section falls back."""
    from smartspec.template_runtime import TemplateNotFound

    template = compiled_template(name)
    if template is None:
        raise TemplateNotFound(name)
    return template


def _knowledge_entry(name: str) -> Any:
    """The knowledge-base entry of a technology, for the facts a section states about it."""
    from smartspec.knowledge import lookup

    return lookup(name)


def _bytecode_cache() -> jinja2.BytecodeCache | None:
    """Compiled templates cached per user (like __pycache__): compiling every template on
    every run costs more than the rest of a run. Jinja checks each template's source checksum,
    so an edited template is recompiled. No cache when the folder cannot be written."""
    import jinja2

    from smartspec import __version__

    if os.environ.get("SMARTSPEC_NO_CACHE"):
        return None
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    parent = os.path.join(base, "smartspec")
    folder = os.path.join(parent, f"templates-{__version__}")
    # Jinja loads this cache with ``marshal``: code anyone else could write there would run
    # as this user. So both folders must be real folders (not links) this user owns that
    # nobody else can write; otherwise templates are compiled afresh (slower, never unsafe).
    from smartspec.errors import WorkspaceError
    from smartspec.workspace import ensure_private_dir

    try:
        os.makedirs(base, exist_ok=True)
        for part in (parent, folder):
            ensure_private_dir(part, what="template cache folder")
    except (OSError, WorkspaceError):
        return None
    return jinja2.FileSystemBytecodeCache(folder)


# What may open a Markdown block when it starts a line: headings, fences, quotes, HTML,
# list bullets, thematic breaks, setext underlines, tables; and "1." or "1)" (ordered lists).
# The same test as the pattern ``^(?:[#`~>< \t*+\-=|_]|\d+[.)])``, with str methods: it runs
# on every spec, and compiling the pattern cost more than all its uses.
_BLOCK_START_CHARS = frozenset("#`~>< \t*+-=|_")


def user_text(text: str) -> str:
    """User text made inline-safe (``inline_user_text``) and unable to start a Markdown block
    wherever a template places it: a leading character that could open a heading, a fence, a
    quote, a list or an HTML block is backslash-escaped, which CommonMark renders as the plain
    character. So ``--title '## Security'`` can never add a section to the spec."""
    safe = inline_user_text(text)
    first = safe[:1]
    if first in _BLOCK_START_CHARS:
        return "\\" + safe
    if first.isdecimal():  # what ``\d`` matches in a str pattern (Unicode category Nd)
        end = 1
        while safe[end:end + 1].isdecimal():
            end += 1
        if safe[end:end + 1] in (".", ")"):
            return safe[:end] + "\\" + safe[end:]
    return safe


def context(plan: SpecPlan, *, related: Any = None) -> dict[str, Any]:
    """What every section template sees. ``spec`` holds the user's words, made inline-safe."""
    return {
        "plan": plan,
        "model": plan.model,
        "facts": plan.facts,
        "spec": {
            "title": user_text(plan.title),
            "description": user_text(plan.description),
            "name": user_text(plan.name),
            "id": plan.spec_id,
        },
        "targets": targets_for(plan.profile, plan.domains, staff_only=plan.model.staff_only),
        "related": related,
        "system": describe_system(plan),
        # The stack, the code examples' subject, the per-service targets and the domain
        # material are made when a section first asks: a compact spec asks for none of them.
        "stack": Deferred(lambda: _stack(plan)),
        "code": Deferred(lambda: _code_subject(plan)),
        "schema": schema_for(plan),
        "service_targets": Deferred(lambda: _service_targets(plan)),
        "ref": lambda key: _reference(plan, key),
        "proto_for": _proto_for,
        "graphql_sdl": _graphql_sdl,
        "packs": Deferred(lambda: material_for(plan)),
    }


def _stack(plan: SpecPlan) -> Any:
    from smartspec.content.stacks import stack_for

    return stack_for(plan)


def _code_subject(plan: SpecPlan) -> Any:
    from smartspec.content.stacks import code_subject

    return code_subject(plan)


def _service_targets(plan: SpecPlan) -> Any:
    from smartspec.content.services import service_targets

    return service_targets(plan)


# The API section's protobuf and GraphQL schemas. The section asks for both whatever the
# model's interfaces are; the module that writes them is imported only for a model with an
# operation of that kind (most have neither: both are empty then, as the module returns).
def _proto_for(model: Any) -> Any:
    if not any(o.interface == "grpc" for o in model.operations):
        return ""
    from smartspec.content.proto import proto_for

    return proto_for(model)


def _graphql_sdl(model: Any) -> Any:
    if not any(o.interface == "graphql" for o in model.operations):
        return ""
    from smartspec.content.proto import graphql_sdl

    return graphql_sdl(model)


def _reference(plan: SpecPlan, key: str) -> str:
    """How one section points at another: by the number and title it really has."""
    found = next((s for s in plan.sections if s.key == key), None)
    if found is None:
        from smartspec import catalog

        return f"a {catalog.title_for(key, plan.profile, plan.security)} section"
    return f"section {found.number}, {found.title}"


def render_section(plan: SpecPlan, section: PlannedSection, ctx: dict[str, Any]) -> str:
    name = f"sections/{section.key}.md.j2"
    body = None
    compiled = compiled_template(name)
    if compiled is not None:
        from smartspec.template_runtime import TemplateNotFound

        try:
            body = compiled.render(ctx, n=section.number, section=section)
        except TemplateNotFound:
            body = None  # it imports a template the build did not compile: Jinja renders it
    if body is None:
        body = environment().get_template(name).render(materialized(ctx), n=section.number,
                                                        section=section)
    return _tidy(body).strip("\n")


def section_block(section: PlannedSection, body: str, *, last: bool = False) -> str:
    """One numbered section with its critical tags and trailing separator."""
    lines: list[str] = []
    if section.critical:
        lines += [critical_open(section.critical, section.allow_update)]
    lines += [f"## {section.number}. {section.title}", "", body]
    if section.critical:
        lines += ["", CRITICAL_CLOSE]
    if not last:
        lines += ["", "---"]
    return "\n".join(lines) + "\n"


def render_header(plan: SpecPlan) -> str:
    title = user_text(plan.title)
    # Compact mode has no DI section, so the header does not claim a DI level it never shows.
    di = plan.di if plan.mode != "compact" or plan.has("di") else "none (compact mode)"
    levels = f"security {plan.security} · di {di} · performance {plan.performance}"
    lines = [
        f"# {plan.display_id}: {title}",
        "",
        f"**Spec ID:** {plan.spec_id}",
        f"**Status:** {plan.status}",
        f"**Profile:** {plan.profile}",
        f"**Mode:** {plan.mode.upper() if plan.mode == 'compact' else plan.mode}",
        f"**Version:** {plan.version}",
        f"**Author:** {inline_user_text(plan.author)}",
        f"**Created:** {plan.created:%Y-%m-%d}",
        f"**Updated:** {plan.updated:%Y-%m-%d}",
        f"**Category:** {plan.category}",
        f"**Domains:** {', '.join(plan.domains) if plan.domains else 'none'}",
        f"**Levels:** {levels}",
    ]
    if plan.organization:
        lines.append(f"**Organization:** {inline_user_text(plan.organization)}")
    if plan.depends_on:
        lines.append(f"**Depends on:** {', '.join(plan.depends_on)}")
    if plan.description:
        lines += ["", f"> {user_text(plan.description)}"]
    lines += ["", settings_comment(plan.settings_record()), "", "---", ""]
    return "\n".join(lines)


def render(plan: SpecPlan, *, related: Any = None, skip: Collection[str] = ()) -> str:
    """The whole spec as text (LF line endings, one trailing newline). Sections in ``skip``
    get their heading and tags but no body: an edit that keeps their old text whatever is
    rendered (``merge.kept_keys``) does not pay for rendering them."""
    ctx = context(plan, related=related)
    parts = [render_header(plan)]
    for position, section in enumerate(plan.sections):
        body = "" if section.key in skip else render_section(plan, section, ctx)
        parts.append(section_block(section, body, last=position == len(plan.sections) - 1))
    return "\n".join(parts)


def _tidy(text: str) -> str:
    """A section body without trailing blanks on its lines and with at most one empty line in
    a row (what the templates' block tags leave behind); Python code keeps up to two, as PEP 8
    puts two empty lines between top-level definitions."""
    # The same as ``re.sub(r"[ \t]+$", "", text, flags=re.MULTILINE)`` (``$`` is each "\n"
    # and the end), which, tried at every position of a 60 KB spec, cost milliseconds; str
    # methods find out in microseconds whether there is anything to remove.
    if " \n" in text or "\t\n" in text or text.endswith((" ", "\t")):
        text = "\n".join([line.rstrip(" \t") for line in text.split("\n")])
    if "\n\n\n" not in text:
        return text
    # What the pattern ``^```python\n.*?^```$|\n{3,}`` (multi-line, dot-all) cut, with str
    # methods: that pattern tried its first branch at every line start, a quarter of a
    # financial render's work.
    parts = []
    position = 0
    while (start := _python_block_start(text, position)) >= 0:
        end = _python_block_end(text, start + len(_PYTHON_OPEN))
        if end < 0:
            break  # no block closes here, and none further on can close either
        parts += [_cut_runs(text[position:start], 2), _cut_runs(text[start:end], 3)]
        position = end
    parts.append(_cut_runs(text[position:], 2))
    return "".join(parts)


def _python_block_start(text: str, position: int) -> int:
    """Where the next ```python line at or after ``position`` starts, or -1."""
    start = text.find(_PYTHON_OPEN, position)
    while start > 0 and text[start - 1] != "\n":
        start = text.find(_PYTHON_OPEN, start + 1)
    return start


def _python_block_end(text: str, after: int) -> int:
    """The end of the first line that is just ``` starting at or after ``after`` (a line
    start), or -1."""
    found = text.find("\n```", after - 1)
    while found >= 0:
        end = found + len("\n```")
        if end == len(text) or text[end] == "\n":
            return end
        found = text.find("\n```", found + 1)
    return -1


def _cut_runs(text: str, most: int) -> str:
    """``text`` with every run of more than ``most`` line feeds cut to ``most``. Each pass
    shortens every longer run by at least one, so a few passes (a C scan each) settle all."""
    longer, kept = "\n" * (most + 1), "\n" * most
    while longer in text:
        text = text.replace(longer, kept)
    return text
