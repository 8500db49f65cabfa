"""What every run of a command that writes shares: the clock, the ``Run`` (settings,
workspace, moment, journal, trace), the outcome handed back to the command, and the steps
new, edit, restore and adopt take alike (the request's words checked, index lookup, the
ids taken, the related specs, validation and its confirmation, the index entry, the
reports). An edit imports this module, not ``runs.new``."""

from __future__ import annotations

import os
import sys
import time
from collections.abc import Callable, Mapping
from datetime import UTC, datetime

from smartspec.config import Settings
from smartspec.errors import UsageError, ValidationFailed
from smartspec.fsutil import StrPath, shown_path
from smartspec.options import Options
from smartspec.records import SlotRecord
from smartspec.report import RunSummary, markdown
from smartspec.specfile import SpecArg, resolve_spec
from smartspec.tuples import NamedTuple
from smartspec.workspace import Journal, Workspace, json_twin

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

    from smartspec.document import Document
    from smartspec.index.model import SpecIndex
    from smartspec.index.splice import IndexText
    from smartspec.plan import SpecPlan
    from smartspec.rules import ValidationResult

# Asked when --validate-consistency finds errors on an interactive terminal: True = write anyway.
Confirm = Callable[[str], bool]


class Outcome(SlotRecord):
    """The result of one run: the summary for reports, the spec text, and the exit code."""

    # In field order: the repr lists them so, as a dataclass did.
    __slots__ = ("summary", "text", "settings", "exit_code", "diff", "extra")  # noqa: RUF023

    def __init__(self, summary: RunSummary, text: str, settings: Settings, exit_code: int = 0,
                 diff: str | None = None, extra: dict[str, Any] | None = None) -> None:
        self.summary = summary
        self.text = text
        self.settings = settings
        self.exit_code = exit_code
        self.diff = diff
        self.extra: dict[str, Any] = {} if extra is None else extra


class Run(SlotRecord):
    """One run of a command that writes: its settings, the workspace it writes through, the
    moment it is stamped with, the journal that puts every file back if a write fails, and
    the one trace line it leaves (built here, the same for every command)."""

    __slots__ = ("command", "settings", "moment", "argv", "started", "journal")  # noqa: RUF023

    def __init__(self, command: str, settings: Settings, moment: datetime,
                 argv: list[str] | None = None, started: float | None = None,
                 journal: Journal | None = None) -> None:
        self.command = command
        self.settings = settings
        self.moment = moment
        self.argv = argv
        self.started = time.monotonic() if started is None else started
        self.journal = Journal() if journal is None else journal

    @property
    def workspace(self) -> Workspace:
        return Workspace(self.settings.root, self.settings.state_dir)

    def trace(self, spec_id: str, files: list[str], **fields: Any) -> None:
        """Append this run's line to trace.log (time, command, argv, spec, what the command
        adds, files, ms); the journal takes it back if a later write fails."""
        workspace = self.workspace
        self.journal.remember_size(workspace.trace_path)
        workspace.append_trace({
            "time": self.moment.strftime("%Y-%m-%dT%H:%M:%SZ"),
            "command": self.command,
            "argv": self.argv if self.argv is not None else sys.argv[1:],
            "spec": spec_id,
            **fields,
            "files": files,
            "ms": round((time.monotonic() - self.started) * 1000, 1),
        })


class SpecTarget(NamedTuple):
    """What every run on one existing spec starts from: the working folder, the environment,
    the settings before the spec's own layer, and the spec's path (absolute, and as shown:
    relative to the root)."""

    here: str
    environ: dict[str, str] | None
    settings: Settings
    path: str
    rel: str

    @property
    def workspace(self) -> Workspace:
        return Workspace(self.settings.root, self.settings.state_dir)


def open_spec(spec: SpecArg, options: Options, cwd: StrPath | None,
              environ: Mapping[str, str] | None) -> SpecTarget:
    """Settings for ``options`` from ``cwd``, and the spec ``spec`` names (outside the project
    root, a folder or a special file is refused)."""
    from smartspec.config import load_settings

    here = os.path.realpath(cwd or os.getcwd())
    env = dict(environ) if environ is not None else None
    settings = load_settings(options, cwd=here, environ=env)
    path = resolve_spec(settings.root, here, spec)
    return SpecTarget(here, env, settings, path, shown_path(path, settings.root))


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
        # Unicode's control characters (category Cc) are exactly U+0000-U+001F and
        # U+007F-U+009F, a set its stability policy never changes: no unicodedata needed.
        bad = next((c for c in value if ("\x00" <= c <= "\x1f" or "\x7f" <= c <= "\x9f")
                    and not c.isspace()), None)
        if bad is not None:
            raise UsageError(f"{flag}: holds the control character U+{ord(bad):04X} at "
                             f"position {value.index(bad) + 1}; expected printable text")


def taken_spec_ids(settings: Settings, index: SpecIndex | IndexText | None) -> set[str]:
    """Ids used in the index and by spec folders, so new numbers never collide."""
    taken = set(index.entries) if index is not None else set()
    specs = os.path.join(settings.root, settings["specs_dir"])
    if os.path.isdir(specs):
        with os.scandir(specs) as categories:
            folders = [category.path for category in categories if category.is_dir()]
        for folder in folders:
            with os.scandir(folder) as children:
                taken.update(child.name for child in children if child.is_dir())
    return taken


def related_view(plan: SpecPlan, index: SpecIndex | IndexText | None) -> dict[str, Any] | None:
    """The Related Specs section's data: dependencies resolved and grouped (id, title, and
    where each lives)."""
    if not plan.depends_on:
        return None
    from smartspec.index.related import related_groups, resolve_dependencies

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


def load_index_for(settings: Settings, specindex: str | None) -> tuple[SpecIndex | None, str | None]:
    """The index found by the lookup order (design.md §4), or (None, None)."""
    found = _find_index(settings, specindex)
    if found is None:
        return None, None
    # The reader of every shape an index has had, only when there is one to read.
    from smartspec.index.migrate import load_index

    return load_index(found), found


def index_by_entry_for(settings: Settings, specindex: str | None
                       ) -> tuple[SpecIndex | IndexText | None, str | None]:
    """``load_index_for`` for a run that asks about a few specs and records one: when the
    index is the text smartspec last wrote (its ids file says so), it is read entry by entry
    (``IndexText``) and ``record_in_index`` edits that one entry in it, so the run does not
    grow with the project; any other index is loaded whole."""
    found = _find_index(settings, specindex)
    if found is None:
        return None, None
    from smartspec.fsutil import INDEX_IDS_FILE
    from smartspec.index.splice import IndexText

    by_entry = IndexText.read(found, os.path.join(settings.state_dir, INDEX_IDS_FILE),
                              settings.root)
    if by_entry is not None:
        return by_entry, found
    from smartspec.index.migrate import load_index

    return load_index(found), found


def _find_index(settings: Settings, specindex: str | None) -> str | None:
    from smartspec.fsutil import inside_root
    from smartspec.index.locate import locate_index

    if specindex is not None:
        inside_root(settings.root, specindex, what="--specindex")
        if not os.path.isfile(os.path.join(settings.root, specindex)):
            raise UsageError(f"--specindex: {specindex!r} does not exist; expected a SPEC_INDEX.json file")
    return locate_index(settings.root, settings.state_dir, specindex)


def run_validation(text: str, rel_path: str, settings: Settings,
                   index: SpecIndex | IndexText | None,
                   registry: dict[str, Any] | None,
                   doc: Document | None = None) -> ValidationResult | None:
    """The rule engine over the final text (design.md §6), unless validation is disabled.
    ``doc`` is ``text`` already parsed with ``settings.critical_names`` (edit's merge parsed
    it to check itself)."""
    if not settings["validation_enabled"]:
        return None
    if doc is not None:
        from smartspec.rules import Validator

        return Validator(settings, index=index, registry=registry).validate_document(
            doc, path=rel_path, text=text)
    from smartspec.rules import validate_text

    return validate_text(text, path=rel_path, settings=settings, index=index, registry=registry)


def confirm_or_refuse(validation: dict[str, Any] | None, options: Options, confirm: Confirm | None) -> None:
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


def record_in_index(workspace: Workspace, settings: Settings,
                    index: SpecIndex | IndexText | None, index_path: str | None, text: str,
                    rel: str, *, sha256: str | None = None, journal: Journal | None = None,
                    doc: Document | None = None) -> list[str]:
    """Upsert the spec's entry (and its dependencies' dependents) into the index found by the
    lookup, or a new one in the state dir; returns the files written, relative to the root.
    An index read entry by entry (``IndexText``) has that one entry edited in its text
    (``splice_upsert``) when it can be; otherwise the whole index is written again.
    ``doc``: ``text`` parsed, when the caller has it."""
    from smartspec.index.extract import entry_from_spec
    from smartspec.index.model import MANIFEST_FILE, upsert_entry
    from smartspec.index.model import SpecIndex as NewIndex
    from smartspec.index.quiet import OWN_WRITES_FILE, index_lineage, own_writes_bytes
    from smartspec.index.splice import IndexText

    target = index_path or workspace.default_index_path
    if journal is not None:
        journal.remember(target)
        # The small file of the index's ids follows the index, so that the next one-spec
        # validate still reads that file instead of the whole index; a rollback puts it back.
        journal.remember(workspace.index_ids_path)
    entry = entry_from_spec(text, rel, specs_rel=settings["specs_dir"], sha256=sha256, doc=doc)
    new_text = None
    if isinstance(index, IndexText):
        from smartspec.index.splice import splice_upsert

        new_text = splice_upsert(index.text, entry, index.ids)
        ids: list[str] | None = [*index.ids, entry.id] if journal is not None else None
        if new_text is None:
            index = index.load()
    if new_text is None:
        from smartspec.index.schema import dump_as_found

        whole = index if isinstance(index, NewIndex) else NewIndex()
        upsert_entry(whole, entry)
        new_text = dump_as_found(whole)
        ids = [e.id for e in whole.all_entries()] if journal is not None else None
    # When the index is the last build's text (plus earlier writes like this one), say so
    # after this write too: the next build then trusts every entry but the ones written.
    manifest_path = os.path.join(workspace.state_dir, MANIFEST_FILE)
    lineage = index_lineage(manifest_path, target, workspace.rel(target))
    own_writes = None
    if lineage is not None:
        manifest_identity, paths = lineage
        own_writes = (os.path.join(os.path.dirname(manifest_path), OWN_WRITES_FILE),
                      lambda index_rel, stat: own_writes_bytes(manifest_identity, index_rel,
                                                               stat, [*paths, rel]))
    written = workspace.write_index(target, new_text, ids=ids, own_writes=own_writes)
    return [workspace.rel(path) for path in written]


def write_reports(workspace: Workspace, summary: RunSummary, kind: str, moment: datetime,
                  journal: Journal | None = None) -> None:
    """The run's report (Markdown + JSON twin) and, when validation ran, the validation
    report, under reports/<spec-id>/ (design.md §4). ``journal`` remembers them for rollback."""
    spec_id = summary.plan.spec_id
    report_path = workspace.report_path(spec_id, kind, moment)
    summary.report = workspace.rel(report_path)
    summary.written += [summary.report, workspace.rel(json_twin(report_path))]
    validation_path = None
    if summary.checked is not None:
        validation_path = workspace.report_path(spec_id, "validation", moment)
        summary.written += [workspace.rel(validation_path),
                            workspace.rel(json_twin(validation_path))]
    if journal is not None:
        for path in (report_path, validation_path):
            if path is not None:
                journal.remember(path)
                journal.remember(json_twin(path))
    when = moment.strftime("%Y-%m-%d %H:%M:%S UTC")
    workspace.write_report(report_path, markdown(summary, generated_at=when), summary.to_json())
    if validation_path is not None and summary.checked is not None:
        from smartspec.rules import render_markdown

        workspace.write_report(validation_path,
                               render_markdown(summary.checked, generated=when),
                               {**summary.checked.to_json(), "generated": when})
