"""Validating a tree of specs: find the files, then spread them over the machine's cores.

Each worker process gets the ``Validator`` once (rules, severities, keyword patterns, index
ids, registry) and then only paths; it sends back small ``ValidationResult``s, never parsed
documents, so the parent's memory does not grow with the size of the tree. Results come back
in the order of the files, so output is the same whatever the number of workers.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator, Sequence

from smartspec.errors import UsageError
from smartspec.fsutil import StrPath, shown_path
from smartspec.rules import ValidationResult, Validator
from smartspec.specfile import SpecArg

SPEC_FILE = "spec.md"
# Folders never searched for specs: smartspec's state (backups are full copies of specs),
# version control, dependencies and virtual environments.
SKIP_DIRS = frozenset({".smartspec", ".git", ".hg", ".svn", "node_modules", ".venv", "venv",
                       "__pycache__", ".tox", ".mypy_cache"})
# Below this many files per worker, starting processes costs more than it saves.
MIN_FILES_PER_JOB = 24


def find_named_specs(paths: Sequence[StrPath], base: str) -> list[tuple[str, str]]:
    """``found_specs`` as (file as found, its name relative to ``base`` as
    ``fsutil.shown_path`` words it), both strings. The parent walks the whole tree before
    any worker starts, and pathlib objects for every file (a path joined, hashed and made
    relative several times over) were most of that walk: strings cost a fifth as much."""
    under = os.path.join(base, "")  # the base with one separator after it
    named = []
    for given, resolved in found_specs(paths):
        if resolved.startswith(under):
            shown = resolved[len(under):].replace(os.sep, "/")
        else:  # outside the base (or only the same when letter case is folded): as before
            shown = shown_path(resolved, base)
        named.append((given, shown))
    return named


def found_specs(paths: Sequence[StrPath]) -> list[tuple[str, str]]:
    """(file as found, the path it resolves to) for each spec the paths name: files as
    given, folders searched recursively for ``spec.md`` (see ``_walk``), in the order named;
    no duplicates. A path that does not exist is a UsageError naming it."""
    # Keyed by the resolved path as the system compares names, so "a/spec.md" and
    # "./a/spec.md" are one spec, kept as first named.
    found: dict[str, tuple[str, str]] = {}
    for given in paths:
        path = os.fspath(given)
        if os.path.isfile(path):
            resolved = os.path.realpath(path)
            found.setdefault(os.path.normcase(resolved), (path, resolved))
        elif os.path.isdir(path):
            # The walk never enters a linked folder, so a file that is not a link itself
            # resolves to the resolved folder joined with its relative path: one resolve
            # per folder given, not one per spec (each costs a system call per component).
            # ``Path.resolve`` is ``os.path.realpath``, called here on strings.
            root = os.path.realpath(path)
            for file, relative, linked in _walk(path):
                resolved = os.path.realpath(file) if linked else os.path.join(root, relative)
                found.setdefault(os.path.normcase(resolved), (file, resolved))
        elif os.path.exists(path):
            # Reading a FIFO would wait forever; a socket or device is no spec either.
            raise UsageError(f"{path}: is not a regular file (a FIFO, socket or device); "
                             "expected a spec.md or a folder of specs")
        else:
            raise UsageError(f"{path}: no such file or folder; expected a spec.md or a folder "
                             "of specs")
    return list(found.values())


def _walk(folder: str, relative: str = "") -> Iterator[tuple[str, str, bool]]:
    """(file as found, its path relative to the top folder, whether it is a link) for each
    ``spec.md`` under ``folder``: a folder's own spec first, then its sub-folders by name.
    Hidden and tool folders are skipped, linked folders are not entered, and a folder that
    cannot be listed is passed over."""
    try:
        with os.scandir(folder) as listing:
            entries = list(listing)
    except OSError:
        return
    subfolders = []
    for entry in entries:
        if entry.name == SPEC_FILE and entry.is_file():
            yield entry.path, relative + SPEC_FILE, entry.is_symlink()
        elif (entry.name not in SKIP_DIRS and not entry.name.startswith(".")
              and entry.is_dir(follow_symlinks=False)):
            subfolders.append(entry)
    for entry in sorted(subfolders, key=lambda entry: entry.name):
        yield from _walk(entry.path, f"{relative}{entry.name}{os.sep}")


def default_jobs() -> int:
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except (AttributeError, OSError):
        return max(1, os.cpu_count() or 1)


_worker: Validator | None = None


def _init_worker(validator: Validator) -> None:
    global _worker
    _worker = validator


def _validate_one(item: tuple[SpecArg, str]) -> ValidationResult:
    assert _worker is not None
    file, shown = item
    return _worker.validate_file(file, path=shown)


def run(validator: Validator, files: Sequence[tuple[SpecArg, str]], *, jobs: int = 0,
        progress: Callable[[int], None] | None = None) -> Iterator[ValidationResult]:
    """Validate ``(file, shown path)`` pairs, in order. ``jobs`` 0 means one per core; a
    small tree runs in this process. ``progress`` is called with 1 after each file."""
    jobs = min(jobs or default_jobs(), max(1, len(files) // MIN_FILES_PER_JOB))
    if jobs <= 1:
        for file, shown in files:
            yield validator.validate_file(file, path=shown)
            if progress:
                progress(1)
        return
    import multiprocessing  # only when there is work for more than one process

    methods = multiprocessing.get_all_start_methods()
    # fork starts workers in milliseconds and shares the imported modules.
    context = multiprocessing.get_context("fork" if "fork" in methods else None)
    # Small chunks: the last one a worker takes decides when the run ends, so a chunk of a
    # few dozen milliseconds keeps the workers finishing together.
    chunksize = max(1, min(16, len(files) // (jobs * 8)))
    with context.Pool(jobs, initializer=_init_worker, initargs=(validator,)) as pool:
        for result in pool.imap(_validate_one, files, chunksize=chunksize):
            yield result
            if progress:
                progress(1)
