"""``smartspec check-api SPEC.md OPENAPI [--format text|json|sarif] [--strict]``.

Exit codes as validate: 0 no error, 1 drift found at error severity (``--strict``: any
finding), 2 the files could not be read.
"""

from __future__ import annotations

import json
from pathlib import Path

import click


@click.command("check-api")
@click.argument("spec", type=click.Path(path_type=Path))
@click.argument("openapi", type=click.Path(path_type=Path))
@click.option("--format", "fmt", type=click.Choice(["text", "json", "sarif"]), default="text",
              show_default=True, help="Report for people, programs or code scanning (SARIF 2.1.0).")
@click.option("--strict", is_flag=True, help="Treat warnings as errors (exit 1 on any finding).")
def check_api_command(spec: Path, openapi: Path, fmt: str, strict: bool) -> None:
    """Check OPENAPI (YAML or JSON) against SPEC: operations, path parameters, request bodies,
    error codes, security schemes and the spec's JSON examples.

    \b
    Examples:
      smartspec check-api specs/feature/spec-004-payments/spec.md openapi.yaml
      smartspec check-api specs/feature/spec-004-payments/spec.md openapi.json --format sarif
    """
    from smartspec.contract.drift import DRIFT_RULES, severities
    from smartspec.rules import render_text, report_json
    from smartspec.rules.sarif import to_sarif
    from smartspec.runs.check_api import run

    results = run(spec, openapi, strict=strict)
    if fmt == "text":
        click.echo(render_text(results, verbose=False), nl=False)
    elif fmt == "json":
        click.echo(json.dumps(report_json(results), ensure_ascii=False, indent=2))
    else:
        click.echo(json.dumps(to_sarif(results, severities(strict), rules=DRIFT_RULES),
                              ensure_ascii=False, indent=2))
    if any(result.errors for result in results):
        raise click.exceptions.Exit(1)
