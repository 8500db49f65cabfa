"""``smartspec validate``: parse the words, call ``runs/validate.py``, print.

Exit 0 when no spec has an error, 1 when one has (``--strict``: warnings count as errors),
2 when the run could not be carried out (bad config, unreadable file, missing path); the
last is raised as a ``SmartspecError`` for ``cli.main``. ``--format json`` and ``sarif``
print one JSON document on stdout and nothing else there.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from contextlib import ExitStack
from pathlib import Path
from typing import TYPE_CHECKING

import click

if TYPE_CHECKING:
    from smartspec.rules import ValidationResult, Validator

# Show a progress bar on a terminal once a run is long enough to wait for.
PROGRESS_MIN_FILES = 200


@click.command("validate")
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@click.option("--format", "fmt", type=click.Choice(["text", "json", "sarif"]), default="text",
              show_default=True, help="Report for people, programs or code scanning (SARIF 2.1.0).")
@click.option("--strict", is_flag=True, help="Treat warnings as errors (exit 1 on any finding).")
@click.option("--lang", type=click.Choice(["en", "th"]), default=None,
              help="Language of the text report [default: config language, else LANG].")
@click.option("--specindex", metavar="PATH",
              help="Index file for the related-specs rule, relative to the project root.")
@click.option("-j", "--jobs", type=click.IntRange(min=0), default=0, show_default=True,
              help="Worker processes; 0 = one per core.")
@click.option("-v", "--verbose", is_flag=True, help="List passed and skipped checks too.")
@click.option("--no-progress", is_flag=True, help="Never show a progress bar.")
def validate_command(paths: tuple[Path, ...], fmt: str, strict: bool, lang: str | None,
                     specindex: str | None, jobs: int, verbose: bool, no_progress: bool) -> None:
    """Check SPECs with smartspec's rules: the reference's consistency rules and the
    structural ones (required and critical sections, settings comment, related specs,
    placeholders).

    PATHS are spec files or folders (searched for spec.md); default: the specs folder.
    Severities come from validation.rules in the config; exit 1 if any spec has an error.

    \b
    Examples:
      smartspec validate
      smartspec validate specs/feature/spec-004-payments/spec.md --format json
      smartspec validate specs/ --format sarif > smartspec.sarif
    """
    from smartspec.rules import render_text
    from smartspec.runs.validate import check, spec_items, validator_for

    settings, validator = validator_for(lang, strict, specindex)
    language = str(settings["lang"])
    if not validator.enabled:
        source = settings.source("validation_enabled").describe()
        click.echo(f"smartspec: validation is disabled (validation.enabled=false, from {source})",
                   err=True)
        if fmt != "text":
            _emit(fmt, [], validator)
        return

    base = settings.root if fmt == "sarif" else Path.cwd().resolve()
    targets, items = spec_items(settings, paths, base)
    if not items:
        click.echo(f"smartspec: no spec.md files under {', '.join(str(t) for t in targets)}",
                   err=True)

    with ExitStack() as stack:
        progress: Callable[[int], None] | None = None
        if not no_progress and len(items) >= PROGRESS_MIN_FILES and sys.stderr.isatty():
            bar = stack.enter_context(click.progressbar(
                length=len(items), label="Validating", file=sys.stderr))
            progress = bar.update
        results = check(validator, items, jobs=jobs, progress=progress)

    if fmt == "text":
        click.echo(render_text(results, language, verbose=verbose or None), nl=False)
    else:
        _emit(fmt, results, validator)
    if any(result.errors for result in results):
        raise click.exceptions.Exit(1)


def _emit(fmt: str, results: list[ValidationResult], validator: Validator) -> None:
    from smartspec.rules import report_json
    from smartspec.rules.sarif import to_sarif

    payload = report_json(results) if fmt == "json" else to_sarif(results, validator.severities)
    click.echo(json.dumps(payload, ensure_ascii=False, indent=2))
