"""Malformed input to `smartspec edit` (issue 4, point 7): one sentence naming the file and
line, exit 2, and nothing on disk changed (every file under the root hashed before and after)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.helpers import run_cli, tree_hashes
from tests.integration.test_edit_cli import financial_spec

REL = "specs/feature/spec-001-payment-processing/spec.md"


@pytest.fixture
def spec(project: Path) -> Path:
    path = financial_spec(project)
    assert path == project / REL
    return path


def lines_of(path: Path) -> list[str]:
    return path.read_text(encoding="utf-8").splitlines(keepends=True)


def line_no(lines: list[str], start: str) -> int:
    """1-based number of the first line starting with ``start``."""
    return next(i for i, line in enumerate(lines, start=1) if line.startswith(start))


def refused(project: Path, args: list[str], *expected: str) -> str:
    before = tree_hashes(project)
    result = run_cli(["edit", *args], project)
    assert result.code == 2, result.out + result.err
    assert result.out == ""
    message = result.err
    assert message.startswith("smartspec: error: ") and message.count("\n") == 1, message
    for part in expected:
        assert part in message, message
    assert tree_hashes(project) == before
    return message


def test_unclosed_critical(project: Path, spec: Path) -> None:
    lines = lines_of(spec)
    close = max(i for i, line in enumerate(lines, 1) if line.startswith("<!-- @end-critical"))
    opened = max(i for i in range(1, close) if lines[i - 1].startswith("<!-- @critical"))
    del lines[close - 1]
    spec.write_text("".join(lines), encoding="utf-8")
    refused(project, [REL, "--domain=saas"], f"{REL}: line {opened}:",
            "is never closed; expected '<!-- @end-critical -->'")


def test_end_critical_without_start(project: Path, spec: Path) -> None:
    lines = lines_of(spec)
    opened = line_no(lines, "<!-- @critical")
    del lines[opened - 1]
    spec.write_text("".join(lines), encoding="utf-8")
    close = line_no(lines, "<!-- @end-critical -->")
    refused(project, [REL], f"{REL}: line {close}:", "@end-critical without a matching @critical")


def test_nested_critical(project: Path, spec: Path) -> None:
    lines = lines_of(spec)
    opened = line_no(lines, "<!-- @critical")
    lines.insert(opened + 1, "<!-- @critical monitoring -->\n")
    spec.write_text("".join(lines), encoding="utf-8")
    refused(project, [REL], f"{REL}: line {opened + 2}:", "critical sections cannot nest")


def test_duplicate_critical_names(project: Path, spec: Path) -> None:
    text = spec.read_text(encoding="utf-8").replace("<!-- @critical config -->",
                                                    "<!-- @critical security -->")
    spec.write_text(text, encoding="utf-8")
    line = [i for i, x in enumerate(text.splitlines(), 1) if x == "<!-- @critical security -->"][1]
    refused(project, [REL], f"{REL}: line {line}:", "critical section 'security' appears twice")


def test_unknown_critical_name(project: Path, spec: Path) -> None:
    text = spec.read_text(encoding="utf-8").replace("<!-- @critical config -->",
                                                    "<!-- @critical configuration -->")
    spec.write_text(text, encoding="utf-8")
    line = line_no(text.splitlines(keepends=True), "<!-- @critical configuration")
    refused(project, [REL], f"{REL}: line {line}:", "unknown critical section name 'configuration'")


def test_settings_comment_that_is_not_json(project: Path, spec: Path) -> None:
    text = spec.read_text(encoding="utf-8").replace('{"schema":1,', '{"schema":1,,', 1)
    spec.write_text(text, encoding="utf-8")
    line = line_no(text.splitlines(keepends=True), "<!-- smartspec:")
    refused(project, [REL], f"{REL}: line {line}:", "the smartspec settings comment is not valid JSON")


def test_settings_comment_with_a_value_smartspec_cannot_use(project: Path, spec: Path) -> None:
    text = spec.read_text(encoding="utf-8").replace('"profile":"financial"', '"profile":"finance"', 1)
    spec.write_text(text, encoding="utf-8")
    line = line_no(text.splitlines(keepends=True), "<!-- smartspec:")
    refused(project, [REL], f"{REL}: line {line}:", "'profile' is 'finance'; expected one of basic")


def test_non_utf8_file(project: Path, spec: Path) -> None:
    data = spec.read_bytes()
    lines = data.split(b"\n")
    lines[29] += b" caf\xe9"
    spec.write_bytes(b"\n".join(lines))
    refused(project, [REL], f"{REL}: line 30: byte 0xe9 is not UTF-8")


def test_binary_file(project: Path, spec: Path) -> None:
    spec.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR")
    refused(project, [REL], f"{REL}: line 3:", "binary file")


def test_path_outside_the_root(project: Path, spec: Path, tmp_path: Path) -> None:
    outside = tmp_path / "elsewhere.md"
    outside.write_text(spec.read_text(encoding="utf-8"), encoding="utf-8")
    before = outside.read_bytes()
    refused(project, ["../elsewhere.md"], "SPEC.md '../elsewhere.md'", "outside the project root")
    assert outside.read_bytes() == before


def test_symlink_that_leaves_the_root(project: Path, spec: Path, tmp_path: Path) -> None:
    outside = tmp_path / "elsewhere.md"
    outside.write_text(spec.read_text(encoding="utf-8"), encoding="utf-8")
    (project / "specs/link.md").symlink_to(outside)
    refused(project, ["specs/link.md"], "specs/link.md", "outside the project root")


def test_missing_file(project: Path, spec: Path) -> None:
    refused(project, ["specs/feature/spec-009-nothing/spec.md"],
            "specs/feature/spec-009-nothing/spec.md: no such file")


def test_a_directory(project: Path, spec: Path) -> None:
    refused(project, ["specs/feature/spec-001-payment-processing"],
            "specs/feature/spec-001-payment-processing: is a directory; expected a spec file")


def test_registry_that_is_not_json(project: Path, spec: Path) -> None:
    (project / ".smartspec/registry/critical-sections-registry.json").write_text("{oops",
                                                                                 encoding="utf-8")
    refused(project, [REL, "--domain=saas"], ".smartspec/registry/critical-sections-registry.json",
            "not valid JSON")


def test_regenerate_and_restore_refuse_the_same_way(project: Path, spec: Path) -> None:
    lines = lines_of(spec)
    del lines[max(i for i, line in enumerate(lines) if line.startswith("<!-- @end-critical"))]
    spec.write_text("".join(lines), encoding="utf-8")
    before = tree_hashes(project)
    result = run_cli(["regenerate", REL, "--mode=compact"], project)
    assert result.code == 2 and "is never closed" in result.err
    result = run_cli(["restore", "specs"], project)
    assert result.code == 2 and "is a directory" in result.err
    assert tree_hashes(project) == before
