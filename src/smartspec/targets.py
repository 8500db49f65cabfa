"""Performance figures for one spec, chosen once from profile and domains so that every
section quoting a latency, throughput or SLA figure quotes the same one (reference §6, §7)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Targets:
    p50_ms: int
    p90_ms: int
    p95_ms: int
    p99_ms: int
    tps: int
    peak_tps: int
    availability: str  # "99.95"
    downtime: str  # "4.38 hours/year"
    max_instances: int
    focus: str  # one line on what the domain cares about

    @property
    def alert_p99_warn_ms(self) -> int:
        return self.p99_ms * 2

    @property
    def alert_p99_critical_ms(self) -> int:
        return self.p99_ms * 4


_DOWNTIME = {"99.0": "3.65 days/year", "99.5": "43.8 hours/year", "99.9": "8.77 hours/year",
             "99.95": "4.38 hours/year", "99.99": "52.6 minutes/year"}

# name: (p50, p90, p95, p99, tps, peak, availability, max instances, focus)
_PRESETS: dict[str, tuple[int, int, int, int, int, int, str, int, str]] = {
    "default": (100, 180, 250, 500, 200, 600, "99.9", 10, "steady request/response traffic"),
    "financial": (100, 150, 200, 300, 1000, 3000, "99.95", 20,
                  "correctness first, then latency on user-facing money movements"),
    "healthcare": (50, 80, 100, 200, 300, 900, "99.95", 12,
                   "real-time clinical reads; no stale patient data"),
    "iot": (20, 40, 50, 100, 10000, 50000, "99.9", 40,
            "sustained high-volume telemetry ingestion with bursty peaks"),
    "logistics": (100, 160, 200, 400, 500, 2000, "99.95", 16,
                  "high SLA for tracking and dispatch across regions"),
    "ai": (150, 250, 300, 800, 100, 400, "99.9", 8,
           "inference latency including model execution"),
    "saas": (80, 150, 200, 400, 800, 2400, "99.9", 24,
             "per-tenant fairness while scaling horizontally"),
    "internal": (300, 600, 800, 1500, 20, 60, "99.5", 3,
                 "internal users; lower requirements"),
}
# When several domains apply, the strictest latency and the highest throughput win.
_PRIORITY = ("iot", "healthcare", "financial", "logistics", "saas", "ai", "default", "internal")


def targets_for(profile: str, domains: tuple[str, ...]) -> Targets:
    names = [d for d in domains if d in _PRESETS and d != "fintech"]
    if profile == "financial" or "fintech" in domains:
        names.append("financial")
    serious = [n for n in names if n != "internal"]
    chosen = serious or names or ["default"]
    rows = [_PRESETS[n] for n in chosen]
    lead = min(chosen, key=_PRIORITY.index)
    p50 = min(r[0] for r in rows)
    p90 = min(r[1] for r in rows)
    p95 = min(r[2] for r in rows)
    p99 = min(r[3] for r in rows)
    tps = max(r[4] for r in rows)
    peak = max(r[5] for r in rows)
    availability = max((r[6] for r in rows), key=float)
    return Targets(p50, p90, p95, p99, tps, peak, availability, _DOWNTIME[availability],
                   max(r[7] for r in rows), _PRESETS[lead][8])
