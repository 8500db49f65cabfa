"""Templates compiled at build time render exactly what Jinja renders.

The build compiles every section template to Python (``template_compiler``), and commands run
that code with ``template_runtime`` instead of importing Jinja. These tests compile into a
temporary folder (so they do not depend on how smartspec was installed), then render every
golden and content case both ways and compare the bytes; and they check the runtime's
filters, tests, loops and strict undefined values against Jinja's on small templates.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import jinja2
import pytest

from smartspec import render, template_runtime
from smartspec.template_compiler import PACKAGE, compile_source, jinja_environment, write_package
from tests.content.cases import CASES as CONTENT_CASES
from tests.golden_cases import CASES as GOLDEN_CASES
from tests.helpers import render_case

TEMPLATES = Path(render.__file__).resolve().parent / "templates"


def _forget_compiled(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in [m for m in sys.modules if m == PACKAGE or m.startswith(PACKAGE + ".")]:
        monkeypatch.delitem(sys.modules, name)
    render._compiled_table.cache_clear()
    render.compiled_template.cache_clear()


@pytest.fixture
def compiled(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[list[str]]:
    """Compile the templates into tmp_path and make render use that package."""
    skipped = write_package(TEMPLATES, tmp_path)
    monkeypatch.syspath_prepend(str(tmp_path))
    monkeypatch.delenv("SMARTSPEC_NO_COMPILED_TEMPLATES", raising=False)
    _forget_compiled(monkeypatch)
    yield skipped
    render._compiled_table.cache_clear()
    render.compiled_template.cache_clear()


def test_every_template_compiles(compiled: list[str]) -> None:
    assert compiled == []
    assert render.compiled_template("sections/api.md.j2") is not None
    assert render.compiled_template("code/python/di.j2") is not None


def test_every_case_renders_the_same_compiled_and_with_jinja(
        compiled: list[str], monkeypatch: pytest.MonkeyPatch) -> None:
    cases = {**GOLDEN_CASES, **CONTENT_CASES}
    through_code = {name: render_case(argv) for name, argv in sorted(cases.items())}
    monkeypatch.setenv("SMARTSPEC_NO_COMPILED_TEMPLATES", "1")
    render._compiled_table.cache_clear()
    render.compiled_template.cache_clear()
    assert render.compiled_template("sections/api.md.j2") is None
    for name, argv in sorted(cases.items()):
        assert render_case(argv) == through_code[name], name


def test_each_compiled_template_is_held_with_the_exact_bytes_it_was_compiled_from(
        compiled: list[str]) -> None:
    assert render.compiled_template("sections/api.md.j2") is not None
    table = sys.modules[PACKAGE].TEMPLATES
    assert len(table) > 30
    for name, (module, function) in table.items():
        __import__(f"{PACKAGE}.{module}")
        holder = sys.modules[f"{PACKAGE}.{module}"]
        assert (TEMPLATES / name).read_bytes() == holder.SOURCES[name], name
        assert callable(getattr(holder, function)().__call__), name


def test_templates_are_grouped_by_folder_and_compact_sections_apart(
        compiled: list[str]) -> None:
    table = render._compiled_table()
    assert table["sections/di.md.j2"] == ("g_sections", "t_sections_di_md_j2")
    assert table["sections/compact-overview.md.j2"][0] == "g_sections_compact"
    assert table["code/go/saga.j2"] == ("g_code_go", "t_code_go_saga_j2")
    assert {module for module, _ in table.values()} == {
        "g_sections", "g_sections_compact", *(f"g_code_{lang}" for lang in
                                               ("csharp", "go", "java", "python", "typescript"))}


def test_a_template_edited_after_the_build_is_rendered_by_jinja(
        compiled: list[str], monkeypatch: pytest.MonkeyPatch) -> None:
    original = render.template_source
    monkeypatch.setattr(render, "template_source",
                        lambda name: (original(name) or b"") + b"{# edited #}")
    render.compiled_template.cache_clear()
    assert render.compiled_template("sections/api.md.j2") is None


def test_a_package_built_by_another_version_is_left_to_jinja(tmp_path: Path,
                                                              monkeypatch: pytest.MonkeyPatch
                                                              ) -> None:
    # A source checkout updated without reinstalling keeps the compiled package its last
    # install built: a table naming modules it does not hold (or modules of another shape)
    # means Jinja renders the spec, the same text, never an ImportError.
    package = tmp_path / PACKAGE
    package.mkdir()
    (package / "__init__.py").write_text(
        "TEMPLATES = {'sections/api.md.j2': ('t_gone', 'root'),"
        " 'sections/overview.md.j2': ('t_old', 'root')}\n", encoding="utf-8")
    (package / "t_old.py").write_text("def root():\n    return None\n", encoding="utf-8")
    monkeypatch.syspath_prepend(str(tmp_path))
    monkeypatch.delenv("SMARTSPEC_NO_COMPILED_TEMPLATES", raising=False)
    _forget_compiled(monkeypatch)
    assert render.compiled_template("sections/api.md.j2") is None
    assert render.compiled_template("sections/overview.md.j2") is None
    golden = Path(__file__).resolve().parents[1] / "data" / "golden" / "basic-standard.md"
    assert render_case(GOLDEN_CASES["basic-standard"]) == golden.read_text(encoding="utf-8")
    render._compiled_table.cache_clear()
    render.compiled_template.cache_clear()

def _both(source: str, **values: Any) -> tuple[str, str]:
    """(what Jinja renders, what the compiled code renders) for one small template."""
    env = jinja_environment()
    expected = env.from_string(source).render(**values)
    code = compile_source(env, "inline.j2", source)
    assert code is not None, "the compiler refused the template"
    namespace: dict[str, Any] = {}
    exec(compile(code, "inline.j2", "exec"), namespace)
    template = template_runtime.Template(template_runtime.ENVIRONMENT, "inline.j2", namespace["root"])
    return expected, template.render(**values)


ITEMS = [SimpleNamespace(name="Beta", method="POST", kind="cache", n=3, flag=False),
         SimpleNamespace(name="alpha", method="GET", kind="gateway", n=1, flag=True),
         SimpleNamespace(name="Gamma", method="PUT", kind="other", n=2, flag=False)]


@pytest.mark.parametrize("source", [
    "{% for i in items %}{{ loop.index }}:{{ i.name }}{{ '' if loop.last else ', ' }}{% endfor %}",
    "{% for i in items if i.n > 1 %}{{ i.name }}{% else %}none{% endfor %}|{% for i in [] %}x"
    "{% else %}empty{% endfor %}",
    "{{ ['Redis', 'redis', 'Kafka', 'REDIS'] | unique | join(',') }} "
    "{{ ['a', 'A'] | unique(case_sensitive=true) | list }}",
    "{{ items | unique(attribute='kind') | map(attribute='name') | join(',') }}",
    "{{ items | map(attribute='name') | join(', ') }}",
    "{{ items | map(attribute='name') | map('lower') | list }}",
    "{{ items | selectattr('method', 'in', ['POST', 'PUT']) | map(attribute='name') | list }}",
    "{{ items | selectattr('flag', 'false') | map(attribute='name') | join('; ') }}",
    "{{ items | selectattr('kind', 'equalto', 'cache') | list | length }}",
    "{{ ['Stripe', 'Other', 'PayPal'] | select('in', ['Stripe', 'PayPal']) | list }}",
    "{{ items | min(attribute='n') }} {{ (items | max(attribute='name')).name }}",
    "{{ (items | first).name }} {{ 'hello world-wide (x' | title }} {{ 'ab cD' | capitalize }}",
    "{{ 'a_b_c' | replace('_', ' ') }} {{ 'a-b' | replace('-', '+', 1) }} {{ 42 | string }}",
    "{{ missing_value | default('fallback') }} {{ none | default('kept') }}",
    "{% set ns = namespace(k=0) %}{% for i in items %}{% set ns.k = ns.k + i.n %}{% endfor %}"
    "{{ ns.k }}",
    "{% macro row(a, b='B') %}[{{ a }}|{{ b }}]{% endmacro %}{{ row(1) }}{{ row(2, b=3) }}",
    "{{ ['card', 'bank', 'wallet'] | oxford }} {{ 'Card Payments' | kebab }} "
    "{{ 'card payments' | pascal }} {{ 'card-payments' | camel }} {{ 'A b' | slug }}",
    "{% if x is none %}none{% elif x is defined %}def{% endif %} {{ items | length }}",
    "line\n  {% if True %}\n  kept\n  {% endif %}\ntrailing\n",
])
def test_the_runtime_renders_what_jinja_renders(source: str) -> None:
    expected, got = _both(source, items=ITEMS, x=None)
    assert got == expected


def test_an_undefined_value_fails_as_in_strict_jinja() -> None:
    env = jinja_environment()
    with pytest.raises(jinja2.UndefinedError):
        env.from_string("{{ nothing.here }}").render()
    code = compile_source(env, "inline.j2", "{{ nothing.here }}")
    assert code is not None
    namespace: dict[str, Any] = {}
    exec(compile(code, "inline.j2", "exec"), namespace)
    template = template_runtime.Template(template_runtime.ENVIRONMENT, "inline.j2", namespace["root"])
    with pytest.raises(template_runtime.UndefinedError, match="'nothing' is undefined"):
        template.render()


@pytest.mark.parametrize("source", [
    "{% include 'other.j2' %}",
    "{{ value | wordcount }}",
    "{% macro m() %}{{ varargs }}{% endmacro %}{{ m(1) }}",
    "{{ items | map(some_name) | list }}",
])
def test_the_compiler_leaves_what_the_runtime_lacks_to_jinja(source: str) -> None:
    assert compile_source(jinja_environment(), "inline.j2", source) is None
