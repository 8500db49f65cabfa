"""``smartspec validate``: settings, the SPEC_INDEX and registry the rules read, the spec
files the paths name, and the rule engine over them. ``commands/validate.py`` turns the
words into these calls and the results into text, JSON or SARIF."""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence

from smartspec.errors import UsageError
from smartspec.fsutil import shown_path, spelled

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

    from smartspec.config import Settings
    from smartspec.rules import ValidationResult, Validator


def _index(settings: Settings, specindex: str | None) -> tuple[Any, str]:
    """The ids of the SPEC_INDEX (for the related-specs rule) and how to name it, or
    (None, ""). The ids come from the small file ``smartspec index`` keeps beside its scan
    state when it still describes this index file; only otherwise is the index loaded (and
    only then its model and the reader of its older shapes)."""
    from smartspec.fsutil import INDEX_IDS_FILE
    from smartspec.index.locate import locate_index, read_known_ids

    path = locate_index(settings.root, settings.state_dir, specindex)
    if path is None:
        return None, ""
    shown = shown_path(os.path.realpath(path), settings.root)
    known = read_known_ids(os.path.join(settings.state_dir, INDEX_IDS_FILE), path, settings.root)
    if known is None:
        from smartspec.index.migrate import load_index

        return load_index(path), shown
    return known, shown


def validator_for(lang: str | None, strict: bool,
                  specindex: str | None) -> tuple[Settings, Validator]:
    """The project's settings and a rule engine set up with its config, the index's ids and
    the registry (whose records are decoded only for the specs checked). Only reads: the
    writer (``Workspace``, with its locks and atomic writes) is not imported."""
    from smartspec import registry as registry_file
    from smartspec.config import load_settings
    from smartspec.options import Options
    from smartspec.rules import Validator

    settings = load_settings(Options(lang=lang))
    index, index_name = _index(settings, specindex)
    registry = registry_file.read(os.path.join(settings.state_dir, registry_file.FOLDER),
                                  lambda path: shown_path(path, settings.root))
    return settings, Validator(settings, index=index, registry=registry, strict=strict,
                               index_name=index_name or "SPEC_INDEX.json")


def spec_items(settings: Settings, paths: Sequence[str],
               base: str) -> tuple[list[str], list[tuple[str, str]]]:
    """The folders or files searched (the specs folder when none is given) and every spec
    file found, each with its name relative to ``base``. Paths are spelled as pathlib spells
    them (``fsutil.spelled``): messages and the files as found name them so."""
    from smartspec.rules import runner

    targets = [spelled(path) for path in paths]
    if not targets:
        default = spelled(os.path.join(settings.root, str(settings["specs_dir"])))
        if not os.path.isdir(default):
            shown = shown_path(os.path.realpath(default), os.getcwd())
            raise UsageError(f"no specs folder {shown!r}; pass spec files "
                             "or folders to validate")
        targets = [default]
    # Each file is named by where it lands, from the path the walk already resolved: a
    # resolve per file costs a system call per path component, tens of milliseconds on a
    # large tree before any worker starts.
    return targets, runner.find_named_specs(targets, base)


def check(validator: Validator, items: list[tuple[str, str]], *, jobs: int = 0,
          progress: Callable[[int], None] | None = None) -> list[ValidationResult]:
    """Every spec's result, in the order of ``items``."""
    from smartspec.rules import runner

    return list(runner.run(validator, items, jobs=jobs, progress=progress))
