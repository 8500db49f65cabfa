"""smartspec.tuples.NamedTuple makes the class typing.NamedTuple makes, without evaluating
the annotations: same fields, defaults, methods, repr, equality, pickling and refusals."""

from __future__ import annotations

import pickle
import typing

import pytest

from smartspec import tuples
from smartspec.model import Origin, SystemModel


class Point(tuples.NamedTuple):
    """A point with an optional label."""

    x: int
    y: int
    label: str | None = None
    tags: tuple[str, ...] = ()

    def moved(self, by: int) -> Point:
        return self._replace(x=self.x + by)

    @property
    def named(self) -> bool:
        return self.label is not None


class TypedPoint(typing.NamedTuple):
    """A point with an optional label."""

    x: int
    y: int
    label: str | None = None
    tags: tuple[str, ...] = ()


def test_same_class_as_typing_makes() -> None:
    ours, theirs = Point(1, 2, tags=("a",)), TypedPoint(1, 2, tags=("a",))
    assert ours == theirs == (1, 2, None, ("a",))
    assert repr(ours) == repr(theirs).replace("TypedPoint", "Point")
    assert Point._fields == TypedPoint._fields == ("x", "y", "label", "tags")
    assert Point._field_defaults == TypedPoint._field_defaults == {"label": None, "tags": ()}
    assert Point.__doc__ == TypedPoint.__doc__
    assert Point.__module__ == __name__
    assert ours._asdict() == theirs._asdict()
    assert Point._make([3, 4, None, ()]) == TypedPoint._make([3, 4, None, ()])
    assert hash(ours) == hash(theirs)
    assert isinstance(ours, tuple)
    x, y, label, tags = ours
    assert (x, y, label, tags) == (1, 2, None, ("a",))


def test_body_methods_and_properties_kept() -> None:
    point = Point(1, 2)
    assert point.moved(2) == Point(3, 2)
    assert type(point.moved(2)) is Point
    assert point.named is False and Point(1, 2, "here").named is True


def test_annotations_are_kept_as_written() -> None:
    # The point of the class: nothing evaluates them at import (they stay strings).
    assert Point.__annotations__ == {"x": "int", "y": "int", "label": "str | None",
                                     "tags": "tuple[str, ...]"}
    # And they read back as the same types, for whatever does read them.
    assert typing.get_type_hints(Point) == typing.get_type_hints(TypedPoint)


def test_pickles_like_a_namedtuple() -> None:
    origin = Origin("description", "Stripe")
    assert pickle.loads(pickle.dumps(origin)) == origin
    assert type(pickle.loads(pickle.dumps(origin))) is Origin


def test_constructor_refuses_as_namedtuple_does() -> None:
    with pytest.raises(TypeError, match="missing 1 required positional argument: 'y'"):
        Point(1)  # type: ignore[call-arg]
    with pytest.raises(TypeError, match="unexpected keyword argument 'z'"):
        Point(1, 2, z=3)  # type: ignore[call-arg]


def test_refuses_what_typing_refuses() -> None:
    with pytest.raises(TypeError, match="cannot follow one with a default"):
        class Bad(tuples.NamedTuple):  # type: ignore[misc]
            a: int = 0
            b: int

    with pytest.raises(AttributeError, match="cannot overwrite NamedTuple attribute _replace"):
        class Replacing(tuples.NamedTuple):
            a: int

            def _replace(self, **changes: int) -> Replacing:  # type: ignore[override]
                return self

    with pytest.raises(TypeError, match="can only inherit from NamedTuple"):
        class Mixed(tuples.NamedTuple, Exception):  # type: ignore[misc]
            a: int

    with pytest.raises(TypeError, match="is a base class"):
        tuples.NamedTuple("Functional", [("a", int)])


def test_model_classes_are_made_here() -> None:
    # The system model is the largest set of records new defines at import.
    assert SystemModel.__annotations__["name"] == "str"


def test_generic_as_typing_allows() -> None:
    T = typing.TypeVar("T")

    class Boxed(tuples.NamedTuple, typing.Generic[T]):
        value: T
        source: str = "default"

    class TypedBoxed(typing.NamedTuple, typing.Generic[T]):
        value: T
        source: str = "default"

    assert Boxed(3) == TypedBoxed(3) == (3, "default")
    assert Boxed[int](4).value == 4
    assert Boxed.__bases__ == TypedBoxed.__bases__ == (tuple, typing.Generic)
    assert Boxed.__mro__[1:] == TypedBoxed.__mro__[1:]


def test_generic_without_typing_is_a_plain_tuple() -> None:
    # The stand-ins a command uses so that it need not import typing: the record is the same
    # namedtuple, and subscripting it gives the class itself.
    T = tuples.TypeVar("T")

    class Boxed(tuples.NamedTuple, tuples.Generic[T]):
        value: T
        source: str = "default"

    assert T == "T"
    assert Boxed(3) == (3, "default") and Boxed(3).source == "default"
    assert Boxed[int] is Boxed and Boxed[int](4).value == 4
    assert Boxed.__bases__ == (tuple,)
    assert Boxed._fields == ("value", "source")


def test_made_as_namedtuple_makes_it_without_compiling_per_class() -> None:
    # The constructor (compiled once per number of fields) and the field getters (borrowed
    # by position) behave as namedtuple's own: keywords, defaults, errors, docs, copying.
    import copy

    ours, theirs = Point(x=1, y=2), TypedPoint(x=1, y=2)
    assert ours == theirs and Point(1, y=2, tags=("t",)).tags == ("t",)
    assert Point.__new__.__defaults__ == TypedPoint.__new__.__defaults__ == (None, ())
    assert Point.__new__.__doc__ == "Create new instance of Point(x, y, label, tags)"
    assert Point.__match_args__ == TypedPoint.__match_args__ and Point.__slots__ == ()
    assert Point.x.__doc__ == TypedPoint.x.__doc__ == "Alias for field number 0"
    assert ours.__getnewargs__() == (1, 2, None, ())
    assert copy.copy(ours) == copy.deepcopy(ours) == ours and type(copy.copy(ours)) is Point
    with pytest.raises(TypeError, match=r"Point\.__new__\(\) takes from 3 to 5 positional"):
        Point(1, 2, "a", (), 5)  # type: ignore[call-arg]
    with pytest.raises(TypeError, match="Expected 4 arguments, got 1"):
        Point._make([1])
    with pytest.raises(ValueError, match=r"Got unexpected field names: \['z'\]"):
        ours._replace(z=3)  # type: ignore[call-arg]
    match ours:
        case Point(1, y, label=None):
            assert y == 2
        case _:
            pytest.fail("a record matches by position as a namedtuple does")

    class Single(tuples.NamedTuple):
        only: str

    assert Single("a") == ("a",) and repr(Single("a")) == "Single(only='a')"

    # More fields than any record before: the getters are lent by a larger namedtuple.
    wide = tuples._NamedTupleMeta("Wide", (tuples._Base,), {
        "__module__": __name__, "__annotations__": {f"f{i}": "int" for i in range(60)}})
    row = wide(*range(60))
    assert row.f0 == 0 and row.f59 == 59 and row._asdict()["f42"] == 42

    with pytest.raises(ValueError, match="cannot start with an underscore"):
        class Hidden(tuples.NamedTuple):
            _secret: str


class Single(tuples.NamedTuple):
    only: str


class TypedSingle(typing.NamedTuple):
    only: str


def test_shared_parts_behave_as_namedtuple_methods() -> None:
    # __new__ is one code per number of fields, renamed to the class's fields: its signature,
    # defaults and refusals are the namedtuple's.
    import copy
    import inspect

    ours, theirs = inspect.signature(Point), inspect.signature(TypedPoint)
    assert [(p.name, p.kind, p.default) for p in ours.parameters.values()] == [
        (p.name, p.kind, p.default) for p in theirs.parameters.values()]
    assert Point.__new__.__qualname__ == "Point.__new__"
    assert Single("a") == TypedSingle("a") == ("a",)
    assert Single(only="b").only == "b"
    assert Point.__match_args__ == TypedPoint.__match_args__
    assert Point.__doc__ == "A point with an optional label."
    assert Single.__doc__ == TypedSingle.__doc__.replace("Typed", "") == "Single(only,)"
    assert Single.__new__.__doc__ == TypedSingle.__new__.__doc__.replace("Typed", "")
    with pytest.raises(TypeError, match="Expected 4 arguments, got 2"):
        Point._make([1, 2])
    with pytest.raises(ValueError, match="unexpected field names: \\['z'\\]"):
        Point(1, 2)._replace(z=3)  # type: ignore[call-arg]
    with pytest.raises(TypeError, match="takes from 3 to 5 positional arguments but 6"):
        Point(1, 2, None, (), 5)  # type: ignore[call-arg]
    point = Point(1, 2, "p", ("t",))
    assert copy.copy(point) == copy.deepcopy(point) == point
    assert type(copy.deepcopy(point)) is Point
    assert Point.x.__doc__ == TypedPoint.x.__doc__
    match point:
        case Point(x, y, label):
            assert (x, y, label) == (1, 2, "p")
        case _:
            pytest.fail("a record matches its own class pattern")


def test_field_names_as_namedtuple_allows() -> None:
    with pytest.raises(ValueError, match="cannot start with an underscore: '_cls'"):
        class Hidden(tuples.NamedTuple):
            _cls: int


def test_written_out_constructors_are_the_ones_namedtuple_compiles() -> None:
    # The constructors for one to nine fields come compiled with the module: each runs the
    # same bytecode, with the same names, as namedtuple's for as many fields.
    import collections

    for count in range(1, 10):
        theirs = collections.namedtuple("Made", [f"f{i}" for i in range(count)])  # type: ignore[misc]
        ours = tuples._NEW_CODE[count]
        assert ours.co_code == theirs.__new__.__code__.co_code, count
        assert ours.co_argcount == theirs.__new__.__code__.co_argcount == count + 1
        assert ours.co_names == theirs.__new__.__code__.co_names == ("_tuple_new",)


def test_methods_are_shared_and_answer_for_each_class() -> None:
    # Every record holds the same five functions (none made per class); each still reads
    # its own record's fields and makes its own record's type.
    assert Point.__dict__["_replace"] is Single.__dict__["_replace"]
    assert Point.__dict__["__repr__"] is Single.__dict__["__repr__"]
    assert Point.__dict__["_make"] is Single.__dict__["_make"]
    assert type(Single._make(["a"])) is Single and type(Point._make([1, 2, None, ()])) is Point
    assert Single("a")._replace(only="b") == Single("b") and repr(Single("b")) == "Single(only='b')"
    assert Single("a")._asdict() == {"only": "a"} and Point(1, 2)._asdict()["y"] == 2
