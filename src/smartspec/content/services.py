"""Per-service performance targets: the "Service-Level Performance Breakdown" table.

Each service's figures are derived from the spec's one set of ``Targets`` by the kind of work
the service does, so they move with the domain and never contradict the system-wide figures:
user-facing services stay inside the system-wide latency budget, and each service's
throughput is the share of system-wide requests that reach it. Batch and analytics services
state their own, longer budgets and say so.
"""

from __future__ import annotations

from smartspec.content.system import System, describe_system
from smartspec.targets import Targets, targets_for
from smartspec.tuples import NamedTuple

TYPE_CHECKING = False
if TYPE_CHECKING:
    from smartspec.plan import SpecPlan


class ServiceTargets(NamedTuple):
    name: str
    kind: str
    p50_ms: int
    p95_ms: int
    p99_ms: int
    p999_ms: int | None  # stated where external calls dominate the tail
    tps: int
    peak_tps: int
    user_facing: bool
    workload: tuple[str, ...]
    database: tuple[str, ...]
    caching: tuple[str, ...]
    external: tuple[str, ...]
    batch: tuple[str, ...]
    queue: tuple[str, ...]
    # (normal, peak) money movements per second when a provider's rate limit caps them below
    # the service's own throughput: each one is a provider call, reads are not.
    capped: tuple[int, int] | None = None


# kind -> (latency factor, throughput share, user facing)
_SHAPE: dict[str, tuple[float, float, bool]] = {
    "balance": (0.5, 1.0, True),
    "identity": (0.5, 1.0, True),
    "payment": (1.0, 0.5, True),
    "ledger": (0.5, 1.0, False),
    "billing": (2.5, 0.1, False),
    "analytics": (1.0, 0.2, False),
    "notification": (1.0, 0.3, False),
    "ingestion": (1.0, 1.0, True),
    "tracking": (1.0, 0.5, True),
    "inference": (1.0, 0.5, True),
    "general": (1.0, 0.5, True),
}


def _ms(value: float) -> int:
    """Round a latency to a figure people write: 5 ms steps below 100, 10 ms above."""
    step = 5 if value < 100 else 10
    return max(step, round(value / step) * step)


def _tps(value: float) -> int:
    if value < 10:
        return max(1, round(value))
    step = 10 if value < 1000 else 100
    return round(value / step) * step


def service_targets(plan: SpecPlan) -> tuple[ServiceTargets, ...]:
    """One entry per service of the plan's system, in the order the system lists them."""
    system = describe_system(plan)
    t = targets_for(plan.profile, plan.domains, staff_only=plan.model.staff_only)
    single = len(system.services) == 1
    # A service with only the ledger beside it takes all of the API's traffic, whatever its
    # kind: a billing service that also meters usage is user facing, not a batch job.
    front = [s for s in system.services if s.kind != "ledger"]
    found = tuple(_targets(s.name, s.kind, system, t, single or front == [s],
                           s is system.api_owner)
                  for s in system.services)
    return tuple(_ledger_follows_money(s, found) for s in found)


# Services whose every write is a money movement the ledger records.
_MONEY_KINDS = ("payment", "balance", "billing")


def _ledger_follows_money(s: ServiceTargets, found: tuple[ServiceTargets, ...]
                          ) -> ServiceTargets:
    """The ledger appends one entry per money movement, so it never takes more writes per
    second than the services that move money send it together."""
    movers = [m for m in found if m.kind in _MONEY_KINDS]
    if s.kind != "ledger" or not movers:
        return s
    # A mover capped by its provider sends the ledger only the payments it creates.
    rates = [m.capped or (m.tps, m.peak_tps) for m in movers]
    return s._replace(tps=min(s.tps, sum(normal for normal, _ in rates)),
                      peak_tps=min(s.peak_tps, sum(peak for _, peak in rates)))


def _targets(name: str, kind: str, system: System, t: Targets, single: bool,
             calls_apis: bool) -> ServiceTargets:
    factor, share, user_facing = _SHAPE.get(kind, _SHAPE["general"])
    if single:
        factor, share, user_facing = 1.0, 1.0, True
    p50, p95, p99 = _ms(t.p50_ms * factor), _ms(t.p95_ms * factor), _ms(t.p99_ms * factor)
    if kind == "billing" and not single:
        p50, p95, p99 = _ms(t.p50_ms * 2), _ms(t.p95_ms * 2.5), _ms(t.p99_ms * 10 / 3)
    apis = system.external_apis if calls_apis else ()
    workload = _workload(kind, apis, system)
    database = _database(kind, system, t)
    caching: tuple[str, ...] = ()
    if system.cache and kind in ("balance", "identity", "analytics", "general", "inference",
                                 "tracking"):
        caching = _caching(kind, system.cache)
    external: tuple[str, ...] = ()
    if apis:
        external = tuple(
            f"{api} API timeout: {t.external_timeout_s}s; retry attempts: {t.retry_attempts}; "
            f"circuit breaker: open after {t.breaker_failures} failures" for api in apis)
    batch: tuple[str, ...] = ()
    if kind == "billing":
        batch = ("Invoice generation: < 5 minutes for 10K accounts",
                 "Billing cycle: < 30 minutes for 100K accounts")
    elif kind == "analytics":
        batch = ("Daily summaries: < 10 minutes after midnight UTC",
                 "Materialized views: refreshed every 5 minutes")
    elif kind == "ingestion" and "iot" in system.domains:
        batch = ("Rollups of raw readings (1 minute, 1 hour): < 2 minutes behind",)
    queue: tuple[str, ...] = ()
    if system.queue and kind in ("notification", "billing", "ingestion", "payment", "ledger"):
        queue = (f"Message processing: < {t.message_ms}ms per message",
                 f"Consumer lag: < {t.consumer_lag_s} seconds")
    tps, peak_tps = _tps(t.tps * share), _tps(t.peak_tps * share)
    limited = _provider_limit(apis) if kind in ("payment", "billing") else None
    if limited is not None and kind == "billing":
        # A billing service calls its provider from the collection and dunning runs, not
        # once per request: the runs pace themselves to the provider's limit instead.
        workload = (*workload, f"Collection and dunning runs call {limited[0]} at most "
                               f"{limited[1]} requests/s, its default rate limit")
        limited = None
    capped = None
    if limited is not None and peak_tps > limited[1]:
        # Every payment is one call to the provider: the service cannot create more payments
        # per second than the provider accepts requests, so their peak is the provider's
        # default limit and their target half of it (refunds and retries share the budget).
        # Reads never reach the provider: they take the rest of the service's throughput.
        provider, limit = limited
        capped = (max(1, limit // 2), limit)
        workload = (*workload, f"Each payment created is one {provider} call, so creation is "
                               f"capped by {provider}'s default rate limit of {limit} requests/s "
                               "(a higher limit is agreed with the provider first); reads are "
                               "served from the database and are not capped")
    return ServiceTargets(
        name=name, kind=kind, p50_ms=p50, p95_ms=p95, p99_ms=p99,
        p999_ms=_ms(p99 * 5 / 3) if apis else None,
        tps=tps, peak_tps=peak_tps, user_facing=user_facing,
        workload=workload, database=database, caching=caching, external=external,
        batch=batch, queue=queue, capped=capped,
    )


def _provider_limit(apis: tuple[str, ...]) -> tuple[str, int] | None:
    """The tightest default request limit among ``apis`` that the knowledge base states."""
    from smartspec import knowledge

    limits = [(entry.rate_limit_rps, api) for api in apis
              if (entry := knowledge.lookup(api)) is not None and entry.rate_limit_rps]
    if not limits:
        return None
    limit, api = min(limits)
    return api, int(limit)


def _workload(kind: str, apis: tuple[str, ...], system: System) -> tuple[str, ...]:
    dependency = (f"Provider API dependency ({', '.join(apis)})",) if apis else ()
    table: dict[str, tuple[str, ...]] = {
        "balance": ("High-frequency reads (balance queries)",
                    "Medium-frequency writes (credit add/deduct)",
                    "Critical path: user-facing operations"),
        "payment": ("Low-frequency, high-value payments", *dependency,
                    "Retry logic for failed payments"),
        "billing": ("Batch processing (invoice generation)",
                    "Scheduled jobs (monthly billing cycles)",
                    "Complex calculations (tax, proration)"),
        "analytics": ("Analytics queries (cost reports)",
                      "Aggregations (daily/monthly summaries)", "Near-real-time tracking"),
        "ledger": ("Append-only writes, one per money movement",
                   "Hash-chain verification reads (scheduled)",
                   "Never updated or deleted"),
        "notification": ("Asynchronous fan-out from queue events",
                         "Bursty after batch jobs", *dependency),
        "identity": ("High-frequency token and session checks",
                     "Low-frequency profile writes", "Critical path: every request"),
        "ingestion": ("Sustained high-volume writes", "Bursty device reconnect storms",
                      "Small payloads, batched"),
        "tracking": ("Frequent position and status updates", "Read-heavy tracking queries",
                     *dependency),
        "inference": ("Compute-bound requests (model execution)",
                      "Batched where latency allows", *dependency),
    }
    return table.get(kind, ("Request/response operations on the service's own data",
                            *dependency))


def _database(kind: str, system: System, t: Targets) -> tuple[str, ...]:
    db = system.database
    if kind == "payment":
        return ("Isolation level: SERIALIZABLE", "Lock timeout: 5s",
                f"Write queries: < {t.db_write_ms}ms (P95)")
    if kind == "billing":
        return ("Bulk insert: 1000 records/second", "Report queries: < 5s")
    if kind == "analytics":
        return ("Aggregation queries: < 2s", "Time-series data: partitioned by month",
                f"Reads from a {db} read replica")
    if kind == "ledger":
        return (f"Append (INSERT): < {t.db_write_ms}ms (P95)",
                "Chain verification: < 1s per 10K entries")
    if kind == "notification":
        return ("Delivery log writes batched every second",)
    return (f"Read queries: < {t.db_read_ms}ms (P95)", f"Write queries: < {t.db_write_ms}ms (P95)",
            f"Connection pool: {t.pool_min}-{t.pool_max} connections")


def _caching(kind: str, cache: str) -> tuple[str, ...]:
    if kind == "analytics":
        return ("Report cache: 5 minutes TTL", "Summary cache: 15 minutes TTL")
    if kind == "balance":
        return ("Cache hit rate: > 80%", f"Cache TTL: 60 seconds for balance ({cache})",
                "Cache invalidation: on balance update")
    return ("Cache hit rate: > 80%", f"Cache TTL: 60 seconds ({cache})",
            "Cache invalidation: on write")
