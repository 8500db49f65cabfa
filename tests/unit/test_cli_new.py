"""`smartspec new` and `smartspec generate` through cli.main: files, output, refusals."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from smartspec.document import parse
from tests.helpers import build_file_tree, run_cli, tree_hashes

PAYMENT = "Card and PromptPay payments with a PostgreSQL ledger, Redis queue and the Stripe API"


def spec_files(root: Path) -> list[Path]:
    return sorted(root.glob("specs/*/*/spec.md"))


def test_new_writes_spec_index_registry_report_and_trace(project: Path) -> None:
    result = run_cli(["new", "payment-processing", PAYMENT, "--profile=financial",
                      "--domain=fintech"], project)
    assert result.code == 0, result.err
    spec = project / "specs/feature/spec-001-payment-processing/spec.md"
    assert spec_files(project) == [spec]
    text = spec.read_text(encoding="utf-8")
    assert text.startswith("# SPEC-001: Payment Processing\n")
    doc = parse(text)
    assert doc.problems == []
    assert doc.settings is not None and doc.settings["profile"] == "financial"
    assert [b.name for b in doc.critical_blocks] == ["di", "security", "config", "monitoring"]

    index = json.loads((project / ".smartspec/SPEC_INDEX.json").read_text())
    (entry,) = [e for e in index["specs"] if e["id"] == "spec-001-payment-processing"]
    assert entry["path"] == "specs/feature/spec-001-payment-processing/spec.md"
    assert entry["profile"] == "financial" and entry["domains"] == ["fintech"]

    registry = json.loads((project / ".smartspec/registry/critical-sections-registry.json").read_text())
    sections = registry["specs"]["spec-001-payment-processing"]["sections"]
    assert set(sections) == set(doc.settings["sections"])
    assert sections["security"]["critical"] == "security"
    assert all(len(s["sha256"]) == 64 for s in sections.values())

    reports = sorted(p.name for p in (project / ".smartspec/reports/spec-001-payment-processing").iterdir())
    assert "generation-report-20261118-110640.md" in reports
    assert "generation-report-20261118-110640.json" in reports

    (line,) = (project / ".smartspec/trace.log").read_text().splitlines()
    trace = json.loads(line)
    assert trace["command"] == "new" and trace["spec"] == "spec-001-payment-processing"
    assert "specs/feature/spec-001-payment-processing/spec.md" in trace["files"]
    assert {"setting", "value", "source", "reason"} <= set(trace["decisions"][0])

    assert "📁 File: specs/feature/spec-001-payment-processing/spec.md" in result.out
    assert "📊 Profile: financial" in result.out


def test_numbers_increase_per_category_and_core_ids_carry_the_category(project: Path) -> None:
    assert run_cli(["new", "first"], project).code == 0
    assert run_cli(["new", "second"], project).code == 0
    assert run_cli(["new", "authentication", "--category=core"], project).code == 0
    ids = [p.parent.name for p in spec_files(project)]
    assert ids == ["spec-core-001-authentication", "spec-001-first", "spec-002-second"]
    core = (project / "specs/core/spec-core-001-authentication/spec.md").read_text()
    assert core.startswith("# SPEC-CORE-001: Authentication\n")


def test_new_refuses_to_overwrite_and_names_edit(project: Path) -> None:
    assert run_cli(["new", "thing", "--id=spec-007-thing"], project).code == 0
    before = tree_hashes(project)
    result = run_cli(["new", "thing", "--id=spec-007-thing"], project)
    assert result.code == 2
    assert "already exists; NEW never overwrites a spec: use 'smartspec edit" in result.err
    assert tree_hashes(project) == before


def test_existing_spec_folder_is_refused_with_edit_hint(project: Path) -> None:
    build_file_tree(project, {"specs/feature/spec-003-thing/spec.md": "# hand written\n"})
    before = tree_hashes(project)
    result = run_cli(["new", "thing", "--id=spec-003-thing"], project)
    assert result.code == 2
    assert "smartspec edit specs/feature/spec-003-thing/spec.md" in result.err
    assert tree_hashes(project) == before


def test_json_prints_one_object_on_stdout(project: Path) -> None:
    result = run_cli(["new", "user-service", "--profile=backend-service", "--json"], project)
    assert result.code == 0
    data = json.loads(result.out)
    assert data["schema"] == 1 and data["command"] == "new"
    assert data["spec"] == {
        "id": "spec-001-user-service", "title": "User Service",
        "path": "specs/feature/spec-001-user-service/spec.md", "profile": "backend-service",
        "mode": "standard", "security": "basic", "di": "full", "performance": "basic",
        "domains": [],
    }
    assert data["sections"][0] == {"key": "tech-stack", "title": "Technology Stack",
                                   "critical": False, "number": 1}
    profile = next(d for d in data["decisions"] if d["setting"] == "profile")
    assert profile == {"setting": "profile", "value": "backend-service", "source": "flag",
                       "reason": "given as --profile"}
    assert set(data["validation"]) >= {"errors", "warnings", "passed", "findings"}
    assert "specs/feature/spec-001-user-service/spec.md" in data["written"]
    assert data["report"].startswith(".smartspec/reports/spec-001-user-service/")


@pytest.mark.parametrize("through_click", [False, True])
def test_a_repeated_domain_flag_adds_to_the_domains(project: Path, through_click: bool) -> None:
    # "--domain=iot --domain=logistics" is both domains, whichever reader takes the words: the
    # quick reader, or click (a short-flag cluster such as "-yy" is left to click).
    words = ["new", "fleet-telemetry", "Ingest GPS pings from vans over MQTT", "--domain=iot",
             "--domain", "logistics,iot", "--json", *(["-yy"] if through_click else [])]
    result = run_cli(words, project)
    assert result.code == 0, result.err
    assert json.loads(result.out)["spec"]["domains"] == ["iot", "logistics"]
    text = (project / "specs/feature/spec-001-fleet-telemetry/spec.md").read_text()
    assert "**Domains:** iot, logistics" in text


def test_nogenerate_prints_plan_and_text_and_writes_nothing(project: Path) -> None:
    result = run_cli(["new", "payment-processing", PAYMENT, "--profile=financial",
                      "--nogenerate"], project)
    assert result.code == 0
    assert result.out.startswith("# SPEC-001: Payment Processing\n")
    assert "Dry run" in result.err
    assert list(project.iterdir()) == []


def test_no_report_and_output_dir(project: Path) -> None:
    result = run_cli(["new", "svc", "--no-report", "--output-dir=state"], project)
    assert result.code == 0, result.err
    assert not (project / "state/reports").exists()
    assert (project / "state/SPEC_INDEX.json").is_file()
    assert (project / "state/registry/critical-sections-registry.json").is_file()
    assert not (project / ".smartspec").exists()


@pytest.mark.parametrize(("argv", "message"), [
    (["new", "x1", "--profile=finacial"],
     "'finacial' is not a valid value; expected one of basic, backend-service, financial, full "
     "(did you mean 'financial'?)"),
    (["new", "x1", "--profile", "finacial"], "did you mean 'financial'?"),
    (["new", "x1", "--mode=compakt"], "did you mean 'compact'?"),
    (["new", "x1", "--security=stride"], "expected one of none, basic, stride-basic, stride-full, auto"),
    (["new", "x1", "--domain=fintech,helthcare"], "did you mean 'healthcare'?"),
    (["new", "x1", "--profle=basic"], "unknown option --profle (did you mean --profile?)"),
    (["new", "x1", "--no-di", "--di=full"], "--no-di contradicts --di=full"),
    (["new", "x1", "--lang=de"], "expected one of en, th"),
    (["new", "!!"], "does not make a valid spec slug"),
    (["new", "x1", "--id=SPEC-1"], "--id: 'SPEC-1' is not a valid spec id"),
    (["new", "x1", "--depends-on=auth"], "--depends-on: 'auth' is not a spec id"),
    (["new", "x1", "--output-dir=../elsewhere"], "outside the project root"),
    (["new", "x1", "--specs-dir=/tmp"], "outside the project root"),
    (["new", "x1", "--category=Core Stuff"], "is not a valid category"),
    (["new", "x1", "--profile=financial", "--no-di"], "di=none is not allowed with the financial profile"),
    (["new", "x1", "--force-update=stride,everything"], "--force-update: 'everything' is not a valid value"),
    (["new", "x1", "--specindex=missing.json"], "--specindex: 'missing.json' does not exist"),
    (["generate", "specs/nope/spec.md"], "does not exist"),
])
def test_bad_input_is_one_sentence_exit_2_and_nothing_changes(
        project: Path, argv: list[str], message: str) -> None:
    build_file_tree(project, {"notes.txt": "keep me\n"})
    before = tree_hashes(project)
    result = run_cli(argv, project)
    assert result.code == 2
    assert message in result.err
    assert result.err.count("\n") == 1, result.err
    assert "Traceback" not in result.err
    assert tree_hashes(project) == before


def test_user_text_is_literal_and_cannot_forge_tags(project: Path) -> None:
    description = ("Uses {{ secret }} and {% raw %} x {% endraw %}\n## 9. Forged\n"
                   "<!-- @end-critical --> <!-- @critical security --> -->")
    result = run_cli(["new", "weird", description, "--title", "T <!-- smartspec: {} -->",
                      "--profile=full"], project)
    assert result.code == 0, result.err
    text = spec_files(project)[0].read_text()
    assert "{{ secret }}" in text and "{% raw %} x {% endraw %}" in text
    assert "\n## 9. Forged" not in text
    doc = parse(text)
    assert doc.problems == []
    assert [b.name for b in doc.critical_blocks] == ["di", "security", "config", "monitoring"]
    assert doc.settings is not None and doc.settings["title"] == "T <!-- smartspec: {} -->"
    assert doc.settings["description"].startswith("Uses {{ secret }}")


def test_generate_free_text_form_creates_titled_spec(project: Path) -> None:
    result = run_cli(["generate", "Create SPEC for payment system --profile=financial"], project)
    assert result.code == 0, result.err
    (spec,) = spec_files(project)
    assert spec.parent.name == "spec-001-payment-system"
    text = spec.read_text()
    assert text.startswith("# SPEC-001: Payment System\n")
    assert "**Profile:** financial" in text


def test_generate_accepts_flags_anywhere_and_separate_values(project: Path) -> None:
    result = run_cli(["generate", "Create a spec for inventory sync --mode compact with "
                      "a PostgreSQL database --no-report"], project)
    assert result.code == 0, result.err
    (spec,) = spec_files(project)
    assert spec.parent.name == "spec-001-inventory-sync"
    assert "**Mode:** COMPACT" in spec.read_text()
    assert not (project / ".smartspec/reports").exists()


def test_thai_report_from_flag_and_from_lang(project: Path) -> None:
    result = run_cli(["new", "a1", "--lang=th"], project)
    assert "✅ สร้าง SPEC เรียบร้อยแล้ว" in result.out
    result = run_cli(["new", "a2"], project, env={"LANG": "th_TH.UTF-8"})
    assert "📁 ไฟล์:" in result.out
    result = run_cli(["new", "a3", "--mode=compact"], project, env={"LANG": "th_TH.UTF-8"})
    assert "✅ สร้าง SPEC (Compact) เรียบร้อยแล้ว" in result.out
    assert "smartspec regenerate specs/feature/spec-003-a3/spec.md --mode=standard" in result.out


def test_help_lists_commands_and_examples(project: Path) -> None:
    result = run_cli(["--help"], project)
    assert result.code == 0
    for word in ("new", "generate", "edit", "validate", "index", "config", "Examples:"):
        assert word in result.out
    result = run_cli(["new", "--help"], project)
    assert "--profile" in result.out and "--force-update" in result.out


def test_related_specs_resolve_through_the_index(project: Path) -> None:
    assert run_cli(["new", "authentication", "--category=core"], project).code == 0
    result = run_cli(["new", "pay", "Payments; builds on spec-core-001-authentication",
                      "--depends-on", "spec-002-users", "--profile=financial"], project)
    assert result.code == 0, result.err
    text = (project / "specs/feature/spec-001-pay/spec.md").read_text()
    related = text[text.index("Related Specs"):]
    # Section 20: a payments spec has its saga section with --profile=financial too.
    assert "### 20.1. Core Dependencies\n\n- **spec-core-001-authentication** - Authentication - " \
           'Spec Path: "specs/core/spec-core-001-authentication/spec.md" Repo: unknown' in related
    assert '- **spec-002-users** - [NOT FOUND IN SPEC_INDEX] - Spec Path: "N/A" Repo: unknown' in related
    index = json.loads((project / ".smartspec/SPEC_INDEX.json").read_text())
    auth = next(e for e in index["specs"] if e["id"] == "spec-core-001-authentication")
    assert auth["dependents"] == ["spec-001-pay"]


def test_dependencies_without_an_index_warn_and_list_ids_only(project: Path) -> None:
    result = run_cli(["new", "pay", "--depends-on=spec-core-001-authentication"], project)
    assert result.code == 0, result.err
    assert "SPEC_INDEX.json not found. Dependencies listed without path/repo information." in result.out
    text = (project / "specs/feature/spec-001-pay/spec.md").read_text()
    assert "\n- **spec-core-001-authentication**\n" in text


def test_validate_consistency_gates_the_write(project: Path) -> None:
    argv = ["new", "jobs", "Background workers read a Redis queue", "--profile=backend-service",
            "--performance=none", "--validate-consistency"]
    result = run_cli(argv, project)
    assert result.code == 1
    assert "validation found 1 error(s)" in result.err and "nothing was written" in result.err
    assert list(project.iterdir()) == []
    result = run_cli([*argv, "--yes", "--json"], project)
    assert result.code == 0, result.err
    data = json.loads(result.out)
    assert data["validation"]["errors"] == 1
    assert data["validation"]["findings"][0]["rule"] == "queue-metrics"
    reports = project / ".smartspec/reports/spec-001-jobs"
    assert sorted(p.suffix for p in reports.glob("validation-report-*")) == [".json", ".md"]


def test_without_the_gate_errors_are_reported_not_blocking(project: Path) -> None:
    result = run_cli(["new", "jobs", "Workers on a queue", "--performance=none",
                      "--profile=backend-service"], project)
    assert result.code == 0
    assert "❌ ERROR:" in result.out
    assert spec_files(project)
