"""Bench: ``smartspec validate ONE_SPEC`` (what a pre-commit hook pays) in a 50-spec project
and in a 2,000-spec project, side by side. Targets: the same ratio to ``python -c pass`` in
both (within 15 %), and a peak memory that does not grow with the tree.

How it runs: the specs are made by smartspec's own generator (the rotation of profiles,
modes and descriptions of ``bench/validate.py``); the 50-spec project holds the first 50 of
the 2,000, so the spec checked is byte for byte the same in both (the one whose registry
record comes last in the small project). Each project gets a
critical-sections registry with every spec's section fingerprints (as ``smartspec new``
records them) and a SPEC_INDEX written by ``smartspec index``. Every timing is a real
subprocess, started through a small wrapper that reports its peak resident memory
(``resource.getrusage`` of the child); ``python -c pass`` is timed the same way in every
round, and the runs of a round follow each other so that machine noise hits them alike, in
the opposite order every other round.
Medians are printed, with the load average at the start and the end.

With ``--baseline OLD_SRC`` (a copy of an older ``src`` folder) the older package's validate
(``OLD_SRC`` first on PYTHONPATH) runs in every round too, right after this one's in each
project, and its rows are printed under this one's: before and after under the same load.

    python bench/validate_one.py [--rounds 15] [--counts 50,2000] [--baseline OLD_SRC]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from validate import WRAPPER, generate_specs  # the sibling bench's generator and timer

RATIO_TOLERANCE = 0.15


def make_project(root: Path, specs: list[tuple[str, str]], env: dict[str, str]) -> None:
    """The specs, a registry with each one's section fingerprints, and an index."""
    from smartspec.adopt import registry_records
    from smartspec.markers import BUILTIN_CRITICAL

    registry: dict[str, object] = {"schema": 1, "specs": {}}
    records = registry["specs"]
    assert isinstance(records, dict)
    for rel, text in specs:
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        records[Path(rel).parent.name] = {
            "path": rel, "updated": "2026-01-15T09:00:00Z",
            "sections": registry_records(text, BUILTIN_CRITICAL)}
    folder = root / ".smartspec" / "registry"
    folder.mkdir(parents=True)
    (folder / "critical-sections-registry.json").write_text(
        json.dumps(registry, indent=2, sort_keys=True) + "\n", encoding="utf-8")
    done = subprocess.run([sys.executable, "-m", "smartspec", "index"], cwd=root, env=env,
                          capture_output=True, text=True, check=False)
    if done.returncode != 0:
        sys.exit(f"bench: smartspec index failed in {root}:\n{done.stderr}")


def run(argv: list[str], cwd: Path, env: dict[str, str]) -> tuple[float, int, float]:
    """Wall seconds, peak RSS (KiB) and CPU seconds (user + system, the kernel's account)
    of one whole process; exit 0 or 1 (findings) only. On a shared machine the wall time
    swings with the load and the CPU time much less, so both are printed."""
    done = subprocess.run([sys.executable, "-c", WRAPPER, str(cwd), *argv], env=env,
                          capture_output=True, text=True, check=True)
    seconds, peak, code, cpu = done.stdout.split()
    if int(code) not in (0, 1):
        sys.exit(f"bench: {' '.join(argv)} exited {code} in {cwd}")
    return float(seconds), int(peak), float(cpu)


def main() -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--rounds", type=int, default=15)
    parser.add_argument("--counts", default="50,2000")
    parser.add_argument("--baseline", type=Path, default=None,
                        help="an older src folder, timed in the same rounds")
    args = parser.parse_args()
    load_before = os.getloadavg()
    counts = [int(n) for n in args.counts.split(",")]
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    env["SOURCE_DATE_EPOCH"] = "1795000000"
    with tempfile.TemporaryDirectory(prefix="smartspec-bench-") as name:
        scratch = Path(name)
        env["PYTHONPYCACHEPREFIX"] = str(scratch / "pycache")
        specs = generate_specs(max(counts), scratch)
        # The spec of the small project whose id sorts last: its registry record is the last
        # one there and far from the first in the large one (a lookup reads up to it).
        target = max(specs[:min(counts)], key=lambda item: Path(item[0]).parent.name)[0]
        projects = []
        for count in counts:
            root = scratch / f"p{count}"
            make_project(root, specs[:count], env)
            projects.append(root)
        registry_size = {count: (root / ".smartspec/registry/critical-sections-registry.json")
                         .stat().st_size for count, root in zip(counts, projects, strict=True)}
        command = [sys.executable, "-m", "smartspec", "validate", target]
        variants = [("", env)]
        if args.baseline is not None:
            old = dict(env, PYTHONPATH=os.pathsep.join(
                [str(args.baseline.resolve()), env.get("PYTHONPATH", "")]))
            variants.append(("baseline ", old))
        samples: dict[str, list[tuple[float, int, float]]] = {"pass": []}
        samples.update({f"{name}{count}": [] for name, _ in variants for count in counts})
        order = [(f"{name}{count}", root, variant_env)
                 for count, root in zip(counts, projects, strict=True)
                 for name, variant_env in variants]
        for round_number in range(args.rounds + 1):
            pass_run = run([sys.executable, "-c", "pass"], scratch, env)
            # The order is turned round every other round: on this kind of machine a run
            # right after another of the same interpreter finds its pages warm, and a fixed
            # order made the same work in the two projects differ by a fifth.
            runs = {key: run(command, root, variant_env)
                    for key, root, variant_env in (order if round_number % 2 else order[::-1])}
            if round_number == 0:
                continue  # warm-up: byte-code compiled
            samples["pass"].append(pass_run)
            for key, figures in runs.items():
                samples[key].append(figures)

    base = statistics.median(s for s, _, _ in samples["pass"])
    base_cpu = statistics.median(c for _, _, c in samples["pass"])
    print(f"smartspec validate {target}: one spec, median of {args.rounds} rounds; "
          f"yardstick python -c pass {base * 1000:.1f} ms, {base_cpu * 1000:.1f} ms CPU")
    load_after = os.getloadavg()
    print(f"load average {load_before[0]:.2f} at the start, {load_after[0]:.2f} at the end")
    print(f"{'project':<25}{'registry':>12}{'median ms':>12}{'ratio':>9}{'cpu ms':>9}"
          f"{'cpu ratio':>10}{'peak RSS':>12}")
    for name, _ in variants:
        ratios, cpu_ratios, peaks = [], [], []
        for count in counts:
            figures = samples[f"{name}{count}"]
            seconds = statistics.median(s for s, _, _ in figures)
            cpu = statistics.median(c for _, _, c in figures)
            peak = max(p for _, p, _ in figures)
            ratios.append(seconds / base)
            cpu_ratios.append(cpu / base_cpu)
            peaks.append(peak)
            print(f"{f'{name}{count} specs':<25}{registry_size[count] / 1e6:>10.2f}MB"
                  f"{seconds * 1000:>12.1f}{seconds / base:>8.2f}x{cpu * 1000:>9.1f}"
                  f"{cpu / base_cpu:>9.2f}x{peak / 1024:>9.1f} MiB")
        spread = max(ratios) / min(ratios) - 1
        cpu_spread = max(cpu_ratios) / min(cpu_ratios) - 1
        growth = (max(peaks) - min(peaks)) / 1024
        print(f"{name}ratio spread {spread:.1%} (target <= {RATIO_TOLERANCE:.0%}): "
              f"{'met' if spread <= RATIO_TOLERANCE else 'missed'}; "
              f"peak memory {max(peaks) / 1024:.1f} MiB against {min(peaks) / 1024:.1f} MiB "
              f"(+{growth:.1f} MiB); CPU ratio spread {cpu_spread:.1%}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
