"""The OpenAPI YAML writer: whatever JSON value it is given, PyYAML reads back the same."""

from __future__ import annotations

import yaml
from hypothesis import example, given, settings
from hypothesis import strategies as st

from smartspec.contract.openapi import to_yaml

_SCALARS = (st.none() | st.booleans() | st.integers(min_value=-(2**53), max_value=2**53)
            | st.floats(allow_nan=False, allow_infinity=False) | st.text(max_size=20))
_VALUES = st.recursive(_SCALARS, lambda inner: st.lists(inner, max_size=4)
                       | st.dictionaries(st.text(max_size=12), inner, max_size=4), max_leaves=20)


@settings(max_examples=300, deadline=None)
@given(document=st.dictionaries(st.text(max_size=12), _VALUES, min_size=1, max_size=5))
@example(document={"A\n": None})  # a key ending in a line break once came out unquoted
def test_yaml_round_trips_any_json_document(document: dict[str, object]) -> None:
    assert yaml.safe_load(to_yaml(document)) == document


def test_yaml_is_deterministic_and_quotes_what_yaml_would_misread() -> None:
    document = {"yes": "no", "/a/{id}": {"200": 1e16, "on": [None, True, "1.0"]}, "e": {}}
    text = to_yaml(document)
    assert text == to_yaml(document)
    assert '"yes": "no"' in text and '"200": 1.0e+16' in text and "e: {}" in text
    assert yaml.safe_load(text) == document
