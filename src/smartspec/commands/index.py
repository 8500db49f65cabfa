"""``smartspec index`` and ``smartspec graph`` as click commands: index's words go to
``commands/index_calls.py`` (which the quick path of ``cli.main`` also calls), graph's to
``runs/index.py``; both print one JSON object on stdout with ``--format json``. Errors are
raised as ``SmartspecError`` for ``cli.main`` to turn into one line and exit 2; ``--check``
with errors prints its findings and exits 1.
"""

from __future__ import annotations

import click

from smartspec.commands.index_calls import OUTPUT_SCHEMA, emit_json, index_call

# The options of index are also read without click (flags.INDEX_FLAGS, for the quick path of
# cli.main); tests/unit/test_quick_path.py keeps the two the same.


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
    code = index_call(specs_dir, specindex, output_dir, check, dry_run, migrate, show_schema,
                      fmt)
    if code:
        raise click.exceptions.Exit(code)


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
        emit_json({
            "schema": OUTPUT_SCHEMA, "command": "graph", "index": scope.show(index.source),
            "focus": focus, "missing": missing,
            "specs": [{"id": node, "title": index.entries[node].title if node in index.entries
                       else None, "depends_on": [t for s, t in edges if s == node]}
                      for node in nodes],
            "edges": [{"from": source, "to": target} for source, target in edges],
        })
        return
    click.echo(render_graph(index, "dot" if fmt == "dot" else "mermaid", focus), nl=False)
