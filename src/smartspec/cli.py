"""Command line: parse words, call the API, print, return an exit code. No product logic.

Subcommands live in ``smartspec.commands.*`` and are imported only when invoked, so that
``smartspec new`` does not pay for validate's or index's imports. Every ``SmartspecError`` and
every click usage error becomes one line on stderr and its exit code, never a traceback.

click itself is imported only when it is needed: plain words for new, edit, validate and index
(the commands run most often, where start-up is most of the wait) are read by
``commands/flags.py`` and run without it; help, a mistake in the words, and every other
command go through click as always.
"""

from __future__ import annotations

import errno
import os
import sys
from collections.abc import Sequence

from smartspec import __version__
from smartspec.commands.calls import colour_allowed as colour_allowed
from smartspec.commands.calls import echo
from smartspec.errors import SmartspecError

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Callable
    from typing import Any

    import click

COMMANDS: dict[str, tuple[str, str]] = {
    # name: (module:attribute, one-line help shown in `smartspec --help`)
    "new": ("smartspec.commands.new:new_command", "Create a SPEC (the reference's NEW)."),
    "generate": ("smartspec.commands.new:generate_command",
                 "The reference's $ARGUMENTS form: free text and flags in one string."),
    "edit": ("smartspec.commands.edit:edit_command", "Update a SPEC without losing a word."),
    "regenerate": ("smartspec.commands.edit:regenerate_command",
                   "Re-render a SPEC with another profile or mode, same rules as edit."),
    "adopt": ("smartspec.commands.adopt:adopt_command",
              "Take a spec smartspec did not write under management."),
    "restore": ("smartspec.commands.edit:restore_command", "Put a backup of a SPEC back."),
    "validate": ("smartspec.commands.validate:validate_command",
                 "Check SPECs with the rule engine (for people and CI)."),
    "index": ("smartspec.commands.index:index_command",
              "Build, refresh or check SPEC_INDEX.json."),
    "graph": ("smartspec.commands.index:graph_command", "Print the dependency graph of the specs."),
    "model": ("smartspec.commands.model:model_command", "Show the system model a SPEC is written from."),
    "plan": ("smartspec.commands.plan:plan_command", "Write plan.md beside a SPEC."),
    "tasks": ("smartspec.commands.plan:tasks_command", "Write tasks.md beside a SPEC."),
    "export": ("smartspec.commands.export:export_command", "Export a SPEC's API as OpenAPI 3.1."),
    "check-api": ("smartspec.commands.check_api:check_api_command",
                  "Check a SPEC against an OpenAPI file for drift."),
    "config": ("smartspec.commands.config:config_command",
               "Show the resolved configuration or its JSON Schema."),
    "init": ("smartspec.commands.init:init_command", "Install smartspec's commands into AI assistants."),
    "mcp": ("smartspec.commands.mcp:mcp_command",
            "Serve smartspec's commands to AI assistants over MCP (stdio)."),
    "schema": ("smartspec.commands.schema:schema_command",
               "Print the JSON Schema of smartspec's --json output."),
}

EPILOG = """\b
Examples:
  smartspec new payment-processing "Card payments with a PostgreSQL ledger" \\
      --profile=financial --domain=fintech
  smartspec new report-exporter --profile=basic --mode=compact --no-di
  smartspec generate "Create SPEC for payment system --profile=financial"
  smartspec edit specs/feature/spec-004-payment-processing/spec.md --force-update=stride,config
  smartspec validate specs/ --format sarif
  smartspec init --agent claude --agent copilot
  smartspec config --show-origin
"""


# Set by the shell-completion scripts click generates for the `smartspec` command.
COMPLETE_VAR = "_SMARTSPEC_COMPLETE"


# Built on first use (``_app``), so that a run that never needs click never imports it.
_APP: dict[str, Any] = {}


def __getattr__(name: str) -> Any:
    """``cli.cli`` (the click group), ``cli.LazyGroup`` and ``cli.UnknownCommand``, built on
    first use."""
    if name in ("cli", "LazyGroup", "UnknownCommand"):
        return _app()[name]
    raise AttributeError(f"module 'smartspec.cli' has no attribute {name!r}")


def _app() -> dict[str, Any]:
    """The click group of every command, with the classes it is made of."""
    if _APP:
        return _APP
    import importlib

    import click

    class UnknownCommand(click.UsageError):
        """A command name smartspec does not have (reported with the nearest one)."""

    class LazyGroup(click.Group):
        """A group whose subcommands are imported on first use."""

        def list_commands(self, ctx: click.Context) -> list[str]:
            return list(COMMANDS)

        def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
            target = COMMANDS.get(cmd_name)
            if target is None:
                return None
            module_name, attribute = target[0].split(":")
            command = getattr(importlib.import_module(module_name), attribute)
            assert isinstance(command, click.Command)
            return command

        def resolve_command(self, ctx: click.Context,
                            args: list[str]) -> tuple[str | None, click.Command | None, list[str]]:
            name = click.utils.make_str(args[0])
            if name not in COMMANDS and not name.startswith("-"):
                from smartspec.options import nearest

                hint = nearest(name, tuple(COMMANDS))
                did_you_mean = f" (did you mean {hint!r}?)" if hint else ""
                raise UnknownCommand(f"no such command {name!r}{did_you_mean}", ctx)
            return super().resolve_command(ctx, args)

        def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
            # Help text without importing every subcommand module.
            with formatter.section("Commands"):
                formatter.write_dl([(name, text) for name, (_, text) in COMMANDS.items()])

    @click.group(cls=LazyGroup, epilog=EPILOG, context_settings={"help_option_names": ["-h", "--help"]})
    @click.version_option(__version__, "--version", prog_name="smartspec", message="%(prog)s %(version)s")
    def cli() -> None:
        """smartspec: write, edit, validate and index service specifications (spec.md).

        Works offline and deterministically: the same request gives the same SPEC.
        """

    _APP.update(cli=cli, LazyGroup=LazyGroup, UnknownCommand=UnknownCommand)
    return _APP


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line with ``argv`` and return the exit code (0, 1 or 2).

    Every failure is one line on stderr; with ``--json`` (or ``--format json``) a JSON error
    document is printed on stdout as well, so that a program always has an object to read.
    """
    args = list(sys.argv[1:] if argv is None else argv)
    failure = _Failure(args)
    if args and args[0] in QUICK_COMMANDS and COMPLETE_VAR not in os.environ:
        from smartspec.commands.calls import quick

        call = quick(args)
        if call is not None:
            return _run_quick(call, failure)
    import click

    app = _app()
    cli, unknown_command = app["cli"], app["UnknownCommand"]
    colour = colour_allowed(sys.stdout)
    if not args and COMPLETE_VAR not in os.environ:
        # The usage a new user expects, not a usage error squeezed onto one line. (Shell
        # completion also starts with no words: click answers it from the variable.)
        with click.Context(cli, info_name="smartspec", color=colour) as ctx:
            click.echo(cli.get_help(ctx), color=colour)
        return 0
    try:
        result: Any = cli.main(args=args, prog_name="smartspec", standalone_mode=False,
                               color=colour)
    except SmartspecError as exc:
        return failure.report(_code_of(exc), str(exc), exc.exit_code)
    except click.exceptions.NoSuchOption as exc:
        where = _where(exc)
        hint = f" (did you mean {', '.join(exc.possibilities)}?)" if exc.possibilities else ""
        # A word with a line break or a control character is shown quoted and escaped, so
        # the refusal stays one line that cannot rewrite the terminal.
        shown = exc.option_name if exc.option_name.isprintable() else repr(exc.option_name)
        return failure.report("usage.unknown-option",
                              f"{where}: unknown option {shown}{hint}; "
                              f"see '{where} --help'", 2, flag=exc.option_name, where=where)
    except click.exceptions.UsageError as exc:
        where = _where(exc)
        message = _sentence(exc.format_message())
        flag = None
        param = getattr(exc, "param", None)
        if isinstance(param, click.Option) and param.opts:
            flag = max(param.opts, key=len)
        elif isinstance(param, click.Argument):
            flag = param.human_readable_name
        code = ("usage.unknown-command" if isinstance(exc, unknown_command)
                else "usage.missing-argument" if isinstance(exc, click.MissingParameter)
                else "usage.bad-value" if isinstance(exc, click.BadParameter)
                else "usage.invalid")
        prefix = "" if where == "smartspec" else f"{where}: "
        return failure.report(code, f"{prefix}{message}; see '{where} --help'", 2, flag=flag,
                              where=where)
    except click.exceptions.Exit as exc:
        return int(exc.exit_code)
    except click.exceptions.Abort:
        return failure.report("interrupted", "aborted; nothing was written", 2)
    except click.ClickException as exc:
        return failure.report("usage.invalid", _sentence(exc.format_message()), exc.exit_code)
    except KeyboardInterrupt:
        return failure.report("interrupted", "interrupted; nothing was written", 130)
    except Exception as exc:
        return _internal_error(failure, exc)
    return int(result) if isinstance(result, int) else 0


# Commands whose plain words are read without click (commands/flags.py).
QUICK_COMMANDS = frozenset({"new", "edit", "validate", "index"})


def _run_quick(call: Callable[[], int], failure: _Failure) -> int:
    """Run a command whose words were read without click, ending as a run through click ends:
    the same exit codes and the same words for every failure."""
    try:
        try:
            return call()
        except (EOFError, KeyboardInterrupt):
            # click prints a line break, then the run is reported as aborted.
            sys.stderr.write("\n")
            sys.stderr.flush()
            return failure.report("interrupted", "aborted; nothing was written", 2)
        except OSError as exc:
            if exc.errno != errno.EPIPE:
                raise
            # The reader of stdout went away: exit 1 quietly, as click does.
            from click import core

            sys.stdout = core._PacifyFlushWrapper(sys.stdout)  # type: ignore[attr-defined]
            sys.stderr = core._PacifyFlushWrapper(sys.stderr)  # type: ignore[attr-defined]
            raise SystemExit(1) from None
    except SmartspecError as exc:
        return failure.report(_code_of(exc), str(exc), exc.exit_code)
    except KeyboardInterrupt:
        return failure.report("interrupted", "interrupted; nothing was written", 130)
    except Exception as exc:
        return _internal_error(failure, exc)


def _internal_error(failure: _Failure, exc: Exception) -> int:
    """An error no part of smartspec words (a bug, not a request that cannot be carried out):
    one line that says so and what it was, instead of a traceback; a run that was writing has
    already put every file back. ``SMARTSPEC_DEBUG=1`` lets the traceback through."""
    if os.environ.get("SMARTSPEC_DEBUG"):
        raise exc
    what = " ".join(str(exc).split())
    return failure.report(
        "internal", f"internal error ({type(exc).__name__}{': ' + what if what else ''}); "
        "this is a bug in smartspec: please report it with the command you ran "
        "(SMARTSPEC_DEBUG=1 shows where it happened)", 2)


def wants_json(args: Sequence[str]) -> bool:
    """True when the words ask for JSON on stdout (--json, --format json, --format=json)."""
    for position, word in enumerate(args):
        if word == "--":
            return False
        if word == "--json" or word == "--format=json":
            return True
        if word == "--format" and position + 1 < len(args) and args[position + 1] == "json":
            return True
    return False


class _Failure:
    """Reports a failed run: one line on stderr, plus the JSON document when asked for."""

    def __init__(self, args: list[str]) -> None:
        self.json = wants_json(args)
        self.command = next((word for word in args if not word.startswith("-")), None)

    def report(self, code: str, message: str, exit_code: int, *, flag: str | None = None,
               where: str = "smartspec") -> int:
        _error(message)
        if self.json:
            import json

            from smartspec.commands.common import error_document

            command = self.command if self.command in COMMANDS else None
            if where == "smartspec" and command is not None:
                where = f"smartspec {command}"
            document = error_document(code, message, command=command, exit_code=exit_code,
                                      flag=flag, where=where)
            echo(json.dumps(document, ensure_ascii=False, indent=2))
        return exit_code


def _code_of(exc: SmartspecError) -> str:
    from smartspec.errors import ConfigError, DocumentError, UsageError, ValidationFailed

    for kind, code in ((UsageError, "usage.invalid"), (ConfigError, "config.invalid"),
                       (DocumentError, "document.invalid"), (ValidationFailed, "validation.failed")):
        if isinstance(exc, kind):
            return code
    return "workspace.refused"


def _sentence(message: str) -> str:
    """Click's message as one clause: no line breaks and no final full stop, so that the
    "; see ..." that follows never reads ".;"."""
    return " ".join(message.split()).rstrip(".")


def _where(exc: click.exceptions.UsageError) -> str:
    name = exc.ctx.info_name if exc.ctx else None
    return f"smartspec {name}" if name and name != "smartspec" else "smartspec"


def _error(message: str) -> None:
    colour = colour_allowed(sys.stderr)
    if not colour:
        echo(f"smartspec: error: {message}", err=True, color=False)
        return
    import click

    label = click.style("error:", fg="red", bold=True)
    click.echo(f"smartspec: {label} {message}", err=True, color=colour)
