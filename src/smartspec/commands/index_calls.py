"""What ``smartspec index`` does once its words are read, and how it prints, without click:
the command line's quick path (``commands/calls.py``, words read by ``commands/flags.py``)
and click's command (``commands/index.py``) run this same function, so a run prints the same
bytes whichever reader took its words.

Human text goes to stdout (warnings to stderr); ``--format json`` prints one JSON object on
stdout and nothing else there. Errors are raised as ``SmartspecError`` for ``cli.main`` to turn
into one line and exit 2; ``--check`` with errors prints its findings and returns 1.
"""

from __future__ import annotations

import json

from smartspec.commands.calls import echo

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

    from smartspec.runs.index import IndexScope

OUTPUT_SCHEMA = 1


def emit_json(payload: dict[str, Any]) -> None:
    echo(json.dumps(payload, ensure_ascii=False, indent=2, sort_keys=True))


def index_call(specs_dir: str | None, specindex: str | None, output_dir: str | None,
               check: bool, dry_run: bool, migrate: bool, show_schema: bool, fmt: str) -> int:
    """``smartspec index``: build or refresh SPEC_INDEX.json, or check it (1 on errors)."""
    from smartspec.errors import UsageError

    if show_schema:
        if check or dry_run:
            raise UsageError("--schema prints the JSON Schema only; use it without --check "
                             "or --dry-run")
        from smartspec.index.schema import index_json_schema

        echo(json.dumps(index_json_schema(), indent=2, sort_keys=True))
        return 0
    if check and dry_run:
        raise UsageError("--check writes nothing already; use --check or --dry-run, not both")
    from smartspec.runs.index import scope_for

    scope = scope_for(specs_dir, output_dir)
    if check:
        return _check(scope, specindex, fmt)
    _refresh(scope, specindex, dry_run, fmt, migrate)
    return 0


def _refresh(scope: IndexScope, specindex: str | None, dry_run: bool, fmt: str,
             migrate: bool = False) -> None:
    from smartspec.index.model import SHAPE_NAMES
    from smartspec.runs.index import refresh_index

    result = refresh_index(scope.root, scope.state_dir, scope.specs_dir, specindex=specindex,
                           dry_run=dry_run, repo=scope.repo, migrate=migrate,
                           configured=scope.configured)
    scan = result.scan
    assert scan is not None
    shown = scope.show(result.path)
    if fmt == "json":
        emit_json({
            "schema": OUTPUT_SCHEMA, "command": "index", "index": shown,
            "found": result.found is not None, "shape": result.shape,
            "migrated": result.migrated and migrate, "dry_run": dry_run, "changed": result.changed,
            "specs": result.size, "specs_dir": scope.show(scope.specs_dir),
            "scan": {"found": scan.found, "read": scan.read, "parsed": scan.parsed,
                     "unchanged": scan.unchanged},
            "added": scan.added, "removed": scan.removed, "updated": scan.changed,
            "warnings": scan.warnings, "written": [scope.show(p) for p in result.written],
            "diff": result.diff(scope.root) if dry_run else None,
        })
        return
    for warning in scan.warnings:
        echo(f"smartspec: warning: {warning}", err=True)
    if result.found is None:
        echo(f"SPEC_INDEX: none found; {'would create' if dry_run else 'creating'} {shown}")
    elif result.migrated and migrate:
        echo(f"SPEC_INDEX: {shown} (read in {SHAPE_NAMES[result.shape]}, "
                   "migrated to the current schema)")
    elif result.migrated:
        echo(f"SPEC_INDEX: {shown} (in {SHAPE_NAMES[result.shape]}, kept in that shape; "
                   "--migrate converts it to the current schema)")
    else:
        echo(f"SPEC_INDEX: {shown}")
    echo(f"Scanned {scan.found} spec files in {scope.show(scope.specs_dir)}: "
               f"{scan.read} read, {scan.parsed} parsed, {scan.unchanged} unchanged; "
               f"{result.size} entries.")
    for label, ids in (("Added", scan.added), ("Removed", scan.removed),
                       ("Updated", scan.changed)):
        if ids:
            echo(f"{label} ({len(ids)}): {_short_list(ids)}")
    if dry_run:
        if result.changed:
            echo(result.diff(scope.root), nl=False)
        echo("Dry run: nothing written." if result.changed
                   else "Dry run: the index is up to date.")
    elif result.written:
        echo(f"Wrote {', '.join(scope.show(p) for p in result.written)}")
    else:
        echo("The index is up to date.")


def _short_list(ids: list[str], limit: int = 20) -> str:
    shown = ", ".join(ids[:limit])
    return shown + (f" and {len(ids) - limit} more" if len(ids) > limit else "")


def _check(scope: IndexScope, specindex: str | None, fmt: str) -> int:
    from smartspec.index.model import SHAPE_NAMES
    from smartspec.runs.index import check

    index, findings = check(scope, specindex)
    assert index.source is not None
    errors = sum(1 for f in findings if f.severity == "error")
    warnings = len(findings) - errors
    shown = scope.show(index.source)
    if fmt == "json":
        emit_json({
            "schema": OUTPUT_SCHEMA, "command": "index --check", "index": shown,
            "shape": index.shape, "specs": len(index.all_entries()), "errors": errors,
            "warnings": warnings, "passed": errors == 0,
            "findings": [f.to_json() for f in findings],
        })
    else:
        note = f" (in {SHAPE_NAMES[index.shape]})" if index.migrated else ""
        echo(f"SPEC_INDEX: {shown}{note}, {len(index.all_entries())} entries")
        for finding in findings:
            echo(f"{finding.severity}: {finding.message} [{finding.code}]")
        verdict = "failed" if errors else "passed"
        echo(f"Check {verdict}: {errors} error{'s' * (errors != 1)}, "
                   f"{warnings} warning{'s' * (warnings != 1)}.")
    return 1 if errors else 0
