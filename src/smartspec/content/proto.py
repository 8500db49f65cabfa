"""The ``proto`` service definition of a gRPC interface, written from the model: one message
per entity (its attributes and lifecycle state), one rpc per operation the model routes over
gRPC. The text compiles with ``protoc`` (tests/unit/test_proto.py runs grpcio-tools on it).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator

from smartspec.tuples import NamedTuple

TYPE_CHECKING = False
if TYPE_CHECKING:
    from smartspec.model import Entity, Operation, SystemModel

_PROTO_TYPES = {"string": "string", "text": "string", "code": "string", "uuid": "string",
                "integer": "int32", "small-integer": "int32", "big-integer": "int64",
                "number": "double", "decimal": "string", "timestamp": "google.protobuf.Timestamp",
                "date": "string", "boolean": "bool", "json": "google.protobuf.Struct",
                "bytes": "bytes"}


def _pascal(name: str) -> str:
    return "".join(part.capitalize() for part in re.split(r"[^A-Za-z0-9]+", name) if part)


def _service_name(model: SystemModel) -> str:
    """The gRPC service's name, the same in the .proto file and in the grpcurl examples:
    ``model-serving`` -> ``ModelServingService``."""
    service = _pascal(model.name) or "Service"
    return service if service.endswith("Service") else service + "Service"


def _with_entities(model: SystemModel,
                   ops: Iterable[Operation]) -> Iterator[tuple[Operation, Entity]]:
    """Each of ``ops`` with the entity it acts on; an operation on no known entity has no
    message or type to describe it, so it is passed over."""
    for op in ops:
        entity = model.entity(op.entity)
        if entity is not None:
            yield op, entity


def package_of(name: str) -> str:
    """A proto package from the spec name: ``model-serving`` -> ``model_serving.v1``."""
    base = re.sub(r"[^a-z0-9]+", "_", name.lower()).strip("_") or "service"
    if base[0].isdigit():
        base = "svc_" + base
    return f"{base}.v1"


def _message(entity: Entity) -> list[str]:
    lines = [f"message {_pascal(entity.name)} {{", "  string id = 1;"]
    number = 2
    if entity.owner:
        lines.append(f"  string {entity.owner}_id = {number};")
        number += 1
    for attribute in entity.attributes:
        kind = _PROTO_TYPES.get(attribute.type.partition(":")[0], "string")
        lines.append(f"  {kind} {attribute.name} = {number};")
        number += 1
    if entity.states:
        lines.append(f"  {_pascal(entity.name)}Status status = {number};")
        number += 1
    lines.append("}")
    if entity.states:
        prefix = re.sub(r"[^A-Z0-9]+", "_", entity.name.upper())
        lines += ["", f"enum {_pascal(entity.name)}Status {{",
                  f"  {prefix}_STATUS_UNSPECIFIED = 0;"]
        lines += [f"  {prefix}_STATUS_{state} = {i};" for i, state in enumerate(entity.states, 1)]
        lines.append("}")
    return lines


def proto_for(model: SystemModel) -> str:
    """The whole .proto file of the model's gRPC operations (empty when it has none)."""
    ops = [o for o in model.operations if o.interface == "grpc"]
    if not ops:
        return ""
    service = _service_name(model)
    lines = ['syntax = "proto3";', "", f"package {package_of(model.name)};", "",
             'import "google/protobuf/struct.proto";',
             'import "google/protobuf/timestamp.proto";', "", f"service {service} {{"]
    messages: list[list[str]] = []
    defined: set[str] = set()
    for op, entity in _with_entities(model, ops):
        kind = _pascal(entity.name)
        if op.verb == "get":
            request, response = f"{op.path}Request", kind
            messages.append([f"message {request} {{", "  string id = 1;", "}"])
            stream_in = stream_out = ""
        elif op.verb == "list":
            request, response = f"{op.path}Request", f"{op.path}Response"
            messages.append([f"message {request} {{", "  int32 page_size = 1;",
                             "  string page_token = 2;", "}"])
            messages.append([f"message {response} {{",
                             f"  repeated {kind} {entity.plural} = 1;",
                             "  string next_page_token = 2;", "}"])
            stream_in = stream_out = ""
        elif op.verb != "infer":
            # A lifecycle step (register, promote, retire ...): a new record is sent whole,
            # an existing one is named by its id; either way the record comes back.
            request, response = f"{op.path}Request", kind
            fields = ([f"  {_PROTO_TYPES.get(a.type.partition(':')[0], 'string')} {a.name} = "
                       f"{n};" for n, a in enumerate(entity.attributes, 1)]
                      if not op.enters else ["  string id = 1;"])
            messages.append([f"message {request} {{", *fields, "}"])
            stream_in = stream_out = ""
        else:
            request, response = "PredictRequest", "PredictResponse"
            if request not in defined:
                messages.append(["message PredictRequest {", "  string model_id = 1;",
                                 "  google.protobuf.Struct input = 2;", "}"])
                messages.append(["message PredictResponse {", f"  {kind} {entity.name} = 1;",
                                 "}"])
                defined.add(request)
            stream_in = stream_out = "stream " if op.path.endswith("Stream") else ""
        lines.append(f"  // {op.summary}.")
        lines.append(f"  rpc {op.path}({stream_in}{request}) returns ({stream_out}{response});")
        if kind not in defined:
            messages.append(_message(entity))
            defined.add(kind)
    lines.append("}")
    for block in messages:
        lines += ["", *block]
    return "\n".join(lines) + "\n"


_GRAPHQL_TYPES = {"integer": "Int", "small-integer": "Int", "big-integer": "String",
                  "number": "Float", "boolean": "Boolean", "timestamp": "DateTime",
                  "json": "JSON"}


def graphql_sdl(model: SystemModel) -> str:
    """The GraphQL schema (SDL) of the model's GraphQL operations (empty when it has none)."""
    ops = [o for o in model.operations if o.interface == "graphql"]
    if not ops:
        return ""
    lines = ["scalar DateTime", "scalar JSON", "", "type Query {"]
    types: list[str] = []
    # Lifecycle steps (archive ...) change a record: mutations, named by the record's id.
    mutations = [f"  {op.path}(id: ID!): {_pascal(entity.name)}!"
                 for op, entity in _with_entities(model, ops) if op.method == "mutation"]
    for op, entity in _with_entities(model, ops):
        kind = _pascal(entity.name)
        if op.method == "mutation":
            pass
        elif op.verb == "get":
            lines.append(f"  {op.path}(id: ID!): {kind}")
        elif op.verb == "search":
            lines.append(f"  {op.path}(text: String!, first: Int = 20, after: String): "
                         f"{kind}Connection!")
        else:
            lines.append(f"  {op.path}(first: Int = 50, after: String): {kind}Connection!")
        if kind in types:
            continue
        types.append(kind)
    lines.append("}")
    if mutations:
        lines += ["", "type Mutation {", *mutations, "}"]
    for kind in types:
        entity = next(e for e in model.entities if _pascal(e.name) == kind)
        lines += ["", f"type {kind} {{", "  id: ID!"]
        if entity.owner:
            lines.append(f"  {entity.owner}Id: ID!")
        for a in entity.attributes:
            gql = _GRAPHQL_TYPES.get(a.type.partition(":")[0], "String")
            camel = re.sub(r"_([a-z0-9])", lambda m: m.group(1).upper(), a.name)
            lines.append(f"  {camel}: {gql}{'!' if a.required else ''}")
        if entity.states:
            lines.append(f"  status: {kind}Status!")
        lines.append("}")
        if entity.states:
            lines += ["", f"enum {kind}Status {{", *[f"  {s}" for s in entity.states], "}"]
        lines += ["", f"type {kind}Connection {{", f"  nodes: [{kind}!]!",
                  "  endCursor: String", "  hasNextPage: Boolean!", "}"]
    return "\n".join(lines) + "\n"


# Values that read as what an inference call carries, where the generic sample would not.
_GRPC_SAMPLES: dict[str, object] = {
    "input": {"features": [0.12, 3.4, 1.0]}, "output": {"score": 0.87}, "latency_ms": 42,
    "name": "churn-classifier",
}


class GrpcExample(NamedTuple):
    """One call of a gRPC operation, as a person would make it with grpcurl."""

    title: str
    command: str  # the grpcurl command line
    response: str  # the response message as JSON


def grpc_examples(model: SystemModel) -> list[GrpcExample]:
    """A grpcurl call for each unary read and inference operation of the model, with request
    and response fields taken from the entity's own attributes (no status enum is shown: its
    proto names differ from the table's CHECK values)."""
    import json

    from smartspec.content.examples import attribute_sample, example_ids
    from smartspec.jsontext import dumps as json_text

    ops = [o for o in model.operations if o.interface == "grpc" and o.verb in ("get", "infer")
           and not o.path.endswith("Stream")]
    service = _service_name(model)
    host = (re.sub(r"[^a-z0-9]+", "-", model.name.lower()).strip("-") or "api") + ".example.com"
    found: list[GrpcExample] = []
    # Each entity shows its own id, and a prediction's model_id is the model read above.
    ids = example_ids(model.name)
    for op, entity in _with_entities(model, ops):
        record: dict[str, object] = {"id": ids.of(entity.name)}
        if entity.owner:
            record[f"{entity.owner}_id"] = ids.of(entity.owner)
        for attribute in entity.attributes:
            record[attribute.name] = _GRPC_SAMPLES.get(attribute.name) or attribute_sample(
                attribute, "USD", entity.name, ids)
        if op.verb == "get":
            request: dict[str, object] = {"id": ids.of(entity.name)}
            response: dict[str, object] = record
        else:
            request = {k: v for k, v in record.items() if k in (f"{entity.owner}_id", "input")}
            response = {entity.name: {k: v for k, v in record.items() if k != "input"}}
        command = (f"grpcurl -H 'authorization: Bearer eyJhbGciOiJSUzI1NiJ9.example.signature' \\\n"
                   f"  -d '{json.dumps(request)}' \\\n"
                   f"  {host}:443 {package_of(model.name)}.{service}/{op.path}")
        found.append(GrpcExample(op.summary, command, json_text(response)))
    return found
