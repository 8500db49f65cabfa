"""Test helpers: build a file tree, run the CLI in a folder, hash a tree."""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager, redirect_stderr, redirect_stdout
from dataclasses import dataclass
from io import StringIO
from pathlib import Path

# 2026-11-18 11:06:40 UTC: every golden spec is rendered at this moment.
EPOCH = "1795000000"


def fresh_python_prints(probe: str) -> list[str]:
    """The words ``probe`` prints when run by a new interpreter: what a test of imports or
    of process-wide state needs, as this test process has already imported everything."""
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True,
                          check=True)
    return done.stdout.split()


def build_file_tree(root: Path, files: Mapping[str, str | bytes]) -> None:
    for name, content in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content, encoding="utf-8")


def tree_hashes(root: Path) -> dict[str, str]:
    """sha256 of every file under ``root`` (relative path -> digest)."""
    found = {}
    for path in sorted(root.rglob("*")):
        if path.is_file():
            found[path.relative_to(root).as_posix()] = hashlib.sha256(path.read_bytes()).hexdigest()
    return found


@dataclass
class Result:
    code: int
    out: str
    err: str


@contextmanager
def _environment(cwd: Path, env: Mapping[str, str | None]) -> Iterator[None]:
    old_cwd = Path.cwd()
    saved = {k: os.environ.get(k) for k in env}
    os.chdir(cwd)
    for key, value in env.items():
        if value is None:
            os.environ.pop(key, None)
        else:
            os.environ[key] = value
    try:
        yield
    finally:
        os.chdir(old_cwd)
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value


def run_cli(argv: Sequence[str], cwd: Path, env: Mapping[str, str | None] | None = None) -> Result:
    """``smartspec.cli.main(argv)`` in ``cwd`` with the clock pinned, capturing its output."""
    from smartspec.cli import main

    environment: dict[str, str | None] = {"SOURCE_DATE_EPOCH": EPOCH, "LANG": "C.UTF-8",
                                          "LC_ALL": None}
    environment.update(env or {})
    out, err = StringIO(), StringIO()
    with _environment(cwd, environment), redirect_stdout(out), redirect_stderr(err):
        code = main(list(argv))
    return Result(code, out.getvalue(), err.getvalue())


def run_installed(argv: Sequence[str], cwd: Path, env: Mapping[str, str] | None = None,
                  timeout: float = 60) -> subprocess.CompletedProcess[str]:
    """The installed ``smartspec`` command (the console script beside this Python)."""
    script = Path(sys.executable).with_name("smartspec")
    command = [str(script)] if script.exists() else [sys.executable, "-m", "smartspec"]
    environment = {**os.environ, "SOURCE_DATE_EPOCH": EPOCH, "LANG": "C.UTF-8", **(env or {})}
    environment.pop("LC_ALL", None)
    return subprocess.run([*command, *argv], cwd=cwd, env=environment, capture_output=True,
                          text=True, timeout=timeout, check=False)


def tree_snapshot(root: Path) -> dict[str, tuple[str, ...]]:
    """Everything under ``root`` a failed run could have changed: every path (hidden files and
    folders included, links not followed) with its kind, permission bits and, for a file its
    bytes' sha256, for a link its target. Two equal snapshots mean an untouched tree."""
    found: dict[str, tuple[str, ...]] = {}
    for folder, dirs, files in os.walk(root, followlinks=False):
        for name in [*dirs, *files]:
            path = Path(folder) / name
            info = path.lstat()
            rel = path.relative_to(root).as_posix()
            mode = f"{info.st_mode & 0o7777:04o}"
            if path.is_symlink():
                found[rel] = ("link", os.readlink(path))
            elif path.is_dir():
                found[rel] = ("dir", mode)
            elif path.is_file():
                found[rel] = ("file", mode, hashlib.sha256(path.read_bytes()).hexdigest())
            else:
                found[rel] = ("other", mode)
    return found


def render_case(argv: list[str]) -> str:
    """The spec ``smartspec ARGV`` writes in a fresh project (no report, no validation):
    what a golden spec file holds."""
    import tempfile

    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        result = run_cli([*argv, "--no-report", "--no-validation"], root)
        if result.code != 0:
            raise SystemExit(f"{argv}: exit {result.code}: {result.err}")
        (spec,) = root.glob("specs/*/*/spec.md")
        return spec.read_text(encoding="utf-8")


def spec_lines() -> list[str]:
    """Every distinct line (with its line break) of the specs the tests hold: those smartspec
    writes (``tests/data``, ``tests/content/golden``) and the corpus of specs people wrote. A
    reader that replaced a pattern is held to the pattern's answers on each."""
    tests = Path(__file__).resolve().parent
    return sorted({line for folder in ("data", "content/golden", "corpus")
                   for path in (tests / folder).rglob("*.md")
                   for line in path.read_text(encoding="utf-8").splitlines(keepends=True)})
