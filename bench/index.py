"""Bench: a full ``smartspec index`` of 2,000 and of 10,000 specs against an incremental one
after one spec changed, and a run in which nothing changed, side by side. Targets: incremental
<= 10 % of full; nothing changed <= 3x ``python -c pass``.

How it runs: every timing is a real subprocess, ``python -m smartspec index --format json``
in a temporary project, so both figures include interpreter start-up and imports as a user
sees them (byte-code compiled once, as for an installed package); ``python -c pass`` is timed
the same way as a yardstick, in every round beside the runs it is compared with. Each round
removes the index and its scan state (the full run), runs again with nothing changed (which
must read no file and write nothing), then rewrites one spec with a new title (the incremental
run, which must read exactly that one file). Medians of the rounds are printed, then the CPU
seconds of the same processes (steadier than wall time when other work shares the cores),
then the same two operations through the Python API (``smartspec.runs.index.refresh_index``)
in this process, without start-up.

The specs are written from a template here (valid header and settings comment; not the
generator), in two sizes, because the full run's cost grows with the size of the specs while
the incremental run's does not: "compact" (about 60 lines, like ``--mode compact``) and
"typical" (about 220 lines, like a backend-service spec; generated specs run from 80 to 380
lines). Files and folders get mtimes an hour back: anything indexed within two seconds of
being written is "racily clean" and is hashed or listed again on the next run, which is
correct but not the case measured here.

A run with nothing changed costs start-up plus two stats per spec (its file and its folder),
so its ratio grows with the tree. Beside it runs its floor: a bare ``python -c`` that only
stats the same files and folders (read from a list, no smartspec imported), which is what
any answer that looks at every file must pay on the machine; where the floor itself is above
the target, no correct implementation meets it there. The load average is printed because
these are whole processes on shared cores.

    python bench/index.py [--count 2000 10000] [--rounds 3] [--size compact|typical|both]
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

WARM_UP = ("import msgspec, smartspec.cli, smartspec.commands.index, smartspec.config, "
           "smartspec.document, smartspec.index.build, smartspec.index.migrate, "
           "smartspec.index.schema, smartspec.markers, smartspec.options, smartspec.runs.index, "
           "smartspec.specfile, smartspec.workspace")
CATEGORIES = ("feature", "feature", "feature", "core", "infrastructure", "tools")
TARGET = 0.10
QUIET_TARGET = 3.0  # a run with nothing changed, in multiples of python -c pass
# The floor of a run with nothing changed: the two stats per spec it cannot skip (an editor
# that writes a spec in place changes only the file's mtime; a spec folder added changes only
# its parent's), in a bare interpreter, paths read from a NUL-separated list.
FLOOR = ("import os, sys\nlstat = os.lstat\n"
         "for path in open(sys.argv[1], 'rb').read().split(b'\\0'): lstat(path)")

TEMPLATE = """\
# SPEC-{number}: {title}

**Spec ID:** {spec_id}
**Status:** DRAFT
**Profile:** backend-service
**Mode:** standard
**Version:** 0.1.0
**Author:** SmartSpec Architect v5.0
**Created:** 2026-11-27
**Updated:** 2026-11-27
**Category:** {category}
**Domains:** internal
**Depends on:** {depends_header}

{settings}

---

## 1. Overview

{title} keeps track of the things the {slug} service owns. It exposes a small REST API and
publishes events when its records change.

## 2. Architecture Summary

- One stateless service behind the gateway, PostgreSQL for storage, Redis for caching.
- Events go to the message queue; consumers are idempotent.

## 3. API Endpoints

| Method | Path | Purpose |
|--------|------|---------|
| GET | /api/v1/{slug} | list records |
| POST | /api/v1/{slug} | create a record |
| GET | /api/v1/{slug}/{{id}} | read one record |

```json
{{"id": "01J...", "name": "example", "status": "active"}}
```

## 4. Data Model

```sql
CREATE TABLE {table} (
    id UUID PRIMARY KEY,
    name TEXT NOT NULL,
    status TEXT NOT NULL DEFAULT 'active',
    created_at TIMESTAMPTZ NOT NULL DEFAULT now()
);
```

## 5. Acceptance Tests

- Creating a record returns 201 and the record.
- Reading a missing record returns 404.

{extra}## {related_number}. Related Specs

{related}
"""

# Sections that bring a spec to the size of a typical generated one (a backend-service spec
# is about 280 lines): dependency injection, security, performance, testing, monitoring.
EXTRA_SECTIONS = """\
<!-- @critical di -->
## 6. Dependency Injection Pattern

### 6.1 Requirements

- Every collaborator (PostgreSQL, Redis, logger, clock) is passed in through the constructor.
- Dependencies are typed as interfaces owned by the domain layer, implemented by adapters.
- One composition root wires the production graph at start-up; tests wire fakes.
- Time, randomness and ids come from injected providers so tests are deterministic.

### 6.2 Interfaces

```typescript
export interface Clock {{ now(): Date }}
export interface Logger {{ info(msg: string, fields?: object): void }}
export interface {name}Repository {{ get(id: string): Promise<Record | null> }}
```

<!-- @end-critical -->

<!-- @critical security -->
## 7. Security Threat Model (STRIDE-Basic)

| Threat | Example | Mitigation |
|--------|---------|------------|
| Spoofing | stolen token used against /api/v1/{slug} | short-lived JWTs, mTLS between services |
| Tampering | record changed in transit | TLS 1.3 everywhere, signed events |
| Repudiation | a user denies a change | append-only audit log with actor and request id |
| Information disclosure | records of another tenant | row-level security, tenant id on every query |
| Denial of service | request floods | rate limits per client, bounded queues |
| Elevation of privilege | user calls admin endpoints | RBAC checked in one middleware, deny by default |

### 7.1 Security Testing

- Static analysis and dependency scanning on every merge request.
- Authorization tests for every endpoint and role.

<!-- @end-critical -->

## 8. Performance Requirements

| Metric | Target |
|--------|--------|
| P99 latency (read) | < 200 ms |
| P99 latency (write) | < 400 ms |
| Throughput | 500 requests/s per instance |
| Availability | 99.9 % monthly |

### 8.1 Database Performance

- Every query uses an index; no sequential scans on tables above 10,000 rows.
- Connection pool of 20 per instance; statement timeout 2 s.

### 8.2 Load Testing

1. Normal load: 500 TPS for 1 hour.
2. Peak load: 1500 TPS for 15 minutes.
3. Spike: 0 to 2000 TPS in 10 seconds.

## 9. Implementation Plan

1. Schema and migrations for `{table}`.
2. Repository adapter with integration tests against PostgreSQL.
3. Service layer with validation and domain errors.
4. HTTP handlers, request validation and error mapping.
5. Events on create, update and delete; idempotent consumers.
6. Dashboards and alerts; load test; release behind a flag.

## 10. Testing Strategy

### 10.1 Unit Tests

- Domain rules with in-memory fakes and a fixed clock.
- Validation of every request field, including boundaries.

### 10.2 Integration Tests

- Repository against a real PostgreSQL started by the test suite.
- Event publishing against the message queue.

### 10.3 Contract Tests

- Consumer-driven contracts for every client of /api/v1/{slug}.

```bash
npm test -- --coverage
npm run test:integration
```

<!-- @critical monitoring -->
## 11. Monitoring & Observability

### 11.1 Metrics

- `{table}_requests_total{{method,route,status}}`
- `{table}_request_duration_seconds` (histogram)
- `{table}_db_pool_in_use`

### 11.2 Alerts

| Alert | Condition | Severity |
|-------|-----------|----------|
| High latency | P99 > 500 ms for 5 min | warning |
| Error rate | 5xx > 1 % for 5 min | critical |
| Saturation | pool in use > 90 % for 10 min | warning |

### 11.3 Logs and Traces

- Structured JSON logs with request id, actor and tenant.
- OpenTelemetry traces across the gateway, this service and PostgreSQL.

<!-- @end-critical -->

<!-- @critical config -->
## 12. Configuration Schema

| Variable | Type | Default | Purpose |
|----------|------|---------|---------|
| `DATABASE_URL` | string | none | PostgreSQL connection |
| `REDIS_URL` | string | none | cache |
| `HTTP_PORT` | integer | 8080 | listen port |
| `LOG_LEVEL` | enum | info | debug, info, warn, error |

```json
{{"databaseUrl": "postgres://...", "httpPort": 8080, "logLevel": "info"}}
```

<!-- @end-critical -->

## 13. Examples

### 13.1 Create a Record

```http
POST /api/v1/{slug}
Content-Type: application/json

{{"name": "example"}}
```

```http
HTTP/1.1 201 Created

{{"id": "01J...", "name": "example", "status": "active"}}
```

### 13.2 Read a Missing Record

```http
GET /api/v1/{slug}/unknown
```

```http
HTTP/1.1 404 Not Found

{{"error": "not_found", "message": "no record with id unknown"}}
```

"""


def spec_id_for(n: int) -> tuple[str, str, str]:
    category = CATEGORIES[n % len(CATEGORIES)]
    slug = f"service-{n:05d}"
    number = f"{n:05d}"
    if category == "feature":
        return f"spec-{number}-{slug}", category, slug
    return f"spec-{category}-{number}-{slug}", category, slug


def spec_text(n: int, ids: list[str], title_suffix: str = "", *, typical: bool = False) -> str:
    spec_id, category, slug = spec_id_for(n)
    depends = sorted({ids[m] for m in (n - 1, n // 2, n // 7) if 0 <= m < n})
    title = f"Service {n:05d}{title_suffix}"
    settings = {"schema": 1, "id": spec_id, "title": title, "category": category,
                "profile": "backend-service", "mode": "standard", "security": "basic",
                "di": "full", "performance": "basic", "domains": ["internal"],
                "depends_on": depends, "version": "0.1.0", "status": "draft", "repo": "private",
                "created": "2026-11-27T17:00:00Z", "updated": "2026-11-27T17:00:00Z"}
    related = "\n".join(f"- **{d}**" for d in depends) or "- none"
    return TEMPLATE.format(
        number=spec_id.removeprefix("spec-").upper(), title=title, spec_id=spec_id,
        category=category, depends_header=", ".join(depends) or "none",
        settings="<!-- smartspec: " + json.dumps(settings, separators=(",", ":")) + " -->",
        slug=slug, table=slug.replace("-", "_"), related=related,
        related_number=14 if typical else 6,
        extra=EXTRA_SECTIONS.format(slug=slug, table=slug.replace("-", "_"),
                                    name=f"Service{n:05d}") if typical else "")


def make_project(root: Path, count: int, typical: bool) -> list[Path]:
    (root / ".smartspec").mkdir(parents=True)
    ids = [spec_id_for(n)[0] for n in range(count)]
    back = time.time_ns() - 3600 * 10**9
    paths = []
    for n in range(count):
        spec_id, category, _ = spec_id_for(n)
        path = root / "specs" / category / spec_id / "spec.md"
        path.parent.mkdir(parents=True)
        path.write_text(spec_text(n, ids, typical=typical), encoding="utf-8")
        os.utime(path, ns=(back, back))
        paths.append(path)
    for folder in sorted({p.parent for p in paths} | {p.parent.parent for p in paths},
                         key=lambda f: len(f.parts), reverse=True):
        os.utime(folder, ns=(back, back))
    os.utime(root / "specs", ns=(back, back))
    return paths


# CPU seconds (user + system) of each timed process, by label, beside its wall time: when
# other work shares the cores, a process waits for them and its wall time grows, its CPU time
# much less, so the CPU ratios are the steadier figure on a busy machine.
CPU: dict[str, list[float]] = {}


def timed(argv: list[str], cwd: Path, env: dict[str, str],
          label: str | None = None) -> tuple[float, str]:
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    done = subprocess.run(argv, cwd=cwd, env=env, capture_output=True, text=True, check=False)
    elapsed = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if done.returncode != 0:
        sys.exit(f"bench: {' '.join(argv)} failed with exit {done.returncode}:\n{done.stderr}")
    if label is not None:
        CPU.setdefault(label, []).append(after.ru_utime - before.ru_utime
                                         + after.ru_stime - before.ru_stime)
    return elapsed, done.stdout


def reset(root: Path) -> None:
    (root / ".smartspec" / "SPEC_INDEX.json").unlink(missing_ok=True)
    shutil.rmtree(root / ".smartspec" / "index", ignore_errors=True)
    shutil.rmtree(root / ".smartspec" / "cache", ignore_errors=True)  # an earlier layout


def change_one(paths: list[Path], count: int, revision: int, typical: bool) -> str:
    n = count // 2
    ids = [spec_id_for(m)[0] for m in range(count)]
    paths[n].write_text(spec_text(n, ids, f" (revision {revision})", typical=typical),
                        encoding="utf-8")
    # Another old mtime, one second per revision: the change is seen by its mtime, and the
    # file is not racily clean in the runs that follow (it would be read again, correctly).
    back = time.time_ns() - 3600 * 10**9 + revision * 10**9
    os.utime(paths[n], ns=(back, back))
    return ids[n]


@dataclass
class Figures:
    count: int
    label: str
    lines: int
    full: float
    incremental: float
    quiet: float  # nothing changed
    floor: float  # only the stats a run with nothing changed makes (FLOOR)
    yardstick: float  # python -c pass, timed in the same rounds
    api_full: float
    api_incremental: float

    @property
    def ratio(self) -> float:
        return self.incremental / self.full

    @property
    def quiet_ratio(self) -> float:
        return self.quiet / self.yardstick

    @property
    def floor_ratio(self) -> float:
        return self.floor / self.yardstick


def run_size(folder: Path, count: int, rounds: int, typical: bool,
             env: dict[str, str]) -> Figures:
    label = "typical" if typical else "compact"
    root = folder / f"{label}-{count}"
    root.mkdir()
    paths = make_project(root, count, typical)
    lines = len(paths[0].read_text(encoding="utf-8").splitlines())
    command = [sys.executable, "-m", "smartspec", "index", "--format", "json"]
    stats = folder / f"stats-{label}-{count}"
    specs = root / "specs"
    stats.write_bytes(b"\0".join(
        os.fsencode(os.path.relpath(path, root))
        for path in [*paths, *{p.parent for p in paths}, *{p.parent.parent for p in paths},
                     specs]))
    full, incremental, quiet, floor, yardstick = [], [], [], [], []
    for round_number in range(rounds):
        reset(root)
        elapsed, out = timed(command, root, env, f"{count} {label} full")
        assert json.loads(out)["scan"]["parsed"] == count
        full.append(elapsed)
        for _ in range(3):
            elapsed, out = timed(command, root, env, f"{count} {label} quiet")
            report = json.loads(out)
            assert report["scan"]["read"] == 0 and report["written"] == [], report
            quiet.append(elapsed)
            floor.append(timed([sys.executable, "-c", FLOOR, str(stats)], root, env,
                               f"{count} {label} floor")[0])
            yardstick.append(timed([sys.executable, "-c", "pass"], root, env,
                                   f"{count} {label} pass")[0])
        changed = change_one(paths, count, round_number + 1, typical)
        elapsed, out = timed(command, root, env, f"{count} {label} incremental")
        report = json.loads(out)
        # Only the changed spec is read; nothing else is opened.
        assert report["scan"]["read"] == 1 and report["updated"] == [changed], report
        incremental.append(elapsed)

    from smartspec.runs.index import refresh_index

    state = root / ".smartspec"
    reset(root)
    start = time.perf_counter()
    refresh_index(root, state, specs)
    api_full = time.perf_counter() - start
    change_one(paths, count, rounds + 1, typical)
    start = time.perf_counter()
    result = refresh_index(root, state, specs)
    api_incremental = time.perf_counter() - start
    assert result.index.scan is not None and result.index.scan.read == 1
    shutil.rmtree(root)
    return Figures(count, label, lines, statistics.median(full), statistics.median(incremental),
                   statistics.median(quiet), statistics.median(floor),
                   statistics.median(yardstick), api_full,
                   api_incremental)


def main() -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--count", type=int, nargs="+", default=[2_000, 10_000],
                        help="tree sizes in specs (default: 2000 10000)")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--size", choices=("compact", "typical", "both"), default="both",
                        help="spec size: compact (about 60 lines, like --mode compact), "
                             "typical (about 220 lines, like a backend-service spec)")
    args = parser.parse_args()
    sizes = {"compact": [False], "typical": [True], "both": [False, True]}[args.size]

    load_before = os.getloadavg()
    with tempfile.TemporaryDirectory(prefix="smartspec-bench-") as name:
        folder = Path(name)
        # As an installed package runs: byte-code compiled once (into the temporary folder,
        # not the source tree), not on every start as with PYTHONDONTWRITEBYTECODE.
        env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
        env["PYTHONPYCACHEPREFIX"] = str(folder / "pycache")
        timed([sys.executable, "-c", WARM_UP], folder, env)
        yardstick = statistics.median(
            timed([sys.executable, "-c", "pass"], folder, env)[0] for _ in range(5))
        results = [run_size(folder, count, args.rounds, typical, env)
                   for count in args.count for typical in sizes]
    load_after = os.getloadavg()

    print(f"smartspec index: {', '.join(map(str, args.count))} specs, full (no index, no cache) "
          f"against incremental (one spec changed), median of {args.rounds} rounds")
    print("each run is a subprocess: python -m smartspec index --format json; "
          f"yardstick python -c pass: {yardstick:.3f} s")
    print("load average (1, 5, 15 min) before: {:.2f} {:.2f} {:.2f}, after: {:.2f} {:.2f} {:.2f} "
          "on {} cores\n".format(*load_before, *load_after, os.cpu_count()))
    print(f"{'specs':<30}{'full':>10}{'incremental':>14}{'ratio':>9}   target <= {TARGET:.0%}")
    for r in results:
        verdict = "met" if r.ratio <= TARGET else "missed"
        print(f"{f'{r.count} {r.label} ({r.lines} lines)':<30}{r.full:>9.3f}s"
              f"{r.incremental:>13.3f}s{r.ratio:>9.1%}   {verdict}")
    print(f"\nnothing changed, against python -c pass timed in the same rounds "
          f"(target <= {QUIET_TARGET:.0f}x):")
    for r in results:
        verdict = "met" if r.quiet_ratio <= QUIET_TARGET else "missed"
        print(f"  {r.count:>6} {r.label:<8} {r.quiet:.3f} s against {r.yardstick:.3f} s: "
              f"{r.quiet_ratio:.1f}x   {verdict}; its floor (the same stats alone) "
              f"{r.floor:.3f} s: {r.floor_ratio:.1f}x")
    print("\nCPU seconds of the same processes (user + system, the least of the rounds):")
    for r in results:
        cpu = {kind: min(CPU[f"{r.count} {r.label} {kind}"])
               for kind in ("full", "incremental", "quiet", "floor", "pass")}
        print(f"  {r.count:>6} {r.label:<8} full {cpu['full']:.3f}, incremental "
              f"{cpu['incremental']:.3f} ({cpu['incremental'] / cpu['full']:.1%}), nothing "
              f"changed {cpu['quiet']:.3f} ({cpu['quiet'] / max(cpu['pass'], 1e-3):.1f}x "
              f"python -c pass at {cpu['pass']:.3f}; floor "
              f"{cpu['floor'] / max(cpu['pass'], 1e-3):.1f}x)")
    print("\nin-process API (refresh_index, no start-up):")
    for r in results:
        print(f"  {r.count:>6} {r.label:<8} full {r.api_full:.3f} s, incremental "
              f"{r.api_incremental:.3f} s, ratio {r.api_incremental / r.api_full:.1%}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
