"""Run section templates that were compiled to Python at build time, without importing Jinja.

Importing Jinja costs a command more than everything else it renders, and smartspec's
templates never change between runs of an installed copy. The build (``hatch_build.py``)
therefore asks Jinja's own compiler for each template's Python code once, and writes it into
the ``_smartspec_templates`` package beside smartspec (see ``template_compiler``). That code
calls a small set of run-time helpers (``LoopContext``, ``Macro``, ``missing``,
``environment.getattr`` …); this module provides them, with the behaviour Jinja gives them
for templates configured as smartspec's are (no autoescape, strict undefined, synchronous).

Only the filters and tests listed in ``FILTERS`` and ``TESTS`` exist here. The compiler
refuses to compile a template that uses any other (it is then rendered by Jinja), so a
template can never reach a filter this module lacks.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping
from itertools import chain

from smartspec.lazyre import lazy_re
from smartspec.prose import ascii_words, oxford

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

__all__ = [
    "ENVIRONMENT", "FILTERS", "SMARTSPEC_FILTERS", "TESTS", "Deferred", "Environment",
    "LoopContext", "Macro", "Markup", "Namespace", "TemplateNotFound", "TemplateReference",
    "TemplateRuntimeError", "Undefined",
    "escape", "identity", "internalcode", "markup_join", "missing", "named", "str_join",
]


class _Missing:
    """The marker compiled code compares names against: "not set in any scope"."""

    __slots__ = ()

    def __repr__(self) -> str:
        return "missing"

    def __reduce__(self) -> str:
        return "missing"


missing: Any = _Missing()


class Deferred:
    """A value of the template context made when a template first asks for it: some cost
    milliseconds (and imports) that only a few sections use, so a plan without those
    sections never pays for them. Made once, however many templates ask."""

    __slots__ = ("_make", "_value")

    def __init__(self, make: Callable[[], Any]) -> None:
        self._make = make
        self._value: Any = missing

    def value(self) -> Any:
        if self._value is missing:
            self._value = self._make()
        return self._value


def materialized(values: Mapping[str, Any]) -> dict[str, Any]:
    """``values`` with every deferred value made (for Jinja, which does not know them)."""
    return {key: value.value() if type(value) is Deferred else value
            for key, value in values.items()}


class TemplateRuntimeError(Exception):
    """A template asked for something that does not exist (a filter, a test, a value)."""


class UndefinedError(TemplateRuntimeError):
    """A template used a value that is not defined (templates are strict)."""


class TemplateNotFound(LookupError):
    """No compiled template of that name (the caller renders with Jinja instead)."""


class Undefined:
    """A name or attribute that does not exist. As in strict Jinja templates, any use other
    than a ``defined`` test, an ``is none`` test or ``default`` fails with one sentence."""

    __slots__ = ("_hint", "_name", "_obj")

    def __init__(self, hint: str | None = None, obj: Any = missing, name: str | None = None,
                 exc: type[Exception] = UndefinedError) -> None:
        self._hint = hint
        self._obj = obj
        self._name = name

    def _message(self) -> str:
        if self._hint is not None:
            return self._hint
        if self._obj is missing:
            return f"{self._name!r} is undefined"
        return f"{type(self._obj).__name__!r} object has no attribute {self._name!r}"

    def _fail(self, *args: Any, **kwargs: Any) -> Any:
        raise UndefinedError(self._message())

    def __getattr__(self, name: str) -> Any:
        if name.startswith("__"):
            raise AttributeError(name)
        return self._fail()

    __str__ = __iter__ = __len__ = __bool__ = __call__ = __getitem__ = _fail
    __eq__ = __ne__ = __hash__ = __contains__ = _fail
    __add__ = __radd__ = __sub__ = __rsub__ = __mul__ = __rmul__ = _fail
    __truediv__ = __rtruediv__ = __floordiv__ = __rfloordiv__ = __mod__ = __rmod__ = _fail
    __lt__ = __le__ = __gt__ = __ge__ = __int__ = __float__ = __neg__ = __pos__ = _fail

    def __repr__(self) -> str:
        return "Undefined"


class Markup(str):
    """Present because compiled code imports it; without autoescape nothing builds one."""

    __slots__ = ()


def escape(value: Any) -> str:
    """Compiled code imports it; it only runs with autoescape, which smartspec never turns on."""
    raise TemplateRuntimeError("autoescape is not supported by compiled smartspec templates")


def identity(value: Any) -> Any:
    return value


def internalcode(func: Callable[..., Any]) -> Callable[..., Any]:
    return func


def str_join(seq: Iterable[Any]) -> str:
    return "".join(map(str, seq))


markup_join = str_join  # the same without autoescape: nothing is Markup


def named(table: Mapping[str, Callable[..., Any]], kind: str, name: str) -> Callable[..., Any]:
    """The filter or test ``name`` of ``table``; when there is none, a function that fails
    when the template calls it, with Jinja's words (as the code Jinja writes does)."""
    found = table.get(name)
    if found is not None:
        return found

    def fail(*unused: Any) -> Any:
        raise TemplateRuntimeError(f"No {kind} named {name!r} found.")

    return fail


class Namespace:
    """``namespace(...)``: attributes a loop body can assign to."""

    def __init__(*args: Any, **kwargs: Any) -> None:
        self, rest = args[0], args[1:]
        self.__dict__.update(dict(*rest, **kwargs))

    def __getitem__(self, name: str) -> Any:
        return self.__dict__[name]

    def __setitem__(self, name: str, value: Any) -> None:
        self.__dict__[name] = value  # ``{% set ns.k = ... %}``

    def __repr__(self) -> str:
        return f"<Namespace {self.__dict__!r}>"


class TemplateReference:
    """``self`` in a template: only imported by compiled code, never used by smartspec's."""

    def __init__(self, context: Context) -> None:
        self._context = context


class EvalContext:
    __slots__ = ("autoescape", "environment", "volatile")

    def __init__(self, environment: Environment) -> None:
        self.environment = environment
        self.autoescape = False
        self.volatile = False


class LoopContext:
    """``loop`` inside a for loop: index, index0, first, last, length, revindex, previtem,
    nextitem. The next item is read ahead only when ``last`` or ``nextitem`` asks."""

    def __init__(self, iterable: Iterable[Any], undefined: type[Undefined],
                 recurse: Any = None, depth0: int = 0) -> None:
        self._iterator = iter(iterable)
        self._iterable = iterable
        self._undefined = undefined
        self._after: Any = missing
        self._before: Any = missing
        self._current: Any = missing
        self.index0 = -1
        self.depth0 = depth0

    @property
    def index(self) -> int:
        return self.index0 + 1

    @property
    def depth(self) -> int:
        return self.depth0 + 1

    @property
    def first(self) -> bool:
        return self.index0 == 0

    def _peek(self) -> Any:
        if self._after is missing:
            self._after = next(self._iterator, missing)
        return self._after

    @property
    def last(self) -> bool:
        return self._peek() is missing

    @property
    def length(self) -> int:
        iterable = self._iterable
        try:
            return len(iterable)  # type: ignore[arg-type]
        except TypeError:
            rest = list(self._iterator)
            self._iterator = iter(rest)
            return self.index0 + (self._after is not missing) + len(rest) + 1

    @property
    def revindex(self) -> int:
        return self.length - self.index0

    @property
    def revindex0(self) -> int:
        return self.length - self.index

    @property
    def previtem(self) -> Any:
        return self._undefined("there is no previous item") if self.first else self._before

    @property
    def nextitem(self) -> Any:
        after = self._peek()
        return self._undefined("there is no next item") if after is missing else after

    def cycle(self, *args: Any) -> Any:
        if not args:
            raise TypeError("no items for cycling given")
        return args[self.index0 % len(args)]

    def changed(self, *value: Any) -> bool:
        previous = getattr(self, "_changed", missing)
        self._changed = value
        return bool(previous != value)

    def __iter__(self) -> LoopContext:
        return self

    def __next__(self) -> tuple[Any, LoopContext]:
        if self._after is not missing:
            current, self._after = self._after, missing
        else:
            current = next(self._iterator)
        self.index0 += 1
        self._before = self._current
        self._current = current
        return current, self


class Macro:
    """A ``{% macro %}``: positional and keyword arguments are matched to its parameters;
    the ones not given are ``missing`` (the compiled body fills in defaults)."""

    def __init__(self, environment: Environment, func: Callable[..., str], name: str,
                 arguments: tuple[str, ...], catch_kwargs: bool, catch_varargs: bool,
                 caller: bool, default_autoescape: bool | None = None) -> None:
        if catch_kwargs or catch_varargs or caller:
            raise TemplateRuntimeError(
                f"macro {name!r} uses varargs, kwargs or caller, which compiled smartspec "
                "templates do not support")
        self._environment = environment
        self._func = func
        self.name = name
        self.arguments = arguments

    def __call__(self, *args: Any, **kwargs: Any) -> str:
        if len(args) > len(self.arguments):
            raise TypeError(f"macro {self.name!r} takes not more than "
                            f"{len(self.arguments)} argument(s)")
        values = list(args)
        for name in self.arguments[len(args):]:
            values.append(kwargs.pop(name, missing))
        if kwargs:
            raise TypeError(f"macro {self.name!r} takes no keyword argument "
                            f"{next(iter(kwargs))!r}")
        return self._func(*values)

    def __repr__(self) -> str:
        return f"<Macro {self.name!r}>"


class Context:
    """The variables a template sees: ``parent`` (what it was rendered or imported with)
    under ``vars`` (what it sets itself); ``exported_vars`` are what an import exposes."""

    def __init__(self, environment: Environment, parent: dict[str, Any], name: str) -> None:
        self.environment = environment
        self.parent = parent
        self.vars: dict[str, Any] = {}
        self.exported_vars: set[str] = set()
        self.name = name
        self.eval_ctx = EvalContext(environment)

    def resolve_or_missing(self, key: str) -> Any:
        if key in self.vars:
            return self.vars[key]
        if key in self.parent:
            value = self.parent[key]
            return value.value() if type(value) is Deferred else value
        return missing

    def resolve(self, key: str) -> Any:
        value = self.resolve_or_missing(key)
        return self.environment.undefined(name=key) if value is missing else value

    def get_all(self) -> dict[str, Any]:
        if not self.vars:
            return self.parent
        if not self.parent:
            return self.vars
        return {**self.parent, **self.vars}

    def get_exported(self) -> dict[str, Any]:
        return {key: self.vars[key] for key in self.exported_vars}

    def call(__self, __obj: Any, *args: Any, **kwargs: Any) -> Any:
        # Inside loops and blocks the code hands over the loop's variables for callables that
        # take the context; smartspec's globals never do, so they are dropped, as Jinja does.
        kwargs.pop("_loop_vars", None)
        kwargs.pop("_block_vars", None)
        # Jinja turns a StopIteration escaping a call into an undefined value; so do we.
        try:
            return __obj(*args, **kwargs)
        except StopIteration:
            return __self.environment.undefined(
                "value was undefined because a callable raised a StopIteration exception")


class TemplateModule:
    """An imported template: its exported names (macros, set variables) as attributes."""

    def __init__(self, template: Template, context: Context) -> None:
        self._body = list(template.root(context))
        self.__dict__.update(context.get_exported())
        self.__name__ = template.name

    def __str__(self) -> str:
        return "".join(self._body)


class Template:
    """One compiled template: its ``root`` render function and the environment it runs in."""

    def __init__(self, environment: Environment, name: str,
                 root: Callable[[Context], Iterator[str]]) -> None:
        self.environment = environment
        self.name = name
        self.root = root

    def new_context(self, values: Mapping[str, Any], shared: bool = False,
                    local: Mapping[str, Any] | None = None) -> Context:
        parent = dict(values) if shared else {**self.environment.globals, **values}
        if local:
            if shared:
                parent = dict(parent)
            parent.update((k, v) for k, v in local.items() if v is not missing)
        return Context(self.environment, parent, self.name)

    def render(self, *args: Any, **kwargs: Any) -> str:
        return "".join(self.root(self.new_context(dict(*args, **kwargs))))

    def make_module(self, values: Mapping[str, Any] | None = None, shared: bool = False,
                    local: Mapping[str, Any] | None = None) -> TemplateModule:
        return TemplateModule(self, self.new_context(values or {}, shared, local))


def _pass(kind: str) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Mark what a filter or test takes first, as Jinja's ``pass_context`` and friends do."""
    def mark(func: Callable[..., Any]) -> Callable[..., Any]:
        func.smartspec_pass_arg = kind  # type: ignore[attr-defined]
        return func
    return mark


_DICT_ATTRIBUTES = frozenset(dir(dict))


_TUPLE_GETITEM = tuple.__getitem__


class Environment:
    """What compiled code reads from ``environment``: the undefined type, concat, filters,
    tests, globals, attribute and item lookup, and the other compiled templates (for
    ``{% import %}``). ``templates`` maps a template name to its compiled root function."""

    is_async = False
    autoescape = False
    finalize = None

    def __init__(self) -> None:
        self.undefined = Undefined
        self.concat = "".join
        self.filters: dict[str, Callable[..., Any]] = {**FILTERS, **SMARTSPEC_FILTERS}
        self.tests: dict[str, Callable[..., Any]] = dict(TESTS)
        self.globals: dict[str, Any] = {"range": range, "dict": dict, "namespace": Namespace}
        self.loader: Callable[[str], Template] | None = None

    def getattr(self, obj: Any, attribute: str) -> Any:
        # Most lookups are keys of the plain dicts a template is given (``spec.title``); a
        # dict has no attributes but its methods, so its key is looked up straight away
        # instead of after a failed attribute lookup (an exception per access).
        if type(obj) is dict and attribute not in _DICT_ATTRIBUTES:
            try:
                return obj[attribute]
            except KeyError:
                return self.undefined(obj=obj, name=attribute)
        try:
            return getattr(obj, attribute)
        except AttributeError:
            pass
        try:
            return obj[attribute]
        except (TypeError, LookupError, AttributeError):
            return self.undefined(obj=obj, name=attribute)

    def getitem(self, obj: Any, argument: Any) -> Any:
        if isinstance(argument, str) and getattr(type(obj), "__getitem__",
                                                 _TUPLE_GETITEM) is _TUPLE_GETITEM:
            # A record (a tuple, or an object without items) has no item by name: asking for
            # one only raises before the attribute answers (``map(attribute=...)`` on records).
            try:
                return getattr(obj, argument)
            except AttributeError:
                return self.undefined(obj=obj, name=argument)
        try:
            return obj[argument]
        except (AttributeError, TypeError, LookupError):
            if isinstance(argument, str):
                try:
                    return getattr(obj, argument)
                except AttributeError:
                    pass
            return self.undefined(obj=obj, name=argument)

    def _call(self, table: dict[str, Callable[..., Any]], kind: str, name: str, value: Any,
              args: Iterable[Any] | None, kwargs: Mapping[str, Any] | None,
              context: Context | None) -> Any:
        func = table.get(name)
        if func is None:
            raise TemplateRuntimeError(f"No {kind} named {name!r}.")
        given = [value, *(args or ())]
        first = getattr(func, "smartspec_pass_arg", None)
        if first == "context":
            if context is None:
                raise TemplateRuntimeError(f"Attempted to invoke a context {kind} without context.")
            given.insert(0, context)
        elif first == "eval_context":
            given.insert(0, context.eval_ctx if context is not None else EvalContext(self))
        elif first == "environment":
            given.insert(0, self)
        return func(*given, **(kwargs or {}))

    def call_filter(self, name: str, value: Any, args: Iterable[Any] | None = None,
                    kwargs: Mapping[str, Any] | None = None, context: Context | None = None,
                    eval_ctx: EvalContext | None = None) -> Any:
        return self._call(self.filters, "filter", name, value, args, kwargs, context)

    def call_test(self, name: str, value: Any, args: Iterable[Any] | None = None,
                  kwargs: Mapping[str, Any] | None = None, context: Context | None = None,
                  eval_ctx: EvalContext | None = None) -> Any:
        return self._call(self.tests, "test", name, value, args, kwargs, context)

    def get_template(self, name: Any, parent: str | None = None) -> Template:
        if self.loader is None:
            raise TemplateNotFound(str(name))
        return self.loader(str(name))


# ---- filters: the same results as Jinja's for non-Markup values -----------------------------

def _attribute_parts(attribute: str | int | None) -> list[str | int]:
    if attribute is None:
        return []
    if isinstance(attribute, str):
        return [int(part) if part.isdigit() else part for part in attribute.split(".")]
    return [attribute]


def _attrgetter(environment: Environment, attribute: str | int | None,
                postprocess: Callable[[Any], Any] | None = None,
                default: Any = None) -> Callable[[Any], Any]:
    parts = _attribute_parts(attribute)

    def get(item: Any) -> Any:
        for part in parts:
            item = environment.getitem(item, part)
            if default is not None and isinstance(item, Undefined):
                item = default
        return postprocess(item) if postprocess is not None else item

    return get


def _ignore_case(value: Any) -> Any:
    return value.lower() if isinstance(value, str) else value


def do_capitalize(s: Any) -> str:
    return str(s).capitalize()


def do_default(value: Any, default_value: Any = "", boolean: bool = False) -> Any:
    if isinstance(value, Undefined) or (boolean and not value):
        return default_value
    return value


@_pass("environment")
def do_unique(environment: Environment, value: Iterable[Any], case_sensitive: bool = False,
              attribute: str | int | None = None) -> Iterator[Any]:
    """Jinja's ``unique``: first occurrences in order; strings compared without case unless
    ``case_sensitive``."""
    def fold(item: Any) -> Any:
        return item.lower() if not case_sensitive and isinstance(item, str) else item

    key = _attrgetter(environment, attribute, postprocess=fold) if attribute is not None else fold
    seen: set[Any] = set()
    for item in value:
        marker = key(item)
        if marker not in seen:
            seen.add(marker)
            yield item


@_pass("environment")
def do_first(environment: Environment, seq: Iterable[Any]) -> Any:
    for item in seq:
        return item
    return environment.undefined("No first item, sequence was empty.")


@_pass("eval_context")
def do_join(eval_ctx: EvalContext, value: Iterable[Any], d: str = "",
            attribute: str | int | None = None) -> str:
    if attribute is not None:
        value = map(_attrgetter(eval_ctx.environment, attribute), value)
    return str(d).join(map(str, value))


@_pass("eval_context")
def do_replace(eval_ctx: EvalContext, s: Any, old: Any, new: Any, count: int | None = None) -> str:
    return str(s).replace(str(old), str(new), -1 if count is None else count)


_WORD_START_RE = lazy_re(r"([-\s({\[<]+)")


def do_title(s: Any) -> str:
    # Jinja's title, not str.title: a word starts after a space, dash or opening bracket only.
    return "".join(item[0].upper() + item[1:].lower()
                   for item in _WORD_START_RE.split(str(s)) if item)


def do_int(value: Any, default: int = 0, base: int = 10) -> int:
    try:
        if isinstance(value, str):
            return int(value, base)
        return int(value)
    except (TypeError, ValueError):
        try:
            return int(float(value))
        except (TypeError, ValueError):
            return default


def _min_or_max(environment: Environment, value: Iterable[Any],
                func: Callable[..., Any], case_sensitive: bool,
                attribute: str | int | None) -> Any:
    items = iter(value)
    try:
        first = next(items)
    except StopIteration:
        return environment.undefined("No aggregated item, sequence was empty.")
    key = _attrgetter(environment, attribute, None if case_sensitive else _ignore_case)
    return func(chain([first], items), key=key)


@_pass("environment")
def do_min(environment: Environment, value: Iterable[Any], case_sensitive: bool = False,
           attribute: str | int | None = None) -> Any:
    return _min_or_max(environment, value, min, case_sensitive, attribute)


@_pass("environment")
def do_max(environment: Environment, value: Iterable[Any], case_sensitive: bool = False,
           attribute: str | int | None = None) -> Any:
    return _min_or_max(environment, value, max, case_sensitive, attribute)


@_pass("context")
def do_map(context: Context, value: Iterable[Any], *args: Any, **kwargs: Any) -> Iterator[Any]:
    environment = context.environment
    if not args and "attribute" in kwargs:
        attribute = kwargs.pop("attribute")
        default = kwargs.pop("default", None)
        if kwargs:
            raise TemplateRuntimeError(f"Unexpected keyword argument {next(iter(kwargs))!r}")
        func = _attrgetter(environment, attribute, default=default)
    else:
        name, rest = args[0], args[1:]

        def func(item: Any) -> Any:
            return environment.call_filter(name, item, rest, kwargs, context=context)

    if value:
        for item in value:
            yield func(item)


def _selector(context: Context, args: tuple[Any, ...], kwargs: dict[str, Any],
              by_attribute: bool) -> Callable[[Any], bool]:
    environment = context.environment
    if by_attribute:
        if not args:
            raise TemplateRuntimeError("Missing parameter for attribute name")
        transform = _attrgetter(environment, args[0])
        args = args[1:]
    else:
        transform = identity
    if not args:
        return lambda item: bool(transform(item))
    name, rest = args[0], args[1:]
    return lambda item: bool(environment.call_test(name, transform(item), rest, kwargs, context))


@_pass("context")
def do_select(context: Context, value: Iterable[Any], *args: Any, **kwargs: Any) -> Iterator[Any]:
    if value:
        keep = _selector(context, args, kwargs, by_attribute=False)
        yield from (item for item in value if keep(item))


@_pass("context")
def do_reject(context: Context, value: Iterable[Any], *args: Any, **kwargs: Any) -> Iterator[Any]:
    if value:
        keep = _selector(context, args, kwargs, by_attribute=False)
        yield from (item for item in value if not keep(item))


@_pass("context")
def do_selectattr(context: Context, value: Iterable[Any], *args: Any,
                  **kwargs: Any) -> Iterator[Any]:
    if value:
        keep = _selector(context, args, kwargs, by_attribute=True)
        yield from (item for item in value if keep(item))


@_pass("context")
def do_rejectattr(context: Context, value: Iterable[Any], *args: Any,
                  **kwargs: Any) -> Iterator[Any]:
    if value:
        keep = _selector(context, args, kwargs, by_attribute=True)
        yield from (item for item in value if not keep(item))


@_pass("eval_context")
def do_list(eval_ctx: EvalContext, value: Iterable[Any]) -> list[Any]:
    return list(value)


def do_lower(s: Any) -> str:
    return str(s).lower()


def do_upper(s: Any) -> str:
    return str(s).upper()


def do_trim(value: Any, chars: str | None = None) -> str:
    return str(value).strip(chars)


# Jinja's built-in filters that smartspec's templates may use when compiled, by the name the
# templates use. ``template_compiler`` checks each against Jinja's own (same first argument).
FILTERS: dict[str, Callable[..., Any]] = {
    "capitalize": do_capitalize, "default": do_default, "d": do_default, "first": do_first,
    "int": do_int, "join": do_join, "length": len, "count": len,
    "list": do_list, "lower": do_lower, "map": do_map, "max": do_max, "min": do_min,
    "reject": do_reject, "rejectattr": do_rejectattr, "replace": do_replace,
    "select": do_select, "selectattr": do_selectattr, "string": str,
    "title": do_title, "trim": do_trim, "unique": do_unique, "upper": do_upper,
}

TESTS: dict[str, Callable[..., Any]] = {
    "defined": lambda value: not isinstance(value, Undefined),
    "undefined": lambda value: isinstance(value, Undefined),
    "none": lambda value: value is None,
    "true": lambda value: value is True,
    "false": lambda value: value is False,
    "boolean": lambda value: value is True or value is False,
    "string": lambda value: isinstance(value, str),
    "mapping": lambda value: isinstance(value, Mapping),
    "in": lambda value, seq: value in seq,
    "equalto": lambda value, other: value == other,
    "eq": lambda value, other: value == other,
    "==": lambda value, other: value == other,
    "ne": lambda value, other: value != other,
    "!=": lambda value, other: value != other,
    "odd": lambda value: value % 2 == 1,
    "even": lambda value: value % 2 == 0,
}

# ---- smartspec's own filters (both the compiled and the Jinja path use these) --------------

# The words of a name are its runs of ASCII letters and digits (``ascii_words``), which
# ``[^a-z0-9]+`` and ``[^A-Za-z0-9]+`` cut at; read without compiling those patterns.

def slug(text: Any) -> str:
    return "_".join(ascii_words(str(text).lower()))


def kebab(text: Any) -> str:
    return "-".join(ascii_words(str(text).lower()))


def camel(text: Any, upper: bool = False) -> str:
    words = ascii_words(str(text))
    joined = "".join(w[:1].upper() + w[1:].lower() for w in words)
    return joined if upper or not joined else joined[:1].lower() + joined[1:]


def pascal(text: Any) -> str:
    return camel(text, upper=True)


def example_ids(name: Any) -> Any:
    """The example ids, key and moment of the spec named ``name`` (content.examples)."""
    from smartspec.content.examples import example_ids as derive

    return derive(str(name))


_DIGIT_WORDS = ("ZERO", "ONE", "TWO", "THREE", "FOUR", "FIVE", "SIX", "SEVEN", "EIGHT", "NINE")


def env(text: Any) -> str:
    """The prefix of an environment variable named after ``text``: POSTGRESQL, GOOGLE_MAPS.
    A name cannot start with a digit in a shell (``^[A-Z_][A-Z0-9_]*$``), so a leading one is
    spelled out: 2C2P -> TWO_C2P."""
    name = slug(text).upper()
    if name[:1].isdigit():
        name = f"{_DIGIT_WORDS[int(name[0])]}_{name[1:].lstrip('_')}".rstrip("_")
    return name


SMARTSPEC_FILTERS: dict[str, Callable[..., Any]] = {
    "slug": slug, "kebab": kebab, "camel": camel, "pascal": pascal, "oxford": oxford,
    "example_ids": example_ids,
    "env": env,
}

# The one environment compiled templates run in; ``render`` adds smartspec's own filters and
# globals and a loader of compiled templates before the first render.
ENVIRONMENT = Environment()
