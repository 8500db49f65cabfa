"""Start-up cost of the smartspec command, as ratios to a bare interpreter run side by side.

    python bench/startup.py [--runs 21]

Each round runs, in a fresh temp folder and one after another so that machine noise hits
them all alike: the yardstick (`python -c pass`), `smartspec --version`,
`smartspec new ... --profile=financial --domain=fintech`, `smartspec new ... --profile=basic
--mode=compact`, and `smartspec validate` of the one financial spec just written (what a
pre-commit hook pays), then the same validate once the folder has a `smartspec.config.json`,
as most projects do. The medians and their ratios to the yardstick are printed, for wall
time and for CPU time (user + system, from the kernel's account of each child process). On a
shared machine the wall ratios swing with the load; the CPU ratios much less, so both are
shown, with the load average at the start and the end. (Waiting for the disk, fsync above all,
is wall time only.)
Targets: --version <= 3x; new financial <= 6x; new basic/compact <= 5x; one-spec validate
<= 4x, with a config file too. (`bench/edit.py` prints the ratio of an edit of a 20 KB spec, target <= 6x.)

Three rows say what the runs are made of: importing only the standard-library modules the
financial `new` loads, and those the one-spec `validate` loads (the floors no change to
smartspec's own modules can go below), and the same `new` with --no-validation (the
difference is what checking the written spec costs). The last lines count the modules each of
the two commands loads beyond a bare interpreter: smartspec's own, its compiled templates and
the standard library's.

With ``--baseline BIN`` (the ``bin`` folder of another installation, e.g. an older commit's
venv) that installation's ``--version``, both ``new`` runs and the ``validate`` run in every
round too, each right beside this one's and in the other order every other round (whichever
runs second finds the interpreter's pages warm), and their rows follow. On this kind of machine
the yardstick itself moves by a quarter from one minute to the next, so a ratio from one run
says less than the comparison of two installations in the same rounds.

With ``--instructions`` (needs valgrind) the yardstick and the four commands (and the
baseline's, with ``--baseline``) also run once each under callgrind, after the timed rounds:
the instructions a process executes are the same whatever the load, so their ratios are the
figure to compare from one change, or one day, to the next. A CPU ratio near a target moves
across it with the machine; the instruction ratio says on which side the work itself is.
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from callgrind import available, instructions

SMARTSPEC = Path(sys.executable).with_name("smartspec")
DESCRIPTION = "Card and PromptPay payments with a PostgreSQL ledger, Redis queue and the Stripe API"
BASIC_DESCRIPTION = "A small notes service with a REST API and a PostgreSQL store"
SPEC = "specs/feature/spec-001-payment-processing/spec.md"
NEW_FINANCIAL = "smartspec new (financial, fintech)"
NEW_BASIC = "smartspec new (basic, compact)"
STDLIB_FLOOR = "stdlib modules new loads (floor)"
VALIDATE_FLOOR = "stdlib modules validate loads (floor)"
NEW_UNCHECKED = "smartspec new (financial) --no-validation"
VALIDATE_ONE = "smartspec validate ONE_SPEC"
VALIDATE_CONFIGURED = "smartspec validate ONE_SPEC (with a project config)"
TARGETS = {"smartspec --version": 3.0, NEW_FINANCIAL: 6.0, NEW_BASIC: 5.0, VALIDATE_ONE: 4.0,
           VALIDATE_CONFIGURED: 4.0}
# Most projects have one: the same validate once the folder holds a smartspec.config.json.
PROJECT_CONFIG = ('{"defaults": {"profile": "backend-service", "specsDir": "specs"}, '
                  '"organization": {"name": "Acme"}, "output": {"keepBackups": 5}, '
                  '"validation": {"rules": {"placeholders": "warn"}}}\n')
# The runs compared with a baseline, and their words (validate checks the spec new wrote).
COMPARED = {
    "smartspec --version": ["--version"],
    NEW_FINANCIAL: ["new", "payment-processing", DESCRIPTION, "--profile=financial",
                    "--domain=fintech"],
    NEW_BASIC: ["new", "notes", BASIC_DESCRIPTION, "--profile=basic", "--mode=compact"],
    VALIDATE_ONE: ["validate", SPEC],
}


def timed(argv: list[str], cwd: str, *, may_fail: bool = False) -> tuple[float, float]:
    """Wall time and CPU time of one whole process. ``may_fail``: validate exits 1 when the
    spec has errors, which still measures the whole run."""
    env = {**os.environ, "SOURCE_DATE_EPOCH": "1795000000"}
    # Measure what users get: bytecode cached after the warm-up round, as Python does by default.
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    done = subprocess.run(argv, cwd=cwd, env=env, check=False, stdout=subprocess.DEVNULL,
                          stderr=subprocess.DEVNULL)
    elapsed = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if done.returncode not in ((0, 1) if may_fail else (0,)):
        raise SystemExit(f"{' '.join(argv)} failed with exit code {done.returncode}")
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return elapsed, cpu


def loaded_modules(folder: str, *words: str) -> list[str]:
    """The modules a run of ``smartspec WORDS`` in ``folder`` loads beyond a bare
    interpreter's, found by running it once as the console script does."""
    # What the console script does, then the modules loaded, on stderr.
    probe = ("import sys; sys.argv = ['smartspec', *sys.argv[1:]]\n"
             "from smartspec.__main__ import run\n"
             "try:\n    run()\nexcept SystemExit:\n    pass\n"
             "print(' '.join(sorted(sys.modules)), file=sys.stderr)")
    env = {**os.environ, "SOURCE_DATE_EPOCH": "1795000000"}
    done = subprocess.run([sys.executable, "-c", probe, *words], cwd=folder, env=env,
                          capture_output=True, text=True, check=False)
    bare = subprocess.run([sys.executable, "-c", "import sys; print(' '.join(sys.modules))"],
                          capture_output=True, text=True, check=True).stdout.split()
    return [m for m in done.stderr.strip().splitlines()[-1].split() if m not in bare]


def stdlib_imports(modules: list[str]) -> str:
    """``import ...`` of the standard-library modules among ``modules``."""
    names = [m for m in modules if m.split(".")[0] in sys.stdlib_module_names
             and m.split(".")[0] not in ("nt", "_winapi", "winreg", "msvcrt")]
    return "import " + ", ".join(names)


def module_counts(modules: list[str]) -> str:
    own = sum(m.split(".")[0] == "smartspec" for m in modules)
    templates = sum(m.startswith("_smartspec_templates.") for m in modules)
    stdlib = sum(m.split(".")[0] in sys.stdlib_module_names for m in modules)
    return (f"{len(modules)} modules ({own} smartspec, {templates} compiled templates, "
            f"{stdlib} standard library)")


def count_instructions(scratch: str, command: list[str],
                       baseline: Path | None) -> dict[str, int]:
    """The instructions of the yardstick and of each compared command (and the baseline's),
    one run each in fresh folders; validate checks the spec the ``new`` before it wrote."""
    env = {**os.environ, "SOURCE_DATE_EPOCH": "1795000000"}
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    installs = [("", command)]
    if baseline is not None:
        installs.append((" (baseline)", [str(baseline / "smartspec")]))
    counted = {"python -c pass": instructions([sys.executable, "-c", "pass"], scratch, env)}
    for suffix, argv in installs:
        folder = tempfile.mkdtemp(dir=scratch)
        for name, words in COMPARED.items():
            counted[name + suffix] = instructions([*argv, *words], folder, env,
                                                  may_fail=words[0] == "validate")
        Path(folder, "smartspec.config.json").write_text(PROJECT_CONFIG, encoding="utf-8")
        counted[VALIDATE_CONFIGURED + suffix] = instructions([*argv, "validate", SPEC], folder,
                                                             env, may_fail=True)
    return counted


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=21)
    parser.add_argument("--baseline", type=Path, default=None, metavar="BIN",
                        help="bin folder of another installation to run beside this one")
    parser.add_argument("--instructions", action="store_true",
                        help="also count each command's instructions under valgrind")
    arguments = parser.parse_args()
    runs, baseline = arguments.runs, arguments.baseline
    if arguments.instructions and not available():
        parser.error("--instructions needs valgrind on PATH")
    if baseline is not None and not (baseline / "smartspec").is_file():
        raise SystemExit(f"--baseline: {baseline}/smartspec does not exist; expected the bin "
                         "folder of an installation of smartspec")
    command = [str(SMARTSPEC)] if SMARTSPEC.exists() else [sys.executable, "-m", "smartspec"]
    names = ["python -c pass", "smartspec --version", NEW_FINANCIAL, NEW_BASIC, VALIDATE_ONE,
             VALIDATE_CONFIGURED, STDLIB_FLOOR, VALIDATE_FLOOR, NEW_UNCHECKED]
    if baseline is not None:
        names += [f"{name} (baseline)" for name in COMPARED]
    samples: dict[str, list[tuple[float, float]]] = {name: [] for name in names}
    load_before = os.getloadavg()[0]
    with tempfile.TemporaryDirectory() as scratch:
        probed = tempfile.mkdtemp(dir=scratch)
        new_modules = loaded_modules(probed, "new", "payment-processing", DESCRIPTION,
                                     "--profile=financial", "--domain=fintech")
        validate_modules = loaded_modules(probed, "validate", SPEC)
        new_floor, validate_floor = stdlib_imports(new_modules), stdlib_imports(validate_modules)
        for round_number in range(runs + 1):
            folder = tempfile.mkdtemp(dir=scratch)
            unchecked = tempfile.mkdtemp(dir=scratch)
            older = tempfile.mkdtemp(dir=scratch)
            round_times = {"python -c pass": timed([sys.executable, "-c", "pass"], folder)}
            for name, words in COMPARED.items():
                pair = [(name, command, folder)]
                if baseline is not None:
                    # Side by side, in the other order every other round.
                    theirs = (f"{name} (baseline)", [str(baseline / "smartspec")], older)
                    pair = [pair[0], theirs] if round_number % 2 else [theirs, pair[0]]
                for label, argv, where in pair:
                    round_times[label] = timed([*argv, *words], where,
                                               may_fail=words[0] == "validate")
            Path(folder, "smartspec.config.json").write_text(PROJECT_CONFIG, encoding="utf-8")
            round_times[VALIDATE_CONFIGURED] = timed([*command, "validate", SPEC], folder,
                                                     may_fail=True)
            round_times[STDLIB_FLOOR] = timed([sys.executable, "-c", new_floor], folder)
            round_times[VALIDATE_FLOOR] = timed([sys.executable, "-c", validate_floor], folder)
            round_times[NEW_UNCHECKED] = timed(
                [*command, *COMPARED[NEW_FINANCIAL], "--no-validation"], unchecked)
            if round_number == 0:
                continue  # warm-up: first run compiles bytecode
            for name, value in round_times.items():
                samples[name].append(value)
        counted = count_instructions(scratch, command, baseline) if arguments.instructions \
            else {}
    base = statistics.median(wall for wall, _ in samples["python -c pass"])
    base_cpu = statistics.median(cpu for _, cpu in samples["python -c pass"])
    print(f"{'command':<52} {'median ms':>10} {'ratio':>7} {'cpu ms':>8} {'cpu ratio':>9}  target")
    for name, values in samples.items():
        median = statistics.median(wall for wall, _ in values)
        cpu = statistics.median(cpu for _, cpu in values)
        ratio = median / base
        target = TARGETS.get(name.removesuffix(" (baseline)"))
        verdict = "" if target is None else f"<= {target:.0f}x {'ok' if ratio <= target else 'MISSED'}"
        print(f"{name:<52} {median * 1000:>10.1f} {ratio:>6.2f}x {cpu * 1000:>8.1f} "
              f"{cpu / base_cpu:>8.2f}x  {verdict}")
    if baseline is not None:
        for name in COMPARED:
            now = statistics.median(cpu for _, cpu in samples[name])
            then = statistics.median(cpu for _, cpu in samples[f"{name} (baseline)"])
            print(f"{name}: {now * 1000:.1f} ms of CPU against the baseline's "
                  f"{then * 1000:.1f} ms ({then / now:.2f}x faster now)")
    if counted:
        print("instructions (callgrind, one run each; the same whatever the load):")
        for name, count in counted.items():
            target = TARGETS.get(name.removesuffix(" (baseline)"))
            against = "" if target is None else f"  (target <= {target:.0f}x in time)"
            print(f"  {name:<50} {count / 1e6:>8.1f} M {count / counted['python -c pass']:>6.2f}x"
                  f"{against}")
    print(f"{NEW_FINANCIAL} loads {module_counts(new_modules)}")
    print(f"{VALIDATE_ONE} loads {module_counts(validate_modules)}")
    print(f"({runs} rounds, interleaved; Python {sys.version.split()[0]}; load average "
          f"{load_before:.1f} at the start, {os.getloadavg()[0]:.1f} at the end)")


if __name__ == "__main__":
    main()
