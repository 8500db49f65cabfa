"""Equality and repr for plain slotted record classes, the way a dataclass gives them.

A mutable record on a command's start-up path is written as a plain class with ``__slots__``
and its own ``__init__``: creating a dataclass costs about half a millisecond at import, a
plain class a few microseconds. This mixin adds what the dataclass decorator would have:
field-by-field equality between records of the same class, and ``Name(field=value, ...)``.
"""

from __future__ import annotations

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any


class SlotRecord:
    """Base of a plain record: its fields are its ``__slots__``, in order."""

    # Defining __eq__ leaves __hash__ None: a mutable record is unhashable, as a dataclass is.
    __slots__ = ()

    def _names(self) -> tuple[str, ...]:
        names: tuple[str, ...] = type(self).__slots__
        return names

    def _values(self) -> tuple[Any, ...]:
        return tuple(getattr(self, name) for name in self._names())

    def __eq__(self, other: object) -> bool:
        if other.__class__ is not self.__class__:
            return NotImplemented
        return self._values() == other._values()

    def __repr__(self) -> str:
        fields = ", ".join(f"{name}={getattr(self, name)!r}" for name in self._names())
        return f"{type(self).__qualname__}({fields})"

