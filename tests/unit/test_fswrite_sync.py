"""Each file a run writes is synced once, and each folder it writes into once per run.

A sync costs milliseconds on a real disk, and ``new`` writes seven files into four folders:
syncing a folder after every rename spent more time than rendering the spec.
"""

from __future__ import annotations

import os
import re
import stat
from collections import Counter
from pathlib import Path

import pytest

from smartspec import fswrite
from tests.helpers import run_cli


def _count_syncs(monkeypatch: pytest.MonkeyPatch) -> tuple[Counter[str], list[str]]:
    folders: Counter[str] = Counter()
    files: list[str] = []
    real_fsync = os.fsync

    def counting_fsync(fd: int) -> None:
        where = os.readlink(f"/proc/self/fd/{fd}")
        (folders.update([where]) if stat.S_ISDIR(os.fstat(fd).st_mode) else files.append(where))
        real_fsync(fd)

    monkeypatch.setattr(fswrite.os, "fsync", counting_fsync)
    return folders, files


@pytest.mark.skipif(not Path("/proc/self/fd").is_dir(), reason="names open files via /proc")
def test_new_syncs_each_file_once_and_each_folder_once(project: Path,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    folders, files = _count_syncs(monkeypatch)
    result = run_cli(["new", "payments", "Card payments with a PostgreSQL ledger",
                      "--profile=financial"], project)
    assert result.code == 0, result.err
    written = [p for p in project.rglob("*") if p.is_file()]
    # spec, model, registry, index, the index's ids, 2 reports and their JSON, trace
    assert len(written) == 10
    # Every file was synced once (the temp file before its rename; the trace as appended),
    # but the ids file (a cache that no longer matches the index after a crash is not used)
    # and the reports (a record of the run that nothing reads back).
    reports = [p for p in written if "reports" in p.parts]
    assert len(reports) == 4
    written = [p for p in written if p.name != "ids.json" and p not in reports]
    assert len(files) == len(set(files)) == len(written)
    # (a file is synced under its temp name, ".NAME.XXXXXXXX.tmp", before the rename)
    synced = {re.sub(r"^\.(.+)\.[0-9a-f]{8}\.tmp$", r"\1", Path(f).name) for f in files}
    assert synced == {p.name for p in written}
    # Every folder a synced file was renamed into, once (not once per file); the reports'
    # folder is not synced.
    renamed_into = {str(p.parent.resolve()) for p in written if p.name != "trace.log"}
    assert folders == Counter(dict.fromkeys(renamed_into, 1))


def test_outside_a_lock_a_write_syncs_its_folder_at_once(tmp_path: Path,
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    folders, _ = _count_syncs(monkeypatch)
    fswrite.atomic_write(tmp_path / "a.txt", "one\n")
    assert folders == Counter({str(tmp_path.resolve()): 1})
    with fswrite.locked(tmp_path / "a.txt", folder=tmp_path / "locks"):
        fswrite.atomic_write(tmp_path / "a.txt", "two\n")
        fswrite.atomic_write(tmp_path / "b.txt", "three\n")
        assert folders == Counter({str(tmp_path.resolve()): 1})  # not yet: the lock is held
    assert folders[str(tmp_path.resolve())] == 2  # once more, for both writes
    assert (tmp_path / "a.txt").read_text() == "two\n"


def test_a_report_is_renamed_into_place_whole_but_not_synced(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    folders, files = _count_syncs(monkeypatch)
    report = tmp_path / "reports" / "run-report.md"
    with fswrite.locked(report, folder=tmp_path / "locks"):
        fswrite.atomic_write(report, "first\n", durable=False)
        fswrite.atomic_write(report, "second\n", durable=False)
    assert (files, folders) == ([], Counter())
    assert report.read_text() == "second\n"
    assert [p.name for p in report.parent.iterdir()] == ["run-report.md"]  # no temp file left
