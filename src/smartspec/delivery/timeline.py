"""The delivery timeline by a stated formula, so that the same spec always gets the same
estimate and a reader can redo the sum:

    weeks = base(complexity) x domain factor x service factor x (1 + buffer)

``base`` is 8/12/16/20 weeks for simple/medium/complex/very-complex; the domain factor is the
largest factor of the spec's domains; the service factor grows by ``serviceStep`` for every
service after the first; the buffer lies between ``bufferMin`` and ``bufferMax`` percent and
rises with the risk the spec states (money, health data, messaging, many services). Every
number can be changed in the project config under ``delivery.timeline``.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, NamedTuple

from smartspec.delivery.items import SpecFacts

COMPLEXITIES = ("simple", "medium", "complex", "very-complex")
DEFAULT_BASE_WEEKS: dict[str, float] = {"simple": 8, "medium": 12, "complex": 16,
                                        "very-complex": 20}
DEFAULT_DOMAIN_FACTORS: dict[str, float] = {
    "fintech": 1.3, "healthcare": 1.3, "iot": 1.2, "ai": 1.2, "logistics": 1.15,
    "saas": 1.1, "internal": 0.9,
}
DEFAULT_SERVICE_STEP = 0.1
DEFAULT_BUFFER_MIN = 20.0
DEFAULT_BUFFER_MAX = 35.0
# Domains whose mistakes cost money or health: each adds to the buffer.
_HIGH_RISK_DOMAINS = frozenset({"fintech", "healthcare"})


class Timeline(NamedTuple):
    complexity: str
    score: int
    score_inputs: tuple[tuple[str, int], ...]
    base_weeks: float
    domain_factor: float
    domain_source: str
    services: int
    service_factor: float
    buffer_percent: float
    buffer_reasons: tuple[str, ...]
    weeks: float

    @property
    def formula(self) -> str:
        return (f"{_num(self.base_weeks)} (base, {self.complexity}) x {_num(self.domain_factor)} "
                f"(domain) x {_num(self.service_factor)} (services) x "
                f"{_num(1 + self.buffer_percent / 100)} (buffer {_num(self.buffer_percent)}%) "
                f"= {_num(self.weeks)} weeks")


def _num(value: float) -> str:
    text = f"{value:.2f}".rstrip("0").rstrip(".")
    return text or "0"


def complexity_of(facts: SpecFacts) -> tuple[str, int, tuple[tuple[str, int], ...]]:
    """The complexity class from what the spec asks for: one point per endpoint, two per
    entity, three per service after the first, per consumer and per critical section, and
    four per domain that is not ``internal``. The ``**Complexity:**`` header, when a person
    wrote one, wins."""
    inputs = (
        ("endpoints", len(facts.endpoints)),
        ("entities x2", 2 * len(facts.entities)),
        ("extra services x3", 3 * max(0, len(facts.services) - 1)),
        ("consumers x3", 3 * len(facts.consumers)),
        ("critical sections x3", 3 * len(facts.critical)),
        ("domains x4", 4 * sum(1 for d in facts.domains if d != "internal")),
    )
    score = sum(value for _, value in inputs)
    stated = facts.doc.header.get("Complexity", "").strip().lower().replace(" ", "-")
    if stated in COMPLEXITIES:
        return stated, score, inputs
    if score < 12:
        level = "simple"
    elif score < 24:
        level = "medium"
    elif score < 40:
        level = "complex"
    else:
        level = "very-complex"
    return level, score, inputs


def compute(facts: SpecFacts, config: Mapping[str, Any] | None = None) -> Timeline:
    """The timeline of ``facts`` with ``config`` (the ``delivery.timeline`` object of the
    project config, camelCase keys as in the file) over the defaults."""
    config = config or {}
    base_table = {**DEFAULT_BASE_WEEKS, **(config.get("baseWeeks") or {})}
    factors = {**DEFAULT_DOMAIN_FACTORS, **(config.get("domainFactors") or {})}
    step = float(config.get("serviceStep", DEFAULT_SERVICE_STEP))
    low = float(config.get("bufferMin", DEFAULT_BUFFER_MIN))
    high = max(low, float(config.get("bufferMax", DEFAULT_BUFFER_MAX)))
    complexity, score, inputs = complexity_of(facts)
    base = float(base_table[complexity])
    domain_factor, domain_source = 1.0, "no domain"
    for domain in facts.domains:
        factor = float(factors.get(domain, 1.0))
        if domain_source == "no domain" or factor > domain_factor:
            domain_factor, domain_source = factor, domain
    services = max(1, len(facts.services))
    service_factor = round(1 + step * (services - 1), 4)
    reasons = []
    for domain in facts.domains:
        if domain in _HIGH_RISK_DOMAINS:
            reasons.append(f"{domain} domain")
    if facts.has_messaging:
        reasons.append("asynchronous messaging")
    if services > 3:
        reasons.append(f"{services} services")
    buffer = min(high, low + 5.0 * len(reasons))
    weeks = round(base * domain_factor * service_factor * (1 + buffer / 100), 1)
    return Timeline(complexity, score, inputs, base, domain_factor, domain_source, services,
                    service_factor, buffer, tuple(reasons), weeks)
