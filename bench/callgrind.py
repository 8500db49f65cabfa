"""Instructions one whole process executes, counted by valgrind's callgrind: the steady figure
beside the benches' times, which swing with the machine's load and even with how fast the
yardstick happens to start that minute. Shared by ``bench/edit.py`` and ``bench/startup.py``
(each run as a script, so this folder is on the path)."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path


def available() -> bool:
    return shutil.which("valgrind") is not None


def instructions(argv: list[str], cwd: Path | str, env: dict[str, str], *,
                 may_fail: bool = False) -> int:
    """Instructions the process ``argv`` executes, as callgrind counts them (its own, not the
    time). ``may_fail``: exit code 1 still counts (validate of a spec with errors)."""
    done = subprocess.run(["valgrind", "--tool=callgrind", "--callgrind-out-file=/dev/null",
                           *argv], cwd=cwd, env=env, check=False, stdout=subprocess.DEVNULL,
                          stderr=subprocess.PIPE, text=True)
    if done.returncode not in ((0, 1) if may_fail else (0,)):
        raise SystemExit(f"valgrind {' '.join(argv)} failed with exit code {done.returncode}")
    found = next((line for line in done.stderr.splitlines() if "I   refs:" in line), None)
    if found is None:
        raise SystemExit("valgrind printed no instruction count (I refs)")
    return int(found.split("I   refs:")[1].strip().replace(",", ""))
