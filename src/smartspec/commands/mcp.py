"""``smartspec mcp``: serve smartspec's commands over the Model Context Protocol (stdio)."""

from __future__ import annotations

import click

from smartspec.errors import UsageError


@click.command("mcp", context_settings={"help_option_names": ["-h", "--help"]})
@click.option("--list-tools", is_flag=True,
              help="Print the tools and their JSON Schemas as JSON and exit (no server).")
def mcp_command(list_tools: bool) -> int:
    """Run an MCP server over stdin/stdout for AI assistants. Every smartspec command that
    prints JSON is a tool (new, edit, regenerate, validate, index, graph, ...); specs are
    resources (spec://ID) and so is the index (smartspec://index). Needs the extra:
    pip install 'smartspec[mcp]'.

    \b
    Examples:
      smartspec mcp
      claude mcp add smartspec -- smartspec mcp
      smartspec mcp --list-tools
    """
    if list_tools:
        import json

        from smartspec.mcpserver import tool_specs

        click.echo(json.dumps([{"name": s.name, "description": s.description,
                                "inputSchema": s.input_schema} for s in tool_specs()],
                              indent=2, ensure_ascii=False))
        return 0
    try:
        import mcp  # noqa: F401  (present only with the extra)
    except ImportError:
        raise UsageError("the MCP server needs the official MCP SDK; install it with "
                         "pip install 'smartspec[mcp]'") from None
    from smartspec.mcpserver import serve_stdio

    serve_stdio()
    return 0
