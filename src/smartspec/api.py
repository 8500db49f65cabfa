"""The public API behind the CLI: ``generate`` (NEW). It reads what it needs, runs the pure
stages (config -> detect -> plan -> render -> rules) and hands the results to ``workspace``,
which is the only writer. Nothing here prints or exits.
"""

from __future__ import annotations

import os
import sys
import time
import unicodedata
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from smartspec.config import Settings, load_settings
from smartspec.errors import UsageError, ValidationFailed
from smartspec.fsutil import shown_path
from smartspec.options import Options
from smartspec.report import RunSummary, markdown
from smartspec.workspace import Journal, Workspace

if TYPE_CHECKING:
    from smartspec.index.model import SpecIndex
    from smartspec.plan import SpecPlan
    from smartspec.rules import ValidationResult

# Asked when --validate-consistency finds errors on an interactive terminal: True = write anyway.
Confirm = Callable[[str], bool]


@dataclass(slots=True)
class Outcome:
    """The result of one run: the summary for reports, the spec text, and the exit code."""

    summary: RunSummary
    text: str
    settings: Settings
    exit_code: int = 0
    diff: str | None = None
    extra: dict[str, Any] = field(default_factory=dict)


def clock(environ: Mapping[str, str] | None = None) -> datetime:
    """Now, in UTC. ``SOURCE_DATE_EPOCH`` (the reproducible-builds convention) pins it, so
    that a run can be repeated byte for byte."""
    env = os.environ if environ is None else environ
    epoch = env.get("SOURCE_DATE_EPOCH")
    if epoch:
        try:
            return datetime.fromtimestamp(int(epoch), tz=UTC)
        except (OverflowError, OSError):
            raise UsageError(
                f"SOURCE_DATE_EPOCH={epoch!r} is out of range; expected seconds since 1970 "
                "for a date before the year 10000"
            ) from None
        except ValueError:
            raise UsageError(
                f"SOURCE_DATE_EPOCH={epoch!r} is not a whole number of seconds since 1970"
            ) from None
    return datetime.now(tz=UTC).replace(microsecond=0)


def check_request(options: Options) -> None:
    """Refuse control characters (NUL, BEL, ESC, DEL...) in the words a person gives: they
    would reach the spec as raw bytes (a NUL makes it a binary file nobody can edit) or
    rewrite the terminal that shows it. Whitespace of every kind is fine: it folds to a space.
    Flags that contradict each other are refused too."""
    if options.validate_consistency and options.no_validation:
        raise UsageError("--validate-consistency needs validation, and --no-validation turns it "
                         "off; expected one of the two")
    for flag, value in (("NAME", options.name), ("--title", options.title),
                        ("DESCRIPTION", options.description)):
        if not value:
            continue
        bad = next((c for c in value if unicodedata.category(c) == "Cc" and not c.isspace()),
                   None)
        if bad is not None:
            raise UsageError(f"{flag}: holds the control character U+{ord(bad):04X} at "
                             f"position {value.index(bad) + 1}; expected printable text")


def load_index_for(settings: Settings, specindex: str | None) -> tuple[SpecIndex | None, Path | None]:
    """The index found by the lookup order (design.md §4, issue 6), or (None, None)."""
    from smartspec.fsutil import inside_root
    from smartspec.index.migrate import load_index, locate_index

    if specindex is not None:
        inside_root(settings.root, specindex, what="--specindex")
        path = settings.root / specindex
        if not path.is_file():
            raise UsageError(f"--specindex: {specindex!r} does not exist; expected a SPEC_INDEX.json file")
    found = locate_index(settings.root, settings.state_dir, specindex)
    if found is None:
        return None, None
    return load_index(found), found


def taken_spec_ids(settings: Settings, index: SpecIndex | None) -> set[str]:
    """Ids used in the index and by spec folders, so new numbers never collide."""
    taken = set(index.entries) if index is not None else set()
    specs = settings.root / settings["specs_dir"]
    if specs.is_dir():
        for category in specs.iterdir():
            if category.is_dir():
                taken.update(child.name for child in category.iterdir() if child.is_dir())
    return taken


def related_view(plan: SpecPlan, index: SpecIndex | None) -> dict[str, Any] | None:
    """The Related Specs section's data: dependencies resolved and grouped (reference §13.1.1)."""
    if not plan.depends_on:
        return None
    from smartspec.index.model import related_groups, resolve_dependencies

    resolved = resolve_dependencies(index, list(plan.depends_on))
    available = index is not None
    # Keys avoid "items"/"keys"/"values": Jinja would resolve those to the dict's methods.
    return {
        "resolved": resolved,
        "warning": None if available else (
            "SPEC_INDEX.json not found. Dependencies listed without path/repo information."),
        "groups": [
            {"title": title, "lines": [d.markdown_line(index_available=available) for d in deps]}
            for title, deps in related_groups(resolved)
        ],
    }


def run_validation(text: str, rel_path: str, settings: Settings, index: SpecIndex | None,
                   registry: dict[str, Any] | None) -> ValidationResult | None:
    """The rule engine over the final text (design.md §6), unless validation is disabled."""
    if not settings["validation_enabled"]:
        return None
    from smartspec.rules import validate_text

    return validate_text(text, path=rel_path, settings=settings, index=index, registry=registry)


def gate(validation: dict[str, Any] | None, options: Options, confirm: Confirm | None) -> None:
    """--validate-consistency: errors stop the write unless --yes or the user says continue."""
    if not options.validate_consistency or validation is None or not validation["errors"]:
        return
    if options.yes:
        return
    message = (f"validation found {validation['errors']} error(s); "
               "fix the description or flags, or pass --yes to write anyway")
    if confirm is not None and confirm(message):
        return
    raise ValidationFailed(message + "; nothing was written")


def generate(options: Options, *, cwd: Path | None = None, now: datetime | None = None,
             environ: Mapping[str, str] | None = None, confirm: Confirm | None = None,
             argv: list[str] | None = None) -> Outcome:
    """NEW: plan, render, validate and write a spec (or, with --nogenerate, only show it)."""
    started = time.monotonic()
    from smartspec.detect import detect
    from smartspec.plan import make_plan
    from smartspec.render import render

    if not options.name:
        raise UsageError("NAME is required: smartspec new NAME [DESCRIPTION]")
    check_request(options)
    settings = load_settings(options, cwd=cwd, environ=dict(environ) if environ is not None else None)
    moment = now or clock(environ)
    workspace = Workspace(settings.root, settings.state_dir)
    facts = detect(options.name, options.description or "", settings.keywords)
    model = None
    if options.model_file:
        from smartspec.model.io import read_model_file

        model = read_model_file((cwd or Path.cwd()) / options.model_file)

    with workspace.lock():
        index, index_path = load_index_for(settings, options.specindex)
        plan = make_plan(options, settings, facts, taken_ids=taken_spec_ids(settings, index),
                         now=moment, model=model)
        spec_path = workspace.spec_path(settings["specs_dir"], plan.category, plan.spec_id)
        rel = shown_path(spec_path, settings.root)
        if spec_path.exists():
            raise UsageError(
                f"{rel} already exists; NEW never overwrites a spec: use 'smartspec edit {rel}' "
                "to update it"
            )
        if index is not None and plan.spec_id in index.entries:
            other = index.entries[plan.spec_id].path or "a planned entry"
            raise UsageError(
                f"--id: {plan.spec_id!r} is already used in the index by {other}; "
                "choose another id or edit that spec"
            )
        text = render(plan, related=related_view(plan, index))
        check_rendered(text, plan, rel)
        summary = RunSummary(
            command="new", plan=plan, spec_path=rel,
            checked=run_validation(text, rel, settings, index, None),
            backups_enabled=bool(settings["create_backups"]),
            reports_enabled=bool(settings["generate_reports"]),
            dry_run=bool(options.nogenerate),
        )
        if plan.depends_on and index is None:
            summary.warnings.append(
                "SPEC_INDEX.json not found. Dependencies listed without path/repo information.")
        gate(summary.validation, options, confirm)
        if options.nogenerate:
            return Outcome(summary, text, settings)
        summary.index_path = shown_path(index_path or workspace.default_index_path, settings.root)
        # Everything that can be refused is checked before the first write (the registry
        # parses); from then on it is all or nothing: any failed write puts back every file
        # and removes every folder this run made.
        registry = workspace.load_registry()
        journal = Journal()
        with journal.guard(workspace, spec_path):
            _write_new(workspace, settings, plan, text, spec_path, index, index_path, summary,
                       moment, registry, journal)
            journal.remember_size(workspace.trace_path)
            workspace.append_trace({
                "time": moment.strftime("%Y-%m-%dT%H:%M:%SZ"),
                "command": "new",
                "argv": argv if argv is not None else sys.argv[1:],
                "spec": plan.spec_id,
                "decisions": [d.to_json() for d in plan.decisions],
                "files": summary.written,
                "ms": round((time.monotonic() - started) * 1000, 1),
            })
    return Outcome(summary, text, settings)


def check_rendered(text: str, plan: SpecPlan, rel: str) -> None:
    """Refuse to write a spec that would not read back as planned: one title, the settings
    comment, exactly the planned ``##`` sections in order, and well-formed meta tags. User
    text is neutralised before it reaches a template; this is the proof, checked every time."""
    from smartspec.document import parse
    from smartspec.errors import DocumentError

    doc = parse(text)
    found = [(s.heading.number, s.title) for s in doc.sections]
    planned = [(str(p.number), p.title) for p in plan.sections]
    titles = [h for h in doc.headings if h.level == 1]
    problem = (doc.problems[0].message if doc.problems
               else "the settings comment is missing" if doc.settings is None
               else f"it has {len(titles)} top-level titles" if len(titles) != 1
               else None)
    if problem is None and found != planned:
        problem = (f"it reads back as {len(found)} sections for {len(planned)} planned ones: "
                   f"{' | '.join(f'{n}. {t}' for n, t in found)}")
    if problem is not None:
        raise DocumentError(f"{rel}: the rendered spec would not read back as planned "
                            f"({problem}); nothing was written")


def section_hashes(text: str, plan: SpecPlan) -> dict[str, dict[str, Any]]:
    """Per-section fingerprints for the registry (design.md §5), keyed by section key."""
    from smartspec.document import block_hash, parse

    doc = parse(text)
    hashes: dict[str, dict[str, Any]] = {}
    for planned, section in zip(plan.sections, doc.sections, strict=True):
        hashes[planned.key] = {
            "title": planned.title,
            "critical": planned.critical,
            "sha256": block_hash(doc.section_text(section)),
        }
    return hashes


def _write_new(workspace: Workspace, settings: Settings, plan: SpecPlan, text: str,
               spec_path: Path, index: SpecIndex | None, index_path: Path | None,
               summary: RunSummary, moment: datetime, registry: dict[str, Any],
               journal: Journal) -> None:
    """The write sequence: spec first (the thing a person cares about), then the bookkeeping;
    every file is remembered in ``journal`` before it is written."""

    rel = summary.spec_path
    journal.remember(spec_path)
    workspace.write_spec(spec_path, text)
    summary.written.append(rel)

    from smartspec.model.io import dumps

    model_path = workspace.model_path(plan.spec_id)
    journal.remember(model_path)
    workspace.write_file(model_path, dumps(plan.model))
    summary.written.append(workspace.rel(model_path))

    journal.remember(workspace.registry_path)
    workspace.write_file(workspace.registry_path, workspace.registry_text(
        registry, plan.spec_id, spec_path, section_hashes(text, plan), moment))
    summary.written.append(workspace.rel(workspace.registry_path))

    summary.written += record_in_index(workspace, settings, index, index_path, text, rel,
                                       journal=journal)

    if settings["generate_reports"]:
        write_reports(workspace, summary, "generation", moment, journal)


def record_in_index(workspace: Workspace, settings: Settings, index: SpecIndex | None,
                    index_path: Path | None, text: str, rel: str, *, sha256: str | None = None,
                    journal: Journal | None = None) -> list[str]:
    """Upsert the spec's entry (and its dependencies' dependents) into the index found by the
    lookup, or a new one in the state dir; returns the files written, relative to the root."""
    from smartspec.index.extract import entry_from_spec
    from smartspec.index.model import SpecIndex as NewIndex
    from smartspec.index.model import upsert_entry
    from smartspec.index.schema import dump_as_found

    target = index_path or workspace.default_index_path
    if journal is not None:
        journal.remember(target)
    index = index if index is not None else NewIndex()
    upsert_entry(index, entry_from_spec(text, rel, specs_rel=settings["specs_dir"], sha256=sha256))
    return [workspace.rel(path) for path in workspace.write_index(target, dump_as_found(index))]


def write_reports(workspace: Workspace, summary: RunSummary, kind: str, moment: datetime,
                  journal: Journal | None = None) -> None:
    """The run's report (Markdown + JSON twin) and, when validation ran, the validation
    report, under reports/<spec-id>/ (design.md §4). ``journal`` remembers them for rollback."""
    spec_id = summary.plan.spec_id
    report_path = workspace.report_path(spec_id, kind, moment)
    summary.report = workspace.rel(report_path)
    summary.written += [summary.report, workspace.rel(report_path.with_suffix(".json"))]
    validation_path = None
    if summary.checked is not None:
        validation_path = workspace.report_path(spec_id, "validation", moment)
        summary.written += [workspace.rel(validation_path),
                            workspace.rel(validation_path.with_suffix(".json"))]
    if journal is not None:
        for path in (report_path, validation_path):
            if path is not None:
                journal.remember(path)
                journal.remember(path.with_suffix(".json"))
    when = moment.strftime("%Y-%m-%d %H:%M:%S UTC")
    workspace.write_report(report_path, markdown(summary, generated_at=when), summary.to_json())
    if validation_path is not None and summary.checked is not None:
        from smartspec.rules import render_markdown

        workspace.write_report(validation_path,
                               render_markdown(summary.checked, generated=when),
                               {**summary.checked.to_json(), "generated": when})
