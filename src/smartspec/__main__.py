"""``python -m smartspec`` and the ``smartspec`` console script."""

from __future__ import annotations

import os
import sys


def run() -> None:
    argv = sys.argv[1:]
    if argv == ["--version"]:
        # Fast path: answering --version must not pay for importing the CLI stack.
        from smartspec import __version__

        sys.stdout.write(f"smartspec {__version__}\n")
        sys.exit(0)
    if argv[:1] == ["index"] and "_SMARTSPEC_COMPLETE" not in os.environ:
        # Fast path: an index with nothing changed is answered from the scan manifest's stat
        # block before the CLI stack is imported (None: the command runs as always).
        from smartspec.index.quiet import answer

        code = answer(argv[1:])
        if code is not None:
            sys.exit(code)
    # One command is a short process whose objects (modules, classes, the parsed spec) mostly
    # live until it exits; at the default thresholds the collector scans them some 35 times
    # during a `new`, about 8 ms for nothing. Young objects are collected every 50,000
    # allocations instead (as mypy does for the same reason): cycles are still freed.
    import gc

    gc.set_threshold(50_000, 20, 20)
    from smartspec.cli import main

    code = main(argv)
    # At exit the interpreter collects every generation once more before it frees the
    # modules: a full scan of all the run's objects (about 6% of an edit's instructions)
    # that finds next to nothing, as the run's objects live until the end anyway. Frozen
    # objects are left out of that scan; they are still freed, and files are already closed.
    gc.freeze()
    sys.exit(code)


if __name__ == "__main__":
    run()
