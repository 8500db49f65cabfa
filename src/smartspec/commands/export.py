"""``smartspec export openapi|asyncapi SPEC.md [--format yaml|json] [--output FILE]``.

Prints the document on stdout (or writes ``--output``); a spec with nothing to export is a
usage error (exit 2) that says what the spec lacks.
"""

from __future__ import annotations

from pathlib import Path

import click


@click.command("export")
@click.argument("kind", type=click.Choice(["openapi", "asyncapi"]))
@click.argument("spec", type=click.Path(path_type=Path))
@click.option("--format", "fmt", type=click.Choice(["yaml", "json"]), default="yaml",
              show_default=True, help="Output format.")
@click.option("--output", "-o", type=click.Path(path_type=Path),
              help="Write to this file (inside the project root) instead of stdout.")
def export_command(kind: str, spec: Path, fmt: str, output: Path | None) -> None:
    """Export SPEC's API as OpenAPI 3.1 (or its messaging as AsyncAPI 3.0).

    \b
    Examples:
      smartspec export openapi specs/feature/spec-004-payments/spec.md > openapi.yaml
      smartspec export openapi specs/feature/spec-004-payments/spec.md --format json
      smartspec export asyncapi specs/feature/spec-004-payments/spec.md
    """
    from smartspec.runs.export import export_document, render, write_output

    text = render(export_document(kind, spec), fmt)
    if output is None:
        click.echo(text, nl=False)
        return
    path = write_output(text, output)
    click.echo(f"wrote {path}", err=True)
