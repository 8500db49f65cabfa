"""``smartspec adopt``: take a spec smartspec did not write under management."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

import click

from smartspec.commands.common import CommaList

if TYPE_CHECKING:
    from smartspec.runs.adopt import AdoptOutcome


@click.command("adopt", context_settings={"help_option_names": ["-h", "--help"]})
@click.argument("spec", metavar="SPEC.md")
@click.option("--critical", type=CommaList(), metavar="NAME[,NAME...]",
              help="Wrap these existing sections in critical tags (security, config, di, "
                   "monitoring, or a configured name). Nothing is wrapped by default.")
@click.option("--nogenerate", is_flag=True, default=None,
              help="Dry run: print the diff, write nothing.")
@click.option("--no-backup", is_flag=True, default=None,
              help="Don't back up the spec before adding the settings comment.")
@click.option("--output-dir", metavar="DIR", help="State folder instead of .smartspec/.")
@click.option("--specindex", metavar="PATH", help="SPEC_INDEX.json to record the spec in.")
@click.option("--json", "as_json", is_flag=True, default=False,
              help="Print one JSON object on stdout.")
def adopt_command(spec: str, critical: tuple[str, ...] | None, nogenerate: bool | None,
                  no_backup: bool | None, output_dir: str | None, specindex: str | None,
                  as_json: bool) -> int:
    """Take SPEC.md under management without changing a word of its body: infer its profile,
    mode, levels and domains from its sections (and say how), keep its id, numbering and
    headings, record every section as a person's, add the settings comment and an index entry.
    A spec smartspec already manages is left as it is.

    \b
    Examples:
      smartspec adopt docs/specs/payments/spec.md
      smartspec adopt docs/specs/payments/spec.md --critical security,config --nogenerate
    """
    from smartspec.options import Options
    from smartspec.runs.adopt import adopt

    options = Options(nogenerate=nogenerate, no_backup=no_backup, output_dir=output_dir,
                      specindex=specindex)
    outcome = adopt(spec, options, critical=tuple(critical or ()))
    return print_adopt_outcome(outcome, as_json)


def print_adopt_outcome(outcome: AdoptOutcome, as_json: bool) -> int:
    """Print what adopt or an adopted spec's edit did: JSON on stdout, or the console lines
    (a dry run's diff on stdout, the summary on stderr)."""
    if as_json:
        click.echo(json.dumps(outcome.to_json(), ensure_ascii=False, indent=2))
    elif outcome.dry_run:
        click.echo(outcome.diff or "", nl=False)
        click.echo(outcome.console(), err=True, nl=False)
    else:
        click.echo(outcome.console(), nl=False)
    return outcome.exit_code
