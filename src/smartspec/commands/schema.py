"""``smartspec schema``: the published JSON Schemas of what smartspec prints."""

from __future__ import annotations

import json

import click


@click.group("schema", context_settings={"help_option_names": ["-h", "--help"]})
def schema_command() -> None:
    """Print a JSON Schema (draft 2020-12) of smartspec's machine-readable output.

    \b
    Examples:
      smartspec schema json-output > smartspec-output.schema.json
      smartspec config --schema      (the config file's schema)
      smartspec index --schema       (SPEC_INDEX.json's schema)
    """


@schema_command.command("json-output")
def json_output_command() -> None:
    """The schema of the one JSON object --json (or --format json) prints, errors included.

    \b
    Example:
      smartspec schema json-output | python -m json.tool
    """
    from smartspec.commands.common import json_output_schema

    click.echo(json.dumps(json_output_schema(), indent=2, sort_keys=True))
