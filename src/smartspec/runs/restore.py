"""``smartspec restore``: list a spec's backups, or put one back (the current text is backed
up first, so a restore can itself be undone)."""

from __future__ import annotations

import os
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from smartspec.digest import sha256_hex
from smartspec.errors import UsageError
from smartspec.fsutil import StrPath
from smartspec.options import Options
from smartspec.runs.recorded import find_spec_id
from smartspec.runs.run import Run, clock, load_index_for, open_spec, record_in_index
from smartspec.specfile import SpecArg, decode_spec, file_mode, read_spec, refuse_special
from smartspec.workspace import add_backup, find_backup, prune_backups


@dataclass(slots=True)
class BackupInfo:
    path: str  # relative to the root
    size: int
    taken: str  # "YYYY-MM-DD HH:MM:SS" from the name

    def to_json(self) -> dict[str, Any]:
        return {"path": self.path, "size": self.size, "taken": self.taken}


@dataclass(slots=True)
class RestoreOutcome:
    spec_id: str
    spec_path: str
    backups: list[BackupInfo] = field(default_factory=list)
    restored_from: str | None = None
    backup: str | None = None  # the backup of the file that was replaced
    written: list[str] = field(default_factory=list)
    changed: bool = False
    listed: bool = False
    lang: str = "en"

    def to_json(self) -> dict[str, Any]:
        return {"schema": 1, "command": "restore",
                "spec": {"id": self.spec_id, "path": self.spec_path},
                "backups": [b.to_json() for b in self.backups],
                "restored_from": self.restored_from, "backup": self.backup,
                "written": list(self.written), "changed": self.changed}


def restore(spec: SpecArg, *, backup: str | None = None, list_only: bool = False,
            options: Options | None = None, cwd: StrPath | None = None, now: datetime | None = None,
            environ: Mapping[str, str] | None = None,
            argv: list[str] | None = None) -> RestoreOutcome:
    """Put a backup of the spec back (the newest, or ``backup``), backing up the current file
    first; or, with ``list_only``, list the spec's backups, newest first."""
    from smartspec.document import parse
    from smartspec.workspace import backup_stamp

    started = time.monotonic()
    options = options or Options()
    target = open_spec(spec, options, cwd, environ)
    here, settings, workspace = target.here, target.settings, target.workspace
    path, rel = target.path, target.rel
    run = Run("restore", settings, now or clock(environ), argv, started)
    moment = run.moment
    with workspace.lock(path):
        index, index_path = load_index_for(settings, options.specindex)
        registry = workspace.load_registry()
        current: bytes | None = None
        doc = None
        if os.path.exists(path):
            current, text, _ = read_spec(path, rel)
            doc = parse(text, critical_names=settings.critical_names)
        spec_id = find_spec_id(doc if doc is not None else parse(""), rel, settings, index,
                               registry)
        outcome = RestoreOutcome(spec_id, rel, lang=str(settings["lang"]))
        for found in reversed(workspace.list_backups(spec_id)):
            parts = backup_stamp(os.path.basename(found))
            stamp = parts[0] if parts else ""
            taken = (f"{stamp[:4]}-{stamp[4:6]}-{stamp[6:8]} {stamp[9:11]}:{stamp[11:13]}:"
                     f"{stamp[13:15]}") if len(stamp) == 15 else ""
            outcome.backups.append(BackupInfo(workspace.rel(found), os.stat(found).st_size, taken))
        if list_only:
            outcome.listed = True
            return outcome
        if backup is not None:
            source = find_backup(workspace, spec_id, backup, here)
        elif outcome.backups:
            source = os.path.join(settings.root, outcome.backups[0].path)
        else:
            raise UsageError(f"{rel}: no backups of {spec_id} in "
                             f"{workspace.rel(workspace.backups_dir(spec_id))}; nothing to restore")
        shown = workspace.rel(source)
        refuse_special(source, shown)
        with open(source, "rb") as handle:
            content = handle.read()
        restored_text, _ = decode_spec(content, shown)
        outcome.restored_from = shown
        if content == current:
            return outcome
        journal = run.journal
        with journal.guard(workspace, path):
            if current is not None and settings["create_backups"]:
                saved = add_backup(workspace, spec_id, current, moment, journal,
                                   mode=file_mode(path))
                outcome.backup = workspace.rel(saved)
                outcome.written.append(outcome.backup)
            journal.remember(path)
            workspace.write_spec(path, content)
            outcome.written.insert(0, rel)
            outcome.written += record_in_index(workspace, settings, index, index_path,
                                               restored_text, rel,
                                               sha256=sha256_hex(content),
                                               journal=journal)
            run.trace(spec_id, outcome.written, restored_from=shown)
        outcome.changed = True
        if outcome.backup is not None:
            prune_backups(workspace, spec_id, int(settings["keep_backups"]))
    return outcome
