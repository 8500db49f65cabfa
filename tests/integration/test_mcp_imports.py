"""Only ``smartspec mcp`` may import the MCP SDK or smartspec.mcpserver: every other command
keeps its start-up free of pydantic, starlette and anyio."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from tests.helpers import EPOCH

# Run the CLI in a fresh interpreter, then report which of the watched modules got imported.
PROBE = """
import json, sys
from smartspec.cli import main
code = main(sys.argv[1:])
watched = [m for m in sys.modules if m == "mcp" or m.startswith(("mcp.", "mcp_types"))
           or m == "smartspec.mcpserver"]
sys.stderr.write("\\nPROBE " + json.dumps({"code": code, "imported": sorted(watched)}) + "\\n")
"""

COMMANDS = [
    ["--version"],
    ["--help"],
    ["new", "payment-processing", "Card payments with PostgreSQL", "--profile=financial"],
    ["validate", "specs"],
    ["index"],
    ["index", "--check", "--format", "json"],
    ["graph", "--format", "json"],
    ["init", "--agent", "claude"],
    ["init", "--list", "--json"],
    ["schema", "json-output"],
    ["config"],
    ["nwe", "--json"],
]


def _probe(argv: list[str], cwd: Path) -> dict[str, object]:
    done = subprocess.run([sys.executable, "-c", PROBE, *argv], cwd=cwd, capture_output=True,
                          text=True, timeout=120, check=False,
                          env={"SOURCE_DATE_EPOCH": EPOCH, "LANG": "C.UTF-8", "PATH": "/usr/bin"})
    line = [ln for ln in done.stderr.splitlines() if ln.startswith("PROBE ")]
    assert line, done.stderr
    return dict(json.loads(line[-1][6:]))


def test_no_other_command_imports_the_mcp_sdk(project: Path) -> None:
    for argv in COMMANDS:
        found = _probe(argv, project)
        assert found["imported"] == [], (argv, found)
    # The probe is able to see the SDK: listing the tools loads the server module.
    pytest.importorskip("mcp")
    found = _probe(["mcp", "--list-tools"], project)
    assert "smartspec.mcpserver" in found["imported"]  # type: ignore[operator]


def test_mcp_without_the_extra_says_how_to_install_it(project: Path,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    from tests.helpers import run_cli

    monkeypatch.setitem(sys.modules, "mcp", None)  # what an install without the extra sees
    result = run_cli(["mcp"], project)
    assert result.code == 2
    assert result.err == ("smartspec: error: the MCP server needs the official MCP SDK; install "
                          "it with pip install 'smartspec[mcp]'\n")
