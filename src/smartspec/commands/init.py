"""``smartspec init``: words in, ``runs.init`` called, the files it touched printed."""

from __future__ import annotations

import json

import click

from smartspec.agents.table import AGENTS

AGENT_NAMES = ", ".join(agent.name for agent in AGENTS)


@click.command("init", context_settings={"help_option_names": ["-h", "--help"]})
@click.option("--agent", "agents", multiple=True, metavar="NAME",
              help=f"An assistant to install for (repeat or comma list): {AGENT_NAMES}.")
@click.option("--all", "all_agents", is_flag=True, help="Install for every assistant above.")
@click.option("--remove", multiple=True, metavar="NAME",
              help="Remove smartspec's files for this assistant (files a person changed stay).")
@click.option("--force", is_flag=True,
              help="Replace files a person changed (their text is saved under "
                   ".smartspec/backups/agents/ first).")
@click.option("--list", "list_only", is_flag=True, help="Show the assistants and what is installed.")
@click.option("--dry-run", is_flag=True, help="Show what would change; write nothing.")
@click.option("--output-dir", metavar="DIR", help="State folder instead of .smartspec/.")
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object on stdout.")
def init_command(agents: tuple[str, ...], all_agents: bool, remove: tuple[str, ...], force: bool,
                 list_only: bool, dry_run: bool, output_dir: str | None, as_json: bool) -> int:
    """Install smartspec's commands (new, edit, validate, and plan/tasks when available) into
    AI assistants, in the form each one reads. Run it again to upgrade: files nobody changed
    are replaced, files a person changed are kept and listed, files no longer shipped are
    removed. Without --agent, the assistants installed before are upgraded.

    \b
    Examples:
      smartspec init --agent claude --agent gemini
      smartspec init --agent copilot,cursor,agents-md
      smartspec init --all
      smartspec init              (upgrade what is installed)
      smartspec init --list
    """
    if list_only:
        from smartspec.runs.init import run_list

        rows = run_list(output_dir)
        if as_json:
            click.echo(json.dumps({"schema": 1, "command": "init --list", "agents": rows},
                                  indent=2, ensure_ascii=False))
            return 0
        width = max(len(row["agent"]) for row in rows)
        for row in rows:
            mark = "installed" if row["installed"] else "-"
            click.echo(f"{row['agent']:<{width}}  {mark:<9}  {row['title']} ({row['where']})")
            for file in row["files"]:
                click.echo(f"{'':<{width}}    {file['path']}: {file['state']}")
        return 0

    from smartspec.agents.install import ACTION_NOTES
    from smartspec.runs.init import run_init

    # The command line's table is the truth about what this smartspec can do.
    ctx = click.get_current_context()
    available = ctx.find_root().command.list_commands(ctx)  # type: ignore[attr-defined]
    result = run_init(agents, all_agents=all_agents, remove=remove, force=force,
                      dry_run=dry_run, output_dir=output_dir, available=available)
    if as_json:
        click.echo(json.dumps({
            "schema": 1, "command": "init", "agents": result.agents, "dry_run": dry_run,
            "files": [f.to_json() for f in result.files],
            "kept": [f.path for f in result.kept],
            "written": result.written, "manifest": result.manifest,
        }, indent=2, ensure_ascii=False))
        return 0
    for file in result.files:
        note = ACTION_NOTES[file.action].format(backup=file.backup)
        click.echo(f"{file.action:<9}  {file.path}  ({file.agent}: {note})")
    if dry_run:
        click.echo("Dry run: nothing written.")
    elif result.kept:
        click.echo(f"{len(result.kept)} file(s) changed by a person were kept; "
                   "run 'smartspec init --force' to replace them.", err=True)
    return 0
