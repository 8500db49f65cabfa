"""``NamedTuple`` for smartspec's record classes, at half the import cost of ``typing``'s.

Defining a class with ``typing.NamedTuple`` costs a quarter of a millisecond at import: on
top of the ``collections.namedtuple`` it makes, typing evaluates every field's annotation
(each a string here, under ``from __future__ import annotations``, compiled into a forward
reference that nothing ever reads). ``smartspec new`` defines some fifty such classes, so that
checking alone cost it several milliseconds. This ``NamedTuple`` makes the very same class
(``collections.namedtuple`` with the defaults and the methods, properties and docstring of
the class body) and keeps the annotations as written.

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
        defaults = [body[name] for name in with_default]
        made = collections.namedtuple(typename, fields, defaults=defaults,  # type: ignore[misc]
                                      module=body["__module__"])
        made.__annotations__ = annotations
        if generic:
            # ``Name[int]`` is allowed, as typing allows it. With typing's Generic the class is
            # a tuple that is also Generic, as typing makes it; with the stand-in, a plain
            # tuple whose ``Name[int]`` is the class itself.
            base = typing.Generic if typed else Generic  # type: ignore[union-attr]
            if typed:
                made.__bases__ = (tuple, base)
            getitem = base.__class_getitem__.__func__  # type: ignore[union-attr]
            setattr(made, "__class_getitem__", classmethod(getitem))  # noqa: B010 - a method
        for key, value in body.items():
            if key in _MADE_BY_NAMEDTUPLE:
                raise AttributeError(f"{typename}: cannot overwrite NamedTuple attribute {key}")
            if key not in _KEPT and key not in made._fields:
                setattr(made, key, value)
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
