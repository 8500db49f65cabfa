"""plan, tasks, export and check-api through the command line, in a real project."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
import yaml

from tests.helpers import run_cli, run_installed, tree_hashes

PAYMENT = "Card payments with a PostgreSQL ledger, RabbitMQ queue and JWT auth"


@pytest.fixture
def spec(project: Path) -> Path:
    result = run_cli(["new", "payment-processing", PAYMENT, "--profile=financial",
                      "--domain=fintech", "--json", "--no-report"], project)
    assert result.code == 0, result.err
    return project / str(json.loads(result.out)["spec"]["path"])


def _rel(path: Path, project: Path) -> str:
    return path.relative_to(project).as_posix()


def test_tasks_then_rerun_keeps_ticks_notes_and_backs_up(project: Path, spec: Path) -> None:
    rel = _rel(spec, project)
    first = run_cli(["tasks", rel, "--json"], project)
    assert first.code == 0, first.err
    data = json.loads(first.out)
    assert data["path"] == _rel(spec.parent / "tasks.md", project) and data["backup"] is None
    tasks_md = spec.parent / "tasks.md"
    text = tasks_md.read_text(encoding="utf-8")
    assert "- [ ] T001 [P] Set up the typescript project skeleton" in text
    # The registry records the block hashes; the index names the file with its spec.
    registry = json.loads((project / ".smartspec/registry/critical-sections-registry.json")
                          .read_text(encoding="utf-8"))
    spec_id = data["spec_id"]
    assert registry["delivery"][spec_id]["tasks.md"]["blocks"]["STACK-typescript"]
    assert registry["specs"][spec_id]["sections"]  # the spec's own record is untouched
    index = json.loads((project / ".smartspec/SPEC_INDEX.json").read_text(encoding="utf-8"))
    entry = next(e for e in index["specs"] if e["id"] == spec_id) if isinstance(
        index["specs"], list) else index["specs"][spec_id]
    assert entry["delivery"] == {"tasks": _rel(tasks_md, project)}
    trace = (project / ".smartspec/trace.log").read_text(encoding="utf-8").splitlines()
    last = json.loads(trace[-1])
    assert last["command"] == "tasks" and last["files"][0] == _rel(tasks_md, project)

    ticked = text.replace("- [ ] T001 [P]", "- [x] T001 [P]").replace(
        "## Phase 2: Foundation\n", "## Phase 2: Foundation\n\nOwner: Dana.\n")
    tasks_md.write_text(ticked, encoding="utf-8")
    again = run_cli(["tasks", rel], project)
    assert again.code == 0, again.err
    assert "up to date" in again.out
    assert tasks_md.read_text(encoding="utf-8") == ticked

    # The spec gains an endpoint: one task is added, the rest stay as they were.
    spec_text = spec.read_text(encoding="utf-8")
    row = next(line for line in spec_text.splitlines() if line.startswith("| GET | `"))
    spec.write_text(spec_text.replace(row, row + "\n| DELETE | `/api/v1/payments/{id}` | Cancel |",
                                      1), encoding="utf-8")
    third = run_cli(["tasks", rel, "--json"], project)
    assert third.code == 0, third.err
    outcome = json.loads(third.out)
    assert outcome["added"] == ["EP-DELETE-api-v1-payments-id"]
    assert outcome["backup"] and (project / outcome["backup"]).read_text(encoding="utf-8") == ticked
    final = tasks_md.read_text(encoding="utf-8")
    assert "- [x] T001 [P]" in final and "Owner: Dana." in final
    assert "Implement DELETE /api/v1/payments/{id} (Cancel) — `EP-DELETE-api-v1-payments-id`" \
        in final


def test_plan_writes_every_part_and_reads_the_timeline_config(project: Path, spec: Path) -> None:
    (project / "smartspec.config.json").write_text(json.dumps(
        {"delivery": {"timeline": {"baseWeeks": {"simple": 1, "medium": 1, "complex": 1,
                                                 "very-complex": 1},
                                   "bufferMin": 0, "bufferMax": 0, "serviceStep": 0,
                                   "domainFactors": {"fintech": 1}}}}), encoding="utf-8")
    result = run_cli(["plan", _rel(spec, project)], project)
    assert result.code == 0, result.err
    plan = (spec.parent / "plan.md").read_text(encoding="utf-8")
    for heading in ("## 1. Summary", "## 2. Milestones", "## 3. Phases", "## 4. Risks",
                    "## 5. Dependencies", "## 6. Timeline"):
        assert heading in plan
    assert "**Gate:**" in plan and "**Deliverables:**" in plan
    assert "= 1 weeks" in plan and "**Domains:** fintech" in plan


def test_bad_timeline_config_is_refused_naming_the_key(project: Path, spec: Path) -> None:
    (project / "smartspec.config.json").write_text(json.dumps(
        {"delivery": {"timeline": {"baseWeeks": {"simple": -3}}}}), encoding="utf-8")
    before = tree_hashes(project)
    result = run_cli(["plan", _rel(spec, project)], project)
    assert result.code == 2
    assert "smartspec.config.json" in result.err and "baseWeeks" in result.err
    assert "Traceback" not in result.err
    assert tree_hashes(project) == before


def test_missing_spec_and_symlinked_target_exit_2_and_change_nothing(project: Path,
                                                                     spec: Path) -> None:
    before = tree_hashes(project)
    missing = run_cli(["tasks", "specs/nope/spec.md"], project)
    assert missing.code == 2 and "no such file" in missing.err
    outside = project.parent / "elsewhere.md"
    outside.write_text("mine\n", encoding="utf-8")
    os.symlink(outside, spec.parent / "plan.md")
    linked = run_cli(["plan", _rel(spec, project)], project)
    assert linked.code == 2 and "symbolic link" in linked.err
    assert outside.read_text(encoding="utf-8") == "mine\n"
    (spec.parent / "plan.md").unlink()
    assert tree_hashes(project) == before


def test_export_and_check_api_round_trip(project: Path, spec: Path) -> None:
    rel = _rel(spec, project)
    exported = run_cli(["export", "openapi", rel], project)
    assert exported.code == 0, exported.err
    document = yaml.safe_load(exported.out)
    assert document["openapi"] == "3.1.0" and document["paths"]
    (project / "api.yaml").write_text(exported.out, encoding="utf-8")
    clean = run_cli(["check-api", rel, "api.yaml"], project)
    assert clean.code == 0, clean.out + clean.err
    assert "0 errors, 0 warnings" in clean.out

    first_path = next(iter(document["paths"]))
    method = next(iter(document["paths"][first_path]))
    del document["paths"][first_path][method]
    (project / "api.json").write_text(json.dumps(document), encoding="utf-8")
    drifted = run_cli(["check-api", rel, "api.json", "--format", "json"], project)
    assert drifted.code == 1
    report = json.loads(drifted.out)
    rules = {f["rule"] for r in report["results"] for f in r["findings"]}
    assert "api-missing-operation" in rules
    sarif = run_cli(["check-api", rel, "api.json", "--format", "sarif"], project)
    log = json.loads(sarif.out)
    ids = {r["id"] for r in log["runs"][0]["tool"]["driver"]["rules"]}
    assert "API001" in ids and "SS001" not in ids
    assert log["runs"][0]["results"][0]["ruleId"] == "API001"


def test_check_api_refuses_a_broken_file_with_its_line(project: Path, spec: Path) -> None:
    (project / "api.yaml").write_text("openapi: 3.1.0\npaths: [\n", encoding="utf-8")
    result = run_cli(["check-api", _rel(spec, project), "api.yaml"], project)
    assert result.code == 2
    assert "api.yaml: line" in result.err and "Traceback" not in result.err


def test_export_asyncapi_and_refusals(project: Path, spec: Path) -> None:
    result = run_cli(["export", "asyncapi", _rel(spec, project), "--format", "json"], project)
    assert result.code == 0, result.err
    document = json.loads(result.out)
    assert document["asyncapi"] == "3.0.0" and document["channels"]
    bare = project / "specs" / "bare.md"
    bare.write_text("# Notes\n\nNothing here.\n", encoding="utf-8")
    refused = run_cli(["export", "openapi", "specs/bare.md"], project)
    assert refused.code == 2 and "no endpoints" in refused.err


def test_validate_reports_task_coverage(project: Path, spec: Path) -> None:
    rel = _rel(spec, project)
    assert run_cli(["tasks", rel], project).code == 0
    clean = run_cli(["validate", rel, "--format", "json"], project)
    passed = json.loads(clean.out)["results"][0]["passed_rules"]
    assert "task-coverage" in passed and "task-dangling" in passed
    tasks_md = spec.parent / "tasks.md"
    text = tasks_md.read_text(encoding="utf-8")
    tasks_md.write_text(text.replace("`STACK-typescript`", "`STACK-cobol`"), encoding="utf-8")
    found = run_cli(["validate", rel, "--format", "json"], project)
    findings = json.loads(found.out)["results"][0]["findings"]
    rules = sorted({f["rule"] for f in findings if f["rule"].startswith("task-")})
    assert rules == ["task-coverage", "task-dangling"]


def test_installed_command_runs_tasks(project: Path, spec: Path) -> None:
    done = run_installed(["tasks", _rel(spec, project), "--dry-run"], project)
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("# Tasks: Payment Processing")
    assert not (spec.parent / "tasks.md").exists()


def test_plan_backups_are_pruned_to_keep_backups(project: Path, spec: Path) -> None:
    rel = _rel(spec, project)
    for buffer in range(5):
        # Each round changes a timeline input, so the Timeline section is rewritten and the
        # plan before it is backed up.
        (project / "smartspec.config.json").write_text(json.dumps(
            {"output": {"keepBackups": 2},
             "delivery": {"timeline": {"bufferMin": buffer, "bufferMax": buffer}}}),
            encoding="utf-8")
        assert run_cli(["plan", rel], project).code == 0
    folder = project / ".smartspec" / "backups" / spec.parent.name
    # The clock is pinned, so every backup has the same stamp and a rising number.
    backups = sorted(folder.glob("plan.backup-*.md"),
                     key=lambda p: int(p.stem.rsplit("-", 1)[-1]) if p.stem.count("-") > 2 else 0)
    assert len(backups) == 2
    assert "Buffer: 3%" in backups[-1].read_text(encoding="utf-8")
    assert "Buffer: 2%" in backups[0].read_text(encoding="utf-8")
    assert "Buffer: 4%" in (spec.parent / "plan.md").read_text(encoding="utf-8")


def test_plan_dependencies_come_from_related_specs_and_the_index(project: Path,
                                                                 spec: Path) -> None:
    base_id = spec.parent.name
    made = run_cli(["new", "checkout", "Checkout pages calling the payment API",
                    f"--depends-on={base_id},spec-core-404-missing", "--json", "--no-report",
                    "--no-validation"], project)
    assert made.code == 0, made.err
    other = project / str(json.loads(made.out)["spec"]["path"])
    result = run_cli(["plan", _rel(other, project)], project)
    assert result.code == 0, result.err
    plan = (other.parent / "plan.md").read_text(encoding="utf-8")
    section = plan.split("## 5. Dependencies", 1)[1].split("## 6.", 1)[0]
    assert f"| {base_id} | yes | draft |" in section
    assert "| spec-core-404-missing | **missing** | |" in section
