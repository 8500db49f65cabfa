"""Start-up cost of the smartspec command, as ratios to a bare interpreter run side by side.

    python bench/startup.py [--runs 21]

Each round runs the yardstick (`python -c pass`), `smartspec --version` and
`smartspec new ... --profile=financial --domain=fintech` (in a fresh temp folder) one after
another, so machine noise hits all three alike; the medians and their ratios are printed.
Targets (issue 2): --version <= 3x, new <= 5x the yardstick.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

SMARTSPEC = Path(sys.executable).with_name("smartspec")
DESCRIPTION = "Card and PromptPay payments with a PostgreSQL ledger, Redis queue and the Stripe API"


def timed(argv: list[str], cwd: str) -> float:
    env = {**os.environ, "SOURCE_DATE_EPOCH": "1795000000"}
    # Measure what users get: bytecode cached after the warm-up round, as Python does by default.
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    start = time.perf_counter()
    subprocess.run(argv, cwd=cwd, env=env, check=True, stdout=subprocess.DEVNULL,
                   stderr=subprocess.DEVNULL)
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=21)
    runs = parser.parse_args().runs
    command = [str(SMARTSPEC)] if SMARTSPEC.exists() else [sys.executable, "-m", "smartspec"]
    samples: dict[str, list[float]] = {"python -c pass": [], "smartspec --version": [],
                                       "smartspec new (financial, fintech)": []}
    with tempfile.TemporaryDirectory() as scratch:
        for round_number in range(runs + 1):
            folder = tempfile.mkdtemp(dir=scratch)
            times = [
                timed([sys.executable, "-c", "pass"], folder),
                timed([*command, "--version"], folder),
                timed([*command, "new", "payment-processing", DESCRIPTION,
                       "--profile=financial", "--domain=fintech"], folder),
            ]
            if round_number == 0:
                continue  # warm-up: first run compiles bytecode
            for name, value in zip(samples, times, strict=True):
                samples[name].append(value)
    base = statistics.median(samples["python -c pass"])
    print(f"{'command':<38} {'median ms':>10} {'ratio':>7}  target")
    targets = {"smartspec --version": 3.0, "smartspec new (financial, fintech)": 5.0}
    for name, values in samples.items():
        median = statistics.median(values)
        ratio = median / base
        target = targets.get(name)
        verdict = "" if target is None else f"<= {target:.0f}x {'ok' if ratio <= target else 'MISSED'}"
        print(f"{name:<38} {median * 1000:>10.1f} {ratio:>6.2f}x  {verdict}")
    print(f"({runs} rounds, interleaved; Python {sys.version.split()[0]})")


if __name__ == "__main__":
    main()
