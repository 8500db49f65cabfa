"""Options shared by new, edit, regenerate and generate (reference Appendix A + design.md §3)
as click options, their value types, and the JSON error document. The flags themselves are
data in ``flags.py``; printing an outcome is in ``calls.py`` (both without click)."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any, TypeVar

import click

from smartspec.commands.flags import CHOICE, LIST, SPEC_FLAGS, SWITCH, Flag, join_lists
from smartspec.errors import UsageError
from smartspec.options import check_choice, split_list

F = TypeVar("F", bound=Callable[..., Any])


class Vocabulary(click.ParamType[str]):
    """One value from a fixed list; a wrong value names the valid ones and the nearest."""

    def __init__(self, choices: tuple[str, ...], metavar: str | None = None) -> None:
        self.choices = choices
        self.name = metavar or "|".join(choices)

    def get_metavar(self, param: click.Parameter, ctx: click.Context | None = None) -> str:
        return "[" + "|".join(self.choices) + "]"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Any:
        try:
            return check_choice(_flag(param), str(value), self.choices)
        except UsageError as exc:
            self.fail(str(exc).split(": ", 1)[1], param, ctx)


class CommaList(click.ParamType[tuple[str, ...]]):
    """A comma list (``--domain=fintech,saas``), optionally checked against a vocabulary."""

    name = "LIST"

    def __init__(self, choices: tuple[str, ...] | None = None) -> None:
        self.choices = choices

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Any:
        if isinstance(value, tuple):
            return value
        items = split_list(str(value))
        if not items:
            self.fail("expected at least one value", param, ctx)
        if self.choices:
            for item in items:
                try:
                    check_choice(_flag(param), item, self.choices)
                except UsageError as exc:
                    self.fail(str(exc).split(": ", 1)[1], param, ctx)
        return items


def _joined(ctx: click.Context, param: click.Parameter,
            value: tuple[tuple[str, ...], ...]) -> tuple[str, ...] | None:
    return join_lists(value)


def _flag(param: click.Parameter | None) -> str:
    return (param.opts[0] if param is not None and param.opts else "value")


def spec_options(func: F) -> F:
    """Every option of new/edit/regenerate/generate (the table is ``flags.SPEC_FLAGS``)."""
    return with_flags(SPEC_FLAGS)(func)


def with_flags(flags: tuple[Flag, ...]) -> Callable[[F], F]:
    """The click options of ``flags``, in order (what ``--help`` lists)."""

    def decorate(func: F) -> F:
        for flag in reversed(flags):
            func = click_option(flag)(func)
        return func

    return decorate


def click_option(flag: Flag) -> Callable[[F], F]:
    """One flag of a table as a click option."""
    if flag.kind == SWITCH:
        return click.option(*flag.opts, flag.dest, is_flag=True, default=flag.default,
                            help=flag.help)
    if flag.kind == CHOICE:
        return click.option(*flag.opts, flag.dest, type=Vocabulary(flag.choices),
                            help=flag.help)
    if flag.kind == LIST:
        # Given twice, a list flag adds to itself: click hands over one tuple per use.
        return click.option(*flag.opts, flag.dest, type=CommaList(flag.choices or None),
                            multiple=True, callback=_joined, help=flag.help)
    return click.option(*flag.opts, flag.dest, metavar=flag.metavar, help=flag.help)


# -- the JSON error document ----------------------------------------------------------------
# With --json (or --format json) every failure still prints one JSON object on stdout, so a
# program reading stdout always gets a document to parse. Codes are stable: programs branch
# on them, people read the message.

ERROR_CODES: dict[str, str] = {
    "usage.unknown-command": "the command name is not one smartspec has",
    "usage.unknown-option": "a flag the command does not take",
    "usage.bad-value": "a flag or argument has a value outside what it accepts",
    "usage.missing-argument": "a required argument or flag value is missing",
    "usage.invalid": "the words cannot be carried out as given",
    "config.invalid": "a config file is malformed or has an unknown key or wrong type",
    "document.invalid": "a spec, index or manifest cannot be read as expected",
    "workspace.refused": "a path was refused, a lock timed out, or a file could not be written",
    "validation.failed": "validation found errors the run was asked to gate on",
    "interrupted": "the run was interrupted",
    "internal": "a bug in smartspec: the run stopped on an error it has no words for",
}
HINTS: dict[str, str] = {
    "usage.unknown-command": "run 'smartspec --help' for the list of commands",
    "usage.unknown-option": "run '{where} --help' for the flags it takes",
    "usage.bad-value": "run '{where} --help' for the accepted values",
    "usage.missing-argument": "run '{where} --help' for what it needs",
    "usage.invalid": "run '{where} --help' for how to call it",
    "config.invalid": "fix the key in the file named; 'smartspec config --schema' shows the format",
    "document.invalid": "fix the file at the line named, or restore it from a backup",
    "workspace.refused": "use a path inside the project root, or retry when the other run ends",
    "validation.failed": "run 'smartspec validate --format json' and fix every error",
    "interrupted": "run the command again; nothing was written",
    "internal": "run it again with SMARTSPEC_DEBUG=1 and report the traceback it prints",
}
# "path/to/file.md:12: ..." or "smartspec.config.json: ..." at the start of a message.
FILE_LINE_RE = re.compile(r"^(?P<file>[^\s:'\"]+\.(?:md|json|ya?ml|toml|j2|txt))(?::(?P<line>\d+))?:")
# "--profile: ..." or "'--profile'" in a message.
FLAG_RE = re.compile(r"(?:^|'|\s)(--[a-z][a-z0-9-]*)")


def error_document(code: str, message: str, *, command: str | None, exit_code: int,
                   flag: str | None = None, where: str = "smartspec") -> dict[str, Any]:
    """The JSON object printed on stdout when a --json run fails."""
    found = FILE_LINE_RE.match(message)
    if flag is None and code.startswith("usage."):
        # Only the message proper: the "; see '... --help'" tail names no offending flag.
        flag_match = FLAG_RE.search(message.split("; see '")[0])
        flag = flag_match.group(1) if flag_match else None
    return {
        "schema": 1,
        "command": command,
        "ok": False,
        "exit_code": exit_code,
        "error": {
            "code": code,
            "message": message,
            "flag": flag,
            "file": found.group("file") if found else None,
            "line": int(found.group("line")) if found and found.group("line") else None,
            "hint": HINTS.get(code, "").format(where=where),
        },
    }


def json_output_schema() -> dict[str, Any]:
    """JSON Schema (draft 2020-12) of what ``--json`` / ``--format json`` print on stdout."""
    string_or_null = {"type": ["string", "null"]}
    finding = {"type": "object", "required": ["rule", "severity", "message"],
               "properties": {"rule": {"type": "string"},
                              "severity": {"enum": ["error", "warn", "warning", "info"]},
                              "message": {"type": "string"},
                              "line": {"type": ["integer", "null"]}}}
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": "https://smartspec.dev/schema/json-output-1.json",
        "title": "smartspec --json output",
        "description": "One JSON object on stdout per run. 'error' is present exactly when the "
                       "run failed (exit 2, or 1 when gated on validation).",
        "type": "object",
        "required": ["schema"],
        "properties": {"schema": {"const": 1}, "command": string_or_null},
        "anyOf": [{"$ref": "#/$defs/error"}, {"$ref": "#/$defs/spec-outcome"},
                  {"$ref": "#/$defs/other"}],
        "$defs": {
            "error": {
                "type": "object",
                "required": ["schema", "command", "ok", "exit_code", "error"],
                "properties": {
                    "ok": {"const": False},
                    "exit_code": {"enum": [1, 2, 130]},
                    "error": {
                        "type": "object",
                        "required": ["code", "message", "flag", "file", "line", "hint"],
                        "additionalProperties": False,
                        "properties": {
                            "code": {"enum": sorted(ERROR_CODES)},
                            "message": {"type": "string"},
                            "flag": string_or_null,
                            "file": string_or_null,
                            "line": {"type": ["integer", "null"], "minimum": 1},
                            "hint": {"type": "string"},
                        },
                    },
                },
            },
            "spec-outcome": {
                "description": "new, edit, regenerate and generate",
                "type": "object",
                "required": ["schema", "command", "spec", "sections", "decisions", "validation",
                             "written"],
                "not": {"required": ["error"]},
                "properties": {
                    "command": {"enum": ["new", "edit", "regenerate", "generate"]},
                    "spec": {"type": "object",
                             "required": ["id", "title", "path", "profile", "mode"],
                             "properties": {"id": {"type": "string"},
                                            "title": {"type": "string"},
                                            "path": {"type": "string"},
                                            "profile": {"type": "string"},
                                            "mode": {"type": "string"},
                                            "domains": {"type": "array",
                                                        "items": {"type": "string"}}}},
                    "sections": {"type": "array", "items": {
                        "type": "object", "required": ["key", "title", "critical"],
                        "properties": {"key": {"type": "string"}, "title": {"type": "string"},
                                       "critical": {"type": "boolean"}}}},
                    "decisions": {"type": "array", "items": {
                        "type": "object", "required": ["setting", "value", "source"]}},
                    "validation": {"type": ["object", "null"], "properties": {
                        "errors": {"type": "integer"}, "warnings": {"type": "integer"},
                        "findings": {"type": "array", "items": finding}}},
                    "written": {"type": "array", "items": {"type": "string"}},
                    "backup": string_or_null,
                    "report": string_or_null,
                },
            },
            "other": {
                "description": "validate, index, init, restore and commands added later: "
                               "their own fields, never an 'error' key",
                "type": "object",
                "not": {"required": ["error"]},
            },
        },
    }
