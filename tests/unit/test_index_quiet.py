"""``smartspec index`` with nothing changed, answered from the manifest's stat block
(``smartspec.index.quiet``): the same bytes as the full command, and never an answer when
anything a full run would see has changed."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest

from smartspec.cli import main as cli_main
from smartspec.fsutil import find_root
from smartspec.index import quiet
from smartspec.index.model import MANIFEST_FILE
from smartspec.index.state import read_cache
from smartspec.runs.index import refresh_index
from tests.unit.test_index import (
    MTIME_NS,
    age_tree,
    generated_spec,
    make_tree,
    spec_path,
    write_spec,
)

MANIFEST = Path(".smartspec") / MANIFEST_FILE


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
            capsys: pytest.CaptureFixture[str]) -> Path:
    """Three specs with old mtimes, indexed once through the command line."""
    make_tree(tmp_path)
    age_tree(tmp_path)
    monkeypatch.chdir(tmp_path)
    assert cli_main(["index"]) == 0
    capsys.readouterr()
    return tmp_path


def full_run(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    code = cli_main(["index", *argv])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def quick_run(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int | None, str, str]:
    code = quiet.answer(argv)
    captured = capsys.readouterr()
    return code, captured.out, captured.err


@pytest.mark.parametrize("argv", [[], ["--format", "json"], ["--format=json"],
                                  ["--format", "text"], ["--format=text"]])
def test_the_answer_is_the_full_commands_output_byte_for_byte(
        project: Path, capsys: pytest.CaptureFixture[str], argv: list[str]) -> None:
    quick = quick_run(argv, capsys)
    assert quick[0] == 0
    full = full_run(argv, capsys)
    assert quick == full
    if "json" in " ".join(argv):
        report = json.loads(quick[1])
        assert (report["specs"], report["scan"]["found"], report["scan"]["read"]) == (3, 3, 0)
        assert report["written"] == [] and report["changed"] is False
    else:
        assert "Scanned 3 spec files in specs: 0 read, 0 parsed, 3 unchanged; 3 entries." in quick[1]


def test_warnings_of_unchanged_specs_are_repeated_as_the_full_command_does(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    make_tree(tmp_path)
    broken = generated_spec("spec-003-c", "Gamma").replace('<!-- smartspec: {"schema"',
                                                            '<!-- smartspec: {schema')
    write_spec(tmp_path, spec_path("spec-003-c"), broken)
    age_tree(tmp_path)
    monkeypatch.chdir(tmp_path)
    assert cli_main(["index"]) == 0
    capsys.readouterr()
    for argv in ([], ["--format", "json"]):
        quick = quick_run(argv, capsys)
        assert quick[0] == 0
        assert quick == full_run(argv, capsys)
    assert "settings comment is not valid JSON" in quick_run([], capsys)[2]


def test_a_nothing_changed_answer_reads_no_spec_and_writes_nothing(
        project: Path, capsys: pytest.CaptureFixture[str],
        monkeypatch: pytest.MonkeyPatch) -> None:
    before = {p: (p.stat().st_mtime_ns, p.stat().st_ino) for p in project.rglob("*")}
    opened: list[str] = []
    real_open, real_os_open = open, os.open

    def watch(path: str, *args: object, **kwargs: object) -> object:
        opened.append(str(path))
        return real_open(path, *args, **kwargs)  # type: ignore[call-overload]

    def watch_os(path: str, *args: Any, **kwargs: Any) -> int:
        opened.append(str(path))
        return real_os_open(path, *args, **kwargs)

    monkeypatch.setattr("builtins.open", watch)
    monkeypatch.setattr(os, "open", watch_os)
    assert quick_run([], capsys)[0] == 0
    monkeypatch.undo()
    assert [Path(p).name for p in opened] == ["manifest.json"]
    assert {p: (p.stat().st_mtime_ns, p.stat().st_ino) for p in project.rglob("*")} == before


def edit_in_place(root: Path) -> None:
    """An editor's save: new content in the same file, the folder's mtime untouched."""
    path = root / spec_path("spec-002-b")
    text = path.read_text(encoding="utf-8").replace("Beta", "Bet2")  # same size
    folder_ns = path.parent.stat().st_mtime_ns
    path.write_text(text, encoding="utf-8")
    os.utime(path, ns=(MTIME_NS + 10**9, MTIME_NS + 10**9))
    os.utime(path.parent, ns=(folder_ns, folder_ns))


def add_in_new_category(root: Path) -> None:
    write_spec(root, spec_path("spec-tools-001-cli", "tools"),
               generated_spec("spec-tools-001-cli", "Cli", category="tools"))


def add_beside(root: Path) -> None:
    write_spec(root, spec_path("spec-003-c"), generated_spec("spec-003-c", "Gamma"))


def add_nested(root: Path) -> None:
    """A spec in a folder inside a spec's folder: only that spec folder's mtime changes."""
    write_spec(root, "specs/feature/spec-001-a/part/spec.md",
               generated_spec("spec-004-part", "Part"))
    os.utime(root / "specs/feature", ns=(MTIME_NS, MTIME_NS))


def remove(root: Path) -> None:
    (root / spec_path("spec-002-b")).unlink()
    (root / spec_path("spec-002-b")).parent.rmdir()


def remove_file_only(root: Path) -> None:
    (root / spec_path("spec-002-b")).unlink()


def rename_folder(root: Path) -> None:
    old = root / spec_path("spec-002-b")
    old.parent.rename(old.parent.with_name("spec-002-b-renamed"))


def replace_by_link(root: Path) -> None:
    path = root / spec_path("spec-002-b")
    target = root / "elsewhere.md"
    target.write_bytes(path.read_bytes())
    stat = path.stat()
    os.utime(target, ns=(stat.st_atime_ns, stat.st_mtime_ns))
    path.unlink()
    path.symlink_to(target)


def index_rewritten(root: Path) -> None:
    index = root / ".smartspec" / "SPEC_INDEX.json"
    index.write_bytes(index.read_bytes())  # same bytes, a new ctime: another writer


def config_added(root: Path) -> None:
    (root / "smartspec.config.json").write_text('{"defaults": {"specsDir": "specs"}}\n',
                                                encoding="utf-8")


def index_elsewhere(root: Path) -> None:
    """An index earlier in the lookup order takes the place of the one the manifest names."""
    (root / ".smartspec" / "SPEC_INDEX.json").rename(root / "SPEC_INDEX.json")


def manifest_from_another_version(root: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(quiet, "version", lambda: "0.0.0-other")


CHANGES = {
    "edited in place": edit_in_place, "added in a new category": add_in_new_category,
    "added beside the others": add_beside, "added inside a spec folder": add_nested,
    "removed with its folder": remove, "spec.md removed": remove_file_only,
    "renamed": rename_folder, "replaced by a link": replace_by_link,
    "index rewritten by another command": index_rewritten,
    "config file added": config_added, "index moved in the lookup order": index_elsewhere,
}


@pytest.mark.parametrize("change", list(CHANGES))
def test_every_change_a_full_run_would_see_is_left_to_it(
        project: Path, capsys: pytest.CaptureFixture[str], change: str) -> None:
    assert quick_run([], capsys)[0] == 0
    CHANGES[change](project)
    assert quick_run([], capsys) == (None, "", "")
    assert quick_run(["--format", "json"], capsys) == (None, "", "")
    code, out, _ = full_run(["--format", "json"], capsys)
    assert code == 0
    report = json.loads(out)
    if change not in ("index rewritten by another command", "config file added",
                      "index moved in the lookup order", "replaced by a link"):
        assert report["added"] or report["removed"] or report["updated"] or report["warnings"]
    # Once what the change wrote is no longer racily clean, a full run leaves a manifest the
    # stat answer can stand on again (a link is always left to the full run, which names
    # where it lands or refuses it).
    settle(project)
    assert full_run([], capsys)[0] == 0
    assert quick_run([], capsys)[0] == (None if change == "replaced by a link" else 0)


def settle(root: Path) -> None:
    """Give what was written in the last seconds under specs/ an old mtime (another one than
    the tree's, so that the change stays visible)."""
    recent = time.time_ns() - 60 * 10**9
    for path in [root / "specs", *(root / "specs").rglob("*")]:
        if not path.is_symlink() and path.stat().st_mtime_ns > recent:
            os.utime(path, ns=(MTIME_NS + 7 * 10**9, MTIME_NS + 7 * 10**9))


def test_a_racily_clean_spec_is_left_to_the_full_run(
        project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A spec written within the racy window of a build (its mtime may still change within
    the same tick) is stamped -1 and hashed again by the next run: the stat answer must not
    stand in for that run."""
    path = project / spec_path("spec-002-b")
    path.write_text(path.read_text(encoding="utf-8").replace("Beta", "Bet2"), encoding="utf-8")
    assert full_run([], capsys)[0] == 0
    assert read_cache(project / MANIFEST).files[spec_path("spec-002-b")][1] == -1
    assert quick_run([], capsys)[0] is None
    code, out, _ = full_run(["--format", "json"], capsys)
    report = json.loads(out)
    assert code == 0 and report["scan"]["read"] == 1 and report["written"] == []


def test_another_smartspec_version_is_left_to_the_full_run(
        project: Path, capsys: pytest.CaptureFixture[str],
        monkeypatch: pytest.MonkeyPatch) -> None:
    manifest_from_another_version(project, monkeypatch)
    assert quick_run([], capsys)[0] is None
    before = (project / MANIFEST).read_bytes()
    assert full_run([], capsys)[0] == 0
    assert (project / MANIFEST).read_bytes() != before  # rewritten once, for this version
    assert quick_run([], capsys)[0] == 0


@pytest.mark.parametrize("argv", [["--check"], ["--dry-run"], ["--migrate"], ["--schema"],
                                  ["--specs-dir", "specs"], ["--output-dir", ".smartspec"],
                                  ["--specindex", ".smartspec/SPEC_INDEX.json"], ["--help"],
                                  ["--format"], ["--format", "yaml"], ["--format=json", "x"],
                                  ["extra"]])
def test_words_other_than_a_plain_format_are_left_to_the_command(
        project: Path, capsys: pytest.CaptureFixture[str], argv: list[str]) -> None:
    assert quick_run(argv, capsys) == (None, "", "")


def test_a_manifest_written_through_the_api_is_left_to_the_full_run(
        project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """The API does not say how the folders were configured, so its manifest cannot vouch for
    a command line's; the next command-line run that finds nothing changed records it."""
    (project / ".smartspec" / "SPEC_INDEX.json").unlink()
    refresh_index(project, project / ".smartspec", project / "specs")
    assert quick_run([], capsys)[0] is None
    assert full_run([], capsys)[0] == 0
    assert quick_run([], capsys)[0] == 0


def test_a_state_folder_configured_elsewhere_is_left_to_the_full_run(
        project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (project / "smartspec.config.json").write_text('{"output": {"outputDir": "state"}}\n',
                                                   encoding="utf-8")
    assert full_run([], capsys)[0] == 0
    assert (project / "state" / MANIFEST_FILE).is_file()
    assert quick_run([], capsys)[0] is None


def test_an_unchanged_config_file_is_answered_for(
        project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    config_added(project)
    assert full_run([], capsys)[0] == 0
    assert quick_run([], capsys)[0] == 0
    (project / "smartspec.config.json").write_text('{"defaults": {"specsDir": 7}}\n',
                                                   encoding="utf-8")
    assert quick_run([], capsys)[0] is None  # the full run reports the bad config
    assert full_run([], capsys)[0] == 2


def test_a_stream_that_is_not_utf8_is_left_to_the_command(
        project: Path, capsys: pytest.CaptureFixture[str],
        monkeypatch: pytest.MonkeyPatch) -> None:
    import io

    stream = io.TextIOWrapper(io.BytesIO(), encoding="latin-1")
    monkeypatch.setattr(sys, "stdout", stream)
    assert quiet.answer([]) is None
    assert stream.buffer.getvalue() == b""  # type: ignore[attr-defined]


@pytest.mark.parametrize("where", [".", "specs", "specs/feature/spec-001-a", "elsewhere"])
def test_the_root_is_found_as_the_command_line_finds_it(tmp_path: Path, where: str) -> None:
    make_tree(tmp_path)
    (tmp_path / ".smartspec").mkdir()
    (tmp_path / "elsewhere").mkdir()
    start = tmp_path / where
    assert quiet.find_root(str(start)) == str(find_root(start))
    bare = tmp_path / "elsewhere" / "deeper"
    bare.mkdir()
    (tmp_path / ".smartspec").rmdir()
    # No marker up to this user's last folder: the climb goes on to folders this user may
    # not own, and the answer steps aside rather than guess.
    found = quiet.find_root(str(bare))
    assert found is None or found == str(find_root(bare))


def test_a_schema_3_manifest_is_read_once_and_rewritten(
        project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """The all-JSON manifest of the previous version: the next run trusts its stats (no spec
    is read again), rewrites it in schema 4, and the run after that is answered from it."""
    cache = read_cache(project / MANIFEST)
    assert cache.index is not None
    files = {rel: [r[0], r[1], r[2], r[5], r[4]] for rel, r in cache.files.items()}
    dirs = {rel: list(d) for rel, d in cache.dirs.items()}
    (project / MANIFEST).write_text(json.dumps({
        "schema": 3, "extractor": 1, "index": cache.index, "files": files, "dirs": dirs}),
        encoding="utf-8")
    assert quick_run([], capsys)[0] is None
    code, out, _ = full_run(["--format", "json"], capsys)
    report = json.loads(out)
    assert code == 0 and report["scan"]["read"] == 0 and report["written"] == []
    assert (project / MANIFEST).read_bytes().startswith(b"smartspec-scan 4 ")
    migrated = read_cache(project / MANIFEST)
    assert migrated.files == cache.files and migrated.dirs == cache.dirs
    assert migrated.index == cache.index
    assert quick_run([], capsys)[0] == 0


@pytest.mark.parametrize("damage", [
    b"", b"smartspec-scan 4 99999999 0\n", b"smartspec-scan 9 3 0\nabc",
    b"smartspec-scan 4 5 0\n1\x002\x003", b"not a manifest", b"smartspec-scan 4 5\n1\x002\x003",
    b"smartspec-scan 4 64 0\n" + b"\xc2\xb2\x00" * 21 + b"x",  # digits, but not ASCII ones
    b"smartspec-scan 4 0 7\n1234567"])
def test_a_damaged_manifest_is_no_answer_and_no_cache(
        project: Path, capsys: pytest.CaptureFixture[str], damage: bytes) -> None:
    (project / MANIFEST).write_bytes(damage)
    assert quick_run([], capsys)[0] is None
    assert read_cache(project / MANIFEST).files == {}
    code, out, _ = full_run(["--format", "json"], capsys)
    assert code == 0 and json.loads(out)["scan"]["read"] == 3  # every spec hashed again


def test_the_installed_command_answers_without_importing_the_cli(project: Path) -> None:
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    done = subprocess.run([sys.executable, "-X", "importtime", "-m", "smartspec", "index",
                           "--format", "json"], cwd=project, env=env, capture_output=True,
                          text=True, check=False)
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["scan"]["unchanged"] == 3
    imported = {line.split("|")[-1].strip() for line in done.stderr.splitlines()
                if line.startswith("import time:")}
    assert "smartspec.index.quiet" in imported
    assert not imported & {"smartspec.cli", "click", "msgspec", "json", "pathlib", "typing"}


INDEX_WORDS = [
    [], ["--format", "json"], ["--dry-run"], ["--check"], ["--check", "--format=json"],
    ["--schema"], ["--migrate", "--format", "json"], ["--check", "--dry-run"],
    ["--schema", "--check"], ["--specs-dir", "nowhere"], ["--specindex", "../outside.json"],
    ["--format=yaml"], ["specs"],
]


@pytest.mark.parametrize("words", INDEX_WORDS)
def test_index_prints_and_writes_the_same_whichever_reader_takes_its_words(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str], words: list[str]) -> None:
    """Plain words are read without click (commands/flags.py); the run, its output, its exit
    code and the files it leaves are those of click's command."""
    import shutil

    from smartspec.commands import calls

    make_tree(tmp_path / "base")
    age_tree(tmp_path / "base")
    (tmp_path / "base" / "specs" / "feature" / "spec-001-a" / "spec.md").write_text(
        generated_spec("spec-001-a", "Alpha", depends_on=("spec-009-missing",)),
        encoding="utf-8")  # a finding for --check
    base = tmp_path / "base"
    refresh_index(base, base / ".smartspec", base / "specs")
    results = []
    for reader in ("quick", "click"):
        folder = tmp_path / reader
        shutil.copytree(tmp_path / "base", folder)
        monkeypatch.chdir(folder)
        if reader == "click":
            monkeypatch.setattr(calls, "quick", lambda words: None)
        code = cli_main(["index", *words])
        captured = capsys.readouterr()
        files = {p.relative_to(folder).as_posix(): p.read_bytes()
                 for p in sorted(folder.rglob("*")) if p.is_file()
                 and p.name not in ("manifest.json", "ids.json")}  # keyed to inodes and times
        results.append((code, captured.out.replace(reader, "X"),
                        captured.err.replace(reader, "X"), files))
    assert results[0] == results[1]
    code, out, err, _ = results[0]
    if words in ([], ["--format", "json"]):
        assert code == 0 and "3" in out
    if words == ["--check"]:
        assert code == 1 and "spec-009-missing" in out
    if words in (["--check", "--dry-run"], ["--format=yaml"], ["specs"]):
        assert code == 2 and err.count("\n") == 1


def test_the_names_the_answer_looks_for_are_the_ones_the_command_uses(tmp_path: Path) -> None:
    """index.quiet spells the config files, the state folder and the index lookup itself
    (importing where they live would cost the answer its speed)."""
    from smartspec import fsutil
    from smartspec.index.locate import index_candidates

    assert (quiet.CONFIG_FILE, quiet.STATE_DIR) == (fsutil.CONFIG_FILE, fsutil.STATE_DIR)
    state = tmp_path / quiet.STATE_DIR
    assert index_candidates(str(tmp_path), str(state)) == [
        str(state / quiet.INDEX_FILE), *(str(tmp_path / place) for place in quiet.OTHER_INDEX_PLACES)]
    assert quiet.config_identities(str(tmp_path)) == ("-", "-")
    (tmp_path / quiet.STATE_DIR).mkdir()
    (tmp_path / quiet.ORG_CONFIG).write_text("{}", encoding="utf-8")
    from smartspec.config import load_settings

    assert load_settings(cwd=tmp_path).files == (str(tmp_path / quiet.ORG_CONFIG),)
    assert quiet.config_identities(str(tmp_path))[0] != "-"


# --- the stat check handed to the build ------------------------------------------------------

@pytest.fixture(autouse=True)
def no_check_left(monkeypatch: pytest.MonkeyPatch) -> None:
    """Each test starts as a new process does: no stat check from an earlier one."""
    monkeypatch.setattr(quiet, "_last_check", None)


def spec_stats(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The stats the run makes from now on of the spec files and folders below specs/."""
    made: list[str] = []
    real_lstat, real_stat = os.lstat, os.stat

    def watch(real: Any) -> Any:
        def stat(path: Any, *args: Any, **kwargs: Any) -> Any:
            name = os.fsdecode(path)
            if "/specs/" in name:
                made.append(name)
            return real(path, *args, **kwargs)
        return stat

    monkeypatch.setattr(os, "lstat", watch(real_lstat))
    monkeypatch.setattr(os, "stat", watch(real_stat))
    return made


@pytest.mark.parametrize("change", list(CHANGES))
def test_a_run_after_the_stat_check_writes_what_a_full_walk_writes(
        tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch,
        change: str) -> None:
    """The build that takes the stat check (the installed command, after a quick answer found
    something changed) writes the same index and scan records, and prints the same report, as
    a build that stats the whole tree itself."""
    results = []
    for checked in (False, True):
        root = tmp_path / ("checked" if checked else "walked")
        root.mkdir()
        make_tree(root)
        age_tree(root)
        monkeypatch.chdir(root)
        assert full_run([], capsys)[0] == 0
        CHANGES[change](root)
        if checked:
            assert quick_run([], capsys) == (None, "", "")
        code, out, err = full_run(["--format", "json"], capsys)
        cache = read_cache(root / MANIFEST)
        indexes = [path.read_bytes() for path in (root / ".smartspec" / "SPEC_INDEX.json",
                                                  root / "SPEC_INDEX.json") if path.is_file()]
        results.append((code, out, err, indexes, cache.files, cache.dirs))
        monkeypatch.undo()
    assert results[0] == results[1]


def test_the_build_stats_only_what_the_check_found_changed(
        project: Path, capsys: pytest.CaptureFixture[str],
        monkeypatch: pytest.MonkeyPatch) -> None:
    edit_in_place(project)
    assert quick_run([], capsys)[0] is None
    made = spec_stats(monkeypatch)
    code, out, _ = full_run(["--format", "json"], capsys)
    report = json.loads(out)
    assert code == 0 and report["updated"] == ["spec-002-b"] and report["scan"]["read"] == 1
    assert [Path(path).parent.name for path in made] == ["spec-002-b"]
    # Without the check (another process), every spec file and folder is stat'ed.
    edit_in_place(project)
    os.utime(project / spec_path("spec-002-b"), ns=(MTIME_NS + 2 * 10**9,) * 2)
    made.clear()
    assert full_run([], capsys)[0] == 0
    assert len(made) >= 3 + 5  # three spec files; two categories, three spec folders


@pytest.mark.parametrize("writer", ["index rewritten", "spec added and index rewritten",
                                    "manifest rewritten"])
def test_the_check_is_dropped_when_another_run_wrote_after_it(
        project: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch,
        writer: str) -> None:
    """Between the quick check and the build's lock another smartspec run may write; every
    one that writes a spec writes the index too. The build then stats the tree itself."""
    edit_in_place(project)
    assert quick_run([], capsys)[0] is None
    if writer == "spec added and index rewritten":
        add_beside(project)
    if writer == "manifest rewritten":
        manifest = project / MANIFEST
        manifest.write_bytes(manifest.read_bytes())
    else:
        index_rewritten(project)
    made = spec_stats(monkeypatch)
    code, out, _ = full_run(["--format", "json"], capsys)
    report = json.loads(out)
    assert code == 0 and "spec-002-b" in report["updated"]
    assert len(made) >= 3 + 5
    if writer == "spec added and index rewritten":
        assert report["added"] == ["spec-003-c"]


def test_the_check_is_taken_once_and_only_for_the_manifest_it_read(
        project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    edit_in_place(project)
    add_beside(project)
    assert quick_run([], capsys)[0] is None
    manifest = os.path.realpath(project / MANIFEST)
    assert quiet.take_stat_check(manifest + ".other") is None  # and it is gone
    assert quick_run([], capsys)[0] is None
    check = quiet.take_stat_check(manifest)
    assert check is not None
    assert check.files == {spec_path("spec-002-b")}
    assert check.dirs == {"specs/feature"}
    assert quiet.take_stat_check(manifest) is None
