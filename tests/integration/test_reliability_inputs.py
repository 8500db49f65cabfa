"""Bad input, hostile files and broken bookkeeping: every case is refused with exit 2 and one
short line on stderr (never a traceback), and the whole project tree -- hidden files,
folders, links -- is byte-identical afterwards. Files outside the project that a planted link
points to are untouched too.

Each case builds on a fresh copy of one small project (a spec from ``smartspec new`` and
one edit, so it has a backup), breaks one thing, and runs one command."""

from __future__ import annotations

import hashlib
import os
import shutil
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from smartspec.fswrite import FileLock
from tests.helpers import run_cli, tree_snapshot

SPEC = "specs/feature/spec-001-orders/spec.md"
STATE = ".smartspec"


@dataclass(frozen=True)
class Case:
    argv: tuple[str, ...]
    says: str  # a piece of the one stderr line
    setup: Callable[[Path, Path], None] | None = None  # (project, outside folder)
    env: dict[str, str] = field(default_factory=dict)


def _write(path: Path, data: str | bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(data, bytes):
        path.write_bytes(data)
    else:
        path.write_text(data, encoding="utf-8")


def _replace_with_folder(relative: str) -> Callable[[Path, Path], None]:
    def setup(project: Path, outside: Path) -> None:
        target = project / relative
        if target.is_dir():
            shutil.rmtree(target)
        else:
            target.unlink(missing_ok=True)
        target.mkdir(parents=True)
    return setup


def _replace_with_file(relative: str) -> Callable[[Path, Path], None]:
    def setup(project: Path, outside: Path) -> None:
        target = project / relative
        if target.is_dir():
            shutil.rmtree(target)
        _write(target, "not a folder\n")
    return setup


def _replace_with_fifo(relative: str) -> Callable[[Path, Path], None]:
    def setup(project: Path, outside: Path) -> None:
        target = project / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        target.unlink(missing_ok=True)
        os.mkfifo(target)
    return setup


def _link_to_outside(relative: str, *, folder: bool) -> Callable[[Path, Path], None]:
    """Replace a state file or folder with a link to a precious file or folder outside."""
    def setup(project: Path, outside: Path) -> None:
        target = project / relative
        if target.is_dir() and not target.is_symlink():
            shutil.copytree(target, outside / "linked", dirs_exist_ok=True)
            shutil.rmtree(target)
        elif target.exists():
            _write(outside / "linked", target.read_bytes())
            target.unlink()
        else:
            if folder:
                (outside / "linked").mkdir(exist_ok=True)
            else:
                _write(outside / "linked", "precious\n")
        target.parent.mkdir(parents=True, exist_ok=True)
        target.symlink_to(outside / "linked", target_is_directory=folder)
    return setup


def _planted_lock(project: Path, outside: Path) -> None:
    """A lock file planted as a link to a precious file (it used to be truncated)."""
    state = (project / STATE).resolve()
    lock = FileLock(state, folder=state / "locks")
    (state / "locks").mkdir(mode=0o700)
    _write(outside / "precious.txt", "do not truncate me\n")
    os.symlink(outside / "precious.txt", lock.path)


def _lock_folder_shared(project: Path, outside: Path) -> None:
    (project / STATE / "locks").mkdir(mode=0o777)
    os.chmod(project / STATE / "locks", 0o777)


def _nan_index(project: Path, outside: Path) -> None:
    path = project / STATE / "SPEC_INDEX.json"
    path.write_text(path.read_text().replace('"schema": 1', '"schema": 1, "x": NaN', 1))


def _deep_config(project: Path, outside: Path) -> None:
    _write(project / "smartspec.config.json",
           '{"defaults": ' + "[" * 100_000 + "]" * 100_000 + "}")


def _empty_spec(project: Path, outside: Path) -> None:
    _write(project / "specs/feature/spec-009-empty/spec.md", "")


def _broken_settings(project: Path, outside: Path) -> None:
    """A settings comment cut in two by a raw U+2028 (what older versions wrote)."""
    path = project / SPEC
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace('"title":"Orders"', '"title":"Or\u2028ders"', 1),
                    encoding="utf-8")


NEW = ("new", "payments", "Card payments with Stripe")
EDIT = ("edit", SPEC, "--performance=full")

CASES: dict[str, Case] = {
    # -- data loss: locks -----------------------------------------------------------------------
    "lock file planted as a link": Case(NEW, "lock file", _planted_lock),
    "lock folder is a file": Case(NEW, "taken by a file", _replace_with_file(f"{STATE}/locks")),
    "lock folder is a link": Case(EDIT, "symbolic link",
                                  _link_to_outside(f"{STATE}/locks", folder=True)),
    "lock folder open to others": Case(EDIT, "mode 0777", _lock_folder_shared),
    "lock timeout not a number": Case(NEW, "SMARTSPEC_LOCK_TIMEOUT",
                                      env={"SMARTSPEC_LOCK_TIMEOUT": "soon"}),
    "lock timeout NaN": Case(EDIT, "SMARTSPEC_LOCK_TIMEOUT", env={"SMARTSPEC_LOCK_TIMEOUT": "nan"}),
    "lock timeout infinite": Case(NEW, "SMARTSPEC_LOCK_TIMEOUT",
                                  env={"SMARTSPEC_LOCK_TIMEOUT": "inf"}),
    "lock timeout zero": Case(NEW, "SMARTSPEC_LOCK_TIMEOUT", env={"SMARTSPEC_LOCK_TIMEOUT": "0"}),
    "lock timeout negative": Case(EDIT, "SMARTSPEC_LOCK_TIMEOUT",
                                  env={"SMARTSPEC_LOCK_TIMEOUT": "-5"}),
    # -- data loss: new is all or nothing -------------------------------------------------------
    "new: registry corrupted": Case(NEW, "invalid JSON", lambda p, o: _write(
        p / STATE / "registry/critical-sections-registry.json", "{broken")),
    "new: trace.log is a folder": Case(NEW, "trace.log", _replace_with_folder(f"{STATE}/trace.log")),
    "new: index is a folder": Case(NEW, "SPEC_INDEX.json",
                                   _replace_with_folder(f"{STATE}/SPEC_INDEX.json")),
    "new: reports is a file": Case(NEW, "Not a directory", _replace_with_file(f"{STATE}/reports")),
    "new: registry folder is a file": Case(NEW, "registry",
                                           _replace_with_file(f"{STATE}/registry")),
    "edit: trace.log is a folder": Case(EDIT, "trace.log",
                                        _replace_with_folder(f"{STATE}/trace.log")),
    "edit: a cut settings comment": Case(EDIT, "settings comment", _broken_settings),
    # -- tracebacks and hangs -------------------------------------------------------------------
    "SOURCE_DATE_EPOCH too large": Case(NEW, "SOURCE_DATE_EPOCH",
                                        env={"SOURCE_DATE_EPOCH": "99999999999999999"}),
    "SOURCE_DATE_EPOCH negative huge": Case(EDIT, "SOURCE_DATE_EPOCH",
                                            env={"SOURCE_DATE_EPOCH": "-99999999999999999"}),
    "config nested 100,000 deep": Case(NEW, "nested too deeply", _deep_config),
    "edit a FIFO": Case(("edit", "specs/feature/spec-009-x/spec.md", "--yes"), "FIFO",
                        _replace_with_fifo("specs/feature/spec-009-x/spec.md")),
    "restore a FIFO": Case(("restore", "specs/feature/spec-009-x/spec.md"), "FIFO",
                           _replace_with_fifo("specs/feature/spec-009-x/spec.md")),
    "regenerate a FIFO": Case(("regenerate", "specs/feature/spec-009-x/spec.md"), "FIFO",
                              _replace_with_fifo("specs/feature/spec-009-x/spec.md")),
    "validate a FIFO": Case(("validate", "specs/feature/spec-009-x/spec.md"), "FIFO",
                            _replace_with_fifo("specs/feature/spec-009-x/spec.md")),
    "restore from a FIFO backup": Case(
        ("restore", SPEC, "--backup", "spec.backup-20991231-000000.md"), "FIFO",
        _replace_with_fifo(f"{STATE}/backups/spec-001-orders/spec.backup-20991231-000000.md")),
    # -- refused ---------------------------------------------------------------------------------
    "empty --output-dir": Case((*NEW, "--output-dir="), "--output-dir"),
    "empty --specs-dir": Case((*NEW, "--specs-dir="), "--specs-dir"),
    "empty --specs-dir on edit": Case((*EDIT, "--specs-dir="), "--specs-dir"),
    "--validate-consistency with --no-validation": Case(
        (*NEW, "--validate-consistency", "--no-validation"), "--no-validation"),
    # A FIFO in place of a file a run keeps a copy of before replacing it used to block the
    # run for ever (the journal read it with a waiting open).
    "new: registry is a FIFO": Case(NEW, "not a regular file", _replace_with_fifo(
        f"{STATE}/registry/critical-sections-registry.json")),
    "new: the index's ids file is a FIFO": Case(NEW, "not a regular file",
                                                _replace_with_fifo(f"{STATE}/index/ids.json")),
    "new: the registry's keys file is a FIFO": Case(NEW, "not a regular file", _replace_with_fifo(
        f"{STATE}/index/registry-keys.json")),
    "edit: the index is a FIFO": Case(EDIT, "not a regular file",
                                      _replace_with_fifo(f"{STATE}/SPEC_INDEX.json")),
    "edit: the stored model is a FIFO": Case(EDIT, "not a regular file", _replace_with_fifo(
        f"{STATE}/models/spec-001-orders.json")),
    "plan: plan.md is a FIFO": Case(("plan", SPEC), "not a regular file", _replace_with_fifo(
        "specs/feature/spec-001-orders/plan.md")),
    "tasks: tasks.md is a FIFO": Case(("tasks", SPEC), "not a regular file", _replace_with_fifo(
        "specs/feature/spec-001-orders/tasks.md")),
    "init: an agent's command file is a FIFO": Case(
        ("init", "--agent", "cursor"), "not a regular file",
        _replace_with_fifo(".cursor/commands/smartspec-new.md")),
    "init: the agents manifest is a FIFO": Case(
        ("init", "--agent", "cursor"), "not a regular file",
        _replace_with_fifo(f"{STATE}/agents-manifest.json")),
    "config is a folder": Case(NEW, "is a folder", _replace_with_folder("smartspec.config.json")),
    "config is a FIFO": Case(NEW, "not a regular file", _replace_with_fifo("smartspec.config.json")),
    "org config is a folder": Case(EDIT, "is a folder", _replace_with_folder(f"{STATE}/config.json")),
    "ESC in a name": Case(("new", "pay\x1bments"), "U+001B"),
    "BEL in a title": Case(("new", "payments", "--title=Pay\x07"), "U+0007"),
    "NUL in a description": Case(("new", "payments", "Card\x00payments"), "U+0000"),
    "DEL in a title on edit": Case((*EDIT, "--title=x\x7f"), "U+007F"),
    # -- security --------------------------------------------------------------------------------
    "trace.log is a link": Case(NEW, "symbolic link",
                                _link_to_outside(f"{STATE}/trace.log", folder=False)),
    "registry is a link": Case(EDIT, "symbolic link", _link_to_outside(
        f"{STATE}/registry/critical-sections-registry.json", folder=False)),
    "reports folder is a link": Case(NEW, "symbolic link",
                                     _link_to_outside(f"{STATE}/reports", folder=True)),
    "backups folder is a link": Case(EDIT, "symbolic link",
                                     _link_to_outside(f"{STATE}/backups", folder=True)),
    "index is a link": Case(EDIT, "symbolic link",
                            _link_to_outside(f"{STATE}/SPEC_INDEX.json", folder=False)),
    "state folder is a link": Case(NEW, "outside the project root",
                                   _link_to_outside(STATE, folder=True)),
    "spec is a link": Case(EDIT, "outside the project root", _link_to_outside(SPEC, folder=False)),
    "--specindex outside for validate": Case(("validate", SPEC, "--specindex=../x.json"),
                                             "outside the project root"),
    "--specindex outside for graph": Case(("graph", "--specindex=/etc/hostname"),
                                          "outside the project root"),
    "--specindex outside for index --check": Case(("index", "--check", "--specindex=../x.json"),
                                                  "outside the project root"),
    "--specindex outside for new": Case((*NEW, "--specindex=../x.json"), "outside the project root"),
    "NaN in the index (index)": Case(("index",), "NaN", _nan_index),
    "NaN in the index (index --check)": Case(("index", "--check"), "NaN", _nan_index),
    "NaN in the index (edit)": Case(EDIT, "NaN", _nan_index),
    "Infinity in the index (index)": Case(("index",), "Infinity", lambda p, o: (
        p / STATE / "SPEC_INDEX.json").write_text((p / STATE / "SPEC_INDEX.json").read_text()
                                                  .replace('"schema": 1', '"schema": -Infinity'))),
    # -- more of the same families ----------------------------------------------------------------
    "new: index not JSON": Case(NEW, "invalid JSON", lambda p, o: _write(
        p / STATE / "SPEC_INDEX.json", "{nope")),
    "edit: registry is a folder": Case(EDIT, "critical-sections-registry.json", _replace_with_folder(
        f"{STATE}/registry/critical-sections-registry.json")),
    "--output-dir outside the root": Case((*NEW, "--output-dir=../state"),
                                          "outside the project root"),
    "--specs-dir outside the root": Case((*NEW, "--specs-dir=../specs"), "outside the project root"),
    "C1 control (CSI) in a title": Case(("new", "payments", "--title=a\x9b2J"), "U+009B"),
    "restore: --backup is a folder": Case(("restore", SPEC, "--backup", STATE), "directory"),
    "edit a spec outside the root": Case(("edit", "../outside/spec.md"), "outside the project root",
                                         lambda p, o: _write(o / "spec.md", "# X\n")),
    "edit an empty spec with a bad --id": Case(
        ("edit", "specs/feature/spec-009-empty/spec.md", "--adopt", "--id=nope"), "--id",
        _empty_spec),
    "edit an unmanaged empty spec": Case(
        ("edit", "specs/feature/spec-009-empty/spec.md"), "smartspec adopt", _empty_spec),
}


@pytest.fixture(scope="module")
def base_project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    project = tmp_path_factory.mktemp("base") / "project"
    project.mkdir()
    made = run_cli(["new", "orders", "Order service REST API with PostgreSQL", "--profile=basic"],
                   project)
    assert made.code == 0, made.err
    edited = run_cli(["edit", SPEC, "--performance=basic"], project)
    assert edited.code == 0, edited.err
    return project


def _outside_hashes(outside: Path) -> dict[str, str]:
    return {p.relative_to(outside).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(outside.rglob("*")) if p.is_file()}


@pytest.mark.parametrize("name", sorted(CASES))
def test_bad_input_is_one_line_exit_2_and_changes_nothing(name: str, base_project: Path,
                                                         tmp_path: Path) -> None:
    case = CASES[name]
    project, outside = tmp_path / "project", tmp_path / "outside"
    shutil.copytree(base_project, project, symlinks=True)
    outside.mkdir()
    if case.setup is not None:
        case.setup(project, outside)
    before, before_outside = tree_snapshot(project), _outside_hashes(outside)
    result = run_cli(list(case.argv), project, env=case.env)
    assert result.code == 2, (result.code, result.out, result.err)
    assert "Traceback" not in result.err
    assert result.err.count("\n") == 1 and result.err.startswith("smartspec: error: "), result.err
    assert case.says in result.err, result.err
    assert tree_snapshot(project) == before
    assert _outside_hashes(outside) == before_outside


def test_the_table_is_as_long_as_the_report_says() -> None:
    # The closing note counts the cases; a case removed by mistake shows up here.
    assert len(CASES) >= 50
