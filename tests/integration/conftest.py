"""Fixtures for the content checks that need real tools: a throwaway PostgreSQL server and the
Node tools (Mermaid's parser, markdownlint-cli2) installed by ``tools/ci-content.sh``.

A missing tool skips its tests with the reason on a developer's machine, and fails them in CI
(``CI=true``), where ``tools/ci-content.sh`` must have installed everything.
"""

from __future__ import annotations

import glob
import os
import pwd
import re
import shutil
import socket
import subprocess
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
NODE_TOOLS = REPO / "tools" / "node"


def in_ci() -> bool:
    return os.environ.get("CI", "").lower() in ("1", "true", "yes")


def missing(reason: str) -> None:
    """Skip locally; fail in CI, where the tool must be there."""
    if in_ci():
        pytest.fail(f"{reason} (CI=true: tools/ci-content.sh must provide it)")
    pytest.skip(reason)


# --------------------------------------------------------------------------------------------
# PostgreSQL


def server_binaries() -> Path | None:
    """The newest /usr/lib/postgresql/<major>/bin with initdb, pg_ctl and psql, or None."""
    found = []
    for initdb in glob.glob("/usr/lib/postgresql/*/bin/initdb"):
        bin_dir = Path(initdb).parent
        major = re.search(r"/postgresql/(\d+)", initdb)
        if major and all((bin_dir / tool).exists() for tool in ("pg_ctl", "psql", "postgres")):
            found.append((int(major.group(1)), bin_dir))
    return max(found)[1] if found else None


@dataclass
class PgServer:
    """A running server on a Unix socket in a private temporary folder."""

    bin_dir: Path
    socket_dir: Path
    port: int
    major: int

    def psql(self, sql: str, *, db: str = "postgres", check: bool = True,
             tuples: bool = False) -> subprocess.CompletedProcess[str]:
        args = [str(self.bin_dir / "psql"), "-X", "-q", "-h", str(self.socket_dir),
                "-p", str(self.port), "-U", "postgres", "-d", db, "-v", "ON_ERROR_STOP=1"]
        if tuples:
            args += ["-A", "-t", "-F", "\t"]
        result = subprocess.run(args, input=sql, capture_output=True, text=True, timeout=60,
                                check=False)
        if check and result.returncode != 0:
            raise AssertionError(f"psql failed ({result.returncode}): {result.stderr.strip()}\n"
                                 f"--- SQL ---\n{sql[:4000]}")
        return result

    def rows(self, sql: str, *, db: str) -> list[list[str]]:
        out = self.psql(sql, db=db, tuples=True).stdout
        return [line.split("\t") for line in out.splitlines() if line]

    def fresh_database(self, name: str) -> str:
        safe = re.sub(r"[^a-z0-9_]", "_", name.lower())[:50]
        self.psql(f"DROP DATABASE IF EXISTS {safe};")
        self.psql(f"CREATE DATABASE {safe};")
        return safe


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture(scope="session")
def postgres() -> Iterator[PgServer]:
    """initdb into a temporary folder and start a server listening only on a Unix socket
    there, as the current user (as the ``postgres`` OS user when running as root)."""
    bin_dir = server_binaries()
    if bin_dir is None:
        missing("no PostgreSQL server binaries in /usr/lib/postgresql/*/bin "
                "(install them with tools/ci-content.sh or apt-get install postgresql)")
        raise AssertionError("unreachable")
    major = int(re.search(r"/postgresql/(\d+)", str(bin_dir)).group(1))  # type: ignore[union-attr]
    base = Path(tempfile.mkdtemp(prefix="smartspec-pg-"))
    run_as: list[str] = []
    if os.geteuid() == 0:
        # The server refuses to run as root: hand the folder to the postgres OS user.
        try:
            user = pwd.getpwnam("postgres")
        except KeyError:
            shutil.rmtree(base, ignore_errors=True)
            missing("running as root and there is no 'postgres' OS user to run the server as")
            raise AssertionError("unreachable") from None
        os.chown(base, user.pw_uid, user.pw_gid)
        base.chmod(0o755)
        runner = shutil.which("runuser")
        run_as = [runner, "-u", "postgres", "--"] if runner else ["su", "postgres", "-c"]
    data = base / "data"
    port = _free_port()

    def run(*argv: str) -> subprocess.CompletedProcess[str]:
        command = [*run_as, *argv]
        if run_as[:1] == ["su"]:
            command = [*run_as, " ".join(f"'{a}'" for a in argv)]
        return subprocess.run(command, capture_output=True, text=True, timeout=120, check=False)

    init = run(str(bin_dir / "initdb"), "-D", str(data), "-U", "postgres", "-A", "trust",
               "-E", "UTF8", "--locale=C", "--no-sync")
    if init.returncode != 0:
        shutil.rmtree(base, ignore_errors=True)
        pytest.fail(f"initdb failed: {init.stderr.strip() or init.stdout.strip()}")
    options = f"-k {base} -p {port} -c listen_addresses='' -F"
    start = run(str(bin_dir / "pg_ctl"), "-D", str(data), "-o", options, "-l",
                str(base / "server.log"), "-w", "-t", "60", "start")
    if start.returncode != 0:
        log = (base / "server.log").read_text(errors="replace") if (base / "server.log").exists() else ""
        shutil.rmtree(base, ignore_errors=True)
        pytest.fail(f"pg_ctl start failed: {start.stderr.strip()}\n{log[-2000:]}")
    try:
        yield PgServer(bin_dir, base, port, major)
    finally:
        run(str(bin_dir / "pg_ctl"), "-D", str(data), "-m", "immediate", "-w", "stop")
        shutil.rmtree(base, ignore_errors=True)


# --------------------------------------------------------------------------------------------
# Node tools


@pytest.fixture(scope="session")
def node_tools() -> Path:
    """tools/node with its packages installed (``npm ci`` in tools/node)."""
    if shutil.which("node") is None:
        missing("Node.js is not installed (tools/ci-content.sh installs it)")
    for package in ("mermaid", "jsdom", "markdownlint-cli2"):
        if not (NODE_TOOLS / "node_modules" / package).is_dir():
            missing(f"tools/node/node_modules/{package} is missing: run 'npm ci' in tools/node")
    return NODE_TOOLS
