"""``smartspec plan`` and ``smartspec tasks``: read a spec, render plan.md or tasks.md from
what it asks for, merge with the file beside it under the registry's records, and write
(backup first, atomically, under the workspace lock, rolled back if any write fails).

The registry keeps the block hashes under ``delivery.<spec-id>.<file>`` next to the spec
sections' records; the index entry of the spec gets a ``delivery`` field naming the files.
"""

from __future__ import annotations

import json
import os
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any, Literal

from smartspec.delivery import managed
from smartspec.delivery.items import SpecFacts, read_facts
from smartspec.errors import WorkspaceError
from smartspec.fsutil import shown_path
from smartspec.workspace import Journal, Workspace, prune_backups

Kind = Literal["plan", "tasks"]


@dataclass(slots=True)
class DeliveryOutcome:
    kind: Kind
    spec_id: str
    path: str  # the written file, relative to the root
    text: str
    written: list[str] = field(default_factory=list)
    backup: str | None = None
    merged: managed.Merged | None = None
    dry_run: bool = False

    def to_json(self) -> dict[str, Any]:
        merged = self.merged
        return {
            "schema": 1, "command": self.kind, "spec_id": self.spec_id, "path": self.path,
            "written": self.written, "backup": self.backup, "dry_run": self.dry_run,
            "added": merged.added if merged else [],
            "updated": merged.updated if merged else [],
            "kept_edits": merged.kept_edits if merged else [],
            "removed": merged.removed if merged else [],
        }


def load_spec(spec: str | os.PathLike[str], cwd: Path | None = None,
              environ: Mapping[str, str] | None = None) -> tuple[Any, Path, SpecFacts]:
    """(settings, spec path, facts) for the spec ``spec`` names; bad paths and unreadable
    files are refused with the file named (exit 2)."""
    from smartspec.config import load_settings
    from smartspec.specfile import read_spec, resolve_spec

    here = (cwd or Path.cwd()).resolve()
    settings = load_settings(None, cwd=here, environ=dict(environ) if environ else None)
    path = Path(resolve_spec(settings.root, str(here), spec))
    shown = shown_path(path, settings.root)
    _, text, _ = read_spec(path, shown)
    facts = read_facts(text, shown)
    if facts.ctx.spec_id is None:
        facts.spec_id = path.parent.name if path.name == "spec.md" else path.stem
    return settings, path, facts


def run(kind: Kind, spec: str | os.PathLike[str], *, cwd: Path | None = None,
        now: datetime | None = None, dry_run: bool = False, no_backup: bool = False,
        environ: Mapping[str, str] | None = None,
        argv: Sequence[str] | None = None) -> DeliveryOutcome:
    """Write ``kind``.md beside the spec and return what happened."""
    from smartspec.delivery import plan_md, tasks
    from smartspec.delivery.timeline import compute
    from smartspec.runs.run import Run, clock
    from smartspec.specfile import decode_spec

    started = time.monotonic()
    settings, spec_path, facts = load_spec(spec, cwd, environ)
    moment = now or clock(environ)
    root = settings.root
    target = spec_path.parent / f"{kind}.md"
    shown = shown_path(target, root)
    if target.is_symlink():
        raise WorkspaceError(f"{shown}: is a symbolic link; smartspec never writes through one")
    workspace = Workspace(root, settings.state_dir)
    key_of = plan_md.section_key if kind == "plan" else tasks.task_key
    spec_rel = shown_path(spec_path, root)
    with workspace.lock(target):
        registry = workspace.load_registry()
        record = registry.get("delivery", {}).get(facts.spec_id, {}).get(f"{kind}.md", {})
        recorded = record.get("blocks", {}) if isinstance(record, dict) else {}
        old_bytes = _read_delivery_file(target, shown)
        old_text = decode_spec(old_bytes, shown)[0] if old_bytes is not None else None
        index = _load_index(workspace, settings)
        if kind == "plan":
            statuses = None
            if index is not None:
                statuses = {k: str(e.status or "") for k, e in index.entries.items()}
            timeline = compute(facts, settings["delivery_timeline"])
            blocks = plan_md.render_blocks(facts, timeline, spec_rel, statuses)
        else:
            blocks = tasks.render_blocks(facts, spec_rel, old_text)
        merged = managed.merge(old_text, blocks, recorded, key_of)
        outcome = DeliveryOutcome(kind, facts.spec_id, shown, merged.text, merged=merged,
                                  dry_run=dry_run)
        if dry_run:
            return outcome
        this_run = Run(kind, settings, moment, list(argv) if argv is not None else None, started)
        journal = this_run.journal
        with journal.guard(workspace, str(target)):
            if old_text != merged.text:
                if old_bytes is not None and settings["create_backups"] and not no_backup:
                    backup = workspace.next_backup_path(facts.spec_id, moment, kind)
                    journal.remember(backup)
                    workspace.write_file(backup, old_bytes)
                    outcome.backup = shown_path(backup, root)
                    outcome.written.append(outcome.backup)
                journal.remember(str(target))
                workspace.write_file(target, merged.text)
                outcome.written.append(shown)
            entry = {"path": shown, "spec": spec_rel,
                     "updated": moment.strftime("%Y-%m-%dT%H:%M:%SZ"), "blocks": merged.hashes}
            if record != entry | {"updated": record.get("updated")}:
                registry.setdefault("schema", 1)
                registry.setdefault("delivery", {}).setdefault(facts.spec_id, {})[
                    f"{kind}.md"] = entry
                journal.remember(workspace.registry_path)
                workspace.write_file(workspace.registry_path, json.dumps(
                    registry, indent=2, sort_keys=True, ensure_ascii=False) + "\n")
            if index is not None and facts.spec_id in index.entries:
                _note_in_index(index, facts.spec_id, kind, shown, workspace, journal)
            if outcome.written:
                this_run.trace(facts.spec_id, outcome.written, kept_edits=merged.kept_edits)
        if outcome.backup:
            prune_backups(workspace, facts.spec_id, int(settings["keep_backups"]), kind)
    return outcome


def _load_index(workspace: Workspace, settings: Any) -> Any:
    from smartspec.index.locate import locate_index
    from smartspec.index.migrate import load_index

    path = locate_index(settings.root, settings.state_dir, None)
    return load_index(path) if path is not None else None


def _note_in_index(index: Any, spec_id: str, kind: str, shown: str, workspace: Workspace,
                   journal: Journal) -> None:
    """Add ``delivery.<kind>`` (the file's path) to the spec's index entry: an additive field
    the index keeps as an unknown key."""
    from smartspec.index.schema import dump_as_found

    entry = index.entries[spec_id]
    delivery = dict(entry.extra.get("delivery") or {})
    if delivery.get(kind) == shown:
        return
    delivery[kind] = shown
    entry.extra["delivery"] = dict(sorted(delivery.items()))
    assert index.source is not None
    journal.remember(index.source)
    workspace.write_index(index.source, dump_as_found(index))


def _read_delivery_file(target: Path, shown: str) -> bytes | None:
    """The bytes of plan.md or tasks.md beside the spec, or None when there is none yet.
    Opened without waiting: a FIFO in its place is refused, never read."""
    from smartspec.fsutil import read_regular

    try:
        return read_regular(target)
    except FileNotFoundError:
        return None
    except OSError as exc:
        raise WorkspaceError(f"{shown}: cannot be read ({exc.strerror}); expected the "
                             f"{target.name} smartspec writes beside the spec") from None
