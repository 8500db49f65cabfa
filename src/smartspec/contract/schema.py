"""The part of JSON Schema a spec's examples need: a schema inferred from an example value,
the union of two object schemas, and a checker for an example against a schema (``type``,
``properties``, ``required``, ``items``, ``enum``, ``const``, ``anyOf``/``oneOf``/``allOf`` and
local ``$ref``). Small on purpose: the runtime carries no JSON Schema library.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

_JSON_TYPES = {"string": str, "boolean": bool, "object": dict, "array": list}


def infer_schema(value: Any) -> dict[str, Any]:
    """A schema every value shaped like ``value`` satisfies: objects list their keys as
    properties and as required, arrays take the union of their items, ``null`` allows
    anything (the example does not say what the value is when present)."""
    if isinstance(value, bool):
        return {"type": "boolean"}
    if isinstance(value, int):
        return {"type": "integer"}
    if isinstance(value, float):
        return {"type": "number"}
    if isinstance(value, str):
        return {"type": "string"}
    if isinstance(value, list):
        items: dict[str, Any] = {}
        for item in value:
            items = merge_schema(items, infer_schema(item)) if items else infer_schema(item)
        return {"type": "array", "items": items} if items else {"type": "array"}
    if isinstance(value, dict):
        properties = {str(k): infer_schema(v) for k, v in value.items()}
        required = [str(k) for k, v in value.items() if v is not None]
        schema: dict[str, Any] = {"type": "object", "properties": properties}
        if required:
            schema["required"] = required
        return schema
    return {}


def merge_schema(base: dict[str, Any], other: Mapping[str, Any]) -> dict[str, Any]:
    """Widen ``base`` (in place) so that what ``other`` accepts is accepted too: properties
    are united, ``required`` keeps only the names both require, a type clash drops the type."""
    if not base:
        base.update(other)
        return base
    if base.get("type") != other.get("type"):
        if other.get("type") is not None and base.get("type") is not None:
            # An example wins over a column type: the example is what the API returns.
            if base.get("type") == "object" and other.get("type") != "object":
                return base
            base.clear()
            base.update(other)
        return base
    if base.get("type") == "object":
        properties = base.setdefault("properties", {})
        for name, schema in (other.get("properties") or {}).items():
            if name in properties and properties[name].get("type") == schema.get("type"):
                merge_schema(properties[name], schema)
            else:
                properties[name] = dict(schema)
        if "required" in base or "required" in other:
            both = [n for n in base.get("required", []) if n in (other.get("required") or [])]
            if both:
                base["required"] = both
            else:
                base.pop("required", None)
    elif base.get("type") == "array" and "items" in other:
        merge_schema(base.setdefault("items", {}), other["items"])
    return base


def resolve(schema: Mapping[str, Any], root: Mapping[str, Any]) -> Mapping[str, Any]:
    """Follow local ``$ref``s (``#/components/schemas/X``); an unresolvable one is empty."""
    seen = 0
    while "$ref" in schema and seen < 32:
        target: Any = root
        for part in str(schema["$ref"]).removeprefix("#/").split("/"):
            target = target.get(part.replace("~1", "/").replace("~0", "~"), {}) \
                if isinstance(target, Mapping) else {}
        schema = target if isinstance(target, Mapping) else {}
        seen += 1
    return schema


def _type_ok(value: Any, kind: str) -> bool:
    if kind == "null":
        return value is None
    if kind == "integer":
        return (isinstance(value, int) and not isinstance(value, bool)) or (
            isinstance(value, float) and value.is_integer())
    if kind == "number":
        return isinstance(value, int | float) and not isinstance(value, bool)
    expected = _JSON_TYPES.get(kind)
    return expected is None or isinstance(value, expected)


def problems(value: Any, schema: Mapping[str, Any], root: Mapping[str, Any],
             where: str = "$") -> Iterator[str]:
    """Why ``value`` does not satisfy ``schema`` (``$ref``s resolved in ``root``), one
    sentence per problem with the JSON path; nothing when it does."""
    schema = resolve(schema, root)
    kinds = schema.get("type")
    if kinds is not None:
        allowed = kinds if isinstance(kinds, list) else [kinds]
        if schema.get("nullable") is True:
            allowed = [*allowed, "null"]
        if not any(_type_ok(value, str(k)) for k in allowed):
            yield f"{where} is {_kind(value)}, expected {' or '.join(map(str, allowed))}"
            return
    if "const" in schema and value != schema["const"]:
        yield f"{where} is {value!r}, expected {schema['const']!r}"
    if "enum" in schema and value not in schema["enum"]:
        yield f"{where} is {value!r}, expected one of {schema['enum']!r}"
    for key in ("anyOf", "oneOf"):
        options = schema.get(key)
        if isinstance(options, list) and options and not any(
                not any(True for _ in problems(value, option, root, where)) for option in options):
            yield f"{where} matches none of the {key} alternatives"
    for option in schema.get("allOf") or ():
        yield from problems(value, option, root, where)
    if isinstance(value, dict):
        for name in schema.get("required") or ():
            if name not in value:
                yield f"{where}.{name} is required but missing"
        properties = schema.get("properties") or {}
        for name, item in value.items():
            if name in properties:
                yield from problems(item, properties[name], root, f"{where}.{name}")
            elif schema.get("additionalProperties") is False:
                yield f"{where}.{name} is not a declared property"
    if isinstance(value, list) and isinstance(schema.get("items"), Mapping):
        for position, item in enumerate(value):
            yield from problems(item, schema["items"], root, f"{where}[{position}]")


def _kind(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, int | float):
        return "a number"
    if isinstance(value, str):
        return "a string"
    return "an array" if isinstance(value, list) else "an object"
