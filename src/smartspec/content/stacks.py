"""The stack a spec's code examples are written in (the stack the description names,
TypeScript when none is named, so the examples read like the team's own code).

``plan.code_language`` gives the language; the framework decides the idiom of the examples:
NestJS modules or a plain Node composition root, FastAPI ``Depends`` or a plain factory,
Spring beans, ASP.NET Core's container, Go constructor functions.
"""

from __future__ import annotations

from smartspec.content.code_lang import Field, Part, literal, member, parts, type_of
from smartspec.lazyre import lazy_re
from smartspec.prose import ascii_words, camel_break
from smartspec.tuples import NamedTuple

TYPE_CHECKING = False
if TYPE_CHECKING:
    from smartspec.content.sql import Column
    from smartspec.model import Entity, Operation, SystemModel
    from smartspec.plan import SpecPlan


class Stack(NamedTuple):
    language: str  # typescript | python | go | java | csharp (the code template folder)
    variant: str  # nest | node | fastapi | python | go | spring | aspnet
    fence: str  # the fenced-code language
    label: str  # "TypeScript 5 on Node.js 20 LTS"
    framework: str  # "NestJS", "FastAPI", "Spring Boot" ...
    framework_named: bool
    tests: str  # the unit-test framework
    load_tool: str = "k6"

    @property
    def named(self) -> bool:
        return self.framework_named


_LANGUAGE_LABELS = {
    "typescript": "TypeScript 5 on Node.js 20 LTS",
    "python": "Python 3.12",
    "go": "Go 1.22",
    "java": "Java 21",
    "csharp": "C# 12 on .NET 8",
}


# The server library of a service whose only API is gRPC: an HTTP framework (Fastify,
# FastAPI) would serve none of its calls.
_GRPC_SERVERS = {"typescript": "@grpc/grpc-js", "python": "grpcio (grpc.aio server)",
                 "go": "grpc-go", "java": "grpc-java", "csharp": "Grpc.AspNetCore"}


def stack_for(plan: SpecPlan) -> Stack:
    """The stack of ``plan``: its code language and the framework named with it, or the
    gRPC server library when gRPC is the only API and no framework is named."""
    stack = _named_stack(plan)
    model = plan.model
    if (not stack.framework_named and not model.endpoints
            and any(o.interface == "grpc" for o in model.operations)):
        return stack._replace(framework=_GRPC_SERVERS[stack.language])
    return stack


def _named_stack(plan: SpecPlan) -> Stack:
    language = plan.code_language
    named = set(plan.facts.technologies)
    label = _LANGUAGE_LABELS[language]
    if language == "python":
        if "Django" in named or "Flask" in named:
            framework = "Django" if "Django" in named else "Flask"
            return Stack(language, "python", "python", label, framework, True, "pytest")
        return Stack(language, "fastapi", "python", label, "FastAPI", "FastAPI" in named, "pytest")
    if language == "go":
        return Stack(language, "go", "go", label, "net/http (standard library)", False,
                     "go test")
    if language == "java":
        if "Kotlin" in named and "Java" not in named:
            label = "Kotlin 2 on the JVM (Java 21); examples in Java"
        return Stack(language, "spring", "java", label, "Spring Boot 3", "Spring Boot" in named,
                     "JUnit 5")
    if language == "csharp":
        return Stack(language, "aspnet", "csharp", label, "ASP.NET Core 8", False, "xUnit")
    if "NestJS" in named:
        return Stack(language, "nest", "typescript", label, "NestJS", True, "Jest")
    if "Express" in named:
        return Stack(language, "node", "typescript", label, "Express", True, "Vitest")
    return Stack(language, "node", "typescript", label, "Fastify", False, "Vitest")


# Words Go style writes all in capitals inside a name (Effective Go, "Initialisms"): a word
# that ends where the next capital or the name ends, so "Identity" is left alone.
_GO_INITIALISMS_RE = lazy_re(r"(?:Id|Url|Api|Http|Json|Uuid|Sql|Sms)(?=[A-Z0-9]|$)")


class Port(NamedTuple):
    """One injected dependency of the example service."""

    kind: str  # repository | cache | index | publisher | gateway | hasher | ids | clock
    type: str  # interface name: PaymentRepository, StripeGateway, Clock ...
    field: str  # camelCase field name: paymentRepository
    tech: str  # what implements it in production: PostgreSQL, Stripe API ...
    payment: bool = False  # a payment provider's gateway: it charges and refunds, not "sends"
    inference: bool = False  # the model server the service runs inference on (Triton ...)
    channel: str = ""  # a notification provider: what it delivers (email, sms, push)

    @property
    def call(self) -> str:
        """The method the service calls on this gateway: a provider that takes payments is
        charged, a model server is asked to infer; any other external API is sent a request."""
        return "charge" if self.payment else "infer" if self.inference else "send"

    def type_in(self, language: str) -> str:
        """The interface name as ``language`` spells it: Go writes initialisms in one case
        (IDGenerator, not IdGenerator)."""
        if language == "go":
            return _GO_INITIALISMS_RE.sub(lambda m: m.group().upper(), self.type)
        return self.type

    @property
    def token(self) -> str:
        """An injection token / constant name: PAYMENT_REPOSITORY."""
        return camel_break(self.type, "_").upper()

    @property
    def snake(self) -> str:
        """The field in snake_case: payment_repository."""
        return self.token.lower()


class CodeSubject(NamedTuple):
    """What the code examples are about: the spec's main service, its main entity and the
    dependencies injected into it, all named after the description."""

    service: str  # PaymentService
    entity: str  # Payment
    entity_var: str  # payment
    ports: tuple[Port, ...]
    provider: str  # the payment provider the saga examples charge: Stripe, or PaymentProvider
    arg: str = "name"  # the main attribute a create call takes, snake_case: email
    arg_unique: bool = False  # that attribute is a natural key (UNIQUE): a duplicate fails
    arg_types: tuple[tuple[str, str], ...] = ()  # (language, type) of that attribute
    sample: str = "'example'"  # a literal of that attribute for tests (TypeScript/Python)
    initial: str = "ACTIVE"  # the entity's first lifecycle state (the schema's CHECK list)
    confirmed: str = "ACTIVE"  # the state a confirmed entity reaches
    create_path: str = "/api/v1/records"
    # The operation the example service performs: the system's main one (see main_operation)
    # where the language's templates write it, else "create" of the primary entity.
    verb: str = "create"
    plural: str = "Records"  # the entity's plural, PascalCase: Readings
    # Each field the record is created with: every NOT NULL column of its table that has no
    # default, and the entity's required attributes, so the code's record is this system's
    # record and its create leaves no required column unset. Items 0-2 are the TypeScript
    # name, type and literal.
    fields: tuple[Field, ...] = ()
    stateful: bool = True  # the entity has lifecycle states (a status column)
    states: tuple[str, ...] = ("ACTIVE",)  # those states, as the table's CHECK lists them
    next_state: str = ""  # the state a transition verb (dispatch, approve ...) moves it to
    time_field: str = ""  # camelCase time column of a time-series entity: recordedAt
    owner: str = ""  # the owning entity, PascalCase (Payment for a Refund), if any
    dedupe: tuple[str, ...] = ()  # camelCase fields of the key a repeated message hits
    assignee: str = ""  # camelCase optional reference a transition fills in: driverId
    # (HTTP method, path) of the endpoint that serves the main method; empty when a
    # consumer, a gRPC call or a page serves it.
    route: tuple[str, ...] = ()

    @property
    def method(self) -> str:
        """The service method the examples call: ``createOrder``, ``ingestReading``,
        ``searchProducts``, ``predict`` (inference answers with a prediction)."""
        if self.verb == "infer":
            return "predict"
        if self.verb in ("search", "list"):
            return f"{self.verb}{self.plural}"
        head, *rest = self.verb.split("-")
        if self.verb == self.entity_var:
            # A verb that names its own record (refund -> a refund) acts on the owner:
            # refundPayment; with no owner it creates one: createInvoice, not invoiceInvoice.
            return f"{self.verb}{self.owner}" if self.owner else f"create{self.entity}"
        return head + "".join(w.capitalize() for w in rest) + self.entity

    @property
    def shape(self) -> str:
        """What the method does with its entity: ``read`` one by id (track, get), ``search``
        the index, ``infer`` on the model server, ``transition`` a stored one to its next
        state (dispatch, approve ...), or ``create`` one (create, schedule, ingest, meter)."""
        if self.verb in ("track", "get"):
            return "read"
        if self.verb == "search" or (self.verb == "infer"
                                     and any(p.inference for p in self.gateways)):
            # Inference without a model server of its own (a hosted AI API) is recorded like
            # any other request.
            return self.verb
        return "transition" if self.next_state else "create"

    @property
    def arg_camel(self) -> str:
        head, *rest = self.arg.split("_")
        return head + "".join(w.capitalize() for w in rest)

    @property
    def arg_pascal(self) -> str:
        return "".join(w.capitalize() for w in self.arg.split("_"))

    def ty(self, language: str) -> str:
        """The type of ``arg`` in ``language``."""
        return dict(self.arg_types).get(language, "string")

    @property
    def service_snake(self) -> str:
        """The service in snake_case: order_service."""
        return _snake(self.service)

    def port(self, kind: str) -> Port | None:
        return next((p for p in self.ports if p.kind == kind), None)

    def parts(self, language: str) -> tuple[Part, ...]:
        """The record's fields as ``language`` writes them."""
        return parts(self.fields, language)

    def inputs(self, language: str) -> tuple[Part, ...]:
        """The fields the caller sends to create the record (a password, not its hash)."""
        return tuple(p for p in self.parts(language) if p.source in ("input", "hashed"))

    def name_in(self, language: str, snake_name: str) -> str:
        """A member named ``snake_name`` as ``language`` spells members (created_at ->
        createdAt, CreatedAt)."""
        return member(snake_name, language)

    def method_in(self, language: str) -> str:
        """The main method as ``language`` names methods: createUser, create_user,
        CreateUser, CreateUserAsync."""
        if language == "python":
            return _snake(self.method)
        if language == "go":
            return self.method[:1].upper() + self.method[1:]
        if language == "csharp":
            return self.method[:1].upper() + self.method[1:] + "Async"
        return self.method

    def var_in(self, language: str) -> str:
        """The record's variable: usageRecord, usage_record."""
        return _snake(self.entity) if language == "python" else self.entity_var

    @property
    def called(self) -> tuple[Port, ...]:
        """The gateway the main method calls, if any: a record that is created (or turned
        from a consumed event) and confirmed by an external party is sent to the first one
        (a payment to its provider, a notification to its channel). A payment provider is
        charged only for a record with an amount."""
        names = {f.name for f in self.fields}
        if (self.verb not in ("create", "consume") or not self.stateful
                or self.confirmed == self.initial):
            return ()
        # Money that goes back (a refund) is never charged: the provider refunds the
        # original charge, in the saga that also writes the ledger.
        collects = self.entity not in ("Refund", "Payout")
        candidates = tuple(g for g in self.gateways if not g.inference and (
            not g.payment or (collects and (not names or "amount" in names))))
        # A message that names its channel goes through that channel's provider (an SMS
        # through Twilio, an email through SendGrid): one gateway per channel, and the
        # record's channel picks which one is called.
        by_channel: dict[str, Port] = {}
        for gateway in candidates:
            if gateway.channel:
                by_channel.setdefault(gateway.channel, gateway)
        if "channel" in names and len(by_channel) > 1:
            return tuple(by_channel.values())
        return candidates[:1]

    def doubles(self, language: str) -> tuple[str, ...]:
        """The test doubles the unit test in ``language`` takes from the project's
        test-support module (the ones it does not write inline), sorted as an import lists
        them."""
        found = set()
        for p in self.ports:
            kind = "inference" if p.inference else "payment" if p.payment else p.kind
            name = _SHARED_DOUBLES[language].get(kind) or (
                _SHARED_DOUBLES[language].get("gateway") if kind in ("inference", "payment")
                else None)
            if name:
                found.add(name.replace("{type}", p.type))
        return tuple(sorted(found))

    @property
    def secrets(self) -> tuple[str, ...]:
        """The record's columns no cache or response may hold (a password hash), snake_case."""
        return tuple(f.name for f in self.fields if f.source == "hashed")

    @property
    def keyed(self) -> bool:
        """The main method takes the request's idempotency key only where it uses it: to
        call a provider with it, or to store it in the record's unique column. A create
        that calls no one is made idempotent by the API's Idempotency-Key handling before
        it reaches the service, so the service does not take a key it would ignore."""
        return self.shape == "create" and (
            bool(self.called) or any(f.source == "key" for f in self.fields))

    @property
    def routed(self) -> bool:
        """The main method calls one of several gateways, chosen by the record's channel."""
        return len(self.called) > 1

    @property
    def mints_id_first(self) -> bool:
        """A field is built from the new record's id, so the id is taken before the record."""
        return any(f.source == "derived" for f in self.fields)

    @property
    def assignee_column(self) -> str:
        """The column a transition fills in, snake_case: driver_id."""
        return _snake(self.assignee)

    @property
    def dedupe_columns(self) -> tuple[str, ...]:
        """The columns of the key a repeated message hits, snake_case."""
        return tuple(_snake(c) for c in self.dedupe)

    @property
    def reads_through(self) -> bool:
        """The main method does not read through the injected cache (it creates, infers or
        moves a record), so the service has a read-through lookup by id that does: a cache
        that is injected is used."""
        return self.port("cache") is not None and self.shape not in ("read", "search")

    @property
    def gateways(self) -> tuple[Port, ...]:
        return tuple(p for p in self.ports if p.kind == "gateway")


# The test doubles each language's unit test imports from the project's test-support
# module, by port kind ("inference" and "payment" are gateways of those kinds; None: the test
# writes that double inline, as a lambda or an object literal). Go takes every double from
# its fakes package, named at each use.
_SHARED_DOUBLES: dict[str, dict[str, str | None]] = {
    "typescript": {"repository": "InMemory{type}", "cache": "InMemoryCache",
                   "publisher": "RecordingPublisher"},
    "python": {"repository": "InMemory{type}", "index": "StubSearchIndex", "cache": "InMemoryCache",
               "publisher": "RecordingPublisher", "inference": "StubModelServer",
               "gateway": "StubGateway", "payment": "StubGateway",
               "hasher": "FakePasswordHasher", "ids": "FixedIds", "clock": "FixedClock"},
    "java": {"index": "Stub{type}", "cache": "InMemoryCache", "publisher": "RecordingPublisher",
             "payment": "Stub{type}", "inference": None, "hasher": "FakePasswordHasher"},
    "csharp": {"index": "Stub{type}", "cache": "InMemoryCache",
               "publisher": "RecordingPublisher", "gateway": "Stub{type}",
               "hasher": "FakePasswordHasher", "ids": "FixedIds"},
    "go": {},
}


# Providers whose gateway charges and refunds (the saga's payment steps call exactly these).
PAYMENT_GATEWAYS = frozenset({"Stripe", "PromptPay", "PayPal", "Adyen", "Payment Provider"})


def _pascal(text: str) -> str:
    """PascalCase that keeps a word's own inner capitals: PromptPay, OpenAI, CreditService."""
    words = ascii_words(text)
    return "".join(w[:1].upper() + (w[1:] if any(c.isupper() for c in w[1:]) and not w.isupper()
                                    else w[1:].lower()) for w in words)


# Verbs every service with an API has, or that plumbing performs (tokens, provider callbacks,
# publishing, webhooks out, live subscriptions): whatever verb remains says what the system is
# for (ingest, schedule, infer, track, search, meter, dispatch ...).
_PLUMBING_VERBS = frozenset({"create", "get", "list", "update", "delete", "confirm", "publish",
                             "issue-token", "refresh-token", "notify", "subscribe"})
# Verbs that move money: they run as sagas that write the ledger in the same unit of work
# (the saga section shows them), so the DI example never changes a balance by itself.
_SAGA_VERBS = frozenset({"top-up", "refund", "charge", "pay", "deduct", "transfer", "debit",
                         "credit"})
# Verbs that move the bytes of a record kept in object storage (pre-signed upload and
# download URLs, an export of such records): the record itself is created by the system's
# create. An export of records that are not files (a report) is the system's work.
_FILE_VERBS = frozenset({"upload", "download", "export"})


def _moves_bytes(operation: Operation, model: SystemModel) -> bool:
    entity = model.entity(operation.entity)
    return (operation.verb in _FILE_VERBS and entity is not None
            and any(a.name == "storage_key" for a in entity.attributes))
# Verbs that move a stored record on to its next state rather than create one.
_TRANSITION_VERBS = frozenset({"dispatch", "approve", "reject", "cancel", "ship", "complete",
                               "activate", "suspend", "close", "assign"})


def main_operation(model: SystemModel) -> Operation | None:
    """The operation the system exists for: the first domain verb of the model (not CRUD,
    not plumbing, not a money movement run as a saga), else the create of its primary
    entity."""
    # A guarded lifecycle step (capture, promote, no-show) moves a record the system
    # exists for; it is not itself what the system is for.
    found = next((o for o in model.primary_operations
                  if o.verb not in _PLUMBING_VERBS | _SAGA_VERBS
                  and model.entity(o.entity) is not None and not _moves_bytes(o, model)), None)
    if found is not None:
        return found
    primary = next((e for e in model.entities if e.time_column is None), None)
    return next((o for o in model.operations if o.verb == "create"
                 and primary is not None and o.entity == primary.name), None)


def _identifier(name: str) -> str:
    """``name`` as the start of an identifier in every example language, which cannot begin
    with a digit: 2C2P -> TwoC2P (as its settings are TWO_C2P_...)."""
    from smartspec.template_runtime import env

    if name[:1].isdigit():
        return env(name[0]).capitalize() + name[1:]
    return name


def _snake(name: str) -> str:
    """camelCase or PascalCase in snake_case: markInProgressTicket -> mark_in_progress_ticket."""
    return camel_break(name, "_").lower()


def _camel(name: str) -> str:
    head, *rest = name.split("_")
    return head + "".join(w.capitalize() for w in rest)


def code_subject(plan: SpecPlan) -> CodeSubject:
    """The service, entity and ports the DI and saga examples use."""
    from smartspec.content.system import describe_system

    system = describe_system(plan)
    main = system.api_owner if system.external_apis else system.services[0]
    service = _pascal(main.name) or "CoreService"
    if not service[:1].isalpha():
        service = "Service" + service
    model = plan.model
    primary = next((e for e in model.entities if e.time_column is None),
                   model.entities[0] if model.entities else None)
    operation = main_operation(model)
    if operation is not None:
        primary = model.entity(operation.entity) or primary
    entity = _pascal(primary.name) if primary is not None else "Record"
    ports = [Port("repository", f"{entity}Repository", f"{entity[:1].lower()}{entity[1:]}Repository",
                  system.database)]
    if system.cache:
        ports.append(Port("cache", "Cache", "cache", system.cache))
    index = next((st.technology for st in model.stores if st.role == "search"), None)
    if operation is not None and index is not None:
        # Searches are answered from the index; the store stays the system of record the
        # index is fed from.
        ports.append(Port("index", f"{entity}SearchIndex", "searchIndex", index))
    outbound = [m for m in plan.model.messaging if m.direction == "outbound"]
    if outbound or (system.queue and not plan.model.messaging):
        # Only a broker the service publishes to is a publisher port; an inbound feed
        # (MQTT readings, consumed Kafka events) is the service's input, not its output.
        ports.append(Port("publisher", "EventPublisher", "events",
                          outbound[0].technology if outbound else str(system.queue)))
    from smartspec import knowledge

    called = list(system.external_apis[:2])
    if plan.model.parties_of("payment-scheme") and not plan.model.parties_of("payment-provider"):
        called.append("Payment Provider")  # a scheme is reached through some provider
    for api in called:
        name = _identifier(_pascal(api)) or "External"
        entry = knowledge.lookup(api)
        ports.append(Port("gateway", f"{name}Gateway", f"{name[:1].lower()}{name[1:]}Gateway",
                          f"{api} API", payment=api in PAYMENT_GATEWAYS,
                          channel=(entry.channel or "") if entry is not None else ""))
    # The model server is the dependency inference runs on: a port of its own, called over
    # gRPC with a deadline (never given an API key).
    for tech in plan.model.technologies:
        entry = knowledge.lookup(tech)
        if entry is not None and entry.role == "model-serving":
            name = _pascal(tech.removeprefix("NVIDIA ")) or "ModelServer"
            ports.append(Port("gateway", f"{name}Client", f"{name[:1].lower()}{name[1:]}Client",
                              f"{tech} server", inference=True))
            break
    ports.append(Port("ids", "IdGenerator", "ids", "UUID generator"))
    ports.append(Port("clock", "Clock", "clock", "system clock"))
    providers = [a for a in system.external_apis if a in PAYMENT_GATEWAYS]
    provider = _pascal(providers[0]) if providers else "PaymentProvider"
    subject = CodeSubject(service, entity, entity[:1].lower() + entity[1:], tuple(ports), provider)
    if primary is None:
        return subject
    # The attribute the create call takes: one only this entity's table has, so the object
    # the example builds ({ id, status, method, createdAt }) can only be read as this table;
    # "amount" alone would fit an invoice as well as a payment.
    from smartspec.content.sql import dedupe_key, schema_for

    elsewhere = {c.name for t in schema_for(plan).tables if t.name != primary.name
                 for c in t.columns}
    # A balance is never sent by a caller, so it is never the attribute a create takes.
    required = [a for a in primary.attributes
                if a.required and "balance" not in a.name and a.name != "storage_key"]
    required.sort(key=lambda a: not a.unique)  # a natural key first: it tells records apart
    attribute = next((a for a in required if a.name not in elsewhere), None) or next(
        iter(required), None) or (primary.attributes[0] if primary.attributes else None)
    states = primary.states or ("ACTIVE",)
    confirmed = next((st for st in ("CONFIRMED", "SUCCEEDED", "BOOKED", "ACTIVE", "PAID", "SENT",
                                    "COMPLETED") if st in states), states[min(1, len(states) - 1)])
    create = next((o for o in model.operations if o.entity == primary.name
                   and o.method == "POST" and "{" not in o.path), None)
    name, kind = (attribute.name, attribute.type.partition(":")[0]) if attribute else ("name", "string")
    types = _LANGUAGE_TYPES.get(kind, _LANGUAGE_TYPES["string"])
    value = _sample(name, kind)
    if value.startswith("{"):
        # A placeholder the examples fill per spec ("{method}"): the code samples take the
        # first value the table's CHECK allows, so the test's input is one the schema accepts.
        table = next((t for t in schema_for(plan).tables if t.name == primary.name), None)
        column = next((c for c in table.columns if c.name == name), None) if table else None
        allowed = _check_values(column)
        value = allowed[0] if allowed else f"example-{name}"
    sample = {"integer": "1", "big-integer": "15000", "small-integer": "1", "number": "21.5",
              "decimal": "21.5", "boolean": "true"}.get(kind, repr(value))
    fields = _fields(plan, primary, model.currency or "USD")
    subject = subject._replace(
        arg=name, arg_unique=bool(attribute and attribute.unique), arg_types=types,
        sample=sample, initial=states[0], confirmed=confirmed,
        create_path=create.path if create else f"/api/v1/{primary.plural}",
        plural=_pascal(primary.plural), fields=fields, stateful=bool(primary.states),
        states=states,
        route=("POST", create.path) if create is not None and create.interface == "rest" else ())
    if operation is not None:
        following = _next_state(operation.verb, primary.states)
        subject = subject._replace(
            route=((operation.method, operation.path) if operation.interface == "rest"
                   and operation.path.startswith("/") else ()),
            verb=operation.verb, next_state=following,
            initial=_state_before(operation.verb, following, primary.states) or states[0],
            time_field=_camel(primary.time_column) if primary.time_column else "",
            owner=_pascal(primary.owner) if primary.owner else "",
            dedupe=tuple(_camel(c) for c in dedupe_key(primary)),
            # Dispatching or assigning names who takes the record: the optional reference
            # the entity keeps for it (a ride's driver_id).
            assignee=next((_camel(a.name) for a in primary.attributes
                           if following and not a.required and a.name.endswith("_id")), ""))
    if subject.shape in ("read", "search", "transition"):
        # Nothing is created: no id is minted and no creation time taken, so neither the
        # id generator nor the clock is a dependency.
        subject = subject._replace(
            ports=tuple(p for p in subject.ports if p.kind not in ("ids", "clock")))
    # A gateway the main method never calls is not injected: a dependency in the constructor
    # that the code never uses (a maps API next to a dispatch that only moves the ride)
    # tells the reader something the code does not do.
    subject = subject._replace(ports=tuple(
        p for p in subject.ports if p.kind != "gateway" or p in subject.called
        or (p.inference and subject.shape == "infer")))
    if subject.shape not in ("read", "search", "transition") and any(
            f.source == "hashed" for f in fields):
        # The caller sends a password and the record keeps only its hash: hashing is a port
        # of its own (Argon2id in production, a fast fake in tests), next to the store.
        at = next(i for i, p in enumerate(subject.ports) if p.kind in ("ids", "gateway"))
        subject = subject._replace(ports=(
            *subject.ports[:at], Port("hasher", "PasswordHasher", "passwordHasher", "Argon2id"),
            *subject.ports[at:]))
    return subject


def _next_state(verb: str, states: tuple[str, ...]) -> str:
    """The state a transition verb moves a record to: the state it names ("mark-resolved"
    -> RESOLVED), else the one after the first (dispatch -> ASSIGNED); "" for a verb that
    creates a record."""
    if verb.startswith("mark-"):
        named = verb.removeprefix("mark-").replace("-", "_").upper()
        return named if named in states else ""
    if verb in _TRANSITION_VERBS and len(states) > 1:
        from smartspec.content.examples import entered_state

        # The state the examples show the step entering; else the one after the first.
        return entered_state(verb, states) or states[1]
    return ""


def _state_before(verb: str, target: str, states: tuple[str, ...]) -> str:
    """The state a record must be in for ``verb`` to move it to ``target``: the one listed
    before it."""
    if not target or target not in states or states.index(target) == 0:
        return ""
    return states[states.index(target) - 1]


def _check_values(column: Column | None) -> list[str]:
    """The values a column's CHECK list allows (``[]`` for no column or no list)."""
    return column.allowed if column is not None else []


# SQL type -> the model attribute kind, for a column the table has and the entity lacks
# (a payment's account_id and provider, a tenant's key).
_SQL_KINDS = (("UUID", "uuid"), ("VARCHAR", "string"), ("CHAR", "code"), ("DECIMAL", "decimal"),
              ("TIMESTAMPTZ", "timestamp"), ("BIGINT", "big-integer"), ("SMALLINT", "integer"),
              ("INT", "integer"), ("JSONB", "json"), ("BOOLEAN", "boolean"), ("DATE", "date"),
              ("DOUBLE", "number"))
# Columns the database or the service fills on every create, whoever the caller is.
_SERVER_COLUMNS = frozenset({"id", "status", "created_at", "updated_at", "version"})


def _fields(plan: SpecPlan, entity: Entity, currency: str) -> tuple[Field, ...]:
    """The fields ``entity``'s record is created with, in its table's column order: every
    NOT NULL column without a default, and the entity's required attributes. The caller
    sends most of them; a password is sent and stored hashed; the idempotency key is the
    request's; the provider a payment goes through is the service's choice."""
    from smartspec.content.examples import example_ids, sample_value
    from smartspec.content.sql import schema_for, table_name

    ids = example_ids(plan.model.name)  # the spec's own ids and moment, as its examples show

    table = next((t for t in schema_for(plan).tables if t.name == table_name(entity.name)), None)
    attributes = {a.name: a for a in entity.attributes}
    required = {a.name for a in entity.attributes if a.required}
    if table is not None:
        names = [c.name for c in table.columns if c.name not in _SERVER_COLUMNS
                 and not c.generated and not c.identity
                 and (c.name in required or (not c.null and c.default is None))]
        columns = {c.name: c for c in table.columns}
    else:
        owner = [f"{entity.owner}_id"] if entity.owner else []
        names = owner + [a.name for a in entity.attributes if a.required]
        columns = {}
    found = []
    for name in names:
        column = columns.get(name)
        attribute = attributes.get(name)
        if attribute is not None:
            kind = attribute.type.partition(":")[0]
        elif name.endswith("_id"):
            kind = "uuid"
        else:
            sql = column.type.upper() if column is not None else "TEXT"
            kind = next((k for prefix, k in _SQL_KINDS if sql.startswith(prefix)), "text")
        allowed = _check_values(column)
        value = sample_value(name, attribute.type if attribute else kind, currency, entity.name,
                             ids)
        if isinstance(value, str) and value.startswith("{"):
            value = (allowed or [f"example-{name}"])[0]
        if name == "tenant_id":
            value = ids.tenant  # the tenant the examples' X-Tenant-Id header names
        source = "input"
        if name == "idempotency_key":
            source = "key"
        elif "balance" in name:
            # A balance starts at zero and moves only through the ledger: never sent.
            source, value = "const", 0
        elif name == "storage_key":
            # The object's key holds the record's id (the data model's layout), so the
            # service builds it; a caller never picks where its bytes go.
            source, value = "derived", f"{entity.plural}/{_camel(entity.name)}-1"
        elif name.endswith("_hash"):
            source = "hashed"
        elif attribute is None and (allowed or name == "provider") and not name.endswith("_id"):
            # A column the entity does not have, with a fixed list (or the provider a
            # payment goes through): the service's own choice, not something a caller picks.
            named = [p.name.upper() for p in plan.model.parties_of("payment-provider")]
            value = next((v for v in allowed if v in named), None) or next(
                iter(allowed or named), "PAYMENT_PROVIDER")
            source = "const"
        if value is None:
            value = f"example-{name.replace('_', '-')}"
        ts_type = type_of(kind, "typescript")
        shown = "correct horse battery staple" if source == "hashed" else value
        found.append(Field(_camel(name), ts_type, literal(shown, kind, "typescript"), name, kind,
                           value, source))
    return tuple(found)


# Attribute type -> its type in each example language.
_LANGUAGE_TYPES: dict[str, tuple[tuple[str, str], ...]] = {
    "string": (("typescript", "string"), ("python", "str"), ("java", "String"),
               ("go", "string"), ("csharp", "string")),
    # Money in minor units is a 64-bit integer: a TypeScript number is a float, so bigint.
    "big-integer": (("typescript", "bigint"), ("python", "int"), ("java", "long"),
                    ("go", "int64"), ("csharp", "long")),
    "integer": (("typescript", "number"), ("python", "int"), ("java", "int"), ("go", "int"),
                ("csharp", "int")),
    "number": (("typescript", "number"), ("python", "float"), ("java", "double"),
               ("go", "float64"), ("csharp", "double")),
    "timestamp": (("typescript", "Date"), ("python", "datetime"), ("java", "Instant"),
                  ("go", "time.Time"), ("csharp", "DateTimeOffset")),
}
_LANGUAGE_TYPES["small-integer"] = _LANGUAGE_TYPES["integer"]
_LANGUAGE_TYPES["decimal"] = (("typescript", "string"), ("python", "Decimal"),
                              ("java", "BigDecimal"), ("go", "decimal.Decimal"),
                              ("csharp", "decimal"))


def _sample(name: str, kind: str) -> str:
    from smartspec.content.examples import sample_value

    value = sample_value(name, kind, "USD")
    return value if isinstance(value, str) else f"example-{name}"
