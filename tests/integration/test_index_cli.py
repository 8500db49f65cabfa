"""``smartspec index`` and ``smartspec graph`` end to end: the click commands through
CliRunner, the exit codes through ``cli.main``, and one real run of the installed module."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import click
import jsonschema
import pytest
from click.testing import CliRunner

from smartspec.commands.index import graph_command, index_command

DATA = Path(__file__).resolve().parents[1] / "data" / "index"
MTIME_NS = 1_700_000_000 * 10**9


def spec(spec_id: str, title: str, depends_on: tuple[str, ...] = (),
         category: str = "feature") -> str:
    settings = {"schema": 1, "id": spec_id, "title": title, "category": category,
                "depends_on": list(depends_on), "status": "draft", "version": "0.1.0",
                "repo": "private"}
    return (f"# SPEC-{spec_id.removeprefix('spec-').upper()}: {title}\n\n"
            f"<!-- smartspec: {json.dumps(settings, separators=(',', ':'))} -->\n\n"
            f"## 1. Overview\n\n{title}.\n")


def write(root: Path, spec_id: str, text: str, category: str = "feature") -> Path:
    path = root / "specs" / category / spec_id / "spec.md"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    os.utime(path, ns=(MTIME_NS, MTIME_NS))
    return path


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A project root (marked by .smartspec/) with three specs, as the working directory."""
    (tmp_path / ".smartspec").mkdir()
    write(tmp_path, "spec-core-001-auth", spec("spec-core-001-auth", "Auth", category="core"),
          category="core")
    write(tmp_path, "spec-001-alpha", spec("spec-001-alpha", "Alpha", ("spec-core-001-auth",)))
    write(tmp_path, "spec-002-beta", spec("spec-002-beta", "Beta", ("spec-001-alpha",)))
    monkeypatch.chdir(tmp_path)
    return tmp_path


def run(command: click.Command, args: list[str]) -> tuple[int, str, str]:
    result = CliRunner().invoke(command, args, catch_exceptions=False)
    return result.exit_code, result.stdout, result.stderr


def test_index_builds_then_is_up_to_date(project: Path) -> None:
    code, out, _ = run(index_command, [])
    assert code == 0
    assert out.splitlines()[0] == "SPEC_INDEX: none found; creating .smartspec/SPEC_INDEX.json"
    assert "Added (3): spec-001-alpha, spec-002-beta, spec-core-001-auth" in out
    assert out.splitlines()[-1] == "Wrote .smartspec/SPEC_INDEX.json"
    index_file = project / ".smartspec" / "SPEC_INDEX.json"
    data = json.loads(index_file.read_text())
    jsonschema.Draft202012Validator(json.loads(run(index_command, ["--schema"])[1])).validate(data)
    before = index_file.stat().st_mtime_ns
    code, out, _ = run(index_command, [])
    assert code == 0
    assert out.splitlines()[0] == "SPEC_INDEX: .smartspec/SPEC_INDEX.json"
    assert out.splitlines()[-1] == "The index is up to date."
    assert index_file.stat().st_mtime_ns == before


def test_index_json_output_is_only_json(project: Path) -> None:
    code, out, _ = run(index_command, ["--format", "json"])
    assert code == 0
    payload = json.loads(out)
    assert payload["index"] == ".smartspec/SPEC_INDEX.json"
    assert payload["added"] == ["spec-001-alpha", "spec-002-beta", "spec-core-001-auth"]
    assert payload["written"] == [".smartspec/SPEC_INDEX.json"]
    assert payload["scan"]["found"] == 3 and payload["found"] is False


def test_dry_run_prints_a_diff_and_writes_nothing(project: Path) -> None:
    run(index_command, [])
    index_file = project / ".smartspec" / "SPEC_INDEX.json"
    before = index_file.read_bytes()
    write(project, "spec-002-beta", spec("spec-002-beta", "Beta Two", ("spec-001-alpha",)))
    code, out, _ = run(index_command, ["--dry-run"])
    assert code == 0
    assert "--- a/.smartspec/SPEC_INDEX.json\n+++ b/.smartspec/SPEC_INDEX.json\n" in out
    assert '-      "title": "Beta",\n+      "title": "Beta Two",\n' in out
    assert out.splitlines()[-1] == "Dry run: nothing written."
    assert index_file.read_bytes() == before


def test_explicit_specindex_and_json_dry_run(project: Path) -> None:
    code, out, _ = run(index_command, ["--specindex", "docs/SPEC_INDEX.json", "--dry-run",
                                       "--format", "json"])
    assert code == 0
    payload = json.loads(out)
    assert (payload["index"], payload["found"], payload["written"]) == (
        "docs/SPEC_INDEX.json", False, [])
    assert payload["diff"].startswith("--- /dev/null\n+++ b/docs/SPEC_INDEX.json\n")
    assert not (project / "docs").exists()
    code, out, _ = run(index_command, ["--specindex", "docs/SPEC_INDEX.json"])
    assert code == 0 and (project / "docs" / "SPEC_INDEX.json").is_file()
    code, out, _ = run(graph_command, ["--specindex", "docs/SPEC_INDEX.json"])
    assert code == 0 and out.startswith("flowchart LR\n")


def test_migrates_an_earlier_shape_where_it_was_found(project: Path) -> None:
    legacy = project / "SPEC_INDEX.json"
    legacy.write_text((DATA / "v5.json").read_text())
    code, out, _ = run(index_command, ["--migrate"])
    assert code == 0
    assert out.splitlines()[0] == ("SPEC_INDEX: SPEC_INDEX.json (read in the v5 shape, migrated "
                                   "to the current schema)")
    data = json.loads(legacy.read_text())
    assert data["schema"] == 1 and data["project"] == "acme-payments"
    assert not (project / ".smartspec" / "SPEC_INDEX.json").exists()


def test_check_passes_then_fails_with_exit_1(project: Path) -> None:
    run(index_command, [])
    code, out, _ = run(index_command, ["--check"])
    assert (code, out) == (0, "SPEC_INDEX: .smartspec/SPEC_INDEX.json, 3 entries\n"
                              "Check passed: 0 errors, 0 warnings.\n")
    write(project, "spec-core-001-auth", spec("spec-core-001-auth", "Auth", ("spec-002-beta",),
                                              category="core"), category="core")
    run(index_command, [])
    (project / "specs/feature/spec-001-alpha/spec.md").unlink()
    code, out, _ = run(index_command, ["--check"])
    assert code == 1
    assert out.splitlines()[1:] == [
        "error: dependency cycle: spec-001-alpha -> spec-core-001-auth -> spec-002-beta -> "
        "spec-001-alpha [cycle]",
        "error: spec-001-alpha: the spec file specs/feature/spec-001-alpha/spec.md does not "
        "exist [missing-file]",
        "Check failed: 2 errors, 0 warnings.",
    ]
    code, out, _ = run(index_command, ["--check", "--format", "json"])
    assert code == 1
    payload = json.loads(out)
    assert (payload["errors"], payload["passed"]) == (2, False)
    assert [f["code"] for f in payload["findings"]] == ["cycle", "missing-file"]


def test_graph(project: Path) -> None:
    run(index_command, [])
    code, out, _ = run(graph_command, [])
    assert code == 0
    assert out.startswith("flowchart LR\n")
    assert "    n_spec_002_beta --> n_spec_001_alpha\n" in out
    code, out, _ = run(graph_command, ["--format", "dot", "--spec", "spec-core-001-auth"])
    assert code == 0
    assert '"spec-001-alpha" -> "spec-core-001-auth";' in out
    assert '"spec-core-001-auth" [label="spec-core-001-auth\\nAuth" penwidth=3];' in out


# --------------------------------------------------------------------------------------------
# Through cli.main: exit codes and one-line errors


def main(argv: list[str]) -> int:
    from smartspec.cli import main as cli_main

    return cli_main(argv)


def test_corrupt_index_is_exit_2_with_one_sentence(project: Path,
                                                   capsys: pytest.CaptureFixture[str]) -> None:
    index_file = project / ".smartspec" / "SPEC_INDEX.json"
    index_file.write_text('{"schema": 1, "specs": [{"id": "spec-001-alpha", "title": 7}]}')
    for argv in (["index"], ["index", "--check"], ["graph"]):
        assert main(argv) == 2
        captured = capsys.readouterr()
        assert captured.out == ""
        assert captured.err == (f"smartspec: error: {index_file}: at specs[0].title: expected a "
                                "string or null, got a number (7)\n")
    assert index_file.read_text() == ('{"schema": 1, "specs": [{"id": "spec-001-alpha", '
                                      '"title": 7}]}')
    assert sorted(p.name for p in index_file.parent.iterdir()) == ["SPEC_INDEX.json"]


def test_usage_errors_are_exit_2(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["index", "--check", "--dry-run"]) == 2
    assert "use --check or --dry-run, not both" in capsys.readouterr().err
    assert main(["index", "--format", "yaml"]) == 2
    assert "'yaml' is not one of 'text', 'json'" in capsys.readouterr().err
    assert main(["index", "--specs-dir", "../elsewhere"]) == 2
    assert "outside the project root" in capsys.readouterr().err
    assert main(["graph"]) == 2
    assert "no SPEC_INDEX.json found (looked for .smartspec/SPEC_INDEX.json, SPEC_INDEX.json, " \
           ".spec/SPEC_INDEX.json, specs/SPEC_INDEX.json)" in capsys.readouterr().err
    assert main(["index"]) == 0
    capsys.readouterr()
    assert main(["graph", "--spec", "spec-001-alpah"]) == 2
    assert capsys.readouterr().err == ("smartspec: error: --spec: 'spec-001-alpah' is not in the "
                                       "index (did you mean spec-001-alpha?)\n")


def test_check_exit_codes_through_main(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["index"]) == 0
    assert main(["index", "--check"]) == 0
    (project / "specs/feature/spec-002-beta/spec.md").write_text("# SPEC-002: Renamed\n")
    assert main(["index", "--check", "--format", "json"]) == 1
    out = capsys.readouterr().out
    payload = json.loads(out[out.index('{\n  "command": "index --check"'):])
    assert {f["code"] for f in payload["findings"]} == {"title-mismatch", "stale-entry"}


def test_installed_module_runs(project: Path) -> None:
    done = subprocess.run([sys.executable, "-m", "smartspec", "index", "--format", "json"],
                          capture_output=True, text=True, cwd=project, check=False)
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["specs"] == 3
