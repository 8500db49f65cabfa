"""The command texts: one template per smartspec command, rendered in each agent's form.

The templates are package data (``agents/templates``); the agent's argument placeholder
is passed in as a value, so that ``{{args}}`` or ``$ARGUMENTS`` lands in the output literally.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from functools import cache
from typing import Any

from smartspec.agents.table import BLOCK_END, BLOCK_START, Agent

# The commands smartspec ships texts for, with the one-line description each agent shows.
# plan and tasks are shipped only when the installed smartspec has those commands.
DESCRIPTIONS: dict[str, str] = {
    "new": "Create a service SPEC with smartspec (offline, validated)",
    "edit": "Update a SPEC with smartspec without losing a word",
    "validate": "Check SPECs with smartspec's rules and fix every finding",
    "plan": "Write plan.md beside a SPEC with smartspec",
    "tasks": "Write tasks.md beside a SPEC with smartspec",
}
ARGUMENT_HINTS: dict[str, str] = {
    "new": "NAME and what the system does",
    "edit": "SPEC.md and what changed",
    "validate": "[spec files or folders]",
    "plan": "SPEC.md",
    "tasks": "SPEC.md",
}
ALWAYS = ("new", "edit", "validate")


def shipped_commands(available: Iterable[str]) -> list[str]:
    """The commands to write texts for, given the commands this smartspec has."""
    have = set(available)
    return [name for name in DESCRIPTIONS if name in ALWAYS or name in have]


@cache
def _environment() -> Any:
    from jinja2 import Environment, PackageLoader, StrictUndefined

    return Environment(loader=PackageLoader("smartspec.agents", "templates"),
                       undefined=StrictUndefined, keep_trailing_newline=True,
                       autoescape=False)


def body(command: str, agent: Agent, has_model: bool) -> str:
    """The Markdown instructions of ``command`` with ``agent``'s argument placeholder."""
    template = _environment().get_template(f"{command}.md.j2")
    return str(template.render(args=agent.arguments, has_model=has_model))


def _yaml_scalar(value: str) -> str:
    # JSON strings are valid YAML double-quoted scalars: safe for any character.
    return json.dumps(value, ensure_ascii=False)


def command_file(command: str, agent: Agent, has_model: bool) -> str:
    """The whole file ``agent`` reads for ``command``."""
    text = body(command, agent, has_model)
    description = DESCRIPTIONS[command]
    if agent.shape == "markdown":
        return text
    if agent.shape == "toml":
        # A TOML literal multi-line string keeps every character as written; the text never
        # contains three single quotes, which is the only thing that could end it.
        assert "'''" not in text
        return (f"description = {json.dumps(description, ensure_ascii=False)}\n"
                f"prompt = '''\n{text}'''\n")
    lines = ["---", f"description: {_yaml_scalar(description)}"]
    if agent.argument_hint:
        lines.append(f"argument-hint: {_yaml_scalar(ARGUMENT_HINTS[command])}")
    lines.extend(f"{key}: {_yaml_scalar(value)}" for key, value in agent.extra_front_matter)
    lines.append("---")
    return "\n".join(lines) + "\n\n" + text


def agents_block(commands: list[str], agent: Agent, has_model: bool) -> str:
    """The marked AGENTS.md block: how to use smartspec for each command, markers included."""
    parts = [
        BLOCK_START,
        "## smartspec",
        "",
        "This project writes its service specifications with `smartspec` (offline, "
        "deterministic). When asked to create, update or check a spec, follow these steps.",
    ]
    for command in commands:
        text = body(command, agent, has_model).replace("\n# ", "\n### ")
        if text.startswith("# "):
            text = "### " + text[2:]
        parts.extend(["", text.rstrip("\n")])
    parts.extend(["", BLOCK_END])
    return "\n".join(parts) + "\n"
