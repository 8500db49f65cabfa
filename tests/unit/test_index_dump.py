"""The index's text is the same bytes from either encoder: a small index is written with the
standard library (so `new` in a young project does not load msgspec), a large one with msgspec.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from smartspec.index import load_index
from smartspec.index.schema import dump_index, index_text, same_bytes_from_stdlib

DATA = Path(__file__).resolve().parents[1] / "data" / "index"

# Strings with what either encoder escapes or passes through: quotes, backslashes, control
# characters, line breakers (escaped after encoding), non-ASCII and astral characters.
_TEXT = st.text(alphabet=st.sampled_from(
    ['a', 'Z', ' ', '"', '\\', '/', '\x00', '\x1f', '\x7f', '\n', '\t', '\x85', '\u2028',
     '\u2029', 'é', 'ก', '😀', '\ufeff']), max_size=12)
_JSON = st.recursive(
    st.none() | st.booleans() | st.integers(-(2**63), 2**63 - 1) | _TEXT,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(_TEXT, inner, max_size=4),
    max_leaves=30)


@pytest.mark.parametrize("name", ["v5", "legacy", "reference", "folder-paths"])
def test_both_encoders_write_the_same_index(name: str) -> None:
    index = load_index(DATA / f"{name}.json")
    text = dump_index(index)
    document = json.loads(text)
    assert same_bytes_from_stdlib(document)
    assert index_text(document, stdlib=True) == index_text(document, stdlib=False) == text


@settings(max_examples=150, deadline=None)
@given(st.dictionaries(_TEXT, _JSON, max_size=6))
def test_both_encoders_agree_on_any_json_without_floats(document: dict[str, Any]) -> None:
    stdlib = index_text(document, stdlib=True)
    assert stdlib == index_text(document, stdlib=False)
    # One line per value whatever the strings hold: no raw line-breaking character.
    assert not {"\x85", "\u2028", "\u2029"} & set(stdlib)


def test_a_float_or_a_tuple_goes_to_msgspec() -> None:
    # json.dumps spells 1e16 as 1e+16; msgspec as 1e16: the index keeps msgspec's spelling.
    assert json.dumps(1e16) != "1e16"
    assert not same_bytes_from_stdlib({"specs": [{"weight": 1e16}]})
    assert not same_bytes_from_stdlib({"specs": ("a",)})
    assert not same_bytes_from_stdlib({1: "a"})
    assert same_bytes_from_stdlib({"specs": [{"a": [True, None, 3, "x"]}]})


def test_a_small_and_a_big_index_read_alike() -> None:
    """A small index is read by the standard library (the careful path), a big one by
    msgspec's typed decode: the same entries come out of either."""
    from smartspec.index.migrate import _SMALL_INDEX_BYTES, parse_index

    text = (DATA / "reference.expected.json").read_text(encoding="utf-8")
    document = json.loads(text)
    entries = document["specs"]
    assert len(text.encode("utf-8")) < _SMALL_INDEX_BYTES
    copies = 2 * _SMALL_INDEX_BYTES // len(text) + 2
    document["specs"] = [{**entry, "id": f"{entry['id']}-{n}",
                          **({"path": f"copy-{n}/{entry['path']}"} if entry.get("path") else {})}
                         for n in range(copies) for entry in entries]
    big = json.dumps(document, indent=2)
    assert len(big.encode("utf-8")) >= _SMALL_INDEX_BYTES
    big_index = parse_index(big)
    small_index = parse_index(text)
    assert dump_index(small_index) == text
    # Each copy of the small index's entries reads as the small index read it.
    by_id = {entry.id: entry for entry in big_index.all_entries()}
    for entry in small_index.all_entries():
        copy = by_id[f"{entry.id}-0"]
        assert copy.title == entry.title and copy.status == entry.status
        assert copy.dependencies == entry.dependencies
    assert len(by_id) == copies * len(entries)
