"""The $ARGUMENTS form as SmartSpec's documentation writes it: '"free text" --flags'."""

from __future__ import annotations

from pathlib import Path

from smartspec.runs.arguments import split_arguments
from tests.helpers import build_file_tree, run_cli


def test_outer_quotes_of_the_free_text_are_dropped() -> None:
    free, flags = split_arguments(
        ('"Build a credit purchase system with PCI DSS compliance" --profile=financial '
         "--domain=fintech",))
    assert free == "Build a credit purchase system with PCI DSS compliance"
    assert flags == ["--profile=financial", "--domain=fintech"]
    # Quotes inside the text are the user's and stay.
    assert split_arguments(('Create SPEC for "legacy" importer',))[0] == (
        'Create SPEC for "legacy" importer')


def test_the_title_has_no_quote(tmp_path: Path) -> None:
    build_file_tree(tmp_path, {"smartspec.config.json": "{}"})
    result = run_cli(["generate", '"Build a credit purchase system with PCI DSS compliance" '
                      "--profile=financial --no-report"], tmp_path)
    assert result.code == 0, result.err
    spec = next((tmp_path / "specs").rglob("spec.md"))
    first = spec.read_text(encoding="utf-8").splitlines()[0]
    assert first == "# SPEC-001: Build A Credit Purchase System"


def test_errors_name_the_command_the_user_typed(tmp_path: Path) -> None:
    build_file_tree(tmp_path, {"smartspec.config.json": "{}"})
    result = run_cli(["generate", '"Build x" --profile=finance'], tmp_path)
    assert result.code == 2 and result.err.count("\n") == 1
    assert "smartspec smartspec" not in result.err
    assert result.err.startswith("smartspec: error: smartspec generate: ")
    assert "'smartspec generate --help'" in result.err
