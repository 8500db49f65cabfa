"""``smartspec new`` (and the API's ``generate``): read what it needs, run the pure stages
(config -> detect -> model -> plan -> render -> rules) and hand the results to ``workspace``,
the only writer. Nothing here prints or exits.
"""

from __future__ import annotations

import os
import time
from collections.abc import Mapping
from datetime import datetime

from smartspec.config import Settings, load_settings
from smartspec.errors import UsageError
from smartspec.fsutil import StrPath, shown_path
from smartspec.options import Options
from smartspec.report import RunSummary
from smartspec.runs.run import (
    Confirm,
    Outcome,
    Run,
    check_rendered,
    check_request,
    clock,
    confirm_or_refuse,
    index_by_entry_for,
    record_in_index,
    related_view,
    run_validation,
    section_hashes,
    taken_spec_ids,
    write_reports,
)
from smartspec.workspace import Journal, Workspace

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

    from smartspec.index.model import SpecIndex
    from smartspec.index.splice import IndexText
    from smartspec.plan import SpecPlan
    from smartspec.registry import RegistryText


def generate(options: Options, *, cwd: StrPath | None = None, now: datetime | None = None,
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
    run = Run("new", settings, now or clock(environ), argv, started)
    moment, workspace = run.moment, run.workspace
    facts = detect(options.name, options.description or "", settings.keywords)
    model = None
    if options.model_file:
        from smartspec.model.io import read_model_file

        model = read_model_file(os.path.join(cwd or os.getcwd(), options.model_file))

    with workspace.lock():
        index, index_path = index_by_entry_for(settings, options.specindex)
        plan = make_plan(options, settings, facts, taken_ids=taken_spec_ids(settings, index),
                         now=moment, model=model)
        spec_path = workspace.spec_path(settings["specs_dir"], plan.category, plan.spec_id)
        rel = shown_path(spec_path, settings.root)
        if os.path.exists(spec_path):
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
        # The rules check the text before anything is written: --validate-consistency may stop
        # the write, and the reports quote the findings. (Checking on a second thread while
        # the files are written cost more than it saved: every file call hands the
        # interpreter lock back and forth, some 600 futex calls a run.)
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
        confirm_or_refuse(summary.validation, options, confirm)
        if options.nogenerate:
            return Outcome(summary, text, settings)
        summary.index_path = shown_path(index_path or workspace.default_index_path, settings.root)
        # Everything that can be refused is checked before the first write (the registry
        # parses); from then on it is all or nothing: any failed write puts back every file
        # and removes every folder this run made.
        registry = workspace.registry_to_update()
        with run.journal.guard(workspace, spec_path):
            _write_new(workspace, settings, plan, text, spec_path, index, index_path, summary,
                       moment, registry, run.journal)
            run.trace(plan.spec_id, summary.written,
                      decisions=[d.to_json() for d in plan.decisions])
    return Outcome(summary, text, settings)


def _write_new(workspace: Workspace, settings: Settings, plan: SpecPlan, text: str,
               spec_path: str, index: SpecIndex | IndexText | None, index_path: str | None,
               summary: RunSummary, moment: datetime, registry: dict[str, Any] | RegistryText,
               journal: Journal) -> None:
    """The write sequence: spec first (the thing a person cares about), then the bookkeeping;
    every file is remembered in ``journal`` before it is written."""

    rel = summary.spec_path
    journal.remember(spec_path)
    workspace.write_spec(spec_path, text)
    summary.written.append(rel)

    from smartspec.plan import model_text

    model_path = workspace.model_path(plan.spec_id)
    journal.remember(model_path)
    workspace.write_file(model_path, model_text(plan.model))
    summary.written.append(workspace.rel(model_path))

    # Where the registry goes is looked up once: the lookup reads the file at the usual name.
    registry_path = workspace.registry_path
    journal.remember(registry_path)
    journal.remember(workspace.registry_keys_path)
    workspace.write_registry(registry_path, registry, plan.spec_id, spec_path,
                             section_hashes(text, plan), moment)
    summary.written.append(workspace.rel(registry_path))

    summary.written += record_in_index(workspace, settings, index, index_path, text, rel,
                                       journal=journal)

    if settings["generate_reports"]:
        write_reports(workspace, summary, "generation", moment, journal)


