"""Every section smartspec can write: key, titles, critical name, template, and the profile
section lists. Profiles are data (lists of keys), not if-ladders.

Titles are matched back to keys when a spec is read (validate, edit of hand-written specs):
numbered or not, English or Thai, exact or by a known alias.
"""

from __future__ import annotations

from functools import cache

from smartspec.lazyre import lazy_re
from smartspec.tuples import NamedTuple


class SectionSpec(NamedTuple):
    key: str
    title: str
    critical: str | None = None  # the @critical NAME wrapping this section
    aliases: tuple[str, ...] = ()  # other accepted titles (English and Thai), lower-case
    compact: bool = False


SECTIONS: tuple[SectionSpec, ...] = (
    SectionSpec("tech-stack", "Technology Stack", aliases=("tech stack", "technologies",
                "เทคโนโลยี", "เทคโนโลยีที่ใช้")),
    SectionSpec("di", "Dependency Injection Pattern", critical="di",
                aliases=("dependency injection", "di pattern", "การฉีดพึ่งพา")),
    SectionSpec("overview", "Overview", aliases=("ภาพรวม", "introduction", "summary")),
    SectionSpec("when-to-use", "When to Use", aliases=("when to use / when not to use",
                "when not to use", "เมื่อใดควรใช้", "กรณีการใช้งาน")),
    SectionSpec("architecture", "Architecture", aliases=("architecture summary",
                "system architecture", "สถาปัตยกรรม", "สถาปัตยกรรมระบบ")),
    SectionSpec("api", "API Specification", aliases=("api documentation", "api", "api endpoints",
                "endpoints", "ข้อกำหนด api", "เอกสาร api")),
    SectionSpec("data-model", "Data Model & Schema", aliases=("data model", "database schema",
                "data model and schema", "schema", "โมเดลข้อมูล", "โครงสร้างฐานข้อมูล")),
    SectionSpec("security", "Security Threat Model (STRIDE)", critical="security",
                aliases=("security", "security considerations", "security threat model",
                         "security threat model (stride-basic)", "security threat model (stride-full)",
                         "threat model", "stride", "ความปลอดภัย", "ความมั่นคงปลอดภัย")),
    SectionSpec("performance", "Performance Requirements", aliases=("performance",
                "performance targets", "non-functional requirements", "ประสิทธิภาพ",
                "ข้อกำหนดด้านประสิทธิภาพ")),
    SectionSpec("config", "Configuration Schema", critical="config", aliases=("configuration",
                "config", "การตั้งค่า", "โครงสร้างการตั้งค่า")),
    SectionSpec("tenancy", "Multi-Tenancy", aliases=("multi tenancy", "tenancy", "tenant isolation")),
    SectionSpec("privacy", "Privacy & Data Protection", aliases=("privacy", "hipaa compliance",
                "ความเป็นส่วนตัว")),
    SectionSpec("realtime", "Real-Time Requirements", aliases=("real-time", "realtime requirements")),
    SectionSpec("telemetry", "Telemetry & Edge Processing", aliases=("telemetry", "telemetry patterns")),
    SectionSpec("geo", "Geographic Distribution & Tracking", aliases=("geographic distribution",
                "tracking")),
    SectionSpec("integrations", "Integrations", aliases=("integration", "external integrations")),
    SectionSpec("ml-ops", "Model Serving & Versioning", aliases=("model serving", "model versioning",
                "inference")),
    SectionSpec("audit", "Audit Logging", aliases=("audit", "audit trail", "audit logging requirements",
                "บันทึกการตรวจสอบ")),
    SectionSpec("idempotency", "Idempotency", aliases=("idempotency requirements",)),
    SectionSpec("data-integrity", "Data Integrity", aliases=("data integrity checks",)),
    SectionSpec("disaster-recovery", "Disaster Recovery", aliases=("backup and recovery", "dr")),
    SectionSpec("compliance", "Compliance", aliases=("compliance notes", "compliance requirements",
                "การปฏิบัติตามข้อกำหนด")),
    SectionSpec("implementation", "Implementation Guide", aliases=("implementation",
                "implementation plan", "แนวทางการพัฒนา", "แนวทางการนำไปใช้")),
    SectionSpec("saga", "Saga Orchestration Patterns", aliases=("saga patterns", "sagas")),
    SectionSpec("testing", "Testing Strategy", aliases=("testing requirements", "testing", "tests",
                "test strategy", "การทดสอบ", "กลยุทธ์การทดสอบ")),
    SectionSpec("monitoring", "Monitoring & Observability", critical="monitoring",
                aliases=("monitoring", "observability", "การติดตามและสังเกตการณ์", "การมอนิเตอร์")),
    SectionSpec("examples", "Examples", aliases=("example", "usage examples", "ตัวอย่าง")),
    SectionSpec("acceptance", "Acceptance Criteria", aliases=("acceptance", "เกณฑ์การยอมรับ")),
    SectionSpec("related", "Related Specs", aliases=("related specifications", "dependencies",
                "สเปกที่เกี่ยวข้อง")),
    # Compact mode: exactly these five, whatever the profile.
    SectionSpec("compact-overview", "Overview", compact=True),
    SectionSpec("compact-architecture", "Architecture Summary", compact=True),
    SectionSpec("compact-technical", "Technical Specification", compact=True,
                aliases=("technical specification", "ข้อกำหนดทางเทคนิค")),
    SectionSpec("compact-constraints", "Constraints & Risk Notes", compact=True,
                aliases=("constraints & risks", "constraints and risks", "constraints",
                         "ข้อจำกัดและความเสี่ยง")),
    SectionSpec("compact-acceptance", "Acceptance Tests", compact=True,
                aliases=("acceptance tests", "การทดสอบการยอมรับ")),
)

BY_KEY: dict[str, SectionSpec] = {s.key: s for s in SECTIONS}
ORDER: tuple[str, ...] = tuple(s.key for s in SECTIONS if not s.compact)
COMPACT_SECTIONS: tuple[str, ...] = tuple(s.key for s in SECTIONS if s.compact)

# The sections each profile starts from. "api" and "data-model" in basic are decided by the
# description (plan).
PROFILE_SECTIONS: dict[str, tuple[str, ...]] = {
    "basic": ("overview", "architecture", "api", "acceptance"),
    "backend-service": ("tech-stack", "di", "overview", "when-to-use", "architecture",
                        "implementation", "testing", "monitoring", "examples"),
    "financial": ("tech-stack", "di", "overview", "when-to-use", "architecture", "data-model",
                  "security", "performance", "config", "implementation", "testing",
                  "monitoring", "examples", "related"),
    "full": ("tech-stack", "di", "overview", "when-to-use", "architecture", "api",
             "data-model", "security", "performance", "config", "implementation", "testing",
             "monitoring", "examples", "acceptance", "related"),
}
# What the financial profile always adds: money needs an audit trail, idempotency, integrity,
# recovery and compliance whatever the description says.
FINANCIAL_AUTO = ("audit", "idempotency", "data-integrity", "disaster-recovery", "compliance")

# What each domain adds as sections (its domain pack); their material also goes into the
# security, performance and testing sections (templates read plan.domains). Read from the
# packs when first asked for (``__getattr__``): the plan asks, the rules never do, and a
# one-spec validate need not read every pack's file.
TYPE_CHECKING = False
if TYPE_CHECKING:
    DOMAIN_SECTIONS: dict[str, tuple[str, ...]]
    TITLE_INDEX: dict[str, str]
    COMPACT_TITLE_INDEX: dict[str, str]


def __getattr__(name: str) -> object:
    if name == "DOMAIN_SECTIONS":
        return _domain_sections()
    if name == "TITLE_INDEX":
        return _title_index()
    if name == "COMPACT_TITLE_INDEX":
        return _compact_title_index()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


@cache
def _domain_sections() -> dict[str, tuple[str, ...]]:
    from smartspec.domains import packs

    return {n: p.sections for n, p in packs().items()}

# Profile-specific titles where the reference names a section differently.
PROFILE_TITLES: dict[tuple[str, str], str] = {
    ("basic", "architecture"): "Architecture Summary",
    ("basic", "data-model"): "Data Model",
    ("backend-service", "api"): "API Documentation",
    ("backend-service", "data-model"): "Database Schema",
    ("backend-service", "testing"): "Testing Requirements",
    ("backend-service", "monitoring"): "Monitoring",
    ("financial", "when-to-use"): "When to Use / When NOT to Use",
    ("full", "when-to-use"): "When to Use / When NOT to Use",
}
SECURITY_TITLES = {
    "basic": "Security Considerations",
    "stride-basic": "Security Threat Model (STRIDE-Basic)",
    "stride-full": "Security Threat Model (STRIDE-Full)",
}

# Names accepted in config includeSections / excludeSections / autoInclude besides the keys:
# a level-carrying alias sets (include) or caps below (exclude) that section's level.
LEVEL_ALIASES: dict[str, tuple[str, str]] = {
    "stride": ("security", "stride-basic"),
    "stride-basic": ("security", "stride-basic"),
    "stride-full": ("security", "stride-full"),
    "security-basic": ("security", "basic"),
    "performance-basic": ("performance", "basic"),
    "performance-full": ("performance", "full"),
    "throughput": ("performance", "basic"),
    "di-minimal": ("di", "minimal"),
    "di-full": ("di", "full"),
}
INCLUDABLE: tuple[str, ...] = (*ORDER, *LEVEL_ALIASES)


def title_for(key: str, profile: str, security: str = "stride-full") -> str:
    if key == "security":
        return SECURITY_TITLES.get(security, BY_KEY[key].title)
    return PROFILE_TITLES.get((profile, key), BY_KEY[key].title)


# What a title keeps: word characters (``\w``: ``str.isalnum()`` or ``_``) and the
# punctuation of titles such as "Data Model & Schema" or "Security Threat Model (STRIDE)";
# every run of other characters becomes one space.
_KEPT_PUNCTUATION = "_&/()+-"
# For ASCII text, as a byte table: a dropped character maps to a space, all others to
# themselves. bytes.translate reads a title in one C loop, several times faster than
# str.translate with a mapping or a pattern. (The ASCII characters ``isalnum`` keeps are the
# letters and digits; the table is made by three C calls, not a loop over 128 characters.)
_KEPT_ASCII = (b"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
               + _KEPT_PUNCTUATION.encode("ascii"))
_DROPPED_ASCII = bytes(range(128)).translate(None, _KEPT_ASCII)
_ASCII_SPACED = bytes.maketrans(_DROPPED_ASCII, b" " * len(_DROPPED_ASCII))
_NUMBERING_RE = lazy_re(r"^\s*\d+(?:\.\d+)*[.)]?\s+")


def normalise_title(title: str) -> str:
    """Lower-case, numbering and emphasis dropped, spaces folded: '3) **Architecture**' ->
    'architecture'."""
    text = title
    # Only a title that starts with a digit (after spaces) can carry numbering: the others,
    # smartspec's own titles among them, skip the pattern.
    if title[:1].isdigit() or (title[:1].isspace() and title.lstrip()[:1].isdigit()):
        text = _NUMBERING_RE.sub("", title)
    text = text.replace("*", "").replace("`", "").lower()
    if text.isascii():
        spaced = text.encode("ascii").translate(_ASCII_SPACED).decode("ascii")
    else:
        # Thai titles and aliases: a few dozen characters each, told one by one (no pattern
        # to compile for them).
        spaced = "".join(char if char.isalnum() or char in _KEPT_PUNCTUATION else " "
                         for char in text)
    return " ".join(spaced.split())


@cache
def _title_index() -> dict[str, str]:
    """Normalised title -> section key, for every title and alias of the full-mode sections.
    Built when a heading is first matched (reading a spec), not when catalog is imported:
    writing one does not need it."""
    index: dict[str, str] = {}
    for spec in SECTIONS:
        if spec.compact:
            continue
        for name in (spec.title, *spec.aliases):
            index.setdefault(normalise_title(name), spec.key)
    for (_, key), title in PROFILE_TITLES.items():
        index.setdefault(normalise_title(title), key)
    for title in SECURITY_TITLES.values():
        index.setdefault(normalise_title(title), "security")
    return index


@cache
def _compact_title_index() -> dict[str, str]:
    return {normalise_title(n): s.key for s in SECTIONS if s.compact for n in (s.title, *s.aliases)}


@cache
def _written_titles(compact: bool) -> dict[str, str]:
    """Each title smartspec writes (``title_for``, and the compact titles) -> the key
    ``key_for_title`` gives it, in the same order of precedence: compact first in compact
    mode, then the sections, the profiles' titles and the security levels' (a test holds
    every one to the normalised answer). A spec smartspec wrote has only such headings, so
    reading one normalises none of the 140 titles and aliases the index is made of."""
    found: dict[str, str] = {}
    if compact:
        for spec in SECTIONS:
            if spec.compact:
                found.setdefault(spec.title, spec.key)
    for spec in SECTIONS:
        if not spec.compact:
            found.setdefault(spec.title, spec.key)
    for (_, key), title in PROFILE_TITLES.items():
        found.setdefault(title, key)
    for title in SECURITY_TITLES.values():
        found.setdefault(title, "security")
    return found


def key_for_title(title: str, *, compact: bool = False) -> str | None:
    """The section key a heading title stands for, or None for a section smartspec does not
    know (a person's own section)."""
    written = _written_titles(compact).get(title)
    if written is not None:
        return written
    return _key_for_normalised(title, compact=compact)


def _key_for_normalised(title: str, *, compact: bool) -> str | None:
    """``key_for_title`` for any title: numbered or not, in any case, or a known alias."""
    norm = normalise_title(title)
    if compact and norm in (compact_index := _compact_title_index()):
        return compact_index[norm]
    index = _title_index()
    if norm in index:
        return index[norm]
    # "Security Threat Model (STRIDE) — payments" and similar extensions of a known title:
    # the longest known title the heading starts with (a dict lookup per word, not a scan).
    words = norm.split(" ")
    for count in range(len(words) - 1, 0, -1):
        known = " ".join(words[:count])
        if len(known) > 4 and known in index:
            return index[known]
    return None
