"""``smartspec init``: every assistant gets files in the form it reads, and a re-run never
loses what a person changed."""

from __future__ import annotations

import json
import os
import tomllib
from pathlib import Path

import pytest

from smartspec import cli
from smartspec.agents.table import AGENTS, BLOCK_END, BLOCK_START, BY_NAME, Agent
from smartspec.agents.texts import DESCRIPTIONS, shipped_commands
from tests.helpers import run_cli, tree_hashes

# What init ships follows the commands this smartspec has (plan and tasks included).
COMMANDS = tuple(shipped_commands(cli.COMMANDS))
FILE_AGENTS = [agent for agent in AGENTS if agent.shape != "block"]


def _front_matter(text: str) -> tuple[dict[str, str], str]:
    """YAML front matter written as ``key: "json string"`` lines, and the body after it."""
    assert text.startswith("---\n"), text[:40]
    head, body = text[4:].split("\n---\n", 1)
    fields = {}
    for line in head.splitlines():
        key, value = line.split(": ", 1)
        fields[key] = json.loads(value)  # a JSON string is a valid YAML double-quoted scalar
    return fields, body


def _prompt(agent: Agent, text: str) -> str:
    """The instructions the agent sends to its model, checked against the agent's format."""
    if agent.shape == "toml":
        data = tomllib.loads(text)
        assert set(data) == {"description", "prompt"}
        assert data["description"] in DESCRIPTIONS.values()
        return str(data["prompt"])
    if agent.shape == "frontmatter":
        fields, body = _front_matter(text)
        assert fields["description"]
        assert ("argument-hint" in fields) == agent.argument_hint
        for key, value in agent.extra_front_matter:
            assert fields[key] == value
        return body
    assert agent.shape == "markdown"
    assert text.startswith("# ")
    return text


@pytest.mark.parametrize("agent", FILE_AGENTS, ids=lambda a: a.name)
def test_init_writes_each_agents_files_in_its_format(project: Path, agent: Agent) -> None:
    result = run_cli(["init", "--agent", agent.name], project)
    assert result.code == 0, result.err
    for command in COMMANDS:
        path = project / agent.path_for(command)
        assert path.is_file(), path
        prompt = _prompt(agent, path.read_text(encoding="utf-8"))
        if agent.placeholder is not None:
            assert agent.placeholder in prompt
            # Each agent's own variable only: no other agent's placeholder leaks in.
            others = {a.placeholder for a in AGENTS if a.placeholder} - {agent.placeholder}
            assert not any(other in prompt for other in others)
        else:
            assert "the text the user typed after this command" in prompt
        # The loop the texts teach, offline.
        assert "offline" in prompt
        assert "--format json" in prompt
        assert "@critical" in prompt
    manifest = json.loads((project / ".smartspec/agents-manifest.json").read_text())
    assert manifest["agents"] == [agent.name]
    assert sorted(manifest["files"]) == sorted(agent.path_for(c) for c in COMMANDS)
    import hashlib

    for rel, record in manifest["files"].items():
        digest = hashlib.sha256((project / rel).read_bytes()).hexdigest()
        assert record == {"agent": agent.name, "sha256": digest}


@pytest.mark.parametrize("agent", FILE_AGENTS, ids=lambda a: a.name)
def test_second_init_keeps_a_person_edited_file(project: Path, agent: Agent) -> None:
    assert run_cli(["init", "--agent", agent.name], project).code == 0
    edited = project / agent.path_for("new")
    person = edited.read_text(encoding="utf-8") + "\nAlways use --profile=financial here.\n"
    edited.write_text(person, encoding="utf-8")

    result = run_cli(["init", "--json"], project)
    assert result.code == 0, result.err
    data = json.loads(result.out)
    assert data["kept"] == [agent.path_for("new")]
    actions = {f["path"]: f["action"] for f in data["files"]}
    assert actions[agent.path_for("new")] == "kept"
    assert actions[agent.path_for("edit")] == "unchanged"
    assert edited.read_text(encoding="utf-8") == person

    # --force replaces it, and the person's version is kept as a backup first.
    forced = json.loads(run_cli(["init", "--force", "--json"], project).out)
    replaced = [f for f in forced["files"] if f["action"] == "replaced"]
    assert [f["path"] for f in replaced] == [agent.path_for("new")]
    assert (project / replaced[0]["backup"]).read_text(encoding="utf-8") == person
    assert "Always use" not in edited.read_text(encoding="utf-8")


def test_agents_md_block_never_touches_the_rest_of_the_file(project: Path) -> None:
    before = "# Agents\n\nRun `make test` before every commit.\n"
    after_text = "\n## Style\n\nTabs, never spaces.\n"
    (project / "AGENTS.md").write_text(before, encoding="utf-8")
    assert run_cli(["init", "--agent", "codex"], project).code == 0
    text = (project / "AGENTS.md").read_text(encoding="utf-8")
    assert text.startswith(before + "\n" + BLOCK_START + "\n")
    assert text.count(BLOCK_START) == text.count(BLOCK_END) == 1
    block = text[text.index(BLOCK_START):]
    for command in COMMANDS:
        assert f"smartspec {command}" in block
    assert "smartspec validate SPEC_PATH --format json" in block

    # A person adds text after the block; an upgrade changes only the block.
    (project / "AGENTS.md").write_text(text + after_text, encoding="utf-8")
    old_block = block.rstrip("\n")
    stale = text.replace("## smartspec\n", "## smartspec (old release)\n")
    (project / "AGENTS.md").write_text(stale + after_text, encoding="utf-8")
    # The manifest says smartspec wrote the old block, so the upgrade may replace it.
    manifest_path = project / ".smartspec/agents-manifest.json"
    manifest = json.loads(manifest_path.read_text())
    import hashlib

    stale_block = stale[stale.index(BLOCK_START):].rstrip("\n")
    manifest["files"]["AGENTS.md"]["sha256"] = hashlib.sha256(stale_block.encode()).hexdigest()
    manifest_path.write_text(json.dumps(manifest))
    result = json.loads(run_cli(["init", "--json"], project).out)
    assert result["files"] == [{"path": "AGENTS.md", "agent": "agents-md", "action": "updated",
                                "backup": None}]
    assert (project / "AGENTS.md").read_text(encoding="utf-8") == before + "\n" + old_block + \
        "\n" + after_text

    # Removing the agent takes the block out and leaves the person's text as it was.
    assert run_cli(["init", "--remove", "agents-md"], project).code == 0
    assert (project / "AGENTS.md").read_text(encoding="utf-8") == before + after_text


def test_an_edited_agents_md_block_is_kept(project: Path) -> None:
    assert run_cli(["init", "--agent", "agents-md"], project).code == 0
    path = project / "AGENTS.md"
    edited = path.read_text(encoding="utf-8").replace("deterministic)", "deterministic; ours)")
    path.write_text(edited, encoding="utf-8")
    result = json.loads(run_cli(["init", "--json"], project).out)
    assert result["kept"] == ["AGENTS.md"]
    assert path.read_text(encoding="utf-8") == edited


def test_half_a_block_is_refused_and_nothing_changes(project: Path) -> None:
    (project / "AGENTS.md").write_text(f"# Notes\n{BLOCK_START}\nmine\n", encoding="utf-8")
    before = tree_hashes(project)
    result = run_cli(["init", "--agent", "agents-md,claude"], project)
    assert result.code == 2
    assert "AGENTS.md:2: has <!-- smartspec:start --> but no <!-- smartspec:end -->" in result.err
    assert tree_hashes(project) == before


def test_files_no_longer_shipped_are_removed_unless_edited(project: Path) -> None:
    assert run_cli(["init", "--agent", "claude"], project).code == 0
    manifest_path = project / ".smartspec/agents-manifest.json"
    manifest = json.loads(manifest_path.read_text())
    import hashlib

    # Two files an earlier release shipped: one untouched, one a person changed.
    old, changed = ".claude/commands/smartspec-old.md", ".claude/commands/smartspec-older.md"
    (project / old).write_text("old text\n")
    (project / changed).write_text("a person's text\n")
    for rel in (old, changed):
        manifest["files"][rel] = {"agent": "claude",
                                  "sha256": hashlib.sha256(b"old text\n").hexdigest()}
    manifest_path.write_text(json.dumps(manifest))

    data = json.loads(run_cli(["init", "--json"], project).out)
    actions = {f["path"]: f["action"] for f in data["files"]}
    assert actions[old] == "removed" and not (project / old).exists()
    assert actions[changed] == "left" and (project / changed).read_text() == "a person's text\n"
    assert set(json.loads(manifest_path.read_text())["files"]) == {
        BY_NAME["claude"].path_for(c) for c in COMMANDS}

    # Removing the agent removes its files; a folder still holding a person's file stays,
    # one that held only smartspec's files goes.
    (project / ".claude/settings.json").write_text("{}\n")
    assert run_cli(["init", "--remove", "claude", "--agent", "gemini"], project).code == 0
    assert sorted(p.name for p in (project / ".claude/commands").iterdir()) == [
        "smartspec-older.md"]
    assert run_cli(["init", "--remove", "gemini"], project).code == 0
    assert not (project / ".gemini").exists()
    assert (project / ".claude/settings.json").read_text() == "{}\n"
    assert json.loads(manifest_path.read_text())["agents"] == []


def test_a_symlink_on_the_way_is_refused(project: Path, tmp_path: Path) -> None:
    outside = tmp_path / "elsewhere"
    outside.mkdir()
    (project / ".claude").symlink_to(outside, target_is_directory=True)
    result = run_cli(["init", "--agent", "claude"], project)
    assert result.code == 2
    assert ".claude is a symbolic link" in result.err
    assert list(outside.iterdir()) == []
    assert not (project / ".smartspec").exists()


def test_an_unknown_agent_names_the_nearest(project: Path) -> None:
    result = run_cli(["init", "--agent", "gemnii"], project)
    assert result.code == 2
    assert "did you mean 'gemini'?" in result.err
    assert list(project.iterdir()) == []


def test_init_without_agents_asks_for_one(project: Path) -> None:
    result = run_cli(["init"], project)
    assert result.code == 2
    assert "--agent NAME" in result.err and "--all" in result.err


def test_dry_run_writes_nothing(project: Path) -> None:
    result = run_cli(["init", "--all", "--dry-run", "--json"], project)
    assert result.code == 0
    data = json.loads(result.out)
    assert len(data["files"]) == len(FILE_AGENTS) * len(COMMANDS) + 1
    assert data["written"] == []
    assert list(project.iterdir()) == []


def test_list_shows_agents_and_file_states(project: Path) -> None:
    assert run_cli(["init", "--agent", "gemini"], project).code == 0
    path = project / BY_NAME["gemini"].path_for("edit")
    path.write_text(path.read_text() + "# mine\n")
    rows = json.loads(run_cli(["init", "--list", "--json"], project).out)["agents"]
    assert [row["agent"] for row in rows] == [agent.name for agent in AGENTS]
    gemini = next(row for row in rows if row["agent"] == "gemini")
    assert gemini["installed"] is True
    states = {f["path"]: f["state"] for f in gemini["files"]}
    assert states[BY_NAME["gemini"].path_for("edit")] == "edited"
    assert states[BY_NAME["gemini"].path_for("new")] == "installed"
    text = run_cli(["init", "--list"], project).out
    assert "gemini" in text and "edited" in text


def test_plan_tasks_and_model_appear_when_those_commands_exist(
        project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from smartspec import cli

    extra = {"plan": ("x:y", "plan"), "tasks": ("x:y", "tasks"), "model": ("x:y", "model")}
    monkeypatch.setattr(cli, "COMMANDS", {**cli.COMMANDS, **extra})
    assert run_cli(["init", "--agent", "claude"], project).code == 0
    folder = project / ".claude/commands"
    assert sorted(p.name for p in folder.iterdir()) == [
        "smartspec-edit.md", "smartspec-new.md", "smartspec-plan.md", "smartspec-tasks.md",
        "smartspec-validate.md"]
    assert "smartspec model NAME" in (folder / "smartspec-new.md").read_text()


def test_without_model_command_the_text_does_not_call_it(project: Path,
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    from smartspec import cli

    monkeypatch.setattr(cli, "COMMANDS", {k: v for k, v in cli.COMMANDS.items() if k != "model"})
    assert run_cli(["init", "--agent", "cursor"], project).code == 0
    assert "smartspec model" not in (project / ".cursor/commands/smartspec-new.md").read_text()


def test_init_output_is_deterministic(tmp_path: Path) -> None:
    first, second = tmp_path / "a", tmp_path / "b"
    first.mkdir()
    second.mkdir()
    assert run_cli(["init", "--all"], first).code == 0
    assert run_cli(["init", "--all"], second).code == 0
    assert tree_hashes(first) == tree_hashes(second)
    assert os.listdir(first)
