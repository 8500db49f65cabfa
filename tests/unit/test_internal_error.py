"""A bug in smartspec ends the run with one line that says so, not a Python traceback: the
quick path and the click path alike, as text and as the JSON error document; a run that was
writing puts every file back first, and ``SMARTSPEC_DEBUG=1`` lets the traceback through."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from smartspec.cli import main
from smartspec.rules import Validator


def _broken_rules(monkeypatch: pytest.MonkeyPatch) -> None:
    def fail(*_args: object, **_kwargs: object) -> None:
        raise RuntimeError("a rule fell over\non two lines")

    monkeypatch.setattr(Validator, "validate_document", fail)


def _spec(tmp_path: Path) -> Path:
    path = tmp_path / "spec.md"
    path.write_text("# Orders\n\n## 1. Overview\n\nOrders are taken and kept.\n", encoding="utf-8")
    return path


def test_an_unexpected_error_is_one_line_and_exit_2(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    _broken_rules(monkeypatch)
    monkeypatch.delenv("SMARTSPEC_DEBUG", raising=False)
    assert main(["validate", str(_spec(tmp_path))]) == 2
    err = capsys.readouterr().err
    assert "Traceback" not in err
    assert err.strip().splitlines() == [err.strip()]
    assert "internal error (RuntimeError: a rule fell over on two lines)" in err
    assert "this is a bug in smartspec" in err


def test_the_json_document_names_the_internal_code(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    _broken_rules(monkeypatch)
    monkeypatch.delenv("SMARTSPEC_DEBUG", raising=False)
    # --format json goes through click, not the quick path.
    assert main(["validate", str(_spec(tmp_path)), "--format", "json"]) == 2
    document = json.loads(capsys.readouterr().out)
    assert document["ok"] is False and document["exit_code"] == 2
    assert document["error"]["code"] == "internal"
    assert "SMARTSPEC_DEBUG=1" in document["error"]["hint"]


def test_a_failing_new_leaves_nothing_behind(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    # The failure comes after the spec is written: the run's rollback takes every file back.
    import smartspec.runs.new

    def fail(*_args: object, **_kwargs: object) -> None:
        raise RuntimeError("the index could not be recorded")

    monkeypatch.setattr(smartspec.runs.new, "record_in_index", fail)
    monkeypatch.delenv("SMARTSPEC_DEBUG", raising=False)
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1795000000")
    assert main(["new", "notes", "A notes service with a REST API", "--profile=basic"]) == 2
    assert "internal error (RuntimeError: the index could not be recorded)" in \
        capsys.readouterr().err
    assert sorted(p.name for p in tmp_path.rglob("*") if p.is_file()) == []


def test_smartspec_debug_lets_the_traceback_through(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _broken_rules(monkeypatch)
    monkeypatch.setenv("SMARTSPEC_DEBUG", "1")
    with pytest.raises(RuntimeError, match="a rule fell over"):
        main(["validate", str(_spec(tmp_path))])
