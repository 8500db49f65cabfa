"""A config file is accepted without msgspec when it conforms to the model's JSON Schema
(``config._conforms``): the schema the package ships is the one msgspec derives from the model,
everything the check accepts msgspec accepts, and a valid file loads without importing msgspec."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import msgspec
from hypothesis import given, settings
from hypothesis import strategies as st

from smartspec import config_model
from smartspec.config import _SCHEMA_ROOT, _conforms, load_settings
from smartspec.packagedata import read_data
from tests.helpers import fresh_python_prints

SCHEMA = json.loads(read_data("config_schema.json"))
DEFS: dict[str, Any] = SCHEMA["$defs"]

# Any JSON value json.loads can give, the awkward ones included: big integers, booleans where
# numbers go, floats that are not finite, nested containers.
ANY_JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.sampled_from([2**53, 2**64, -(10**400)])
    | st.floats() | st.text(max_size=6),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=6), inner,
                                                                max_size=3),
    max_leaves=8)


def shaped(schema: dict[str, Any], *, wild: bool) -> st.SearchStrategy[Any]:
    """Values shaped by ``schema``; with ``wild``, any node may be any JSON value instead, and
    objects may carry keys the schema does not name."""
    made = _shaped(schema, wild)
    return st.one_of(made, ANY_JSON) if wild else made


def _shaped(schema: dict[str, Any], wild: bool) -> st.SearchStrategy[Any]:
    if "$ref" in schema:
        name = schema["$ref"].removeprefix("#/$defs/")
        return st.deferred(lambda: shaped(DEFS[name], wild=wild))
    if "anyOf" in schema:
        return st.one_of(*(shaped(option, wild=wild) for option in schema["anyOf"]))
    if "enum" in schema:
        return st.sampled_from(schema["enum"])
    kind = schema["type"]
    if kind == "object":
        optional = {name: shaped(part, wild=wild)
                    for name, part in schema.get("properties", {}).items()}
        made = st.fixed_dictionaries({}, optional=optional)
        others = schema.get("additionalProperties")
        if isinstance(others, dict):
            names = shaped(schema["propertyNames"], wild=wild) if "propertyNames" in schema \
                else st.text(max_size=6)
            made = st.dictionaries(names.filter(lambda key: isinstance(key, str)),
                                   shaped(others, wild=wild), max_size=3)
        if wild:
            made = st.builds(lambda base, extra: {**extra, **base}, made,
                             st.dictionaries(st.text(max_size=6), ANY_JSON, max_size=1))
        return made
    if kind == "array":
        return st.lists(shaped(schema["items"], wild=wild), max_size=3)
    numbers = {"integer": st.integers(-3, 200),
               "number": st.integers(-3, 200) | st.floats(-3, 200)}
    plain = {"string": st.text(max_size=6), "boolean": st.booleans(), "null": st.none(),
             **numbers}
    return plain[kind]


def msgspec_accepts(value: Any) -> bool:
    try:
        msgspec.convert(value, config_model.ConfigFile)
    except msgspec.ValidationError:
        return False
    return True


def test_the_shipped_schema_is_the_one_msgspec_derives_from_the_model() -> None:
    assert read_data("config_schema.json").decode("utf-8") == json.dumps(
        config_model.json_schema(), indent=2, sort_keys=True) + "\n"


@settings(max_examples=400, deadline=None)
@given(shaped(SCHEMA, wild=True))
def test_everything_the_check_accepts_msgspec_accepts(config: Any) -> None:
    assert not _conforms(config, _SCHEMA_ROOT) or msgspec_accepts(config)


@settings(max_examples=200, deadline=None)
@given(shaped(SCHEMA, wild=False))
def test_a_config_of_the_models_shape_is_accepted_without_msgspec_exactly_when_msgspec_would(
        config: Any) -> None:
    # Finite numbers only here: the check leaves a float that is not finite to msgspec.
    assert _conforms(config, _SCHEMA_ROOT) == msgspec_accepts(config)


def test_keywords_the_check_does_not_know_are_left_to_msgspec() -> None:
    assert not _conforms("x", {"type": "string", "pattern": "^x$"})
    assert not _conforms("x", {"type": ["string", "null"]})
    assert not _conforms(1.5, {"$ref": "#/$defs/Nowhere"})
    assert not _conforms(float("inf"), {"type": "number", "minimum": 0})
    assert not _conforms(float("nan"), {"type": "number"})
    assert not _conforms(10**400, {"type": "number"})  # msgspec: "Number out of range"
    assert _conforms(10**400, {"type": "integer"}) and _conforms(2**53 - 1, {"type": "number"})
    assert not _conforms(True, {"type": "integer"}) and not _conforms(1.0, {"type": "integer"})
    assert not _conforms({"a": 1}, {"type": "object"})  # no word on other keys: not known here


def test_a_valid_config_loads_without_importing_msgspec(tmp_path: Path) -> None:
    (tmp_path / ".smartspec").mkdir()
    (tmp_path / "smartspec.config.json").write_text(json.dumps({
        "defaults": {"profile": "financial", "domain": ["fintech"], "specsDir": "specs"},
        "output": {"keepBackups": 3}, "validation": {"rules": {"figures": "warn"}},
        "delivery": {"timeline": {"bufferMin": 10, "bufferMax": 25.5}}}), encoding="utf-8")
    assert load_settings(cwd=tmp_path)["profile"] == "financial"
    probe = (f"import sys; from smartspec.config import load_settings; "
             f"s = load_settings(cwd={str(tmp_path)!r}); "
             "print(s['profile'], 'msgspec' in sys.modules)")
    assert fresh_python_prints(probe) == ["financial", "False"]
