"""Build a SystemModel from what the description says, the technology knowledge base and the
domain packs. Pure: text in, model out.

Each step reads the description's words once (the phrase scan of ``detect`` is linear in the
text), looks the technologies up in the knowledge base to learn their role, and records where
every fact came from. Nothing is added that the description, a named technology's nature or
a detected domain does not call for; where the service needs something nobody named (a system
of record, an HTTP API for its entities) the default is chosen and marked as such.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping

from smartspec import knowledge
from smartspec.detect import (
    ENTITY_NOUNS,
    Endpoint,
    Facts,
    _phrases,
    entity_from_name,
    plural_of,
    singular_of,
)
from smartspec.domains import packs
from smartspec.lazyre import lazy_re
from smartspec.model import (
    DEFAULT,
    DESCRIPTION,
    DOMAIN,
    INBOUND,
    KNOWLEDGE,
    OUTBOUND,
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
    entity_catalogue,
    lifecycle,
)
from smartspec.prose import article, ascii_words, word_runs

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

API = "/api/v1"
# Words before a broker's name that say the service receives from it, or sends to it.
_INBOUND_WORDS = frozenset({"from", "consume", "consumes", "consuming", "consumer", "ingest",
                            "ingests", "ingesting", "receive", "receives", "receiving",
                            "subscribe", "subscribes", "subscribing", "arrive", "arrives",
                            "arriving", "over", "via", "listen", "listens", "reads", "read"})
_OUTBOUND_WORDS = frozenset({"to", "publish", "publishes", "publishing", "emit", "emits",
                             "emitting", "produce", "produces", "producing", "send", "sends",
                             "sending", "push", "pushes", "into"})
_BROKER_INTERFACE = {"Kafka": "kafka", "Redpanda": "kafka", "Amazon Kinesis": "kafka",
                     "Apache Pulsar": "kafka", "RabbitMQ": "amqp", "Amazon SQS": "sqs",
                     "Google Pub/Sub": "amqp", "NATS": "amqp", "Celery": "amqp",
                     "BullMQ": "amqp", "MQTT": "mqtt", "EMQX": "mqtt", "Mosquitto": "mqtt",
                     "AWS IoT Core": "mqtt"}

# An audit log the service keeps: "audit log", "audit logs", "audit trail", "log audit
# events", "audit events", "audit logging", "auditing". A bare "audit" (a compliance audit)
# is not a log.
AUDIT_LOG_RE = lazy_re(r"\baudit(?:ing|ed)?\s+(?:logs?|logging|trails?|events?|records?)\b"
                          r"|\blogs?\s+(?:all\s+)?audit\b|\bauditing\b")
# "audit events" name the log's entries, not a second kind of event.
AUDIT_EVENTS_RE = lazy_re(r"\baudit\s+events?\b")

# "Django admin", "Django admin dashboard", "Django's admin site": server-rendered pages.
DJANGO_ADMIN_RE = lazy_re(r"\bdjango(?:'s)?\s+admin\b")

# Webhooks the service sends to its customers (not a provider's webhooks it receives).
OUTGOING_WEBHOOKS_RE = lazy_re(
    r"webhooks?\s+(?:to|for)\s+(?:customers|clients|merchants|partners|subscribers)"
    r"|(?:notify|notifies|send|sends)\s+\w+\s+(?:by|via)\s+webhooks?")

# Each operation and the words of a description that ask for it.
_VERB_WORDS: dict[str, tuple[str, ...]] = {
    "ingest": ("ingest", "ingests", "ingestion", "ingesting", "collect", "collects"),
    "schedule": ("schedule", "schedules", "scheduling", "book", "booking", "bookings"),
    "reschedule": ("reschedule", "rescheduling", "reschedules"),
    "cancel": ("cancel", "cancels", "cancellation", "cancellations"),
    "refund": ("refund", "refunds"),
    "top-up": ("top up", "top-up", "topup", "top-ups"),
    "approve": ("approve", "approves", "approval", "approvals"),
    "infer": ("infer", "inference", "predict", "predictions", "serving", "serve"),
    "track": ("track", "tracking", "tracks"),
    "search": ("search", "searching", "searchable"),
    "export": ("export", "exports", "exporting"),
    "meter": ("metering", "meter", "metered", "usage"),
    "dun": ("dunning", "dun"),
    "invoice": ("invoice", "invoices", "invoicing", "billing"),
    "pay": ("pay", "payment", "payments", "checkout", "charge"),
    "notify": ("notify", "notifies", "notification", "notifications", "alerts", "alerting"),
    # A CSV is a format, in an export as much as an import: it asks for neither.
    "import": ("import", "imports", "sftp"),
    "upload": ("upload", "uploads", "uploading", "uploaded"),
    "download": ("download", "downloads", "retrieval", "retrieve"),
    "audit": ("audit", "audited"),
    "threshold": ("threshold", "thresholds"),
    "geofence": ("geofence", "geofences", "geofencing"),
    "dispatch": ("dispatch", "dispatches", "dispatching"),
    "issue-token": ("login", "log in", "sign in", "sign-in", "authenticate"),
}
# A word of the description -> the operation it asks for.
VERBS: dict[str, str] = {word: verb for verb, words in _VERB_WORDS.items() for word in words}
# Words that put money in the model (the issue: money only with payments, billing or a wallet).
MONEY_WORDS = frozenset({"payment", "payments", "billing", "wallet", "wallets", "invoice",
                         "invoices", "refund", "refunds", "checkout", "charge", "charges",
                         "payout", "payouts", "top up", "top-up", "topup", "ledger",
                         "promptpay", "stripe", "settlement", "dunning", "ชำระเงิน"})
# Entities that hold readings over time rather than things with a lifecycle.
TIME_SERIES_ENTITIES = frozenset({"reading", "device_position", "measurement", "telemetry", "metric",
                                  "tracking_event", "usage_record", "event", "observation",
                                  "driver_location"})
# Records the service keeps for its own interfaces and never serves through its API.
INTERNAL_ENTITIES = frozenset({"inbound_message"})
# Nouns of the description that name people or systems using the service.
ACTOR_WORDS: dict[str, tuple[str, str]] = {
    "user": ("user", "person"), "users": ("user", "person"),
    "customer": ("customer", "person"), "customers": ("customer", "person"),
    "patient": ("patient", "person"), "patients": ("patient", "person"),
    "clinician": ("clinician", "person"), "clinicians": ("clinician", "person"),
    "doctor": ("clinician", "person"), "doctors": ("clinician", "person"),
    "admin": ("administrator", "person"), "admins": ("administrator", "person"),
    "staff": ("staff member", "person"), "operator": ("operator", "person"),
    "operators": ("operator", "person"), "device": ("device", "device"),
    "devices": ("device", "device"), "sensor": ("device", "device"),
    "sensors": ("device", "device"), "tenant": ("tenant", "system"),
    "tenants": ("tenant", "system"), "carrier": ("carrier", "system"),
    "carriers": ("carrier", "system"), "merchant": ("merchant", "person"),
    "merchants": ("merchant", "person"), "driver": ("driver", "person"),
    "drivers": ("driver", "person"), "dispatcher": ("dispatcher", "person"),
    "dispatchers": ("dispatcher", "person"),
}
# Words a resource word before them only describes: vehicles and the people in them
# ("delivery vans"), and what a team does for someone ("customer support"). "GPS pings from
# delivery vans" names no delivery the service keeps.
_HEAD_WORDS = frozenset({"van", "vans", "truck", "trucks", "vehicle", "vehicles", "bike",
                         "bikes", "drone", "drones", "fleet", "fleets", "driver", "drivers",
                         "courier", "couriers", "rider", "riders", "support", "experience",
                         "success", "satisfaction", "route", "routes", "zone", "zones"})
# Words that make an AI service a chat: it keeps conversations and their messages.
_CHAT_WORDS = frozenset({"chat", "chats", "chatbot", "chatbots", "conversation",
                         "conversations", "assistant", "assistants"})


def _named(text: str, extra: Iterable[Mapping[str, Any]] = ()
           ) -> list[tuple[int, str, knowledge.Entry]]:
    """(offset, as written, entry) for each technology named in ``text``, in order."""
    table = knowledge.Spellings(extra)
    found: list[tuple[int, str, knowledge.Entry]] = []
    taken: set[int] = set()
    # Longer phrases first at one offset, so "spring boot" wins over "spring".
    for start, phrase in sorted(_phrases(text), key=lambda p: (p[0], -len(p[1]))):
        entry = table.get(phrase)
        if entry is None or start in taken:
            continue
        written = text[start:start + len(phrase)]
        if entry.capitalised and not written[0].isupper():
            continue
        taken.add(start)
        found.append((start, written, entry))
    return found


def _words(text: str) -> list[tuple[int, str]]:
    """(offset, lower-case word) for each run of ``[\\w'-]+`` in ``text``."""
    return [(start, word.lower()) for start, word in word_runs(text, "'-")]


# A column whose name holds one of these words is a money column.
_MONEY_COLUMN_WORDS = ("amount", "price", "total", "balance")


def _holds_thai(text: str) -> bool:
    """Whether ``text`` holds a letter of the Thai block (U+0E00-U+0E7F)."""
    return not text.isascii() and any("\u0e00" <= char <= "\u0e7f" for char in text)


def _direction(words: list[tuple[int, str]], offset: int, default: str) -> str:
    """Inbound or outbound, from the nearest direction word in the four words before the
    technology's name (``consuming carrier events from Kafka``)."""
    before = [w for pos, w in words if pos < offset][-4:]
    for word in reversed(before):
        if word in _INBOUND_WORDS:
            return INBOUND
        if word in _OUTBOUND_WORDS:
            return OUTBOUND
    return default


def build_model(name: str, description: str, facts: Facts, domains: tuple[str, ...],
                extra_knowledge: Iterable[Mapping[str, Any]] = ()) -> SystemModel:
    """The system ``description`` describes, with the origin of every fact."""
    extra = tuple(extra_knowledge)
    text = facts.text
    lowered = text.lower()
    words = _words(text)
    word_set = {w for _, w in words} | {p for _, p in _phrases(text)}
    named = _named(text, extra)
    technologies = tuple(dict.fromkeys(e.name for _, _, e in named))

    stores = _stores(named, word_set)
    messaging, broker_interfaces = _messaging(named, words, word_set)
    parties = _parties(named, facts.external_apis)
    money_words = sorted(word_set & MONEY_WORDS)
    money = bool(money_words)
    currency = ("THB" if "PromptPay" in technologies or _holds_thai(text)
                else "USD") if money else None
    verbs = {VERBS[w]: w for w in sorted(word_set) if w in VERBS}
    if not money:
        for verb in ("pay", "refund", "top-up", "invoice", "dun"):
            verbs.pop(verb, None)
    if "upload" in verbs and not any(st.role == "object-storage" for st in stores):
        # With no object storage to hold files, an upload is a file of records to import.
        verbs.setdefault("import", verbs.pop("upload"))
    auth, auth_origin = _auth(named, word_set, facts)
    description_words = {w for _, w in _words(description)} | {p for _, p in _phrases(description)}
    feeds = any(m.direction == INBOUND for m in messaging)
    # A channel that reports deliveries back (Twilio, SendGrid) needs a record per message
    # to report on; "channels" says one is named, "True" below that one calls back.
    channels = any(p.role == "notification-channel" for p in parties)
    reported = any(p.role == "notification-channel" and p.calls_back for p in parties)
    brokers = frozenset(word for _, written, entry in named
                        if entry.role in knowledge.BROKER_ROLES
                        for word in ascii_words(written.lower()))
    entities = _entities(facts, domains, verbs, word_set, money, description_words, feeds,
                         channels, name, brokers, reported)
    if "upload" in verbs and any(st.role == "object-storage" for st in stores) and entities \
            and entities[0].name not in entity_catalogue() \
            and not any(a.name == "storage_key" for e in entities for a in e.attributes):
        # "Transcode uploaded videos stored in S3": what is uploaded is a file in the object
        # store, tracked by its record until the upload arrives (a document's shape).
        document = _entity("document", entities[0].origin, set(), money)
        entities = (entities[0]._replace(attributes=document.attributes,
                                         states=document.states), *entities[1:])
    interfaces = _interfaces(named, word_set, broker_interfaces, parties, entities, verbs,
                             lowered)
    if auth == "jwt-issue":
        # A service that issues tokens keeps the credentials it checks: a password hash
        # (never the password), on the entity that signs in.
        entities = tuple(
            e._replace(attributes=(*e.attributes, Attribute("password_hash", "text")),
                       origin=e.origin)
            if e.name == next((x.name for x in entities if x.name in ("user", "account",
                                                                         "customer")), None)
            else e for e in entities)
    if entities and any(i.kind in ("amqp", "sqs") and i.direction == INBOUND
                        for i in interfaces):
        # A queue delivers at least once: the record a message asks for keeps the message's
        # id, unique, so a redelivered message is stored once (the consumer's contract says
        # so, and this is the column it relies on).
        carried = next((e for e in entities if e.time_column), entities[0])
        if not any(a.name in ("source_message_id", "idempotency_key")
                   for a in carried.attributes):
            entities = tuple(
                e._replace(attributes=(*e.attributes, Attribute(
                    "source_message_id", "string:100", required=False, unique=True)))
                if e is carried else e for e in entities)
    # Only endpoints the description writes out ("POST /runs starts a run") are stated;
    # detection also proposes endpoints for the nouns it found, which are not.
    stated = tuple(e for e in facts.endpoints if f"{e.method} {e.path}" in description)
    if entities and any(i.kind == "hl7v2" and i.direction == INBOUND for i in interfaces):
        # An HL7 v2 sender resends a message it got no ACK for, with the same control id
        # (MSH-10): the service keeps each message's id, unique, so a resent one is a no-op,
        # and its ACK, so an interface analyst can see what was applied or refused.
        entities = (*entities, _entity(
            "inbound_message", Origin(KNOWLEDGE, "HL7 v2 messages are deduplicated by their "
                                  "control id (MSH-10)"), {e.name for e in entities}, money))
    operations = _operations(entities, interfaces, verbs, auth, parties, messaging, money,
                             stated, admin_app=_admin_app(name), stores=stores,
                             published=_published(text, words, named, entities))
    operations = with_lifecycle(entities, operations, interfaces, parties)
    origins: dict[str, Origin] = {
        "money": Origin(DESCRIPTION, f"words {', '.join(money_words)}") if money
        else Origin(DEFAULT, "no payments, billing or wallet described"),
        "auth": auth_origin,
    }
    if currency:
        origins["currency"] = (Origin(DESCRIPTION, "PromptPay or Thai text")
                               if currency == "THB" else Origin(DEFAULT, "no currency named"))
    return SystemModel(
        name=name, description=description, domains=domains,
        actors=_actors(words, domains, named), interfaces=interfaces, entities=entities,
        operations=operations, stores=stores, messaging=messaging, parties=parties,
        technologies=technologies, money=money, currency=currency, auth=auth, origins=origins,
    )


def _stores(named: list[tuple[int, str, knowledge.Entry]], word_set: set[str]
            ) -> tuple[Store, ...]:
    found: dict[str, Store] = {}
    for _, written, entry in named:
        role = knowledge.STORE_ROLES.get(entry.role)
        if role is None or entry.name in found:
            continue
        if entry.name == "Redis" and f"{written.lower()} queue" in word_set \
                and f"{written.lower()} cache" not in word_set:
            continue  # "Redis queue": a broker here (see _messaging), not a store
        found[entry.name] = Store(entry.name, role,
                                  Origin(KNOWLEDGE, f"{written!r} is {article(entry.role)} "
                                         f"{entry.role}"))
    if "TimescaleDB" in found and "PostgreSQL" in found:
        # TimescaleDB is PostgreSQL with hypertables: one server holds both roles.
        found["PostgreSQL"] = found["PostgreSQL"]._replace(
            origin=Origin(KNOWLEDGE, "'PostgreSQL' hosts the TimescaleDB extension"))
    if not any(s.role in ("system-of-record", "time-series") for s in found.values()):
        found["PostgreSQL"] = Store("PostgreSQL", "system-of-record",
                                    Origin(DEFAULT, "no database named; PostgreSQL proposed"))
    if "cache" in word_set and not any(s.role == "cache" for s in found.values()):
        found["Redis"] = Store("Redis", "cache", Origin(DESCRIPTION, "word 'cache'; Redis proposed"))
    order = ("system-of-record", "time-series", "cache", "search", "object-storage", "analytics")
    return tuple(sorted(found.values(), key=lambda s: order.index(s.role)))


def _messaging(named: list[tuple[int, str, knowledge.Entry]], words: list[tuple[int, str]],
               word_set: set[str]) -> tuple[tuple[Messaging, ...], list[Interface]]:
    found: list[Messaging] = []
    interfaces: list[Interface] = []
    seen: set[str] = set()
    for offset, written, entry in named:
        if entry.role not in knowledge.BROKER_ROLES or entry.name in seen:
            continue
        seen.add(entry.name)
        kind = _BROKER_INTERFACE.get(entry.name, "amqp")
        if entry.role == "device-broker":
            # Devices publish; the service subscribes. Commands back are a second, named flow.
            direction = INBOUND
            why = f"{written!r}: devices publish to the broker and the service subscribes"
        else:
            # With no direction word nearby, a service publishes to the broker it names
            # ("a Kafka queue for notification workers").
            direction = _direction(words, offset, OUTBOUND)
            why = f"{written!r} with the words around it"
        # A broker named as a job queue carries work to do, not events that happened.
        jobs = bool({"job queue", "work queue", "task queue", "jobs"} & word_set)
        channel = {"mqtt": "devices/+/telemetry"}.get(kind, "tracking-events" if "tracking" in word_set
                                                      else "jobs" if jobs else "events")
        found.append(Messaging(entry.name, entry.semantics or "queue", direction, channel,
                               Origin(DESCRIPTION, why)))
        interfaces.append(Interface(kind, direction, entry.name,
                                    "devices" if kind == "mqtt" else "other services",
                                    Origin(KNOWLEDGE, f"{entry.name} is a {entry.role}")))
    if "redis queue" in word_set and not found:
        found.append(Messaging("Redis queue", "queue", OUTBOUND, "jobs",
                               Origin(DESCRIPTION, "words 'Redis queue'")))
    if "queue" in word_set and not found:
        found.append(Messaging("work queue", "queue", OUTBOUND, "jobs",
                               Origin(DESCRIPTION, "word 'queue'; no broker named")))
    return tuple(found), interfaces


# Words that name the message rather than what it is about ("order events to Kafka").
_MESSAGE_WORDS = frozenset({"event", "events", "message", "messages", "change", "changes",
                            "update", "updates"})


def _published(text: str, words: list[tuple[int, str]],
               named: list[tuple[int, str, knowledge.Entry]], entities: tuple[Entity, ...]
               ) -> dict[str, str]:
    """The entity each broker is said to carry: the nearest entity word before the broker's
    name in the same clause ("publish geofence alerts to Kafka" -> alert), by broker."""
    spellings = {spelling: e.name for e in entities for spelling in (e.name, e.plural)}
    found: dict[str, str] = {}
    for offset, _, entry in named:
        if entry.role not in knowledge.BROKER_ROLES or entry.name in found:
            continue
        end = offset
        for start, word in reversed([w for w in words if w[0] < offset][-8:]):
            if any(mark in text[start + len(word):end] for mark in ",;:.()"):
                break  # another clause
            if word in spellings and word not in _MESSAGE_WORDS:
                found[entry.name] = spellings[word]
                break
            end = start
    return found


def _parties(named: list[tuple[int, str, knowledge.Entry]], named_apis: tuple[str, ...]
             ) -> tuple[Party, ...]:
    found: dict[str, Party] = {}
    providers = [e for _, _, e in named if e.role == "payment-provider"]
    for _, written, entry in named:
        if entry.role not in knowledge.PARTY_ROLES or entry.name in found:
            continue
        via = None
        if entry.role == "payment-scheme":
            via = next((p.name for p in providers if entry.name in p.schemes),
                       providers[0].name if providers else "a payment provider")
        found[entry.name] = Party(entry.name, entry.role, entry.calls_back, via,
                                  Origin(KNOWLEDGE, f"{written!r} is {article(entry.role)} "
                                         f"{entry.role}"))
    for name in named_apis:
        # "the Acme Shipping API": a third party the knowledge base does not know ("a FHIR
        # R4 API" is a standard's, named above).
        if any(name == w or name.startswith(w + " ") for _, w, _ in named):
            continue
        if name not in found and knowledge.lookup(name) is None:
            found[name] = Party(name, "data-vendor", False, None,
                                Origin(DESCRIPTION, f"'{name} API' named"))
    return tuple(found.values())


def _auth(named: list[tuple[int, str, knowledge.Entry]], word_set: set[str],
          facts: Facts) -> tuple[str, Origin]:
    idp = next((e for _, _, e in named if e.role == "identity-provider"), None)
    if idp is not None:
        return "oidc", Origin(KNOWLEDGE, f"{idp.name} is an OpenID Connect identity provider")
    if "jwt" in word_set or "jwts" in word_set:
        owns_users = bool({"user", "users", "account", "accounts", "login", "sign in"} & word_set)
        if owns_users:
            return "jwt-issue", Origin(DESCRIPTION, "JWT in a service that owns user accounts")
        return "jwt-verify", Origin(DESCRIPTION, "JWT named; tokens issued elsewhere")
    if "mtls" in word_set or "mutual tls" in word_set:
        return "mtls", Origin(DESCRIPTION, "word 'mTLS'")
    if "api key" in word_set or "api keys" in word_set:
        return "api-key", Origin(DESCRIPTION, "words 'API key'")
    if facts.has("auth"):
        return "jwt-verify", Origin(DESCRIPTION, f"word {facts.words('auth')[0]!r}")
    return "jwt-verify", Origin(DEFAULT, "callers authenticate with bearer tokens")


# "refunds per order", "notes for each ticket", "comments of every post": the first noun is a
# child that exists only under the second, so it is created and listed under its owner.
PER_OWNER_RE = lazy_re(r"\b([a-z_]+)\s+(?:per|for\s+each|for\s+every|of\s+each|of\s+every)"
                          r"\s+([a-z_]+)\b")


def _children(text: str, chosen: Iterable[str]) -> dict[str, tuple[str, str]]:
    """child entity -> (owner entity, the words that said so), for the description's
    "X per Y" phrases whose nouns are both entities of the model."""
    names = set(chosen)
    found: dict[str, tuple[str, str]] = {}
    lowered = text.lower()
    # Every phrase the pattern reads holds "per", "each" or "every": most descriptions have
    # none, and then the pattern is never compiled.
    if not ("per" in lowered or "each" in lowered or "every" in lowered):
        return found
    for match in PER_OWNER_RE.finditer(lowered):
        child, owner = (singular_of(w) for w in match.groups())
        if child in names and owner in names and child != owner:
            found.setdefault(child, (owner, match.group(0)))
    return found


def _entity(name: str, origin: Origin, present: set[str], money: bool,
            stated_owner: str | None = None) -> Entity:
    """One entity from the catalogue: money columns only where the model has money, its
    owner the first of the catalogue's owners the model has (or the one the description
    states), and how it is reached under that owner."""
    spec = entity_catalogue().get(name, {"attributes": [{"name": "name", "type": "string:200"}],
                                         "states": ["ACTIVE", "ARCHIVED"], "owners": []})
    attributes = tuple(Attribute(a["name"], a["type"], a.get("required", True),
                                 a.get("unique", False), a.get("check"))
                       for a in spec["attributes"])
    if not money:
        # Money columns exist only where the model has money.
        attributes = tuple(a for a in attributes
                           if not any(word in a.name for word in _MONEY_COLUMN_WORDS)
                           and a.name != "currency") or (Attribute("name", "string:200"),)
    owner = stated_owner or next((o for o in spec["owners"] if o in present and o != name),
                                 None)
    per_owner = "many" if stated_owner else spec.get("per_owner") if owner else None
    time_column = None
    if name in TIME_SERIES_ENTITIES:
        time_column = next((a.name for a in attributes if a.type == "timestamp"), None)
    key = ("id", time_column) if time_column else ("id",)
    return Entity(name, plural_of(name), attributes, key, tuple(spec["states"]), owner,
                  time_column, origin, per_owner)


def _entities(facts: Facts, domains: tuple[str, ...], verbs: dict[str, str],
              word_set: set[str], money: bool, description_words: set[str], feeds: bool,
              channels: bool = False, spec_name: str = "", brokers: frozenset[str] = frozenset(),
              reported: bool = False) -> tuple[Entity, ...]:
    """``channels``: the description names a notification channel (SendGrid, Twilio), and
    ``reported``: one that reports each delivery back by webhook; ``brokers``: the lower-case
    words of the brokers it names ("kafka", "sqs")."""
    chosen: dict[str, Origin] = {}
    for name in facts.entities:
        if name not in ENTITY_NOUNS and name not in entity_catalogue():
            continue  # a word smartspec does not know as a resource: a fallback, below
        if name in ("payment", "refund", "invoice", "wallet", "credit") and not money:
            continue
        if name == "account" and {"user account", "user accounts"} & word_set:
            continue  # "user accounts" are the users themselves
        chosen[name] = Origin(DESCRIPTION, f"noun {plural_of(name)!r}"
                              if plural_of(name) in word_set else f"noun {name!r}")
    from_name = entity_from_name(spec_name.replace("-", " ").replace("_", " "))
    if from_name and "_" not in from_name[0] and len(from_name[0]) >= 4 \
            and from_name[0] not in ENTITY_NOUNS and from_name[0] not in entity_catalogue() \
            and plural_of(from_name[0]) in description_words \
            and all(n in ("user", "customer", "account") for n in chosen):
        # "video-transcoding" that "transcodes uploaded videos" for users: the thing the name
        # and the description both name in the plural is what the service keeps, known word
        # or not (beside the people it serves, never instead of a record it knows better).
        chosen = {from_name[0]: Origin(DESCRIPTION, f"the spec's name and the word "
                                                    f"{plural_of(from_name[0])!r}"), **chosen}
    if {"profile", "profiles"} & word_set:
        chosen["profile"] = Origin(DESCRIPTION, "noun 'profiles'")
    if "infer" in verbs and "ai" in domains and "model" not in chosen:
        chosen["model"] = Origin(DOMAIN, "models are what an inference service serves")
    if "ingest" in verbs and "iot" in domains and "device" not in chosen:
        chosen["device"] = Origin(DOMAIN, "readings come from devices")
    # GPS pings are positions: latitude and longitude, not a metric and a value (a table
    # named "device_position": POSITION is an SQL keyword).
    located = bool({"gps", "geolocation", "coordinates"} & description_words)
    needs = {"ingest": ("device_position" if located else "reading", "iot"),
             "track": ("tracking_event", "logistics"),
             "meter": ("usage_record", "saas"), "infer": ("prediction", "ai"),
             "schedule": ("appointment", "healthcare")}
    for verb, (entity, domain) in needs.items():
        if verb in verbs and (domain in domains or verb in ("meter", "track")) \
                and entity not in chosen:
            if entity == "tracking_event" and "shipment" not in chosen:
                continue
            why = f"verb {verbs[verb]!r} in {article(domain)} {domain} system"
            chosen[entity] = Origin(DOMAIN, why)
    # What the verbs make the service about comes first; plain nouns follow.
    implied = [n for n, o in chosen.items() if o.source == DOMAIN]
    chosen = {n: chosen[n] for n in [*implied, *[n for n in chosen if n not in implied]]}
    results = next((p for p in ("lab results", "lab result", "test results", "test result")
                    if p in word_set), None)
    if results and "healthcare" in domains:
        # A lab or test result is an observation (HL7 v2 ORU^R01, FHIR Observation) about a
        # patient: what the service keeps, not the lab the spec's name may start with.
        chosen.setdefault("observation", Origin(DESCRIPTION, f"words {results!r}"))
        chosen.setdefault("patient", Origin(DOMAIN, "a lab result is about a patient"))
    chat = sorted(_CHAT_WORDS & description_words)
    if chat and "ai" in domains:
        # A chat assistant keeps each conversation and its messages, the user's and the
        # model's answers; a chat's "messages" are these, not notifications.
        chatted = Origin(DESCRIPTION, f"word {chat[0]!r} in an ai system")
        chosen = {"conversation": chatted, "chat_message": chatted,
                  **{n: o for n, o in chosen.items() if n != "message"}}
    if channels and "notify" in verbs and verbs["notify"].startswith("notif"):
        # "notify clinicians by email through SendGrid": each message is a record the
        # service keeps, queued, sent and confirmed by the channel's callbacks.
        chosen.setdefault("notification", Origin(DESCRIPTION, f"word {verbs['notify']!r}"))
    elif reported and chosen:
        # "a pickup code by SMS through Twilio": the channel's delivery reports confirm a
        # message the service keeps, not the parcel the message is about.
        chosen.setdefault("notification", Origin(KNOWLEDGE, "the channel reports each "
                                                            "delivery back"))
    if "schedule" in verbs and "healthcare" in domains and "patient" not in chosen:
        chosen["patient"] = Origin(DOMAIN, "appointments are booked for patients")
    if "invoice" in verbs and money and "invoice" not in chosen:
        chosen["invoice"] = Origin(DESCRIPTION, f"word {verbs['invoice']!r}")
    if "meter" in verbs and money and "subscription" not in chosen and "saas" in domains:
        chosen["subscription"] = Origin(DOMAIN, "usage is billed per subscription")
    # Each pattern below reads a word the description rarely holds ("webhook", "audit"):
    # looked for first, so that the pattern is compiled only for a description that has it.
    lowered = facts.text.lower()
    if "webhook" in lowered and OUTGOING_WEBHOOKS_RE.search(lowered) and chosen:
        # Webhooks to customers go to URLs the customers register: the endpoints (with the
        # version of the secret that signs them) are stored and managed through the API.
        chosen["webhook_endpoint"] = Origin(DESCRIPTION, "webhooks to customers need "
                                                         "registered endpoints")
    audit = AUDIT_LOG_RE.search(lowered) if "audit" in lowered else None
    if audit is not None:
        # An audit log is a record the service keeps of who did what, not events it is fed:
        # "audit events" are its entries, so the generic event entity gives way to it.
        chosen["audit_event"] = Origin(DESCRIPTION, f"words {audit.group(0)!r}")
        if AUDIT_EVENTS_RE.search(lowered) and "event" in chosen \
                and chosen["event"].source == DESCRIPTION:
            chosen.pop("event")
    if "ride" in chosen and {"driver", "drivers"} & description_words:
        # Rides are dispatched to drivers; "driver locations" are the positions they send.
        chosen.setdefault("driver", Origin(DESCRIPTION, "word 'driver'"))
        if {"location", "locations", "position", "positions"} & description_words:
            chosen.setdefault("driver_location", Origin(DESCRIPTION, "words 'driver locations'"))
    if "tracking_event" in chosen:
        chosen.pop("event", None)  # the carrier's events are the tracking events
    if "delivery log" in word_set:
        chosen.pop("delivery", None)  # a log of deliveries, not parcels being delivered
    sequence = ascii_words(facts.text.lower())
    for noun in [n for n, o in chosen.items() if o.source == DESCRIPTION]:
        if _only_described(sequence, noun):
            chosen.pop(noun)  # "GPS pings from delivery vans": vans, not deliveries
        elif len(chosen) > 1 and _only_notified(sequence, noun):
            chosen.pop(noun)  # "notify users by email": the users are told, not kept
    if "event" in chosen and len(chosen) > 1 and feeds:
        chosen.pop("event")  # consumed events are the input, not something the service keeps
    if "event" in chosen and len(chosen) > 1 and _only_published(sequence, set(brokers)):
        chosen.pop("event")  # "Kafka events": what the service publishes, not what it keeps
    if "appointment" in chosen:
        chosen.pop("booking", None)  # a clinic's booking is the appointment itself
    if not chosen:
        chosen.update((name, Origin(DESCRIPTION, f"the spec's name suggests {name!r}"))
                      for name in facts.entities)
    if not chosen:
        for domain in domains:
            for entity in packs()[domain].entities[:2]:
                why = f"usual entity of {article(domain)} {domain} system"
                chosen.setdefault(entity, Origin(DOMAIN, why))
    if not chosen:
        chosen["item"] = Origin(DEFAULT, "the description names nothing the service manages")
    kept = list(chosen)[:6]
    present = set(kept)
    children = _children(facts.text, kept)
    # Description order: the entity named first is what the service is mainly about. The
    # schema orders its tables parents first on its own.
    return tuple(_entity(name, chosen[name] if name not in children else Origin(
                     DESCRIPTION, f"words {children[name][1]!r}"), present, money,
                     children.get(name, (None, ""))[0])
                 for name in kept)


# Words that send a message to whoever follows them ("notify users", "email customers").
_NOTIFYING_WORDS = frozenset({"notify", "notifies", "email", "emails", "alert", "alerts",
                              "message", "messages"})


def _every_use(sequence: list[str], name: str, fits: Callable[[int], bool]) -> bool:
    """Whether the description writes the entity ``name`` (singular or plural) at all, and
    ``fits`` holds at every place (an index into ``sequence``) it does."""
    spellings = {name, plural_of(name)}
    places = [at for at, word in enumerate(sequence) if word in spellings]
    return bool(places) and all(fits(at) for at in places)


def _only_published(sequence: list[str], brokers: set[str]) -> bool:
    """Whether every "event"/"events" of the description sits next to a broker's name
    ("Kafka events", "events to Kafka", "events on RabbitMQ")."""
    return bool(brokers) and _every_use(sequence, "event", lambda at: not brokers.isdisjoint(
        sequence[max(at - 1, 0):at] + sequence[at + 1:at + 3]))


def _only_notified(sequence: list[str], name: str) -> bool:
    """Whether every time the description writes the entity ``name``, it is what a message is
    sent to ("notify users", "email customers")."""
    return _every_use(sequence, name, lambda at: at > 0 and sequence[at - 1] in _NOTIFYING_WORDS)


def _only_described(sequence: list[str], name: str) -> bool:
    """Whether every time the description writes the entity ``name``, a word it only
    describes follows it (``_HEAD_WORDS``)."""
    return _every_use(sequence, name, lambda at: at + 1 < len(sequence)
                      and sequence[at + 1] in _HEAD_WORDS)


def _interfaces(named: list[tuple[int, str, knowledge.Entry]], word_set: set[str],
                brokers: list[Interface], parties: tuple[Party, ...],
                entities: tuple[Entity, ...], verbs: dict[str, str], lowered: str
                ) -> tuple[Interface, ...]:
    found: list[Interface] = []
    styles = [(w, e) for _, w, e in named if e.role == "api-style"]
    for written, entry in styles:
        found.append(Interface(entry.interface or "rest", INBOUND, entry.name, "clients",
                               Origin(DESCRIPTION, f"word {written!r}")))
    admin = DJANGO_ADMIN_RE.search(lowered) if "django" in lowered else None
    if admin is not None:
        # The Django admin site: pages staff use in a browser, rendered on the server.
        found.append(Interface("admin", INBOUND, "Django admin", "staff",
                               Origin(DESCRIPTION, f"words {admin.group(0)!r}")))
    if not any(i.kind == "rest" for i in found):
        rpc_only = any(i.kind in ("grpc", "graphql") for i in found)
        wants_http = bool({"api", "apis", "endpoint", "endpoints", "http"} & word_set)
        # An admin site is the interface: a JSON API beside it only when one is asked for.
        if not rpc_only and (admin is None or wants_http):
            found.insert(0, Interface("rest", INBOUND, "REST", "clients",
                                      Origin(DEFAULT if not wants_http else DESCRIPTION,
                                             "HTTP API for the service's entities")))
    found.extend(brokers)
    for _, written, entry in named:
        if entry.role != "standard":
            continue
        if entry.interface == "hl7v2":
            found.append(Interface("hl7v2", INBOUND, entry.name, "EHR",
                                   Origin(KNOWLEDGE, "HL7 v2 feeds arrive over MLLP")))
        elif entry.interface == "fhir":
            found.append(Interface("fhir", OUTBOUND, entry.name, "EHR",
                                   Origin(KNOWLEDGE, "FHIR resources exchanged with the EHR")))
        elif entry.interface:
            found.append(Interface(entry.interface, INBOUND, entry.name, "partners",
                                   Origin(KNOWLEDGE, f"{written!r} is a standard")))
    for party in parties:
        if party.calls_back:
            found.append(Interface("webhook", INBOUND, f"{party.name} webhooks", party.name,
                                   Origin(KNOWLEDGE, f"{party.name} confirms by signed webhook")))
    if {"webhook", "webhooks"} & word_set and OUTGOING_WEBHOOKS_RE.search(lowered):
        found.append(Interface("webhook", OUTBOUND, "outgoing webhooks", "customers",
                               Origin(DESCRIPTION, "webhooks to customers")))
    if "import" in verbs:
        found.append(Interface("file", INBOUND, "file import", "operators",
                               Origin(DESCRIPTION, f"word {verbs['import']!r}")))
    # Closing billing periods and dunning run by the clock; an export is started by a
    # caller (POST /exports) and runs in the background, so it needs no scheduler.
    if {"dun", "invoice"} & set(verbs):
        found.append(Interface("schedule", INBOUND, "scheduler", "the service itself",
                               Origin(DESCRIPTION, "periodic work: "
                                      + ", ".join(verbs[v] for v in ("invoice", "dun")
                                                  if v in verbs))))
    elif any(p.role == "notification-channel" for p in parties) \
            and any(e.name == "notification" for e in entities):
        found.append(Interface("schedule", INBOUND, "scheduler", "the service itself",
                               Origin(KNOWLEDGE, "queued notifications are sent by a worker "
                                      "at the providers' send rate")))
    return tuple(found)


def _rest(verb: str, entity: Entity, method: str, path: str, summary: str,
          origin: Origin) -> Operation:
    return Operation(verb, entity.name, "rest", method, path, summary, origin)


def _file_transfers(entities: tuple[Entity, ...], verbs: dict[str, str],
                    stores: tuple[Store, ...]) -> list[Operation]:
    """Files kept in object storage move between clients and the store directly, through
    short-lived pre-signed URLs the service hands out: the bytes never pass through the API."""
    store = next((st for st in stores if st.role == "object-storage"), None)
    holder = next((e for e in entities if any(a.name == "storage_key" for a in e.attributes)),
                  None)
    if store is None or holder is None:
        return []
    item = f"{API}/{_url(holder.plural)}/{{id}}"
    ops: list[Operation] = []
    if "upload" in verbs:
        ops.append(_rest("upload", holder, "POST", f"{item}/upload-url",
                         f"Get a pre-signed URL to upload the {holder.label}'s file to "
                         f"{store.technology} (valid 15 minutes)",
                         Origin(DESCRIPTION, f"word {verbs['upload']!r}")))
    if "download" in verbs or "upload" in verbs:
        ops.append(_rest("download", holder, "GET", f"{item}/download",
                         f"Redirect to a pre-signed URL that downloads the {holder.label}'s "
                         "file (valid 5 minutes)",
                         Origin(DESCRIPTION, f"word {verbs.get('download') or verbs['upload']!r}")))
    return ops


def _confirmed_by_callbacks(by_name: dict[str, Entity], primary: Entity) -> Entity:
    """The entity a provider's signed webhooks move through its states: the payment (or
    invoice) a payment provider confirms, the notification a delivery channel reports on,
    else what the service is about."""
    return (by_name.get("payment") or by_name.get("invoice") or by_name.get("notification")
            or primary)


def _written_by_service(entity: Entity, verbs: dict[str, str], readings: bool,
                        kinds: set[str]) -> bool:
    """Records the service writes itself, which callers read but never create: its audit
    log (as things happen), readings (as they arrive), alerts it raises on thresholds or
    geofences, and invoices its billing job issues at the end of each period."""
    return (entity.name in ("audit_event", "inbound_message") or entity.time_column is not None
            or (entity.name == "alert" and ("threshold" in verbs or "geofence" in verbs)
                and readings)
            or (entity.name == "invoice" and "invoice" in verbs and "schedule" in kinds))


def _rest_resource(entity: Entity, owner: Entity | None, verbs: dict[str, str],
                   written_by_service: bool, crud: Origin, confirmed: bool = False,
                   model_at: str | None = None) -> list[Operation]:
    """The HTTP operations of one stored entity. A top-level entity is a collection with
    create, read, list and (when it has a lifecycle) change. A child that exists only under
    its owner is created and listed under the owner's path (``/orders/{id}/refunds``) and
    read by its own id; one kept once per owner (a user's profile) is read and replaced at
    the owner's path, with no list and no paging."""
    label, plural = entity.label, entity.plural_label
    base = f"{API}/{_url(entity.plural)}"
    owner_item = f"{API}/{_url(owner.plural)}/{{id}}" if owner and entity.per_owner else None
    if owner is not None and entity.per_owner == "one":
        whose = f"{article(owner.name)} {owner.label}'s {label}"
        path = f"{owner_item}/{_url(entity.name)}"
        return [_rest("get", entity, "GET", path, f"Read {whose}", crud),
                _rest("update", entity, "PUT", path, f"Create or replace {whose}",
                      entity.origin)]
    collection, owned = base, ""
    if owner is not None and owner_item:
        collection = f"{owner_item}/{_url(entity.plural)}"
        owned = f" of {article(owner.name)} {owner.label}"
    def said(verb: str) -> Origin:
        return Origin(DESCRIPTION, f"word {verbs[verb]!r}") if verb in verbs else crud

    if entity.name == "refund" and owner is not None and owner.name == "payment":
        create = _rest("refund", entity, "POST", collection,
                       "Refund all or part of a captured payment", said("refund"))
    elif entity.name in ("appointment", "booking"):
        create = _rest("schedule", entity, "POST", collection,
                       f"Book {article(label)} {label}{owned}", said("schedule"))
    elif entity.name == "chat_message":
        # Posting a message is asking the assistant (at ``model_at``): its answer is the
        # response.
        answer = f"the answer of the model at {model_at}" if model_at else "the model's answer"
        create = _rest("create", entity, "POST", collection, f"Send a message to the assistant "
                       f"and get {answer}, both stored in the conversation", entity.origin)
    elif entity.name == "ride" and "dispatch" in verbs:
        create = _rest("create", entity, "POST", collection,
                       "Request a ride from a pickup to a drop-off address", crud)
    else:
        create = _rest("create", entity, "POST", collection,
                       f"Create {article(label)} {label}{owned.replace(' of ', ' for ')}",
                       entity.origin if owner_item else crud)
    ops = [] if written_by_service else [create]
    ops.append(_rest("get", entity, "GET", base + "/{id}", f"Read one {label}", crud))
    listing = ("List audit events by actor, target and time (paginated)"
               if entity.name == "audit_event" else f"List {plural}{owned} (paginated)")
    ops.append(_rest("list", entity, "GET", collection, listing, crud))
    # An appointment changes through reschedule and cancel, which check the slot; a generic
    # PATCH beside them would bypass that check. Money records change only by their flows,
    # and what a provider's signed callbacks confirm changes only by those callbacks.
    # A dispatched ride moves only by its steps (dispatch, start, complete, cancel), each of
    # which checks the state it leaves.
    moved_by_verbs = confirmed or (entity.name in ("appointment", "booking") and bool(
        {"schedule", "reschedule", "cancel"} & set(verbs))) or (
        entity.name == "ride" and "dispatch" in verbs)
    if entity.name == "alert" and written_by_service:
        ops.append(_rest("update", entity, "PATCH", base + "/{id}",
                         "Acknowledge or resolve an alert", crud))
    elif entity.states and not written_by_service and not moved_by_verbs \
            and entity.name not in ("payment", "refund", "invoice"):
        ops.append(_rest("update", entity, "PATCH", base + "/{id}",
                         f"Change {article(label)} {label}", crud))
    return ops


def _admin_app(name: str) -> str:
    """The Django app label of a service: its name in snake case without the words that say
    it is an admin ("support-admin" -> "support"), as the admin's URLs spell it."""
    words = ascii_words(name.lower())
    kept = [w for w in words if w not in ("admin", "dashboard", "service", "panel")]
    label = "_".join(kept) or "core"
    return label if label[0].isalpha() else f"app_{label}"


def _admin_pages(entity: Entity, read_only: bool, app: str) -> list[Operation]:
    """The Django admin pages of one entity: its change list (search, filters, bulk actions),
    its add and change forms, and one bulk action per state a record moves to. Records the
    service writes itself (audit entries, readings, raised alerts) are read-only there."""
    label = entity.label
    model_name = entity.name.replace("_", "")
    base = f"/admin/{app}/{model_name}/"
    origin = Origin(DESCRIPTION, "the Django admin site registers a ModelAdmin per model")
    ops = [Operation("list", entity.name, "admin", "GET", base,
                     f"Search, filter and act on {entity.plural_label} in bulk",
                     origin)]
    if read_only:
        ops.append(Operation("get", entity.name, "admin", "GET", base + "{id}/change/",
                             f"View one {label} (read-only)", origin))
        return ops
    ops.append(Operation("create", entity.name, "admin", "POST", base + "add/",
                         f"Add {article(label)} {label}", origin))
    ops.append(Operation("update", entity.name, "admin", "POST", base + "{id}/change/",
                         f"Edit {article(label)} {label} and see its change history", origin))
    for state in entity.states[1:]:
        word = state.lower().replace("_", " ")
        ops.append(Operation(f"mark-{state.lower().replace('_', '-')}", entity.name, "admin",
                             "POST", base, f"Mark the selected {entity.plural_label} "
                             f"{word}", origin))
    return ops


def _stated_operations(endpoints: tuple[Endpoint, ...], entities: tuple[Entity, ...],
                       ) -> list[Operation]:
    """The description's own endpoints, as written: "POST /runs starts a run" is the
    operation, on the entity its path names (the first one otherwise), and no versioned
    CRUD path is invented beside it."""
    ops: list[Operation] = []
    primary = next((e for e in entities if e.time_column is None), entities[0])
    for endpoint in endpoints:
        segments = [s for s in endpoint.path.strip("/").split("/") if s and "{" not in s
                    and ":" not in s]
        entity = next((e for seg in reversed(segments) for e in entities
                       if seg.replace("-", "_") in (e.plural, e.name)), primary)
        item = endpoint.path.rstrip("/").endswith("}")
        verb = {"POST": "create", "PUT": "update", "PATCH": "update",
                "DELETE": "delete"}.get(endpoint.method, "get" if item else "list")
        label = entity.label
        summary = endpoint.purpose.strip().rstrip(".") or {
            "create": f"Create {article(label)} {label}", "update": f"Change {article(label)} {label}",
            "delete": f"Delete {article(label)} {label}", "get": f"Read one {label}",
        }.get(verb, f"List {entity.plural_label}")
        ops.append(_rest(verb, entity, endpoint.method, endpoint.path, summary[:1].upper() + summary[1:],
                         Origin(DESCRIPTION, f"endpoint '{endpoint.method} {endpoint.path}'")))
    return ops


def _operations(entities: tuple[Entity, ...], interfaces: tuple[Interface, ...],
                verbs: dict[str, str], auth: str, parties: tuple[Party, ...],
                messaging: tuple[Messaging, ...], money: bool,
                stated: tuple[Endpoint, ...] = (), admin_app: str = "core",
                stores: tuple[Store, ...] = (), published: Mapping[str, str] | None = None
                ) -> tuple[Operation, ...]:
    """``published``: the entity whose events each broker carries, by the broker's name,
    where the description says (``_published``); any other broker carries the primary's."""
    ops: list[Operation] = []
    kinds = {i.kind for i in interfaces if i.direction == INBOUND}
    crud = Origin(DEFAULT, "create, read and list for a stored entity")
    model_at = next((p.name for p in parties if p.role == "ai-provider"), None)
    by_name = {e.name: e for e in entities}
    primary = next((e for e in entities if e.time_column is None), entities[0])
    readings = any(e.time_column for e in entities)
    confirmed = (_confirmed_by_callbacks(by_name, primary).name if "webhook" in kinds
                 else None)

    def said(verb: str) -> Origin:
        return Origin(DESCRIPTION, f"word {verbs[verb]!r}")

    if "grpc" in kinds and "rest" not in kinds:
        for entity in entities:
            # Predictions are what Predict returns; internal records are never served.
            if entity.name != "prediction" and entity.name not in INTERNAL_ENTITIES:
                ops.extend(_reads(entity, "grpc", "rpc", f"Get{_pascal(entity.name)}",
                                  f"List{_pascal(entity.plural)}", crud))
        if "infer" in verbs:
            target = by_name.get("prediction") or primary
            ops.append(Operation("infer", target.name, "grpc", "rpc", "Predict",
                                 "Run the model on one input", said("infer")))
            ops.append(Operation("infer", target.name, "grpc", "rpc", "PredictStream",
                                 "Run the model on a stream of inputs", said("infer")))
    if "rest" in kinds and stated:
        ops.extend(_stated_operations(stated, entities))
    elif "rest" in kinds:
        for entity in entities:
            # Readings arrive by ingestion, below. The HL7 v2 message log is the interface's
            # own bookkeeping, read by interface analysts in the database, never served to
            # the API's callers (patients among them).
            if entity.time_column is None and entity.name not in INTERNAL_ENTITIES:
                ops.extend(_rest_resource(entity, by_name.get(entity.owner or ""), verbs,
                                          _written_by_service(entity, verbs, readings, kinds),
                                          crud, entity.name == confirmed, model_at))
        appointment = by_name.get("appointment") or by_name.get("booking")
        if appointment is not None:
            base = f"{API}/{_url(appointment.plural)}/{{id}}"
            if "reschedule" in verbs or "schedule" in verbs:
                ops.append(_rest("reschedule", appointment, "POST", base + "/reschedule",
                                 "Move an appointment to another free slot",
                                 said("reschedule") if "reschedule" in verbs else said("schedule")))
            if "cancel" in verbs or "schedule" in verbs:
                ops.append(_rest("cancel", appointment, "POST", base + "/cancel",
                                 "Cancel an appointment and free its slot",
                                 said("cancel") if "cancel" in verbs else said("schedule")))
        if "cancel" in verbs and appointment is None:
            # "cancel orders": a state change with its own rules (which states may still be
            # cancelled), so its own endpoint rather than a PATCH of the status.
            cancellable = next((e for e in entities if "CANCELLED" in e.states), None)
            if cancellable is not None:
                label = cancellable.label
                ops.append(_rest("cancel", cancellable, "POST",
                                 f"{API}/{_url(cancellable.plural)}/{{id}}/cancel",
                                 f"Cancel {article(label)} {label} that has not been fulfilled",
                                 said("cancel")))
        if auth == "jwt-issue":
            owner = by_name.get("user") or by_name.get("account") or primary
            origin = Origin(DESCRIPTION, "JWT in a service that owns user accounts")
            ops.append(_rest("issue-token", owner, "POST", f"{API}/auth/token",
                             "Exchange credentials for an access and a refresh token", origin))
            ops.append(_rest("refresh-token", owner, "POST", f"{API}/auth/refresh",
                             "Exchange a refresh token for a new access token", origin))
        if "search" in verbs:
            ops.append(_rest("search", primary, "GET", f"{API}/{_url(primary.plural)}/search",
                             f"Search {primary.plural_label} by text and filters",
                             said("search")))
        if "export" in verbs:
            ops.append(_rest("export", primary, "POST", f"{API}/exports",
                             f"Start an export of {primary.plural_label}", said("export")))
        ops.extend(_file_transfers(entities, verbs, stores))
        if "approve" in verbs:
            ops.append(_rest("approve", primary, "POST", f"{API}/{_url(primary.plural)}/{{id}}/approve",
                             f"Approve {article(primary.name)} {primary.label}",
                             said("approve")))
        refund = by_name.get("refund")
        nested_refund = refund is not None and refund.nested and refund.owner == "payment"
        if money and "refund" in verbs and "payment" in by_name and not nested_refund:
            pay = by_name["payment"]
            ops.append(_rest("refund", pay, "POST", f"{API}/payments/{{id}}/refunds",
                             "Refund all or part of a captured payment", said("refund")))
        if money and "top-up" in verbs and "wallet" in by_name:
            ops.append(_rest("top-up", by_name["wallet"], "POST", f"{API}/wallets/{{id}}/top-ups",
                             "Add funds to a wallet through the payment provider", said("top-up")))
        if "infer" in verbs and "grpc" not in kinds:
            target = by_name.get("prediction") or primary
            model = by_name.get("model")
            path = f"{API}/models/{{id}}/predictions" if model else f"{API}/predictions"
            ops.append(_rest("infer", target, "POST", path, "Run the model on one input",
                             said("infer")))
        usage = by_name.get("usage_record")
        if usage is not None:
            ops.append(_rest("meter", usage, "POST", f"{API}/usage",
                             "Record metered usage (idempotent per key)", said("meter")))
        ride = by_name.get("ride")
        if ride is not None and "driver" in by_name and "dispatch" in verbs:
            ops.append(_rest("dispatch", ride, "POST", f"{API}/rides/{{id}}/dispatch",
                             "Assign the nearest available driver to a requested ride",
                             said("dispatch")))
            # The rest of a dispatched ride's lifecycle, one step per state it enters, so no
            # PATCH of the status can skip a step or move a finished ride.
            steps = Origin(DEFAULT, "a dispatched ride is started, completed or cancelled")
            ops.append(_rest("start", ride, "POST", f"{API}/rides/{{id}}/start",
                             "Start a ride when the assigned driver picks the rider up", steps))
            ops.append(_rest("complete", ride, "POST", f"{API}/rides/{{id}}/complete",
                             "Complete a ride at the drop-off and free its driver", steps))
            if "cancel" not in verbs:  # "cancel" in the description adds its own endpoint
                ops.append(_rest("cancel", ride, "POST", f"{API}/rides/{{id}}/cancel",
                                 "Cancel a ride before it starts and free its driver", steps))
        shipment = by_name.get("shipment")
        if shipment is not None and "track" in verbs:
            ops.append(_rest("track", shipment, "GET", f"{API}/shipments/{{id}}/tracking",
                             "Read a shipment's tracking history and latest status", said("track")))
    for entity in entities:
        if entity.time_column is None:
            continue
        feed = next((i for i in interfaces if i.direction == INBOUND
                     and i.kind in ("mqtt", "kafka", "amqp", "sqs")), None)
        if entity.name == "driver_location" and "websocket" in kinds:
            # Drivers' apps keep a socket open and send their position over it.
            ops.append(Operation("ingest", entity.name, "websocket", "WS",
                                 "/ws/v1/drivers/locations",
                                 "Receive each driver's position every few seconds",
                                 Origin(DESCRIPTION, "words 'WebSocket driver locations'")))
        elif feed is not None:
            channel = _channel(messaging, feed.technology)
            verb = "track" if entity.name == "tracking_event" else "ingest"
            ops.append(Operation(verb, entity.name, feed.kind, "consume", channel,
                                 f"Consume {entity.plural_label} from {feed.technology}",
                                 Origin(KNOWLEDGE, f"{feed.technology} is an inbound feed")))
            if "threshold" in verbs and "alert" in by_name:
                ops.append(Operation("alert", "alert", feed.kind, "consume", channel,
                                     "Open an alert when a reading crosses a configured "
                                     "threshold",
                                     said("threshold")))
            if "geofence" in verbs and "alert" in by_name:
                ops.append(Operation("alert", "alert", feed.kind, "consume", channel,
                                     f"Open an alert when {article(entity.label)} "
                                     f"{entity.label} shows a device entering or leaving "
                                     "one of its geofences",
                                     said("geofence")))
        elif "rest" in kinds and entity.name != "usage_record" \
                and not (entity.name == "observation" and "hl7v2" in kinds):
            # (Lab results arrive over HL7 v2, below: no second way in through the API.)
            ops.append(Operation("ingest", entity.name, "rest", "POST",
                                 f"{API}/{_url(entity.plural)}:batch",
                                 f"Ingest a batch of {entity.plural_label}",
                                 said("ingest") if "ingest" in verbs else crud))
        if "rest" in kinds and entity.name != "usage_record":
            ops.append(Operation("list", entity.name, "rest", "GET", f"{API}/{_url(entity.plural)}",
                                 f"Query {entity.plural_label} by time range", crud))
    if not readings:
        for feed in (i for i in interfaces if i.direction == INBOUND
                     and i.kind in ("kafka", "amqp", "sqs")):
            channel = _channel(messaging, feed.technology)
            ops.append(Operation("consume", primary.name, feed.kind, "consume", channel,
                                 f"Turn events from {feed.technology} into "
                                 f"{primary.plural_label}", feed.origin))
    if "graphql" in kinds:
        for entity in (e for e in entities if e.name not in INTERNAL_ENTITIES):
            pascal, plural = _pascal(entity.name), _pascal(entity.plural)
            ops.extend(_reads(entity, "graphql", "query", pascal[:1].lower() + pascal[1:],
                              plural[:1].lower() + plural[1:], crud))
            if "search" in verbs:
                ops.append(Operation("search", entity.name, "graphql", "query",
                                     f"search{plural}",
                                     f"Search {entity.plural_label} by text",
                                     said("search")))
    if "admin" in kinds:
        for entity in (e for e in entities if e.name not in INTERNAL_ENTITIES):
            ops.extend(_admin_pages(entity, _written_by_service(entity, verbs, readings,
                                                                kinds), admin_app))
    if "websocket" in kinds:
        ops.append(Operation("subscribe", primary.name, "websocket", "WS",
                             f"/ws/v1/{_url(primary.plural)}",
                             f"Stream live updates of {primary.plural_label}",
                             Origin(DESCRIPTION, "word 'WebSocket'")))
    for iface in interfaces:
        if iface.kind == "webhook" and iface.direction == INBOUND:
            target = _confirmed_by_callbacks(by_name, primary)
            slug = iface.peer.lower().replace(" ", "-")
            ops.append(Operation("confirm", target.name, "rest", "POST",
                                 f"{API}/webhooks/{slug}",
                                 f"Receive {iface.peer} events; signature verified before use",
                                 iface.origin))
        if iface.kind == "hl7v2" and "observation" in by_name:
            ops.append(Operation("ingest", "observation", "hl7v2", "consume",
                                 "ORU^R01 over MLLP", "Store HL7 v2 lab results (ORU^R01)",
                                 iface.origin))
        elif iface.kind == "hl7v2":
            ops.append(Operation("ingest", primary.name, "hl7v2", "consume", "SIU/ADT over MLLP",
                                 "Apply HL7 v2 scheduling and patient messages", iface.origin))
        if iface.kind == "schedule":
            if "invoice" in verbs and "invoice" in by_name:
                ops.append(Operation("invoice", "invoice", "schedule", "job", "daily 02:00 UTC",
                                     "Close billing periods and issue invoices", said("invoice")))
            if "dun" in verbs and "invoice" in by_name:
                ops.append(Operation("dun", "invoice", "schedule", "job", "daily 09:00 UTC",
                                     "Retry failed invoice payments and remind customers",
                                     said("dun")))
            elif "invoice" in by_name and "OVERDUE" in by_name["invoice"].states:
                # Without dunning, an unpaid invoice still falls due: the job that watches
                # due dates is what makes it OVERDUE.
                ops.append(Operation("mark-overdue", "invoice", "schedule", "job",
                                     "daily 00:30 UTC",
                                     "Mark issued invoices past their due date overdue",
                                     Origin(KNOWLEDGE, "an invoice is overdue after its due "
                                            "date")))
        if iface.kind == "file":
            ops.append(Operation("import", primary.name, "file", "POST", f"{API}/imports",
                                 f"Import {primary.plural_label} from a CSV file",
                                 iface.origin))
    channels = [p.name for p in parties if p.role == "notification-channel"]
    if channels and "notification" in by_name:
        # Providers are called by one worker draining the notifications table (its outbox)
        # at each provider's send rate, never inside a request: this is what moves a
        # notification from queued to sent.
        ops.append(Operation("send", "notification", "schedule", "job", "every second",
                             "Send queued notifications within each provider's send rate",
                             Origin(KNOWLEDGE, f"{' and '.join(channels)} limit how fast "
                                    "messages are sent")))
    for iface in interfaces:
        if iface.kind == "webhook" and iface.direction == OUTBOUND:
            target = next((e for e in entities if e.states), primary)
            ops.append(Operation("notify", target.name, "webhook", "POST",
                                 f"{iface.peer}' registered URL",
                                 f"Send a signed webhook to {iface.peer} when "
                                 f"{article(target.name)} {target.label} "
                                 "changes status", iface.origin))
    for message in messaging:
        if message.direction == OUTBOUND:
            subject = by_name.get((published or {}).get(message.technology, ""), primary)
            ops.append(Operation("publish", subject.name, "kafka" if message.semantics == "log"
                                 else "amqp", "publish", message.channel,
                                 f"Publish {subject.label} events to {message.technology}",
                                 message.origin))
    return tuple(dict.fromkeys(ops))


def with_lifecycle(entities: tuple[Entity, ...], operations: tuple[Operation, ...],
                   interfaces: tuple[Interface, ...], parties: tuple[Party, ...] = ()
                   ) -> tuple[Operation, ...]:
    """The operations with the states each enters, and a step for each lifecycle state of
    the catalogue that nothing else moves a record into (an appointment marked completed or
    a no-show, a model version promoted or retired, a wallet frozen): every state a CHECK
    list allows is reachable, and by an operation a reader can see.

    A step marked ``"unless": "any"`` is added only when no operation at all enters its
    state (a payment a provider's callbacks capture needs no capture endpoint); otherwise
    only when no caller does (the EHR's no-show message does not spare the clinic's own).
    A step that ``needs`` a party role (approving a refund hands it to a payment provider)
    appears only where the model has such a party."""
    catalogue = entity_catalogue()
    by_name = {e.name: e for e in entities}
    ops = [o._replace(enters=o.enters or lifecycle.all_enters(o, by_name, catalogue))
           for o in operations]
    kinds = {i.kind for i in interfaces if i.direction == INBOUND}
    for entity in entities:
        steps = catalogue.get(entity.name, {}).get("steps", ())
        if not steps or not entity.states:
            continue
        own = {step["verb"] for step in steps}
        for spec in steps:
            verb, state = spec["verb"], spec["state"]
            if state not in entity.states or (
                    spec.get("needs") and not any(p.role == spec["needs"] for p in parties)):
                continue
            origin = Origin(KNOWLEDGE, f"{entity.label} lifecycle: {verb} enters {state}")
            mine = [o for o in ops if o.entity == entity.name]
            if state == entity.states[0]:
                # A step that creates the record: only where nothing creates it yet.
                if any(o.verb in ("create", verb) for o in mine):
                    continue
            elif spec.get("unless") == "any":
                if state in lifecycle.entered(entity, ops):
                    continue
            elif any(state in o.enters and o.interface in lifecycle.CALLER_INTERFACES
                     and o.verb not in ("confirm", *own) for o in mine):
                # A caller already reaches the state another way (a PATCH of the record);
                # the catalogue's own steps never hide one another.
                continue
            creates = state == entity.states[0]
            step: Operation | None = None
            if "rest" in kinds:
                item = f"{API}/{_url(entity.plural)}"
                # A step that creates a child record is posted to its collection (a
                # payment's refunds), any other to the step's own name.
                path = item if creates else f"{item}/{{id}}/{spec.get('path', verb)}"
                step = _rest(verb, entity, "POST", path, spec["summary"], origin)
            elif "grpc" in kinds:
                step = Operation(verb, entity.name, "grpc", "rpc",
                                 f"{_pascal(verb.replace('-', '_'))}{_pascal(entity.name)}",
                                 spec["summary"], origin)
            elif "graphql" in kinds and not creates:
                step = Operation(verb, entity.name, "graphql", "mutation",
                                 f"{verb.replace('-', '')}{_pascal(entity.name)}",
                                 spec["summary"], origin)
            if step is not None:
                derived = lifecycle.all_enters(step, by_name, catalogue)
                ops.append(step._replace(enters=derived if creates or state in derived
                                         else (state, *derived)))
    return tuple(ops)


def _reads(entity: Entity, interface: str, method: str, get_name: str, list_name: str,
           origin: Origin) -> list[Operation]:
    """Read one and list (paginated), named in the interface's own style (``GetUser``,
    ``user``)."""
    return [Operation("get", entity.name, interface, method, get_name,
                      f"Read one {entity.label}", origin),
            Operation("list", entity.name, interface, method, list_name,
                      f"List {entity.plural_label} (paginated)", origin)]


def _channel(messaging: tuple[Messaging, ...], technology: str) -> str:
    """The topic or queue the model reads from ``technology``."""
    return next((m.channel for m in messaging if m.technology == technology), "events")


def _pascal(name: str) -> str:
    """``usage_records`` -> ``UsageRecords``: the spelling of types and RPC names."""
    return "".join(part.capitalize() for part in name.split("_"))


def _url(plural: str) -> str:
    """A path segment: ``tracking_events`` -> ``tracking-events`` (URLs use dashes)."""
    return plural.replace("_", "-")


def _actors(words: list[tuple[int, str]], domains: tuple[str, ...],
            named: list[tuple[int, str, knowledge.Entry]]) -> tuple[Actor, ...]:
    found: dict[str, Actor] = {}
    for _, word in words:
        if word in ACTOR_WORDS:
            name, kind = ACTOR_WORDS[word]
            found.setdefault(name, Actor(name, kind, Origin(DESCRIPTION, f"word {word!r}")))
    for domain in domains:
        for name, kind in packs()[domain].actors[:1]:
            origin = Origin(DOMAIN, f"usual user of {article(domain)} {domain} system")
            found.setdefault(name, Actor(name, kind, origin))
    if not found:
        found["client application"] = Actor("client application", "system",
                                             Origin(DEFAULT, "callers of the API"))
    return tuple(found.values())
