"""``smartspec model``: print the system model extracted from a name and a description, or
the JSON Schema of a model file."""

from __future__ import annotations

import json

import click


@click.command("model", context_settings={"help_option_names": ["-h", "--help"]})
@click.argument("name", required=False)
@click.argument("description", required=False)
@click.option("--json", "as_json", is_flag=True, help="Print the model as one JSON object.")
@click.option("--schema", is_flag=True, help="Print the JSON Schema of a model file.")
@click.option("--domain", "domain", multiple=True,
              help="Domains to use instead of detecting them (comma list; may be repeated).")
def model_command(name: str | None, description: str | None, as_json: bool, schema: bool,
                  domain: tuple[str, ...]) -> int:
    """Show the system model smartspec would write a spec from.

    \b
    Examples:
      smartspec model user-service "REST API for user accounts, PostgreSQL, Redis cache"
      smartspec model telemetry "IoT readings over MQTT into TimescaleDB" --json
      smartspec model --schema > system-model.schema.json
    """
    if schema:
        from smartspec.model.io import json_schema

        click.echo(json.dumps(json_schema(), indent=2))
        return 0
    if not name:
        raise click.UsageError("missing NAME (or give --schema)")
    from smartspec.commands.flags import join_lists
    from smartspec.options import DOMAINS, check_choice, split_list
    from smartspec.runs.model import describe, model_for

    domains = None
    if domain:
        domains = tuple(check_choice("--domain", d, DOMAINS)
                        for d in join_lists(tuple(split_list(given) for given in domain)) or ())
    model = model_for(name, description or "", domains=domains)
    if as_json:
        from smartspec.model import dumps

        click.echo(dumps(model), nl=False)
    else:
        click.echo(describe(model))
    return 0
