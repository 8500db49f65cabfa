"""``NamedTuple`` for smartspec's record classes, at half the import cost of ``typing``'s.

Defining a class with ``typing.NamedTuple`` costs a quarter of a millisecond at import: on
top of the ``collections.namedtuple`` it makes, typing evaluates every field's annotation
(each a string here, under ``from __future__ import annotations``, compiled into a forward
reference that nothing ever reads). ``smartspec new`` defines some sixty such classes, so that
checking alone cost it several milliseconds. This ``NamedTuple`` makes the class
``collections.namedtuple`` makes (a tuple with the same fields, defaults, methods, repr,
pickling and refusals), with the methods, properties and docstring of the class body, and
keeps the annotations as written.

It also makes it in about half the time: ``collections.namedtuple`` compiles a constructor
for every class (two thirds of its ~0.1 ms), where here one constructor serves every record
with the same number of fields, given each class's field names with ``CodeType.replace``
(those for up to nine fields are written out in this module, so not compiled at run time at
all); the field getters, which namedtuple makes per position and not per class, are borrowed
from one namedtuple with as many fields as the largest record so far.

Type checkers see ``typing.NamedTuple`` itself, so they check these classes exactly as
before. Only the class syntax is offered (``class Name(NamedTuple): field: type``), and only
``NamedTuple`` as the base (with ``Generic[...]`` beside it), as typing requires too.

A generic record takes ``Generic`` and ``TypeVar`` from here too: to a type checker they are
typing's own, at run time two stand-ins that cost nothing, so that no command has to import
``typing`` (some milliseconds) for the sake of one generic class. ``Name[int]`` is still
allowed at run time and is the class itself.
"""

from __future__ import annotations

import collections
import sys
from types import FunctionType

__all__ = ["Generic", "NamedTuple", "TypeVar"]

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any, Generic, TypeVar
    from typing import NamedTuple as NamedTuple
else:
    class Generic:
        """``typing.Generic`` at run time, for the records' ``class Name(NamedTuple,
        Generic[T])``: subscripting it gives it back, and the record drops it as a base."""

        __slots__ = ()

        def __class_getitem__(cls, params: object) -> type:
            return cls

    def TypeVar(name: str, *constraints: object, **options: object) -> str:
        """``typing.TypeVar`` at run time: the variable is only ever read by a type checker
        (annotations are strings), so its name stands for it."""
        return name

# What a class body may not set (the namedtuple makes them) and what it sets that the
# namedtuple already has right.
_MADE_BY_NAMEDTUPLE = frozenset({"__new__", "__init__", "__slots__", "__getnewargs__", "_fields",
                                 "_field_defaults", "_make", "_replace", "_asdict"})
_KEPT = frozenset({"__module__", "__annotations__"})

# What each record's constructor runs in: namedtuple's names, and no builtins.
_NEW_GLOBALS: dict[str, Any] = {"_tuple_new": tuple.__new__, "__builtins__": {},
                                "__name__": __name__}
# The constructor namedtuple compiles for each class, ``lambda _cls, f0, f1: _tuple_new(_cls,
# (f0, f1))``, written out here for one to 32 fields (smartspec's largest record has 31), so
# that the interpreter's bytecode cache holds them compiled: compiling one at run time cost
# some 600 thousand instructions (the parser and the compiler each time), and a ``new`` made
# a dozen records of ten fields or more. A record takes the one with its number of fields,
# renamed to its field names (``_constructor``).
_tuple_new = tuple.__new__
_WRITTEN_OUT = (
    lambda _cls, _0: _tuple_new(_cls, (_0,)),
    lambda _cls, _0, _1: _tuple_new(_cls, (_0, _1)),
    lambda _cls, _0, _1, _2: _tuple_new(_cls, (_0, _1, _2)),
    lambda _cls, _0, _1, _2, _3: _tuple_new(_cls, (_0, _1, _2, _3)),
    lambda _cls, _0, _1, _2, _3, _4: _tuple_new(_cls, (_0, _1, _2, _3, _4)),
    lambda _cls, _0, _1, _2, _3, _4, _5: _tuple_new(_cls, (_0, _1, _2, _3, _4, _5)),
    lambda _cls, _0, _1, _2, _3, _4, _5, _6: _tuple_new(_cls, (_0, _1, _2, _3, _4, _5, _6)),
    lambda _cls, _0, _1, _2, _3, _4, _5, _6, _7: _tuple_new(_cls, (_0, _1, _2, _3, _4, _5, _6, _7)),
    lambda _cls, _0, _1, _2, _3, _4, _5, _6, _7, _8: _tuple_new(_cls, (_0, _1, _2, _3, _4, _5, _6, _7, _8)),
    lambda _cls, _0, _1, _2, _3, _4, _5, _6, _7, _8, _9:
        _tuple_new(_cls, (_0, _1, _2, _3, _4, _5, _6, _7, _8, _9)),
    lambda _cls, _0, _1, _2, _3, _4, _5, _6, _7, _8, _9, _10:
        _tuple_new(_cls, (_0, _1, _2, _3, _4, _5, _6, _7, _8, _9, _10)),
    lambda _cls, _0, _1, _2, _3, _4, _5, _6, _7, _8, _9, _10, _11:
        _tuple_new(_cls, (_0, _1, _2, _3, _4, _5, _6, _7, _8, _9, _10, _11)),
    lambda _cls, _0, _1, _2, _3, _4, _5, _6, _7, _8, _9, _10, _11, _12:
        _tuple_new(_cls, (_0, _1, _2, _3, _4, _5, _6, _7, _8, _9, _10, _11, _12)),
    lambda _cls, _0, _1, _2, _3, _4, _5, _6, _7, _8, _9, _10, _11, _12, _13:
        _tuple_new(_cls, (_0, _1, _2, _3, _4, _5, _6, _7, _8, _9, _10, _11, _12, _13)),
    lambda _cls, _0, _1, _2, _3, _4, _5, _6, _7, _8, _9, _10, _11, _12, _13, _14:
        _tuple_new(_cls, (_0, _1, _2, _3, _4, _5, _6, _7, _8, _9, _10, _11, _12, _13, _14)),
    lambda _cls, _0, _1, _2, _3, _4, _5, _6, _7, _8, _9, _10, _11, _12, _13, _14, _15:
        _tuple_new(_cls, (_0, _1, _2, _3, _4, _5, _6, _7, _8, _9, _10, _11, _12, _13, _14, _15)),
    lambda _cls, _0, _1, _2, _3, _4, _5, _6, _7, _8, _9, _10, _11, _12, _13, _14, _15, _16:
        _tuple_new(_cls, (_0, _1, _2, _3, _4, _5, _6, _7, _8, _9, _10, _11, _12, _13, _14, _15, _16)),
    lambda _cls, _0, _1, _2, _3, _4, _5, _6, _7, _8, _9, _10, _11, _12, _13, _14, _15, _16, _17:
        _tuple_new(_cls, (_0, _1, _2, _3, _4, _5, _6, _7, _8, _9, _10, _11, _12, _13, _14, _15, _16, _17)),
    lambda _cls, _0, _1, _2, _3, _4, _5, _6, _7, _8, _9, _10, _11, _12, _13, _14, _15, _16, _17, _18:
        _tuple_new(_cls, (_0, _1, _2, _3, _4, _5, _6, _7, _8, _9, _10, _11, _12, _13, _14, _15, _16,
            _17, _18)),
    lambda _cls, _0, _1, _2, _3, _4, _5, _6, _7, _8, _9, _10, _11, _12, _13, _14, _15, _16, _17, _18,
        _19:
        _tuple_new(_cls, (_0, _1, _2, _3, _4, _5, _6, _7, _8, _9, _10, _11, _12, _13, _14, _15, _16,
            _17, _18, _19)),
    lambda _cls, _0, _1, _2, _3, _4, _5, _6, _7, _8, _9, _10, _11, _12, _13, _14, _15, _16, _17, _18,
        _19, _20:
        _tuple_new(_cls, (_0, _1, _2, _3, _4, _5, _6, _7, _8, _9, _10, _11, _12, _13, _14, _15, _16,
            _17, _18, _19, _20)),
    lambda _cls, _0, _1, _2, _3, _4, _5, _6, _7, _8, _9, _10, _11, _12, _13, _14, _15, _16, _17, _18,
        _19, _20, _21:
        _tuple_new(_cls, (_0, _1, _2, _3, _4, _5, _6, _7, _8, _9, _10, _11, _12, _13, _14, _15, _16,
            _17, _18, _19, _20, _21)),
    lambda _cls, _0, _1, _2, _3, _4, _5, _6, _7, _8, _9, _10, _11, _12, _13, _14, _15, _16, _17, _18,
        _19, _20, _21, _22:
        _tuple_new(_cls, (_0, _1, _2, _3, _4, _5, _6, _7, _8, _9, _10, _11, _12, _13, _14, _15, _16,
            _17, _18, _19, _20, _21, _22)),
    lambda _cls, _0, _1, _2, _3, _4, _5, _6, _7, _8, _9, _10, _11, _12, _13, _14, _15, _16, _17, _18,
        _19, _20, _21, _22, _23:
        _tuple_new(_cls, (_0, _1, _2, _3, _4, _5, _6, _7, _8, _9, _10, _11, _12, _13, _14, _15, _16,
            _17, _18, _19, _20, _21, _22, _23)),
    lambda _cls, _0, _1, _2, _3, _4, _5, _6, _7, _8, _9, _10, _11, _12, _13, _14, _15, _16, _17, _18,
        _19, _20, _21, _22, _23, _24:
        _tuple_new(_cls, (_0, _1, _2, _3, _4, _5, _6, _7, _8, _9, _10, _11, _12, _13, _14, _15, _16,
            _17, _18, _19, _20, _21, _22, _23, _24)),
    lambda _cls, _0, _1, _2, _3, _4, _5, _6, _7, _8, _9, _10, _11, _12, _13, _14, _15, _16, _17, _18,
        _19, _20, _21, _22, _23, _24, _25:
        _tuple_new(_cls, (_0, _1, _2, _3, _4, _5, _6, _7, _8, _9, _10, _11, _12, _13, _14, _15, _16,
            _17, _18, _19, _20, _21, _22, _23, _24, _25)),
    lambda _cls, _0, _1, _2, _3, _4, _5, _6, _7, _8, _9, _10, _11, _12, _13, _14, _15, _16, _17, _18,
        _19, _20, _21, _22, _23, _24, _25, _26:
        _tuple_new(_cls, (_0, _1, _2, _3, _4, _5, _6, _7, _8, _9, _10, _11, _12, _13, _14, _15, _16,
            _17, _18, _19, _20, _21, _22, _23, _24, _25, _26)),
    lambda _cls, _0, _1, _2, _3, _4, _5, _6, _7, _8, _9, _10, _11, _12, _13, _14, _15, _16, _17, _18,
        _19, _20, _21, _22, _23, _24, _25, _26, _27:
        _tuple_new(_cls, (_0, _1, _2, _3, _4, _5, _6, _7, _8, _9, _10, _11, _12, _13, _14, _15, _16,
            _17, _18, _19, _20, _21, _22, _23, _24, _25, _26, _27)),
    lambda _cls, _0, _1, _2, _3, _4, _5, _6, _7, _8, _9, _10, _11, _12, _13, _14, _15, _16, _17, _18,
        _19, _20, _21, _22, _23, _24, _25, _26, _27, _28:
        _tuple_new(_cls, (_0, _1, _2, _3, _4, _5, _6, _7, _8, _9, _10, _11, _12, _13, _14, _15, _16,
            _17, _18, _19, _20, _21, _22, _23, _24, _25, _26, _27, _28)),
    lambda _cls, _0, _1, _2, _3, _4, _5, _6, _7, _8, _9, _10, _11, _12, _13, _14, _15, _16, _17, _18,
        _19, _20, _21, _22, _23, _24, _25, _26, _27, _28, _29:
        _tuple_new(_cls, (_0, _1, _2, _3, _4, _5, _6, _7, _8, _9, _10, _11, _12, _13, _14, _15, _16,
            _17, _18, _19, _20, _21, _22, _23, _24, _25, _26, _27, _28, _29)),
    lambda _cls, _0, _1, _2, _3, _4, _5, _6, _7, _8, _9, _10, _11, _12, _13, _14, _15, _16, _17, _18,
        _19, _20, _21, _22, _23, _24, _25, _26, _27, _28, _29, _30:
        _tuple_new(_cls, (_0, _1, _2, _3, _4, _5, _6, _7, _8, _9, _10, _11, _12, _13, _14, _15, _16,
            _17, _18, _19, _20, _21, _22, _23, _24, _25, _26, _27, _28, _29, _30)),
    lambda _cls, _0, _1, _2, _3, _4, _5, _6, _7, _8, _9, _10, _11, _12, _13, _14, _15, _16, _17, _18,
        _19, _20, _21, _22, _23, _24, _25, _26, _27, _28, _29, _30, _31:
        _tuple_new(_cls, (_0, _1, _2, _3, _4, _5, _6, _7, _8, _9, _10, _11, _12, _13, _14, _15, _16,
            _17, _18, _19, _20, _21, _22, _23, _24, _25, _26, _27, _28, _29, _30, _31)),
)
# Number of fields -> the constructor's code: the ones above, then any other compiled once
# when a record first needs it.
_NEW_CODE: dict[int, Any] = {new.__code__.co_argcount - 1: new.__code__ for new in _WRITTEN_OUT}


def _constructor(typename: str, fields: tuple[str, ...], defaults: tuple[Any, ...]) -> Any:
    """``__new__`` of a record with ``fields``: namedtuple's, argument names, defaults, name
    and error messages included."""
    code = _NEW_CODE.get(len(fields))
    if code is None:
        names = ", ".join(f"_{index}" for index in range(len(fields)))
        comma = "," if len(fields) == 1 else ""
        code = eval(f"lambda _cls, {names}: _tuple_new(_cls, ({names}{comma}))",
                    _NEW_GLOBALS).__code__
        _NEW_CODE[len(fields)] = code
    new = FunctionType(code.replace(co_varnames=("_cls", *fields)), _NEW_GLOBALS, "__new__",
                       defaults or None)
    new.__qualname__ = f"{typename}.__new__"
    new.__doc__ = f"Create new instance of {typename}({_arg_list(fields)})"
    return new


def _arg_list(fields: tuple[str, ...]) -> str:
    """The fields as namedtuple writes them in its docstrings (a lone field with a comma)."""
    return ", ".join(fields) + ("," if len(fields) == 1 else "")


# Field i of every record is read by the getter namedtuple makes for position i; it holds
# nothing of its class, so one namedtuple lends its getters to all. The first one made has
# as many fields as the written-out constructors, more than any of smartspec's records, so
# that one namedtuple (it compiles its constructor from source) serves a whole run; a record
# larger still gets a larger one.
_getters: tuple[Any, ...] = ()


def _field_getters(count: int) -> tuple[Any, ...]:
    global _getters
    if count > len(_getters):
        names = [f"f{index}" for index in range(max(count, len(_WRITTEN_OUT)))]
        positions = collections.namedtuple("_Positions", names)  # type: ignore[misc]
        _getters = tuple(positions.__dict__[name] for name in names)
        _NEW_CODE.setdefault(count, positions.__new__.__code__)
    return _getters[:count]


# namedtuple's methods, reading the fields from the class instead of from a closure, so that
# one definition serves every record. namedtuple makes a copy of each per class, named after
# it; here every record holds the same five function objects (``_SHARED``), which saves some
# 30 thousand instructions a record (five functions made, named and documented; a ``new``
# defines sixty records). The one difference a caller could see is the methods' own
# ``__qualname__``, ``NamedTuple._replace`` where namedtuple writes ``Point._replace``:
# nothing reads it but a person looking at a traceback, where the record's name is on the
# line beside it.
def _make(cls: Any, iterable: Any) -> Any:
    """Make a new record from a sequence or iterable."""
    result = tuple.__new__(cls, iterable)
    if len(result) != len(cls._fields):
        raise TypeError(f"Expected {len(cls._fields)} arguments, got {len(result)}")
    return result


def _replace(self: Any, /, **kwds: Any) -> Any:
    """Return a new record replacing specified fields with new values."""
    result = self._make(map(kwds.pop, self._fields, self))
    if kwds:
        raise ValueError(f"Got unexpected field names: {list(kwds)!r}")
    return result


def __repr__(self: Any) -> str:
    """Return a nicely formatted representation string."""
    fields = ", ".join(f"{name}={value!r}" for name, value in zip(self._fields, self,
                                                                   strict=True))
    return f"{self.__class__.__name__}({fields})"


def _asdict(self: Any) -> dict[str, Any]:
    """Return a new dict which maps field names to their values."""
    return dict(zip(self._fields, self, strict=True))


def __getnewargs__(self: Any) -> tuple[Any, ...]:
    """Return self as a plain tuple.  Used by copy and pickle."""
    return tuple(self)


_SHARED: dict[str, Any] = {"_make": classmethod(_make), "_replace": _replace,
                            "__repr__": __repr__, "_asdict": _asdict,
                            "__getnewargs__": __getnewargs__}
for _method in (_make, _replace, __repr__, _asdict, __getnewargs__):
    _method.__qualname__ = f"NamedTuple.{_method.__name__}"
del _method


class _NamedTupleMeta(type):
    """Turns a class body into a ``collections.namedtuple`` class."""

    def __new__(cls, typename: str, bases: tuple[type, ...], body: dict[str, Any]) -> Any:
        # typing's own Generic when a caller gives it (typing is then loaded already), or the
        # stand-in below, which keeps the record a plain tuple.
        typing = sys.modules.get("typing")
        typed = typing is not None and bases == (_Base, typing.Generic)
        generic = typed or bases == (_Base, Generic)
        if bases != (_Base,) and not generic:
            raise TypeError(f"{typename}: a NamedTuple class can only inherit from NamedTuple "
                            "(and Generic)")
        annotations: dict[str, Any] = body.get("__annotations__", {})
        fields = list(annotations)
        with_default = [name for name in fields if name in body]
        if with_default and fields[len(fields) - len(with_default):] != with_default:
            raise TypeError(f"{typename}: a field without a default cannot follow one with a "
                            f"default ({', '.join(with_default)})")
        for name in fields:
            if name.startswith("_"):
                raise ValueError(f"Field names cannot start with an underscore: {name!r}")
        names = tuple(fields)
        defaults = tuple(body[name] for name in with_default)
        namespace: dict[str, Any] = {
            "__doc__": f"{typename}({_arg_list(names)})", "__slots__": (), "_fields": names,
            "_field_defaults": dict(zip(with_default, defaults, strict=True)),
            # The getters first: making them may leave the constructor's code ready.
            **dict(zip(names, _field_getters(len(names)), strict=True)),
            "__new__": _constructor(typename, names, defaults), **_SHARED,
            "__match_args__": names}
        for key, value in body.items():
            if key in _MADE_BY_NAMEDTUPLE:
                raise AttributeError(f"{typename}: cannot overwrite NamedTuple attribute {key}")
            if key not in _KEPT and key not in names:
                namespace[key] = value
        namespace["__module__"] = body["__module__"]
        namespace["__annotations__"] = annotations
        made = type(typename, (tuple,), namespace)
        if generic:
            # ``Name[int]`` is allowed, as typing allows it. With typing's Generic the class is
            # a tuple that is also Generic, as typing makes it; with the stand-in, a plain
            # tuple whose ``Name[int]`` is the class itself.
            base = typing.Generic if typed else Generic  # type: ignore[union-attr]
            if typed:
                made.__bases__ = (tuple, base)
            getitem = base.__class_getitem__.__func__  # type: ignore[union-attr]
            setattr(made, "__class_getitem__", classmethod(getitem))  # noqa: B010 - a method
        if typed:
            made.__init_subclass__()
        return made


_Base = type.__new__(_NamedTupleMeta, "NamedTuple", (), {})

if not TYPE_CHECKING:
    def NamedTuple(*args: Any, **kwargs: Any) -> Any:
        """Only the class syntax: ``class Name(NamedTuple): ...``."""
        raise TypeError("smartspec.tuples.NamedTuple is a base class: use "
                        "'class Name(NamedTuple): field: type'")

    NamedTuple.__mro_entries__ = lambda bases: (_Base,)
