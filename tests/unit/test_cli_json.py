"""One JSON document on stdout for every --json run, errors included, matching the published
schema; and the polish a new user meets first (usage, nearest command, colour, examples)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import click
import jsonschema
import pytest

from tests.helpers import run_cli

DESCRIPTION = "Card payments with a PostgreSQL ledger, Redis queue and the Stripe API"


def _schema() -> dict[str, Any]:
    from smartspec.commands.common import json_output_schema

    schema = json_output_schema()
    jsonschema.Draft202012Validator.check_schema(schema)
    return schema


def _document(argv: list[str], cwd: Path, code: int) -> dict[str, Any]:
    result = run_cli(argv, cwd)
    assert result.code == code, result.err
    data = json.loads(result.out)  # the whole of stdout is one JSON object
    jsonschema.validate(data, _schema())
    return dict(data)


@pytest.mark.parametrize(("argv", "code", "flag"), [
    (["new", "x", "--profile=finacial", "--json"], "usage.bad-value", "--profile"),
    (["new", "x", "--profile", "finacial", "--json"], "usage.bad-value", "--profile"),
    (["new", "x", "--colour=red", "--json"], "usage.unknown-option", "--colour"),
    (["new", "--json"], "usage.missing-argument", "NAME"),
    (["edit", "missing.md", "--json"], None, None),
    (["validate", "nothere", "--format", "json"], "usage.invalid", None),
    (["validate", "--format=json", "--strict", "--jobs=-1"], "usage.bad-value", "--jobs"),
    (["index", "--check", "--format", "json"], "workspace.refused", None),
    (["nwe", "x", "--json"], "usage.unknown-command", None),
    (["init", "--agent", "vim", "--json"], "usage.invalid", "--agent"),
])
def test_errors_print_one_json_document(project: Path, argv: list[str], code: str | None,
                                        flag: str | None) -> None:
    data = _document(argv, project, 2)
    error = data["error"]
    if code is not None:
        assert error["code"] == code
    assert error["flag"] == flag if code is not None else True
    assert error["message"] and error["hint"]
    assert data["ok"] is False and data["exit_code"] == 2
    assert list(project.iterdir()) == []  # exit 2: nothing on disk changed


def test_error_document_names_file_and_line(project: Path) -> None:
    (project / "smartspec.config.json").write_text('{"defaults": {"profile": 3}}\n')
    data = _document(["new", "x", "--json"], project, 2)
    assert data["command"] == "new"
    assert data["error"]["code"] == "config.invalid"
    assert data["error"]["file"] == "smartspec.config.json"
    assert "config --schema" in data["error"]["hint"]


def test_error_without_json_prints_nothing_on_stdout(project: Path) -> None:
    result = run_cli(["new", "x", "--profile=finacial"], project)
    assert result.code == 2 and result.out == ""
    assert result.err.count("\n") == 1


def test_success_documents_match_the_schema(project: Path) -> None:
    made = _document(["new", "payment-processing", DESCRIPTION, "--profile=financial",
                      "--json"], project, 0)
    assert made["command"] == "new" and "error" not in made
    spec = made["spec"]["path"]
    _document(["edit", spec, "Adds refunds", "--json"], project, 0)
    _document(["validate", spec, "--format", "json"], project, 0)
    _document(["index", "--format", "json"], project, 0)
    _document(["graph", "--format", "json"], project, 0)
    _document(["init", "--agent", "claude", "--json"], project, 0)


def test_schema_command_prints_the_schema(project: Path) -> None:
    result = run_cli(["schema", "json-output"], project)
    assert result.code == 0
    assert json.loads(result.out) == json.loads(json.dumps(_schema()))


def test_no_arguments_prints_the_usage(project: Path) -> None:
    result = run_cli([], project)
    assert result.code == 0
    assert result.out.startswith("Usage: smartspec [OPTIONS] COMMAND [ARGS]...\n")
    assert "Commands:" in result.out and "Examples:" in result.out
    assert len(result.out.splitlines()) > 10


@pytest.mark.parametrize(("typed", "meant"), [("nwe", "new"), ("valdate", "validate"),
                                               ("indx", "index"), ("int", "init")])
def test_unknown_command_suggests_the_nearest(project: Path, typed: str, meant: str) -> None:
    result = run_cli([typed], project)
    assert result.code == 2
    assert result.err == (f"smartspec: error: no such command '{typed}' (did you mean "
                          f"'{meant}'?); see 'smartspec --help'\n")


@pytest.mark.parametrize("argv", [
    ["new"], ["new", "x", "--profile"], ["new", "x", "--bogus"], ["nwe"], ["edit"],
    ["validate", "--format", "xml"], ["index", "--check", "--dry-run"], ["graph", "--spec"],
])
def test_messages_have_no_stray_punctuation(project: Path, argv: list[str]) -> None:
    err = run_cli(argv, project).err
    assert err.startswith("smartspec: error: ")
    for stray in (".;", "?;", "..", " ;"):
        assert stray not in err, err


def test_colour_only_on_a_terminal_and_never_with_no_color(monkeypatch: pytest.MonkeyPatch
                                                          ) -> None:
    from smartspec.cli import colour_allowed

    class Terminal:
        def isatty(self) -> bool:
            return True

    class Pipe:
        def isatty(self) -> bool:
            return False

    monkeypatch.delenv("NO_COLOR", raising=False)
    assert colour_allowed(Terminal()) is True  # type: ignore[arg-type]
    assert colour_allowed(Pipe()) is False  # type: ignore[arg-type]
    monkeypatch.setenv("NO_COLOR", "1")
    assert colour_allowed(Terminal()) is False  # type: ignore[arg-type]


def test_errors_in_a_pipe_carry_no_escape_codes(project: Path) -> None:
    result = run_cli(["nwe"], project, env={"NO_COLOR": None})
    assert "\x1b[" not in result.err


def test_every_command_help_has_an_example(project: Path) -> None:
    from smartspec.cli import COMMANDS, cli

    with click.Context(cli, info_name="smartspec") as ctx:
        names = list(COMMANDS)
        for name in names:
            command = cli.get_command(ctx, name)
            assert command is not None
            subcommands = list(command.commands) if isinstance(command, click.Group) else []
            for argv in ([name], *([name, sub] for sub in subcommands)):
                result = run_cli([*argv, "--help"], project)
                assert result.code == 0, argv
                assert "Example" in result.out, argv


def test_shell_completion_is_served_by_the_command(project: Path) -> None:
    from tests.helpers import run_installed

    done = run_installed([], project, env={"_SMARTSPEC_COMPLETE": "bash_source"})
    assert done.returncode == 0
    assert "_SMARTSPEC_COMPLETE=bash_complete" in done.stdout
