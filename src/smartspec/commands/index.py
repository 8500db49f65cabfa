"""``smartspec index`` and ``smartspec graph``: parse the words, call ``runs/index.py``, print.

Human text goes to stdout (warnings to stderr); ``--format json`` prints one JSON object on
stdout and nothing else there. Errors are raised as ``SmartspecError`` for ``cli.main`` to turn
into one line and exit 2; ``--check`` with errors prints its findings and exits 1.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

import click

if TYPE_CHECKING:
    from smartspec.runs.index import IndexScope

OUTPUT_SCHEMA = 1


def _emit_json(payload: dict[str, Any]) -> None:
    click.echo(json.dumps(payload, ensure_ascii=False, indent=2, sort_keys=True))


@click.command("index")
@click.option("--specs-dir", metavar="DIR",
              help="Folder of <category>/<spec-id>/spec.md, relative to the project root "
                   "[default: specs, or defaults.specsDir in the config].")
@click.option("--specindex", metavar="PATH",
              help="Use this index file (relative to the root) instead of the lookup order: "
                   ".smartspec/SPEC_INDEX.json, SPEC_INDEX.json, .spec/SPEC_INDEX.json, "
                   "specs/SPEC_INDEX.json.")
@click.option("--output-dir", metavar="DIR",
              help="The state folder inside the root [default: .smartspec].")
@click.option("--check", "check", is_flag=True,
              help="Check the index against the specs instead of rebuilding it; exit 1 on errors.")
@click.option("--dry-run", is_flag=True, help="Show the change as a diff; write nothing.")
@click.option("--migrate", is_flag=True,
              help="Write an index found in an earlier shape in the current schema.")
@click.option("--schema", "show_schema", is_flag=True,
              help="Print the JSON Schema of SPEC_INDEX.json and exit.")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text",
              show_default=True, help="Output for people or for programs.")
def index_command(specs_dir: str | None, specindex: str | None, output_dir: str | None,
                  check: bool, dry_run: bool, migrate: bool, show_schema: bool,
                  fmt: str) -> None:
    """Build or refresh SPEC_INDEX.json from the specs tree, or check it (--check).

    Each spec's settings comment and header give its entry; dependents and counts are
    recomputed; files unchanged since the last run (size, mtime, hash) are not read again.
    An index in an earlier shape (another tool's, or SmartSpec's) is written back in that
    shape where it was found; --migrate converts it to the current schema.

    \b
    Examples:
      smartspec index
      smartspec index --check --format json
      smartspec index --dry-run
    """
    from smartspec.errors import UsageError

    if show_schema:
        if check or dry_run:
            raise UsageError("--schema prints the JSON Schema only; use it without --check "
                             "or --dry-run")
        from smartspec.index.schema import index_json_schema

        click.echo(json.dumps(index_json_schema(), indent=2, sort_keys=True))
        return
    if check and dry_run:
        raise UsageError("--check writes nothing already; use --check or --dry-run, not both")
    from smartspec.runs.index import scope_for

    scope = scope_for(specs_dir, output_dir)
    if check:
        _check(scope, specindex, fmt)
    else:
        _refresh(scope, specindex, dry_run, fmt, migrate)


def _refresh(scope: IndexScope, specindex: str | None, dry_run: bool, fmt: str,
             migrate: bool = False) -> None:
    from smartspec.index.model import SHAPE_NAMES
    from smartspec.runs.index import refresh_index

    result = refresh_index(scope.root, scope.state_dir, scope.specs_dir, specindex=specindex,
                           dry_run=dry_run, repo=scope.repo, migrate=migrate,
                           configured=scope.configured)
    scan = result.scan
    assert scan is not None
    shown = scope.show(result.path)
    if fmt == "json":
        _emit_json({
            "schema": OUTPUT_SCHEMA, "command": "index", "index": shown,
            "found": result.found is not None, "shape": result.shape,
            "migrated": result.migrated and migrate, "dry_run": dry_run, "changed": result.changed,
            "specs": result.size, "specs_dir": scope.show(scope.specs_dir),
            "scan": {"found": scan.found, "read": scan.read, "parsed": scan.parsed,
                     "unchanged": scan.unchanged},
            "added": scan.added, "removed": scan.removed, "updated": scan.changed,
            "warnings": scan.warnings, "written": [scope.show(p) for p in result.written],
            "diff": result.diff(scope.root) if dry_run else None,
        })
        return
    for warning in scan.warnings:
        click.echo(f"smartspec: warning: {warning}", err=True)
    if result.found is None:
        click.echo(f"SPEC_INDEX: none found; {'would create' if dry_run else 'creating'} {shown}")
    elif result.migrated and migrate:
        click.echo(f"SPEC_INDEX: {shown} (read in {SHAPE_NAMES[result.shape]}, "
                   "migrated to the current schema)")
    elif result.migrated:
        click.echo(f"SPEC_INDEX: {shown} (in {SHAPE_NAMES[result.shape]}, kept in that shape; "
                   "--migrate converts it to the current schema)")
    else:
        click.echo(f"SPEC_INDEX: {shown}")
    click.echo(f"Scanned {scan.found} spec files in {scope.show(scope.specs_dir)}: "
               f"{scan.read} read, {scan.parsed} parsed, {scan.unchanged} unchanged; "
               f"{result.size} entries.")
    for label, ids in (("Added", scan.added), ("Removed", scan.removed),
                       ("Updated", scan.changed)):
        if ids:
            click.echo(f"{label} ({len(ids)}): {_short_list(ids)}")
    if dry_run:
        if result.changed:
            click.echo(result.diff(scope.root), nl=False)
        click.echo("Dry run: nothing written." if result.changed
                   else "Dry run: the index is up to date.")
    elif result.written:
        click.echo(f"Wrote {', '.join(scope.show(p) for p in result.written)}")
    else:
        click.echo("The index is up to date.")


def _short_list(ids: list[str], limit: int = 20) -> str:
    shown = ", ".join(ids[:limit])
    return shown + (f" and {len(ids) - limit} more" if len(ids) > limit else "")


def _check(scope: IndexScope, specindex: str | None, fmt: str) -> None:
    from smartspec.index.model import SHAPE_NAMES
    from smartspec.runs.index import check

    index, findings = check(scope, specindex)
    assert index.source is not None
    errors = sum(1 for f in findings if f.severity == "error")
    warnings = len(findings) - errors
    shown = scope.show(index.source)
    if fmt == "json":
        _emit_json({
            "schema": OUTPUT_SCHEMA, "command": "index --check", "index": shown,
            "shape": index.shape, "specs": len(index.all_entries()), "errors": errors,
            "warnings": warnings, "passed": errors == 0,
            "findings": [f.to_json() for f in findings],
        })
    else:
        note = f" (in {SHAPE_NAMES[index.shape]})" if index.migrated else ""
        click.echo(f"SPEC_INDEX: {shown}{note}, {len(index.all_entries())} entries")
        for finding in findings:
            click.echo(f"{finding.severity}: {finding.message} [{finding.code}]")
        verdict = "failed" if errors else "passed"
        click.echo(f"Check {verdict}: {errors} error{'s' * (errors != 1)}, "
                   f"{warnings} warning{'s' * (warnings != 1)}.")
    if errors:
        raise click.exceptions.Exit(1)


@click.command("graph")
@click.option("--format", "fmt", type=click.Choice(["mermaid", "dot", "json"]), default="mermaid",
              show_default=True, help="Mermaid flowchart, Graphviz DOT, or JSON for programs.")
@click.option("--spec", "focus", metavar="ID",
              help="Only this spec, what it depends on and what depends on it.")
@click.option("--specindex", metavar="PATH", help="Use this index file (relative to the root).")
@click.option("--output-dir", metavar="DIR",
              help="The state folder inside the root [default: .smartspec].")
def graph_command(fmt: str, focus: str | None, specindex: str | None,
                  output_dir: str | None) -> None:
    """Print the dependency graph of the specs in SPEC_INDEX.json.

    An arrow points from a spec to a spec it depends on; dependencies missing from the index
    are dashed.

    \b
    Examples:
      smartspec graph
      smartspec graph --format dot | dot -Tsvg > specs.svg
      smartspec graph --spec spec-core-001-authentication
    """
    from smartspec.index.graph import render_graph
    from smartspec.runs.index import existing_index, scope_for

    scope = scope_for(None, output_dir)
    index = existing_index(scope, specindex)
    if fmt == "json":
        from smartspec.index.graph import graph_parts

        assert index.source is not None
        nodes, edges, missing = graph_parts(index, focus)
        _emit_json({
            "schema": OUTPUT_SCHEMA, "command": "graph", "index": scope.show(index.source),
            "focus": focus, "missing": missing,
            "specs": [{"id": node, "title": index.entries[node].title if node in index.entries
                       else None, "depends_on": [t for s, t in edges if s == node]}
                      for node in nodes],
            "edges": [{"from": source, "to": target} for source, target in edges],
        })
        return
    click.echo(render_graph(index, "dot" if fmt == "dot" else "mermaid", focus), nl=False)
