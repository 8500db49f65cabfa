"""edit and regenerate: update a spec without losing a word a person wrote.

The same stages as ``runs.new.generate`` (settings -> facts -> plan -> render -> rules) with two
additions: the spec's own settings comment is a settings layer (above config, below flags), and
``merge`` stands between render and rules. Everything from reading the spec to the last write
happens under the workspace lock and the spec's own lock. Files are replaced atomically; if a
write fails, the files written before it are put back, so a refused run changes nothing.
"""

from __future__ import annotations

import os
import time
from collections.abc import Mapping
from datetime import UTC, datetime

from smartspec.config import SPEC, Settings, load_settings
from smartspec.digest import sha256_hex
from smartspec.errors import DocumentError, SmartspecError, UsageError
from smartspec.fsutil import StrPath, read_regular, shown_path, split_suffix
from smartspec.options import Options
from smartspec.records import SlotRecord
from smartspec.registry import RecordsInText, RegistryText
from smartspec.report import RunSummary, section_change
from smartspec.runs.recorded import (
    find_spec_id,
    list_field,
    moment_of,
    recorded_text,
    spec_layer,
    text_field,
)
from smartspec.runs.run import (
    Confirm,
    Outcome,
    Run,
    check_request,
    clock,
    confirm_or_refuse,
    index_by_entry_for,
    open_spec,
    record_in_index,
    related_view,
    run_validation,
    write_reports,
)
from smartspec.specfile import SpecArg, file_mode, read_spec, unified_diff
from smartspec.workspace import (
    Journal,
    Workspace,
    add_backup,
    prune_backups,
)

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

    from smartspec.detect import Facts
    from smartspec.document import Document
    from smartspec.index.model import SpecIndex
    from smartspec.index.splice import IndexText
    from smartspec.merge import MergeResult, OldSpec
    from smartspec.model import SystemModel
    from smartspec.plan import SpecPlan
    from smartspec.runs.adopt import AdoptOutcome


# -- edit and regenerate ------------------------------------------------------------------------


class _Recorded:
    """What the spec's recorded settings give, worked out once per edit: the plans for them
    by layer and id (``_recorded_plan``), and the model the spec was written from when the
    state folder still holds it (None: it is built again from the recorded description)."""

    __slots__ = ("facts", "model", "plans", "spec_id", "state_dir")

    def __init__(self, model: SystemModel | None, spec_id: str | None = None,
                 state_dir: str | None = None) -> None:
        self.model = model
        self.spec_id = spec_id  # the id the settings comment records: ``model`` is its
        self.state_dir = state_dir  # the state folder ``model`` was read from
        self.plans: dict[str, SpecPlan | None] = {}
        # What ``detect`` read from a name and description, by those words and the config's
        # keywords (``facts_of``).
        self.facts: dict[tuple[Any, ...], Facts] = {}

    def facts_of(self, name: str, description: str,
                 keywords: Mapping[str, tuple[str, ...]]) -> Facts:
        """``detect(name, description, keywords)``, read once per edit: the recorded plans
        and the edit's own plan read the same words (unless the edit adds some), and
        reading them costs more than the plan made from them."""
        key = (name, description, tuple(sorted(keywords.items())))
        found = self.facts.get(key)
        if found is None:
            from smartspec.detect import detect

            found = self.facts[key] = detect(name, description, keywords)
        return found


class _Request(SlotRecord):
    """Everything ``edit`` resolved before planning. (A plain slotted class, not a dataclass:
    edit imports this module on every run, and a dataclass costs about 0.5 ms to create.)"""

    __slots__ = ("old", "data", "bom", "settings", "spec_id", "options", "created",  # noqa: RUF023
                 "updated", "version", "status", "force", "depends_from_spec", "layer",
                 "base_options", "notes", "words", "added", "given_model", "recorded_plans")

    def __init__(self, old: OldSpec, data: bytes, bom: bytes, settings: Settings, spec_id: str,
                 options: Options, created: datetime | None, updated: datetime | None,
                 version: str | None, status: str | None,
                 force: tuple[str, ...] | None = None, depends_from_spec: bool = False,
                 layer: dict[str, Any] | None = None, base_options: Options | None = None,
                 notes: list[str] | None = None, words: str | None = None,
                 added: dict[str, list[str]] | None = None,
                 given_model: SystemModel | None = None,
                 recorded_plans: _Recorded | None = None) -> None:
        self.old = old
        self.data = data
        self.bom = bom
        self.settings = settings
        self.spec_id = spec_id
        self.options = options  # the plan's options (name, title, description, depends_on)
        self.created = created
        self.updated = updated
        self.version = version
        self.status = status
        self.force = force  # --force-update as given
        self.depends_from_spec = depends_from_spec  # dependencies from the settings comment
        self.layer: dict[str, Any] = {} if layer is None else layer  # the comment's settings
        self.base_options = base_options  # the request the spec was written with
        self.notes: list[str] = [] if notes is None else notes
        self.words = words  # the edit's words, added to the spec's model
        # What the words added, per kind.
        self.added: dict[str, list[str]] = {} if added is None else added
        self.given_model = given_model  # --model FILE: the model to write from, whole
        # Plans for the recorded settings, by layer and id (``_recorded_plan``), and the model
        # the spec was written from: each is made once per edit, however many steps ask.
        self.recorded_plans = _Recorded(None) if recorded_plans is None else recorded_plans


def edit(spec: SpecArg, options: Options, *, cwd: StrPath | None = None, now: datetime | None = None,
         environ: Mapping[str, str] | None = None, confirm: Confirm | None = None,
         argv: list[str] | None = None, command: str = "edit",
         adopt: bool = False, complete: bool = False) -> Outcome | AdoptOutcome:
    """EDIT (design.md §5): re-plan the spec with its recorded settings and the
    new options, regenerate what smartspec wrote and nobody changed, keep everything else, and
    write it (backup first) -- or, with ``--nogenerate``, only show the unified diff. A spec
    smartspec did not write, or adopted, goes to ``runs.adopt`` instead (see ``_adopted_route``)."""
    started = time.monotonic()
    check_request(options)
    target = open_spec(spec, options, cwd, environ)
    here, env, first, workspace = target.here, target.environ, target.settings, target.workspace
    path, rel = target.path, target.rel
    moment = now or clock(environ)
    seen = None
    if command == "edit":
        seen = _read_parsed(path, rel, first)
        routed = _adopted_route(seen, path, rel, options, first, here, environ, now, argv,
                                adopt, complete)
        if routed is not None:
            return routed

    with workspace.lock(path):
        index, index_path = index_by_entry_for(first, options.specindex)
        # The registry's text as its last write left it (its records read one by one), or
        # the whole registry when the file is anything else.
        registry = workspace.registry_to_update()
        readable = registry.as_mapping() if isinstance(registry, RegistryText) else registry
        request = _resolve(path, rel, options, first, here, env, index, readable, seen)
        settings = request.settings
        entry = readable["specs"].get(request.spec_id)
        # The file's fingerprint as read, taken once: it decides which records stand, and
        # the registry keeps it as the fingerprint before this run's.
        read_sha256 = sha256_hex(request.data)
        plan, result = _plan_and_merge(request, recorded_sections(entry, read_sha256),
                                       index, moment, rel)
        changed = result.text != request.old.text
        records = result.records
        specs, own = readable["specs"], {"path": rel, "sections": records}
        check_registry = {**readable, "specs": specs.overlaid(request.spec_id, own)
                          if isinstance(specs, RecordsInText)
                          else {**specs, request.spec_id: own}}
        # The merge's own parse of the text, when it read the critical tags the rules read.
        parsed = result.doc if settings.critical_names == request.old.critical_names else None
        fates = [f.to_json() for f in result.fates]
        summary = RunSummary(
            command=command, plan=plan, spec_path=rel,
            checked=run_validation(result.text, rel, settings, index, check_registry, parsed),
            backups_enabled=bool(settings["create_backups"]),
            reports_enabled=bool(settings["generate_reports"]),
            dry_run=bool(options.nogenerate),
            sections_report=[section_change(fate, "en") for fate in fates],
        )
        summary.warnings += request.notes
        summary.changed = changed
        summary.model_added = request.added
        confirm_or_refuse(summary.validation, options, confirm)
        extra = {"changed": changed, "fates": fates}
        if options.nogenerate:
            return Outcome(summary, result.text, settings, diff=unified_diff(
                request.old.text, result.text, rel), extra=extra)
        summary.index_path = shown_path(index_path or workspace.default_index_path, settings.root)

        run = Run(command, settings, moment, argv, started)
        _write_edit(run, request, result, plan, path, rel, index, index_path, registry, entry,
                    summary, changed, read_sha256,
                    decisions=[d.to_json() for d in plan.decisions],
                    sections=[{"key": f.key, "title": f.title, "fate": f.fate}
                              for f in result.fates])
    return Outcome(summary, result.text, settings, extra=extra)


def _read_parsed(path: str, rel: str, settings: Settings) -> tuple[bytes, Document] | None:
    """The spec's bytes and its parsed text, read before the lock to choose the route; None
    when it cannot be read (the usual edit then says why, under the lock)."""
    from smartspec.document import parse

    try:
        data, text, _ = read_spec(path, rel)
    except DocumentError:
        return None
    return data, parse(text, critical_names=settings.critical_names)


def _adopted_route(seen: tuple[bytes, Document] | None, path: str, rel: str, options: Options,
                   settings: Settings, here: str, environ: Mapping[str, str] | None,
                   now: datetime | None, argv: list[str] | None, adopt: bool,
                   complete: bool = False) -> AdoptOutcome | None:
    """Specs smartspec did not write are never re-planned as a whole: without a settings comment
    edit refuses (or, with ``adopt``, adopts first); an adopted spec gets only the section its
    description asks for (``--complete`` adds what its profile requires). A file with broken
    tags falls through to the usual refusal. ``seen``: ``_read_parsed``."""
    if seen is None:
        return None
    doc = seen[1]
    if doc.problems:
        return None
    adopted = doc.settings is not None and doc.settings.get("adopted")
    if doc.settings_line is not None and not adopted:
        return None  # smartspec wrote it: the usual edit (adopt is not even imported)
    from smartspec.runs import adopt as adopting

    if doc.settings_line is None:
        if adopt and options.spec_id is not None:
            raise UsageError(f"--id={options.spec_id}: an adopted spec keeps the id its text "
                             f"states; add a '**Spec ID:** {options.spec_id}' line under the "
                             f"title of {rel} instead")
        if adopt:
            return adopting.adopt(path, options, description=options.description, cwd=here,
                                  now=now, environ=environ, argv=argv, command="edit",
                                  complete=complete)
        raise adopting.refuse_unmanaged(rel)
    if adopted and options.profile is None:
        return adopting.edit_adopted(path, options, cwd=here, now=now, environ=environ, argv=argv,
                                     complete=complete)
    return None


def regenerate(spec: SpecArg, options: Options, *, cwd: StrPath | None = None,
               now: datetime | None = None, environ: Mapping[str, str] | None = None,
               confirm: Confirm | None = None, argv: list[str] | None = None) -> Outcome:
    """Re-render a spec with another profile or mode, by the same rules as ``edit``: compact
    sections map onto their standard counterparts (and back) with a person's text, and a
    section the new layout has no place for keeps a person's text under "Earlier sections"."""
    outcome = edit(spec, options, cwd=cwd, now=now, environ=environ, confirm=confirm, argv=argv,
                   command="regenerate")
    assert isinstance(outcome, Outcome)  # only edit routes to adoption
    return outcome


def _resolve(path: str, rel: str, options: Options, first: Settings, here: str,
             env: dict[str, str] | None, index: SpecIndex | IndexText | None,
             registry: Mapping[str, Any], seen: tuple[bytes, Document] | None = None) -> _Request:
    """Read and check the spec, then settle its settings: flags, then its settings comment,
    then config, then defaults. ``seen`` is the spec as read before the lock: it is read
    again under the lock, and parsed again only if another run changed it meanwhile."""
    from smartspec.merge import analyse
    from smartspec.plan import slugify
    from smartspec.specids import is_slug

    data, text, bom = read_spec(path, rel)
    parsed = seen[1] if seen is not None and seen[0] == data else None
    old = analyse(text, critical_names=first.critical_names, source=rel, doc=parsed)
    doc = old.doc
    record: dict[str, Any] = doc.settings or {}

    title = options.title or recorded_text(record, "title") or _title_of(doc.title or "")
    name = text_field(record, "name")
    # A name given with --id needs no slug of its own: the recorded id stands for it.
    if name is None or (not isinstance(record.get("id"), str) and not is_slug(slugify(name))):
        # "# spec.md" as a title names the file, not the spec: the folder names it then.
        named = title if title and title.lower() not in ("spec.md", "spec", "readme") else ""
        candidates = [named, os.path.basename(os.path.dirname(path)),
                      split_suffix(os.path.basename(path))[0]]
        name = next((slugify(c) for c in candidates if is_slug(slugify(c))), "spec")
    description = (options.description if options.description is not None
                   else recorded_text(record, "description"))
    words = None
    if options.description is not None and not options.replace_description \
            and not options.model_file and doc.settings is not None:
        # The words add to what the spec describes: the recorded description keeps them
        # after the old one, so building the model again from it finds the facts of both.
        from smartspec.model.combine import join_descriptions

        words = options.description
        description = join_descriptions(recorded_text(record, "description") or "", words)
    recorded_deps = list_field(record, "depends_on")
    header_deps = doc.header.get("Depends on")
    if recorded_deps is None and header_deps:
        recorded_deps = tuple(d.strip() for d in header_deps.split(",") if d.strip())
    base_options = None
    if doc.settings is not None:
        base_options = Options(name=name, title=recorded_text(record, "title") or title,
                               description=recorded_text(record, "description"),
                               depends_on=recorded_deps or None)

    layer = spec_layer(doc, rel)
    recorded_id = record.get("id")
    recorded_plans = _Recorded(_recorded_model(first, recorded_id, record)
                               if base_options is not None else None,
                               recorded_id if isinstance(recorded_id, str) else None,
                               first.state_dir)
    if base_options is not None:
        layer = _recorded_layer(layer, base_options, record, first, recorded_plans)
    notes: list[str] = []
    if options.profile is not None and layer.get("profile") not in (None, options.profile):
        # The recorded levels were resolved for the old profile: the new one resolves its own
        # unless they are given as flags.
        for kind in ("security", "di", "performance"):
            layer.pop(kind, None)
        notes.append(f"profile changes from {record.get('profile')} to {options.profile}: "
                     "security, DI and performance levels resolve again for the new profile")
    if options.category is not None and layer.get("category") not in (None, options.category):
        raise UsageError(f"--category={options.category}: {rel} is a {layer['category']} spec; "
                         "edit cannot move a spec to another category")
    where = f"{rel}: line {(doc.settings_line or 0) + 1} (settings comment)"
    settings = load_settings(options, environ=env, spec_settings=layer, spec_where=where,
                             config=first.config)
    spec_id = find_spec_id(doc, rel, settings, index, registry, allocate=slugify(name))
    if options.spec_id is not None and options.spec_id != spec_id:
        raise UsageError(f"--id={options.spec_id}: {rel} is {spec_id}; edit cannot change a "
                         "spec's id")
    plan_options = options._replace(name=name, title=title, description=description,
                                    depends_on=options.depends_on or recorded_deps or None,
                                    force_update=None, spec_id=None, replace_description=None,
                                    model_file=None)
    header = {k.strip().lower(): v.strip() for k, v in doc.header.items()}
    return _Request(
        old=old, data=data, bom=bom, settings=settings, spec_id=spec_id, options=plan_options,
        created=moment_of(record.get("created")) or moment_of(header.get("created")),
        updated=moment_of(record.get("updated")) or moment_of(header.get("updated")),
        version=header.get("version") or text_field(record, "version"),
        status=(header.get("status") or text_field(record, "status") or "").upper() or None,
        force=options.force_update, base_options=base_options, notes=notes, words=words,
        given_model=_given_model(options, here),
        depends_from_spec=options.depends_on is None and bool(recorded_deps), layer=layer,
        recorded_plans=recorded_plans,
    )


def _title_of(heading: str) -> str | None:
    """The title a spec's ``#`` heading gives ("# SPEC-001: Payments" -> "Payments"), for a
    spec whose settings comment records none (a spec smartspec wrote records it, so the
    heading's pattern is not compiled for it)."""
    from smartspec.specids import TITLE_PREFIX_RE

    matched = TITLE_PREFIX_RE.match(heading)
    return (matched.group("title") if matched else heading).strip() or None


def _given_model(options: Options, here: str) -> SystemModel | None:
    """The model of ``--model FILE``, read before anything is planned so that a bad file is
    refused with nothing written."""
    if not options.model_file:
        return None
    from smartspec.model.io import read_model_file

    return read_model_file(os.path.join(here, options.model_file))


def _recorded_layer(layer: dict[str, Any], options: Options, record: Mapping[str, Any],
                    first: Settings, plans: _Recorded) -> dict[str, Any]:
    """The spec layer that reproduces what the settings comment records. Domains that were only
    detected from the description (and so, with a given profile, shaped nothing) must not come
    back as given ones; when the plan without them is the recorded one, they are left to
    detection, which finds them again in the same description. The plans it builds go into
    ``plans`` (see ``_recorded_plan``): the one for the layer chosen is the old plan."""
    if not layer.get("domains"):
        return layer
    without = {k: v for k, v in layer.items() if k != "domains"}
    if _reproduces(layer, options, record, first, plans) or \
            not _reproduces(without, options, record, first, plans):
        return layer
    return without


def _reproduces(layer: dict[str, Any], options: Options, record: Mapping[str, Any],
                first: Settings, plans: _Recorded) -> bool:
    recorded_id = record.get("id")
    plan = _recorded_plan(plans, layer, options, first,
                          recorded_id if isinstance(recorded_id, str) else None)
    return plan is not None and (
        list(plan.section_keys) == record.get("sections")
        and list(plan.domains) == record.get("domains")
        and all(getattr(plan, k) == record.get(k) for k in ("security", "di", "performance")))


def _recorded_model(first: Settings, spec_id: Any, record: dict[str, Any]
                    ) -> SystemModel | None:
    """The model the spec was written from, as the state folder keeps it (``stored_model``:
    only while its hash is the one the settings comment records). The file's text is that
    model's text (``plan.model_text``): the settings comments of both plans hash it, and
    making it again from the model costs more than reading the model did. (A file an older
    smartspec laid out otherwise stays as it is, with the hash the spec records, until the
    model itself changes.)"""
    if not isinstance(spec_id, str):
        return None
    from smartspec.model.io import stored_model_text
    from smartspec.plan import known_model_text

    found = stored_model_text(first.state_dir, spec_id, record,
                              recorded_text(record, "description"))
    if found is None:
        return None
    known_model_text(*found)
    return found[0]


def _recorded_plan(recorded: _Recorded, layer: Mapping[str, Any],
                   options: Options, first: Settings, spec_id: str | None) -> SpecPlan | None:
    """The plan for the request the spec was written with (``options``) under the settings
    ``layer`` records, over the config files ``first`` read; None when those settings no longer
    plan (a config changed since). Deciding the layer and rebuilding the old header ask for the
    same plan: it is built once per edit and kept in ``plans``. Its moments are the clock's;
    callers set the ones the spec records."""
    import json

    from smartspec.plan import make_plan

    key = json.dumps([layer, spec_id], sort_keys=True, default=str)
    plans = recorded.plans
    if key in plans:
        return plans[key]
    plan: SpecPlan | None
    try:
        settings = load_settings(Options(), spec_settings=layer, config=first.config)
        # The model the spec was written from, when the state folder keeps it, rather than one
        # built again from the same words: the same model for a spec as ``new`` wrote it, and
        # the one it was really written from after an edit added words or a model file.
        plan = make_plan(options, settings, recorded.facts_of(
                             options.name or "", options.description or "", settings.keywords),
                         taken_ids=set(), now=datetime.now(tz=UTC), spec_id=spec_id,
                         model=recorded.model if spec_id == recorded.spec_id else None)
    except SmartspecError:
        plan = None
    plans[key] = plan
    return plan


def resolve_force(given: tuple[str, ...] | None, critical_names: tuple[str, ...]) -> frozenset[str]:
    """``--force-update`` keys as critical names and section keys: ``stride`` is security,
    ``all`` every critical section, ``none`` nothing; any section key replaces a section a
    person edited."""
    from smartspec import catalog
    from smartspec.markers import FORCE_ALIASES
    from smartspec.options import FORCE_UPDATE_KEYS, check_choice

    valid = tuple(dict.fromkeys((*FORCE_UPDATE_KEYS, *critical_names, *catalog.BY_KEY)))
    found: set[str] = set()
    for key in given or ():
        check_choice("--force-update", key, valid)
        if key != "none":
            found.add(FORCE_ALIASES.get(key, key))
    return frozenset(found)


# Fates that leave a section's text as it was.
_QUIET = frozenset({"unchanged", "kept-critical", "kept-edited", "kept-added", "earlier"})


def _plan_and_merge(request: _Request, recorded: dict[str, Any] | None, index: SpecIndex | IndexText | None,
                    moment: datetime, rel: str) -> tuple[SpecPlan, MergeResult]:
    from smartspec.merge import kept_keys, merge
    from smartspec.plan import make_plan
    from smartspec.render import render, render_header

    settings, old = request.settings, request.old
    options = request.options
    force = resolve_force(request.force, settings.critical_names)
    facts = request.recorded_plans.facts_of(options.name or "", options.description or "",
                                            settings.keywords)
    model, old_model = _edit_model(request, index, moment)
    plan = make_plan(options, settings, facts, taken_ids=set(), now=moment,
                     spec_id=request.spec_id, model=model)
    if old_model is not None:
        from smartspec.model.combine import added_facts

        request.added = added_facts(old_model, plan.model)
    plan = _carry(plan, request, moment)
    plan = _fix_decisions(plan, request)

    old_plan = _old_plan(request, index, moment)
    base_header = None
    if old_plan is not None:
        base_header = render_header(old_plan)
        if recorded is None:
            recorded = _rendered_records(old_plan, index, old.doc.settings or {})
    mode = (old.doc.settings or {}).get("mode")
    old.identify(recorded, compact=(mode == "compact") if isinstance(mode, str) else None)
    plan = keep_present_sections(plan, old, settings.critical_names)
    left_out = tuple(k for k in plan.section_keys if k in old.deleted_keys and k not in force)
    if left_out:
        plan = plan._replace(sections=tuple(
            s._replace(number=number) for number, s in enumerate(
                (s for s in plan.sections if s.key not in left_out), start=1)))
    related = related_view(plan, index)

    plan_now = plan._replace(updated=moment)
    # Sections the merge keeps whatever is rendered (critical ones, a person's edits) are not
    # rendered: only their headings are, so that the merged text is numbered as planned.
    kept = kept_keys(old, plan_now.section_keys, force)
    rendered = render(plan_now, related=related, skip=kept)
    result = merge(old, rendered, plan_now.section_keys, force=force, base_header=base_header,
                   left_out=left_out, source=rel, unrendered=kept)
    if result.text != old.text and all(f.fate in _QUIET for f in result.fates):
        # No section changed: perhaps only the "updated" moment did. An edit that changes
        # nothing leaves the file as it is, so try the header with the old moment.
        plan_then = plan._replace(updated=request.updated or moment)
        header_now = render_header(plan_now)
        if rendered.startswith(header_now):
            unchanged = merge(old, render_header(plan_then) + rendered[len(header_now):],
                              plan_then.section_keys, force=force, base_header=base_header,
                              left_out=left_out, source=rel, unrendered=kept)
            if unchanged.text == old.text:
                return plan_then, unchanged
    return plan_now, result


def _edit_model(request: _Request, index: SpecIndex | IndexText | None, moment: datetime
                ) -> tuple[SystemModel | None, SystemModel | None]:
    """The model the edited spec is written from, and the model the edit added to (None when
    it adds to nothing). A --model file is taken whole. The edit's words are built into a
    model of their own and merged into the spec's: the stored model when it is still the
    spec's, else the one its recorded description gives. Without words, the stored model
    (or None: the plan builds it from the description, as it was built before)."""
    from smartspec.model.io import stored_model

    if request.given_model is not None:
        return request.given_model, None
    record = request.old.doc.settings or {}
    recorded = recorded_text(record, "description")
    # The stored model as ``_resolve`` read it, when this asks for the same file and words.
    same_file = (request.base_options is not None
                 and request.recorded_plans.spec_id == request.spec_id
                 and request.settings.state_dir == request.recorded_plans.state_dir)
    if request.words is None:
        if same_file and request.options.description == recorded:
            return request.recorded_plans.model, None
        return stored_model(request.settings.state_dir, request.spec_id, record,
                            request.options.description), None
    old_model = (request.recorded_plans.model if same_file else
                 stored_model(request.settings.state_dir, request.spec_id, record, recorded))
    if old_model is None:
        old_plan = _old_plan(request, index, moment)
        if old_plan is None:
            return None, None
        old_model = old_plan.model
    from smartspec.detect import detect
    from smartspec.model.build import build_model
    from smartspec.model.combine import merge_models, stated_by_edit

    name = request.options.name or ""
    words_model = build_model(name, request.words,
                              detect(name, request.words, request.settings.keywords),
                              old_model.domains)
    return merge_models(old_model, stated_by_edit(old_model, words_model)), old_model


def keep_present_sections(plan: SpecPlan, old: OldSpec,
                          critical_names: tuple[str, ...]) -> SpecPlan:
    """The plan with every section the spec has now, when the profile and mode stay: an edit's
    words can add sections but never take one away (only a person deleting it, or a change of
    profile or mode, does). A kept section goes after the one it followed, sections the edit
    adds go last, and every section is numbered again from 1, so numbers stay consecutive and
    unique."""
    from smartspec import catalog
    from smartspec.plan import PlannedSection

    record = old.doc.settings or {}
    if record.get("profile") not in (None, plan.profile) or \
            record.get("mode") not in (None, plan.mode):
        return plan
    keys = list(plan.section_keys)
    # Sections waiting under "Earlier sections" were already displaced by a layout change.
    placed = old.keys if old.earlier is None else old.keys[:old.earlier]
    compact = plan.mode == "compact"
    present = [k for k in placed if k is not None and k in catalog.BY_KEY
               and (compact or not catalog.BY_KEY[k].compact)]
    for position, key in enumerate(present):
        if key in keys:
            continue
        before = next((k for k in reversed(present[:position]) if k in keys), None)
        keys.insert(keys.index(before) + 1 if before is not None else 0, key)
    # Sections the edit adds go after the ones the spec has, so every section keeps its
    # number (a person's "see section 7" still points where it did).
    keys = [*(k for k in present if k in keys), *(k for k in keys if k not in present)]
    if keys == list(plan.section_keys):
        return plan
    by_key = {s.key: s for s in plan.sections}
    sections = []
    for number, key in enumerate(keys, start=1):
        if key in by_key:
            sections.append(by_key[key]._replace(number=number))
            continue
        critical = catalog.BY_KEY[key].critical
        sections.append(PlannedSection(
            key=key, title=catalog.title_for(key, plan.profile, plan.security), number=number,
            critical=critical if critical in critical_names else None))
    return plan._replace(sections=tuple(sections))


def _carry(plan: SpecPlan, request: _Request, moment: datetime) -> SpecPlan:
    """What an edit keeps from the spec: when it was created, its version and status, and the
    --force-update keys as given."""
    return plan._replace(
        created=request.created or moment,
        version=request.version or plan.version,
        status=request.status or plan.status,
        force_update=request.force or (),
    )


def _fix_decisions(plan: SpecPlan, request: _Request) -> SpecPlan:
    """Dependencies recorded in the spec reach the plan as options; say where they came from."""
    from smartspec.plan import Decision

    if not request.depends_from_spec:
        return plan
    decisions = tuple(
        Decision(d.setting, d.value, SPEC, "recorded in the spec's settings comment")
        if d.setting == "depends_on" else d for d in plan.decisions)
    return plan._replace(decisions=decisions)


def recorded_sections(entry: Any, digest: str) -> dict[str, Any] | None:
    """The registry's section records for a spec whose file's sha256 is ``digest``.

    The registry is written just before the spec. If the file is still exactly what it was
    before the last run (that run was killed between the two writes, or the spec was restored
    from the backup it made), sections that run added were never in the file: their records
    are dropped, so that their absence does not read as a person's deletion. The sections it
    replaced are still recognised by their previous fingerprints."""
    if not isinstance(entry, dict) or not isinstance(entry.get("sections"), dict):
        return None
    sections: dict[str, Any] = entry["sections"]
    if entry.get("file_previous") == digest and entry.get("file_sha256") != digest:
        sections = {k: r for k, r in sections.items()
                    if not (isinstance(r, dict) and r.get("new"))}
    return sections


def _old_plan(request: _Request, index: SpecIndex | IndexText | None, moment: datetime) -> SpecPlan | None:
    """The plan the spec was last written with (its settings comment, today's config), so that
    header lines and, without a registry, sections can be compared with what smartspec wrote."""
    if request.base_options is None:
        return None
    plan = _recorded_plan(request.recorded_plans, _recorded_layer_of(request),
                          request.base_options, request.settings, request.spec_id)
    if plan is None:
        return None
    return plan._replace(created=request.created or moment, updated=request.updated or moment,
                   version=text_field(request.old.doc.settings or {}, "version") or plan.version,
                   status=(text_field(request.old.doc.settings or {}, "status")
                           or plan.status).upper())


def _recorded_layer_of(request: _Request) -> dict[str, Any]:
    """The layer as recorded (before a profile change dropped the levels)."""
    layer = spec_layer(request.old.doc, "spec")
    if "domains" in layer and "domains" not in request.layer:
        del layer["domains"]
    return layer


def _rendered_records(old_plan: SpecPlan, index: SpecIndex | IndexText | None,
                      record: Mapping[str, Any]) -> dict[str, Any] | None:
    """Without a registry entry (a cloned repository, a deleted .smartspec/), what smartspec
    would have written for the recorded settings stands in for what it did write."""
    from smartspec.document import block_hash, parse
    from smartspec.render import render

    keys = list_field(record, "sections")
    if keys is None or tuple(keys) != old_plan.section_keys:
        return None
    doc = parse(render(old_plan, related=related_view(old_plan, index)))
    return {
        planned.key: {"title": planned.title, "critical": planned.critical,
                      "sha256": block_hash(doc.section_text(section))}
        for planned, section in zip(old_plan.sections, doc.sections, strict=True)
    }


def _store_model(workspace: Workspace, spec_id: str, plan: SpecPlan, summary: RunSummary,
                 journal: Journal) -> None:
    """The model the spec now records (its hash is in the settings comment), beside the
    settings, so that the next edit adds to it and a regenerate writes from it. Left alone
    when it already holds that model."""
    from smartspec.plan import model_text

    model_path = workspace.model_path(spec_id)
    text = model_text(plan.model)
    # A missing or unreadable model file is simply written below.
    try:
        # Read without waiting: a FIFO in its place is then refused by the journal below.
        if not os.path.islink(model_path) and read_regular(model_path).decode("utf-8") == text:
            return
    except (OSError, UnicodeDecodeError):
        pass
    journal.remember(model_path)
    workspace.write_file(model_path, text)
    summary.written.append(workspace.rel(model_path))


def _write_edit(run: Run, request: _Request, result: MergeResult, plan: SpecPlan, path: str,
                rel: str, index: SpecIndex | IndexText | None, index_path: str | None,
                registry: dict[str, Any] | RegistryText,
                entry: Any, summary: RunSummary, changed: bool, read_sha256: str,
                **trace: Any) -> None:
    """Backup, registry, spec, index, reports, trace: in that order, each atomically, and all
    put back if one fails (``read_sha256``: the file's fingerprint as it was read). The registry goes before
    the spec and accepts the previous fingerprints too, so a run killed between the two leaves
    a spec whose sections are still recognised.

    What reaches the disk before the run ends (fsync), and why each stays: the backup (the
    only copy of the person's previous text once the spec is replaced); the registry (lost
    after the spec landed, the next edit would take smartspec's own sections for a person's
    and stop regenerating them); the spec itself; the model file (the settings comment names
    its hash, and the next edit adds to it); the index (other specs' dependency checks read
    it); the trace line (it says which run wrote the files). Each folder is synced once,
    when the lock is let go. The reports only record the run and are not synced; a file
    whose bytes would not change (registry, model, index) is not written at all."""

    settings, workspace, moment, journal = request.settings, run.workspace, run.moment, run.journal
    payload = request.bom + result.text.encode("utf-8")
    # Each file's fingerprint once: the registry and the index both record the new one. An
    # edit that leaves the text as it was writes the bytes it read, whose fingerprint it took.
    digest = sha256_hex(payload) if changed else read_sha256
    with journal.guard(workspace, path):
        if changed and settings["create_backups"]:
            backup = add_backup(workspace, request.spec_id, request.data, moment, journal,
                                mode=file_mode(path))
            summary.backup = workspace.rel(backup)
            summary.written.append(summary.backup)
        same_records = (isinstance(entry, dict) and entry.get("sections") == result.records
                        and entry.get("path") == rel)
        if changed or not same_records:
            # Asked once: the property reads the start of the usual file to tell whether it is
            # another tool's registry.
            registry_path = workspace.registry_path
            journal.remember(registry_path)
            journal.remember(workspace.registry_keys_path)
            workspace.write_registry(registry_path, registry, request.spec_id, path,
                                     result.records, moment, file_sha256=digest,
                                     file_previous=read_sha256)
            summary.written.append(workspace.rel(registry_path))
        if changed:
            journal.remember(path)
            workspace.write_spec(path, payload)
            summary.written.insert(0, rel)
        _store_model(workspace, request.spec_id, plan, summary, journal)
        summary.written += record_in_index(workspace, settings, index, index_path, result.text,
                                           rel, sha256=digest,
                                           journal=journal, doc=result.doc)
        if settings["generate_reports"]:
            write_reports(workspace, summary, "edit", moment, journal)
        run.trace(request.spec_id, summary.written, **trace)
    if changed:
        prune_backups(workspace, request.spec_id, int(settings["keep_backups"]))
