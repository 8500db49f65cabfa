"""``python -m smartspec`` and the ``smartspec`` console script."""

from __future__ import annotations

import sys


def run() -> None:
    argv = sys.argv[1:]
    if argv == ["--version"]:
        # Fast path: answering --version must not pay for importing the CLI stack.
        from smartspec import __version__

        sys.stdout.write(f"smartspec {__version__}\n")
        sys.exit(0)
    from smartspec.cli import main

    sys.exit(main(argv))


if __name__ == "__main__":
    run()
