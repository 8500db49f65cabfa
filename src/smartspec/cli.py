"""Command line: parse words, call the API, print, return an exit code. No product logic.

Subcommands live in ``smartspec.commands.*`` and are imported only when invoked, so that
``smartspec new`` does not pay for validate's or index's imports. Every ``SmartspecError`` and
every click usage error becomes one line on stderr and its exit code, never a traceback.
"""

from __future__ import annotations

import importlib
import sys
from collections.abc import Sequence
from typing import Any

import click

from smartspec import __version__
from smartspec.errors import SmartspecError

COMMANDS: dict[str, tuple[str, str]] = {
    # name: (module:attribute, one-line help shown in `smartspec --help`)
    "new": ("smartspec.commands.new:new_command", "Create a SPEC (the reference's NEW)."),
    "generate": ("smartspec.commands.new:generate_command",
                 "The reference's $ARGUMENTS form: free text and flags in one string."),
    "edit": ("smartspec.commands.edit:edit_command", "Update a SPEC without losing a word."),
    "regenerate": ("smartspec.commands.edit:regenerate_command",
                   "Re-render a SPEC with another profile or mode, same rules as edit."),
    "restore": ("smartspec.commands.edit:restore_command", "Put a backup of a SPEC back."),
    "validate": ("smartspec.commands.validate:validate_command",
                 "Check SPECs with the rule engine (for people and CI)."),
    "index": ("smartspec.commands.index:index_command",
              "Build, refresh or check SPEC_INDEX.json."),
    "graph": ("smartspec.commands.index:graph_command", "Print the dependency graph of the specs."),
    "model": ("smartspec.commands.model:model_command", "Show the system model a SPEC is written from."),
    "config": ("smartspec.commands.config:config_command",
               "Show the resolved configuration or its JSON Schema."),
}

EPILOG = """\b
Examples:
  smartspec new payment-processing "Card payments with a PostgreSQL ledger" \\
      --profile=financial --domain=fintech
  smartspec new report-exporter --profile=basic --mode=compact --no-di
  smartspec generate "Create SPEC for payment system --profile=financial"
  smartspec edit specs/feature/spec-004-payment-processing/spec.md --force-update=stride,config
  smartspec validate specs/ --format sarif
  smartspec config --show-origin
"""


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


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line with ``argv`` and return the exit code (0, 1 or 2)."""
    args = list(sys.argv[1:] if argv is None else argv)
    try:
        result: Any = cli.main(args=args, prog_name="smartspec", standalone_mode=False)
    except SmartspecError as exc:
        _error(str(exc))
        return exc.exit_code
    except click.exceptions.NoSuchOption as exc:
        hint = f" (did you mean {', '.join(exc.possibilities)}?)" if exc.possibilities else ""
        where = _where(exc)
        _error(f"{where}: unknown option {exc.option_name}{hint}; see '{where} --help'")
        return 2
    except click.exceptions.UsageError as exc:
        where = _where(exc)
        message = exc.format_message().replace("\n", " ")
        _error(f"{where}: {message}; see '{where} --help'")
        return 2
    except click.exceptions.Exit as exc:
        return int(exc.exit_code)
    except click.exceptions.Abort:
        _error("aborted")
        return 2
    except click.ClickException as exc:
        _error(exc.format_message())
        return exc.exit_code
    except KeyboardInterrupt:
        _error("interrupted; nothing was written")
        return 130
    return int(result) if isinstance(result, int) else 0


def _where(exc: click.exceptions.UsageError) -> str:
    name = exc.ctx.info_name if exc.ctx else None
    return f"smartspec {name}" if name and name != "smartspec" else "smartspec"


def _error(message: str) -> None:
    click.echo(f"smartspec: error: {message}", err=True)
