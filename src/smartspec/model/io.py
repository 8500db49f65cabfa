"""A SystemModel to and from a model file (JSON, or YAML read lazily with PyYAML), and the
JSON Schema of that file (``smartspec model --schema``).

A model file states the system precisely; every fact read from it gets the origin
``model-file``. Errors name the file, the key path and what was expected, and are raised as
UsageError (exit 2) so a bad file never writes anything.
"""

from __future__ import annotations

import json
import os

from smartspec.errors import UsageError
from smartspec.model import (
    ACTOR_KINDS,
    ATTRIBUTE_TYPES,
    AUTH_KINDS,
    DIRECTIONS,
    INTERFACE_KINDS,
    MODEL_FILE,
    PARTY_ROLES,
    PER_OWNER,
    SEMANTICS,
    STORE_ROLES,
    Actor,
    Attribute,
    Entity,
    Interface,
    Messaging,
    Operation,
    Origin,
    Party,
    Store,
    SystemModel,
)
from smartspec.prose import ASCII_DIGITS, ASCII_LOWER, ASCII_UPPER

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Callable
    from typing import Any

SCHEMA_ID = "https://smartspec.dev/schema/system-model-1.json"


def _enum(values: tuple[str, ...]) -> dict[str, Any]:
    return {"type": "string", "enum": list(values)}


_ORIGIN = {"type": "object", "properties": {"source": {"type": "string"},
                                            "detail": {"type": "string"}}}
_STR = {"type": "string", "minLength": 1}


def _object(required: list[str], properties: dict[str, Any]) -> dict[str, Any]:
    return {"type": "object", "required": required, "additionalProperties": False,
            "properties": {**properties, "origin": _ORIGIN}}


# The patterns the schema gives strings, and a reader for each that answers as ``re.match``
# does (``$`` also before one final newline; ``[0-9]`` only ASCII digits): reading a stored
# model (every ``edit``) checks a few hundred strings against them, and compiling the five
# patterns cost it more than the whole check. tests/unit/test_model_io_readers.py holds each
# reader to its pattern.
NAME_PATTERN = "^[a-z][a-z0-9_]*$"
STATE_PATTERN = "^[A-Z][A-Z0-9_]*$"
ENTERS_PATTERN = "^([a-z][a-z0-9_]*:)?[A-Z][A-Z0-9_]*$"
TYPE_PATTERN = "^(" + "|".join(ATTRIBUTE_TYPES) + r")(:[0-9, ]+)?$"
CURRENCY_PATTERN = "^[A-Z]{3}$"

_NAME_CHARS = ASCII_LOWER | ASCII_DIGITS | {"_"}
_STATE_CHARS = ASCII_UPPER | ASCII_DIGITS | {"_"}
_SIZE = frozenset("0123456789, ")


def _body(value: str) -> str:
    """What a pattern ending in ``$`` must match: the text without one final newline."""
    return value[:-1] if value.endswith("\n") else value


def _name(text: str) -> bool:
    return text[:1] in ASCII_LOWER and _NAME_CHARS.issuperset(text)


def _state(text: str) -> bool:
    return text[:1] in ASCII_UPPER and _STATE_CHARS.issuperset(text)


def _is_name(value: str) -> bool:
    return _name(_body(value))


def _is_state(value: str) -> bool:
    return _state(_body(value))


def _is_entered_state(value: str) -> bool:
    # Neither part can hold a colon, so the first one is where they meet.
    owner, colon, state = _body(value).partition(":")
    return _name(owner) and _state(state) if colon else _state(owner)


def _is_attribute_type(value: str) -> bool:
    name, colon, size = _body(value).partition(":")
    return name in ATTRIBUTE_TYPES and (not colon or (size != "" and _SIZE.issuperset(size)))


def _is_currency(value: str) -> bool:
    body = _body(value)
    return len(body) == 3 and ASCII_UPPER.issuperset(body)


MATCHERS: dict[str, Callable[[str], bool]] = {
    NAME_PATTERN: _is_name, STATE_PATTERN: _is_state, ENTERS_PATTERN: _is_entered_state,
    TYPE_PATTERN: _is_attribute_type, CURRENCY_PATTERN: _is_currency}


def json_schema() -> dict[str, Any]:
    """The JSON Schema (draft 2020-12) of a model file."""
    attribute = {"type": "object", "required": ["name", "type"], "additionalProperties": False,
                 "properties": {"name": {"type": "string", "pattern": NAME_PATTERN},
                                "type": {"type": "string",
                                         "pattern": TYPE_PATTERN},
                                "required": {"type": "boolean"}, "unique": {"type": "boolean"},
                                "check": {"type": ["string", "null"]}}}
    entity = _object(["name"], {
        "name": {"type": "string", "pattern": NAME_PATTERN},
        "plural": {"type": "string", "pattern": NAME_PATTERN},
        "attributes": {"type": "array", "items": attribute},
        "key": {"type": "array", "items": _STR},
        "states": {"type": "array", "items": {"type": "string", "pattern": STATE_PATTERN}},
        "owner": {"type": ["string", "null"]},
        "time_column": {"type": ["string", "null"]},
        "per_owner": {"type": ["string", "null"], "enum": [*PER_OWNER, None]},
    })
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": SCHEMA_ID,
        "title": "smartspec system model",
        "type": "object",
        "required": ["name"],
        "additionalProperties": False,
        "properties": {
            "schema": {"const": 1},
            "name": _STR,
            "description": {"type": "string"},
            "domains": {"type": "array", "items": {"type": "string"}},
            "actors": {"type": "array", "items": _object(["name", "kind"], {
                "name": _STR, "kind": _enum(ACTOR_KINDS)})},
            "interfaces": {"type": "array", "items": _object(["kind", "direction"], {
                "kind": _enum(INTERFACE_KINDS), "direction": _enum(DIRECTIONS),
                "technology": {"type": "string"}, "peer": {"type": "string"}})},
            "entities": {"type": "array", "items": entity},
            "operations": {"type": "array", "items": _object(["verb", "entity", "interface"], {
                "verb": _STR, "entity": _STR, "interface": _enum(INTERFACE_KINDS),
                "method": {"type": "string"}, "path": {"type": "string"},
                "summary": {"type": "string"},
                "enters": {"type": "array", "items": {
                    "type": "string", "pattern": ENTERS_PATTERN}}})},
            "stores": {"type": "array", "items": _object(["technology", "role"], {
                "technology": _STR, "role": _enum(STORE_ROLES)})},
            "messaging": {"type": "array", "items": _object(["technology", "semantics",
                                                              "direction"], {
                "technology": _STR, "semantics": _enum(SEMANTICS),
                "direction": _enum(DIRECTIONS), "channel": {"type": "string"}})},
            "parties": {"type": "array", "items": _object(["name", "role"], {
                "name": _STR, "role": _enum(PARTY_ROLES), "calls_back": {"type": "boolean"},
                "via": {"type": ["string", "null"]}})},
            "technologies": {"type": "array", "items": _STR},
            "money": {"type": "boolean"},
            "currency": {"type": ["string", "null"], "pattern": CURRENCY_PATTERN},
            "auth": _enum(AUTH_KINDS),
            "origins": {"type": "object"},
        },
    }


def read_model_file(path: str) -> SystemModel:
    """The model in ``path`` (.json, .yaml or .yml)."""
    try:
        with open(path, encoding="utf-8") as handle:
            text = handle.read()
    except (OSError, UnicodeDecodeError) as exc:
        raise UsageError(f"--model: cannot read {path}: {exc}") from None
    if os.path.splitext(path)[1].lower() in (".yaml", ".yml"):
        try:
            import yaml  # type: ignore[import-untyped, unused-ignore]
        except ImportError:
            raise UsageError(f"--model: {path} is YAML but PyYAML is not installed; "
                             "install it (pip install pyyaml) or give the model as JSON") from None
        try:
            data = yaml.safe_load(text)
        except yaml.YAMLError as exc:
            mark = getattr(exc, "problem_mark", None)
            where = f" line {mark.line + 1}" if mark is not None else ""
            raise UsageError(f"--model: {path}{where}: not valid YAML") from None
    else:
        try:
            data = json.loads(text)
        except json.JSONDecodeError as exc:
            raise UsageError(f"--model: {path} line {exc.lineno}: not valid JSON ({exc.msg})") from None
    return model_from_data(data, str(path))


def model_from_data(data: Any, where: str) -> SystemModel:
    """Check ``data`` against the schema's rules and make the model; errors name the key."""
    _check(data, json_schema(), where, "")
    origin = Origin(MODEL_FILE, where)

    def orig(item: dict[str, Any]) -> Origin:
        raw = item.get("origin")
        if isinstance(raw, dict) and raw.get("source"):
            return Origin(str(raw["source"]), str(raw.get("detail", "")))
        return origin

    from smartspec.detect import plural_of
    from smartspec.model import entity_catalogue, lifecycle

    entities = tuple(
        Entity(e["name"], e.get("plural") or plural_of(e["name"]),
               tuple(Attribute(a["name"], a["type"], a.get("required", True),
                               a.get("unique", False), a.get("check"))
                     for a in e.get("attributes", ())),
               tuple(e.get("key") or (("id", e["time_column"]) if e.get("time_column")
                                      else ("id",))),
               tuple(e.get("states", ())), e.get("owner"), e.get("time_column"), orig(e),
               e.get("per_owner") if e.get("owner") else None)
        for e in data.get("entities", ()))
    names = {e.name for e in entities}
    by_name = {e.name: e for e in entities}
    for i, op in enumerate(data.get("operations", ())):
        if op["entity"] not in names:
            raise UsageError(f"--model: {where}: operations[{i}].entity {op['entity']!r} is not "
                             f"an entity of the model; expected one of {', '.join(sorted(names))}")
        for entered in op.get("enters", ()):
            # "CAPTURED" is a state of the operation's own entity; "refund:COMPLETED" one
            # of another entity it moves as a side effect.
            other, _, state = entered.rpartition(":")
            owner = other or op["entity"]
            if owner not in names:
                raise UsageError(f"--model: {where}: operations[{i}].enters {entered!r} names "
                                 f"{owner!r}, which is not an entity of the model")
            states = by_name[owner].states
            if state not in states[1:]:
                raise UsageError(
                    f"--model: {where}: operations[{i}].enters {entered!r} is not a state of "
                    f"{owner!r} after its first; expected one of "
                    f"{', '.join(states[1:]) or 'none (it has no later states)'}")

    def operation(o: dict[str, Any]) -> Operation:
        made = Operation(o["verb"], o["entity"], o["interface"], o.get("method", ""),
                         o.get("path", ""), o.get("summary", o["verb"]), orig(o))
        # States a file does not list are those the operation's verb enters (cancel ->
        # CANCELLED), as for a model smartspec builds.
        return made._replace(enters=tuple(o["enters"]) if "enters" in o else
                             lifecycle.all_enters(made, by_name, entity_catalogue()))
    return SystemModel(
        name=data["name"], description=data.get("description", ""),
        domains=tuple(data.get("domains", ())),
        actors=tuple(Actor(a["name"], a["kind"], orig(a)) for a in data.get("actors", ())),
        interfaces=tuple(Interface(i["kind"], i["direction"], i.get("technology", i["kind"]),
                                   i.get("peer", "clients"), orig(i))
                         for i in data.get("interfaces", ())),
        entities=entities,
        operations=tuple(operation(o) for o in data.get("operations", ())),
        stores=tuple(Store(s["technology"], s["role"], orig(s)) for s in data.get("stores", ())),
        messaging=tuple(Messaging(m["technology"], m["semantics"], m["direction"],
                                  m.get("channel", "events"), orig(m))
                        for m in data.get("messaging", ())),
        parties=tuple(Party(p["name"], p["role"], p.get("calls_back", False), p.get("via"), orig(p))
                      for p in data.get("parties", ())),
        technologies=tuple(data.get("technologies", ())),
        money=bool(data.get("money", False)),
        currency=data.get("currency"),
        auth=data.get("auth", "jwt-verify"),
        origins={k: Origin(str(v.get("source", MODEL_FILE)), str(v.get("detail", where)))
                 for k, v in data.get("origins", {}).items() if isinstance(v, dict)},
    )


_TYPES = {"object": dict, "array": list, "string": str, "boolean": bool, "null": type(None)}


def _check(value: Any, schema: dict[str, Any], where: str, path: str) -> None:
    """The subset of JSON Schema the model schema uses, with one clear message per error."""
    here = path or "the top level"
    wanted = schema.get("type")
    if wanted is not None:
        kinds = wanted if isinstance(wanted, list) else [wanted]
        if not any(isinstance(value, _TYPES[k]) and not (k != "boolean" and isinstance(value, bool))
                   for k in kinds):
            raise UsageError(f"--model: {where}: {here} must be {' or '.join(kinds)}, "
                             f"not {type(value).__name__}")
    if "const" in schema and value != schema["const"]:
        raise UsageError(f"--model: {where}: {here} must be {schema['const']!r}")
    if "enum" in schema and value not in schema["enum"]:
        raise UsageError(f"--model: {where}: {here} is {value!r}; expected one of "
                         f"{', '.join('null' if v is None else str(v) for v in schema['enum'])}")
    if isinstance(value, str):
        if schema.get("minLength") and len(value) < schema["minLength"]:
            raise UsageError(f"--model: {where}: {here} must not be empty")
        if "pattern" in schema and not MATCHERS[schema["pattern"]](value):
            raise UsageError(f"--model: {where}: {here} {value!r} does not match "
                             f"{schema['pattern']}")
    if isinstance(value, dict):
        for key in schema.get("required", ()):
            if key not in value:
                raise UsageError(f"--model: {where}: {here} lacks the required key {key!r}")
        properties = schema.get("properties", {})
        for key, item in value.items():
            if key not in properties:
                if schema.get("additionalProperties") is False:
                    raise UsageError(f"--model: {where}: {here} has the unknown key {key!r}; "
                                     f"expected {', '.join(properties)}")
                continue
            _check(item, properties[key], where, f"{path}.{key}" if path else key)
    if isinstance(value, list) and "items" in schema:
        for i, item in enumerate(value):
            _check(item, schema["items"], where, f"{path}[{i}]")


def stored_model(state_dir: str, spec_id: str, settings: dict[str, Any],
                 description: str | None) -> SystemModel | None:
    """The model a spec was written from, kept in the state folder, when it is still the
    spec's: its hash is the one in the settings comment and the description is unchanged.
    Otherwise None, and the model is built again from the description."""
    found = stored_model_text(state_dir, spec_id, settings, description)
    return found[0] if found is not None else None


def stored_model_text(state_dir: str, spec_id: str, settings: dict[str, Any],
                      description: str | None) -> tuple[SystemModel, str] | None:
    """``stored_model`` and the file's text, which is the model's ``dumps`` (smartspec
    wrote it, and its hash is the one the spec records): a caller that needs that text
    need not make it again."""
    from smartspec.digest import sha256_hex

    path = os.path.join(state_dir, "models", f"{spec_id}.json")
    recorded = settings.get("model_sha256")
    if not isinstance(recorded, str) or os.path.islink(path) or not os.path.isfile(path):
        return None
    if (description or "") != (settings.get("description") or ""):
        return None
    with open(path, "rb") as handle:
        raw = handle.read()
    if sha256_hex(raw)[:16] != recorded:
        return None
    try:
        text = raw.decode("utf-8")
        return model_from_data(json.loads(text), path), text
    except (UsageError, ValueError):
        return None
