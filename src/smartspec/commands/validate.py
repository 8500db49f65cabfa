"""``smartspec validate``: parse the words, call ``runs/validate.py``, print.

Exit 0 when no spec has an error, 1 when one has (``--strict``: warnings count as errors),
2 when the run could not be carried out (bad config, unreadable file, missing path); the
last is raised as a ``SmartspecError`` for ``cli.main``. ``--format json`` and ``sarif``
print one JSON document on stdout and nothing else there.
"""

from __future__ import annotations

import click

from smartspec.commands.calls import validate_call

# The options below are also read without click (flags.VALIDATE_FLAGS, for the quick path of
# cli.main); tests/unit/test_quick_path.py keeps the two the same.


@click.command("validate")
@click.argument("paths", nargs=-1, type=click.Path())
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
def validate_command(paths: tuple[str, ...], fmt: str, strict: bool, lang: str | None,
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
    code = validate_call(paths, fmt, strict, lang, specindex, jobs, verbose, no_progress)
    if code:
        raise click.exceptions.Exit(code)
