"""The components a spec talks about, decided once so that architecture, performance,
monitoring, security and the examples name the same ones.

What the description names always wins. Where a section needs a component the description
does not name (a financial spec needs a ledger and a dead-letter queue for its sagas; a
per-service breakdown needs services), a conventional one is proposed and marked as such.
"""

from __future__ import annotations

import re

from smartspec.lazyre import lazy_re, may_hold
from smartspec.prose import ascii_words
from smartspec.tuples import NamedTuple

TYPE_CHECKING = False
if TYPE_CHECKING:
    from smartspec import knowledge
    from smartspec.content.admin import AdminSite
    from smartspec.content.examples import Example
    from smartspec.content.interfaces import InterfaceContract
    from smartspec.content.proto import GrpcExample
    from smartspec.detect import Endpoint, Facts
    from smartspec.model import SystemModel
    from smartspec.plan import SpecPlan

# Service kind -> words in the service's name that give it away, checked in this order. The
# kind decides the workload characteristics and the per-service targets.
SERVICE_KINDS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("ledger", ("ledger", "audit", "journal")),
    ("billing", ("billing", "invoice", "invoicing", "subscription", "subscriptions")),
    ("analytics", ("cost", "report", "reporting", "reports", "analytics", "usage", "metering",
                   "insight", "insights", "statistics")),
    ("payment", ("payment", "payments", "checkout", "card", "cards", "payout", "payouts",
                 "refund", "refunds", "settlement", "transfer", "transfers")),
    ("balance", ("credit", "credits", "wallet", "wallets", "balance", "balances", "points")),
    ("notification", ("notification", "notifications", "notify", "email", "sms", "messaging",
                      "message", "messages", "alert", "alerts")),
    ("identity", ("auth", "authentication", "identity", "user", "users", "login", "account",
                  "accounts", "profile", "profiles")),
    ("ingestion", ("telemetry", "ingestion", "ingest", "sensor", "sensors", "device", "devices")),
    ("tracking", ("tracking", "shipment", "shipments", "delivery", "deliveries", "fleet",
                  "dispatch", "route", "routing")),
    ("inference", ("inference", "model", "models", "prediction", "predictions",
                   "recommendation", "recommendations", "ml")),
)
CACHE_LIKE = frozenset({"Redis"})
# Words that ask for value held for a customer; "credit card" is a way to pay, not a balance.
STORED_VALUE_RE = lazy_re(
    r"\b(?:credits?(?!\s+cards?)|wallets?|balances?|top[- ]?ups?|prepaid|points)\b", re.IGNORECASE)
# A word each match of it holds: a description with none of them never compiles the pattern.
_STORED_VALUE_WORDS = ("credit", "wallet", "balance", "top", "prepaid", "point")


def asks_stored_value(text: str) -> bool:
    """Whether ``text`` (a description) asks for value held for a customer (STORED_VALUE_RE)."""
    return may_hold(text, _STORED_VALUE_WORDS) and STORED_VALUE_RE.search(text) is not None


class Service(NamedTuple):
    name: str  # "Payment Service"
    kind: str  # a SERVICE_KINDS key, or "general"
    named: bool  # the description names it

    @property
    def short(self) -> str:
        """``Payment`` for ``Payment Service``."""
        return re.sub(r"\s+Service$", "", self.name)


class System(NamedTuple):
    services: tuple[Service, ...]
    services_named: bool
    datastores: tuple[str, ...]  # named ones, else the proposed PostgreSQL
    datastores_named: bool
    database: str  # the system of record
    cache: str | None
    queue: str | None  # "Kafka", "Redis queue", "RabbitMQ" ...
    queue_named: bool
    external_apis: tuple[str, ...]
    has_external: bool  # a named API, or "external API"/"third-party"/"webhook" in the text
    entities: tuple[str, ...]
    endpoints: tuple[Endpoint, ...]
    financial: bool
    domains: tuple[str, ...]
    breakdown: bool  # Performance gets a per-service breakdown table
    guarded: bool  # the spec has a security section: requests carry credentials
    tenant: bool  # SaaS: requests carry a tenant
    currency: str  # the currency of money examples

    model: SystemModel
    # The description asks for stored value (credits, a wallet, a balance): only then do the
    # credit sagas (purchase, deduction, partial apply) and the balance tables exist.
    stored_value: bool = False

    def example(self, endpoint: Endpoint) -> Example:
        """The request/response example of ``endpoint`` for the Examples section, from the
        model operation it serves, so its fields and statuses are the schema's."""
        from smartspec.content.examples import example_for, example_ids, operation_example

        names = {p.name for p in self.model.parties}
        method = ("PROMPTPAY" if "PromptPay" in names else
                  "CARD" if {"Stripe", "Adyen"} & names else "BANK_TRANSFER")
        op = next((o for o in self.model.endpoints
                   if (o.method, o.path) == (endpoint.method, endpoint.path)), None)
        entity = self.model.entity(op.entity) if op is not None else None
        # The examples call this service by its own host name, as a client would.
        host = ("-".join(ascii_words(self.model.name.lower())) or "api") + (
            ".example.com")
        if op is None or entity is None:
            return example_for(endpoint, currency=self.currency, method_name=method,
                               guarded=self.guarded, tenant=self.tenant, host=host,
                               ids=example_ids(self.model.name))
        return operation_example(op, entity, currency=self.currency, method_name=method,
                                 guarded=self.guarded, tenant=self.tenant, host=host,
                                 session=self.guarded and self.model.auth == "oidc",
                                 ids=example_ids(self.model.name))

    def callback_check(self, peer: str) -> str | None:
        """How a callback from ``peer`` is proven to come from it, as the knowledge base
        states it for that provider (Stripe's signing secret with a timestamp tolerance,
        SendGrid's ECDSA public key, Twilio's X-Twilio-Signature with the auth token), a
        signing secret for a party it does not know, and None for one that never calls
        back (a maps API)."""
        from smartspec import knowledge
        from smartspec.template_runtime import env

        entry = knowledge.lookup(peer)
        if entry is None:
            check = (f"HMAC-SHA256 of the raw body with the {env(peer)}_WEBHOOK_SECRET signing "
                     "secret, checked before the body is parsed")
        elif not entry.calls_back:
            return None
        else:
            check = entry.webhook_check or f"{peer}'s signature, checked before the body is used"
        return check[:1].upper() + check[1:]

    def webhook_settings(self, peer: str) -> list[list[str | None]]:
        """The settings that verify ``peer``'s webhooks, as config rows [name, type, default,
        description]: the ones the knowledge base states for that provider (a public key
        for SendGrid, the auth token for Twilio, a signing secret for Stripe), or a signing
        secret for a party it does not know."""
        from smartspec import knowledge

        entry = knowledge.lookup(peer)
        if entry is None or entry.webhook_check is None:
            from smartspec.template_runtime import env

            return [[f"{env(peer)}_WEBHOOK_SECRET", "secret", None,
                     f"Secret that verifies {peer}'s webhook signatures"]]
        return [[name, kind, None, description]
                for name, kind, description in entry.webhook_settings]

    def admin_site(self) -> AdminSite | None:
        """The Django admin site (pages, ModelAdmin code, sign-in and groups) when the model
        has an admin interface, for the API and Examples sections."""
        if not self.model.pages:
            return None  # as ``admin_site`` says, without importing it: most models have none
        from smartspec.content.admin import admin_site

        return admin_site(self.model)

    def interface_contracts(self, attempts: int = 3) -> list[InterfaceContract]:
        """The contracts of the model's messages, feeds, webhooks and pushes, for the API
        section; ``attempts`` is the spec's retry figure."""
        from smartspec.content.interfaces import contracts

        return contracts(self.model, attempts)

    def fhir_resources(self) -> list[str]:
        """The FHIR resources the model's records are exchanged as (``Patient``...)."""
        from smartspec.content.interfaces import fhir_resources

        return fhir_resources(self.model)

    def grpc_examples(self) -> list[GrpcExample]:
        """grpcurl calls of the model's gRPC reads and inference, for the Examples section."""
        from smartspec.content.proto import grpc_examples

        return grpc_examples(self.model)

    @property
    def document_store(self) -> bool:
        """Whether the system of record is a document database (MongoDB): collections,
        operations and transient transaction errors, not tables, statements and deadlocks."""
        entry = self._database_entry
        return entry is not None and entry.role == "document-database"

    @property
    def max_connections(self) -> int | None:
        """The database's default connection limit, where it has one (MongoDB has none)."""
        entry = self._database_entry
        return entry.max_connections if entry is not None else None

    def pooled(self, connections: int) -> bool:
        """Whether ``connections`` client connections are more than the database takes (its
        limit, less 10 kept for administration), so ``pooler`` multiplexes them."""
        limit = self.max_connections
        return limit is not None and connections > limit - 10

    @property
    def _database_entry(self) -> knowledge.Entry | None:
        from smartspec import knowledge

        return knowledge.lookup(self.database) if self.database else None

    @property
    def pooler(self) -> str:
        """What multiplexes many instances' connections onto the database's limited ones."""
        return {"PostgreSQL": "PgBouncer", "TimescaleDB": "PgBouncer",
                "MySQL": "ProxySQL"}.get(str(self.database), "a connection pooler")

    @property
    def queue_semantics(self) -> str:
        """How the broker is read: ``log`` (Kafka: offsets, lag), ``pubsub`` (MQTT: devices,
        QoS) or ``queue`` (work handed to one consumer: depth, dead letters)."""
        found = next((m for m in self.model.messaging if m.technology == self.queue), None)
        return found.semantics if found else "queue"

    @property
    def queue_env(self) -> str:
        """The environment variable that points at the broker, in its own terms."""
        return {"Kafka": "KAFKA_BOOTSTRAP_SERVERS", "Redpanda": "KAFKA_BOOTSTRAP_SERVERS",
                "MQTT": "MQTT_BROKER_URL", "EMQX": "MQTT_BROKER_URL",
                "Amazon SQS": "SQS_QUEUE_URL", "RabbitMQ": "AMQP_URL",
                "Redis queue": "REDIS_URL"}.get(str(self.queue), "QUEUE_URL")

    @property
    def queue_signal(self) -> str:
        """The backlog signal of the broker: what an alert and the autoscaler watch."""
        return {"log": "consumer lag", "pubsub": "subscription backlog"}.get(
            self.queue_semantics, "queue depth")

    @property
    def multi_service(self) -> bool:
        return len(self.services) > 1

    def services_of(self, *kinds: str) -> tuple[Service, ...]:
        return tuple(s for s in self.services if s.kind in kinds)

    @property
    def api_owner(self) -> Service:
        """The service that calls the external APIs: a payment-like one if there is one."""
        for kind in ("payment", "billing", "notification", "inference", "tracking"):
            found = self.services_of(kind)
            if found:
                return found[0]
        return self.services[0]


def service_kind(name: str) -> str:
    words = set(ascii_words(name.lower()))
    for kind, markers in SERVICE_KINDS:
        if words & set(markers):
            return kind
    return "general"


# Party roles a spec treats as an API it calls (timeouts, retries, circuit breakers). Identity
# providers are OIDC issuers, standards are formats and schemes are reached through a
# provider: none of them is "an API with a key".
CALLED_ROLES = ("payment-provider", "notification-channel", "data-vendor", "ai-provider")


def describe_system(plan: SpecPlan) -> System:
    """The components of ``plan``'s system, as its model states them."""
    model = plan.model
    facts = plan.facts
    financial = plan.profile == "financial" or "fintech" in plan.domains
    services = _services(plan, financial)
    named_stores = [s for s in model.stores if s.origin.source != "default"]
    datastores = tuple(dict.fromkeys(s.technology for s in model.stores)) or ("PostgreSQL",)
    queue = model.messaging[0].technology if model.messaging else None
    if queue == "work queue":
        queue = "Redis queue" if model.cache == "Redis" else None
    from smartspec.detect import Endpoint

    endpoints = tuple(dict.fromkeys(Endpoint(o.method, o.path, o.summary)
                                    for o in model.endpoints))
    called = tuple(p.name for p in model.parties if p.role in CALLED_ROLES)
    return System(
        services=services,
        services_named=bool(facts.services),
        datastores=datastores,
        datastores_named=bool(named_stores),
        database=model.system_of_record,
        cache=model.cache,
        queue=queue,
        queue_named=bool(model.messaging) and model.messaging[0].origin.source != "default",
        external_apis=called,
        has_external=bool(called) or facts.has("external-api"),
        entities=tuple(e.name for e in model.entities),
        endpoints=endpoints,
        financial=financial,
        domains=plan.domains,
        breakdown=len(services) > 1 or financial,
        guarded=plan.security != "none",
        tenant="saas" in plan.domains,
        currency=model.currency or currency_for(facts),
        model=model,
        stored_value=asks_stored_value(plan.description or ""),
    )


def currency_for(facts: Facts) -> str:
    """The currency of money examples and column defaults: baht when the description is about
    PromptPay or written in Thai, else US dollars."""
    if "PromptPay" in facts.external_apis:
        return "THB"
    # A letter of the Thai block, U+0E00-U+0E7F (the pattern ``[\u0E00-\u0E7F]``).
    text = facts.text
    return "THB" if not text.isascii() and any("\u0e00" <= c <= "\u0e7f" for c in text) else "USD"


def _services(plan: SpecPlan, financial: bool) -> tuple[Service, ...]:
    facts = plan.facts
    if facts.services:
        return tuple(Service(name, service_kind(name), True) for name in facts.services)
    names: list[str] = []
    if financial:
        text = set(facts.words("fintech")) | set(facts.entities)
        if text & {"credit", "wallet"}:
            names.append("Wallet Service" if "wallet" in text and "credit" not in text
                         else "Credit Service")
        billing = bool(text & {"billing", "invoice", "invoices", "subscription"})
        # A provider named in a billing system collects its invoices: that is the billing
        # service's work, not a separate payment service the description never asked for.
        if text & {"payment", "payments", "card", "promptpay", "refund", "refunds"} \
                or ("stripe" in text and not billing):
            names.append("Payment Service")
        if billing:
            names.append("Billing Service")
        if not names:
            names.append(_own_service_name(plan.title))
        names.append("Ledger Service")
    else:
        names.append(_own_service_name(plan.title))
    names = list(dict.fromkeys(names))
    return tuple(Service(name, service_kind(name), False) for name in names)


def _own_service_name(title: str) -> str:
    base = re.sub(r"\s+(?:Service|API|Api|Svc)$", "", " ".join(title.split())) or "Core"
    # Keep it a plain identifier-like name: letters, digits and spaces.
    base = " ".join(re.sub(r"[^A-Za-z0-9 ]+", " ", base).split()) or "Core"
    return f"{base} Service"
