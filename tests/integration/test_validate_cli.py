"""``smartspec validate`` end to end: through ``cli.main`` in a project folder, plus a few real
runs of the installed command. Exit 0 clean, 1 errors found, 2 could not run."""

from __future__ import annotations

import json
import re
from pathlib import Path

import jsonschema
import pytest

from smartspec.document import block_hash, parse
from tests.helpers import build_file_tree, run_cli, run_installed
from tests.rules import spec

ROOT = Path(__file__).resolve().parent.parent.parent
GOLDEN = ROOT / "tests" / "data" / "golden"
CLEAN = (GOLDEN / "backend-service-standard.md").read_text(encoding="utf-8")
FINANCIAL = (GOLDEN / "financial-standard.md").read_text(encoding="utf-8")
BROKEN = spec("""
    # Jobs

    ## 1. Overview

    Users log in with a JWT.

    ## 2. Architecture

    Workers consume the queue.

    ## 3. Performance Requirements

    - P99 < 300ms
    """)
# Only a warning (a placeholder), no error.
WARNS = spec("""
    # Notes

    ## Overview

    Owner: TBD
    """)


@pytest.fixture
def tree(project: Path) -> Path:
    build_file_tree(project, {
        ".smartspec/config.json": "{}",
        "specs/feature/spec-001-clean/spec.md": CLEAN,
        "specs/feature/spec-002-broken/spec.md": BROKEN,
        "specs/feature/notes.md": BROKEN,  # not a spec.md: never searched for
        "specs/.drafts/spec.md": BROKEN,  # hidden folder: skipped
        ".smartspec/backups/spec-002/spec.md": BROKEN,  # outside specs/ anyway
    })
    return project


def test_default_folder_reports_errors_with_file_and_line(tree: Path) -> None:
    result = run_cli(["validate"], tree)
    assert result.code == 1, result.err
    assert "🔍 Consistency Check Results: specs/feature/spec-002-broken/spec.md" in result.out
    assert ("❌ ERROR: specs/feature/spec-002-broken/spec.md:9: Queue mentioned (\"workers\") "
            "but no queue performance metrics [SS002 queue-metrics]") in result.out
    assert "spec-001-clean" not in result.out
    assert ".drafts" not in result.out and "notes.md" not in result.out
    assert result.out.rstrip().splitlines()[-1].endswith("(2 files, 1 with errors)")
    assert result.err == ""


def test_one_clean_file_lists_passed_checks(tree: Path) -> None:
    result = run_cli(["validate", "specs/feature/spec-001-clean/spec.md"], tree)
    assert result.code == 0, result.out
    assert "✅ PASS: All required sections present" in result.out
    assert result.out.rstrip().splitlines()[-1].startswith("Summary: 0 errors, 0 warnings, ")


def test_paths_are_shown_relative_to_the_working_directory(tree: Path) -> None:
    result = run_cli(["validate", "spec-002-broken"], tree / "specs" / "feature")
    assert result.code == 1
    assert "spec-002-broken/spec.md:9:" in result.out


def test_a_file_named_twice_is_checked_once(tree: Path) -> None:
    result = run_cli(["validate", "specs", "./specs/feature/spec-002-broken/spec.md",
                      "--format", "json"], tree)
    assert json.loads(result.out)["summary"]["files"] == 2


def test_json_output(tree: Path) -> None:
    result = run_cli(["validate", "--format", "json"], tree)
    assert result.code == 1
    data = json.loads(result.out)
    assert data["schema"] == 1 and data["tool"]["name"] == "smartspec"
    assert data["summary"] == {"files": 2, "errors": 2, "warnings": 0,
                               "passed": data["summary"]["passed"], "failed_files": 1}
    broken = next(r for r in data["results"] if "broken" in r["path"])
    assert [(f["code"], f["line"]) for f in broken["findings"]] == [("SS005", 5), ("SS002", 9)]
    assert {s["rule"] for s in broken["skipped"]} >= {"settings-comment", "related-specs"}


def test_sarif_output_is_valid_and_relative_to_the_root(tree: Path) -> None:
    result = run_cli(["validate", ".", "--format", "sarif"], tree / "specs")
    assert result.code == 1
    log = json.loads(result.out)
    schema = json.loads((ROOT / "tests" / "data" / "sarif-schema-2.1.0.json").read_text())
    jsonschema.Draft4Validator(schema).validate(log)
    uris = {r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
            for r in log["runs"][0]["results"]}
    assert uris == {"specs/feature/spec-002-broken/spec.md"}


def test_strict_turns_warnings_into_failures(project: Path) -> None:
    build_file_tree(project, {"specs/a/spec.md": WARNS})
    relaxed = run_cli(["validate"], project)
    assert relaxed.code == 0 and "⚠️  WARN: specs/a/spec.md:5: Unfilled placeholder 'TBD'" in (
        relaxed.out)
    strict = run_cli(["validate", "--strict"], project)
    assert strict.code == 1 and "❌ ERROR: specs/a/spec.md:5: Unfilled placeholder" in strict.out


def test_thai_report(tree: Path) -> None:
    result = run_cli(["validate", "--lang", "th"], tree)
    assert result.code == 1
    assert "❌ ข้อผิดพลาด: specs/feature/spec-002-broken/spec.md:9: มีการกล่าวถึงคิว" in result.out
    assert "สรุป: ข้อผิดพลาด 2 รายการ" in result.out


def test_config_severity_and_language(tree: Path) -> None:
    build_file_tree(tree, {"smartspec.config.json": json.dumps({
        "language": "th", "validation": {"rules": {"queue-metrics": "warn",
                                                   "auth-security-section": "off"}}})})
    result = run_cli(["validate"], tree)
    assert result.code == 0, result.out
    assert "⚠️  คำเตือน: specs/feature/spec-002-broken/spec.md:9:" in result.out


def test_missing_path_is_a_usage_error(tree: Path) -> None:
    result = run_cli(["validate", "nope.md"], tree)
    assert result.code == 2
    assert result.err == ("smartspec: error: nope.md: no such file or folder; expected a "
                          "spec.md or a folder of specs\n")
    assert result.out == ""


def test_no_specs_folder(project: Path) -> None:
    result = run_cli(["validate"], project)
    assert result.code == 2
    assert "no specs folder 'specs'" in result.err


def test_a_folder_without_specs_is_not_an_error(project: Path) -> None:
    build_file_tree(project, {"specs/readme.md": "# x\n"})
    result = run_cli(["validate"], project)
    assert result.code == 0
    assert "no spec.md files under" in result.err


def test_unknown_rule_in_config(tree: Path) -> None:
    build_file_tree(tree, {"smartspec.config.json": json.dumps(
        {"validation": {"rules": {"queue-metric": "error"}}})})
    result = run_cli(["validate"], tree)
    assert result.code == 2
    assert result.err.startswith("smartspec: error: smartspec.config.json: "
                                 "validation.rules.queue-metric: unknown rule 'queue-metric'")
    assert result.out == ""


def test_validation_disabled(tree: Path) -> None:
    build_file_tree(tree, {"smartspec.config.json": json.dumps({"validation": {"enabled": False}})})
    result = run_cli(["validate"], tree)
    assert result.code == 0
    assert "validation is disabled" in result.err and result.out == ""
    as_json = run_cli(["validate", "--format", "json"], tree)
    assert json.loads(as_json.out)["summary"]["files"] == 0


def test_a_file_that_is_not_utf8(tree: Path) -> None:
    build_file_tree(tree, {"specs/feature/spec-003-bad/spec.md": b"# T\n\xff\xfe\n"})
    result = run_cli(["validate"], tree)
    assert result.code == 2
    assert ("specs/feature/spec-003-bad/spec.md: line 2: byte 0xff is not UTF-8; expected a "
            "UTF-8 Markdown spec") in result.err


def test_a_binary_file_is_refused_by_the_one_spec_reader(tree: Path) -> None:
    build_file_tree(tree, {"specs/feature/spec-003-bin/spec.md": b"# T\n\nab\x00cd\n"})
    result = run_cli(["validate"], tree)
    assert result.code == 2
    assert ("specs/feature/spec-003-bin/spec.md: line 3: holds a NUL byte, so it is a binary "
            "file; expected a UTF-8 Markdown spec") in result.err


def test_related_specs_resolve_against_the_index(project: Path) -> None:
    index = {"schema": 1, "specs": [
        {"id": "spec-004-payment-processing", "title": "Payments",
         "path": "specs/feature/spec-004-payment-processing/spec.md"}]}
    text = FINANCIAL.replace('"depends_on":[]', '"depends_on":["spec-core-001-auth"]')
    assert text != FINANCIAL
    build_file_tree(project, {".smartspec/SPEC_INDEX.json": json.dumps(index),
                              "specs/feature/spec-001-order-service/spec.md": text})
    result = run_cli(["validate", "--format", "json"], project)
    findings = json.loads(result.out)["results"][0]["findings"]
    assert [(f["rule"], f["message"]) for f in findings] == [(
        "related-specs",
        "Related spec spec-core-001-auth is not in the index (.smartspec/SPEC_INDEX.json)")]
    assert result.code == 0  # a warning


def test_critical_text_changed_outside_smartspec(project: Path) -> None:
    doc = parse(FINANCIAL)
    spec_id = doc.settings["id"] if doc.settings else ""
    security = next(s for s in doc.sections if s.critical and s.critical.name == "security")
    registry = {"schema": 1, "specs": {spec_id: {
        "path": f"specs/feature/{spec_id}/spec.md",
        "sections": {"security": {"title": security.title, "critical": "security",
                                  "sha256": block_hash(doc.section_text(security))}}}}}
    edited = FINANCIAL.replace(security.heading.text, security.heading.text + " (reviewed)")
    build_file_tree(project, {
        ".smartspec/registry/critical-sections-registry.json": json.dumps(registry),
        f"specs/feature/{spec_id}/spec.md": edited})
    result = run_cli(["validate"], project)
    assert result.code == 0
    assert f"{security.heading.line + 1}: Critical section" in result.out
    assert "[SS105 critical-text-changed]" in result.out
    build_file_tree(project, {f"specs/feature/{spec_id}/spec.md": FINANCIAL})
    assert "SS105" not in run_cli(["validate"], project).out


def test_critical_text_changed_found_in_a_large_registry(project: Path) -> None:
    # The registry as smartspec writes it, the spec's record among hundreds of others: the
    # record is found by bisecting the file, and the check sees the same fingerprints.
    from smartspec.registry import dumps

    doc = parse(FINANCIAL)
    spec_id = doc.settings["id"] if doc.settings else ""
    security = next(s for s in doc.sections if s.critical and s.critical.name == "security")
    others = {f"spec-{n:03d}-{kind}": {"path": f"specs/feature/spec-{n:03d}-{kind}/spec.md",
                                       "sections": {"security": {"critical": "security",
                                                                 "sha256": "0" * 64}}}
              for n in range(1, 400) for kind in ("a", "zz")}
    records = {**others, spec_id: {
        "path": f"specs/feature/{spec_id}/spec.md", "updated": "2026-01-15T09:00:00Z",
        "sections": {"security": {"title": security.title, "critical": "security",
                                  "sha256": block_hash(doc.section_text(security))}}}}
    edited = FINANCIAL.replace(security.heading.text, security.heading.text + " (reviewed)")
    build_file_tree(project, {
        ".smartspec/registry/critical-sections-registry.json":
            dumps({"schema": 1, "specs": records}),
        f"specs/feature/{spec_id}/spec.md": edited})
    shown = f"specs/feature/{spec_id}/spec.md"
    result = run_cli(["validate", shown], project)
    assert "[SS105 critical-text-changed]" in result.out
    build_file_tree(project, {shown: FINANCIAL})
    result = run_cli(["validate", shown], project)
    assert "SS105" not in result.out
    assert "Critical sections match the registry" in result.out


def test_a_malformed_registry_cannot_run(tree: Path) -> None:
    build_file_tree(tree, {".smartspec/registry/critical-sections-registry.json": "{nope"})
    result = run_cli(["validate"], tree)
    assert result.code == 2
    assert "critical-sections-registry.json: line 1, column 2: invalid JSON" in result.err


def test_many_files_over_worker_processes_give_the_same_report(project: Path) -> None:
    files = {f"specs/feature/spec-{n:03d}-x/spec.md": (BROKEN if n % 7 == 0 else CLEAN)
             for n in range(80)}
    build_file_tree(project, files)
    serial = run_cli(["validate", "--format", "json", "--jobs", "1"], project)
    parallel = run_cli(["validate", "--format", "json", "--jobs", "2"], project)
    assert serial.code == parallel.code == 1
    assert serial.out == parallel.out
    data = json.loads(parallel.out)
    assert data["summary"]["files"] == 80 and data["summary"]["failed_files"] == 12
    paths = [r["path"] for r in data["results"]]
    assert paths == sorted(paths)


def test_installed_command(tree: Path) -> None:
    done = run_installed(["validate", "--format", "json"], tree)
    assert done.returncode == 1, done.stderr
    assert json.loads(done.stdout)["summary"]["failed_files"] == 1
    clean = run_installed(["validate", "specs/feature/spec-001-clean/spec.md"], tree)
    assert clean.returncode == 0 and "Summary: 0 errors" in clean.stdout


def test_pre_commit_hook_definition() -> None:
    text = (ROOT / ".pre-commit-hooks.yaml").read_text(encoding="utf-8")
    hooks = [line for line in text.splitlines() if line and not line.startswith("#")]
    assert re.fullmatch(r"-\s+id: smartspec-validate", hooks[0])
    fields = dict(line.strip().split(": ", 1) for line in hooks[1:])
    assert fields["entry"] == "smartspec validate"
    assert fields["language"] == "python"
    assert re.search(fields["files"], "specs/feature/spec-001-x/spec.md")
    assert not re.search(fields["files"], "docs/myspec.md")
