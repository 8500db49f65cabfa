"""OpenAPI 3.1 from a spec: paths and operations from the endpoint table, path parameters,
request bodies and responses with schemas taken from the spec's JSON examples and its
``CREATE TABLE`` columns, the error format, security schemes from the security section, and
the examples themselves.

Pure: ``SpecFacts`` in, a plain dict out (``to_json`` / ``to_yaml`` render it the same way
every time). Everything the spec does not say is left out rather than invented.
"""

from __future__ import annotations

import json
import re
from typing import Any

from smartspec.contract.schema import infer_schema, merge_schema
from smartspec.delivery.items import (
    ApiEndpoint,
    Column,
    Entity,
    Example,
    SpecFacts,
    canonical_path,
)
from smartspec.delivery.tasks import resource_of

OPENAPI_VERSION = "3.1.0"
BODY_METHODS = frozenset({"POST", "PUT", "PATCH"})
SECURITY_SCHEMES: dict[str, tuple[str, dict[str, Any]]] = {
    "bearer": ("bearerAuth", {"type": "http", "scheme": "bearer", "bearerFormat": "JWT"}),
    "apiKey": ("apiKeyAuth", {"type": "apiKey", "in": "header", "name": "X-API-Key"}),
    "mutualTLS": ("mutualTLS", {"type": "mutualTLS"}),
}
ERROR_DESCRIPTIONS = {
    400: "Bad request", 401: "Unauthorized", 403: "Forbidden", 404: "Not found",
    409: "Conflict", 422: "Unprocessable entity", 429: "Too many requests",
    500: "Internal server error", 502: "Bad gateway", 503: "Service unavailable",
}
# SQL column types as JSON Schema (money as a decimal string, never a float).
_SQL_TYPES: tuple[tuple[str, dict[str, Any]], ...] = (
    ("UUID", {"type": "string", "format": "uuid"}),
    ("TIMESTAMP", {"type": "string", "format": "date-time"}),
    ("DATE", {"type": "string", "format": "date"}),
    ("BOOL", {"type": "boolean"}),
    ("BIGINT", {"type": "integer"}), ("SMALLINT", {"type": "integer"}),
    ("INT", {"type": "integer"}), ("SERIAL", {"type": "integer"}),
    ("DECIMAL", {"type": "string"}), ("NUMERIC", {"type": "string"}),
    ("REAL", {"type": "number"}), ("DOUBLE", {"type": "number"}), ("FLOAT", {"type": "number"}),
    ("JSON", {"type": "object"}),
)


def _camel(text: str, upper: bool = True) -> str:
    parts = [p for p in re.split(r"[^A-Za-z0-9]+", text) if p]
    out = "".join(p[:1].upper() + p[1:] for p in parts)
    return out if upper else out[:1].lower() + out[1:]


def _singular(word: str) -> str:
    if word.endswith("ies"):
        return word[:-3] + "y"
    if word.endswith("sses") or word.endswith("xes"):
        return word[:-2]
    if word.endswith("s") and not word.endswith("ss"):
        return word[:-1]
    return word


def operation_id(endpoint: ApiEndpoint) -> str:
    words = [endpoint.method.lower()]
    for part in endpoint.path.split("/"):
        if not part or part.lower() == "api" or re.fullmatch(r"v\d+", part):
            continue
        words.append("by-" + part.strip("{}") if part.startswith("{") else part)
    return _camel("-".join(words), upper=False)


def _column_schema(sql_type: str) -> dict[str, Any]:
    for prefix, schema in _SQL_TYPES:
        if sql_type.startswith(prefix):
            return dict(schema)
    return {"type": "string"}


def _entity_for(resource: str, entities: list[Entity]) -> Entity | None:
    wanted = {resource.replace("-", "_"), _singular(resource).replace("-", "_")}
    return next((e for e in entities if e.name in wanted or _singular(e.name) in wanted), None)


# Columns a record keeps but its API representation never carries: credentials stored
# hashed, the request's idempotency key, raw bytes (stored encrypted).
_HIDDEN_COLUMN_RE = re.compile(r"_hash$|^idempotency_key$")
# Columns the service sets on every write that an answer may leave out.
_OPTIONAL_IN_ANSWERS = frozenset({"updated_at"})


def _property(column: Column) -> dict[str, Any]:
    """One column as a JSON Schema property: its type (null allowed where the column is
    nullable), its length, and the values its CHECK list allows."""
    schema = _column_schema(column.sql_type)
    size = re.search(r"\((\d+)\)", column.sql_type)
    if size and schema.get("type") == "string" and column.sql_type.startswith(("VARCHAR", "CHAR")):
        schema["maxLength"] = int(size.group(1))
        if column.sql_type.startswith("CHAR"):
            schema["minLength"] = int(size.group(1))
    if column.allowed:
        schema["enum"] = list(column.allowed)
    if not column.required and "type" in schema:
        schema["type"] = [schema["type"], "null"]
        if "enum" in schema:
            schema["enum"] = [*schema["enum"], None]
    return schema


def _record_resource(endpoint: ApiEndpoint, entities: list[Entity]) -> str:
    """The resource whose record an endpoint takes and returns: the last segment of its path
    that names a table (``/payments/{id}/refunds`` -> refunds: a refund comes back), else its
    capability (``/payments/{id}/capture`` -> payments)."""
    segments = [p for p in endpoint.path.split("/") if p and not p.startswith("{")]
    for segment in reversed(segments[1:]):
        if _entity_for(segment.lower(), entities) is not None:
            return segment.lower()
    return resource_of(endpoint)


def _entity_schema(entity: Entity) -> dict[str, Any]:
    """A record's schema from its table: every column the API shows, typed as the DDL types
    it, nullable where the column is, and required where the column is NOT NULL, so an
    optional field nobody set in an example (a device's ``last_seen_at``) is still there."""
    shown = [c for c in entity.columns
             if not _HIDDEN_COLUMN_RE.search(c.name) and not c.sql_type.startswith("BYTEA")]
    schema: dict[str, Any] = {"type": "object",
                              "properties": {c.name: _property(c) for c in shown}}
    required = [c.name for c in shown if c.required and c.name not in _OPTIONAL_IN_ANSWERS]
    if required:
        schema["required"] = required
    return schema


def _matches(endpoint: ApiEndpoint, example: Example) -> bool:
    if endpoint.method != example.method:
        return False
    pattern = re.sub(r"\\\{[^/]*?\\\}", "[^/]+", re.escape(endpoint.path))
    return re.fullmatch(pattern + "/?", canonical_path(example.path)) is not None


def _examples_of(endpoint: ApiEndpoint, facts: SpecFacts) -> list[Example]:
    """The examples that belong to ``endpoint``; a concrete path that fits two endpoints
    (``/orders/42`` and ``/orders/{id}``) goes to the one with fewer parameters."""
    found = []
    for example in facts.examples:
        fits = [e for e in facts.endpoints if _matches(e, example)]
        if fits and min(fits, key=lambda e: (len(e.params), e.path)) is endpoint:
            found.append(example)
    return found


def _success_status(endpoint: ApiEndpoint, examples: list[Example]) -> int:
    for example in examples:
        if example.status is not None and 200 <= example.status < 300:
            return example.status
    if endpoint.method == "POST":
        return 201
    return 204 if endpoint.method == "DELETE" else 200


def build(facts: SpecFacts) -> dict[str, Any]:
    """The OpenAPI 3.1 document of the spec ``facts`` was read from."""
    version = facts.doc.header.get("Version", "").strip() or "0.1.0"
    document: dict[str, Any] = {
        "openapi": OPENAPI_VERSION,
        "info": {"title": facts.title, "version": version,
                 "description": f"Exported by smartspec from {facts.spec_id} ({facts.path})."},
    }
    schemes = {name: body for kind in facts.auth
               for name, body in [SECURITY_SCHEMES[kind]]}
    components: dict[str, Any] = {}
    schemas: dict[str, Any] = {}
    if facts.error_codes:
        error = (infer_schema(facts.error_example) if facts.error_example is not None else
                 {"type": "object", "properties": {"error": {"type": "object", "properties": {
                     "code": {"type": "string"}, "message": {"type": "string"}}}}})
        schemas["Error"] = error
    resources: dict[str, dict[str, Any]] = {}
    for endpoint in facts.endpoints:
        resource = _record_resource(endpoint, facts.entities)
        entity = _entity_for(resource, facts.entities)
        schema = resources.setdefault(
            resource, _entity_schema(entity) if entity else {"type": "object", "properties": {}})
        for example in _examples_of(endpoint, facts):
            body = example.body
            if isinstance(body, dict) and example.status is not None and "items" not in body:
                if entity is None:
                    merge_schema(schema, infer_schema(body))
                    continue
                # The table states the record; an answer adds only fields the table lacks
                # (computed ones), never narrows or retypes a column. A NOT NULL column the
                # spec's own answers leave out (a ledger account the service picks) stays a
                # property but is not required, so the spec agrees with its export.
                properties = schema["properties"]
                for name, value in body.items():
                    properties.setdefault(name, infer_schema(value))
                if "required" in schema and "id" in body:
                    schema["required"] = [n for n in schema["required"] if n in body]
                    if not schema["required"]:
                        schema.pop("required")
    for resource, schema in resources.items():
        if schema.get("properties"):
            schemas[_camel(_singular(resource))] = schema

    paths: dict[str, Any] = {}
    for endpoint in facts.endpoints:
        paths.setdefault(endpoint.path, {})[endpoint.method.lower()] = _operation(
            endpoint, facts, schemas, bool(schemes))
    document["paths"] = paths
    if schemas:
        components["schemas"] = schemas
    if schemes:
        components["securitySchemes"] = schemes
        document["security"] = [{name: []} for name in schemes]
    if components:
        document["components"] = components
    return document


def _operation(endpoint: ApiEndpoint, facts: SpecFacts, schemas: dict[str, Any],
               secured: bool) -> dict[str, Any]:
    examples = _examples_of(endpoint, facts)
    resource = _camel(_singular(_record_resource(endpoint, facts.entities)))
    ref = {"$ref": f"#/components/schemas/{resource}"} if resource in schemas else None
    operation: dict[str, Any] = {"operationId": operation_id(endpoint),
                                 "tags": [resource_of(endpoint)]}
    if endpoint.purpose:
        operation["summary"] = endpoint.purpose
    if endpoint.params:
        operation["parameters"] = [
            {"name": name, "in": "path", "required": True, "schema": {"type": "string"}}
            for name in endpoint.params]
    if endpoint.method in BODY_METHODS:
        request = next((e for e in examples if e.status is None), None)
        schema = infer_schema(request.body) if request else (ref or {"type": "object"})
        content: dict[str, Any] = {"schema": schema}
        if request:
            content["example"] = request.body
        operation["requestBody"] = {"required": True, "content": {"application/json": content}}
    status = _success_status(endpoint, examples)
    response: dict[str, Any] = {"description": endpoint.purpose or "Success"}
    shown = next((e for e in examples if e.status == status), None)
    if status != 204:
        # The record's schema answers with the record (a body with its id); another body
        # (a signed upload URL, a tracking history) is described by itself.
        if shown is not None and not (isinstance(shown.body, dict) and ref
                                      and "items" not in shown.body and "id" in shown.body):
            body_schema = infer_schema(shown.body)
        else:
            body_schema = ref or {"type": "object"}
        media: dict[str, Any] = {"schema": body_schema}
        if shown is not None:
            media["example"] = shown.body
        response["content"] = {"application/json": media}
    responses: dict[str, Any] = {str(status): response}
    for code in _error_codes(endpoint, facts, secured):
        error: dict[str, Any] = {"description": ERROR_DESCRIPTIONS.get(code, "Error")}
        if "Error" in schemas:
            error["content"] = {"application/json": {
                "schema": {"$ref": "#/components/schemas/Error"}}}
        responses[str(code)] = error
    operation["responses"] = responses
    return operation


def _error_codes(endpoint: ApiEndpoint, facts: SpecFacts, secured: bool) -> list[int]:
    """The spec's error codes that apply to this operation: validation errors where there is
    input, 404 where there is an id, auth errors when the API is secured, the rest as
    stated."""
    codes = []
    for code in facts.error_codes:
        if code in (400, 422) and not (endpoint.method in BODY_METHODS or endpoint.params
                                       or endpoint.method == "GET"):
            continue
        if code == 404 and not endpoint.params:
            continue
        if code in (401, 403) and not secured:
            continue
        if code == 409 and endpoint.method not in BODY_METHODS:
            continue
        codes.append(code)
    return codes


def to_json(document: dict[str, Any]) -> str:
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"


_PLAIN_KEY_RE = re.compile(r"[A-Za-z_$][A-Za-z0-9_$.-]*")  # whole key: "A\n" is not plain
_YAML_WORDS = frozenset({"y", "n", "yes", "no", "on", "off", "true", "false", "null", "~"})


def _key(key: str) -> str:
    if _PLAIN_KEY_RE.fullmatch(key) and key.lower() not in _YAML_WORDS:
        return key
    return _quoted(key)


def _scalar(value: Any) -> str:
    if value is None:
        return "null"
    if value is True or value is False:
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        text = repr(value)
        # YAML 1.1 (PyYAML) reads "1e+16" as a string: a float needs a dot before its exponent.
        return text.replace("e", ".0e", 1) if "e" in text and "." not in text else text
    return _quoted(str(value))


def _quoted(text: str) -> str:
    """A YAML double-quoted scalar: JSON's escapes, plus ``\\uXXXX`` for every character
    YAML does not allow raw (non-printable ones such as U+2028 or U+0085)."""
    body = json.dumps(text, ensure_ascii=False)
    if body.isprintable():
        return body
    return "".join(c if c.isprintable() else
                   (f"\\u{ord(c):04x}" if ord(c) <= 0xFFFF else f"\\U{ord(c):08x}")
                   for c in body)


def to_yaml(document: Any) -> str:
    """Block-style YAML, written the same way every run: keys in the document's order,
    strings double-quoted (JSON escapes are YAML escapes), empty maps and lists inline."""
    lines: list[str] = []
    _emit(document, 0, lines)
    return "\n".join(lines) + "\n"


def _emit(value: Any, indent: int, lines: list[str]) -> None:
    pad = "  " * indent
    if isinstance(value, dict):
        for key, item in value.items():
            if isinstance(item, dict | list) and item:
                lines.append(f"{pad}{_key(str(key))}:")
                _emit(item, indent + 1, lines)
            else:
                lines.append(f"{pad}{_key(str(key))}: {_inline(item)}")
    elif isinstance(value, list):
        for item in value:
            if isinstance(item, dict | list) and item:
                inner: list[str] = []
                _emit(item, indent + 1, inner)
                first = inner[0][len(pad) + 2:]
                lines.append(f"{pad}- {first}")
                lines.extend(inner[1:])
            else:
                lines.append(f"{pad}- {_inline(item)}")
    else:
        lines.append(pad + _scalar(value))


def _inline(value: Any) -> str:
    if isinstance(value, dict):
        return "{}"
    if isinstance(value, list):
        return "[]"
    return _scalar(value)
