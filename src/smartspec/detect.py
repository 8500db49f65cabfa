"""Facts from the description: technologies, services, external APIs, entities, endpoints and
the keyword groups (domains, auth, queue, transactions …) that plan and rules act on.

Pure functions over text. Keyword matching is word-bounded and case-insensitive for Latin
words; Thai words (no spaces between words) match as substrings. ``keywords`` in config
extends every group.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from functools import lru_cache

from smartspec.domains import packs
from smartspec.lazyre import is_word_char, lazy_re, may_hold
from smartspec.options import DOMAINS
from smartspec.prose import ASCII_ALNUM, ASCII_LOWER, ASCII_UPPER, ascii_letter_runs, word_runs
from smartspec.specids import DESCRIPTION_ID_RE
from smartspec.tuples import NamedTuple
from smartspec.wordgroups import RULE_GROUPS, extend
from smartspec.wordgroups import word_pattern as word_pattern

# Built-in keyword groups. Keys are stable: config `keywords` extends them. The groups the
# validation rules ask about (auth, queue, transaction, external-api) are ``wordgroups``'.
KEYWORD_GROUPS: dict[str, tuple[str, ...]] = {
    **RULE_GROUPS,
    # plan hints
    "database": ("database", "db", "postgresql", "postgres", "mysql", "mariadb", "mongodb",
                 "sqlite", "dynamodb", "cassandra", "sql", "table", "tables", "schema",
                 "ฐานข้อมูล"),
    "config": ("config", "configuration", "configurable", "settings", "feature flag",
               "feature flags", "environment variables", "การตั้งค่า"),
    "rest": ("rest", "restful", "http api", "endpoint", "endpoints", "api", "apis", "openapi"),
    "graphql": ("graphql",),
    "cache": ("cache", "caching", "redis", "memcached", "cdn"),
    "performance": ("latency", "throughput", "tps", "rps", "sla", "real-time", "realtime",
                    "high volume", "high-volume", "low latency", "p99", "scalable"),
    "sensitive": ("pii", "personal data", "gdpr", "encryption", "credit card", "card",
                  "cards", "ssn", "phi", "secret", "secrets"),
    "service": ("service", "services", "microservice", "microservices", "backend", "server",
                "daemon", "worker", "api", "บริการ"),
}

# Each domain's words come from its pack (smartspec/domains/<name>.json).
KEYWORD_GROUPS.update({name: domain.keywords for name, domain in packs().items()})

# Technologies: canonical name -> (kind, spellings).
TECHNOLOGIES: dict[str, tuple[str, tuple[str, ...]]] = {
    "Python": ("language", ("python",)),
    "FastAPI": ("framework", ("fastapi",)),
    "Django": ("framework", ("django",)),
    "Flask": ("framework", ("flask",)),
    "TypeScript": ("language", ("typescript", "ts")),
    "Node.js": ("runtime", ("node.js", "nodejs", "node")),
    "NestJS": ("framework", ("nestjs", "nest.js")),
    "Express": ("framework", ("express", "express.js")),
    "Go": ("language", ("go", "golang")),
    "Java": ("language", ("java",)),
    "Spring Boot": ("framework", ("spring", "spring boot")),
    "Kotlin": ("language", ("kotlin",)),
    "C#": ("language", ("c#", "csharp", ".net", "dotnet", "asp.net")),
    "Rust": ("language", ("rust",)),
    "PostgreSQL": ("datastore", ("postgresql", "postgres")),
    "MySQL": ("datastore", ("mysql", "mariadb")),
    "MongoDB": ("datastore", ("mongodb", "mongo")),
    "Redis": ("datastore", ("redis",)),
    "DynamoDB": ("datastore", ("dynamodb",)),
    "SQLite": ("datastore", ("sqlite",)),
    "Elasticsearch": ("datastore", ("elasticsearch", "opensearch")),
    "TimescaleDB": ("datastore", ("timescaledb", "timescale")),
    "Kafka": ("queue", ("kafka",)),
    "RabbitMQ": ("queue", ("rabbitmq",)),
    "Amazon SQS": ("queue", ("sqs",)),
    "NATS": ("queue", ("nats",)),
    "MQTT": ("queue", ("mqtt",)),
    "Celery": ("queue", ("celery",)),
    "BullMQ": ("queue", ("bullmq",)),
    "GraphQL": ("protocol", ("graphql",)),
    "gRPC": ("protocol", ("grpc",)),
    "Docker": ("platform", ("docker",)),
    "Kubernetes": ("platform", ("kubernetes", "k8s")),
    "AWS": ("platform", ("aws",)),
}

# Well-known third-party APIs: canonical name -> spellings.
EXTERNAL_APIS: dict[str, tuple[str, ...]] = {
    "Stripe": ("stripe",), "PromptPay": ("promptpay",), "PayPal": ("paypal",),
    "Adyen": ("adyen",), "Plaid": ("plaid",), "Twilio": ("twilio",), "SendGrid": ("sendgrid",),
    "Google Maps": ("google maps",), "OpenAI": ("openai",), "Salesforce": ("salesforce",),
    "Slack": ("slack",), "Shopify": ("shopify",), "Auth0": ("auth0",), "Okta": ("okta",),
    "FHIR": ("fhir",), "Mapbox": ("mapbox",), "Firebase": ("firebase",),
}

# Nouns that make good API resources and tables, singular -> plural.
ENTITY_NOUNS: dict[str, str] = {
    "user": "users", "account": "accounts", "payment": "payments", "invoice": "invoices",
    "order": "orders", "product": "products", "customer": "customers",
    "subscription": "subscriptions", "transaction": "transactions", "refund": "refunds",
    "patient": "patients", "appointment": "appointments", "record": "records",
    "device": "devices", "reading": "readings", "measurement": "measurements",
    "event": "events", "shipment": "shipments", "vehicle": "vehicles", "route": "routes",
    "delivery": "deliveries", "prediction": "predictions", "model": "models",
    "tenant": "tenants", "report": "reports", "document": "documents", "message": "messages",
    "notification": "notifications", "ticket": "tickets", "project": "projects",
    "task": "tasks", "booking": "bookings", "reservation": "reservations", "wallet": "wallets",
    "card": "cards", "credit": "credits", "file": "files", "job": "jobs", "item": "items",
    "inventory": "inventories", "profile": "profiles", "session": "sessions",
    "prescription": "prescriptions", "encounter": "encounters", "observation": "observations",
    "warehouse": "warehouses", "parcel": "parcels", "dataset": "datasets",
    "experiment": "experiments", "workspace": "workspaces", "plan": "plans",
    "telemetry": "telemetry", "metric": "metrics", "alert": "alerts", "export": "exports",
}
PLURAL_TO_SINGULAR = {plural: singular for singular, plural in ENTITY_NOUNS.items()}

# "GET /api/v1/users", "POST /payments/{id}/refund"
ENDPOINT_RE = lazy_re(r"\b(GET|POST|PUT|PATCH|DELETE)\s+(/[A-Za-z0-9_\-/{}:.]*)")
# "payment service", "credit-service", "the Cost Management service"
SERVICE_RE = lazy_re(r"\b((?:[A-Za-z][A-Za-z0-9]*[ -]){1,2}?)services?\b", re.IGNORECASE)
# "A, B and C services"
_ITEM = r"[A-Za-z][A-Za-z0-9-]*(?: [A-Za-z][A-Za-z0-9-]*)?"
SERVICE_LIST_RE = lazy_re(
    rf"\b((?:{_ITEM},\s+)+(?:{_ITEM},?\s+and\s+)?{_ITEM})\s+services\b", re.IGNORECASE
)
# "<Name> API" for names not in EXTERNAL_APIS: "the Acme API"
NAMED_API_RE = lazy_re(r"\b([A-Z][A-Za-z0-9]+(?:\s[A-Z][A-Za-z0-9]+)?)\s+API\b")

_NOT_SERVICES = {"the", "a", "an", "our", "this", "that", "web", "micro", "and", "or", "of",
                 "with", "for", "to", "new", "backend", "each", "every", "other", "all",
                 "several", "many", "multiple", "external", "third-party", "api", "user-facing",
                 "rest", "restful", "http", "grpc", "graphql", "cloud", "managed", "stateless"}
# Words of a spec name that say what kind of thing it is, not what it manages.
_GENERIC_NAME_WORDS = frozenset({
    "api", "apis", "service", "services", "system", "platform", "tool", "tools", "app",
    "application", "exporter", "importer", "ingestion", "processing", "processor", "manager",
    "management", "engine", "gateway", "hub", "portal", "dashboard", "sync", "bot", "worker",
    "core", "backend", "frontend", "server", "client", "new", "simple", "internal", "data",
    "pipeline", "handler", "store", "registry", "center", "centre", "module", "lib", "sdk"})
_NOT_API_NAMES = {"REST", "HTTP", "The", "A", "An", "Public", "Internal", "External", "JSON",
                  "Admin", "Our", "This", "GraphQL", "OpenAPI", "Web"}


class Endpoint(NamedTuple):
    method: str
    path: str
    purpose: str


class Facts(NamedTuple):
    """What the name and description say. Every list is ordered and free of duplicates."""

    text: str
    groups: dict[str, tuple[str, ...]]  # group -> the words that matched, in order
    technologies: tuple[str, ...] = ()
    languages: tuple[str, ...] = ()
    datastores: tuple[str, ...] = ()
    queues: tuple[str, ...] = ()
    services: tuple[str, ...] = ()
    external_apis: tuple[str, ...] = ()
    entities: tuple[str, ...] = ()
    endpoints: tuple[Endpoint, ...] = ()
    spec_ids: tuple[str, ...] = ()
    domains: tuple[str, ...] = ()

    def has(self, group: str) -> bool:
        return bool(self.groups.get(group))

    def words(self, group: str) -> tuple[str, ...]:
        return self.groups.get(group, ())


def group_words(extra: Mapping[str, Iterable[str]] | None = None) -> dict[str, tuple[str, ...]]:
    """Built-in groups extended by config ``keywords``."""
    return extend(KEYWORD_GROUPS, extra)


def find_words(text: str, words: tuple[str, ...]) -> tuple[str, ...]:
    """The words of ``words`` found in ``text`` (word-bounded, case-insensitive), in order."""
    pattern = word_pattern(tuple(words))
    if pattern is None:
        return ()
    return tuple(dict.fromkeys(m.group(0).lower() for m in pattern.finditer(text)))


# Word-ish runs: letters, digits and the characters that join parts of one name or path
# (node.js, c#, pub/sub, third-party, https://host/queue). A keyword must be a whole run, or
# a sequence of whole runs separated by spaces, so a word inside a URL or a longer name never
# counts. Thai words are matched as substrings (Thai is written without spaces).
# Read with ``word_runs`` (str operations: compiling the pattern cost a run more than reading
# a description with it); the pattern stays as the definition tests hold the reader to.
_TOKEN_RE = lazy_re(r"[\w.#+/-]+")
_TOKEN_EXTRA = ".#+/-"
_MAX_PHRASE = 3


@lru_cache(maxsize=2)
def _phrases(text: str) -> tuple[tuple[int, str], ...]:
    """(offset, lower-case phrase) for every run of 1-3 whole tokens, in text order. Cached:
    one description is scanned for several word groups, and tokenising is the costly part."""
    tokens = []
    for offset, run in word_runs(text, _TOKEN_EXTRA):
        token = run.rstrip(".-/")
        if token:
            tokens.append((offset, offset + len(token), token.lower()))
    phrases = []
    for i, (start, end, token) in enumerate(tokens):
        phrases.append((start, token))
        phrase, last_end = token, end
        for j in range(i + 1, min(i + _MAX_PHRASE, len(tokens))):
            next_start, next_end, next_token = tokens[j]
            if text[last_end:next_start] != " ":
                break
            phrase = f"{phrase} {next_token}"
            phrases.append((start, phrase))
            last_end = next_end
    return tuple(phrases)


@lru_cache(maxsize=16)
def _lexicon(groups: tuple[tuple[str, tuple[str, ...]], ...],
             ) -> tuple[dict[str, tuple[str, ...]], tuple[str, ...]]:
    """word -> the groups it is in, and the non-Latin words (found by one pattern, which is
    compiled only for a text they may occur in)."""
    owners: dict[str, list[str]] = {}
    for group, words in groups:
        for word in words:
            owners.setdefault(word.lower(), []).append(group)
    thai = tuple(w for w in owners if not w.isascii())
    return {w: tuple(g) for w, g in owners.items()}, thai


@lru_cache(maxsize=16)
def _ascii_cannot_match(words: tuple[str, ...]) -> bool:
    """Whether the non-Latin ``words`` can match nothing in an ASCII text: each word
    holds a character outside ASCII, and only four of those (İ, ı, ſ and the Kelvin sign) can
    stand for an ASCII letter under IGNORECASE. Most descriptions are ASCII, and then the
    pattern (a few hundred microseconds to compile) is not compiled at all."""
    return not any(char in word for word in words
                   for char in ("\u0130", "\u0131", "\u017f", "\u212a"))


def scan_groups(text: str, groups: Mapping[str, tuple[str, ...]]) -> dict[str, tuple[str, ...]]:
    """For each group, the words of it found in ``text``, in order of appearance."""
    owners, thai = _lexicon(tuple(groups.items()))
    hits = [(start, phrase) for start, phrase in _phrases(text) if phrase in owners]
    if thai and not (text.isascii() and _ascii_cannot_match(thai)):
        pattern = word_pattern(thai)
        assert pattern is not None
        hits += [(m.start(), m.group(0)) for m in pattern.finditer(text)]
    found: dict[str, dict[str, None]] = {}
    for _, word in sorted(hits, key=lambda hit: hit[0]):
        for group in owners.get(word, ()):
            found.setdefault(group, {})[word] = None
    return {group: tuple(words) for group, words in found.items()}


def _lookup(text: str, table: Mapping[str, str]) -> list[tuple[int, str, str]]:
    """(offset, as written, canonical name) for each phrase of ``text`` found in ``table``."""
    found = []
    for start, phrase in _phrases(text):
        name = table.get(phrase)
        if name is not None:
            found.append((start, text[start:start + len(phrase)], name))
    return found


_TECH_BY_SPELLING = {spelling: name for name, (_, spellings) in TECHNOLOGIES.items()
                     for spelling in spellings}
_API_BY_SPELLING = {spelling: name for name, spellings in EXTERNAL_APIS.items()
                    for spelling in spellings}
# Common English words that are also technology names count only when capitalised.
_CAPITALISED_ONLY = frozenset({"Go", "Node.js", "Express", "Spring Boot", "Rust"})


def detect(name: str, description: str,
           keywords: Mapping[str, Iterable[str]] | None = None) -> Facts:
    """Read the facts out of the spec's name and description."""
    words_of_name = name.replace("-", " ").replace("_", " ")
    text = f"{words_of_name}. {description}".strip()
    groups = scan_groups(text, group_words(keywords))
    technologies = _technologies(text)
    kinds = {tech: TECHNOLOGIES[tech][0] for tech in technologies}
    services = _services(description, words_of_name)
    external = _external_apis(text)
    entities = _entities(text) or entity_from_name(words_of_name)
    endpoints = _explicit_endpoints(description) or _derived_endpoints(entities)
    domains = tuple(d for d in DOMAINS if groups.get(d))
    return Facts(
        text=text,
        groups=groups,
        technologies=technologies,
        languages=tuple(t for t in technologies if kinds[t] in ("language", "runtime", "framework")),
        datastores=tuple(t for t in technologies if kinds[t] == "datastore"),
        queues=tuple(t for t in technologies if kinds[t] == "queue"),
        services=services,
        external_apis=external,
        entities=entities,
        endpoints=endpoints,
        spec_ids=(tuple(dict.fromkeys(DESCRIPTION_ID_RE.findall(description)))
                  if "spec-" in description else ()),
        domains=domains,
    )


def _technologies(text: str) -> tuple[str, ...]:
    found: dict[str, None] = {}
    for _, written, name in _lookup(text, _TECH_BY_SPELLING):
        if name in _CAPITALISED_ONLY and not written[0].isupper():
            continue
        found[name] = None
    return tuple(found)


# How far before the word "services" a list of services may start. Searching the whole text
# tries every comma of a long list as a start and scans on to its end: quadratic (a 56 KB list
# took minutes). Searching only a bounded window before each "services" keeps the scan linear.
_SERVICE_LIST_SPAN = 240
_SERVICES_WORD_RE = lazy_re(r"\bservices\b", re.IGNORECASE)


def _service_lists(description: str) -> list[re.Match[str]]:
    """``SERVICE_LIST_RE`` matches, each searched in the window that ends at one "services"."""
    found: list[re.Match[str]] = []
    done = 0
    if not may_hold(description, ("services",)):
        return found  # most descriptions name no services: the pattern is then not compiled
    for word in _SERVICES_WORD_RE.finditer(description):
        start = max(done, word.start() - _SERVICE_LIST_SPAN)
        if start > done:
            # Begin at a word boundary, never inside a word the window cut.
            space = description.find(" ", start, word.start())
            start = space + 1 if space >= 0 else word.start()
        match = SERVICE_LIST_RE.search(description, start, word.end())
        if match is not None:
            found.append(match)
        done = word.end()
    return found


def _services(description: str, name_words: str) -> tuple[str, ...]:
    found: list[str] = []
    for match in _service_lists(description):
        for part in re.split(r",\s*|\s+and\s+", match.group(1)):
            words = part.split()
            while words and words[0].lower() in _NOT_SERVICES:
                words.pop(0)
            if words:
                found.append(" ".join(words))
    # Each match holds "service": a description without the word is not read for them.
    named = _service_phrases(description) if may_hold(description, ("service",)) else ()
    for phrase in named:
        # The phrase holds only letters, digits, spaces and hyphens: split at each of the two.
        words = phrase.strip().replace("-", " ").split()
        while words and words[0].lower() in _NOT_SERVICES:
            words.pop(0)
        if words and all(w.lower() not in _NOT_SERVICES and w.lower() not in _TECH_BY_SPELLING
                         for w in words):
            found.append(" ".join(words))
    services: dict[str, str] = {}
    for raw in found:
        title = " ".join(w.capitalize() if w.islower() else w for w in raw.split()) + " Service"
        services.setdefault(title.lower(), title)
    if not services and name_words.lower().endswith(" service"):
        title = " ".join(w.capitalize() for w in name_words.split())
        services[title.lower()] = title
    return tuple(services.values())


# SERVICE_RE and NAMED_API_RE are read with str operations below (compiling them cost a run
# four million instructions, the case-insensitive one three of them: more than the rest of
# detecting); the patterns stay as the definition, and tests hold the readers to them.
def _alnum_run_end(text: str, start: int) -> int:
    """The end of the run of ASCII letters and digits that starts at ``start``."""
    end = start
    while end < len(text) and text[end] in ASCII_ALNUM:
        end += 1
    return end


def _service_phrases(text: str) -> list[str]:
    """``[m.group(1) for m in SERVICE_RE.finditer(text)]``: the one or two words (each
    followed by its space or hyphen) before each whole "service" or "services".

    ASCII text is read with str operations; any other text is searched with the pattern,
    whose case folding reaches letters beyond ASCII (the Kelvin sign is a "k")."""
    if not text.isascii():
        return [match.group(1) for match in SERVICE_RE.finditer(text)]
    lowered = text.lower()
    found: list[str] = []
    start = 0
    while start < len(lowered):
        if lowered[start] in ASCII_LOWER and (start == 0 or not is_word_char(lowered[start - 1])):
            ends = _service_after(lowered, start)
            if ends is not None:
                found.append(text[start:ends[0]])
                start = ends[1]
                continue
        start += 1
    return found


def _service_after(lowered: str, start: int) -> tuple[int, int] | None:
    """(end of the words, end of the match) when one word at ``start``, else two (the
    pattern's lazy ``{1,2}?``), each a letter, letters or digits and a space or hyphen, are
    followed by a whole "service" or "services"; None when neither is."""
    position = start
    for _ in range(2):
        if lowered[position:position + 1] not in ASCII_LOWER:
            return None
        position = _alnum_run_end(lowered, position)
        if lowered[position:position + 1] not in (" ", "-"):
            return None
        position += 1
        if lowered.startswith("service", position):
            after = position + len("service")
            if lowered[after:after + 1] == "s" and not is_word_char(lowered[after + 1:after + 2]):
                return position, after + 1
            if not is_word_char(lowered[after:after + 1]):
                return position, after
    return None


def _named_apis(text: str) -> list[tuple[int, str]]:
    """``[(m.start(), m.group(1)) for m in NAMED_API_RE.finditer(text)]``: one or two
    capitalised words ("Acme", "Acme Pay") followed by white space and a whole "API"."""
    found: list[tuple[int, str]] = []
    start = 0
    while start < len(text):
        if text[start] in ASCII_UPPER and (start == 0 or not is_word_char(text[start - 1])):
            end = _named_api_end(text, start)
            if end is not None:
                found.append((start, text[start:end[0]]))
                start = end[1]
                continue
        start += 1
    return found


def _named_api_end(text: str, start: int) -> tuple[int, int] | None:
    """(end of the name, end of the match) for a name at ``start`` (a capital and at least
    one more ASCII letter or digit, then, if it fits, one white space and another such word)
    followed by white space and a whole "API"; the second word is tried first, as the
    pattern's greedy ``?`` does."""
    first = _alnum_run_end(text, start + 1)
    if first == start + 1:
        return None
    ends = [first]
    if text[first:first + 1].isspace() and text[first + 1:first + 2] in ASCII_UPPER:
        second = _alnum_run_end(text, first + 2)
        if second > first + 2:
            ends.insert(0, second)
    for end in ends:
        position = end
        while position < len(text) and text[position].isspace():
            position += 1
        if (position > end and text.startswith("API", position)
                and not is_word_char(text[position + 3:position + 4])):
            return end, position + 3
    return None


def _external_apis(text: str) -> tuple[str, ...]:
    found: list[tuple[int, str]] = []
    known: set[str] = set()
    for start, _, name in _lookup(text, _API_BY_SPELLING):
        if name.lower() not in known:
            found.append((start, name))
            known.add(name.lower())
    for start, candidate in (_named_apis(text) if "API" in text else ()):
        first = candidate.split()[0]
        if first in _NOT_API_NAMES or candidate.lower() in known:
            continue
        if any(candidate.lower() == t.lower() for t in TECHNOLOGIES) or first in ("FHIR", "HL7"):
            continue  # a technology, or a standard's API ("a FHIR R4 API"), not a vendor's
        found.append((start, candidate))
        known.add(candidate.lower())
    return tuple(dict.fromkeys(name for _, name in sorted(found)))


# Runs of ASCII letters (``[A-Za-z]+``, read by ``ascii_letter_runs``): the words entities
# and the name's words are read from.


def _entities(text: str) -> tuple[str, ...]:
    found: list[tuple[int, str]] = []
    for offset, run in ascii_letter_runs(text):
        word = run.lower()
        singular = word if word in ENTITY_NOUNS else PLURAL_TO_SINGULAR.get(word)
        if singular in _WEAK_NOUNS:
            # Too generic in the singular ("data model", "a job"); plural "records" still counts.
            if singular in ("record", "event", "telemetry") and word == singular + "s":
                found.append((offset, singular))
        elif singular:
            found.append((offset, singular))
    return tuple(dict.fromkeys(name for _, name in found))[:6]


def entity_from_name(name_words: str) -> tuple[str, ...]:
    """When the description names no known resource: the first specific word of the spec's
    name, singular ("claims-api" -> claim), or a kind and a plural thing together
    ("feature-flags" -> feature_flag), so endpoints and tables have something to be about."""
    words = [word for _, word in ascii_letter_runs(name_words.lower())
             if word not in _GENERIC_NAME_WORDS and len(word) >= 3 and word not in _WEAK_NOUNS]
    if len(words) == 2 and singular_of(words[1]) != words[1] and singular_of(words[0]) == words[0]:
        # "feature-flags": the plural last word is the thing, the first says which kind.
        return (f"{words[0]}_{singular_of(words[1])}",)
    return (singular_of(words[0]),) if words else ()


def _singular(word: str) -> str:
    if word.endswith("ies") and len(word) > 4:
        return word[:-3] + "y"
    if word.endswith(("ses", "xes", "ches", "shes")):
        return word[:-2]
    if word.endswith("s") and not word.endswith("ss"):
        return word[:-1]
    return word


def singular_of(word: str) -> str:
    """The entity a (possibly plural) resource word names: "claims" -> claim."""
    word = word.lower()
    if word in ENTITY_NOUNS:
        return word
    return PLURAL_TO_SINGULAR.get(word) or _singular(word)


def plural_of(entity: str) -> str:
    """The plural smartspec uses for an entity's resource path and list names."""
    return ENTITY_NOUNS.get(entity) or _plural(entity)


def _plural(word: str) -> str:
    if word.endswith("y") and word[-2:-1] not in ("a", "e", "i", "o", "u"):
        return word[:-1] + "ies"
    if word.endswith(("s", "x", "ch", "sh")):
        return word + "es"
    return word + "s"


# Nouns too generic to become resources on their own ("data model", "a job"), and "card":
# card data is never a resource of its own (PCI DSS), only provider tokens are stored.
_WEAK_NOUNS = frozenset({"model", "plan", "profile", "file", "item", "job", "record", "credit",
                         "event", "telemetry", "export", "card"})


def _explicit_endpoints(description: str) -> tuple[Endpoint, ...]:
    seen: dict[tuple[str, str], Endpoint] = {}
    # Each endpoint's path starts with "/": without one the pattern is not compiled.
    for method, path in (ENDPOINT_RE.findall(description) if "/" in description else ()):
        path = path.rstrip(".,;")
        seen.setdefault((method, path), Endpoint(method, path, _purpose(method, path)))
    return tuple(seen.values())


def _derived_endpoints(entities: tuple[str, ...]) -> tuple[Endpoint, ...]:
    """Two to four resource endpoints per entity, for the first three entities."""
    endpoints: list[Endpoint] = []
    for entity in entities[:3]:
        plural = plural_of(entity)
        base = f"/api/v1/{plural}"
        article = "an" if entity[0] in "aeiou" else "a"
        endpoints.append(Endpoint("POST", base, f"Create {article} {entity}"))
        endpoints.append(Endpoint("GET", base + "/{id}", f"Get one {entity} by id"))
        if len(entities) <= 2:
            endpoints.append(Endpoint("GET", base, f"List {plural} (paginated)"))
    return tuple(endpoints)


def _purpose(method: str, path: str) -> str:
    resource = [p for p in path.split("/") if p and not p.startswith("{") and p not in ("api", "v1", "v2")]
    noun = resource[-1].replace("-", " ") if resource else "resource"
    verb = {"GET": "Read", "POST": "Create", "PUT": "Replace", "PATCH": "Update",
            "DELETE": "Delete"}[method]
    return f"{verb} {noun}"
