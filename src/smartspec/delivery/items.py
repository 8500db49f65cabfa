"""What a spec asks to be built, read from any spec (generated or hand-written) with
smartspec's own parser: endpoints, entities, services, consumers, critical sections, test
requirements, security and error format, JSON examples, related specs.

Every item gets a requirement id derived from its content only (``EP-POST-api-v1-orders``,
``ENT-orders``, ``SEC-security``), never from its position, so that an unrelated edit of the
spec keeps every id and the tasks that name it.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any, NamedTuple

from smartspec.document import Document, Section, parse
from smartspec.rules.context import METHODS, Context
from smartspec.specids import ANY_MENTION_RE

# The sections each kind of item is read from (catalog keys; compact specs have their own).
ENDPOINT_SOURCES = ("architecture", "api", "compact-architecture", "compact-technical")
ARCHITECTURE = ("architecture", "compact-architecture")
TESTING = ("testing", "compact-acceptance", "acceptance")
SECURITY = ("security",)
PERFORMANCE = ("performance", "compact-constraints")
EXAMPLES = ("examples",)
IMPLEMENTATION = ("implementation", "compact-technical")

# "CREATE TABLE [IF NOT EXISTS] [schema.]name (" inside a fenced block.
_CREATE_TABLE_RE = re.compile(
    r"^\s*CREATE\s+TABLE\s+(?:IF\s+NOT\s+EXISTS\s+)?(?:\"?\w+\"?\.)?\"?(\w+)\"?\s*\(",
    re.IGNORECASE)
# One column line of a CREATE TABLE body: a name, then a type word (constraints skipped).
_COLUMN_RE = re.compile(r"^\s*\"?([a-z_][a-z0-9_]*)\"?\s+([A-Za-z]+(?:\s*\([^)]*\))?)(.*)$",
                        re.IGNORECASE)
# A column's list of allowed values: ``CHECK (status IN ('A', 'B'))``.
_CHECK_IN_RE = re.compile(r"CHECK\s*\(\s*\"?([a-z_][a-z0-9_]*)\"?\s+IN\s*\(([^)]*)\)",
                          re.IGNORECASE)
_TABLE_KEYWORDS = frozenset({"constraint", "primary", "unique", "foreign", "check", "exclude"})
# A response status in the prose before a JSON block: "Response `201 Created`:".
_STATUS_RE = re.compile(r"\b([1-5]\d\d)\b")
_SLUG_RE = re.compile(r"[^a-z0-9]+")
# Authentication schemes a security section (or the examples) can name, as a scheme kind.
_AUTH_PATTERNS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("bearer", re.compile(r"\b(JWT|bearer token|Bearer\s|OAuth ?2?|OIDC|OpenID Connect)", re.I)),
    ("apiKey", re.compile(r"\bAPI[ -]key", re.I)),
    ("mutualTLS", re.compile(r"\bmTLS\b|mutual TLS", re.I)),
)
# An error object in a spec: {"error": {"code": ...}} (JSON, possibly inline in prose).
_ERROR_JSON_RE = re.compile(r"\{\s*\"error\"\s*:\s*\{[^{}]*\}\s*\}")
_ERROR_CODE_RE = re.compile(r"\b(4\d\d|5\d\d)\b")
_SERVICE_RE = re.compile(r"^[A-Z][\w-]*(?: [A-Z][\w-]*)* (?:Service|API|Gateway)$")
_CONSUMER_RE = re.compile(r"\b(consumer|consumers|worker|workers|subscriber|handler)s?\b", re.I)
# An event published in the spec's code: publish('payment.created', ...) or emit("x.y", ...).
_PUBLISH_RE = re.compile(r"\b(?:publish|emit|send)\(\s*['\"]([a-z][\w.-]*\.[\w.-]+)['\"]")
_BULLET_RE = re.compile(r"^\s*(?:[-*+]|\d+[.)])\s+(.*\S)\s*$")


def slug(text: str) -> str:
    """A requirement-id fragment: lower-case, runs of other characters as one hyphen."""
    return _SLUG_RE.sub("-", text.lower()).strip("-") or "x"


def path_slug(path: str) -> str:
    """``/api/v1/orders/{id}`` -> ``api-v1-orders-id``: ``{id}``, ``:id`` and ``<id>`` agree."""
    return slug(path.replace("{", "").replace("}", "").replace(":", "").replace("<", ""))


def canonical_path(path: str) -> str:
    """One spelling for path parameters (``:id`` and ``<id>`` become ``{id}``) and no
    trailing slash, so a spec and an OpenAPI file compare equal."""
    parts = []
    for segment in path.strip().rstrip("/").split("/"):
        if segment.startswith(":") and len(segment) > 1:
            segment = "{" + segment[1:] + "}"
        elif segment.startswith("<") and segment.endswith(">"):
            segment = "{" + segment[1:-1].split(":")[-1] + "}"
        parts.append(segment)
    return "/".join(parts) or "/"


def path_params(path: str) -> list[str]:
    return re.findall(r"\{([^{}/]+)\}", canonical_path(path))


class Item(NamedTuple):
    """One thing the spec asks for. ``line`` is 0-based in the spec."""

    rid: str
    kind: str  # stack | endpoint | entity | service | consumer | critical | test | security | error
    title: str
    line: int


class Column(NamedTuple):
    name: str
    sql_type: str
    required: bool
    # The values a ``CHECK (name IN (...))`` allows, in order; empty when it lists none.
    allowed: tuple[str, ...] = ()


class Entity(NamedTuple):
    name: str
    columns: tuple[Column, ...]
    line: int

    @property
    def rid(self) -> str:
        return f"ENT-{slug(self.name)}"


class Example(NamedTuple):
    """A request or response body shown in the Examples section for one endpoint."""

    method: str
    path: str  # as written in the example (concrete ids)
    status: int | None  # None for a request body
    body: Any
    line: int


class ApiEndpoint(NamedTuple):
    method: str
    path: str  # canonical: {param}
    purpose: str
    line: int

    @property
    def rid(self) -> str:
        return f"EP-{self.method}-{path_slug(self.path)}"

    @property
    def params(self) -> list[str]:
        return path_params(self.path)


@dataclass
class SpecFacts:
    """Everything plan, tasks, export and check-api read from one spec."""

    path: str
    doc: Document
    ctx: Context
    spec_id: str
    title: str
    profile: str
    domains: tuple[str, ...]
    language: str
    endpoints: list[ApiEndpoint] = field(default_factory=list)
    entities: list[Entity] = field(default_factory=list)
    services: list[Item] = field(default_factory=list)
    consumers: list[Item] = field(default_factory=list)
    critical: list[Item] = field(default_factory=list)
    tests: list[Item] = field(default_factory=list)
    auth: list[str] = field(default_factory=list)  # scheme kinds: bearer, apiKey, mutualTLS
    auth_line: int | None = None
    error_codes: list[int] = field(default_factory=list)
    error_example: Any = None
    examples: list[Example] = field(default_factory=list)
    related: list[str] = field(default_factory=list)
    risks: list[tuple[str, str, int]] = field(default_factory=list)  # (source, text, line)
    has_messaging: bool = False
    broker: str = ""
    topics: list[str] = field(default_factory=list)  # event names published in the code

    @cached_property
    def items(self) -> list[Item]:
        """Every requirement, in spec order within each kind; ids are unique."""
        found: dict[str, Item] = {}
        stack = f"STACK-{slug(self.language)}"
        found[stack] = Item(stack, "stack", f"{self.language} stack", 0)
        for endpoint in self.endpoints:
            found.setdefault(endpoint.rid, Item(endpoint.rid, "endpoint",
                                                f"{endpoint.method} {endpoint.path}",
                                                endpoint.line))
        for entity in self.entities:
            found.setdefault(entity.rid, Item(entity.rid, "entity", f"table {entity.name}",
                                              entity.line))
        for group in (self.services, self.consumers, self.critical, self.tests):
            for item in group:
                found.setdefault(item.rid, item)
        if self.auth:
            found.setdefault("SEC-auth", Item("SEC-auth", "security",
                                              "authentication: " + ", ".join(self.auth),
                                              self.auth_line or 0))
        if self.error_codes and self.endpoints:
            found.setdefault("ERR-format", Item("ERR-format", "error",
                                                "error format and status codes", 0))
        return list(found.values())


def read_facts(text: str, path: str) -> SpecFacts:
    """Parse ``text`` (the spec at ``path``) and collect what it asks for."""
    doc = parse(text)
    ctx = Context(doc, path=path, matchers={})
    settings = ctx.settings or {}
    spec_id = ctx.spec_id or slug(doc.title or path)
    title = str(settings.get("title") or _title(doc.title) or spec_id)
    domains = settings.get("domains")
    if not isinstance(domains, list):
        header = doc.header.get("Domains", "")
        domains = [d.strip().lower() for d in header.split(",") if d.strip()]
    facts = SpecFacts(path=path, doc=doc, ctx=ctx, spec_id=spec_id, title=title,
                      profile=ctx.profile or "custom",
                      domains=tuple(str(d) for d in domains if str(d) not in ("", "none")),
                      language=_language(doc, ctx))
    _read_endpoints(facts)
    _read_entities(facts)
    _read_services(facts)
    _read_critical(facts)
    _read_tests(facts)
    _read_security(facts)
    _read_examples(facts)
    _read_related(facts)
    _read_risks(facts)
    return facts


def _title(heading: str | None) -> str:
    if not heading:
        return ""
    return heading.split(":", 1)[1].strip() if re.match(r"^SPEC-[\w-]+:", heading) else heading


def _table_rows(doc: Document, section: Section) -> list[tuple[int, list[str]]]:
    """(line, cells) of every table row of ``section`` outside code fences, header and
    delimiter rows excluded; backticks and bold markers removed from the cells."""
    rows: list[tuple[int, list[str]]] = []
    previous_was_table = False
    for index in range(section.body_start, section.end):
        line = doc.lines[index]
        if doc.fenced[index] or not line.lstrip().startswith("|"):
            previous_was_table = False
            continue
        cells = [c.strip().replace("`", "").replace("**", "")
                 for c in line.strip().strip("|").split("|")]
        if all(re.fullmatch(r":?-{2,}:?", c) for c in cells if c):
            previous_was_table = True
            if rows and rows[-1][0] == index - 1:
                rows.pop()  # the row above the delimiter is the header
            continue
        if previous_was_table or rows:
            rows.append((index, cells))
        previous_was_table = True
    return rows


def _language(doc: Document, ctx: Context) -> str:
    """The stack's language from the Technology Stack table (``Language`` row), else the
    language most code fences are written in, else "typescript" (the generator's default)."""
    for section in ctx.sections_for(("tech-stack",)):
        for _, cells in _table_rows(doc, section):
            if cells and cells[0].lower() == "language" and len(cells) > 1:
                value = cells[1].lower()
                for name in ("typescript", "python", "go", "java", "kotlin", "c#", "rust"):
                    if re.search(rf"(?<![a-z]){re.escape(name)}(?![a-z])", value):
                        return {"c#": "csharp", "kotlin": "java"}.get(name, name)
    counts: dict[str, int] = {}
    for index, line in enumerate(doc.lines):
        if doc.fenced[index] and line.lstrip().startswith(("```", "~~~")):
            info = line.strip().lstrip("`~").strip().lower()
            if info in ("typescript", "ts", "python", "go", "java", "csharp", "rust"):
                key = {"ts": "typescript"}.get(info, info)
                counts[key] = counts.get(key, 0) + 1
    return max(sorted(counts), key=lambda k: counts[k]) if counts else "typescript"


def _read_endpoints(facts: SpecFacts) -> None:
    ctx, doc = facts.ctx, facts.doc
    sections = ctx.sections_for(ENDPOINT_SOURCES) or doc.sections
    purposes: dict[tuple[str, str], str] = {}
    for section in sections:
        for _, cells in _table_rows(doc, section):
            for position, cell in enumerate(cells[:-1]):
                if cell in METHODS and cells[position + 1].startswith("/"):
                    key = (cell, canonical_path(cells[position + 1].split()[0]))
                    rest = [c for c in cells[position + 2:] if c]
                    purposes.setdefault(key, rest[0] if rest else "")
                    break
    seen: set[tuple[str, str]] = set()
    for endpoint in ctx.endpoints_in(sections):
        key = (endpoint.method, canonical_path(endpoint.path))
        if key in seen:
            continue
        seen.add(key)
        facts.endpoints.append(ApiEndpoint(key[0], key[1], purposes.get(key, ""), endpoint.line))


def _read_entities(facts: SpecFacts) -> None:
    doc = facts.doc
    lines = doc.lines
    index = 0
    seen: set[str] = set()
    while index < len(lines):
        match = _CREATE_TABLE_RE.match(lines[index]) if doc.fenced[index] else None
        if not match:
            index += 1
            continue
        name = match.group(1).lower()
        start = index
        columns: list[Column] = []
        depth = lines[index].count("(") - lines[index].count(")")
        index += 1
        while index < len(lines) and depth > 0 and doc.fenced[index]:
            line = lines[index]
            if depth == 1:
                column = _COLUMN_RE.match(line.split("--")[0])
                if column and column.group(1).lower() not in _TABLE_KEYWORDS:
                    rest = column.group(3).upper()
                    listed = _CHECK_IN_RE.search(column.group(3))
                    allowed = (tuple(re.findall(r"'([^']*)'", listed.group(2)))
                               if listed and listed.group(1).lower() == column.group(1).lower()
                               else ())
                    columns.append(Column(column.group(1), column.group(2).upper(),
                                          "NOT NULL" in rest or "PRIMARY KEY" in rest, allowed))
            depth += line.count("(") - line.count(")")
            index += 1
        if name not in seen:
            seen.add(name)
            facts.entities.append(Entity(name, tuple(columns), start))


def _read_services(facts: SpecFacts) -> None:
    doc, ctx = facts.doc, facts.ctx
    services: dict[str, Item] = {}
    consumers: dict[str, Item] = {}
    for section in ctx.sections_for(ARCHITECTURE):
        for line, cells in _table_rows(doc, section):
            name = cells[0] if cells else ""
            if _SERVICE_RE.match(name) and name != "API layer":
                rid = f"SVC-{slug(name)}"
                services.setdefault(rid, Item(rid, "service", name, line))
            elif _CONSUMER_RE.search(name):
                rid = f"CON-{slug(name)}"
                consumers.setdefault(rid, Item(rid, "consumer", name, line))
    for section in ctx.sections_for(("tech-stack",)):
        for line, cells in _table_rows(doc, section):
            # "Messaging", or "Messaging (log, inbound)" as specs written from a model say.
            label, _, qualifier = (cells[0].lower() if cells else "").partition(" (")
            if label in ("messaging", "queue", "broker", "event bus") \
                    and len(cells) > 1 and cells[1] and cells[1].lower() not in ("none", "-"):
                facts.has_messaging = True
                facts.broker = cells[1]
                # A queue the service only publishes to has no consumer of this spec's to build.
                if not consumers and "outbound" not in qualifier:
                    rid = f"CON-{slug(cells[1])}"
                    consumers[rid] = Item(rid, "consumer", f"{cells[1]} consumers", line)
    if consumers:
        facts.has_messaging = True
    topics: dict[str, None] = {}
    for raw in doc.lines:
        if "(" in raw:
            for topic in _PUBLISH_RE.findall(raw):
                topics.setdefault(topic, None)
    facts.topics = list(topics)
    facts.services = list(services.values())
    facts.consumers = list(consumers.values())


def _read_critical(facts: SpecFacts) -> None:
    doc = facts.doc
    for block in doc.critical_blocks:
        section = next((s for s in doc.sections if s.critical is block), None)
        title = section.title if section else block.name
        rid = f"CRIT-{slug(block.name)}"
        facts.critical.append(Item(rid, "critical", f"{title} (critical: {block.name})",
                                   block.open_line))


def _read_tests(facts: SpecFacts) -> None:
    """One test requirement per sub-heading of the testing section (or per bullet when the
    section has no sub-headings)."""
    doc = facts.doc
    for section in facts.ctx.sections_for(TESTING):
        subs = [h for h in section.subheadings if h.level == 3]
        if subs:
            for heading in subs:
                rid = f"TEST-{slug(heading.title)}"
                facts.tests.append(Item(rid, "test", heading.title, heading.line))
            continue
        for index in range(section.body_start, section.end):
            match = _BULLET_RE.match(doc.lines[index]) if not doc.fenced[index] else None
            if match:
                text = re.sub(r"^\[[ xX]\]\s*", "", re.sub(r"[*`]", "", match.group(1)))
                words = " ".join(text.split()[:6])
                rid = f"TEST-{slug(words)}"[:60].rstrip("-")
                facts.tests.append(Item(rid, "test", _shorten(text, 80), index))


def _shorten(text: str, limit: int) -> str:
    """``text`` cut at a word boundary to at most ``limit`` characters, with an ellipsis."""
    if len(text) <= limit:
        return text
    return text[:limit].rsplit(" ", 1)[0].rstrip(",;:") + "…"


def _read_security(facts: SpecFacts) -> None:
    ctx, doc = facts.ctx, facts.doc
    security = ctx.sections_for(SECURITY)
    scan = security + ctx.sections_for(EXAMPLES)
    for kind, pattern in _AUTH_PATTERNS:
        for section in scan:
            text = doc.text(section.body_start, section.end)
            match = pattern.search(text)
            if match:
                facts.auth.append(kind)
                at = section.body_start + text.count("\n", 0, match.start())
                facts.auth_line = at if facts.auth_line is None else min(facts.auth_line, at)
                break
    codes: set[int] = set()
    for section in ctx.sections_for((*IMPLEMENTATION, *EXAMPLES, "api")):
        for index in range(section.body_start, section.end):
            raw = doc.lines[index]
            if doc.fenced[index]:
                continue
            if any(word in raw.lower() for word in ("error", "return", "reject", "status",
                                                     "unauthor", "conflict", "forbidden")):
                codes.update(int(code) for code in _ERROR_CODE_RE.findall(raw))
            if facts.error_example is None:
                match = _ERROR_JSON_RE.search(raw)
                if match:
                    facts.error_example = _json(match.group(0))
    facts.error_codes = sorted(codes)


def _read_examples(facts: SpecFacts) -> None:
    """Request and response bodies under the Examples section: a fence with
    ``METHOD /path`` starts a request (its JSON after the blank line is the body); each JSON
    fence after it is a response, its status the last 3-digit code in the prose above."""
    doc = facts.doc
    for section in facts.ctx.sections_for(EXAMPLES):
        current: tuple[str, str] | None = None
        status: int | None = None
        index = section.body_start
        while index < section.end:
            line = doc.lines[index]
            if not doc.fenced[index]:
                if line.startswith("#"):
                    current, status = None, None
                found = _STATUS_RE.findall(line) if "esponse" in line else []
                if found:
                    status = int(found[-1])
                index += 1
                continue
            start = index
            index += 1
            while index < section.end and doc.fenced[index] and not (
                    doc.lines[index].lstrip().startswith(("```", "~~~"))):
                index += 1
            body = "".join(doc.lines[start + 1:index])
            index += 1  # the closing fence
            first = body.lstrip().split("\n", 1)[0]
            request = re.match(r"^(GET|POST|PUT|PATCH|DELETE|HEAD|OPTIONS)\s+(\S+)", first)
            if request:
                current = (request.group(1), request.group(2).split("?")[0])
                payload = body.split("\n\n", 1)[1] if "\n\n" in body else ""
                parsed = _json(payload)
                if parsed is not None:
                    facts.examples.append(Example(current[0], current[1], None, parsed, start))
                continue
            parsed = _json(body)
            if parsed is not None and current is not None:
                facts.examples.append(Example(current[0], current[1], status, parsed, start))
                status = None


def _json(text: str) -> Any:
    text = text.strip()
    if not text or text[0] not in "{[":
        return None
    try:
        return json.loads(text)
    except ValueError:
        return None


def _read_related(facts: SpecFacts) -> None:
    found: dict[str, None] = {}
    settings = facts.ctx.settings or {}
    for value in settings.get("depends_on") or ():
        if isinstance(value, str):
            found.setdefault(value, None)
    for section in facts.ctx.sections_for(("related",)):
        for line in facts.doc.body_lines(section):
            for spec_id in ANY_MENTION_RE.findall(line):
                if spec_id != facts.spec_id:
                    found.setdefault(spec_id, None)
    facts.related = list(found)


def _read_risks(facts: SpecFacts) -> None:
    """Risks: the threat table rows of the security section (category, threat, mitigation),
    else its bullets; and the performance section's stated targets."""
    doc, ctx = facts.doc, facts.ctx
    for section in ctx.sections_for(SECURITY):
        rows = _table_rows(doc, section)
        for line, cells in rows:
            if len(cells) >= 4 and cells[1]:
                facts.risks.append(("security", f"{cells[0]}: {cells[1]} -> {cells[3]}", line))
        if not rows:
            for index in range(section.body_start, section.end):
                match = _BULLET_RE.match(doc.lines[index]) if not doc.fenced[index] else None
                if match:
                    facts.risks.append(("security", match.group(1).replace("**", ""), index))
    for section in ctx.sections_for(PERFORMANCE):
        for index in range(section.body_start, section.end):
            if doc.fenced[index]:
                continue
            stripped = doc.lines[index].strip()
            if re.search(r"P9[59]|latency|TPS|RPS|throughput", stripped, re.I) and (
                    stripped.startswith(("-", "*", "|"))) and re.search(r"\d", stripped):
                text = " ".join(c.strip() for c in stripped.strip("|-* ").split("|")
                                if c.strip())
                facts.risks.append(("performance", "target missed: " + text.replace("**", ""),
                                    index))
                if sum(1 for r in facts.risks if r[0] == "performance") >= 5:
                    break
