"""``smartspec adopt`` and ``edit`` of specs smartspec did not write, through ``cli.main``, on
hand-made specs and on every spec of the real corpus in ``tests/corpus/specs``."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from smartspec.document import parse
from tests.helpers import build_file_tree, run_cli, tree_hashes

CORPUS = Path(__file__).resolve().parents[1] / "corpus" / "specs"
CORPUS_FILES = sorted(p.relative_to(CORPUS).as_posix() for p in CORPUS.rglob("*.md"))

HAND = """\
# Workflow scripts

**Spec ID:** WF-SCRIPTS-001

## 1) Scope

Runs the nightly workflow scripts in Python with FastAPI; run state lives in Redis.

## 2) Security Requirements

Only operators may start a run.
"""


@pytest.fixture
def project(tmp_path: Path) -> Path:
    build_file_tree(tmp_path, {"smartspec.config.json": "{}", "docs/wf/spec.md": HAND})
    return tmp_path


def test_edit_refuses_a_spec_smartspec_did_not_write(project: Path) -> None:
    before = tree_hashes(project)
    result = run_cli(["edit", "docs/wf/spec.md", "add rate limiting"], project)
    assert result.code == 2 and result.err.count("\n") == 1
    assert "smartspec adopt docs/wf/spec.md" in result.err
    assert tree_hashes(project) == before


def test_adopt_then_edit_adds_one_section_in_the_spec_s_style(project: Path) -> None:
    result = run_cli(["adopt", "docs/wf/spec.md", "--json"], project)
    assert result.code == 0, result.err
    data = json.loads(result.out)
    assert data["spec"]["id"] == "WF-SCRIPTS-001" and data["changed"] is True
    assert {d["setting"] for d in data["decisions"]} >= {"profile", "mode", "security", "domains"}
    # The same --json object as new and edit (design.md §3).
    assert data["spec"]["profile"] == "basic" and data["spec"]["path"] == "docs/wf/spec.md"
    assert data["validation"]["passed"] is True and data["validation"]["errors_before"] == 0
    assert [s["title"] for s in data["sections"]] == ["Scope", "Security Requirements"]
    adopted = (project / "docs/wf/spec.md").read_text(encoding="utf-8")
    assert [line for line in adopted.splitlines() if not line.startswith("<!-- smartspec:")] \
        == HAND.splitlines()
    index = json.loads((project / ".smartspec/SPEC_INDEX.json").read_text(encoding="utf-8"))
    assert [e["id"] for e in index["specs"]] == ["WF-SCRIPTS-001"]
    registry = json.loads((project / ".smartspec/registry/critical-sections-registry.json")
                          .read_text(encoding="utf-8"))
    assert all(r["person"] for r in registry["specs"]["WF-SCRIPTS-001"]["sections"].values())

    # Adopting again is a no-op.
    before = tree_hashes(project)
    again = run_cli(["adopt", "docs/wf/spec.md"], project)
    assert again.code == 0 and "already managed" in again.out
    assert tree_hashes(project) == before

    result = run_cli(["edit", "docs/wf/spec.md", "add rate limiting", "--json"], project)
    assert result.code == 0, result.err
    data = json.loads(result.out)
    assert data["added"] == ["Rate Limiting"] and data["stack"][:1] == ["Python"]
    edited = (project / "docs/wf/spec.md").read_text(encoding="utf-8")
    assert edited.startswith(adopted)
    new = edited[len(adopted):]
    assert new.count("\n## ") == 1 and "## 3) Rate Limiting" in new and "Redis" in new
    assert data["validation"]["errors"] <= data["validation"]["errors_before"]
    assert run_cli(["validate", "docs/wf/spec.md"], project).code == 0


def test_edit_with_adopt_does_both_in_one_run(project: Path) -> None:
    result = run_cli(["edit", "docs/wf/spec.md", "add caching", "--adopt"], project)
    assert result.code == 0, result.err
    text = (project / "docs/wf/spec.md").read_text(encoding="utf-8")
    assert parse(text).settings is not None and "## 3) Caching" in text
    assert "added section: Caching" in result.out


def test_adopt_nogenerate_prints_the_diff_and_writes_nothing(project: Path) -> None:
    before = tree_hashes(project)
    result = run_cli(["adopt", "docs/wf/spec.md", "--critical", "security", "--nogenerate"],
                     project)
    assert result.code == 0, result.err
    assert "+<!-- @critical security -->" in result.out and "+<!-- smartspec:" in result.out
    assert tree_hashes(project) == before


def test_adopt_refuses_an_unknown_critical_name_with_one_line(project: Path) -> None:
    before = tree_hashes(project)
    result = run_cli(["adopt", "docs/wf/spec.md", "--critical", "secrets"], project)
    assert result.code == 2 and result.err.count("\n") == 1 and "--critical" in result.err
    assert tree_hashes(project) == before


def _copy_corpus(root: Path) -> None:
    shutil.copytree(CORPUS, root / "corpus")
    (root / "smartspec.config.json").write_text("{}", encoding="utf-8")


@pytest.fixture(scope="module")
def corpus_project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("corpus")
    _copy_corpus(root)
    return root


@pytest.mark.parametrize("name", CORPUS_FILES)
def test_corpus_adopt_and_edit_lose_nothing_and_validate_no_worse(corpus_project: Path,
                                                                  name: str) -> None:
    rel = f"corpus/{name}"
    path = corpus_project / rel
    original = path.read_text(encoding="utf-8")
    before = run_cli(["validate", rel], corpus_project).code

    result = run_cli(["adopt", rel], corpus_project)
    assert result.code == 0, result.err
    adopted = path.read_text(encoding="utf-8")
    # No body line changes: the only new line is the settings comment.
    assert [line for line in adopted.splitlines() if not line.startswith("<!-- smartspec:")] \
        == original.splitlines()

    result = run_cli(["edit", rel, "add rate limiting", "--json"], corpus_project)
    assert result.code == 0, result.err
    data = json.loads(result.out)
    edited = path.read_text(encoding="utf-8")
    kept = iter(edited.splitlines())
    assert all(line in kept for line in adopted.splitlines()), "a line was lost or moved"
    if data["covered_by"] is not None:
        # The spec already has a section (or subsection) on it: nothing is added.
        assert edited == adopted and data["added"] == []
        assert any(word in h.text.lower() for h in parse(edited).headings
                   for word in ("rate limit", "throttl", "quota"))
    else:
        headings = [h.text for h in parse(edited).headings if "Rate Limiting" in h.text]
        assert len(headings) == 1 and data["added"] == ["Rate Limiting"]
    for foreign in ("Fastify", "SpecMdService", "/api/v1/features"):
        assert foreign not in edited[len(adopted) - 1:] or foreign in original
    assert run_cli(["validate", rel], corpus_project).code <= before


def test_a_smartspec_shaped_registry_blocks_nothing_and_is_never_rewritten(project: Path) -> None:
    foreign = ('{"version": "1.0", "critical_sections": [{"name": "System Principles", '
               '"spec_id": "SPEC-001", "anchor": "system-principles"}]}\n')
    build_file_tree(project, {".smartspec/registry/critical-sections-registry.json": foreign})
    assert run_cli(["validate", "docs/wf/spec.md"], project).code == 0
    result = run_cli(["edit", "docs/wf/spec.md", "add rate limiting", "--adopt"], project)
    assert result.code == 0, result.err
    assert run_cli(["validate", "docs/wf/spec.md"], project).code == 0
    registry = project / ".smartspec/registry"
    assert (registry / "critical-sections-registry.json").read_text(encoding="utf-8") == foreign
    ours = json.loads((registry / "smartspec-sections-registry.json").read_text(encoding="utf-8"))
    assert "WF-SCRIPTS-001" in ours["specs"]


def test_index_dry_run_works_without_a_specs_folder(project: Path) -> None:
    build_file_tree(project, {".spec/SPEC_INDEX.json": json.dumps({
        "version": "5.0", "specs": [{"id": "WF-SCRIPTS-001", "title": "Workflow scripts",
                                     "path": "docs/wf/spec.md", "domain": "fintech"}]})})
    before = tree_hashes(project)
    result = run_cli(["index", "--dry-run"], project)
    assert result.code == 0, result.err
    assert "specs dir 'specs' does not exist; nothing scanned" in result.err
    assert '"fintech"' in result.out and tree_hashes(project) == before
    # A write without a specs folder would empty the index: still refused.
    refused = run_cli(["index"], project)
    assert refused.code == 2 and "does not exist" in refused.err


V5_INDEX = {
    "version": "5.0", "created": "2025-01-01", "last_updated": "2025-02-01",
    "metadata": {"total_specs": 1, "by_status": {"DRAFT": 1}, "owner": "platform"},
    "specs": [{"id": "spec-001-payments", "title": "Payments", "path": "specs/payments",
               "status": "DRAFT", "domain": "fintech", "created_at": "2025-01-01",
               "priority": "high"}],
}


def test_another_tool_s_index_is_written_back_in_its_shape_and_place(project: Path) -> None:
    build_file_tree(project, {".spec/SPEC_INDEX.json": json.dumps(V5_INDEX, indent=2)})
    result = run_cli(["adopt", "docs/wf/spec.md"], project)
    assert result.code == 0, result.err
    assert ".spec/SPEC_INDEX.json" in result.out
    assert not (project / ".smartspec/SPEC_INDEX.json").exists()
    data = json.loads((project / ".spec/SPEC_INDEX.json").read_text(encoding="utf-8"))
    assert "schema" not in data and data["version"] == "5.0" and data["created"] == "2025-01-01"
    assert data["metadata"]["total_specs"] == 2 and data["metadata"]["owner"] == "platform"
    first, added = data["specs"]
    # The existing entry is as it was: its spellings, folder path and upper-case status.
    assert first == V5_INDEX["specs"][0]  # type: ignore[index]
    assert added["id"] == "WF-SCRIPTS-001" and added["path"] == "docs/wf/spec.md"

    # `index --migrate` converts it, keeping its version and unknown fields.
    build_file_tree(project, {"specs/.keep": ""})
    result = run_cli(["index", "--migrate", "--specindex", ".spec/SPEC_INDEX.json"], project)
    assert result.code == 0, result.err
    data = json.loads((project / ".spec/SPEC_INDEX.json").read_text(encoding="utf-8"))
    assert data["schema"] == 1 and data["version"] == "5.0"
    payments = next(s for s in data["specs"] if s["id"] == "spec-001-payments")
    assert payments["domains"] == ["fintech"] and payments["created"] == "2025-01-01"
    assert payments["priority"] == "high"


def test_smartspec_dialect_is_read_reported_and_written_canonically(project: Path) -> None:
    text = ("# Billing\n\n**Spec ID:** SSP-BILL-001\n\n## Legal\n\n<!-- @critical legal -->\n"
            "Invoices are kept 10 years.\n<!-- @end -->\n\n## Security\n\n"
            "<!-- @critical security -->\nTLS only.\n<!-- @end -->\n")
    build_file_tree(project, {"docs/billing/spec.md": text})
    assert run_cli(["validate", "docs/billing/spec.md"], project).code == 0
    result = run_cli(["adopt", "docs/billing/spec.md"], project)
    assert result.code == 0, result.err
    assert "tags read in the SmartSpec (<!-- @end -->) dialect; written canonically" in result.out
    adopted = (project / "docs/billing/spec.md").read_text(encoding="utf-8")
    assert "<!-- @end -->" not in adopted and adopted.count("<!-- @end-critical -->") == 2
    assert run_cli(["validate", "docs/billing/spec.md"], project).code == 0


def test_complete_adds_the_profile_s_missing_sections_in_the_spec_s_style(project: Path) -> None:
    build_file_tree(project, {"docs/runs/spec.md": (
        "# Runs\n\n**Spec ID:** RUNS-001\n\n## 1) Overview\n\nNightly runs in Python with "
        "FastAPI; state in Redis.\n\n## 2) API\n\n- `POST /runs` starts a run.\n")})
    assert run_cli(["adopt", "docs/runs/spec.md"], project).code == 0
    adopted = (project / "docs/runs/spec.md").read_text(encoding="utf-8")
    # Without --complete an edit with no request adds nothing.
    result = run_cli(["edit", "docs/runs/spec.md", "--json"], project)
    assert result.code == 0 and json.loads(result.out)["added"] == []
    result = run_cli(["edit", "docs/runs/spec.md", "--complete", "--json"], project)
    assert result.code == 0, result.err
    data = json.loads(result.out)
    assert data["added"] == ["Architecture Summary", "Acceptance Criteria"]
    text = (project / "docs/runs/spec.md").read_text(encoding="utf-8")
    doc = parse(text)
    assert [h.text for h in doc.headings if h.level == 2] == [
        "1) Overview", "2) API", "3) Architecture Summary", "4) Acceptance Criteria"]
    assert "### 3.1 Summary" in text and "`POST /runs`" in text.split("## 4)")[1]
    for foreign in ("TypeScript", "/api/v1/"):
        assert foreign not in text
    assert (doc.settings or {})["sections"] == ["overview", "api", "architecture", "acceptance"]
    assert all(line in text.splitlines() for line in adopted.splitlines()
               if not line.startswith("<!-- smartspec:"))
    assert run_cli(["validate", "docs/runs/spec.md"], project).code == 0


def test_adopting_keeps_a_stated_id_and_ignores_a_file_name_title(project: Path) -> None:
    build_file_tree(project, {"docs/desktop/spec.md": "# spec.md\n\n## Overview\n\nA.\n"})
    result = run_cli(["edit", "docs/wf/spec.md", "--adopt", "--json"], project)
    assert result.code == 0, result.err
    assert json.loads(result.out)["spec"]["id"] == "WF-SCRIPTS-001"
    assert run_cli(["validate", "docs/wf/spec.md"], project).code == 0
    result = run_cli(["edit", "docs/desktop/spec.md", "--adopt", "--json"], project)
    assert result.code == 0, result.err
    assert json.loads(result.out)["spec"]["id"] == "desktop"
