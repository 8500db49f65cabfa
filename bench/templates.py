"""Size and load time of the compiled templates: what a financial `smartspec new` unmarshals.

    python bench/templates.py [--runs 15] [--package DIR ...]

Each DIR holds a ``_smartspec_templates`` package (by default: the templates compiled now by
this checkout's ``template_compiler``, in a temporary folder; pass the folder of an older
build to compare). For each one the script compiles its bytecode, prints the bytes of all its
``.pyc`` files and of the ones a financial `new` loads, then imports those modules in fresh
interpreters, one package after the other in each round so that machine noise hits them
alike, and prints the median time of the imports alone (runtime already imported), with the
median time to render the financial spec's sections with them, and the load average.
"""

from __future__ import annotations

import argparse
import compileall
import os
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

PACKAGE = "_smartspec_templates"
DESCRIPTION = "Card and PromptPay payments with a PostgreSQL ledger, Redis queue and the Stripe API"

# In a fresh interpreter, in an empty folder: run the financial `new` (no report, no
# validation), timing the calls that import compiled templates and the whole rendering. Prints
# the two in ms (rendering without the imports) and the template modules loaded.
PROBE = f"""\
import os, sys, tempfile, time
from smartspec import cli, render
spent = {{"load": 0.0, "render": 0.0}}
def timed(key, func):
    def call(*args, **kwargs):
        start = time.perf_counter()
        try:
            return func(*args, **kwargs)
        finally:
            spent[key] += time.perf_counter() - start
    return call
render.compiled_template = timed("load", render.compiled_template)
render.render = timed("render", render.render)
os.chdir(tempfile.mkdtemp())
code = cli.main(["new", "payment-processing", {DESCRIPTION!r}, "--profile=financial",
                 "--domain=fintech", "--no-report", "--no-validation"])
assert code == 0, code
modules = sorted(m for m in sys.modules if m.startswith("{PACKAGE}."))
print(spent["load"] * 1000, (spent["render"] - spent["load"]) * 1000, " ".join(modules))
"""


def pyc_bytes(package: Path, modules: list[str] | None = None) -> int:
    """Bytes of the package's compiled bytecode (of ``modules`` only, when given)."""
    total = 0
    for pyc in (package / "__pycache__").glob("*.pyc"):
        name = f"{PACKAGE}.{pyc.name.split('.')[0]}"
        if modules is None or name in modules:
            total += pyc.stat().st_size
    return total


def probe(folder: Path) -> tuple[float, float, list[str]]:
    env = {**os.environ, "SOURCE_DATE_EPOCH": "1795000000", "SMARTSPEC_NO_CACHE": "1",
           "PYTHONPATH": os.pathsep.join([str(folder), os.environ.get("PYTHONPATH", "")])}
    env.pop("SMARTSPEC_NO_COMPILED_TEMPLATES", None)
    done = subprocess.run([sys.executable, "-c", PROBE], env=env, capture_output=True,
                          text=True, check=False)
    if done.returncode != 0:
        raise SystemExit(done.stderr.strip().splitlines()[-1])
    loaded, rendered, *modules = done.stdout.strip().splitlines()[-1].split()
    return float(loaded), float(rendered), modules


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--package", action="append", type=Path, default=[],
                        help="a folder holding a _smartspec_templates package")
    args = parser.parse_args()
    load_before = os.getloadavg()[0]
    with tempfile.TemporaryDirectory() as scratch:
        folders: list[Path] = list(args.package)
        if not folders:
            from smartspec import render
            from smartspec.template_compiler import write_package

            write_package(Path(render.__file__).parent / "templates", Path(scratch))
            folders = [Path(scratch)]
        for folder in folders:
            if not (folder / PACKAGE).is_dir():
                raise SystemExit(f"{folder}: no {PACKAGE} package in this folder")
            compileall.compile_dir(str(folder / PACKAGE), quiet=1)
        samples: dict[Path, list[tuple[float, float]]] = {f: [] for f in folders}
        loaded_modules: dict[Path, list[str]] = {}
        for round_number in range(args.runs + 1):
            for folder in folders:
                loaded, rendered, modules = probe(folder)
                loaded_modules[folder] = modules
                if round_number:
                    samples[folder].append((loaded, rendered))
        print(f"{'package':<44} {'pyc bytes':>10} {'loaded':>8} {'of them':>10} "
              f"{'load ms':>8} {'render ms':>9}")
        for folder in folders:
            package = folder / PACKAGE
            modules = loaded_modules[folder]
            label = "compiled now" if folder == Path(scratch) else str(folder)
            print(f"{label:<44} {pyc_bytes(package):>10} {len(modules):>8} "
                  f"{pyc_bytes(package, modules):>10} "
                  f"{statistics.median(s[0] for s in samples[folder]):>8.2f} "
                  f"{statistics.median(s[1] for s in samples[folder]):>9.2f}")
    print(f"({args.runs} rounds; Python {sys.version.split()[0]}; load average "
          f"{load_before:.1f} at the start, {os.getloadavg()[0]:.1f} at the end)")


if __name__ == "__main__":
    main()
