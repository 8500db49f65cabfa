"""Section numbers after edit and regenerate: every numbered ``##`` heading, smartspec's and a
person's, is numbered 1, 2, 3... in document order; a person's section changes in its heading's
number only (title words, body bytes and place kept); an unnumbered heading stays unnumbered;
``###`` headings are left alone. A second edit with nothing new changes nothing, and a restore
gives the person's file back byte for byte."""

from __future__ import annotations

import json
import re
from pathlib import Path

from smartspec.document import block_hash, legacy_block_hash, parse
from tests.helpers import run_cli, run_installed

EXPORTER = "Exports reports as CSV files for the finance team"
TEAM_NOTES = "Our on-call rota is weekly.\n\n### 2.1 Rota\n\nAlice, then Bob.\n"


def new_basic(project: Path) -> tuple[Path, str]:
    """A spec `smartspec new` writes for the basic profile: Overview, Architecture Summary,
    API Specification, Acceptance Criteria."""
    result = run_cli(["new", "report-exporter", EXPORTER, "--profile=basic", "--json"], project)
    assert result.code == 0, result.err
    rel = str(json.loads(result.out)["spec"]["path"])
    return project / rel, rel


def insert_before(path: Path, heading: str, block: str) -> None:
    """A person puts ``block`` (a whole section) just before the line ``heading``."""
    text = path.read_text(encoding="utf-8")
    assert text.count(f"\n{heading}\n") == 1, heading
    path.write_text(text.replace(f"\n{heading}\n", f"\n{block}\n---\n\n{heading}\n", 1),
                    encoding="utf-8")


def headings(path: Path) -> list[str]:
    return [s.heading.text for s in parse(path.read_text(encoding="utf-8")).sections]


def assert_consecutive(path: Path) -> None:
    """The numbered ``##`` headings read 1, 2, 3... in document order."""
    numbers = [s.heading.number for s in parse(path.read_text(encoding="utf-8")).sections
               if s.heading.number is not None]
    assert numbers == [str(n) for n in range(1, len(numbers) + 1)], headings(path)


def body_of(path: Path, title: str) -> str:
    """A section's bytes after its heading line."""
    doc = parse(path.read_text(encoding="utf-8"))
    section = next(s for s in doc.sections if title in (s.title, s.heading.text))
    return doc.text(section.heading.line + 1, section.end)


def edit(project: Path, rel: str, *args: str) -> dict[str, object]:
    result = run_cli(["edit", rel, *args, "--yes", "--json"], project)
    assert result.code == 0, result.err
    data: dict[str, object] = json.loads(result.out)
    return data


def test_the_installed_command_numbers_a_persons_section_among_smartspecs(project: Path) -> None:
    spec, rel = new_basic(project)
    insert_before(spec, "## 2. Architecture Summary", f"## 2. Team Notes\n\n{TEAM_NOTES}")
    before = spec.read_bytes()
    notes_body = body_of(spec, "Team Notes")

    done = run_installed(["edit", rel, "also export JSON", "--yes"], project)
    assert done.returncode == 0, done.stderr
    assert headings(spec)[:4] == ["1. Overview", "2. Team Notes", "3. Architecture Summary",
                                  "4. API Specification"]
    assert_consecutive(spec)
    assert body_of(spec, "Team Notes") == notes_body  # "### 2.1 Rota" included, untouched

    # A second edit with nothing new changes nothing.
    after = spec.read_bytes()
    again = run_installed(["edit", rel, "--yes"], project)
    assert again.returncode == 0, again.stderr
    assert spec.read_bytes() == after

    # The backup the edit took gives the person's file back, byte for byte.
    restored = run_installed(["restore", rel], project)
    assert restored.returncode == 0, restored.stderr
    assert spec.read_bytes() == before


def test_regenerate_numbers_a_persons_section_after_sections_before_it_come_and_go(
        project: Path) -> None:
    spec, rel = new_basic(project)
    insert_before(spec, "## 4. Acceptance Criteria", "## 7. Our Runbook\n\nRestart with care.\n")
    runbook = body_of(spec, "Our Runbook")

    result = run_cli(["regenerate", rel, "--profile=backend-service", "--yes"], project)
    assert result.code == 0, result.err
    assert_consecutive(spec)
    after = headings(spec)
    moved = next(h for h in after if h.endswith("Our Runbook"))
    assert moved != "7. Our Runbook" and body_of(spec, "Our Runbook") == runbook

    result = run_cli(["regenerate", rel, "--profile=basic", "--yes"], project)
    assert result.code == 0, result.err
    assert_consecutive(spec)
    assert body_of(spec, "Our Runbook") == runbook
    text = spec.read_bytes()
    assert run_cli(["edit", rel, "--yes"], project).code == 0
    assert spec.read_bytes() == text


def test_each_numbering_style_is_kept_and_unnumbered_headings_stay_so(project: Path) -> None:
    spec, rel = new_basic(project)
    insert_before(spec, "## 2. Architecture Summary", "## 2 Bare Number\n\nOne.\n")
    # A bare number that cannot be this heading's place is part of its title.
    insert_before(spec, "## 2. Architecture Summary", "## 24 Hour Support\n\nCall us.\n")
    insert_before(spec, "## 3. API Specification", "## Unnumbered Notes\n\nTwo.\n")
    insert_before(spec, "## 4. Acceptance Criteria", "## 1) With A Parenthesis\n\nThree.\n")
    insert_before(spec, "## 4. Acceptance Criteria", "## 2024 Roadmap\n\nFour.\n")
    insert_before(spec, "## 4. Acceptance Criteria", "## 2.1 A Sub-Number\n\nFive.\n")
    bodies = {t: body_of(spec, t) for t in ("Bare Number", "24 Hour Support", "Unnumbered Notes",
                                            "With A Parenthesis", "2024 Roadmap")}

    edit(project, rel, "also export JSON")
    assert headings(spec)[:10] == [
        "1. Overview", "2 Bare Number", "24 Hour Support", "3. Architecture Summary", "Unnumbered Notes",
        "4. API Specification", "5) With A Parenthesis", "2024 Roadmap", "2.1 A Sub-Number",
        "6. Acceptance Criteria"]
    assert {t: body_of(spec, t) for t in bodies} == bodies
    text = spec.read_bytes()
    edit(project, rel)
    assert spec.read_bytes() == text


def test_a_section_whose_title_a_person_changed_keeps_its_words(project: Path) -> None:
    spec, rel = new_basic(project)
    text = spec.read_text(encoding="utf-8")
    spec.write_text(text.replace("## 3. API Specification\n", "## 3. Our API, Explained\n", 1),
                    encoding="utf-8")
    insert_before(spec, "## 2. Architecture Summary", "## 2. Team Notes\n\nNotes.\n")
    api = body_of(spec, "Our API, Explained")

    edit(project, rel, "also export JSON")
    assert "4. Our API, Explained" in headings(spec)
    assert body_of(spec, "Our API, Explained") == api
    assert_consecutive(spec)


def test_smartspecs_pointers_and_sub_numbers_follow_the_new_numbers(project: Path) -> None:
    result = run_cli(["new", "orders", "Order service REST API with PostgreSQL",
                      "--profile=backend-service", "--json"], project)
    assert result.code == 0, result.err
    rel = str(json.loads(result.out)["spec"]["path"])
    spec = project / rel
    first = parse(spec.read_text(encoding="utf-8")).sections[0]
    insert_before(spec, f"## {first.heading.text}", "## 1. Reading Guide\n\nStart here.\n")

    edit(project, rel, "also log audit events")
    doc = parse(spec.read_text(encoding="utf-8"))
    assert_consecutive(spec)
    numbers = {s.title: s.heading.number for s in doc.sections}
    text = spec.read_text(encoding="utf-8")
    # Rendered text points at sections by "section N, Title": every pointer is right.
    for number, title in re.findall(r"section (\d+), ([A-Z][A-Za-z ]+?)[);.]", text):
        if title in numbers:
            assert numbers[title] == number, (number, title)
    # Sections smartspec regenerated number their own sub-headings after their heading.
    for section in doc.sections:
        if section.critical is None and section.heading.number is not None:
            for sub in section.subheadings:
                if sub.number is not None and "." in sub.number:
                    assert sub.number.split(".")[0] == section.heading.number, sub


def test_a_registry_written_before_numbers_left_fingerprints_still_counts(project: Path) -> None:
    spec, rel = new_basic(project)
    registry_path = project / ".smartspec/registry/critical-sections-registry.json"
    registry = json.loads(registry_path.read_text(encoding="utf-8"))
    doc = parse(spec.read_text(encoding="utf-8"))
    records = next(iter(registry["specs"].values()))["sections"]
    by_title = {s.title: doc.section_text(s) for s in doc.sections}
    for record in records.values():
        text = by_title[record["title"]]
        assert record["sha256"] == block_hash(text)
        record["sha256"] = legacy_block_hash(text)  # as an older smartspec recorded it
    registry_path.write_text(json.dumps(registry), encoding="utf-8")
    insert_before(spec, "## 2. Architecture Summary", "## 2. Team Notes\n\nNotes.\n")

    data = edit(project, rel, "also export JSON")
    changes = data["section_changes"]
    assert isinstance(changes, list)
    kept = [c["title"] for c in changes if c["fate"] == "kept-edited"]
    assert kept == []  # smartspec's own sections are not frozen as a person's
    assert_consecutive(spec)
