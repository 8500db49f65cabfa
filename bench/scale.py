"""Bench: ``smartspec new`` and ``smartspec edit`` in a project of 2,000 specs against the same
commands in an empty project, side by side. What a run that writes one spec pays for the
specs it does not touch: the index and the registry are read and written entry by entry
(``index.splice.IndexText``, ``registry.RegistryText``), so the ratio should stay near 1.

How it runs: the big project is the specs tree of ``bench/index.py`` (hand-written specs from
its template), indexed by ``smartspec index``, with a registry that holds a record for every
spec (copies of the record a generated spec gets, as a project whose specs smartspec wrote
has). Each round makes a new spec in each project (a new name every round) and then edits
it with new words, each a real subprocess of the installed command; an empty project is
made afresh for every round. Medians of the rounds are printed, with CPU seconds (steadier
when other work shares the cores) and, with ``--instructions`` (needs valgrind), the
instructions of one more run of each, which do not move with the load.

    python bench/scale.py [--count 2000] [--rounds 5] [--instructions]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import tempfile
from pathlib import Path

from callgrind import available, instructions
from index import CPU, make_project, timed

SMARTSPEC = Path(sys.executable).with_name("smartspec")
DESCRIPTION = "Card payments with a PostgreSQL ledger and the Stripe API"
NEW = ["new", "{name}", DESCRIPTION, "--profile=basic", "--mode=compact"]
EDIT = ["edit", "{path}", "Adds refunds of a captured payment"]


def command() -> list[str]:
    return [str(SMARTSPEC)] if SMARTSPEC.exists() else [sys.executable, "-m", "smartspec"]


def words(template: list[str], **values: str) -> list[str]:
    return [word.format(**values) for word in template]


def fill_registry(root: Path, env: dict[str, str]) -> int:
    """A record for every spec of the project, as smartspec writes them; the registry's
    size in bytes."""
    from smartspec.registry import dumps

    timed([*command(), *words(NEW, name="first-record")], root, env)
    path = root / ".smartspec" / "registry" / "critical-sections-registry.json"
    registry = json.loads(path.read_text(encoding="utf-8"))
    record = next(iter(registry["specs"].values()))
    ids = json.loads((root / ".smartspec" / "index" / "ids.json").read_text())["ids"]
    for spec_id in ids:
        registry["specs"].setdefault(spec_id, {**record, "path": f"specs/x/{spec_id}/spec.md"})
    path.write_text(dumps(registry), encoding="utf-8")
    # The next run loads it whole once and records its keys; then it is read by record.
    timed([*command(), *words(NEW, name="warm-up-registry")], root, env)
    return path.stat().st_size


def spec_of(root: Path, name: str) -> str:
    found = sorted(root.glob(f"specs/*/spec-*-{name}/spec.md"))
    if len(found) != 1:
        raise SystemExit(f"bench: expected one spec named {name} in {root}, found {found}")
    return found[0].relative_to(root).as_posix()


def main() -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--count", type=int, default=2_000, help="specs in the big project")
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--instructions", action="store_true",
                        help="also count one run of each under valgrind")
    args = parser.parse_args()
    if args.instructions and not available():
        parser.error("--instructions needs valgrind on PATH")
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    env["SOURCE_DATE_EPOCH"] = "1795000000"
    times: dict[str, list[float]] = {}
    counted: dict[str, int] = {}
    with tempfile.TemporaryDirectory(prefix="smartspec-bench-") as name:
        scratch = Path(name)
        big = scratch / "big"
        make_project(big, args.count, typical=False)
        timed([*command(), "index"], big, env)
        size = fill_registry(big, env)
        # Round 0 compiles byte-code and is not counted; the last, with --instructions, runs
        # each command under valgrind instead of timing it.
        for number in range(args.rounds + 1 + args.instructions):
            empty = scratch / f"empty-{number}"
            empty.mkdir()
            for label, root in (("empty", empty), ("big", big)):
                spec = f"bench-{number}"
                for kind in ("new", "edit"):
                    argv = [*command(), *(words(NEW, name=spec) if kind == "new"
                                          else words(EDIT, path=spec_of(root, spec)))]
                    key = f"{kind} {label}"
                    if number > args.rounds:
                        counted[key] = instructions(argv, root, env)
                    elif number > 0:
                        times.setdefault(key, []).append(timed(argv, root, env, label=key)[0])
                    else:
                        timed(argv, root, env)
    print(f"smartspec new and edit in a project of {args.count} specs (registry "
          f"{size / 1e6:.1f} MB) against an empty project, median of {args.rounds} rounds")
    print(f"{'command':<10}{'empty':>10}{'big':>10}{'ratio':>9}{'cpu ratio':>11}"
          + (f"{'instructions, empty and big':>33}" if counted else ""))
    for kind in ("new", "edit"):
        low, high = (statistics.median(times[f"{kind} {label}"]) for label in ("empty", "big"))
        cpu_ratio = min(CPU[f"{kind} big"]) / min(CPU[f"{kind} empty"])
        line = f"{kind:<10}{low:>9.3f}s{high:>9.3f}s{high / low:>8.2f}x{cpu_ratio:>10.2f}x"
        if counted:
            few, many = counted[f"{kind} empty"], counted[f"{kind} big"]
            line += f"   {few / 1e6:>9.1f} M {many / 1e6:>9.1f} M {many / few:>6.2f}x"
        print(line)
    return 0


if __name__ == "__main__":
    sys.exit(main())
