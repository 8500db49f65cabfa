"""smartspec as a Model Context Protocol server (the ``mcp`` extra; imported only by ``smartspec mcp``).

The tools are not written by hand: every command in ``cli.COMMANDS`` that can print JSON
(a ``--json`` flag, or ``--format`` with a ``json`` choice) becomes a tool, and its input
schema is derived from the command's click parameters. A command added to the table later
(``model``, ``plan``, ``export``...) is served without a change here. A tool call is turned
back into the command's words and run through ``cli.main`` with stdout captured, so the tool
result is, byte for byte, the JSON object the CLI prints for the same request, errors
included.

Resources: ``smartspec://index`` (SPEC_INDEX.json) and ``spec://ID`` for every indexed spec.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from contextlib import redirect_stderr, redirect_stdout
from dataclasses import dataclass
from io import StringIO
from pathlib import Path
from typing import Any

import click

# Commands that are not a spec operation for an assistant to call: installing into assistants
# and serving MCP are set-up steps, and the schema command describes the output itself.
NOT_TOOLS = frozenset({"init", "mcp", "schema"})
INDEX_URI = "smartspec://index"
SPEC_URI_PREFIX = "spec://"


class ToolInputError(Exception):
    """Tool arguments that do not fit the command (unknown name, wrong type, missing value)."""


@dataclass(frozen=True, slots=True)
class ToolParam:
    """One tool argument and the click parameter it stands for."""

    name: str
    param: click.Parameter
    positional: bool
    flag: str  # the option as typed on the command line ("" for arguments)


@dataclass(frozen=True, slots=True)
class ToolSpec:
    """A command served as a tool: its words, schema and the switch that asks for JSON."""

    name: str
    description: str
    input_schema: dict[str, Any]
    params: tuple[ToolParam, ...]
    json_args: tuple[str, ...]

    def argv(self, arguments: Mapping[str, Any] | None) -> list[str]:
        """The command line for a tool call (options first, then ``--`` and the arguments,
        so that a value starting with a dash is never read as a flag)."""
        given = dict(arguments or {})
        known = {p.name for p in self.params}
        unknown = sorted(set(given) - known)
        if unknown:
            raise ToolInputError(f"{self.name}: unknown argument(s) {', '.join(unknown)}; "
                                 f"expected some of {', '.join(sorted(known))}")
        options: list[str] = []
        positionals: list[str] = []
        for tool_param in self.params:
            value = given.get(tool_param.name)
            param = tool_param.param
            if value is None:
                if tool_param.positional and param.required:
                    raise ToolInputError(f"{self.name}: '{tool_param.name}' is required")
                continue
            if tool_param.positional:
                values = value if isinstance(value, list) else [value]
                positionals.extend(_word(self.name, tool_param.name, v) for v in values)
            elif isinstance(param, click.Option) and param.is_flag:
                if not isinstance(value, bool):
                    raise ToolInputError(f"{self.name}: '{tool_param.name}' must be true or false")
                if value:
                    options.append(tool_param.flag)
            elif isinstance(value, list):
                words = [_word(self.name, tool_param.name, v) for v in value]
                if isinstance(param, click.Option) and param.multiple:
                    options.extend(f"{tool_param.flag}={w}" for w in words)
                elif words:
                    options.append(f"{tool_param.flag}={','.join(words)}")
            else:
                options.append(f"{tool_param.flag}={_word(self.name, tool_param.name, value)}")
        return [self.name, *options, *self.json_args, "--", *positionals]


def _word(tool: str, name: str, value: Any) -> str:
    if isinstance(value, bool) or not isinstance(value, str | int | float):
        raise ToolInputError(f"{tool}: '{name}' must be a string or a number, not "
                             f"{type(value).__name__}")
    return str(value)


# -- tools from click --------------------------------------------------------------------------


def tool_specs() -> list[ToolSpec]:
    """Every command of ``cli.COMMANDS`` that can print JSON, as a tool."""
    from smartspec.cli import COMMANDS, cli

    specs = []
    with click.Context(cli, info_name="smartspec") as ctx:
        for name in COMMANDS:
            if name in NOT_TOOLS:
                continue
            command = cli.get_command(ctx, name)
            if command is None or isinstance(command, click.Group):
                continue
            spec = _tool_from_command(name, command)
            if spec is not None:
                specs.append(spec)
    return specs


def _json_switch(command: click.Command) -> tuple[click.Parameter, tuple[str, ...]] | None:
    """The option that makes ``command`` print JSON, and the words that set it."""
    for param in command.params:
        if not isinstance(param, click.Option):
            continue
        if "--json" in param.opts and param.is_flag:
            return param, ("--json",)
        choices = getattr(param.type, "choices", None)
        if "--format" in param.opts and choices is not None and "json" in choices:
            return param, ("--format=json",)
    return None


def _tool_from_command(name: str, command: click.Command) -> ToolSpec | None:
    switch = _json_switch(command)
    if switch is None:
        return None
    properties: dict[str, Any] = {}
    required: list[str] = []
    params: list[ToolParam] = []
    for param in command.params:
        if param is switch[0] or (isinstance(param, click.Option) and param.hidden):
            continue
        if isinstance(param, click.Argument):
            key = param.name or param.human_readable_name.lower()
            params.append(ToolParam(key, param, True, ""))
            if param.required:
                required.append(key)
        elif isinstance(param, click.Option):
            flag = max((o for o in param.opts if o.startswith("--")), key=len, default="")
            if not flag or flag == "--help":
                continue
            key = flag[2:]
            params.append(ToolParam(key, param, False, flag))
        else:
            continue
        properties[key] = _param_schema(param)
    help_text = (command.help or command.short_help or name).split("\b")[0]
    description = " ".join(help_text.split())
    schema: dict[str, Any] = {"type": "object", "properties": properties,
                              "additionalProperties": False}
    if required:
        schema["required"] = required
    return ToolSpec(name, description, schema, tuple(params), switch[1])


def _param_schema(param: click.Parameter) -> dict[str, Any]:
    """The JSON Schema of one click parameter, from its type and help."""
    item = _type_schema(param)
    many = (isinstance(param, click.Option) and param.multiple) or param.nargs == -1
    schema: dict[str, Any] = {"type": "array", "items": item} if many else item
    help_text = getattr(param, "help", None)
    if isinstance(param, click.Argument):
        help_text = f"The {param.human_readable_name} argument of the command."
    if help_text:
        schema["description"] = " ".join(str(help_text).split())
    default = param.default
    if isinstance(param, click.Option) and not param.is_flag and isinstance(default, str | int) \
            and not isinstance(default, bool):
        schema["default"] = default
    return schema


def _type_schema(param: click.Parameter) -> dict[str, Any]:
    from smartspec.commands.common import CommaList

    kind = param.type
    if isinstance(param, click.Option) and param.is_flag:
        return {"type": "boolean"}
    if isinstance(kind, CommaList):
        items: dict[str, Any] = {"type": "string"}
        if kind.choices:
            items["enum"] = list(kind.choices)
        return {"type": "array", "items": items}
    choices = getattr(kind, "choices", None)
    if choices is not None:
        return {"type": "string", "enum": [str(c) for c in choices]}
    if isinstance(kind, click.IntRange):
        schema: dict[str, Any] = {"type": "integer"}
        if kind.min is not None:
            schema["minimum"] = kind.min
        if kind.max is not None:
            schema["maximum"] = kind.max
        return schema
    if kind is click.INT:
        return {"type": "integer"}
    if kind is click.FLOAT:
        return {"type": "number"}
    return {"type": "string"}


# -- running a tool: the CLI's own words and output ------------------------------------------------


@dataclass(frozen=True, slots=True)
class CommandRun:
    """One in-process run of the command line."""

    exit_code: int
    stdout: str
    stderr: str

    def document(self) -> dict[str, Any]:
        """The JSON object the command printed (every JSON run prints exactly one)."""
        try:
            data = json.loads(self.stdout)
        except ValueError:
            raise RuntimeError(f"the command printed no JSON document (exit {self.exit_code}): "
                               f"{self.stderr.strip() or self.stdout[:200]}") from None
        if not isinstance(data, dict):
            raise RuntimeError("the command printed JSON that is not an object")
        return data


def run_command(argv: list[str]) -> CommandRun:
    """``smartspec ARGV`` in this process, with stdout and stderr captured."""
    from smartspec.cli import main

    out, err = StringIO(), StringIO()
    with redirect_stdout(out), redirect_stderr(err):
        code = main(argv)
    return CommandRun(code, out.getvalue(), err.getvalue())


def call_tool(specs: Mapping[str, ToolSpec], name: str,
              arguments: Mapping[str, Any] | None) -> tuple[dict[str, Any], bool]:
    """Run tool ``name``: (the CLI's JSON document, whether it is an error)."""
    spec = specs.get(name)
    if spec is None:
        raise ToolInputError(f"no tool {name!r}; expected one of {', '.join(sorted(specs))}")
    run = run_command(spec.argv(arguments))
    return run.document(), run.exit_code == 2


# -- resources ------------------------------------------------------------------------------------


def _index_place() -> tuple[Path, Path | None]:
    from smartspec.config import load_settings
    from smartspec.index.locate import locate_index

    settings = load_settings()
    found = locate_index(settings.root, settings.state_dir, None)
    return Path(settings.root), None if found is None else Path(found)


def list_resources() -> list[dict[str, str]]:
    """The index and every indexed spec that has a file, as (uri, name, description, mime)."""
    _, index_path = _index_place()
    if index_path is None:
        return []
    from smartspec.index.migrate import load_index

    found = [{"uri": INDEX_URI, "name": "SPEC_INDEX.json",
              "description": "The index of every spec in this project.",
              "mime": "application/json"}]
    for entry in sorted(load_index(index_path).entries.values(), key=lambda e: e.id):
        if entry.path:
            found.append({"uri": SPEC_URI_PREFIX + entry.id, "name": entry.id,
                          "description": entry.title or entry.id, "mime": "text/markdown"})
    return found


def read_resource(uri: str) -> tuple[str, str]:
    """(text, mime type) of ``uri``; LookupError names what was expected."""
    from smartspec.fsutil import inside_root
    from smartspec.index.migrate import load_index

    root, index_path = _index_place()
    if index_path is None:
        raise LookupError("no SPEC_INDEX.json in this project; run 'smartspec index' first")
    if uri == INDEX_URI:
        return _text_of(index_path, root), "application/json"
    if not uri.startswith(SPEC_URI_PREFIX):
        raise LookupError(f"unknown resource {uri!r}; expected {INDEX_URI} or spec://SPEC-ID")
    spec_id = uri[len(SPEC_URI_PREFIX):]
    entry = load_index(index_path).entries.get(spec_id)
    if entry is None or not entry.path:
        raise LookupError(f"no spec {spec_id!r} with a file in the index")
    path = Path(inside_root(root, entry.path, what=f"the path of {spec_id}"))
    return _text_of(path, root), "text/markdown"


def _text_of(path: Path, root: Path) -> str:
    """A resource's text, opened without waiting (a FIFO in a file's place would block the
    server for ever); LookupError names a file that cannot be read as UTF-8 text."""
    from smartspec.fsutil import read_regular, shown_path

    try:
        return read_regular(path).decode("utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        reason = "not UTF-8 text" if isinstance(exc, UnicodeDecodeError) else exc.strerror
        raise LookupError(f"{shown_path(path, root)}: cannot be read ({reason}); expected a "
                          "UTF-8 text file") from None


# -- the server -----------------------------------------------------------------------------------


def build_server() -> Any:
    """The MCP server (the SDK's low-level ``Server``) with smartspec's tools and resources."""
    import mcp.types as types
    from mcp.server import Server
    from mcp.shared.exceptions import MCPError

    from smartspec import __version__

    specs = {spec.name: spec for spec in tool_specs()}

    async def on_list_tools(ctx: Any, params: Any) -> types.ListToolsResult:
        return types.ListToolsResult(tools=[
            types.Tool(name=spec.name, description=spec.description,
                       input_schema=spec.input_schema)
            for spec in specs.values()])

    async def on_call_tool(ctx: Any, params: types.CallToolRequestParams) -> types.CallToolResult:
        try:
            document, failed = call_tool(specs, params.name, params.arguments)
        except ToolInputError as exc:
            raise MCPError(types.INVALID_PARAMS, str(exc)) from None
        text = json.dumps(document, ensure_ascii=False, indent=2)
        return types.CallToolResult(content=[types.TextContent(text=text)],
                                    structured_content=document, is_error=failed)

    async def on_list_resources(ctx: Any, params: Any) -> types.ListResourcesResult:
        return types.ListResourcesResult(resources=[
            types.Resource(uri=item["uri"], name=item["name"], description=item["description"],
                           mime_type=item["mime"])
            for item in list_resources()])

    async def on_list_templates(ctx: Any, params: Any) -> types.ListResourceTemplatesResult:
        return types.ListResourceTemplatesResult(resource_templates=[
            types.ResourceTemplate(uri_template="spec://{id}", name="spec",
                                   description="A spec by its id, as listed in SPEC_INDEX.json.",
                                   mime_type="text/markdown")])

    async def on_read_resource(ctx: Any,
                               params: types.ReadResourceRequestParams) -> types.ReadResourceResult:
        try:
            text, mime = read_resource(str(params.uri))
        except LookupError as exc:
            raise MCPError(types.INVALID_PARAMS, str(exc.args[0])) from None
        return types.ReadResourceResult(contents=[
            types.TextResourceContents(uri=str(params.uri), mime_type=mime, text=text)])

    return Server(
        "smartspec", version=__version__,
        instructions="smartspec writes, edits, validates and indexes service specifications "
                     "offline. Call 'new' to create a spec, fill in only its prose (never the "
                     "critical blocks or the settings comment), then 'validate' and fix every "
                     "finding.",
        on_list_tools=on_list_tools, on_call_tool=on_call_tool,
        on_list_resources=on_list_resources, on_list_resource_templates=on_list_templates,
        on_read_resource=on_read_resource,
    )


def serve_stdio() -> None:
    """Serve MCP over stdin/stdout until the client closes the connection."""
    import anyio
    from mcp.server.stdio import stdio_server

    server = build_server()

    async def serve() -> None:
        async with stdio_server() as (read_stream, write_stream):
            await server.run(read_stream, write_stream, server.create_initialization_options())

    anyio.run(serve)
