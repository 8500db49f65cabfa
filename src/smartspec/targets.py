"""Performance figures and operating limits for one spec, chosen once from profile and domains
so that every section quoting a latency, throughput, SLA, retry or rate-limit figure quotes the
same one: a reader who finds two different P99 figures in one spec stops trusting all of them.

Latency and throughput come from domain presets; when several domains apply, the strictest
latency, the highest throughput and the highest availability win, except that ``internal``
only lowers a spec that has no other domain. The resilience and abuse limits (retries,
circuit breaker, rate limits, idempotency window, saga timeout) are the reference's figures.
"""

from __future__ import annotations

from smartspec.domains import packs
from smartspec.tuples import NamedTuple


class Targets(NamedTuple):
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
    lead: str = "default"  # the preset that set the tone: financial, iot, internal ...
    # Resilience of calls to other systems: one timeout, one retry schedule, one breaker.
    external_timeout_s: int = 10
    retry_attempts: int = 3
    backoff_s: tuple[int, ...] = (1, 5, 30)
    breaker_failures: int = 5
    breaker_reset_s: int = 60
    request_timeout_s: int = 30
    # Abuse limits against denial of service, quoted by Security and Config alike.
    rate_user_per_min: int = 100
    rate_ip_per_min: int = 1000
    idempotency_ttl_h: int = 24
    clock_skew_min: int = 5
    # Sagas and queues: deadlines and the backlog that pages someone.
    saga_timeout_min: int = 5
    message_ms: int = 100
    queue_depth_alert: int = 1000
    consumer_lag_s: int = 10
    # Database: per-query budgets inside the request budget.
    db_read_ms: int = 10
    db_write_ms: int = 20
    statement_timeout_s: int = 10
    slow_query_ms: int = 100
    pool_min: int = 20
    pool_max: int = 50

    @property
    def alert_p99_warn_ms(self) -> int:
        return self.p99_ms * 2

    @property
    def alert_p99_critical_ms(self) -> int:
        return self.p99_ms * 4

    @property
    def inference_timeout_ms(self) -> int:
        """One model call may take twice the P99 target before it is abandoned."""
        return self.p99_ms * 2

    @property
    def rate_service_per_min(self) -> int:
        """The limit per calling service when the callers are services: one caller may carry
        the whole peak, so the limit is the peak in requests a minute; it stops a runaway
        caller beyond that, where a per-user figure would throttle a healthy one."""
        return self.peak_tps * 60

    @property
    def spike_tps(self) -> int:
        return self.peak_tps * 2

    @property
    def backoff(self) -> str:
        """``1s, 5s, 30s``"""
        return ", ".join(f"{s}s" for s in self.backoff_s)

    @property
    def error_budget_min_month(self) -> str:
        """Allowed downtime in a 30-day month, in minutes, as text: ``21.6``."""
        minutes = (100 - float(self.availability)) / 100 * 30 * 24 * 60
        return f"{minutes:.1f}".rstrip("0").rstrip(".")


_DOWNTIME = {"99.0": "3.65 days/year", "99.5": "43.8 hours/year", "99.9": "8.77 hours/year",
             "99.95": "4.38 hours/year", "99.99": "52.6 minutes/year"}

# name: (p50, p90, p95, p99, tps, peak, availability, max instances, focus). The domain
# presets live in the domain packs; "default" and "financial" (the profile) are smartspec's.
_PRESETS: dict[str, tuple[int, int, int, int, int, int, str, int, str]] = {
    "default": (100, 180, 250, 500, 200, 600, "99.9", 10, "steady request/response traffic"),
    **{name: tuple(pack.preset) for name, pack in packs().items()  # type: ignore[misc]
       if name != "fintech"},
    "financial": tuple(packs()["fintech"].preset),  # type: ignore[dict-item]
}
# When several domains apply, the focus line comes from the first of these that applies.
_PRIORITY = ("financial", "healthcare", "iot", "logistics", "ai", "saas", "default", "internal")


def targets_for(profile: str, domains: tuple[str, ...], *, staff_only: bool = False) -> Targets:
    """The one set of figures a spec quotes. A service reached only by staff through an
    admin site carries a staff team's load, so it takes the internal preset unless a domain
    asks for more."""
    names = [d for d in domains if d in _PRESETS and d != "fintech"]
    if staff_only and "internal" not in names:
        names.append("internal")
    if profile == "financial" or "fintech" in domains:
        names.append("financial")
    serious = [n for n in names if n != "internal"]
    chosen = serious or names or ["default"]
    rows = [_PRESETS[n] for n in chosen]
    lead = min(chosen, key=_PRIORITY.index)
    availability = max((r[6] for r in rows), key=float)
    internal_only = chosen == ["internal"]
    return Targets(
        p50_ms=min(r[0] for r in rows),
        p90_ms=min(r[1] for r in rows),
        p95_ms=min(r[2] for r in rows),
        p99_ms=min(r[3] for r in rows),
        tps=max(r[4] for r in rows),
        peak_tps=max(r[5] for r in rows),
        availability=availability,
        downtime=_DOWNTIME[availability],
        max_instances=max(r[7] for r in rows),
        focus="; ".join(dict.fromkeys(_PRESETS[n][8] for n in sorted(chosen, key=_PRIORITY.index))),
        lead=lead,
        # An internal tool gets gentler abuse limits and a smaller connection pool.
        rate_user_per_min=300 if internal_only else 100,
        rate_ip_per_min=3000 if internal_only else 1000,
        pool_min=5 if internal_only else 20,
        pool_max=20 if internal_only else 50,
    )
