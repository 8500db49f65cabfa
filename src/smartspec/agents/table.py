"""The assistants ``smartspec init`` knows: where each reads project commands and in what form.

Facts relied on (checked against each tool's documentation in November 2026):

- Claude Code: project slash commands are Markdown files in ``.claude/commands/``; the file
  name is the command; YAML front matter takes ``description`` and ``argument-hint``;
  ``$ARGUMENTS`` in the body is replaced by what the user typed after the command.
- GitHub Copilot (VS Code): prompt files are ``.github/prompts/NAME.prompt.md`` with optional
  YAML front matter (``description``, ``agent``, ``argument-hint``); ``${input:NAME}`` asks the
  user for a value and inserts it.
- Cursor: project commands are plain Markdown files in ``.cursor/commands/``; the text typed
  after the command is sent along with the file, there is no substitution variable.
- Gemini CLI: project commands are TOML files in ``.gemini/commands/``; ``prompt`` is the
  only required key, ``description`` is optional; ``{{args}}`` is replaced by the arguments.
- Kilo Code: workflows are Markdown files in ``.kilocode/workflows/``, run as ``/NAME.md``;
  no substitution variable, the user's words follow the command in the chat.
- Roo Code: slash commands are Markdown files in ``.roo/commands/`` with optional front
  matter (``description``, ``argument-hint``); the user's words follow the command.
- Windsurf: workflows are Markdown files in ``.windsurf/workflows/`` with a ``description``
  in YAML front matter, run as ``/NAME``; no substitution variable.
- OpenCode: project commands are Markdown files in ``.opencode/commands/`` (the current
  docs; older releases read ``.opencode/command/``) with ``description`` front matter;
  ``$ARGUMENTS`` is replaced by the arguments.
- Codex, Amp, Jules, Aider and other assistants that read ``AGENTS.md``: one marked block
  (``<!-- smartspec:start -->`` ... ``<!-- smartspec:end -->``) in the project's AGENTS.md;
  nothing outside the markers is ever touched.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

# How an agent's command file is shaped.
#   markdown     plain Markdown, no front matter
#   frontmatter  YAML front matter (description, argument-hint) then Markdown
#   toml         Gemini's TOML: description and prompt
#   block        one marked block inside a shared file (AGENTS.md)
Shape = Literal["markdown", "frontmatter", "toml", "block"]

# Where the user's words go when the agent has no substitution variable.
TYPED_AFTER = "the text the user typed after this command"


@dataclass(frozen=True, slots=True)
class Agent:
    """One assistant: its name on the command line, where its commands go, and their form."""

    name: str
    title: str
    folder: str  # relative to the project root; for "block" agents, the shared file
    suffix: str  # file name ending after the command name
    shape: Shape
    placeholder: str | None  # the agent's argument variable, None when it has none
    extra_front_matter: tuple[tuple[str, str], ...] = ()
    argument_hint: bool = True  # front matter takes an ``argument-hint`` key

    def path_for(self, command: str) -> str:
        """The project-relative path of ``command``'s file for this agent."""
        if self.shape == "block":
            return self.folder
        return f"{self.folder}/smartspec-{command}{self.suffix}"

    @property
    def arguments(self) -> str:
        """How the command text refers to the user's words."""
        if self.placeholder is not None:
            return self.placeholder
        # In AGENTS.md the user's words are simply the conversation: nothing to point at.
        return "" if self.shape == "block" else f"({TYPED_AFTER})"


AGENTS: tuple[Agent, ...] = (
    Agent("claude", "Claude Code", ".claude/commands", ".md", "frontmatter", "$ARGUMENTS"),
    Agent("copilot", "GitHub Copilot", ".github/prompts", ".prompt.md", "frontmatter",
          "${input:request}", (("agent", "agent"),)),
    Agent("cursor", "Cursor", ".cursor/commands", ".md", "markdown", None),
    Agent("gemini", "Gemini CLI", ".gemini/commands", ".toml", "toml", "{{args}}"),
    Agent("kilocode", "Kilo Code", ".kilocode/workflows", ".md", "markdown", None),
    Agent("roo", "Roo Code", ".roo/commands", ".md", "frontmatter", None),
    Agent("windsurf", "Windsurf", ".windsurf/workflows", ".md", "frontmatter", None,
          argument_hint=False),
    Agent("opencode", "OpenCode", ".opencode/commands", ".md", "frontmatter", "$ARGUMENTS"),
    Agent("agents-md", "Codex and other AGENTS.md readers", "AGENTS.md", "", "block", None),
)

BY_NAME: dict[str, Agent] = {agent.name: agent for agent in AGENTS}
# Other spellings people type for the same assistant.
ALIASES: dict[str, str] = {
    "claude-code": "claude", "github-copilot": "copilot", "gemini-cli": "gemini",
    "kilo": "kilocode", "kilo-code": "kilocode", "roo-code": "roo", "codex": "agents-md",
    "agents": "agents-md", "amp": "agents-md",
}

BLOCK_START = "<!-- smartspec:start -->"
BLOCK_END = "<!-- smartspec:end -->"
