"""``smartspec adopt`` and ``edit`` of an adopted spec: read under the lock, call the pure stages
in ``smartspec.adopt``, check that validation got no worse, and write (backup, registry, spec,
index, trace), all put back if one write fails."""

from __future__ import annotations

import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any

from smartspec.digest import sha256_hex
from smartspec.errors import DocumentError, UsageError
from smartspec.fsutil import StrPath
from smartspec.runs.run import Run, clock, load_index_for, open_spec, record_in_index
from smartspec.specfile import SpecArg, read_spec, unified_diff

if TYPE_CHECKING:
    from smartspec.adopt import Inference
    from smartspec.config import Settings
    from smartspec.index.model import SpecIndex
    from smartspec.options import Options
    from smartspec.rules import ValidationResult
    from smartspec.workspace import Workspace


@dataclass(slots=True)
class AdoptOutcome:
    """What adopt (or an edit of an adopted spec) did, for the console and ``--json``."""

    command: str
    spec_id: str
    spec_path: str
    changed: bool = False
    already_managed: bool = False
    dialect: str = "smartspec"
    inferences: list[Inference] = field(default_factory=list)
    wrapped: list[str] = field(default_factory=list)
    added: list[str] = field(default_factory=list)
    covered_by: str | None = None
    style: str = ""
    stack: tuple[str, ...] = ()
    errors_before: int | None = None
    errors_after: int | None = None
    findings: list[dict[str, Any]] = field(default_factory=list)
    written: list[str] = field(default_factory=list)
    backup: str | None = None
    diff: str | None = None
    dry_run: bool = False
    text: str = ""

    @property
    def exit_code(self) -> int:
        return 0

    def to_json(self) -> dict[str, Any]:
        """design.md §3's ``--json`` object, plus what adoption adds (dialect, wrapped and
        added sections, the stack read, the error count before the run)."""
        from smartspec.document import parse

        doc = parse(self.text)
        record = doc.settings or {}
        spec = {"id": self.spec_id, "title": record.get("title"), "path": self.spec_path,
                **{k: record.get(k) for k in ("profile", "mode", "security", "di",
                                              "performance")},
                "domains": list(record.get("domains") or [])}
        errors = self.errors_after or 0
        warnings = sum(1 for f in self.findings if f["severity"] == "warn")
        return {
            "schema": 1, "command": self.command, "spec": spec,
            "sections": [{"key": None, "title": s.title,
                          "critical": s.critical.name if s.critical else None}
                         for s in doc.sections],
            "decisions": [{**i.to_json(), "source": "inferred"} for i in self.inferences],
            "validation": {"errors": errors, "warnings": warnings, "passed": errors == 0,
                           "findings": self.findings, "errors_before": self.errors_before},
            "written": list(self.written), "backup": self.backup, "report": None,
            "changed": self.changed, "already_managed": self.already_managed,
            "dialect": self.dialect, "wrapped": list(self.wrapped), "added": list(self.added),
            "covered_by": self.covered_by, "style": self.style, "stack": list(self.stack),
            **({"diff": self.diff} if self.dry_run else {}),
        }

    def console(self) -> str:
        lines: list[str] = []
        if self.already_managed:
            return f"{self.spec_path}: already managed by smartspec; nothing to adopt\n"
        verb = {"adopt": "adopted", "edit": "edited"}.get(self.command, self.command)
        head = "dry run, nothing written" if self.dry_run else (
            verb if self.changed else "unchanged")
        lines.append(f"{self.spec_path} ({self.spec_id}): {head}")
        if self.dialect != "smartspec":
            lines.append(f"  tags read in the {self.dialect} dialect; written canonically")
        for inference in self.inferences:
            value = inference.value
            shown = ", ".join(value) if isinstance(value, list) else str(value)
            lines.append(f"  {inference.setting}: {shown or '(none)'}  <- {inference.reason}")
        for name in self.wrapped:
            lines.append(f"  wrapped in critical tags: {name}")
        if self.covered_by is not None:
            lines.append(f"  already covered by section {self.covered_by!r}; nothing added")
        for title in self.added:
            lines.append(f"  added section: {title} ({self.style})")
        if self.added and self.stack:
            lines.append(f"  stack read from the spec: {', '.join(self.stack)}")
        if self.errors_after is not None:
            lines.append(f"  validation errors: {self.errors_before} before, "
                         f"{self.errors_after} after")
        for path in self.written:
            lines.append(f"  wrote {path}")
        return "\n".join(lines) + "\n"


def _validate(text: str, rel: str, settings: Settings, index: SpecIndex | None,
              registry: dict[str, Any] | None) -> ValidationResult:
    from smartspec.rules import validate_text

    return validate_text(text, path=rel, settings=settings, index=index, registry=registry)


def adopt(spec: SpecArg, options: Options, *, critical: tuple[str, ...] = (),
          description: str | None = None, cwd: StrPath | None = None, now: datetime | None = None,
          environ: Mapping[str, str] | None = None, argv: list[str] | None = None,
          command: str = "adopt", complete: bool = False) -> AdoptOutcome:
    """Take a spec smartspec did not write under management (design.md §3): add its settings
    comment, record every section as a person's, add it to the index. With ``description``
    (``edit --adopt``) the requested section is added in the same run."""
    from smartspec.adopt import adopt_text, registry_records
    from smartspec.document import parse

    started = time.monotonic()
    target = open_spec(spec, options, cwd, environ)
    settings, workspace, path, rel = target.settings, target.workspace, target.path, target.rel
    moment = now or clock(environ)
    with workspace.lock(path):
        data, text, bom = read_spec(path, rel)
        doc = parse(text, critical_names=settings.critical_names)
        index, index_path = load_index_for(settings, options.specindex)
        registry = workspace.load_registry()
        if doc.settings_line is not None:
            from smartspec.adopt import stated_id

            stated = stated_id(doc)
            spec_id = str((doc.settings or {}).get("id") or (stated[0] if stated else rel))
            return AdoptOutcome(command, spec_id, rel, already_managed=True, text=text)
        taken = {str(k): str(v.get("path")) for k, v in registry.get("specs", {}).items()
                 if isinstance(v, dict)}
        if index is not None:
            taken.update({e.id: str(e.path) for e in index.entries.values()})
        adoption = adopt_text(text, rel, index=index, critical=critical,
                              critical_names=settings.critical_names, moment=moment,
                              keywords=settings.keywords, taken=taken)
        outcome = AdoptOutcome(command, adoption.spec_id, rel, dialect=adoption.dialect,
                               inferences=adoption.inferences, wrapped=adoption.wrapped)
        new_text = adoption.text
        records = registry_records(new_text, settings.critical_names)
        new_text, records = _grow(outcome, new_text, records, description, complete, settings,
                                  moment)
        _finish(outcome, workspace, settings, index, index_path, registry, path, rel, data, bom,
                text, new_text, records, moment, bool(options.nogenerate), argv, started)
    return outcome


def _grow(outcome: AdoptOutcome, text: str, records: dict[str, Any], description: str | None,
          complete: bool, settings: Settings, moment: datetime) -> tuple[str, dict[str, Any]]:
    """What an adoption or an adopted spec's edit adds: the section the words ask for, then
    (with ``--complete``) the sections the profile requires."""
    if description:
        text, records = _extend(outcome, text, records, description, settings)
    if complete:
        text, records = _complete(outcome, text, records, settings, moment)
    return text, records


def _complete(outcome: AdoptOutcome, text: str, records: dict[str, Any], settings: Settings,
              moment: datetime) -> tuple[str, dict[str, Any]]:
    """``--complete``: the sections the spec's recorded profile requires and it lacks."""
    from smartspec.adopt import complete_text
    from smartspec.config import load_settings
    from smartspec.document import parse
    from smartspec.options import Options

    record = parse(text, critical_names=settings.critical_names).settings or {}
    layer: dict[str, Any] = {"profile": record.get("profile") or "basic"}
    if record.get("domains"):
        layer["domains"] = tuple(record["domains"])
    planned = load_settings(Options(), cwd=settings.root, spec_settings=layer)
    completion = complete_text(text, settings=planned, moment=moment)
    outcome.added += completion.added
    outcome.style = outcome.style or completion.style
    outcome.stack = outcome.stack or completion.stack
    return completion.text, _records_after(records, completion.text, settings.critical_names,
                                           completion.added)


def edit_adopted(spec: SpecArg, options: Options, *, cwd: StrPath | None = None,
                 now: datetime | None = None, environ: Mapping[str, str] | None = None,
                 argv: list[str] | None = None, complete: bool = False) -> AdoptOutcome:
    """EDIT of an adopted spec: add the one section the description asks for, in the spec's
    style and stack; every existing line stays as it is."""

    started = time.monotonic()
    target = open_spec(spec, options, cwd, environ)
    settings, workspace, path, rel = target.settings, target.workspace, target.path, target.rel
    moment = now or clock(environ)
    with workspace.lock(path):
        data, text, bom = read_spec(path, rel)
        index, index_path = load_index_for(settings, options.specindex)
        registry = workspace.load_registry()
        from smartspec.document import parse

        doc = parse(text, critical_names=settings.critical_names)
        record = doc.settings or {}
        spec_id = str(record.get("id") or rel)
        outcome = AdoptOutcome("edit", spec_id, rel, dialect=doc.dialect)
        new_text = text
        entry = registry.get("specs", {}).get(spec_id)
        records = dict(entry["sections"]) if isinstance(entry, dict) and isinstance(
            entry.get("sections"), dict) else {}
        new_text, records = _grow(outcome, new_text, records, options.description, complete,
                                  settings, moment)
        _finish(outcome, workspace, settings, index, index_path, registry, path, rel, data, bom,
                text, new_text, records, moment, bool(options.nogenerate), argv, started)
    return outcome


def _extend(outcome: AdoptOutcome, text: str, records: dict[str, Any], description: str,
            settings: Settings) -> tuple[str, dict[str, Any]]:
    """The section ``description`` asks for, added in the spec's own style, and the registry
    records that follow."""
    from smartspec.adopt import extend_text

    extension = extend_text(text, description, critical_names=settings.critical_names,
                            keywords=settings.keywords)
    _take_extension(outcome, extension)
    return extension.text, _records_after(records, extension.text, settings.critical_names,
                                          extension.added)


def _take_extension(outcome: AdoptOutcome, extension: Any) -> None:
    outcome.added = list(extension.added)
    outcome.covered_by = extension.covered_by
    outcome.style = extension.style
    outcome.stack = tuple(extension.stack)


def _records_after(records: dict[str, Any], text: str, critical_names: tuple[str, ...],
                   added: list[str]) -> dict[str, Any]:
    """The registry records with the added sections' fingerprints: smartspec wrote those, so a
    later edit may recognise them; every other record stays as it was."""
    from smartspec.adopt import registry_records

    fresh = registry_records(text, critical_names)
    merged = dict(records)
    for key, record in fresh.items():
        if record["title"] in added or any(record["title"].endswith(t) for t in added):
            merged[key] = {**record, "person": False}
        else:
            merged.setdefault(key, record)
    return merged


def _finish(outcome: AdoptOutcome, workspace: Workspace, settings: Settings,
            index: SpecIndex | None, index_path: str | None, registry: dict[str, Any],
            path: str, rel: str, data: bytes, bom: bytes, old_text: str, new_text: str,
            records: dict[str, Any], moment: datetime, dry_run: bool, argv: list[str] | None,
            started: float) -> None:
    """Check that validation got no worse, then write, or show the diff for a dry run."""

    outcome.text = new_text
    outcome.changed = new_text != old_text
    spec_id = outcome.spec_id
    check_registry = {**registry, "specs": {**registry.get("specs", {}),
                                            spec_id: {"path": rel, "sections": records}}}
    before = _validate(old_text, rel, settings, index, registry)
    after = _validate(new_text, rel, settings, index, check_registry)
    outcome.errors_before, outcome.errors_after = before.errors, after.errors
    outcome.findings = [{"rule": f.rule, "severity": f.severity, "message": f.message,
                         "line": f.line} for f in after.findings]
    if after.errors > before.errors:
        new_rules = sorted({f.rule for f in after.findings if f.severity == "error"}
                           - {f.rule for f in before.findings if f.severity == "error"})
        raise DocumentError(f"{rel}: {outcome.command} would raise validation errors from "
                            f"{before.errors} to {after.errors} ({', '.join(new_rules) or 'same rules'}); "
                            "nothing was written")
    if dry_run:
        outcome.dry_run = True
        outcome.diff = unified_diff(old_text, new_text, rel)
        return
    if not outcome.changed:
        return
    _write(outcome, workspace, settings, index, index_path, registry, path, rel, data, bom,
           new_text, records, moment, argv, started)


def _write(outcome: AdoptOutcome, workspace: Workspace, settings: Settings,
           index: SpecIndex | None, index_path: str | None, registry: dict[str, Any],
           path: str, rel: str, data: bytes, bom: bytes, new_text: str,
           records: dict[str, Any], moment: datetime, argv: list[str] | None,
           started: float) -> None:
    from smartspec.workspace import add_backup, prune_backups

    payload = bom + new_text.encode("utf-8")
    run = Run(outcome.command, settings, moment, argv, started)
    journal = run.journal
    spec_id = outcome.spec_id
    with journal.guard(workspace, path):
        if settings["create_backups"]:
            backup = add_backup(workspace, spec_id, data, moment, journal)
            outcome.backup = workspace.rel(backup)
            outcome.written.append(outcome.backup)
        journal.remember(workspace.registry_path)
        journal.remember(workspace.registry_keys_path)
        workspace.write_registry(workspace.registry_path, registry, spec_id, path, records,
                                 moment, file_sha256=sha256_hex(payload),
                                 file_previous=sha256_hex(data))
        outcome.written.append(workspace.rel(workspace.registry_path))
        journal.remember(path)
        workspace.write_spec(path, payload)
        outcome.written.insert(0, rel)
        outcome.written += record_in_index(workspace, settings, index, index_path, new_text, rel,
                                           sha256=sha256_hex(payload),
                                           journal=journal)
        run.trace(spec_id, outcome.written, added=outcome.added,
                  decisions=[i.to_json() for i in outcome.inferences])
    if settings["create_backups"]:
        prune_backups(workspace, spec_id, int(settings["keep_backups"]))


def refuse_unmanaged(rel: str) -> UsageError:
    """The one line ``edit`` answers for a spec smartspec did not write."""
    return UsageError(f"{rel}: not written by smartspec (no settings comment); take it under "
                      f"management first with 'smartspec adopt {rel}', or run edit with --adopt")
