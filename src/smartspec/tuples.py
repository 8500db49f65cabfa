"""``NamedTuple`` for smartspec's record classes, at a fifth of the import cost of ``typing``'s.

Defining a class with ``typing.NamedTuple`` costs a quarter of a millisecond at import: on
top of the ``collections.namedtuple`` it makes, typing evaluates every field's annotation
(each a string here, under ``from __future__ import annotations``, compiled into a forward
reference that nothing ever reads). ``smartspec new`` defines some fifty such classes, so that
checking alone cost it several milliseconds. This ``NamedTuple`` makes the very same class
(what ``collections.namedtuple`` makes, with the defaults and the methods, properties and
docstring of the class body) and keeps the annotations as written. It builds that class from
parts shared by every record (one ``__new__`` code per number of fields, renamed per class;
the namedtuple methods written once) instead of compiling each class's ``__new__`` from source
as ``collections.namedtuple`` does: about 20 us a class instead of 75.

Type checkers see ``typing.NamedTuple`` itself, so they check these classes exactly as
before. Only the class syntax is offered (``class Name(NamedTuple): field: type``), and only
``NamedTuple`` as the base (with ``Generic[...]`` beside it), as typing requires too.
"""

from __future__ import annotations

from operator import itemgetter
from types import FunctionType
from typing import TYPE_CHECKING, Any, Generic

__all__ = ["NamedTuple"]

# What a class body may not set (the namedtuple makes them) and what it sets that the
# namedtuple already has right.
_MADE_BY_NAMEDTUPLE = frozenset({"__new__", "__init__", "__slots__", "__getnewargs__", "_fields",
                                 "_field_defaults", "_make", "_replace", "_asdict"})
_KEPT = frozenset({"__module__", "__annotations__"})

_tuple_new = tuple.__new__
_NEW_GLOBALS = {"_tuple_new": _tuple_new}
# arity -> the code of ``def __new__(_cls, _0, _1, ...): return _tuple_new(_cls, (_0, _1, ...))``
_NEW_CODE: dict[int, Any] = {}


def _new_code(arity: int) -> Any:
    """The code of a ``__new__`` taking ``arity`` values, compiled once per arity. Each class
    renames its parameters (``code.replace``) to its fields, so that it is called and refuses
    bad calls as the namedtuple's own ``__new__``, which ``collections.namedtuple`` compiles
    from source for every class: that compile was half of what defining a record cost."""
    code = _NEW_CODE.get(arity)
    if code is None:
        params = ", ".join(f"_{i}" for i in range(arity))
        values = params + ("," if arity == 1 else "")
        namespace: dict[str, Any] = {}
        exec(f"def __new__(_cls, {params}):\n    return _tuple_new(_cls, ({values}))",
             _NEW_GLOBALS, namespace)
        code = _NEW_CODE[arity] = namespace["__new__"].__code__
    return code


# The methods every namedtuple has, written once and shared by the classes made here
# (``collections.namedtuple`` makes a fresh copy of each for every class).
@classmethod  # type: ignore[misc]
def _make(cls: Any, iterable: Any) -> Any:
    """Make a new record from a sequence or iterable."""
    result = _tuple_new(cls, iterable)
    if len(result) != len(cls._fields):
        raise TypeError(f"Expected {len(cls._fields)} arguments, got {len(result)}")
    return result


def _replace(self: Any, /, **changes: Any) -> Any:
    """Return a new record with the given fields replaced by new values."""
    result = self._make(map(changes.pop, self._fields, self))
    if changes:
        raise ValueError(f"Got unexpected field names: {list(changes)!r}")
    return result


def _repr(self: Any) -> str:
    """Return a nicely formatted representation string."""
    values = ", ".join(f"{name}={value!r}" for name, value in zip(self._fields, self, strict=True))
    return f"{self.__class__.__name__}({values})"


def _asdict(self: Any) -> dict[str, Any]:
    """Return a new dict which maps field names to their values."""
    return dict(zip(self._fields, self, strict=True))


def _getnewargs(self: Any) -> tuple[Any, ...]:
    """Return self as a plain tuple. Used by copy and pickle."""
    return tuple(self)


def _namedtuple(typename: str, fields: tuple[str, ...], defaults: list[Any],
                module: str) -> Any:
    """The class ``collections.namedtuple(typename, fields, defaults=defaults,
    module=module)`` makes (a tuple subclass with the same fields, defaults, methods, repr,
    pickling and refusals), built from shared parts in a quarter of the time."""
    for name in fields:
        if name.startswith("_"):  # as namedtuple refuses them (and "_cls" is __new__'s own)
            raise ValueError(f"Field names cannot start with an underscore: {name!r}")
    code = _new_code(len(fields)).replace(co_varnames=("_cls", *fields),
                                          co_qualname=f"{typename}.__new__")
    new = FunctionType(code, _NEW_GLOBALS, "__new__", tuple(defaults) or None)
    listed = repr(fields).replace("'", "")[1:-1]  # "a, b", or "a," for one field: as namedtuple
    new.__doc__ = f"Create new instance of {typename}({listed})"
    namespace: dict[str, Any] = {
        "__doc__": f"{typename}({listed})",
        "__slots__": (),
        "_fields": fields,
        "_field_defaults": dict(zip(fields[len(fields) - len(defaults):], defaults, strict=True)),
        "__new__": new,
        "_make": _make,
        "_replace": _replace,
        "__repr__": _repr,
        "_asdict": _asdict,
        "__getnewargs__": _getnewargs,
        "__match_args__": fields,
        "__module__": module,
    }
    for index, name in enumerate(fields):
        namespace[name] = property(itemgetter(index), doc=f"Alias for field number {index}")
    return type(typename, (tuple,), namespace)


class _NamedTupleMeta(type):
    """Turns a class body into a ``collections.namedtuple`` class."""

    def __new__(cls, typename: str, bases: tuple[type, ...], body: dict[str, Any]) -> Any:
        generic = bases == (_Base, Generic)
        if bases != (_Base,) and not generic:
            raise TypeError(f"{typename}: a NamedTuple class can only inherit from NamedTuple "
                            "(and Generic)")
        annotations: dict[str, Any] = body.get("__annotations__", {})
        fields = list(annotations)
        with_default = [name for name in fields if name in body]
        if with_default and fields[len(fields) - len(with_default):] != with_default:
            raise TypeError(f"{typename}: a field without a default cannot follow one with a "
                            f"default ({', '.join(with_default)})")
        defaults = [body[name] for name in with_default]
        for key in body:
            if key in _MADE_BY_NAMEDTUPLE:
                raise AttributeError(f"{typename}: cannot overwrite NamedTuple attribute {key}")
        made = _namedtuple(typename, tuple(fields), defaults, body["__module__"])
        made.__annotations__ = annotations
        if generic:
            # As typing does: a tuple that is also Generic, so ``Name[int]`` is allowed.
            made.__bases__ = (tuple, Generic)
            getitem = Generic.__class_getitem__.__func__  # type: ignore[attr-defined]
            setattr(made, "__class_getitem__", classmethod(getitem))  # noqa: B010 - a method
        for key, value in body.items():
            if key not in _KEPT and key not in made._fields:
                setattr(made, key, value)
        if generic:
            made.__init_subclass__()
        return made


_Base = type.__new__(_NamedTupleMeta, "NamedTuple", (), {})

if TYPE_CHECKING:
    from typing import NamedTuple as NamedTuple
else:
    def NamedTuple(*args: Any, **kwargs: Any) -> Any:
        """Only the class syntax: ``class Name(NamedTuple): ...``."""
        raise TypeError("smartspec.tuples.NamedTuple is a base class: use "
                        "'class Name(NamedTuple): field: type'")

    NamedTuple.__mro_entries__ = lambda bases: (_Base,)
