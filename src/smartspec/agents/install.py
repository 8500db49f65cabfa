"""Install, upgrade and remove smartspec's command files for assistants, by a manifest.

Every file ``init`` writes is recorded in ``<state>/agents-manifest.json`` with the sha256 of
the text it wrote. On the next run a file whose text still has that hash is smartspec's to
upgrade or remove; a file whose text differs was changed by a person and is kept (and
listed) unless ``force`` is given, in which case the person's version is first copied to
``<state>/backups/agents/``. In AGENTS.md only the marked block is smartspec's: the rest of
the file is never read into a decision and never changed.

Everything is decided before the first write, so a refused run (a symlink on the way, broken
markers, a malformed manifest) changes nothing on disk.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from smartspec.agents.table import AGENTS, BLOCK_END, BLOCK_START, BY_NAME, Agent
from smartspec.agents.texts import agents_block, command_file
from smartspec.digest import sha256_hex
from smartspec.errors import DocumentError, WorkspaceError
from smartspec.fsutil import LOCK_DIR, inside_root, read_regular, shown_path
from smartspec.workspace import Workspace, free_name

MANIFEST_NAME = "agents-manifest.json"
MANIFEST_SCHEMA = 1

Action = Literal["created", "updated", "unchanged", "kept", "replaced", "removed", "left"]
# What each action means, for people reading the output.
ACTION_NOTES: dict[str, str] = {
    "created": "written",
    "updated": "upgraded (nobody had changed it)",
    "unchanged": "already current",
    "kept": "changed by a person: kept (use --force to replace it)",
    "replaced": "changed by a person: replaced (--force); the old text is in {backup}",
    "removed": "removed (not shipped any more, or --remove)",
    "left": "no longer shipped but changed by a person: left in place",
}


@dataclass(frozen=True, slots=True)
class FileAction:
    """What ``init`` did (or will do) to one file."""

    path: str  # relative to the project root, POSIX separators
    agent: str
    action: Action
    backup: str | None = None

    def to_json(self) -> dict[str, Any]:
        return {"path": self.path, "agent": self.agent, "action": self.action,
                "backup": self.backup}


@dataclass(slots=True)
class InitResult:
    """The outcome of one ``init`` run."""

    agents: list[str]
    files: list[FileAction] = field(default_factory=list)
    manifest: str = ""
    written: list[str] = field(default_factory=list)

    @property
    def kept(self) -> list[FileAction]:
        return [f for f in self.files if f.action in ("kept", "left")]


@dataclass(frozen=True, slots=True)
class _Write:
    target: Path
    text: str | None  # None = delete the file
    backup_of: str | None = None  # the person's text to copy to ``backup`` first
    backup: Path | None = None


def resolve_agents(names: Iterable[str]) -> list[Agent]:
    """Agents by name (aliases and comma lists accepted); an unknown name is a usage error."""
    from smartspec.agents.table import ALIASES
    from smartspec.options import check_choice, split_list

    found: list[Agent] = []
    for given in names:
        for name in split_list(given):
            key = ALIASES.get(name.lower(), name.lower())
            check_choice("--agent", key, tuple(BY_NAME))
            if BY_NAME[key] not in found:
                found.append(BY_NAME[key])
    return found


def manifest_path(state_dir: Path) -> Path:
    return state_dir / MANIFEST_NAME


def read_manifest(root: Path, state_dir: Path) -> dict[str, Any]:
    """The manifest, or an empty one; a malformed file is refused with its name."""
    path = manifest_path(state_dir)
    shown = shown_path(path, root)
    try:
        raw = _text_of(path)
    except FileNotFoundError:
        return {"schema": MANIFEST_SCHEMA, "agents": [], "files": {}}
    except OSError as exc:
        raise DocumentError(f"{shown}: cannot be read ({exc.strerror})") from None
    try:
        data = json.loads(raw)
    except ValueError as exc:
        raise DocumentError(f"{shown}:{getattr(exc, 'lineno', 1)}: not valid JSON; expected the "
                            "manifest smartspec init writes (delete it to start over)") from None
    files = data.get("files") if isinstance(data, dict) else None
    agents = data.get("agents") if isinstance(data, dict) else None
    if not isinstance(files, dict) or not isinstance(agents, list) or not all(
            isinstance(v, dict) and isinstance(v.get("sha256"), str)
            and isinstance(v.get("agent"), str) for v in files.values()):
        raise DocumentError(f"{shown}: expected an object with 'agents' (a list) and 'files' "
                            "(path -> {agent, sha256}); delete it to start over")
    return {"schema": MANIFEST_SCHEMA, "agents": agents, "files": files}


def planned_files(agents: Sequence[Agent], commands: Sequence[str],
                  has_model: bool) -> dict[str, tuple[Agent, str]]:
    """Every file (or AGENTS.md block) to install: path -> (agent, text)."""
    planned: dict[str, tuple[Agent, str]] = {}
    for agent in agents:
        if agent.shape == "block":
            planned[agent.path_for("")] = (agent, agents_block(list(commands), agent, has_model))
            continue
        for command in commands:
            planned[agent.path_for(command)] = (agent, command_file(command, agent, has_model))
    return planned


def install(root: Path, state_dir: Path, agents: Sequence[Agent], *, commands: Sequence[str],
            has_model: bool, force: bool = False, remove: Sequence[Agent] = (),
            dry_run: bool = False) -> InitResult:
    """Bring the named agents' files up to date and remove the ``remove`` agents' files.

    With no agents and no removals, every agent already in the manifest is upgraded.
    """
    from smartspec import __version__

    manifest_file = manifest_path(state_dir)
    with Workspace.lock_files(manifest_file, folder=state_dir / LOCK_DIR):
        manifest = read_manifest(root, state_dir)
        recorded: dict[str, dict[str, Any]] = dict(manifest["files"])
        installed = [name for name in manifest["agents"] if name in BY_NAME]
        selected = list(agents) or ([BY_NAME[n] for n in installed] if not remove else [])
        removing = {a.name for a in remove}
        touched = {a.name for a in selected} | removing
        planned = planned_files([a for a in selected if a.name not in removing], commands,
                                has_model)

        result = InitResult(agents=[a.name for a in selected if a.name not in removing])
        writes: list[_Write] = []
        new_records = {path: rec for path, rec in recorded.items() if rec["agent"] not in touched}
        backups_dir = state_dir / "backups" / "agents"

        for rel, (agent, text) in planned.items():
            target = _safe_target(root, rel)
            record = recorded.get(rel)
            if agent.shape == "block":
                action, write = _plan_block(root, target, text, record, force, backups_dir)
            else:
                action, write = _plan_file(root, target, text, record, force, backups_dir)
            if write is not None:
                writes.append(write)
            backup = shown_path(write.backup, root) if write is not None and write.backup else None
            result.files.append(FileAction(rel, agent.name, action, backup))
            mine = text.rstrip("\n") if agent.shape == "block" else text
            if action == "kept":
                new_records[rel] = {"agent": agent.name, "sha256": record["sha256"]} \
                    if record else {"agent": agent.name, "sha256": sha256_hex(mine)}
                if record is None:
                    # Somebody else's file stands where ours goes: not ours to track.
                    new_records.pop(rel)
            else:
                new_records[rel] = {"agent": agent.name, "sha256": sha256_hex(mine)}

        for rel, record in sorted(recorded.items()):
            if record["agent"] not in touched or rel in planned:
                continue
            target = _safe_target(root, rel)
            known = BY_NAME.get(record["agent"])
            action, write = (_unplan_block(root, target, record)
                             if known is not None and known.shape == "block"
                             else _unplan_file(target, record))
            if write is not None:
                writes.append(write)
            result.files.append(FileAction(rel, record["agent"], action))

        agent_names = [n for n in installed if n not in touched]
        agent_names += [a.name for a in selected if a.name not in removing]
        result.manifest = shown_path(manifest_file, root)
        if dry_run:
            return result
        for write in writes:
            _apply(root, write)
            result.written.append(shown_path(write.target, root))
        new_manifest = {"schema": MANIFEST_SCHEMA, "smartspec": __version__,
                        "agents": sorted(set(agent_names)),
                        "files": dict(sorted(new_records.items()))}
        text = json.dumps(new_manifest, indent=2, ensure_ascii=False) + "\n"
        if _text_or_none(manifest_file) != text:
            _safe_target(root, result.manifest)
            Workspace.write_file(manifest_file, text)
            result.written.append(result.manifest)
        return result


def status(root: Path, state_dir: Path) -> list[dict[str, Any]]:
    """Every agent, whether it is installed, and the state of each of its recorded files."""
    manifest = read_manifest(root, state_dir)
    rows = []
    for agent in AGENTS:
        files = []
        for rel, record in sorted(manifest["files"].items()):
            if record["agent"] != agent.name:
                continue
            files.append({"path": rel, "state": _file_state(root / rel, agent, record)})
        rows.append({"agent": agent.name, "title": agent.title, "where": agent.folder,
                     "installed": agent.name in manifest["agents"], "files": files})
    return rows


def _file_state(path: Path, agent: Agent, record: dict[str, Any]) -> str:
    try:
        text = _text_of(path)
    except (OSError, UnicodeDecodeError):  # gone, a folder, a FIFO, not text: not ours
        return "missing"
    if agent.shape == "block":
        span = _find_block(text, path.name)
        if span is None:
            return "missing"
        text = text[span[0]:span[1]]
    return "installed" if sha256_hex(text) == record["sha256"] else "edited"


# -- planning one file ----------------------------------------------------------------------


def _plan_file(root: Path, target: Path, text: str, record: dict[str, Any] | None, force: bool,
               backups_dir: Path) -> tuple[Action, _Write | None]:
    current = _read(root, target)
    if current is None:
        return "created", _Write(target, text)
    if current == text:
        return "unchanged", None
    return _replace(root, target, current, current, text, record, force, backups_dir)


def _plan_block(root: Path, target: Path, block: str, record: dict[str, Any] | None, force: bool,
                backups_dir: Path) -> tuple[Action, _Write | None]:
    current = _read(root, target)
    mine = block.rstrip("\n")
    if current is None:
        return "created", _Write(target, block)
    span = _find_block(current, shown_path(target, root))
    if span is None:
        # Appended after one blank line; the person's text stays byte for byte as it was.
        blank = not current or current.endswith("\n\n")
        gap = "" if blank else ("\n" if current.endswith("\n") else "\n\n")
        return "created", _Write(target, current + gap + block)
    start, end = span
    existing = current[start:end]
    if existing == mine:
        return "unchanged", None
    updated = current[:start] + mine + current[end:]
    return _replace(root, target, current, existing, updated, record, force, backups_dir)


def _replace(root: Path, target: Path, current: str, managed: str, new_text: str,
             record: dict[str, Any] | None, force: bool,
             backups_dir: Path) -> tuple[Action, _Write | None]:
    """Whether ``target`` (now ``current``) may become ``new_text``: "updated" while the part
    smartspec manages (``managed``, the whole file or its block) is still what smartspec
    recorded; else "kept", so a person's change is never lost, unless ``force`` replaces it
    after a backup of the whole file."""
    if record is not None and sha256_hex(managed) == record["sha256"]:
        return "updated", _Write(target, new_text)
    if not force:
        return "kept", None
    backup = Path(free_name(str(backups_dir / shown_path(target, root))))
    return "replaced", _Write(target, new_text, backup_of=current, backup=backup)


def _unplan_file(target: Path, record: dict[str, Any]) -> tuple[Action, _Write | None]:
    try:
        current = _text_of(target)
    except FileNotFoundError:
        return "removed", None
    except (OSError, UnicodeDecodeError):  # something else took its place: left as it is
        return "left", None
    if sha256_hex(current) != record["sha256"]:
        return "left", None
    return "removed", _Write(target, None)


def _unplan_block(root: Path, target: Path, record: dict[str, Any]) -> tuple[Action, _Write | None]:
    current = _read(root, target)
    span = _find_block(current, shown_path(target, root)) if current is not None else None
    if current is None or span is None:
        return "removed", None
    start, end = span
    if sha256_hex(current[start:end]) != record["sha256"]:
        return "left", None
    before, after = current[:start], current[end:]
    if after.startswith("\n"):
        after = after[1:]
    if before.endswith("\n\n") and (not after or after.startswith("\n")):
        before = before[:-1]  # the blank line init put before the block
    rest = before + after
    return "removed", _Write(target, rest if rest.strip() else None)


def _find_block(text: str, shown: str) -> tuple[int, int] | None:
    """The span of the marked block (markers included), None when absent; half a block is
    refused, since guessing where it ends could eat a person's text."""
    start = text.find(BLOCK_START)
    end = text.find(BLOCK_END, start + 1 if start >= 0 else 0)
    if start < 0 and end < 0:
        return None
    if start < 0 or end < 0:
        found, missing = (BLOCK_START, BLOCK_END) if start >= 0 else (BLOCK_END, BLOCK_START)
        line = text.count("\n", 0, start if start >= 0 else end) + 1
        raise DocumentError(f"{shown}:{line}: has {found} but no {missing}; put the missing "
                            "marker back (or remove both) and run init again")
    if text.find(BLOCK_START, start + 1) >= 0 and text.find(BLOCK_START, start + 1) < end:
        line = text.count("\n", 0, text.find(BLOCK_START, start + 1)) + 1
        raise DocumentError(f"{shown}:{line}: a second {BLOCK_START} before {BLOCK_END}; "
                            "expected one marked block")
    return start, end + len(BLOCK_END)


# -- the file system ------------------------------------------------------------------------


def _safe_target(root: Path, rel: str) -> Path:
    """``root/rel``, refusing paths that leave the root or pass through a symlink."""
    probe = root
    for part in Path(rel).parts:
        probe = probe / part
        if probe.is_symlink():
            raise WorkspaceError(f"{shown_path(probe, root)} is a symbolic link; smartspec never "
                                 "writes through one (replace it with a real folder or file)")
    inside_root(root, rel, what="agent file")
    return root / rel


def _text_of(path: Path) -> str:
    """A file's text, opened without waiting (``fsutil.read_regular``): a FIFO in a file's
    place raises OSError ("not a regular file"), never blocks the run."""
    return read_regular(path).decode("utf-8")


def _text_or_none(path: Path) -> str | None:
    try:
        return _text_of(path)
    except (OSError, UnicodeDecodeError):
        return None


def _read(root: Path, target: Path) -> str | None:
    try:
        return _text_of(target)
    except FileNotFoundError:
        return None
    except (UnicodeDecodeError, IsADirectoryError, OSError) as exc:
        reason = "not UTF-8 text" if isinstance(exc, UnicodeDecodeError) else (
            getattr(exc, "strerror", None) or "unreadable")
        raise WorkspaceError(f"{shown_path(target, root)}: cannot be read ({reason}); expected a "
                             "text file smartspec may manage") from None


def _apply(root: Path, write: _Write) -> None:
    try:
        if write.backup is not None and write.backup_of is not None:
            Workspace.write_file(write.backup, write.backup_of)
        if write.text is None:
            # Folders init made for the file go with it once empty.
            Workspace.remove_file(write.target, root=root)
        else:
            Workspace.write_file(write.target, write.text)
    except OSError as exc:
        raise WorkspaceError(f"{shown_path(write.target, root)}: cannot be written "
                             f"({exc.strerror})") from None
