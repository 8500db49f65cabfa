"""The MCP server, in-process through the SDK's own client (memory streams, no port), and once
end to end over stdio. Every tool result must equal what the CLI prints with --json."""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any, TypeVar

import pytest

from tests.helpers import EPOCH, run_cli

mcp = pytest.importorskip("mcp", reason="the MCP server needs the 'mcp' extra")

import anyio  # noqa: E402  (the SDK brings it)

from smartspec.mcpserver import build_server, tool_specs  # noqa: E402

T = TypeVar("T")
DESCRIPTION = "Card payments with a PostgreSQL ledger, Redis queue and the Stripe API"
SPEC = "specs/feature/spec-001-payment-processing/spec.md"


def _in(project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(project)
    monkeypatch.setenv("SOURCE_DATE_EPOCH", EPOCH)
    monkeypatch.setenv("LANG", "C.UTF-8")
    monkeypatch.delenv("LC_ALL", raising=False)


def _session(body: Callable[[Any], Awaitable[T]]) -> T:
    """Run ``body(client)`` against a fresh in-process server."""
    async def main() -> T:
        async with mcp.Client(build_server()) as client:
            return await body(client)

    return anyio.run(main)


def _protocol_error(call: Callable[[Any], Awaitable[Any]]) -> str:
    """The message of the MCP error ``call(client)`` gets (caught inside the session, since
    the client's task group would wrap it on the way out)."""
    from mcp.shared.exceptions import MCPError

    async def body(client: Any) -> str:
        try:
            await call(client)
        except MCPError as exc:
            return exc.message
        raise AssertionError("expected an MCP error")

    return _session(body)


def _call(name: str, arguments: dict[str, Any]) -> tuple[dict[str, Any], bool]:
    async def body(client: Any) -> tuple[dict[str, Any], bool]:
        result = await client.call_tool(name, arguments)
        text = json.loads(result.content[0].text)
        assert text == result.structured_content
        return result.structured_content, result.is_error

    return _session(body)


def _cli_json(argv: list[str], cwd: Path) -> dict[str, Any]:
    result = run_cli(argv, cwd)
    assert result.out, result.err
    return dict(json.loads(result.out))


def _project_with_spec(root: Path) -> Path:
    root.mkdir(parents=True, exist_ok=True)
    made = run_cli(["new", "payment-processing", DESCRIPTION, "--profile=financial"], root)
    assert made.code == 0, made.err
    return root


def test_tools_are_the_json_commands_of_the_cli() -> None:
    from smartspec.cli import COMMANDS

    names = [spec.name for spec in tool_specs()]
    assert {"new", "edit", "regenerate", "validate", "index", "graph"} <= set(names)
    assert not {"init", "mcp", "schema", "config", "generate"} & set(names)
    assert names == [name for name in COMMANDS if name in names]  # table order

    listed = _session(lambda client: client.list_tools())
    by_name = {tool.name: tool for tool in listed.tools}
    assert sorted(by_name) == sorted(names)
    new = by_name["new"].input_schema
    assert new["required"] == ["name"]
    assert new["properties"]["profile"]["enum"] == ["basic", "backend-service", "financial",
                                                    "full"]
    assert new["properties"]["domain"]["type"] == "array"
    assert new["properties"]["no-backup"]["type"] == "boolean"
    assert "json" not in new["properties"]
    validate = by_name["validate"].input_schema
    assert validate["properties"]["paths"] == {
        "type": "array", "items": {"type": "string"},
        "description": "The PATHS argument of the command."}
    assert "format" not in validate["properties"]
    assert validate["properties"]["jobs"]["minimum"] == 0
    assert by_name["index"].input_schema["properties"]["check"]["type"] == "boolean"


def test_new_tool_equals_cli_json(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    served, by_hand = tmp_path / "served", tmp_path / "by-hand"
    served.mkdir()
    by_hand.mkdir()
    _in(served, monkeypatch)
    document, failed = _call("new", {"name": "payment-processing", "description": DESCRIPTION,
                                     "profile": "financial", "domain": ["fintech"]})
    assert not failed
    assert document["spec"]["path"] == SPEC
    assert (served / SPEC).is_file()
    expected = _cli_json(["new", "payment-processing", DESCRIPTION, "--profile", "financial",
                          "--domain=fintech", "--json"], by_hand)
    assert document == expected
    assert (served / SPEC).read_bytes() == (by_hand / SPEC).read_bytes()


# Each tool with a request, and the same request as CLI words.
READ_ONLY_CALLS: dict[str, tuple[dict[str, Any], list[str]]] = {
    "validate": ({"paths": [SPEC]}, ["validate", SPEC, "--format", "json"]),
    "index": ({"check": True}, ["index", "--check", "--format=json"]),
    "graph": ({}, ["graph", "--format", "json"]),
    "restore": ({"spec": SPEC, "list": True}, ["restore", SPEC, "--list", "--json"]),
}
WRITING_CALLS: dict[str, tuple[dict[str, Any], list[str]]] = {
    "edit": ({"spec": SPEC, "description": "Adds refunds", "no-backup": True},
             ["edit", SPEC, "Adds refunds", "--no-backup", "--json"]),
    "regenerate": ({"spec": SPEC, "mode": "compact"},
                   ["regenerate", SPEC, "--mode=compact", "--json"]),
}


@pytest.mark.parametrize("name", sorted(READ_ONLY_CALLS))
def test_read_only_tools_equal_cli_json(name: str, project: Path,
                                        monkeypatch: pytest.MonkeyPatch) -> None:
    _project_with_spec(project)
    assert run_cli(["index"], project).code == 0
    _in(project, monkeypatch)
    arguments, words = READ_ONLY_CALLS[name]
    document, failed = _call(name, arguments)
    assert not failed
    assert document == _cli_json(words, project)


@pytest.mark.parametrize("name", sorted(WRITING_CALLS))
def test_writing_tools_equal_cli_json(name: str, tmp_path: Path,
                                      monkeypatch: pytest.MonkeyPatch) -> None:
    served = _project_with_spec(tmp_path / "served")
    by_hand = _project_with_spec(tmp_path / "by-hand")
    _in(served, monkeypatch)
    arguments, words = WRITING_CALLS[name]
    document, failed = _call(name, arguments)
    assert not failed, document
    assert document["command"] == name
    assert document == _cli_json(words, by_hand)
    assert (served / SPEC).read_bytes() == (by_hand / SPEC).read_bytes()


def test_every_tool_answers_with_one_json_document(project: Path,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    """Tools added by other commands later (model, plan, ...) are called too: with their
    required arguments filled, each must answer with the CLI's JSON document."""
    _project_with_spec(project)
    assert run_cli(["index"], project).code == 0
    _in(project, monkeypatch)
    known = {**READ_ONLY_CALLS, **WRITING_CALLS, "new": ({"name": "ledger"}, [])}
    for spec in tool_specs():
        arguments = known.get(spec.name, ({}, []))[0] or {
            key: "payment-processing" for key in spec.input_schema.get("required", [])}
        document, _ = _call(spec.name, arguments)
        assert document["schema"] == 1, spec.name


def test_a_bad_value_is_the_cli_error_document(project: Path,
                                              monkeypatch: pytest.MonkeyPatch) -> None:
    _in(project, monkeypatch)
    document, failed = _call("new", {"name": "x", "profile": "finacial"})
    assert failed
    assert document == _cli_json(["new", "x", "--profile=finacial", "--json"], project)
    assert document["error"]["code"] == "usage.bad-value"
    assert document["error"]["flag"] == "--profile"
    assert "did you mean 'financial'?" in document["error"]["message"]
    assert list(project.iterdir()) == []


def test_unknown_tool_arguments_are_a_protocol_error(project: Path,
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    _in(project, monkeypatch)
    message = _protocol_error(lambda client: client.call_tool("new", {"name": "x", "colour": 1}))
    assert message.startswith("new: unknown argument(s) colour; expected some of category,")
    assert list(project.iterdir()) == []


def test_resources_are_the_index_and_the_specs(project: Path,
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    _project_with_spec(project)
    _in(project, monkeypatch)

    async def body(client: Any) -> tuple[Any, Any, Any, Any]:
        listed = await client.list_resources()
        templates = await client.list_resource_templates()
        spec = await client.read_resource("spec://spec-001-payment-processing")
        index = await client.read_resource("smartspec://index")
        return listed, templates, spec, index

    listed, templates, spec, index = _session(body)
    assert [str(r.uri) for r in listed.resources] == [
        "smartspec://index", "spec://spec-001-payment-processing"]
    assert templates.resource_templates[0].uri_template == "spec://{id}"
    assert spec.contents[0].text == (project / SPEC).read_text(encoding="utf-8")
    assert spec.contents[0].mime_type == "text/markdown"
    index_data = json.loads(index.contents[0].text)
    assert "spec-001-payment-processing" in json.dumps(index_data)

    message = _protocol_error(lambda client: client.read_resource("spec://spec-404"))
    assert message == "no spec 'spec-404' with a file in the index"


def test_a_fifo_in_place_of_a_spec_is_a_protocol_error_not_a_hang(
        project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _project_with_spec(project)
    _in(project, monkeypatch)
    (project / SPEC).unlink()
    os.mkfifo(project / SPEC)
    message = _protocol_error(
        lambda client: client.read_resource("spec://spec-001-payment-processing"))
    assert message.startswith(f"{SPEC}: cannot be read (not a regular file")


def test_stdio_end_to_end(project: Path) -> None:
    """The installed command, spoken to over stdin/stdout by the SDK's stdio client."""
    from mcp import StdioServerParameters

    script = Path(sys.executable).with_name("smartspec")
    command, args = ((str(script), ["mcp"]) if script.exists()
                     else (sys.executable, ["-m", "smartspec", "mcp"]))
    env = {**os.environ, "SOURCE_DATE_EPOCH": EPOCH, "LANG": "C.UTF-8"}
    params = StdioServerParameters(command=command, args=args, cwd=str(project), env=env)

    async def main() -> tuple[list[str], dict[str, Any], str]:
        async with mcp.Client(params) as client:
            tools = await client.list_tools()
            made = await client.call_tool("new", {"name": "payment-processing",
                                                  "description": DESCRIPTION,
                                                  "profile": "financial"})
            checked = await client.call_tool("validate", {"paths": [SPEC]})
            assert checked.structured_content["summary"]["errors"] == 0
            spec = await client.read_resource("spec://spec-001-payment-processing")
            return [t.name for t in tools.tools], made.structured_content, spec.contents[0].text

    names, made, text = _run_with_timeout(main)
    assert "new" in names and "validate" in names
    assert made["spec"]["path"] == SPEC
    assert text == (project / SPEC).read_text(encoding="utf-8")


def _run_with_timeout(main: Callable[[], Awaitable[T]]) -> T:
    async def bounded() -> T:
        with anyio.fail_after(60):
            return await main()

    return anyio.run(bounded)


# A command another branch might add (like `model`): registered in the table only, it must
# become a tool with its schema, and answer with its own JSON, with no change to the server.
import click  # noqa: E402


@click.command("model")
@click.argument("name")
@click.option("--depth", type=click.IntRange(1, 3), default=1, help="How deep to look.")
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object on stdout.")
def fake_model_command(name: str, depth: int, as_json: bool) -> None:
    """The system model smartspec would write from."""
    click.echo(json.dumps({"schema": 1, "command": "model", "name": name, "depth": depth,
                           "json": as_json}))


def test_a_command_added_to_the_table_becomes_a_tool(project: Path,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    from smartspec import cli

    entry = ("tests.integration.test_mcp:fake_model_command", "The system model.")
    monkeypatch.setattr(cli, "COMMANDS", {**cli.COMMANDS, "model": entry})
    _in(project, monkeypatch)
    listed = _session(lambda client: client.list_tools())
    tool = next(t for t in listed.tools if t.name == "model")
    assert tool.description == "The system model smartspec would write from."
    assert tool.input_schema["required"] == ["name"]
    assert tool.input_schema["properties"]["depth"] == {
        "type": "integer", "minimum": 1, "maximum": 3, "description": "How deep to look.",
        "default": 1}
    document, failed = _call("model", {"name": "payments", "depth": 2})
    assert not failed
    assert document == {"schema": 1, "command": "model", "name": "payments", "depth": 2,
                        "json": True}
    assert document == _cli_json(["model", "payments", "--depth", "2", "--json"], project)
