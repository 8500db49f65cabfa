"""``smartspec edit``, ``regenerate`` and ``restore``: update a spec without losing a word."""

from __future__ import annotations

import json
from typing import Any

import click

from smartspec.commands.calls import confirm_on_terminal, edit_call, options_from, print_outcome
from smartspec.commands.common import spec_options, with_flags
from smartspec.commands.flags import EDIT_FLAGS

CONTEXT = {"help_option_names": ["-h", "--help"]}


@click.command("edit", context_settings=CONTEXT)
@click.argument("spec", metavar="SPEC.md")
@click.argument("description", required=False)
@with_flags(EDIT_FLAGS)
def edit_command(spec: str, description: str | None, adopt: bool, complete: bool,
                 replace_description: bool | None, model_file: str | None,
                 **kwargs: Any) -> int:
    """Update SPEC.md: regenerate what smartspec wrote and nobody changed; keep critical
    sections (unless --force-update names them), sections a person edited or added, line
    endings and the final newline. A backup is written first (unless --no-backup).
    DESCRIPTION adds to the spec's system model: nothing it had goes away unless
    --replace-description or a --model file that leaves it out says so.

    \b
    Examples:
      smartspec edit specs/feature/spec-004-payments/spec.md --force-update=stride,config
      smartspec edit specs/feature/spec-004-payments/spec.md "Adds refunds" --nogenerate
      smartspec edit specs/feature/spec-012-orders/spec.md "also log audit events" --yes
      smartspec edit specs/feature/spec-012-orders/spec.md "Ticket desk" --replace-description
      smartspec edit docs/hand-written.md "add rate limiting" --adopt
      smartspec edit docs/hand-written.md --profile=backend-service
    """
    return edit_call(spec, description, adopt, complete, replace_description, model_file,
                     **kwargs)


@click.command("regenerate", context_settings=CONTEXT)
@click.argument("spec", metavar="SPEC.md")
@spec_options
def regenerate_command(spec: str, **kwargs: Any) -> int:
    """Re-render SPEC.md with another profile or mode, by the same rules as edit: a person's
    text moves to the counterpart section, and text the new layout has no place for is kept
    under "Earlier sections".

    \b
    Examples:
      smartspec regenerate specs/feature/spec-007-export/spec.md --mode=standard --profile=backend-service
      smartspec regenerate specs/feature/spec-004-payments/spec.md --mode=compact
    """
    from smartspec.runs.edit import regenerate

    options = options_from(kwargs)
    outcome = regenerate(spec, options, confirm=confirm_on_terminal(options))
    return print_outcome(outcome, options)


@click.command("restore", context_settings=CONTEXT)
@click.argument("spec", metavar="SPEC.md")
@click.option("--backup", "backup", metavar="FILE",
              help="The backup to restore (a path, or a file name from --list); default: the newest.")
@click.option("--list", "list_only", is_flag=True, default=False, help="List the spec's backups.")
@click.option("--no-backup", is_flag=True, default=None,
              help="Don't back up the current file before replacing it.")
@click.option("--output-dir", metavar="DIR", help="State folder instead of .smartspec/.")
@click.option("--lang", type=click.Choice(["en", "th"]), help="Output language.")
@click.option("--json", "as_json", is_flag=True, default=False, help="Print one JSON object on stdout.")
def restore_command(spec: str, backup: str | None, list_only: bool, no_backup: bool | None,
                    output_dir: str | None, lang: str | None, as_json: bool) -> int:
    """Put a backup of SPEC.md back (the current file is backed up first), or --list them.

    \b
    Examples:
      smartspec restore specs/feature/spec-004-payments/spec.md --list
      smartspec restore specs/feature/spec-004-payments/spec.md
      smartspec restore specs/feature/spec-004-payments/spec.md --backup spec.backup-20261118-110640.md
    """
    from smartspec.errors import UsageError
    from smartspec.options import Options
    from smartspec.report import restore_console
    from smartspec.runs.restore import restore

    if list_only and backup is not None:
        raise UsageError("restore: give --list or --backup FILE, not both")
    options = Options(no_backup=no_backup, output_dir=output_dir, lang=lang)
    outcome = restore(spec, backup=backup, list_only=list_only, options=options)
    if as_json:
        click.echo(json.dumps(outcome.to_json(), ensure_ascii=False, indent=2))
    else:
        click.echo(restore_console(outcome, outcome.lang), nl=False)
    return 0
