"""``smartspec plan SPEC.md`` and ``smartspec tasks SPEC.md``: words in, a run, a summary out.

Both write their file beside the spec, managed like the spec itself (``runs.plan``). ``--dry-run``
prints the merged text and writes nothing; ``--json`` prints one JSON object on stdout.
"""

from __future__ import annotations

import json
from pathlib import Path

import click


def _options(func: click.decorators.FC) -> click.decorators.FC:
    func = click.option("--json", "as_json", is_flag=True, help="Print one JSON object on stdout.")(func)
    func = click.option("--no-backup", is_flag=True,
                        help="Don't back up the file before overwriting it.")(func)
    func = click.option("--dry-run", is_flag=True,
                        help="Print the merged text; write nothing.")(func)
    return click.argument("spec", type=click.Path(path_type=Path))(func)


def _run(kind: str, spec: Path, dry_run: bool, no_backup: bool, as_json: bool) -> None:
    from smartspec.runs.plan import run

    outcome = run("plan" if kind == "plan" else "tasks", spec, dry_run=dry_run,
                  no_backup=no_backup)
    if as_json:
        data = outcome.to_json()
        if dry_run:
            data["text"] = outcome.text
        click.echo(json.dumps(data, ensure_ascii=False, indent=2))
        return
    if dry_run:
        click.echo(outcome.text, nl=False)
        return
    merged = outcome.merged
    assert merged is not None
    if not outcome.written:
        click.echo(f"{outcome.path}: up to date")
    else:
        click.echo(f"wrote {outcome.path}")
    if outcome.backup:
        click.echo(f"  backup: {outcome.backup}")
    for label, keys in (("added", merged.added), ("updated", merged.updated),
                        ("kept (edited by a person)", merged.kept_edits),
                        ("removed (no longer in the spec)", merged.removed)):
        if keys:
            click.echo(f"  {label}: {', '.join(keys)}")


@click.command("plan")
@_options
def plan_command(spec: Path, dry_run: bool, no_backup: bool, as_json: bool) -> None:
    """Write plan.md beside SPEC: milestones, gates, phases, risks, dependencies, timeline.

    \b
    Examples:
      smartspec plan specs/feature/spec-004-payments/spec.md
      smartspec plan specs/feature/spec-004-payments/spec.md --dry-run
    """
    _run("plan", spec, dry_run, no_backup, as_json)


@click.command("tasks")
@_options
def tasks_command(spec: Path, dry_run: bool, no_backup: bool, as_json: bool) -> None:
    """Write tasks.md beside SPEC: one task per spec item, each naming its requirement id.

    \b
    Examples:
      smartspec tasks specs/feature/spec-004-payments/spec.md
      smartspec tasks specs/feature/spec-004-payments/spec.md --json
    """
    _run("tasks", spec, dry_run, no_backup, as_json)
