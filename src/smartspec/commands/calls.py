"""What new, edit and validate do once their words are read, and how an outcome is printed.

Nothing here imports click: the command line's quick path (``quick`` below, called by
``cli.main``) and click's commands (``commands/new.py``, ``edit.py``, ``validate.py``) run these
same functions, so a run prints the same bytes whichever reader took its words.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable

from smartspec.errors import UsageError
from smartspec.options import Options

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import IO, Any

    from smartspec.rules import ValidationResult, Validator
    from smartspec.runs.run import Outcome

# Show a progress bar on a terminal once a run is long enough to wait for.
PROGRESS_MIN_FILES = 200


def colour_allowed(stream: IO[str]) -> bool:
    """Colour only on a terminal, and never when NO_COLOR is set (https://no-color.org)."""
    if os.environ.get("NO_COLOR"):
        return False
    isatty = getattr(stream, "isatty", None)
    return bool(isatty and isatty())


def echo(text: str, *, err: bool = False, nl: bool = True, color: bool | None = None) -> None:
    """Print as ``click.echo`` does within a run of ``cli.main`` (where colour is allowed as
    ``colour_allowed(sys.stdout)`` says, unless ``color`` says otherwise). A UTF-8 text stream
    gets the text and a flush, which is all click does there; anything else (another
    encoding, no stream, escape sequences click may strip) goes through click."""
    stream = sys.stderr if err else sys.stdout
    encoding = str(getattr(stream, "encoding", None) or "").lower().replace("_", "-")
    if stream is None or encoding not in ("utf-8", "utf8") or "\x1b" in text:
        import click

        click.echo(text, err=err, nl=nl,
                   color=colour_allowed(sys.stdout) if color is None else color)
        return
    out = text + "\n" if nl else text
    if out:
        stream.write(out)
    stream.flush()


def options_from(kwargs: dict[str, Any], **extra: Any) -> Options:
    """The command's keyword arguments -> the Options record (None = not given)."""
    no_di = kwargs.pop("no_di", False)
    if no_di:
        if kwargs.get("di") not in (None, "none"):
            raise UsageError(f"--no-di contradicts --di={kwargs['di']}; give one of them")
        kwargs["di"] = "none"
    as_json = kwargs.pop("as_json", False)
    return Options(json=as_json or None, **kwargs, **extra)


def confirm_on_terminal(options: Options) -> Callable[[str], bool] | None:
    """A question for the person at the terminal, or None when nobody is there to answer."""
    if options.json or not sys.stdin.isatty():
        return None

    def ask(message: str) -> bool:
        import click

        return click.confirm(f"{message}. Write anyway?", default=False, err=True)

    return ask


def print_outcome(outcome: Outcome, options: Options) -> int:
    """Print the outcome: JSON on stdout (human text on stderr), or the console report."""
    from smartspec.report import console

    lang = outcome.settings["lang"]
    summary = outcome.summary
    if options.json:
        import json

        data = summary.to_json()
        if summary.dry_run:
            data["text"] = outcome.text
            if outcome.diff is not None:
                data["diff"] = outcome.diff
        echo(json.dumps(data, ensure_ascii=False, indent=2))
        return outcome.exit_code
    if summary.dry_run:
        echo(outcome.diff if outcome.diff is not None else outcome.text, nl=False)
        echo(console(summary, lang), err=True)
        return outcome.exit_code
    echo(console(summary, lang))
    return outcome.exit_code


def new_call(name: str, description: str | None, model_file: str | None,
             **kwargs: Any) -> int:
    """``smartspec new NAME [DESCRIPTION]``: plan, render, validate and write a spec."""
    from smartspec.runs.new import generate

    options = options_from(kwargs, name=name, description=description, model_file=model_file)
    outcome = generate(options, confirm=confirm_on_terminal(options))
    return print_outcome(outcome, options)


def edit_call(spec: str, description: str | None, adopt: bool, complete: bool,
              replace_description: bool | None, model_file: str | None, **kwargs: Any) -> int:
    """``smartspec edit SPEC.md [DESCRIPTION]``: update a spec without losing a word."""
    from smartspec.runs.edit import edit
    from smartspec.runs.run import Outcome

    options = options_from(kwargs, description=description,
                           replace_description=replace_description, model_file=model_file)
    outcome = edit(spec, options, confirm=confirm_on_terminal(options), adopt=adopt,
                   complete=complete)
    if not isinstance(outcome, Outcome):
        # A spec smartspec did not write went to adoption (only then is adopt imported).
        from smartspec.commands.adopt import print_adopt_outcome

        return print_adopt_outcome(outcome, bool(options.json))
    return print_outcome(outcome, options)


def validate_call(paths: tuple[str, ...], fmt: str, strict: bool, lang: str | None,
                  specindex: str | None, jobs: int, verbose: bool, no_progress: bool) -> int:
    """``smartspec validate [PATHS]``: check specs; 1 when one has an error, else 0. ``paths``
    as typed."""
    from smartspec.rules import render_text
    from smartspec.runs.validate import check, spec_items, validator_for

    settings, validator = validator_for(lang, strict, specindex)
    language = str(settings["lang"])
    if not validator.enabled:
        source = settings.source("validation_enabled").describe()
        echo(f"smartspec: validation is disabled (validation.enabled=false, from {source})",
             err=True)
        if fmt != "text":
            _emit(fmt, [], validator)
        return 0

    base = settings.root if fmt == "sarif" else os.path.realpath(os.getcwd())
    targets, items = spec_items(settings, paths, base)
    if not items:
        echo(f"smartspec: no spec.md files under {', '.join(targets)}",
             err=True)

    if not no_progress and len(items) >= PROGRESS_MIN_FILES and sys.stderr.isatty():
        import click

        with click.progressbar(length=len(items), label="Validating", file=sys.stderr) as bar:
            results = check(validator, items, jobs=jobs, progress=bar.update)
    else:
        results = check(validator, items, jobs=jobs)

    if fmt == "text":
        echo(render_text(results, language, verbose=verbose or None), nl=False)
    else:
        _emit(fmt, results, validator)
    return 1 if any(result.errors for result in results) else 0


def _emit(fmt: str, results: list[ValidationResult], validator: Validator) -> None:
    import json

    from smartspec.rules import report_json

    if fmt == "json":
        payload = report_json(results)
    else:
        # Only a SARIF report loads its writer (and the pathlib and urllib.parse it uses).
        from smartspec.rules.sarif import to_sarif

        payload = to_sarif(results, validator.severities)
    echo(json.dumps(payload, ensure_ascii=False, indent=2))


def index_call(**kwargs: Any) -> int:
    """``smartspec index``: build, refresh or check SPEC_INDEX.json (commands/index_calls.py)."""
    from smartspec.commands.index_calls import index_call as call

    return call(**kwargs)


CALLS: dict[str, Callable[..., int]] = {"new": new_call, "edit": edit_call,
                                        "validate": validate_call, "index": index_call}


def quick(words: list[str]) -> Callable[[], int] | None:
    """The run for ``words`` (a command name and its words) when they are plainly right, read
    without click; None when click should read them."""
    from smartspec.commands.flags import SHAPES, read_words

    shape = SHAPES.get(words[0])
    values = None if shape is None else read_words(shape, words[1:])
    if values is None:
        return None
    call = CALLS[words[0]]
    return lambda: call(**values)
