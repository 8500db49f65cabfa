"""Bench: ``smartspec validate`` against ``markdownlint-cli2`` on the same tree of specs.

Targets (issue 5): at least 10x faster than markdownlint-cli2, at least 20 MB/s of spec text on
a 2-core machine, and peak memory that does not grow with the tree.

How it runs: the specs are made by smartspec's own generator (detect -> plan -> render) for a
rotation of profiles, modes, domains and descriptions, then copied into two trees, 500 and
2,000 specs (``specs/<category>/<spec-id>/spec.md``). Each timing is a real subprocess started
through a small wrapper that reports the peak resident memory of the largest process it waited
for (the command or one of its workers), so every figure includes interpreter or Node start-up
as a user sees it. ``python -c pass`` is timed the same way as a yardstick. markdownlint-cli2
runs with its default configuration (no config file in the tree): the project's locked copy
under ``tools/node`` when ``tools/ci-content.sh`` has installed it, else one that npm installs
outside the repository on the first run (``$TMPDIR/smartspec-bench-node``, or
``SMARTSPEC_BENCH_NODE_DIR``).
The best of ``--rounds`` runs is printed.

    python bench/validate.py [--counts 500,2000] [--rounds 3] [--jobs 0] [--baseline OLD_SRC]

With ``--baseline OLD_SRC`` the older package's ``smartspec validate`` (``OLD_SRC`` first on
PYTHONPATH) is timed on the same trees too, alternating round by round with this one, and
its row and the speed-up are printed beside this one's.

With ``--against OLD_SRC`` (a copy of an older ``src`` folder, e.g. made with
``git worktree`` or ``cp -r``) it instead times ``validate_text`` in this process for the
older package and for this one over the same texts (the goldens, ``tests/corpus/specs`` and
generated specs), and checks that both report exactly the same findings, passed rules and
skipped rules for every text; it exits 1 on any difference.

    python bench/validate.py --against /tmp/old/src [--generated 120] [--rounds 5]
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

HERE = Path(__file__).resolve().parent
# npm installs markdownlint-cli2 outside the repository, so nothing of it can be committed.
NODE_DIR = Path(os.environ.get("SMARTSPEC_BENCH_NODE_DIR")
                or Path(tempfile.gettempdir()) / "smartspec-bench-node")
MARKDOWNLINT = NODE_DIR / "node_modules" / ".bin" / "markdownlint-cli2"
PROJECT_MARKDOWNLINT = HERE.parent / "tools" / "node" / "node_modules" / ".bin" / "markdownlint-cli2"
MARKDOWNLINT_VERSION = "0.24.1"

TARGET_RATIO = 10.0
TARGET_MBPS = 20.0

# (profile, mode, name, description): the descriptions touch every domain and every keyword
# group the rules look at (auth, queues, transactions, external APIs), so the tree exercises
# every section template and every rule.
VARIANTS: tuple[tuple[str, str, str, str], ...] = (
    ("financial", "standard", "payment-processing",
     "Card payments with a PostgreSQL ledger, Stripe as the third-party API, JWT login, "
     "a Kafka worker queue and ACID transactions"),
    ("backend-service", "standard", "notification-service",
     "Send email and SMS notifications through SendGrid and Twilio with a RabbitMQ queue"),
    ("full", "standard", "patient-records",
     "HIPAA compliant patient records for hospitals with FHIR integration and audit trail"),
    ("basic", "standard", "report-exporter", "Export CSV reports of orders from PostgreSQL"),
    ("full", "standard", "telemetry-ingest",
     "IoT telemetry ingestion from MQTT sensors into TimescaleDB at high volume"),
    ("backend-service", "standard", "fleet-tracking",
     "Logistics fleet tracking with shipment routing, Google Maps and webhooks"),
    ("full", "standard", "inference-gateway",
     "LLM inference gateway with model versioning, GPU workers and OpenAI fallback"),
    ("financial", "standard", "subscription-billing",
     "SaaS subscription billing for tenants with invoices, refunds and a Redis cache"),
    ("basic", "compact", "admin-console", "Internal admin back-office tool for support staff"),
    ("backend-service", "compact", "user-directory",
     "User accounts and profiles REST API with OAuth2 login and PostgreSQL"),
    ("full", "standard", "tenant-workspaces",
     "Multi-tenant workspaces with per-tenant configuration and feature flags"),
    ("financial", "compact", "wallet-ledger", "Wallet top-ups with PromptPay and a ledger"),
)
CATEGORIES = ("feature", "feature", "core", "infrastructure", "tools")


def generate_specs(count: int, workdir: Path) -> list[tuple[str, str]]:
    """``count`` (relative path, text) pairs made by smartspec's generator."""
    from smartspec.config import load_settings
    from smartspec.detect import detect
    from smartspec.options import Options
    from smartspec.plan import make_plan
    from smartspec.render import render

    now = datetime(2026, 1, 15, 9, 0, tzinfo=UTC)
    specs: list[tuple[str, str]] = []
    taken: set[str] = set()
    for number in range(count):
        profile, mode, name, description = VARIANTS[number % len(VARIANTS)]
        category = CATEGORIES[number % len(CATEGORIES)]
        options = Options(name=f"{name}-{number:04d}", description=description, profile=profile,
                          mode=mode, category=category)
        settings = load_settings(options, cwd=workdir)
        facts = detect(options.name or "", description, settings.keywords)
        plan = make_plan(options, settings, facts, taken_ids=taken, now=now)
        taken.add(plan.spec_id)
        specs.append((f"specs/{plan.category}/{plan.spec_id}/spec.md", render(plan)))
    return specs


def write_tree(root: Path, specs: list[tuple[str, str]]) -> int:
    """Write the specs under ``root``; the number of bytes written."""
    total = 0
    for rel, text in specs:
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        data = text.encode("utf-8")
        path.write_bytes(data)
        total += len(data)
    return total


WRAPPER = (
    "import resource, subprocess, sys, time\n"
    "start = time.perf_counter()\n"
    "code = subprocess.run(sys.argv[2:], cwd=sys.argv[1], stdout=subprocess.DEVNULL,\n"
    "                      stderr=subprocess.DEVNULL).returncode\n"
    "elapsed = time.perf_counter() - start\n"
    "usage = resource.getrusage(resource.RUSAGE_CHILDREN)\n"
    "print(f'{elapsed} {usage.ru_maxrss} {code} {usage.ru_utime + usage.ru_stime}')\n"
)


@dataclass(frozen=True)
class Timing:
    seconds: float
    peak_kib: int
    exit_code: int


def _run_once(command: list[str], cwd: Path, env: dict[str, str] | None = None) -> Timing:
    out = subprocess.run([sys.executable, "-c", WRAPPER, str(cwd), *command],
                         capture_output=True, text=True, check=True, env=env).stdout.split()
    return Timing(float(out[0]), int(out[1]), int(out[2]))


def measure(command: list[str], cwd: Path, rounds: int) -> Timing:
    """Best of ``rounds`` runs of ``command`` (wall time from the wrapper, peak RSS of the
    largest process it waited for)."""
    return min((_run_once(command, cwd) for _ in range(rounds)), key=lambda t: t.seconds)


def measure_pair(command: list[str], cwd: Path, rounds: int,
                 baseline: Path) -> tuple[Timing, Timing]:
    """Best of ``rounds`` runs of ``command`` with the package at ``baseline`` (a ``src``
    folder put first on PYTHONPATH) and with this one, in alternation: a change in the
    machine's load between rounds weighs on both alike."""
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(
        [str(baseline), *filter(None, [os.environ.get("PYTHONPATH")])]))
    old: list[Timing] = []
    new: list[Timing] = []
    for _ in range(rounds):
        old.append(_run_once(command, cwd, env))
        new.append(_run_once(command, cwd))
    return min(old, key=lambda t: t.seconds), min(new, key=lambda t: t.seconds)


def ensure_markdownlint() -> Path | None:
    """The project's locked copy (tools/node, installed by tools/ci-content.sh) if there is
    one, else a copy npm installs outside the repository."""
    for candidate in (PROJECT_MARKDOWNLINT, MARKDOWNLINT):
        if candidate.exists():
            return candidate
    npm = shutil.which("npm")
    if npm is None:
        print("npm not found: markdownlint-cli2 is not measured", file=sys.stderr)
        return None
    NODE_DIR.mkdir(exist_ok=True)
    print(f"installing markdownlint-cli2@{MARKDOWNLINT_VERSION} into {NODE_DIR} ...",
          file=sys.stderr)
    subprocess.run([npm, "install", "--prefix", str(NODE_DIR), "--no-audit", "--no-fund",
                    "--silent", f"markdownlint-cli2@{MARKDOWNLINT_VERSION}"], check=True)
    return MARKDOWNLINT if MARKDOWNLINT.exists() else None


def _drop_smartspec() -> dict[str, object]:
    """Take every ``smartspec`` module out of ``sys.modules`` and hand them back."""
    names = [n for n in sys.modules if n == "smartspec" or n.startswith("smartspec.")]
    return {name: sys.modules.pop(name) for name in names}


def _import_package(src: Path) -> dict[str, object]:
    """The ``smartspec`` modules imported from ``src`` (a folder holding ``smartspec/``),
    without disturbing the ones already loaded."""
    current = _drop_smartspec()
    sys.path.insert(0, str(src))
    try:
        import smartspec.rules  # noqa: F401 - the modules validation needs

        return _drop_smartspec()
    finally:
        sys.path.remove(str(src))
        sys.modules.update(current)  # type: ignore[arg-type]


class _Installed:
    """While active, ``smartspec`` in ``sys.modules`` is the given set of modules, so lazy
    imports inside the package resolve to the same copy."""

    def __init__(self, modules: dict[str, object]) -> None:
        self.modules = modules
        self.saved: dict[str, object] = {}

    def __enter__(self) -> None:
        self.saved = _drop_smartspec()
        sys.modules.update(self.modules)  # type: ignore[arg-type]

    def __exit__(self, *_: object) -> None:
        self.modules.update(_drop_smartspec())  # modules imported lazily meanwhile
        sys.modules.update(self.saved)  # type: ignore[arg-type]


def comparison_texts(generated: int) -> list[tuple[str, str]]:
    """(name, text): the golden specs, the public corpus and ``generated`` generated specs."""
    root = HERE.parent / "tests"
    texts = []
    for folder in (root / "data" / "golden", root / "content" / "golden", root / "corpus" / "specs"):
        for file in sorted(folder.rglob("*.md")) if folder.is_dir() else ():
            texts.append((str(file.relative_to(root.parent)),
                          file.read_bytes().decode("utf-8-sig")))
    with tempfile.TemporaryDirectory(prefix="smartspec-bench-") as tmp:
        texts += generate_specs(generated, Path(tmp))
    return texts


def _outcomes(texts: list[tuple[str, str]]) -> list[tuple[object, ...]]:
    from smartspec.rules import Validator

    validator = Validator()
    outcomes = []
    for name, text in texts:
        result = validator.validate_text(text, path=name)
        outcomes.append((tuple((f.rule, f.code, f.severity, f.line, f.message, f.message_id,
                                f.args) for f in result.findings),
                         result.passed_rules, result.skipped, result.spec_id))
    return outcomes


def _time_once(texts: list[tuple[str, str]]) -> float:
    from smartspec.rules import Validator, context

    # Each round reads the specs from cold, as a process of `smartspec validate` does: results
    # kept per distinct block or line (where the package keeps them) are forgotten first.
    clear = getattr(context, "clear_text_memos", None)
    if clear is not None:
        clear()
    validator = Validator()
    # CPU time of this process: other processes on the machine do not count in it.
    started = time.process_time()
    for name, text in texts:
        validator.validate_text(text, path=name)
    return time.process_time() - started


def compare(old_src: Path, generated: int, rounds: int) -> int:
    """Findings and in-process time of the package at ``old_src`` against this one."""
    import smartspec.rules  # noqa: F401 - this checkout's copy, before the old one

    new = {n: m for n, m in sys.modules.items() if n == "smartspec" or n.startswith("smartspec.")}
    old = _import_package(old_src)
    texts = comparison_texts(generated)
    groups = {
        "goldens": [t for t in texts if "/golden/" in t[0]],
        "corpus": [t for t in texts if "/corpus/" in t[0]],
        "generated": [t for t in texts if t[0].startswith("specs/")],
    }
    with _Installed(old):
        before = _outcomes(texts)
    with _Installed(new):
        after = _outcomes(texts)
    differ = [name for (name, _), a, b in zip(texts, before, after, strict=True) if a != b]
    findings = sum(len(o[0]) for o in after)
    print(f"{len(texts)} texts, {findings} findings: "
          + ("identical before and after" if not differ else f"{len(differ)} DIFFER"))
    for name in differ[:20]:
        print(f"  differs: {name}")
    print(f"\n{'texts':<12}{'count':>7}{'MB':>8}{'before ms':>11}{'after ms':>10}{'speed-up':>10}")
    for label, group in groups.items():
        if not group:
            continue
        mb = sum(len(t.encode("utf-8")) for _, t in group) / 1e6
        # Rounds alternate between the two, so a change in the machine's load between
        # them (other processes) weighs on both alike; the best round of each counts.
        slow = fast = float("inf")
        for _ in range(rounds):
            with _Installed(old):
                slow = min(slow, _time_once(group))
            with _Installed(new):
                fast = min(fast, _time_once(group))
        print(f"{label:<12}{len(group):>7}{mb:>8.2f}{slow * 1000:>11.0f}{fast * 1000:>10.0f}"
              f"{slow / fast:>9.2f}x")
    return 1 if differ else 0


def smartspec_command(jobs: int) -> list[str]:
    return [sys.executable, "-m", "smartspec", "validate", "specs", "--no-progress",
            "--jobs", str(jobs)]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--counts", default="500,2000",
                        help="tree sizes, comma separated (default 500,2000)")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--jobs", type=int, default=0, help="smartspec --jobs (0 = per core)")
    parser.add_argument("--no-markdownlint", action="store_true")
    parser.add_argument("--against", type=Path, default=None,
                        help="an older src folder: compare findings and in-process time")
    parser.add_argument("--baseline", type=Path, default=None,
                        help="an older src folder: also time its `smartspec validate` on the "
                             "same trees, round by round in alternation with this one")
    parser.add_argument("--generated", type=int, default=120,
                        help="with --against: how many generated specs to add (default 120)")
    args = parser.parse_args(argv)
    if args.against is not None:
        return compare(args.against, args.generated, args.rounds)
    counts = sorted(int(c) for c in args.counts.split(","))

    markdownlint = None if args.no_markdownlint else ensure_markdownlint()
    if markdownlint is not None:
        banner = subprocess.run([str(markdownlint), "--help"], capture_output=True, text=True)
        print(f"yardstick tool: {(banner.stdout or banner.stderr).splitlines()[0]} "
              f"({markdownlint})")
    with tempfile.TemporaryDirectory(prefix="smartspec-bench-") as tmp:
        work = Path(tmp)
        started = time.perf_counter()
        specs = generate_specs(max(counts), work / "gen")
        load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
        print(f"generated {len(specs)} specs in {time.perf_counter() - started:.1f}s "
              f"({os.cpu_count()} cores, load average {load}: other work skews the figures)")
        yardstick = measure([sys.executable, "-c", "pass"], work, args.rounds)
        print(f"yardstick: python -c pass {yardstick.seconds * 1000:.0f} ms\n")
        header = (f"{'tool':<20}{'specs':>7}{'MB':>8}{'seconds':>9}{'files/s':>10}"
                  f"{'MB/s':>8}{'peak MiB':>10}{'ratio':>8}")
        print(header)
        print("-" * len(header))
        verdicts: list[str] = []
        peaks: list[int] = []
        for count in counts:
            tree = work / f"tree-{count}"
            size = write_tree(tree, specs[:count])
            mb = size / 1e6
            before = None
            if args.baseline is not None:
                before, ours = measure_pair(smartspec_command(args.jobs), tree, args.rounds,
                                            args.baseline.resolve())
            else:
                ours = measure(smartspec_command(args.jobs), tree, args.rounds)
            peaks.append(ours.peak_kib)
            theirs = (measure([str(markdownlint), "**/spec.md"], tree, args.rounds)
                      if markdownlint else None)
            ratio = theirs.seconds / ours.seconds if theirs else float("nan")
            for name, timing in (("validate (baseline)", before), ("smartspec validate", ours),
                                 ("markdownlint-cli2", theirs)):
                if timing is None:
                    continue
                shown_ratio = f"{ratio:.1f}x" if timing is ours and theirs else ""
                print(f"{name:<20}{count:>7}{mb:>8.2f}{timing.seconds:>9.2f}"
                      f"{count / timing.seconds:>10.0f}{mb / timing.seconds:>8.1f}"
                      f"{timing.peak_kib / 1024:>10.1f}{shown_ratio:>8}")
            mbps = mb / ours.seconds
            verdicts.append(f"{count} specs: {mbps:.1f} MB/s "
                            f"({'meets' if mbps >= TARGET_MBPS else 'MISSES'} {TARGET_MBPS:g} MB/s)"
                            + (f", {ratio:.1f}x markdownlint-cli2 "
                               f"({'meets' if ratio >= TARGET_RATIO else 'MISSES'} "
                               f"{TARGET_RATIO:g}x)" if theirs else "")
                            + (f"; baseline {mb / before.seconds:.1f} MB/s, "
                               f"{before.seconds / ours.seconds:.2f}x faster now"
                               if before else ""))
        print()
        for verdict in verdicts:
            print(verdict)
        if len(peaks) > 1:
            growth = peaks[-1] / peaks[0]
            print(f"peak memory {peaks[0] / 1024:.1f} MiB -> {peaks[-1] / 1024:.1f} MiB "
                  f"({growth:.2f}x for {counts[-1] / counts[0]:.0f}x the specs; "
                  f"{'flat' if growth < 1.25 else 'GROWS'})")
    return 0


if __name__ == "__main__":
    sys.path.insert(0, str(HERE.parent / "src"))
    sys.exit(main())
