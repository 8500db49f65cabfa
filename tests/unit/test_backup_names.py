"""A backup's file name is read with str operations (``workspace.backup_stamp``), held here to
the pattern that defines it (``workspace.backup_pattern``) on generated names of every kind."""

from __future__ import annotations

from hypothesis import example, given, settings
from hypothesis import strategies as st

from smartspec.workspace import backup_pattern, backup_stamp

PIECES = ["spec", "plan", "tasks", ".backup-", "20261201", "-", "093000", "2", "12", ".md",
          "\n", "٣", "x", ".", "0", "1234567", ".mdx", "--"]


@settings(max_examples=800, deadline=None)
@given(st.lists(st.sampled_from(PIECES), max_size=9).map("".join),
       st.sampled_from(["spec", "plan", "tasks"]))
@example("spec.backup-20261201-093000.md", "spec")
@example("spec.backup-20261201-093000-2.md", "spec")
@example("spec.backup-20261201-093000-2.md\n", "spec")
@example("spec.backup-20261201-093000.md\n\n", "spec")
@example("spec.backup-20261201-093000-.md", "spec")
@example("plan.backup-٢٠٢٦١٢٠١-093000-٣.md", "plan")
@example("spec.backup-20261201-093000.md", "plan")
def test_backup_names_read_as_the_pattern_matches(name: str, kind: str) -> None:
    match = backup_pattern(kind).match(name)
    expected = None if match is None else (match.group(1), int(match.group(2) or 0))
    assert backup_stamp(name, kind) == expected
