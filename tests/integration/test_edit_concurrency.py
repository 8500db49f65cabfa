"""20 `smartspec edit` processes of one spec started at once (issue 4): they wait their turn on
the spec's lock, all finish, leave 20 distinct backups, and the final registry, index and
trace are valid."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from smartspec.document import parse
from smartspec.index import load_index
from tests.helpers import EPOCH
from tests.integration.test_edit_cli import add_to_section, financial_spec

EDITS = 20
REL = "specs/feature/spec-001-payment-processing/spec.md"


def test_twenty_edits_at_once_all_finish_with_distinct_backups(project: Path, tmp_path: Path) -> None:
    spec = financial_spec(project)
    add_to_section(spec, "Architecture", "PERSON: the ledger is append-only.")
    critical = parse(spec.read_text(encoding="utf-8")).critical_blocks
    env = {**os.environ, "SOURCE_DATE_EPOCH": EPOCH, "LANG": "C.UTF-8",
           "XDG_CACHE_HOME": str(tmp_path / "cache"), "SMARTSPEC_LOCK_TIMEOUT": "300"}
    env.pop("LC_ALL", None)
    # Each edit replaces the description, so each one really rewrites the spec.
    processes = [
        subprocess.Popen([sys.executable, "-m", "smartspec", "edit", REL,
                          f"Card payments, revision {number}", "--replace-description",
                          "--json"],
                         cwd=project, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                         text=True)
        for number in range(EDITS)
    ]
    outputs = [process.communicate(timeout=300) for process in processes]
    for process, (out, err) in zip(processes, outputs, strict=True):
        assert process.returncode == 0, err
        assert json.loads(out)["changed"] is True

    backups = sorted((project / ".smartspec/backups/spec-001-payment-processing").iterdir())
    assert len(backups) == EDITS
    contents = [b.read_bytes() for b in backups]
    assert len(set(contents)) == EDITS  # every backup is a different state of the spec
    final = spec.read_text(encoding="utf-8")
    assert final.encode() not in contents
    assert "PERSON: the ledger is append-only." in final
    assert all(b"PERSON: the ledger is append-only." in c for c in contents)
    reported = {json.loads(out)["backup"] for out, _ in outputs}
    assert reported == {str(b.relative_to(project)) for b in backups}
    doc = parse(final)
    assert doc.problems == [] and len(doc.critical_blocks) == len(critical)
    assert doc.settings is not None and doc.settings["description"].startswith("Card payments, revision ")

    registry = json.loads((project / ".smartspec/registry/critical-sections-registry.json").read_text())
    entry = registry["specs"]["spec-001-payment-processing"]
    assert entry["path"] == REL and entry["sections"]["architecture"]["sha256"]
    index = load_index(project / ".smartspec/SPEC_INDEX.json")
    assert index.entries["spec-001-payment-processing"].path == REL
    trace = [json.loads(line) for line in
             (project / ".smartspec/trace.log").read_text(encoding="utf-8").splitlines()]
    assert [t["command"] for t in trace] == ["new"] + ["edit"] * EDITS
    assert len({f for t in trace[1:] for f in t["files"] if "/backups/" in f}) == EDITS
