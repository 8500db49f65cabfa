"""``smartspec init``: decide which agents and commands, then install through ``agents.install``."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

from smartspec.agents.install import InitResult, install, resolve_agents, status
from smartspec.agents.texts import shipped_commands
from smartspec.errors import UsageError


def _place(output_dir: str | None) -> tuple[Path, Path]:
    from smartspec.config import load_settings
    from smartspec.options import Options

    settings = load_settings(Options(output_dir=output_dir))
    return Path(settings.root), Path(settings.state_dir)


def run_init(agent_names: Sequence[str], *, all_agents: bool, remove: Sequence[str],
             force: bool, dry_run: bool, output_dir: str | None,
             available: Sequence[str]) -> InitResult:
    """Install (or upgrade, or remove) smartspec's commands for the named assistants.
    ``available`` is the command line's own list of commands: texts for plan and tasks (and
    the model step) are shipped as soon as those commands are registered."""
    from smartspec.agents.table import AGENTS

    if all_agents and agent_names:
        raise UsageError("give --agent NAME or --all, not both")
    agents = list(AGENTS) if all_agents else resolve_agents(agent_names)
    removing = resolve_agents(remove)
    both = {a.name for a in agents} & {a.name for a in removing}
    if both:
        raise UsageError(f"--agent and --remove both name {', '.join(sorted(both))}; give one")
    root, state_dir = _place(output_dir)
    if not agents and not removing:
        from smartspec.agents.install import read_manifest

        if not read_manifest(root, state_dir)["agents"]:
            names = ", ".join(a.name for a in AGENTS)
            raise UsageError(f"name the assistants to install for: --agent NAME (one of {names}) "
                             "or --all")
    return install(root, state_dir, agents, commands=shipped_commands(available),
                   has_model="model" in available, force=force, remove=removing,
                   dry_run=dry_run)


def run_list(output_dir: str | None) -> list[dict[str, Any]]:
    """Every agent smartspec knows and what is installed for it in this project."""
    root, state_dir = _place(output_dir)
    return status(root, state_dir)
