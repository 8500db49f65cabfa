"""The model file's string checks (model.io.MATCHERS) answer as ``re.match`` of the schema's
patterns does, on every string of the entity catalogue (most of what a stored model holds)
and on the edge cases of the patterns (a final newline, non-ASCII digits and letters, colons,
sizes)."""

from __future__ import annotations

import re

import pytest

from smartspec.model import ATTRIBUTE_TYPES, entity_catalogue
from smartspec.model.io import MATCHERS, json_schema

EDGES = [
    "", "\n", "a", "a\n", "a\n\n", "\na", "A", "A\n", "A\n\n", "_", "a_", "_a", "a1", "1a", "ab-c",
    "payment", "payment_id", "Payment", "PENDING", "PENDING_2", "P", "pENDING", "PENDING ",
    "payment:PENDING", "payment:PENDING\n", "payment:", ":PENDING", "payment::PENDING",
    "Payment:PENDING", "payment:pending", "a:B:C", "a1_:Z9", "payment:PENDING\n\n",
    "USD", "USD\n", "US", "USDT", "usd", "ÜSD", "U٣D", "ａbc", "ǅ", "é", "a٣", "A٣",
    "string:200", "decimal:19,4", "decimal:19, 4", "string:", "string", "string\n",
    "string:200\n", "string:2٣", "string:a", "strings", "small-integer", "integer:8",
    "big-integer", "big", "text:1:2", "uuid:", ":200", "json:,", "bytes: ", "date:12\n\n",
    *ATTRIBUTE_TYPES, *(f"{kind}:10" for kind in ATTRIBUTE_TYPES),
]


def _strings(value: object) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [s for key, item in value.items() for s in (key, *_strings(item))]
    if isinstance(value, list):
        return [s for item in value for s in _strings(item)]
    return []


def _patterns(schema: object) -> set[str]:
    if isinstance(schema, dict):
        found = {schema["pattern"]} if isinstance(schema.get("pattern"), str) else set()
        return found.union(*(_patterns(item) for item in schema.values()))
    if isinstance(schema, list):
        return set().union(*(_patterns(item) for item in schema))
    return set()


def _catalogue_strings() -> list[str]:
    """Every string of the entity catalogue (names, attribute names and types, states), the
    bulk of what a stored model holds, and each in the lower case a model names it in."""
    found = set(_strings(entity_catalogue()))
    return sorted(found | {text.lower() for text in found})


def test_every_schema_pattern_has_its_reader() -> None:
    assert _patterns(json_schema()) == set(MATCHERS)


@pytest.mark.parametrize("pattern", sorted(MATCHERS))
def test_reader_answers_as_its_pattern(pattern: str) -> None:
    reader = MATCHERS[pattern]
    texts = [*EDGES, *_catalogue_strings()]
    wrong = [text for text in texts if reader(text) != bool(re.match(pattern, text))]
    assert wrong == []
    # Both answers occur, so the comparison says something about each reader.
    assert {reader(text) for text in texts} == {True, False}
