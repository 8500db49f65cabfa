"""Description scan time for 10 KB, 100 KB and 1 MB descriptions, as ratios.

    python bench/detect_scan.py [--rounds 3]

The descriptions are the shapes that made the scan quadratic before: long comma lists of
names, with and without a closing "services", and plain prose. Every round runs the
yardstick (``python -c pass`` in a subprocess, the cost of starting any command) and then
``smartspec.detect.detect`` in this process on each size. Medians are printed with the ratio
to the yardstick and to the 10 KB case. A linear scan costs about ten times more per ten
times the bytes (target: <= 15x per 10x); the 1 MB case should stay within about a second.
"""

from __future__ import annotations

import argparse
import random
import statistics
import subprocess
import sys
import time

SIZES = (10_000, 100_000, 1_000_000)
WORDS = ("Orders", "Payments", "Inventory", "Billing", "Shipping", "Alpha Beta", "Gamma",
         "PostgreSQL", "Kafka", "REST API", "Stripe")


def descriptions(size: int) -> dict[str, str]:
    rng = random.Random(size)
    commas = ", ".join(rng.choice(WORDS) for _ in range(size // 6))[:size]
    lists = "".join(", ".join(rng.choice(WORDS) for _ in range(30)) + " and Billing services. "
                    for _ in range(size // 300 + 1))[:size]
    prose = " ".join(rng.choice(("the service stores orders in PostgreSQL", "and calls the",
                                 "Stripe API with retries;", "users pay by card."))
                     for _ in range(size // 20 + 1))[:size]
    return {"commas": commas, "lists": lists, "prose": prose}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    from smartspec.detect import detect

    cases = {size: descriptions(size) for size in SIZES}
    yardstick: list[float] = []
    timings: dict[tuple[int, str], list[float]] = {}
    for _ in range(args.rounds):
        start = time.perf_counter()
        subprocess.run([sys.executable, "-c", "pass"], check=True)
        yardstick.append(time.perf_counter() - start)
        for size, texts in cases.items():
            for shape, text in texts.items():
                start = time.perf_counter()
                detect("bench", text, {})
                timings.setdefault((size, shape), []).append(time.perf_counter() - start)
    base = statistics.median(yardstick)
    print(f"yardstick (python -c pass): {base * 1000:.1f} ms")
    print(f"{'shape':<8} {'size':>9} {'median':>10} {'x yardstick':>12} {'x 10 KB':>8}")
    for (size, shape), values in sorted(timings.items(), key=lambda kv: (kv[0][1], kv[0][0])):
        median = statistics.median(values)
        small = statistics.median(timings[(SIZES[0], shape)])
        print(f"{shape:<8} {size:>9} {median * 1000:>8.1f}ms {median / base:>12.1f} "
              f"{median / small:>8.1f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
