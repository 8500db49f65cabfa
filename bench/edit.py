"""Edit time for specs of about 20 KB, 200 KB and 2 MB, as ratios, run side by side.

    python bench/edit.py [--rounds 5] [--sizes 20,200,2000] [--baseline OLD_SRC]

Each spec is a small spec from ``smartspec new`` padded with sections a person wrote
(prose, a table, a code block; the person also edited one generated section), so an edit has
to carry every byte of them. Every round, for every size, in turn:

- ``python -c pass`` (the yardstick for start-up);
- ``smartspec edit SPEC --performance=...`` as a user runs it (a subprocess; the level
  alternates, so every edit really rewrites the spec: backup, registry, index, report);
- ``git merge-file`` on the same spec's three versions (the peer: a plain 3-way text merge of
  the old generated text, the person's text and the new generated text; it knows nothing
  about sections, critical blocks or the registry);
- the same edit through the API in this process (``smartspec.runs.edit.edit``), without
  start-up, to show how the work itself grows with size.

With ``--baseline OLD_SRC`` (a copy of an older ``src`` folder) the older package's edit runs
right after this one's in every round (each edit flips the level the spec has, so both
rewrite it): before and after under the same load.

With ``--instructions`` (needs valgrind), the yardstick and the edits (this one's and the
baseline's) also run under ``valgrind --tool=callgrind`` for the smallest size, twice each:
instructions executed are the same from run to run whatever the load, so a change of a few
per cent shows there where CPU times on a shared machine cannot show it.

Medians are printed with ratios to the yardstick and to the 20 KB spec. Growth is about
linear when ten times the bytes costs about ten times the in-process time (target: <= 15x per
10x; start-up makes the command's own ratio much smaller).
"""

from __future__ import annotations

import argparse
import itertools
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from callgrind import available, instructions

EPOCH = "1795000000"
DESCRIPTION = "Card payments with a PostgreSQL ledger and the Stripe API"
# A basic spec with the di and security critical sections. It has grown to about 24 KB (the
# fintech domain adds a saga section), so the "20 KB" spec is the generated text with the one
# line a person added and no padding; the 200 KB and 2 MB specs are mostly a person's text.
NEW = ["--profile=basic", "--security=basic", "--di=minimal"]
LEVELS = ("--performance=basic", "--performance=full")  # alternated: every edit changes it
REL = "specs/feature/spec-001-payment-processing/spec.md"
GROWTH_TARGET = 15.0

PERSON_SECTION = """\
## Team Notes {n}

Decisions the payments team took in review {n}. The ledger stays append-only; refunds are
new entries that point at the entry they reverse, and support staff never edit balances by
hand. We keep card data out of our systems entirely and rely on the provider's vault.

| Decision | Owner | Date |
|----------|-------|------|
| Keep the ledger append-only | Payments | 2026-11-{day:02d} |
| Refunds as reversal entries | Finance | 2026-11-{day:02d} |

```sql
SELECT account_id, SUM(amount) FROM ledger WHERE created_at >= NOW() - INTERVAL '1 day'
GROUP BY account_id;  -- review {n}
```

---

"""


def command() -> list[str]:
    script = Path(sys.executable).with_name("smartspec")
    return [str(script)] if script.exists() else [sys.executable, "-m", "smartspec"]


def environment(cache: Path) -> dict[str, str]:
    env = {**os.environ, "SOURCE_DATE_EPOCH": EPOCH, "XDG_CACHE_HOME": str(cache)}
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    return env


def timed(argv: list[str], cwd: Path, env: dict[str, str], *, peer: bool = False,
          what: str = "") -> float:
    """Wall time of one process; its CPU time (user + system) goes to ``CPU[(cwd, what)]``
    (what: "pass" for the yardstick, "edit" for an edit, unless given)."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    done = subprocess.run(argv, cwd=cwd, env=env, check=False, stdout=subprocess.DEVNULL,
                          stderr=subprocess.DEVNULL)
    elapsed = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    what = what or ("pass" if argv[-1] == "pass" else "edit" if "edit" in argv else argv[0])
    CPU.setdefault((str(cwd), what), []).append(
        (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime))
    # git merge-file exits with the number of conflicts it left (up to 127); 255 = failure.
    if done.returncode != 0 and not (peer and 0 < done.returncode < 128):
        raise SystemExit(f"{' '.join(argv)} failed with exit code {done.returncode}")
    if peer:
        CONFLICTS.append(done.returncode)
    return elapsed


CONFLICTS: list[int] = []
# CPU time per process, by its last word: on a shared machine the wall ratios swing with the
# load, CPU ratios much less (waiting for the disk, fsync above all, is wall time only).
CPU: dict[tuple[str, str], list[float]] = {}


def generated(folder: Path, level: str, env: dict[str, str]) -> str:
    """The text ``smartspec new`` writes for the benchmark's spec, in a fresh ``folder``."""
    folder.mkdir(parents=True)
    subprocess.run([*command(), "new", "payment-processing", DESCRIPTION, *NEW, level],
                   cwd=folder, env=env, check=True, stdout=subprocess.DEVNULL)
    return (folder / REL).read_text(encoding="utf-8")


def make_project(folder: Path, kilobytes: int, env: dict[str, str]) -> Path:
    """A project with one spec of about ``kilobytes`` KB, most of it written by a person."""
    text = generated(folder, LEVELS[0], env)
    text = text.replace(" Architecture Summary\n", " Architecture Summary\n\nReviewed by the team.\n", 1)
    marker = text.index("<!-- @critical security")
    padding = []
    size = len(text.encode())
    n = 0
    while size < kilobytes * 1024:
        block = PERSON_SECTION.format(n=n, day=1 + n % 28)
        padding.append(block)
        size += len(block.encode())
        n += 1
    spec = folder / REL
    spec.write_text(text[:marker] + "".join(padding) + text[marker:], encoding="utf-8")
    return spec


def peer_inputs(folder: Path, env: dict[str, str]) -> tuple[Path, Path]:
    """The peer's base and theirs: the old and the new generated text (ours is the spec)."""
    base, theirs = folder / "base.md", folder / "theirs.md"
    base.write_text(generated(folder / "old", LEVELS[0], env), encoding="utf-8")
    theirs.write_text(generated(folder / "new", LEVELS[1], env), encoding="utf-8")
    return base, theirs


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--sizes", default="20,200,2000", help="KB, comma-separated")
    parser.add_argument("--baseline", metavar="OLD_SRC",
                        help="a copy of an older src folder: its smartspec edit runs in every "
                             "round too (OLD_SRC first on PYTHONPATH), right after this one's")
    parser.add_argument("--instructions", action="store_true",
                        help="also count instructions under valgrind (smallest size only)")
    args = parser.parse_args()
    if args.instructions and not available():
        parser.error("--instructions needs valgrind on PATH")
    sizes = [int(s) for s in args.sizes.split(",")]
    peer = shutil.which("git") is not None
    load_before = os.getloadavg()[0]

    from smartspec.options import Options
    from smartspec.runs.edit import edit

    with tempfile.TemporaryDirectory(prefix="smartspec-bench-edit-") as scratch_name:
        scratch = Path(scratch_name)
        env = environment(scratch / "cache")
        projects = {kb: make_project(scratch / f"p{kb}", kb, env) for kb in sizes}
        actual = {kb: projects[kb].stat().st_size for kb in sizes}
        if peer:
            old_text, theirs = peer_inputs(scratch / "peer", env)
        samples: dict[str, dict[int, list[float]]] = {
            name: {kb: [] for kb in sizes}
            for name in ("python -c pass", "smartspec edit", "smartspec edit (baseline)",
                         "git merge-file", "edit (API)")}
        # The level each spec has now: every edit asks for the other one, so that each really
        # rewrites the spec (backup, registry, index, report), whatever ran before it.
        level = dict.fromkeys(sizes, LEVELS[0])

        def flip(kb: int) -> str:
            level[kb] = LEVELS[1 - LEVELS.index(level[kb])]
            return level[kb]

        os.environ["SOURCE_DATE_EPOCH"] = EPOCH
        for round_number in range(args.rounds + 1):
            for kb in sizes:
                spec = projects[kb]
                root = spec.parents[3]
                times = {"python -c pass": timed([sys.executable, "-c", "pass"], root, env)}
                edits = [("smartspec edit", [*command(), "edit", REL], env, "edit")]
                if args.baseline:
                    edits.append(("smartspec edit (baseline)",
                                  [sys.executable, "-m", "smartspec", "edit", REL],
                                  {**env, "PYTHONPATH": args.baseline}, "baseline"))
                # With a baseline the order turns every other round: the second process finds
                # the interpreter's pages warm, and each edit flips the level, one direction
                # rendering more than the other; so each package runs first and second, and
                # makes the edit both ways.
                for name, argv, run_env, what in (edits if round_number % 2 else edits[::-1]):
                    times[name] = timed([*argv, flip(kb)], root, run_env, what=what)
                if peer:
                    ours = scratch / "peer" / f"ours-{kb}.md"
                    shutil.copyfile(spec, ours)
                    times["git merge-file"] = timed(
                        ["git", "merge-file", "-p", "--quiet", str(ours), str(old_text), str(theirs)],
                        scratch / "peer", env, peer=True)
                options = Options(performance=flip(kb).split("=")[1])
                start = time.perf_counter()
                edit(spec, options, cwd=root, argv=["edit"])
                times["edit (API)"] = time.perf_counter() - start
                if round_number == 0:
                    continue  # warm-up: bytecode and template caches
                for name, value in times.items():
                    samples[name][kb].append(value)
        counted: dict[str, list[int]] = {}
        if args.instructions:
            kb = sizes[0]
            root = projects[kb].parents[3]
            runs = {"smartspec edit": ([*command(), "edit", REL], env)}
            if args.baseline:
                runs["smartspec edit (baseline)"] = ([sys.executable, "-m", "smartspec", "edit",
                                                      REL], {**env, "PYTHONPATH": args.baseline})
            # Each edit flips the level, and one direction renders more than the other: the
            # order turns every time, so that each package makes the edit both ways.
            for turn in range(4):
                counted.setdefault("python -c pass", []).append(
                    instructions([sys.executable, "-c", "pass"], root, env))
                names = list(runs)[::-1] if turn % 2 else list(runs)
                for name in names:
                    argv, run_env = runs[name]
                    counted.setdefault(name, []).append(
                        instructions([*argv, flip(kb)], root, run_env))

    base = {kb: statistics.median(samples["python -c pass"][kb]) for kb in sizes}
    print(f"{'size':>8} {'bytes':>10} {'what':<16} {'median ms':>10} {'x python':>9} "
          f"{'x 20 KB':>8}")
    first = sizes[0]
    for name in ("python -c pass", "smartspec edit", "smartspec edit (baseline)",
                 "git merge-file", "edit (API)"):
        if not samples[name][first]:
            continue
        smallest = statistics.median(samples[name][first])
        for kb in sizes:
            median = statistics.median(samples[name][kb])
            print(f"{kb:>6}KB {actual[kb]:>10} {name:<16} {median * 1000:>10.1f} "
                  f"{median / base[kb]:>8.1f}x {median / smallest:>7.1f}x")
    api = [statistics.median(samples["edit (API)"][kb]) for kb in sizes]
    print()
    timings = dict(zip(sizes, api, strict=True))
    for small, large in itertools.pairwise(sizes):
        t_small, t_large = timings[small], timings[large]
        bytes_ratio = actual[large] / actual[small]
        growth = t_large / t_small
        verdict = "ok" if growth <= GROWTH_TARGET * bytes_ratio / 10 else "MISSED"
        print(f"edit (API) {small} KB -> {large} KB: {bytes_ratio:.1f}x the bytes, "
              f"{growth:.1f}x the time ({verdict}: about linear is <= "
              f"{GROWTH_TARGET * bytes_ratio / 10:.0f}x)")
    if CONFLICTS:
        print(f"git merge-file left {max(CONFLICTS)} conflict(s) to resolve by hand per merge; "
              "smartspec edit leaves none")
    for kb in sizes:
        root = str(projects[kb].parents[3])
        cpu_base, cpu = (statistics.median(CPU[(root, what)]) for what in ("pass", "edit"))
        print(f"{kb} KB: smartspec edit takes {cpu * 1000:.1f} ms of CPU = {cpu / cpu_base:.1f}x "
              f"python -c pass ({cpu_base * 1000:.1f} ms)")
        if args.baseline:
            old = statistics.median(CPU[(root, "baseline")])
            print(f"{kb} KB: the baseline's edit takes {old * 1000:.1f} ms of CPU = "
                  f"{old / cpu_base:.1f}x")
    if counted:
        yardstick = statistics.median(counted["python -c pass"])
        for name, values in counted.items():
            median = statistics.median(values)
            print(f"{sizes[0]} KB: {name} executes {median / 1e6:.1f} M instructions = "
                  f"{median / yardstick:.2f}x python -c pass (callgrind, {len(values)} runs)")
    print(f"({args.rounds} rounds, interleaved; Python {sys.version.split()[0]}; load average "
          f"{load_before:.1f} at the start, {os.getloadavg()[0]:.1f} at the end)")


if __name__ == "__main__":
    main()
