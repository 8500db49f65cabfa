"""Options + Settings + Facts -> SpecPlan: the resolved profile, mode, levels, domains and the
ordered section list, each decision with its value, source and reason. Pure.
"""

from __future__ import annotations

from datetime import datetime

from smartspec import catalog
from smartspec.config import DEFAULT, FLAG, Settings, Sourced
from smartspec.detect import Facts
from smartspec.domains import detect_domains, packs
from smartspec.errors import UsageError
from smartspec.model import SystemModel
from smartspec.options import (
    DOMAINS,
    FORCE_UPDATE_KEYS,
    LEVEL_ORDER,
    Options,
    check_choice,
)
from smartspec.prose import ascii_words
from smartspec.specids import is_category, is_slug, spec_id_parts
from smartspec.tuples import NamedTuple

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

DETECTED = "detected"

# Built-in auto levels per profile, as the user's description of the profiles sets them;
# callables read the facts.
PROFILE_DEFAULTS: dict[str, dict[str, str]] = {
    "basic": {"security": "none", "di": "none", "performance": "none"},
    "backend-service": {"security": "basic", "di": "full", "performance": "basic"},
    "financial": {"security": "stride-full", "di": "full", "performance": "full"},
    "full": {"security": "stride-basic", "di": "minimal", "performance": "basic"},
}
MANDATORY: dict[str, tuple[str, ...]] = {"financial": ("di", "security", "performance")}

# Domain floors ("at least"), caps ("at most"), reasons and strong words live in the domain
# packs (smartspec/domains/<name>.json); these views keep the names other modules use.
DOMAIN_FLOORS: dict[str, dict[str, str]] = {n: p.floors for n, p in packs().items() if p.floors}
DOMAIN_CAPS: dict[str, dict[str, str]] = {n: p.caps for n, p in packs().items() if p.caps}
DOMAIN_REASONS = {n: p.reason for n, p in packs().items()}
STRONG_DOMAIN_WORDS: dict[str, frozenset[str]] = {n: p.strong for n, p in packs().items()}
LANGUAGE_FOR_CODE = {  # the stack code examples are written in: the named one, else TypeScript
    "Python": "python", "FastAPI": "python", "Django": "python", "Flask": "python",
    "TypeScript": "typescript", "Node.js": "typescript", "NestJS": "typescript",
    "Express": "typescript", "Go": "go", "Java": "java", "Spring Boot": "java",
    "Kotlin": "java", "C#": "csharp",
}


# The plan's records are NamedTuples, not frozen dataclasses: they are as immutable, and
# creating the three classes costs about 0.15 ms at import instead of about 1.6 ms (and the
# dataclasses module, which imports inspect, is not needed for them). An edit derives one plan
# from another with ``_replace``.
class Decision(NamedTuple):
    setting: str
    value: Any
    source: str
    reason: str

    def to_json(self) -> dict[str, Any]:
        value = list(self.value) if isinstance(self.value, tuple) else self.value
        return {"setting": self.setting, "value": value, "source": self.source,
                "reason": self.reason}


class PlannedSection(NamedTuple):
    key: str
    title: str
    number: int
    critical: str | None
    allow_update: bool = False


class SpecPlan(NamedTuple):
    spec_id: str
    display_id: str  # "SPEC-004" or "SPEC-CORE-001"
    title: str
    name: str
    description: str
    category: str
    profile: str
    mode: str
    security: str
    di: str
    performance: str
    domains: tuple[str, ...]
    sections: tuple[PlannedSection, ...]
    depends_on: tuple[str, ...]
    facts: Facts
    decisions: tuple[Decision, ...]
    author: str
    organization: str
    repo: str
    created: datetime
    updated: datetime
    code_language: str
    model: SystemModel  # the system the spec describes; templates write only what it holds
    compliance: tuple[str, ...] = ()
    version: str = "0.1.0"
    status: str = "DRAFT"
    force_update: tuple[str, ...] = ()

    @property
    def section_keys(self) -> tuple[str, ...]:
        return tuple(s.key for s in self.sections)

    def has(self, key: str) -> bool:
        return key in self.section_keys

    def settings_record(self) -> dict[str, Any]:
        """What the settings comment records so that edit/regenerate can recover the request."""
        return {
            "id": self.spec_id, "title": self.title, "name": self.name,
            "description": self.description, "category": self.category,
            "profile": self.profile, "mode": self.mode, "security": self.security,
            "di": self.di, "performance": self.performance, "domains": list(self.domains),
            "sections": list(self.section_keys), "depends_on": list(self.depends_on),
            "version": self.version, "status": self.status.lower(),
            "repo": self.repo or None, "author": self.author,
            "created": _iso(self.created), "updated": _iso(self.updated),
            "model_sha256": self.model_sha256,
        }

    @property
    def model_sha256(self) -> str:
        """The hash of the stored model file, so edit can tell the model it was written from."""
        from smartspec.digest import sha256_hex

        return sha256_hex(model_text(self.model))[:16]


# The model file's text for the last model asked about. A run needs it more than once (the
# settings comment hashes it, the run writes it, an edit renders its plan as it is and as it
# was), and turning a model into JSON costs about a millisecond. A model is a tree of
# NamedTuples, finished before a plan holds it, so the same object always gives the same text.
_MODEL_TEXT: list[Any] = [None, ""]


def model_text(model: SystemModel) -> str:
    """The stored model file's text (``model.dumps``), made once per model object."""
    if _MODEL_TEXT[0] is not model:
        from smartspec.model import dumps

        _MODEL_TEXT[:] = [model, dumps(model)]
    text: str = _MODEL_TEXT[1]
    return text


def known_model_text(model: SystemModel, text: str) -> None:
    """``text`` is ``model_text(model)``: the model file it was just read from, which
    ``dumps`` wrote (an edit reads the model back from the state folder; its text then
    need not be made again for the settings comment and the comparison before writing)."""
    _MODEL_TEXT[:] = [model, text]


def _iso(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def slugify(name: str) -> str:
    # The ASCII words of the name joined by dashes: what ``re.sub(r"[^a-z0-9]+", "-", ...)``
    # of the lower-cased name made, stripped of dashes at either end.
    slug = "-".join(ascii_words(name.lower()))[:64].rstrip("-")
    if not slug and any(ord(c) > 127 and not c.isspace() for c in name):
        # A name in a script with no ASCII form (Thai, emoji): a stable short hash of it makes
        # the slug, and the name itself stays the title.
        from smartspec.digest import sha256_hex

        slug = "name-" + sha256_hex(name.strip())[:8]
    return slug


# Words a title made from a name keeps in their usual spelling: "saas-billing" is
# "SaaS Billing", not "Saas Billing".
TITLE_WORDS = {w.lower(): w for w in (
    "SaaS", "PaaS", "IaaS", "API", "APIs", "IoT", "SSO", "SMS", "CSV", "PDF", "ML", "AI", "LLM",
    "ETL", "CRM", "ERP", "KYC", "AML", "OTP", "MFA", "JWT", "OIDC", "REST", "gRPC", "GraphQL",
    "HL7", "FHIR", "EHR", "B2B", "B2C", "UI", "UX", "ID", "IDs", "HR", "GPU", "S3", "CDN",
    "DNS", "SQL", "MQTT", "QR", "POS", "P2P", "OAuth", "WebSocket", "PHI", "PII")}


def title_from_name(name: str) -> str:
    # The parts ``re.split(r"[-_\s]+", ...)`` cut the name into: str.split cuts at runs of
    # the same white space ``\s`` means.
    words = name.replace("-", " ").replace("_", " ").split()
    return " ".join(TITLE_WORDS.get(w.lower()) or (
        w if w.isupper() or any(c.isupper() for c in w[1:]) else w.capitalize())
        for w in words if w)


def spec_id_for(category: str, number: int, slug: str) -> str:
    prefix = "spec" if category == "feature" else f"spec-{category}"
    return f"{prefix}-{number:03d}-{slug}"


def display_id(spec_id: str) -> str:
    parts = spec_id_parts(spec_id)
    if parts is None:
        return spec_id.upper()
    category, number, _ = parts
    return f"SPEC-{category.upper()}-{number}" if category else f"SPEC-{number}"


def next_number(category: str, taken_ids: set[str]) -> int:
    """One more than the highest number used by ``category`` among ``taken_ids``."""
    # Only ids that could be this category's are parsed: a project's ids are thousands.
    own_prefix = f"spec-{category}-"
    highest = 0
    for spec_id in taken_ids:
        if not (spec_id.startswith(own_prefix)
                or (category == "feature" and spec_id[5:6].isdecimal())):
            continue
        parts = spec_id_parts(spec_id)
        if parts is None:
            continue
        own = parts[0] or "feature"
        if own == category:
            highest = max(highest, int(parts[1]))
    return highest + 1


def make_plan(options: Options, settings: Settings, facts: Facts, *, taken_ids: set[str],
              now: datetime, spec_id: str | None = None,
              model: SystemModel | None = None) -> SpecPlan:
    """Resolve every choice of a NEW request. ``spec_id`` is given by edit/regenerate;
    ``model`` by a model file (else it is built from the description)."""
    decisions: list[Decision] = []
    name = options.name or ""
    slug = slugify(name)
    if not is_slug(slug) and (spec_id or options.spec_id) is None:
        raise UsageError(
            f"NAME {name!r} does not make a valid spec slug; expected 2-64 letters, digits or "
            "dashes, starting with a letter or digit (e.g. payment-processing)"
        )
    category = _category(settings, decisions)
    spec_id = spec_id or _spec_id(options, category, slug, taken_ids, decisions)
    domains = _domains(settings, facts, decisions)
    if model is not None and model.domains and settings.source("domains").source == DEFAULT:
        domains = model.domains
        decisions.append(Decision("domains", domains, "model", "given in the model file"))
    if model is None:
        from smartspec.model.build import build_model

        model = build_model(name, options.description or "", facts, domains)
    profile = _profile(settings, domains, decisions, model)
    # Domains only detected from the description tailor the content; they change the section
    # set and the levels only when the user left the profile to smartspec as well.
    shaping = domains if (settings.source("domains").source != DEFAULT
                          or settings.source("profile").source == DEFAULT) else ()
    mode = _sourced_decision(settings.source("mode"), "mode", decisions)
    levels = {kind: _level(kind, settings, profile, shaping, facts, decisions)
              for kind in ("security", "di", "performance")}
    _check_mandatory(settings, profile, levels)
    depends_on = _depends_on(options, facts, spec_id, decisions)
    keys = _section_keys(settings, profile, mode, levels, shaping, facts, depends_on, decisions,
                         model)
    if options.force_update:
        _check_force_update(options.force_update, settings)
    sections = tuple(
        PlannedSection(
            key=key,
            title=catalog.title_for(key, profile, levels["security"]),
            number=position,
            critical=catalog.BY_KEY[key].critical
            if catalog.BY_KEY[key].critical in settings.critical_names else None,
        )
        for position, key in enumerate(keys, start=1)
    )
    compliance = _compliance(settings, domains, facts, profile)

    return SpecPlan(
        spec_id=spec_id,
        display_id=display_id(spec_id),
        title=options.title or title_from_name(name),
        name=name,
        description=options.description or "",
        category=category,
        profile=profile,
        mode=mode,
        security=levels["security"],
        di=levels["di"],
        performance=levels["performance"],
        domains=domains,
        sections=sections,
        depends_on=depends_on,
        facts=facts,
        decisions=tuple(decisions),
        author=settings["author"],
        organization=settings["organization"],
        repo=settings["repo"],
        created=now,
        updated=now,
        code_language=next((LANGUAGE_FOR_CODE[t] for t in facts.technologies
                            if t in LANGUAGE_FOR_CODE), "typescript"),
        model=model,
        compliance=compliance,
        force_update=options.force_update or (),
    )


def _sourced_decision(value: Sourced[Any], setting: str, decisions: list[Decision],
                      reason: str | None = None) -> Any:
    why = reason or {
        FLAG: f"given as {value.where}",
        DEFAULT: "built-in default",
    }.get(value.source, f"set in {value.where}")
    decisions.append(Decision(setting, value.value, value.source, why))
    return value.value


def _category(settings: Settings, decisions: list[Decision]) -> str:
    sourced = settings.source("category")
    if not is_category(sourced.value):
        raise UsageError(
            f"{sourced.where or 'category'}: {sourced.value!r} is not a valid category; expected "
            "lower-case letters, digits and dashes (e.g. core, feature, infrastructure, tools)"
        )
    return str(_sourced_decision(sourced, "category", decisions))


def _spec_id(options: Options, category: str, slug: str, taken: set[str],
             decisions: list[Decision]) -> str:
    if options.spec_id is not None:
        if spec_id_parts(options.spec_id) is None:
            raise UsageError(
                f"--id: {options.spec_id!r} is not a valid spec id; expected spec-NNN-<slug> "
                "or spec-<category>-NNN-<slug> (e.g. spec-core-001-authentication)"
            )
        decisions.append(Decision("spec_id", options.spec_id, FLAG, "given as --id"))
        return options.spec_id
    number = next_number(category, taken)
    spec_id = spec_id_for(category, number, slug)
    decisions.append(Decision("spec_id", spec_id, DETECTED,
                              f"next free number in category {category!r}"))
    return spec_id


def _domains(settings: Settings, facts: Facts, decisions: list[Decision]) -> tuple[str, ...]:
    sourced = settings.source("domains")
    if sourced.source != DEFAULT:
        for domain in sourced.value:
            check_choice("--domain" if sourced.source == FLAG else sourced.where, domain, DOMAINS)
        value = tuple(dict.fromkeys(sourced.value))
        decisions.append(Decision("domains", value, sourced.source,
                                  f"given as {sourced.where}" if sourced.source == FLAG
                                  else f"set in {sourced.where}"))
        return value
    found = detect_domains(facts.groups)
    value = tuple(d for d, _ in found)
    if value:
        reason = "; ".join(f"{d}: description mentions {', '.join(w[:3])}" for d, w in found)
        decisions.append(Decision("domains", value, DETECTED, reason))
    else:
        decisions.append(Decision("domains", value, DEFAULT, "no domain given or detected"))
    return value


# Parties and entities through which the service itself moves money. Billing or invoicing
# alone (amounts computed, collected elsewhere) does not make a spec financial.
_MONEY_MOVERS = frozenset({"payment", "refund", "wallet", "transaction"})


def moves_money(model: SystemModel) -> bool:
    """Whether the service itself moves money: a payment provider it calls, or payments,
    refunds, wallets or transactions it keeps."""
    return model.money and (bool(model.parties_of("payment-provider", "payment-scheme"))
                            or any(e.name in _MONEY_MOVERS for e in model.entities))


def _profile(settings: Settings, domains: tuple[str, ...], decisions: list[Decision],
             model: SystemModel) -> str:
    sourced = settings.source("profile")
    if sourced.source == DEFAULT and "fintech" in domains:
        if moves_money(model):
            decisions.append(Decision(
                "profile", "financial", DETECTED,
                "domain fintech and the service moves money implies the financial profile "
                "(its money-movement sections are what such a service needs)"))
            return "financial"
        decisions.append(Decision(
            "profile", sourced.value, DEFAULT,
            "built-in default; domain fintech detected but the service moves no money itself "
            "(billing or invoicing only): give --profile=financial to change that"))
        return str(sourced.value)
    return str(_sourced_decision(sourced, "profile", decisions))


def _level(kind: str, settings: Settings, profile: str, domains: tuple[str, ...], facts: Facts,
           decisions: list[Decision]) -> str:
    sourced = settings.source(kind)
    if sourced.value != "auto":
        return str(_sourced_decision(sourced, kind, decisions))
    order = LEVEL_ORDER[kind]
    override = getattr(settings.profiles.get(profile), kind, None)
    if override is not None and override.value != "auto":
        level, source = override.value, override.source
        reason = f"auto: set for profile {profile} in {override.where}"
    else:
        level, source = _profile_default(kind, profile, facts), DEFAULT
        reason = f"auto from profile {profile}"
        if profile == "full":
            source = DETECTED
            reason = f"auto for profile full, from the description ({reason_full(kind, facts)})"
    for domain in domains:
        cap = DOMAIN_CAPS.get(domain, {}).get(kind)
        if cap and order.index(level) > order.index(cap):
            level, source = cap, DETECTED
            reason += f"; lowered to {cap} by domain {domain} ({DOMAIN_REASONS[domain]})"
    for domain in domains:
        configured = settings.domains.get(domain)
        floors = dict(DOMAIN_FLOORS.get(domain, {}))
        configured_level = getattr(configured, kind, None) if configured else None
        if configured_level is not None and configured_level.value != "auto":
            floors[kind] = configured_level.value
        floor = floors.get(kind)
        if floor and order.index(level) < order.index(floor):
            level, source = floor, DETECTED
            reason += f"; raised to {floor} by domain {domain} ({DOMAIN_REASONS[domain]})"
    floor_reason = RULE_FLOORS.get(kind)
    if floor_reason is not None:
        group, floor, rule = floor_reason
        words = facts.words(group)
        if words and order.index(level) < order.index(floor):
            level, source = floor, DETECTED
            reason += f"; raised to {floor}: description mentions {words[0]} (rule {rule})"
    decisions.append(Decision(kind, level, source, reason))
    return str(level)


# Auto levels never produce a spec that fails its own consistency rules (rules/consistency.py):
# authentication needs a security section, a queue needs queue metrics in Performance.
RULE_FLOORS = {
    "security": ("auth", "basic", "auth-security-section"),
    "performance": ("queue", "basic", "queue-metrics"),
}


def _profile_default(kind: str, profile: str, facts: Facts) -> str:
    if profile != "full":
        return PROFILE_DEFAULTS[profile][kind]
    if kind == "security":
        sensitive = any(facts.has(g) for g in ("auth", "sensitive", "fintech", "healthcare"))
        return "stride-full" if sensitive else "stride-basic"
    if kind == "di":
        return "full" if facts.has("service") or facts.datastores else "minimal"
    return "full" if facts.has("performance") or facts.has("queue") else "basic"


def reason_full(kind: str, facts: Facts) -> str:
    groups = {"security": ("auth", "sensitive", "fintech", "healthcare"),
              "di": ("service",), "performance": ("performance", "queue")}[kind]
    words = [w for g in groups for w in facts.words(g)]
    return f"mentions {', '.join(words[:3])}" if words else "no trigger words found"


def _check_mandatory(settings: Settings, profile: str, levels: dict[str, str]) -> None:
    override = settings.profiles.get(profile)
    mandatory = override.mandatory if override and override.mandatory else MANDATORY.get(profile, ())
    for kind in mandatory:
        if levels[kind] == "none":
            sourced = settings.source(kind)
            raise UsageError(
                f"{sourced.where or '--' + kind}: {kind}=none is not allowed with the {profile} "
                f"profile, where {kind} is mandatory; choose another level or another profile"
            )


def _depends_on(options: Options, facts: Facts, spec_id: str,
                decisions: list[Decision]) -> tuple[str, ...]:
    given = options.depends_on or ()
    for dep in given:
        if spec_id_parts(dep) is None:
            raise UsageError(
                f"--depends-on: {dep!r} is not a spec id; expected spec-NNN-<slug> or "
                "spec-<category>-NNN-<slug>"
            )
    found = tuple(d for d in facts.spec_ids if d not in given)
    value = tuple(d for d in dict.fromkeys((*given, *found)) if d != spec_id)
    if value:
        source = FLAG if given else DETECTED
        reason = "given as --depends-on" if given else "spec ids named in the description"
        if given and found:
            reason += " and spec ids named in the description"
        decisions.append(Decision("depends_on", value, source, reason))
    return value


def _section_keys(settings: Settings, profile: str, mode: str, levels: dict[str, str],
                  domains: tuple[str, ...], facts: Facts, depends_on: tuple[str, ...],
                  decisions: list[Decision], model: SystemModel) -> tuple[str, ...]:
    if mode == "compact":
        for key in catalog.COMPACT_SECTIONS:
            decisions.append(Decision(f"section:{key}", True, DEFAULT,
                                      "compact mode: the five core sections"))
        return catalog.COMPACT_SECTIONS

    chosen: dict[str, tuple[str, str]] = {}  # key -> (source, reason)
    for key in catalog.PROFILE_SECTIONS[profile]:
        chosen[key] = (DEFAULT, f"in the {profile} profile")
    if profile == "basic":
        del chosen["api"]
        if facts.has("database") and not facts.has("rest") and not facts.has("graphql"):
            chosen["data-model"] = (DETECTED, "basic profile: description is about data, not an API")
        else:
            chosen["api"] = (DETECTED if facts.has("rest") else DEFAULT,
                             "basic profile: API specification (rather than data model)")
    if profile == "financial":
        for key in catalog.FINANCIAL_AUTO:
            chosen[key] = (DEFAULT, "automatically included by the financial profile")
    if profile == "backend-service":
        for key, groups in (("config", ("config",)), ("api", ("rest", "graphql")),
                            ("data-model", ("database",))):
            words = [w for g in groups for w in facts.words(g)]
            if words:
                chosen[key] = (DETECTED, f"description mentions {', '.join(words[:3])}")
        # A model that names where its entities live has a schema to show (a model file
        # says so without the description's words).
        stored = [st.technology for st in model.stores if st.origin.source != "default"
                  and st.role in ("system-of-record", "time-series")]
        if stored and model.entities and "data-model" not in chosen:
            chosen["data-model"] = (DETECTED, f"the model keeps its entities in {stored[0]}")
    for domain in domains:
        for key in catalog.DOMAIN_SECTIONS.get(domain, ()):
            chosen.setdefault(key, (DETECTED, f"domain {domain} ({DOMAIN_REASONS[domain]})"))
        configured = settings.domains.get(domain)
        for name in configured.auto_include if configured else ():
            key = catalog.LEVEL_ALIASES.get(name, (name, ""))[0]
            chosen.setdefault(key, ("config", f"domains.{domain}.autoInclude"))
    override = settings.profiles.get(profile)
    if override:
        for name in override.include_sections:
            key = catalog.LEVEL_ALIASES.get(name, (name, ""))[0]
            chosen.setdefault(key, ("config", f"profiles.{profile}.includeSections"))
        for name in override.exclude_sections:
            if name in catalog.LEVEL_ALIASES:
                continue  # a level alias caps the level; it does not drop the section
            if name in chosen and name not in ("security", "performance", "di"):
                del chosen[name]
    for kind in ("security", "di", "performance"):
        if levels[kind] == "none":
            chosen.pop(kind, None)
        elif kind not in chosen:
            chosen[kind] = (settings.source(kind).source, f"{kind} level is {levels[kind]}")
    if depends_on:
        chosen.setdefault("related", (DETECTED, "the spec has dependencies"))
    # The saga section follows the system, not how the profile was chosen: a service that
    # moves money through a provider or a wallet has multi-step flows to compensate.
    if (profile == "financial" or "fintech" in model.domains) and moves_money(model) \
            and "saga" not in chosen:
        chosen["saga"] = (DETECTED, "money moves through a provider or a wallet")
    if model.entity("audit_event") is not None and "audit" not in chosen:
        # A service that keeps an audit log says what it records, for how long, and who reads it.
        chosen["audit"] = (DETECTED, "the model keeps an audit log")
    callers_back = [i.peer for i in model.inbound("webhook")]
    if callers_back and "implementation" not in chosen:
        # A provider that calls back needs its webhook handling and retry policy written down.
        chosen["implementation"] = (DETECTED, f"{callers_back[0]} calls back by webhook")
        chosen.setdefault("testing", (DETECTED, "the webhook handling and its transactions "
                                                "need integration tests"))
    keys = tuple(k for k in catalog.ORDER if k in chosen)
    for key in keys:
        source, reason = chosen[key]
        decisions.append(Decision(f"section:{key}", True, source, reason))
    return keys


def _check_force_update(keys: tuple[str, ...], settings: Settings) -> None:
    valid = (*FORCE_UPDATE_KEYS, *[n for n in settings.critical_names if n not in FORCE_UPDATE_KEYS])
    for key in keys:
        check_choice("--force-update", key, valid)


def _compliance(settings: Settings, domains: tuple[str, ...], facts: Facts,
                profile: str) -> tuple[str, ...]:
    found: list[str] = []
    if "healthcare" in domains:
        found.append("HIPAA")
    if "fintech" in domains or profile == "financial":
        if facts.has("sensitive") or "card" in facts.text.lower() or "stripe" in facts.text.lower():
            found.append("PCI DSS")
        found.extend(["SOC 2 Type II", "GDPR"])
    if "saas" in domains:
        found.extend(["SOC 2 Type II", "GDPR"])
    for domain in domains:
        configured = settings.domains.get(domain)
        if configured:
            found.extend(configured.compliance)
    return tuple(dict.fromkeys(found))
