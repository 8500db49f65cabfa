"""The task-coverage and task-dangling rules: one table of cases, each a tasks.md beside a
small hand-written spec."""

from __future__ import annotations

from pathlib import Path

import pytest

from smartspec.rules import validate_text

SPEC = """\
# Orders API

## Technology Stack

| Layer | Choice |
|---|---|
| Language | Go 1.22 |

## API

| Method | Path | Purpose |
|---|---|---|
| GET | /orders/:id | Get an order |
| POST | /orders | Create an order |
"""

ALL = ("- [ ] T001 Set up — `STACK-go`\n- [ ] T002 Get — `EP-GET-orders-id`\n"
       "- [x] T003 Create — `EP-POST-orders`\n")

CASES = {
    # name: (tasks.md text or None, expected (rule, message part) pairs)
    "no tasks.md: both rules skip": (None, []),
    "every item covered": (ALL, []),
    "an endpoint without a task": (ALL.replace("- [ ] T002 Get — `EP-GET-orders-id`\n", ""),
                                   [("task-coverage", "EP-GET-orders-id (GET /orders/{id})")]),
    "a task naming nothing": (ALL + "- [ ] T004 Ship — `EP-PUT-orders`\n",
                              [("task-dangling", "task T004")]),
    "a person's task without an id is fine": (ALL + "- [ ] T005 Talk to ops\n", []),
    "a fenced example is not a task": (ALL + "```\n- [ ] T009 x — `EP-X-y`\n```\n", []),
}


@pytest.mark.parametrize("name", list(CASES))
def test_coverage_rules(tmp_path: Path, name: str) -> None:
    tasks, expected = CASES[name]
    spec = tmp_path / "spec.md"
    spec.write_text(SPEC, encoding="utf-8")
    if tasks is not None:
        (tmp_path / "tasks.md").write_text(tasks, encoding="utf-8")
    result = validate_text(SPEC, path=str(spec))
    found = [(f.rule, f.message) for f in result.findings if f.rule.startswith("task-")]
    assert len(found) == len(expected), found
    for (rule, part), (got_rule, message) in zip(expected, found, strict=True):
        assert got_rule == rule and part in message
    skipped = {rule for rule, _ in result.skipped}
    assert ({"task-coverage", "task-dangling"} <= skipped) == (tasks is None)


def test_a_tasks_md_that_is_no_file_or_no_utf8_skips_both_rules_saying_why(
        tmp_path: Path) -> None:
    spec = tmp_path / "spec.md"
    spec.write_text(SPEC, encoding="utf-8")
    (tmp_path / "tasks.md").mkdir()  # a folder by that name is no tasks file
    result = validate_text(SPEC, path=str(spec))
    assert {(rule, reason) for rule, reason in result.skipped if rule.startswith("task-")} == {
        ("task-coverage", "no tasks.md beside the spec"),
        ("task-dangling", "no tasks.md beside the spec")}
    (tmp_path / "tasks.md").rmdir()
    (tmp_path / "tasks.md").write_bytes(b"- [ ] T001 \xff\n")
    result = validate_text(SPEC, path=str(spec))
    reasons = {rule: reason for rule, reason in result.skipped if rule.startswith("task-")}
    assert set(reasons) == {"task-coverage", "task-dangling"}
    shown = (tmp_path / "tasks.md").as_posix()
    assert all(reason.startswith(f"{shown} cannot be read (") for reason in reasons.values())
