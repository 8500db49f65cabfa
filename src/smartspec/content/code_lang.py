"""How the code examples write one record's fields in each language they come in.

The DI examples of every language show the same operation on the same record; only the
spelling differs (``passwordHash``, ``password_hash``, ``PasswordHash``), and so do types
and literals (``15000n``, ``Decimal("21.5")``, ``new BigDecimal("21.5")``). Deciding them
here, once, keeps the five templates to the shape of the code and lets a test check every
language against the table the record is stored in.
"""

from __future__ import annotations

import json
import re

from smartspec.tuples import NamedTuple

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

LANGUAGES = ("typescript", "python", "go", "java", "csharp")


class Field(NamedTuple):
    """One field of the record the main operation writes. The first three items are the
    TypeScript spelling, type and literal (the TypeScript templates index them)."""

    camel: str
    ts_type: str
    ts_literal: str
    name: str  # the column, snake_case
    kind: str  # the model attribute type without its size: string, uuid, decimal ...
    value: Any  # the sample value the tests use
    # Where the value comes from: "input" (the caller sends it), "hashed" (the caller sends
    # the secret, the record keeps its hash), "key" (the request's idempotency key),
    # "const" (the service sets it: the provider it charges through), "derived" (the
    # service builds it from the new record's id: an object's storage key).
    source: str = "input"

    @property
    def sent(self) -> str:
        """The name the caller sends the value under (snake_case): ``password`` for the
        ``password_hash`` column."""
        return self.name.removesuffix("_hash") if self.source == "hashed" else self.name


# Attribute kind -> its type in each example language.
_TYPES: dict[str, dict[str, str]] = {
    "string": {"typescript": "string", "python": "str", "java": "String", "go": "string",
               "csharp": "string"},
    # Money in minor units is a 64-bit integer: a TypeScript number is a float, so bigint.
    "big-integer": {"typescript": "bigint", "python": "int", "java": "long", "go": "int64",
                    "csharp": "long"},
    "integer": {"typescript": "number", "python": "int", "java": "int", "go": "int",
                "csharp": "int"},
    "number": {"typescript": "number", "python": "float", "java": "double", "go": "float64",
               "csharp": "double"},
    "decimal": {"typescript": "string", "python": "Decimal", "java": "BigDecimal",
                "go": "decimal.Decimal", "csharp": "decimal"},
    "timestamp": {"typescript": "Date", "python": "datetime", "java": "Instant",
                  "go": "time.Time", "csharp": "DateTimeOffset"},
    "date": {"typescript": "string", "python": "date", "java": "LocalDate", "go": "time.Time",
             "csharp": "DateOnly"},
    "boolean": {"typescript": "boolean", "python": "bool", "java": "boolean", "go": "bool",
                "csharp": "bool"},
    "json": {"typescript": "Record<string, unknown>", "python": "dict[str, object]",
             "java": "Map<String, Object>", "go": "map[string]any",
             "csharp": "IReadOnlyDictionary<string, object>"},
}
_TYPES["small-integer"] = _TYPES["integer"]


def type_of(kind: str, language: str) -> str:
    """The type of an attribute of ``kind`` in ``language`` (text, ids and codes are strings)."""
    return _TYPES.get(kind, _TYPES["string"])[language]


def camel(name: str) -> str:
    head, *rest = name.split("_")
    return head + "".join(w.capitalize() for w in rest)


# Initialisms Go writes in capitals (Effective Go: "URL", "ID"), so user_id is UserID.
_GO_INITIALISMS = {"id": "ID", "url": "URL", "sku": "SKU", "api": "API", "uuid": "UUID"}


def member(name: str, language: str) -> str:
    """A record's member named after column ``name``, as ``language`` spells members."""
    if language == "python":
        return name
    if language == "go":
        return "".join(_GO_INITIALISMS.get(w, w.capitalize()) for w in name.split("_"))
    if language == "csharp":
        return "".join(w.capitalize() for w in name.split("_"))
    return camel(name)


def param(name: str, language: str) -> str:
    """A parameter or local variable named after ``name``."""
    return name if language == "python" else camel(name)


def literal(value: Any, kind: str, language: str) -> str:
    """``value`` written as a literal of ``kind`` in ``language``."""
    if kind == "json":
        items = value if isinstance(value, dict) else {"key": "value"}
        pairs = [(json.dumps(k), literal(v, "string" if isinstance(v, str) else "number",
                                         language)) for k, v in items.items()]
        if language == "typescript":
            return "{ " + ", ".join(f"{k[1:-1]}: {v}" for k, v in pairs) + " }"
        if language == "python":
            return "{" + ", ".join(f"{k}: {v}" for k, v in pairs) + "}"
        if language == "go":
            return "map[string]any{" + ", ".join(f"{k}: {v}" for k, v in pairs) + "}"
        if language == "java":
            return "Map.of(" + ", ".join(f"{k}, {v}" for k, v in pairs) + ")"
        return ("new Dictionary<string, object> { "
                + ", ".join(f"[{k}] = {v}" for k, v in pairs) + " }")
    if kind == "boolean":
        return ("True" if value else "False") if language == "python" else (
            "true" if value else "false")
    if kind in ("integer", "small-integer", "big-integer"):
        number = value if isinstance(value, int) else 1
        if kind == "big-integer":
            return {"typescript": f"{number}n", "java": f"{number}L",
                    "csharp": f"{number}L"}.get(language, str(number))
        return str(number)
    if kind == "number":
        return str(value if isinstance(value, int | float) else 21.5)
    text = str(value)
    quoted = json.dumps(text) if language != "typescript" else "'" + text.replace("'", "\\'") + "'"
    if kind == "decimal":
        return {"typescript": quoted, "python": f"Decimal({quoted})",
                "go": f"decimal.RequireFromString({quoted})",
                "java": f"new BigDecimal({quoted})", "csharp": f"{text}m"}[language]
    if kind in ("timestamp", "date"):
        parts = [int(p) for p in re.findall(r"\d+", text)[:6]] + [0] * 6
        year, month, day, hour, minute, second = parts[:6]
        if kind == "date":
            return {"typescript": quoted, "python": f"date({year}, {month}, {day})",
                    "go": f"time.Date({year}, {month}, {day}, 0, 0, 0, 0, time.UTC)",
                    "java": f"LocalDate.parse({quoted})",
                    "csharp": f"DateOnly.Parse({quoted})"}[language]
        return {"typescript": f"new Date({quoted})",
                "python": f"datetime({year}, {month}, {day}, {hour}, {minute}, tzinfo=UTC)",
                "go": f"time.Date({year}, {month}, {day}, {hour}, {minute}, {second}, 0, "
                      "time.UTC)",
                "java": f"Instant.parse({quoted})",
                "csharp": f"DateTimeOffset.Parse({quoted})"}[language]
    return quoted


class Part(NamedTuple):
    """One field as one language writes it."""

    member: str  # the record's member: passwordHash, password_hash, PasswordHash
    type: str  # the member's type
    literal: str  # a sample of the stored value (a hash for a hashed field)
    sent: str  # the input's member the caller fills: password
    sent_literal: str  # a sample of what the caller sends
    source: str  # input | hashed | key | const | derived
    field: Field
    derived: str = ""  # the expression that builds a derived value from the id variable


# What a stored password hash looks like in a test's fixture (Argon2id's PHC string).
HASH_SAMPLE = "$argon2id$v=19$m=19456,t=2,p=1$c2FsdHNhbHQ$aGFzaGhhc2hoYXNo"
PASSWORD_SAMPLE = "correct horse battery staple"


# The variable that holds a new record's id before the record is built.
ID_VARIABLE = {"python": "record_id"}


def _derived(prefix: str, language: str) -> str:
    """``prefix`` followed by the new record's id, as an expression of ``language``."""
    name = ID_VARIABLE.get(language, "id")
    return {"typescript": f"`{prefix}${{{name}}}`", "python": f'f"{prefix}{{{name}}}"',
            "csharp": f'$"{prefix}{{{name}}}"'}.get(language, f'"{prefix}" + {name}')


def parts(fields: tuple[Field, ...], language: str) -> tuple[Part, ...]:
    """Every field of the record in ``language``."""
    found = []
    for f in fields:
        stored = literal(HASH_SAMPLE if f.source == "hashed" else f.value, f.kind, language)
        sent_value = PASSWORD_SAMPLE if f.source == "hashed" else f.value
        derived = (_derived(str(f.value).rsplit("/", 1)[0] + "/", language)
                   if f.source == "derived" else "")
        found.append(Part(member(f.name, language), type_of(f.kind, language), stored,
                          member(f.sent, language), literal(sent_value, f.kind, language),
                          f.source, f, derived))
    return tuple(found)
