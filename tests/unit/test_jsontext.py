"""``smartspec.jsontext.dumps`` writes exactly the bytes of ``json.dumps(indent=2, ...)``:
property tests over nested JSON values (every scalar kind, unicode and control characters,
empty and deep containers), with and without sorted keys and ASCII escaping, and the values it
hands to json (subclasses, other key types, a circular list) give json's answer or error."""

from __future__ import annotations

import enum
import json
import math
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from smartspec.jsontext import dumps
from tests.helpers import fresh_python_prints

SCALARS = (st.none() | st.booleans() | st.integers() | st.floats(allow_nan=True)
           | st.text() | st.sampled_from(["", "\n", "\u2028", "é", "😀", '"\\', "\x00\x1f"]))
VALUES = st.recursive(
    SCALARS,
    lambda inner: (st.lists(inner, max_size=5) | st.tuples(inner, inner)
                   | st.dictionaries(st.text(max_size=8), inner, max_size=5)),
    max_leaves=40)


@settings(max_examples=400, deadline=None)
@given(VALUES, st.booleans(), st.booleans())
def test_the_same_text_as_json_dumps(value: Any, sort_keys: bool, ensure_ascii: bool) -> None:
    expected = json.dumps(value, indent=2, sort_keys=sort_keys, ensure_ascii=ensure_ascii)
    assert dumps(value, sort_keys=sort_keys, ensure_ascii=ensure_ascii) == expected


class Level(enum.IntEnum):
    LOW = 1


class Name(enum.StrEnum):
    A = "a"


@pytest.mark.parametrize("value", [
    {"n": Level.LOW, "s": Name.A},  # subclasses: json writes their int and str values
    {1: "int key", "b": [True, None]},  # json turns a non-str key into a string its own way
    {None: 1.5, 2.5: False},
    [math.inf, -math.inf, 1e16, -0.0, 1e-7],
    {"deep": [[[[[]]]], {}, [{}], {"x": {}}]},
])
def test_values_json_writes_its_own_way(value: Any) -> None:
    for sort_keys in (False, True):
        if sort_keys and isinstance(value, dict) and len({type(k) for k in value}) > 1:
            continue  # json cannot sort keys of different types either
        assert dumps(value, sort_keys=sort_keys) == json.dumps(value, indent=2,
                                                               sort_keys=sort_keys)


def test_what_json_refuses_is_refused_the_same_way() -> None:
    circular: list[Any] = []
    circular.append(circular)
    with pytest.raises(ValueError, match="Circular reference"):
        dumps(circular)
    with pytest.raises(TypeError, match="not JSON serializable"):
        dumps({"when": object()})


@pytest.mark.parametrize("ensure_ascii", [True, False])
def test_every_control_character_is_escaped_as_json_dumps_does(ensure_ascii: bool) -> None:
    text = "".join(chr(code) for code in range(0x80)) + "\u2028\u0085é\"\\"
    assert dumps({"k": [text]}, sort_keys=True, ensure_ascii=ensure_ascii) == json.dumps(
        {"k": [text]}, indent=2, sort_keys=True, ensure_ascii=ensure_ascii)


@pytest.mark.parametrize("code", [*range(0x80), 0x85, 0xA0, 0x2028, 0x2029, 0xFEFF, 0x1F600])
def test_each_character_alone_in_plain_text_is_written_as_json_dumps_does(code: int) -> None:
    # Text without a character to escape is written as it is: the test for that must let
    # no quote, backslash or control character through on its own.
    text = f"plain {chr(code)} text"
    assert dumps([text], ensure_ascii=False) == json.dumps([text], indent=2, ensure_ascii=False)


def test_text_that_keeps_non_ascii_is_written_without_importing_json() -> None:
    # The index's quiet answer writes its JSON this way in a process that never loads json.
    probe = ("import sys; from smartspec.jsontext import dumps; "
             "dumps({'b': ['é', 1, None, True, 2.5], 'a': {}}, sort_keys=True, "
             "ensure_ascii=False); print('json' in sys.modules)")
    assert fresh_python_prints(probe) == ["False"]
