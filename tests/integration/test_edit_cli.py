"""`smartspec edit`, `regenerate` and `restore` through cli.main, on specs written by
`smartspec new` and then changed by hand (issue 4). Template wording is never asserted: only
the structure, the person's text, and the files written."""

from __future__ import annotations

import json
import os
import stat
from pathlib import Path
from typing import Any

import pytest

from smartspec.document import parse
from tests.helpers import build_file_tree, run_cli, tree_hashes

PAYMENT = "Card payments with a PostgreSQL ledger, Redis queue and the Stripe API"
SPEC4 = "specs/feature/spec-004/spec.md"


# -- helpers (also used by the malformed, crash and concurrency tests) ----------------------------


def new_spec(project: Path, *args: str) -> Path:
    """`smartspec new ARGS --json` in ``project``; the spec's path."""
    result = run_cli(["new", *args, "--json"], project)
    assert result.code == 0, result.err
    return project / str(json.loads(result.out)["spec"]["path"])


def financial_spec(project: Path) -> Path:
    return new_spec(project, "payment-processing", PAYMENT, "--profile=financial",
                    "--domain=fintech")


def section_lines(path: Path, title_part: str) -> tuple[list[str], int, int]:
    text = path.read_text(encoding="utf-8")
    doc = parse(text)
    section = next(s for s in doc.sections if title_part in s.title)
    return doc.lines, section.heading.line, section.end


def add_to_section(path: Path, title_part: str, line: str) -> None:
    """A person adds a line right under a section's heading."""
    lines, heading, _ = section_lines(path, title_part)
    lines.insert(heading + 2, line + "\n\n")
    path.write_text("".join(lines), encoding="utf-8")


def add_section_after(path: Path, title_part: str, title: str, body: str) -> None:
    """A person adds a whole section after an existing one."""
    lines, _, end = section_lines(path, title_part)
    lines[end:end] = [f"## {title}\n", "\n", body + "\n", "\n", "---\n", "\n"]
    path.write_text("".join(lines), encoding="utf-8")


def critical_text(path: Path, name: str) -> str:
    doc = parse(path.read_text(encoding="utf-8"))
    block = next(b for b in doc.critical_blocks if b.name == name)
    return doc.text(block.open_line, block.close_line + 1)


def edit(project: Path, *args: str) -> tuple[int, dict[str, Any], str]:
    result = run_cli(["edit", *args, "--json"], project)
    data = json.loads(result.out) if result.out.strip() else {}
    return result.code, data, result.err


def fates(data: dict[str, Any]) -> dict[str, str]:
    return {c["title"]: c["fate"] for c in data.get("section_changes", [])}


def registry(project: Path) -> dict[str, Any]:
    path = project / ".smartspec/registry/critical-sections-registry.json"
    data: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return data


def backups(project: Path, spec_id: str) -> list[Path]:
    folder = project / ".smartspec/backups" / spec_id
    return sorted(folder.iterdir()) if folder.is_dir() else []


# -- edit ---------------------------------------------------------------------------------------


def test_edit_with_nothing_new_changes_nothing(project: Path) -> None:
    spec = financial_spec(project)
    before = spec.read_bytes()
    code, data, err = edit(project, str(spec.relative_to(project)))
    assert code == 0, err
    assert spec.read_bytes() == before
    assert data["changed"] is False and data["backup"] is None
    assert backups(project, data["spec"]["id"]) == []
    assert all(c["fate"] in ("unchanged", "kept-critical") for c in data["section_changes"])


def test_edit_keeps_what_a_person_wrote_and_writes_backup_registry_index_trace(project: Path) -> None:
    spec = financial_spec(project)
    rel = str(spec.relative_to(project))
    add_to_section(spec, "Architecture", "PERSON: the ledger is append-only, decided 2026-11-01.")
    add_to_section(spec, "Security Threat Model", "PERSON: pen test booked for Q1.")
    add_section_after(spec, "Data Model", "Team Decisions", "PERSON: we chose PostgreSQL 16.")
    security_before = critical_text(spec, "security")
    before = spec.read_bytes()

    code, data, err = edit(project, rel, "--domain=fintech,saas")
    assert code == 0, err
    text = spec.read_text(encoding="utf-8")
    for line in ("PERSON: the ledger is append-only", "PERSON: pen test booked",
                 "PERSON: we chose PostgreSQL 16."):
        assert line in text
    assert critical_text(spec, "security") == security_before
    titles = [s.title for s in parse(text).sections]
    assert "Multi-Tenancy" in titles
    assert titles.index("Team Decisions") == titles.index("Data Model & Schema") + 1
    result = fates(data)
    assert result["Architecture"] == "kept-edited"
    assert result["Team Decisions"] == "kept-added"
    assert result["Multi-Tenancy"] == "added"
    assert result["Security Threat Model (STRIDE-Full)"] == "kept-critical"
    notes = [c["note"] for c in data["section_changes"] if c["fate"] == "kept-edited"]
    assert "kept your edits in Architecture; --force-update=architecture to replace" in notes

    spec_id = data["spec"]["id"]
    (backup,) = backups(project, spec_id)
    assert backup.read_bytes() == before and data["backup"] == str(backup.relative_to(project))
    sections = registry(project)["specs"][spec_id]["sections"]
    assert "tenancy" in sections and sections["architecture"]["sha256"]
    index = json.loads((project / ".smartspec/SPEC_INDEX.json").read_text())
    (entry,) = [e for e in index["specs"] if e["id"] == spec_id]
    assert entry["domains"] == ["fintech", "saas"]
    last = json.loads((project / ".smartspec/trace.log").read_text().splitlines()[-1])
    assert last["command"] == "edit" and rel in last["files"]
    assert {"key": "architecture", "title": "Architecture", "fate": "kept-edited"} in last["sections"]
    report = project / data["report"]
    assert report.name.startswith("edit-report-")
    markdown = report.read_text(encoding="utf-8")
    assert "## Section Changes" in markdown and "kept (edited by a person)" in markdown
    assert f"**Backup:** {data['backup']}" in markdown

    # A second edit with nothing new changes nothing: the person's edits stay "edited".
    again = spec.read_bytes()
    code, data, _ = edit(project, rel)
    assert code == 0 and spec.read_bytes() == again and data["changed"] is False


def test_console_report_lists_every_section_fate_in_english_and_thai(project: Path) -> None:
    spec = financial_spec(project)
    rel = str(spec.relative_to(project))
    add_to_section(spec, "Overview", "PERSON: overview note.")
    result = run_cli(["edit", rel, "--domain=fintech,saas"], project)
    assert result.code == 0, result.err
    assert "🔀 Section changes:" in result.out
    assert "Overview: kept (edited by a person)" in result.out
    assert "kept your edits in Overview; --force-update=overview to replace" in result.out
    assert "Multi-Tenancy: added" in result.out
    assert "💾 Backup: .smartspec/backups/spec-001-payment-processing/spec.backup-" in result.out
    thai = run_cli(["edit", rel, "--domain=fintech", "--lang=th"], project)
    assert thai.code == 0, thai.err
    assert "การเปลี่ยนแปลงของแต่ละหัวข้อ" in thai.out and "คงไว้ (ผู้ใช้แก้ไข)" in thai.out


def test_example_6_force_update_stride_and_config(project: Path) -> None:
    """Reference §15 Example 6: `smartspec edit specs/feature/spec-004/spec.md
    --force-update=stride,config` updates the STRIDE and Config sections and preserves the
    other critical sections."""
    spec = new_spec(project, "financial-system", PAYMENT, "--profile=financial", "--id=spec-004")
    assert spec == project / SPEC4
    pristine = {name: critical_text(spec, name) for name in ("security", "config")}
    for title in ("Security Threat Model", "Configuration Schema", "Dependency Injection",
                  "Monitoring"):
        add_to_section(spec, title, f"PERSON: reviewed {title}.")
    kept = {name: critical_text(spec, name) for name in ("di", "monitoring")}

    code, data, err = edit(project, SPEC4, "--force-update=stride,config")
    assert code == 0, err
    assert critical_text(spec, "security") == pristine["security"]
    assert critical_text(spec, "config") == pristine["config"]
    assert critical_text(spec, "di") == kept["di"] and critical_text(spec, "monitoring") == kept["monitoring"]
    result = fates(data)
    assert result["Security Threat Model (STRIDE-Full)"] == "forced"
    assert result["Configuration Schema"] == "forced"
    assert result["Dependency Injection Pattern"] == "kept-critical"
    assert result["Monitoring & Observability"] == "kept-critical"
    # The person's words in the replaced sections are in the backup.
    (backup,) = backups(project, "spec-004")
    assert "PERSON: reviewed Security Threat Model." in backup.read_text(encoding="utf-8")


def test_generate_with_a_spec_path_is_edit(project: Path) -> None:
    spec = new_spec(project, "financial-system", PAYMENT, "--profile=financial", "--id=spec-004")
    add_to_section(spec, "Configuration Schema", "PERSON: config note.")
    result = run_cli(["generate", f"{SPEC4} --force-update=stride,config"], project)
    assert result.code == 0, result.err
    assert "PERSON: config note." not in spec.read_text(encoding="utf-8")
    assert "Configuration Schema: regenerated (--force-update)" in result.out


def test_nogenerate_prints_a_unified_diff_and_writes_nothing(project: Path) -> None:
    spec = financial_spec(project)
    rel = str(spec.relative_to(project))
    add_to_section(spec, "Overview", "PERSON: overview note.")
    before = tree_hashes(project)
    result = run_cli(["edit", rel, "--domain=fintech,saas", "--nogenerate"], project)
    assert result.code == 0, result.err
    assert result.out.startswith(f"--- a/{rel}\n+++ b/{rel}\n@@ ")
    assert "+## " in result.out and "Multi-Tenancy" in result.out
    assert "-PERSON" not in result.out
    assert tree_hashes(project) == before
    data = json.loads(run_cli(["edit", rel, "--domain=saas,fintech", "--nogenerate", "--json"],
                              project).out)
    assert data["dry_run"] is True and data["diff"].startswith("--- a/") and data["written"] == []
    assert tree_hashes(project) == before


def test_crlf_line_endings_and_a_missing_final_newline_are_kept(project: Path) -> None:
    spec = new_spec(project, "report-exporter", "--profile=basic", "--security=basic",
                    "--di=minimal")
    add_to_section(spec, "Overview", "PERSON: overview note.")
    spec.write_bytes(spec.read_bytes().replace(b"\n", b"\r\n").rstrip(b"\r\n"))
    code, _, err = edit(project, str(spec.relative_to(project)), "--performance=basic")
    assert code == 0, err
    data = spec.read_bytes()
    assert b"\n" not in data.replace(b"\r\n", b"") and not data.endswith(b"\n")
    assert b"PERSON: overview note.\r\n" in data and b"Performance Requirements\r\n" in data


def test_a_utf8_bom_and_file_permissions_are_kept(project: Path) -> None:
    spec = new_spec(project, "report-exporter", "--profile=basic")
    spec.write_bytes(b"\xef\xbb\xbf" + spec.read_bytes())
    os.chmod(spec, 0o640)
    code, _, err = edit(project, str(spec.relative_to(project)), "--security=basic")
    assert code == 0, err
    assert spec.read_bytes().startswith(b"\xef\xbb\xbf# SPEC-001")
    assert stat.S_IMODE(spec.stat().st_mode) == 0o640


def test_a_section_a_person_deleted_stays_deleted(project: Path) -> None:
    spec = financial_spec(project)
    rel = str(spec.relative_to(project))
    lines, heading, end = section_lines(spec, "When to Use")
    del lines[heading:end]
    spec.write_text("".join(lines), encoding="utf-8")
    code, data, err = edit(project, rel, "--domain=fintech,saas")
    assert code == 0, err
    text = spec.read_text(encoding="utf-8")
    assert "When to Use" not in [s.title for s in parse(text).sections][:5]
    change = next(c for c in data["section_changes"] if c["key"] == "when-to-use")
    assert change["fate"] == "left-out" and "--force-update=when-to-use" in change["note"]
    assert data["validation"]["errors"] == 0, data["validation"]
    code, data, _ = edit(project, rel, "--force-update=when-to-use")
    assert code == 0 and fates(data)["When to Use / When NOT to Use"] == "added"


def test_hand_written_spec_is_adopted_first_and_completed_in_its_own_style(project: Path) -> None:
    text = (
        "# Billing Service\n\nWritten by the team.\n\n"
        "## 1) Overview\n\nBills customers monthly.\n\n"
        "## 2) สถาปัตยกรรม\n\nบริการเดียว\n\n"
        "## 3) Glossary\n\n- Invoice: a bill.\n"
    )
    build_file_tree(project, {"docs/billing.md": text, "smartspec.config.json": "{}"})
    before = tree_hashes(project)
    # A spec smartspec did not write is never re-planned as a whole, even with a profile.
    code, _, err = edit(project, "docs/billing.md", "--profile=basic")
    assert code == 2 and "smartspec adopt docs/billing.md" in err
    assert tree_hashes(project) == before
    code, _, err = edit(project, "docs/billing.md", "--adopt", "--complete")
    assert code == 0, err
    result = (project / "docs/billing.md").read_text(encoding="utf-8")
    for line in text.splitlines():
        assert line in result.splitlines()
    doc = parse(result)
    assert doc.settings is not None and doc.settings.get("adopted")
    numbers = [h.text.split(")")[0] for h in doc.headings if h.level == 2]
    assert numbers == [str(n) for n in range(1, len(numbers) + 1)], numbers
    again = (project / "docs/billing.md").read_bytes()
    code, _, _ = edit(project, "docs/billing.md")
    assert code == 0
    assert (project / "docs/billing.md").read_bytes() == again


def test_header_lines_a_person_changed_are_kept(project: Path) -> None:
    spec = financial_spec(project)
    text = spec.read_text(encoding="utf-8").replace("**Status:** DRAFT", "**Status:** APPROVED")
    spec.write_text(text, encoding="utf-8")
    code, _, err = edit(project, str(spec.relative_to(project)), "--domain=fintech,saas")
    assert code == 0, err
    result = spec.read_text(encoding="utf-8")
    assert "**Status:** APPROVED" in result and "**Domains:** fintech, saas" in result
    assert parse(result).settings["status"] == "approved"  # type: ignore[index]


def test_edit_refuses_to_change_the_id_or_category(project: Path) -> None:
    spec = financial_spec(project)
    rel = str(spec.relative_to(project))
    before = tree_hashes(project)
    for flag, word in (("--id=spec-009-other", "id"), ("--category=core", "category")):
        result = run_cli(["edit", rel, flag], project)
        assert result.code == 2 and word in result.err and result.err.count("\n") == 1
    assert tree_hashes(project) == before


def test_validate_consistency_gate_writes_nothing(project: Path) -> None:
    spec = new_spec(project, "report-exporter", "--profile=basic")
    add_to_section(spec, "Overview", "PERSON: users log in with JWT authentication.")
    before = tree_hashes(project)
    result = run_cli(["edit", str(spec.relative_to(project)), "--validate-consistency",
                      "--mode=standard", "--performance=basic"], project)
    assert result.code == 1, result.out + result.err
    assert "nothing was written" in result.err
    assert tree_hashes(project) == before


def test_a_failed_write_puts_everything_back(project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    spec = financial_spec(project)
    add_to_section(spec, "Overview", "PERSON: overview note.")
    before = tree_hashes(project)
    from smartspec import workspace

    def full_disk(self: workspace.Workspace, path: Path, text: str | bytes) -> None:
        raise OSError(28, "No space left on device", str(path))

    monkeypatch.setattr(workspace.Workspace, "write_spec", full_disk)
    result = run_cli(["edit", str(spec.relative_to(project)), "--domain=fintech,saas"], project)
    assert result.code == 2 and "No space left on device" in result.err
    assert tree_hashes(project) == before


def test_lock_timeout_names_the_holder(project: Path) -> None:
    spec = financial_spec(project)
    from smartspec.fswrite import locked

    before = tree_hashes(project)
    with locked(spec.resolve(), folder=project / ".smartspec" / "locks"):
        result = run_cli(["edit", str(spec.relative_to(project)), "--domain=saas"], project,
                         env={"SMARTSPEC_LOCK_TIMEOUT": "0.2"})
    assert result.code == 2
    assert f"held by process {os.getpid()}" in result.err
    assert tree_hashes(project) == before


# -- regenerate ---------------------------------------------------------------------------------


def test_regenerate_compact_to_standard_and_back_keeps_every_person_line(project: Path) -> None:
    spec = new_spec(project, "report-exporter", "Exports reports as CSV over a REST API",
                    "--mode=compact")
    rel = str(spec.relative_to(project))
    notes = ("PERSON: overview note.", "PERSON: constraints note.", "PERSON: technical note.",
             "PERSON: acceptance note.")
    for title, note in zip(("Overview", "Constraints", "Technical Specification", "Acceptance Tests"),
                           notes, strict=True):
        add_to_section(spec, title, note)

    result = run_cli(["regenerate", rel, "--mode=standard", "--profile=backend-service",
                      "--json"], project)
    assert result.code == 0, result.err
    data = json.loads(result.out)
    text = spec.read_text(encoding="utf-8")
    assert all(note in text for note in notes)
    assert data["spec"]["mode"] == "standard"
    moved = {c["key"]: c["moved_from"] for c in data["section_changes"] if c["fate"] == "moved"}
    assert moved == {"overview": "compact-overview", "api": "compact-technical",
                     "performance": "compact-constraints", "testing": "compact-acceptance"}
    titles = [s.title for s in parse(text).sections]
    assert "Earlier sections" not in titles and "Technology Stack" in titles

    # Back to compact: the person's text returns; the critical sections the standard layout
    # added are protected, so they wait under "Earlier sections" ...
    back = run_cli(["regenerate", rel, "--mode=compact", "--json"], project)
    assert back.code == 0, back.err
    text = spec.read_text(encoding="utf-8")
    titles = [s.title for s in parse(text).sections]
    assert titles[:6] == ["Overview", "Architecture Summary", "Technical Specification",
                          "Constraints & Risk Notes", "Acceptance Tests", "Earlier sections"]
    assert all(note in text for note in notes)
    assert {c["fate"] for c in json.loads(back.out)["section_changes"]
            if c["critical"]} == {"earlier"}
    # ... until --force-update lets them go.
    forced = run_cli(["regenerate", rel, "--mode=compact", "--force-update=all"], project)
    assert forced.code == 0, forced.err
    text = spec.read_text(encoding="utf-8")
    assert [s.title for s in parse(text).sections] == titles[:5]
    assert all(note in text for note in notes)


def test_regenerate_standard_to_compact_keeps_critical_sections(project: Path) -> None:
    spec = financial_spec(project)
    rel = str(spec.relative_to(project))
    blocks = {name: critical_text(spec, name) for name in ("di", "security", "config", "monitoring")}
    add_to_section(spec, "Examples", "PERSON: examples note.")
    result = run_cli(["regenerate", rel, "--mode=compact"], project)
    assert result.code == 0, result.err
    text = spec.read_text(encoding="utf-8")
    # Under "Earlier sections" they are numbered on after the compact sections: not a byte
    # changes but the heading's number.
    for name, block in blocks.items():
        kept_tag, kept_heading, kept_body = critical_text(spec, name).split("\n", 2)
        tag, heading, body = block.split("\n", 2)
        assert (kept_tag, kept_body) == (tag, body)
        assert kept_heading.partition(". ")[2] == heading.partition(". ")[2]
    assert "PERSON: examples note." in text and "## Earlier sections" in text


# -- restore ------------------------------------------------------------------------------------


def test_restore_lists_and_puts_backups_back(project: Path) -> None:
    spec = financial_spec(project)
    rel = str(spec.relative_to(project))
    first = spec.read_bytes()
    assert edit(project, rel, "--domain=fintech,saas")[0] == 0
    add_to_section(spec, "Overview", "PERSON: overview note.")
    second = spec.read_bytes()
    assert edit(project, rel, "--domain=fintech")[0] == 0
    third = spec.read_bytes()

    listing = run_cli(["restore", rel, "--list", "--json"], project)
    assert listing.code == 0, listing.err
    listed = json.loads(listing.out)["backups"]
    assert [(project / b["path"]).read_bytes() for b in listed] == [second, first]
    assert "spec.backup-20261118-110640" in run_cli(["restore", rel, "--list"], project).out

    result = run_cli(["restore", rel], project)  # the newest backup
    assert result.code == 0, result.err
    assert "✅ SPEC restored" in result.out
    assert spec.read_bytes() == second and second != third
    # The replaced file was backed up first: restoring again goes back to it.
    assert len(backups(project, "spec-001-payment-processing")) == 3
    named = Path(listed[-1]["path"]).name
    result = run_cli(["restore", rel, "--backup", named, "--json"], project)
    assert result.code == 0, result.err
    assert spec.read_bytes() == first
    last = json.loads((project / ".smartspec/trace.log").read_text().splitlines()[-1])
    assert last["command"] == "restore"


def test_restore_refuses_what_it_cannot_do(project: Path) -> None:
    spec = financial_spec(project)
    rel = str(spec.relative_to(project))
    before = tree_hashes(project)
    none = run_cli(["restore", rel], project)
    assert none.code == 2 and "no backups" in none.err
    missing = run_cli(["restore", rel, "--backup", "spec.backup-20000101-000000.md"], project)
    assert missing.code == 2 and "does not exist" in missing.err
    outside = run_cli(["restore", rel, "--backup", "/etc/hostname"], project)
    assert outside.code == 2 and "outside the project root" in outside.err
    assert tree_hashes(project) == before


def test_backup_retention_prunes_only_this_specs_backups(project: Path) -> None:
    build_file_tree(project, {"smartspec.config.json": json.dumps({"output": {"keepBackups": 2}})})
    one = new_spec(project, "first-service", "--profile=basic")
    two = new_spec(project, "second-service", "--profile=basic")
    assert edit(project, str(two.relative_to(project)), "--security=basic")[0] == 0
    for level in ("basic", "stride-basic", "basic", "stride-basic"):
        code, _, err = edit(project, str(one.relative_to(project)), f"--security={level}")
        assert code == 0, err
    kept = backups(project, "spec-001-first-service")
    assert [p.name for p in kept] == ["spec.backup-20261118-110640-2.md",
                                      "spec.backup-20261118-110640-3.md"]
    assert len(backups(project, "spec-002-second-service")) == 1


def test_no_backup_and_a_new_description(project: Path) -> None:
    spec = new_spec(project, "report-exporter", "Exports reports as CSV", "--profile=basic")
    rel = str(spec.relative_to(project))
    code, data, err = edit(project, rel, "Exports reports as CSV and PDF", "--no-backup")
    assert code == 0, err
    assert data["backup"] is None and backups(project, data["spec"]["id"]) == []
    text = spec.read_text(encoding="utf-8")
    assert "> Exports reports as CSV and PDF" in text
    assert parse(text).settings["description"] == "Exports reports as CSV and PDF"  # type: ignore[index]


def test_force_update_keys_are_checked() -> None:
    from smartspec.errors import UsageError
    from smartspec.runs.edit import resolve_force

    names = ("security", "config", "di", "monitoring", "payments")
    assert resolve_force(("stride", "config"), names) == {"security", "config"}
    assert resolve_force(("all",), names) == {"all"}
    assert resolve_force(("none",), names) == frozenset()
    assert resolve_force(("payments", "architecture"), names) == {"payments", "architecture"}
    with pytest.raises(UsageError, match="did you mean 'stride'"):
        resolve_force(("strid",), names)
