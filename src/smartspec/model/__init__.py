"""The SystemModel: the system a spec describes, as typed facts, between detection and planning.

Every element records where it came from (``Origin``): a word of the description, an entry of
the technology knowledge base, a domain pack, a model file, or a default smartspec chose. The
templates write only what the model holds, so a spec never states a fact the system lacks.

The classes are NamedTuples: cheap to import and create, immutable, and trivially turned into
JSON for ``smartspec model --json`` and the model file stored beside a spec.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import cache

from smartspec.tuples import NamedTuple

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

# Where a fact came from.
DESCRIPTION = "description"
KNOWLEDGE = "knowledge"
DOMAIN = "domain"
DEFAULT = "default"
MODEL_FILE = "model-file"
ORIGIN_SOURCES = (DESCRIPTION, KNOWLEDGE, DOMAIN, DEFAULT, MODEL_FILE)

INBOUND = "inbound"
OUTBOUND = "outbound"
DIRECTIONS = (INBOUND, OUTBOUND)

# Vocabularies a model file is checked against.
# "admin": server-rendered pages for staff (the Django admin site), not a JSON API.
INTERFACE_KINDS = ("rest", "graphql", "grpc", "websocket", "sse", "mqtt", "kafka", "amqp", "sqs",
                   "webhook", "fhir", "hl7v2", "file", "schedule", "dicom", "iso20022", "edi",
                   "admin")
STORE_ROLES = ("system-of-record", "cache", "time-series", "search", "object-storage",
               "analytics")
SEMANTICS = ("queue", "log", "pubsub")
PARTY_ROLES = ("payment-provider", "payment-scheme", "identity-provider", "standard",
               "notification-channel", "data-vendor", "ai-provider")
ACTOR_KINDS = ("person", "system", "device")
AUTH_KINDS = ("none", "jwt-issue", "jwt-verify", "oidc", "api-key", "mtls")
# How an owned entity is reached: "many" children listed and created under their owner
# (``/orders/{id}/refunds``), or "one" per owner (``/users/{id}/profile``, unique owner key).
PER_OWNER = ("many", "one")
ATTRIBUTE_TYPES = ("uuid", "string", "text", "code", "integer", "small-integer", "big-integer",
                   "number", "decimal", "timestamp", "date", "boolean", "json", "bytes")


class Origin(NamedTuple):
    """Where a fact came from: ``source`` one of ORIGIN_SOURCES, ``detail`` the word, entry,
    pack or reason."""

    source: str
    detail: str

    def __str__(self) -> str:
        return f"{self.source}: {self.detail}"


class Actor(NamedTuple):
    name: str  # "patient", "device", "client application"
    kind: str  # ACTOR_KINDS
    origin: Origin


class Interface(NamedTuple):
    """One way the service talks to the outside: a REST API clients call (inbound), a Kafka
    topic it consumes (inbound), a webhook it sends (outbound) ..."""

    kind: str  # INTERFACE_KINDS
    direction: str  # inbound | outbound
    technology: str  # "REST", "Kafka", "Stripe webhooks"
    peer: str  # who is on the other side: "clients", "devices", "Stripe", "EHR"
    origin: Origin


class Attribute(NamedTuple):
    name: str
    type: str  # ATTRIBUTE_TYPES, with a size after a colon: "string:200", "decimal:19,4"
    required: bool = True
    unique: bool = False
    check: str | None = None  # a SQL CHECK expression over this column


class Entity(NamedTuple):
    """Something the service stores: its attributes (beyond id, owner, status and times), its
    key, the states of its lifecycle (empty for append-only facts such as readings), the
    entity that owns it and, for a child that exists only under its owner, ``per_owner``:
    "many" (a collection under the owner) or "one" (at most one per owner)."""

    name: str  # singular, snake_case: "reading", "usage_record"
    plural: str
    attributes: tuple[Attribute, ...]
    key: tuple[str, ...]
    states: tuple[str, ...]
    owner: str | None
    time_column: str | None  # set for time-series entities: part of every unique key
    origin: Origin
    per_owner: str | None = None  # PER_OWNER, or None for a top-level resource

    @property
    def initial_state(self) -> str | None:
        return self.states[0] if self.states else None

    @property
    def label(self) -> str:
        """The name as words: ``usage_record`` -> ``usage record``."""
        return self.name.replace("_", " ")

    @property
    def plural_label(self) -> str:
        return self.plural.replace("_", " ")

    @property
    def nested(self) -> bool:
        """Reached under its owner's path rather than as a top-level collection."""
        return self.owner is not None and self.per_owner is not None


class Operation(NamedTuple):
    """Something the service does, and where it is reached: an HTTP endpoint, a gRPC method,
    a consumer of a topic, or a scheduled job."""

    verb: str  # create, get, list, update, ingest, schedule, reschedule, cancel, refund ...
    entity: str
    interface: str  # an Interface kind
    method: str  # "POST" for REST; "rpc" for gRPC; "consume" for consumers; "job"
    path: str  # "/api/v1/users/{id}", "Predict", "shipment-events", "daily 02:00 UTC"
    summary: str
    origin: Origin
    # The lifecycle states this operation moves its entity into (model/lifecycle.py): every
    # state of a CHECK list after the first is entered by some operation.
    enters: tuple[str, ...] = ()


class Store(NamedTuple):
    technology: str
    role: str  # STORE_ROLES
    origin: Origin


class Messaging(NamedTuple):
    technology: str
    semantics: str  # queue (work handed to one consumer) | log (replayable) | pubsub
    direction: str  # inbound: the service consumes; outbound: it publishes
    channel: str  # topic or queue name
    origin: Origin


class Party(NamedTuple):
    """Someone outside the service it depends on, by role."""

    name: str
    role: str  # PARTY_ROLES
    calls_back: bool  # notifies the service by signed webhook
    via: str | None  # a payment scheme's provider: PromptPay via Stripe
    origin: Origin


class SystemModel(NamedTuple):
    name: str
    description: str
    domains: tuple[str, ...]
    actors: tuple[Actor, ...]
    interfaces: tuple[Interface, ...]
    entities: tuple[Entity, ...]
    operations: tuple[Operation, ...]
    stores: tuple[Store, ...]
    messaging: tuple[Messaging, ...]
    parties: tuple[Party, ...]
    technologies: tuple[str, ...]  # every named technology, canonical names
    money: bool  # the system moves or bills money
    currency: str | None
    auth: str  # AUTH_KINDS
    origins: dict[str, Origin]  # scalar facts (money, currency, auth) -> where they came from

    # Questions templates ask, answered once here.
    def domain_words(self, key: str, domains: Sequence[str] | None = None
                     ) -> list[tuple[str, str]]:
        """(label, sentence) that each domain pack adds under ``key`` ("implementation",
        "test"), for ``domains`` (the model's own by default), in pack order: the domain
        text lives in the packs, not in the templates."""
        from smartspec.domains import applies, packs

        chosen = self.domains if domains is None else domains
        # A sentence may be a list of conditional items (``domains.applies``), read against
        # the roles of the model's parties, the kinds of its interfaces and its entities
        # ("entity:model").
        signals = ({p.role for p in self.parties} | {i.kind for i in self.interfaces}
                   | {f"entity:{e.name}" for e in self.entities})
        found: list[tuple[str, str]] = []
        for name, pack in packs().items():
            if name not in chosen or key not in pack.words:
                continue
            words = pack.words[key]
            for item in words if isinstance(words, list) else [words]:
                if isinstance(item, dict):
                    if not applies(item, signals):
                        continue
                    item = item["value"]
                found.append((pack.label, item))
        return found

    def entity(self, name: str) -> Entity | None:
        return next((e for e in self.entities if e.name == name), None)

    def store(self, role: str) -> Store | None:
        return next((s for s in self.stores if s.role == role), None)

    def stores_of(self, role: str) -> tuple[Store, ...]:
        return tuple(s for s in self.stores if s.role == role)

    def parties_of(self, *roles: str) -> tuple[Party, ...]:
        return tuple(p for p in self.parties if p.role in roles)

    def inbound(self, *kinds: str) -> tuple[Interface, ...]:
        return tuple(i for i in self.interfaces if i.direction == INBOUND
                     and (not kinds or i.kind in kinds))

    def outbound(self, *kinds: str) -> tuple[Interface, ...]:
        return tuple(i for i in self.interfaces if i.direction == OUTBOUND
                     and (not kinds or i.kind in kinds))

    def has_interface(self, kind: str) -> bool:
        return any(i.kind == kind for i in self.interfaces)

    def operations_of(self, entity: str) -> tuple[Operation, ...]:
        return tuple(o for o in self.operations if o.entity == entity)

    def transitions(self, entity: Entity) -> list[tuple[tuple[str, ...], tuple[str, ...]]]:
        """How each state of ``entity`` after the first is entered: (states, ways), the
        states that the same operations enter grouped together, in the entity's order; a
        way is how a reader finds the operation (``POST /api/v1/x/{id}/cancel``). A state
        no operation enters has no ways, which the lifecycle test forbids."""
        groups: list[tuple[tuple[str, ...], tuple[str, ...]]] = []
        for state in entity.states[1:]:
            ways = tuple(dict.fromkeys(
                _way(o) for o in self.operations
                if (o.entity == entity.name and state in o.enters)
                or f"{entity.name}:{state}" in o.enters))
            if groups and groups[-1][1] == ways:
                groups[-1] = ((*groups[-1][0], state), ways)
            else:
                groups.append(((state,), ways))
        return groups

    def guard(self, op: Operation) -> tuple[str, tuple[str, ...]] | None:
        """(the state ``op`` moves its record to, the states it may move it out of) when it
        is a lifecycle step with a guard (completing an appointment needs it BOOKED or
        RESCHEDULED); None otherwise."""
        from smartspec.model import lifecycle

        entity = self.entity(op.entity)
        if entity is None or not op.enters:
            return None
        found = lifecycle.guard(op, entity_catalogue().get(op.entity))
        if found is None or found[0] not in op.enters:
            return None
        allowed = tuple(s for s in found[1] if s in entity.states)
        return (found[0], allowed) if allowed else None

    @property
    def primary_operations(self) -> tuple[Operation, ...]:
        """The operations less the guarded lifecycle steps (capture, promote, no-show): what
        the system is for, in model order, which a load test or a first test leads with."""
        return tuple(o for o in self.operations if self.guard(o) is None)

    @property
    def busiest_operation(self) -> Operation | None:
        """The operation a load test leads with: a stream of append-only facts (readings,
        tracking events) where the system takes one, else the first domain verb, else the
        first write."""
        for o in self.operations:
            entity = self.entity(o.entity)
            if (o.verb not in ("get", "list") and entity is not None and not entity.states
                    and entity.time_column):
                return o
        skipped = ("get", "list", "confirm", "publish", "notify")
        return (next((o for o in self.primary_operations
                      if o.verb not in (*skipped, "create", "update")), None)
                or next((o for o in self.operations if o.verb not in skipped), None))

    @property
    def system_of_record(self) -> str:
        found = self.store("system-of-record") or self.store("time-series")
        return found.technology if found else "PostgreSQL"

    @property
    def cache(self) -> str | None:
        found = self.store("cache")
        return found.technology if found else None

    @property
    def endpoints(self) -> tuple[Operation, ...]:
        """The operations reached over HTTP, in model order."""
        return tuple(o for o in self.operations if o.interface == "rest")

    @property
    def staff_only(self) -> bool:
        """People reach the service only through the admin site: no JSON API, gRPC, GraphQL
        or streaming interface of its own, so sign-in is a browser session, not a token, and
        the load is a staff team's, not the public's."""
        return self.has_interface("admin") and not self.inbound(
            "rest", "graphql", "grpc", "websocket", "sse")

    @property
    def service_callers(self) -> bool:
        """Its callers are other services, not people: it is reached only by gRPC (or with
        mutual TLS) and no person is among its actors. A rate limit then counts per calling
        service (its client certificate or service account), not per user or per IP."""
        if any(a.kind == "person" for a in self.actors):
            return False
        return self.auth == "mtls" or (bool(self.inbound("grpc")) and not self.inbound(
            "rest", "graphql", "websocket", "sse", "admin"))

    def sender_pools(self, peak: int) -> list[Any]:
        """The pool of senders each notification provider of the model needs to send
        ``peak`` messages a second (knowledge/capacity.py); empty for providers without
        per-sender rates."""
        providers = [p.name for p in self.parties if p.role == "notification-channel"]
        if not providers:
            # Most systems send no notifications: they do not load the sums at all (a
            # module's import costs more than the performance section's use of it).
            return []
        from smartspec.knowledge.capacity import sender_pools

        return sender_pools(providers, peak)

    @property
    def pages(self) -> tuple[Operation, ...]:
        """The admin site's pages and actions: HTML for staff, never part of the JSON API."""
        return tuple(o for o in self.operations if o.interface == "admin")


@cache
def entity_catalogue() -> dict[str, dict[str, Any]]:
    """Known entities: their attributes, lifecycle states, usual owners and, for a child that
    exists only under its owner, how many it has of them (package data beside this module).
    Its home is the model, not the builder: reading a stored model and writing a schema need
    it too, and neither builds a model (an edit then never imports the builder)."""
    import json

    from smartspec.packagedata import read_data

    # Bytes, as json decodes UTF-8 itself (a text file object costs more than decoding).
    raw = json.loads(read_data("model", "entities.json"))
    return dict(raw["entities"])


def _way(op: Operation) -> str:
    """How a reader finds ``op``: its HTTP method and path, its RPC or mutation, the feed it
    consumes or the job that runs it."""
    if op.interface in ("rest", "admin"):
        return f"`{op.method} {op.path}`"
    if op.interface == "grpc":
        return f"`{op.path}` (gRPC)"
    if op.interface == "graphql":
        return f"`{op.path}` ({'mutation' if op.method == 'mutation' else 'query'})"
    if op.interface == "hl7v2":
        return f"HL7 v2 {op.path}"
    if op.interface == "schedule":
        return f"the {op.verb} job ({op.path})"
    return f"`{op.path}` ({op.interface} {op.method})"


def to_json(value: Any) -> Any:
    """The model (or any part of it) as plain JSON values; Origins become {source, detail}."""
    if isinstance(value, Origin):
        return {"source": value.source, "detail": value.detail}
    if isinstance(value, tuple) and hasattr(value, "_asdict"):
        return {k: to_json(v) for k, v in value._asdict().items()}
    if isinstance(value, tuple | list):
        return [to_json(v) for v in value]
    if isinstance(value, dict):
        return {k: to_json(v) for k, v in value.items()}
    return value


# The model file's text lives here, beside ``to_json``, rather than in ``model.io`` with the
# readers: ``new`` writes a model file on every run but never reads one, and importing io's
# readers and schema for the writer cost each run about a million instructions.
def dumps(model: SystemModel) -> str:
    """The model file text: canonical JSON, keys in model order, one trailing newline.

    An operation's ``enters`` is written only where it differs from what its verb and the
    entity catalogue give: a file whose states a person edits then stays consistent, the
    states each operation enters following the new list."""
    from smartspec.jsontext import dumps as json_text
    from smartspec.model import lifecycle

    data = to_json(model)
    by_name = {e.name: e for e in model.entities}
    for op, raw in zip(model.operations, data["operations"], strict=True):
        if op.enters == lifecycle.all_enters(op, by_name, entity_catalogue()):
            raw.pop("enters")
    return json_text({"schema": 1, **data}, ensure_ascii=False) + "\n"
