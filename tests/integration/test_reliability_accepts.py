"""What must work after the reliability fixes: line separators in user text, titles that look
like Markdown, edits that keep every section and number them 1..n, names in Thai and emoji,
configs with a BOM, private files and backups, and root discovery that trusts only the user's
own folders."""

from __future__ import annotations

import json
import os
import stat
from pathlib import Path

import pytest

from smartspec.document import parse
from tests.helpers import run_cli, tree_snapshot

LINE_BREAKERS = ("\u2028", "\u2029", "\x85", "\x0b", "\x0c", "\x1c", "\x1d", "\x1e")


def new(project: Path, *argv: str) -> dict[str, object]:
    result = run_cli(["new", *argv, "--json"], project)
    assert result.code == 0, result.err
    data = json.loads(result.out)
    assert isinstance(data, dict)
    return data


def spec_path(project: Path, data: dict[str, object]) -> Path:
    spec = data["spec"]
    assert isinstance(spec, dict)
    return project / str(spec["path"])


@pytest.mark.parametrize("breaker", LINE_BREAKERS)
def test_a_line_separator_in_user_text_survives_a_noop_edit(tmp_path: Path, breaker: str) -> None:
    data = new(tmp_path, "pay-sep", f"Card payments{breaker}with Stripe", "--profile=financial",
               f"--title=Pay{breaker}Sep")
    path = spec_path(tmp_path, data)
    written = path.read_bytes()
    text = written.decode("utf-8")
    doc = parse(text)
    assert doc.problems == [] and doc.settings is not None
    assert doc.settings["description"] == f"Card payments{breaker}with Stripe"
    assert sum(1 for line in text.splitlines() if line.startswith("<!-- smartspec:")) == 1
    edited = run_cli(["edit", str(path.relative_to(tmp_path)), "--yes"], tmp_path)
    assert edited.code == 0, edited.err
    assert path.read_bytes() == written
    # Every one-line record smartspec keeps stays one line for every line splitter.
    for record in (tmp_path / ".smartspec/trace.log",
                   tmp_path / ".smartspec/registry/critical-sections-registry.json"):
        raw = record.read_text(encoding="utf-8")
        assert raw.splitlines() == raw.split("\n")[:-1]


def test_a_cut_or_second_settings_comment_is_a_problem_never_settings() -> None:
    cut = parse('# T\n\n<!-- smartspec: {"schema":1,"title":"a\n"} -->\n\n## 1. A\n')
    assert cut.settings is None and any("settings comment" in p.message for p in cut.problems)
    twice = parse('# T\n\n<!-- smartspec: {"schema":1} -->\n<!-- smartspec: {"schema":1} -->\n')
    assert twice.settings == {"schema": 1}
    assert any("second smartspec settings comment" in p.message for p in twice.problems)


@pytest.mark.parametrize("title", ["## Security", "# Top", "```", "~~~ x", "> quote", "1. one",
                                   "<!-- @critical security -->", "- item", "<div>"])
def test_a_title_that_looks_like_markdown_cannot_change_the_structure(tmp_path: Path,
                                                                     title: str) -> None:
    data = new(tmp_path, "tt", f"--title={title}", "--profile=basic")
    doc = parse(spec_path(tmp_path, data).read_text(encoding="utf-8"))
    assert doc.problems == []
    assert [h.level for h in doc.headings].count(1) == 1
    sections = data["sections"]
    assert isinstance(sections, list)
    assert [s.title for s in doc.sections] == [s["title"] for s in sections]
    assert doc.settings is not None and doc.settings["title"] == title


def test_an_edit_keeps_every_section_and_numbers_them_in_order(tmp_path: Path) -> None:
    data = new(tmp_path, "orders", "Order service REST API: create, get, update, cancel and list "
               "orders, refunds per order, PostgreSQL", "--profile=backend-service")
    path = spec_path(tmp_path, data)
    rel = str(path.relative_to(tmp_path))
    before = parse(path.read_text(encoding="utf-8"))
    titles = [s.title for s in before.sections]
    edited = run_cli(["edit", rel, "also log audit events", "--yes"], tmp_path)
    assert edited.code == 0, edited.err
    after = parse(path.read_text(encoding="utf-8"))
    assert [s.title for s in after.sections][:len(titles)] == titles
    assert [s.heading.number for s in after.sections] == [
        str(n) for n in range(1, len(after.sections) + 1)]


def test_a_critical_section_may_change_its_number_but_nothing_else(tmp_path: Path) -> None:
    data = new(tmp_path, "orders", "Order service REST API with PostgreSQL",
               "--profile=backend-service")
    path = spec_path(tmp_path, data)
    rel = str(path.relative_to(tmp_path))
    doc = parse(path.read_text(encoding="utf-8"))
    # A person deletes a section before the security section.
    doomed = next(s for s in doc.sections if s.title == "When to Use")
    path.write_text("".join(doc.lines[:doomed.start] + doc.lines[doomed.end:]), encoding="utf-8")
    doc = parse(path.read_text(encoding="utf-8"))
    block = next(b for b in doc.critical_blocks if b.name == "security")
    old_block = doc.lines[block.open_line:block.close_line + 1]
    edited = run_cli(["edit", rel, "--yes"], tmp_path)
    assert edited.code == 0, edited.err
    doc = parse(path.read_text(encoding="utf-8"))
    assert [s.heading.number for s in doc.sections] == [
        str(n) for n in range(1, len(doc.sections) + 1)]
    block = next(b for b in doc.critical_blocks if b.name == "security")
    new_block = doc.lines[block.open_line:block.close_line + 1]
    assert len(new_block) == len(old_block)
    changed = [(a, b) for a, b in zip(old_block, new_block, strict=True) if a != b]
    assert len(changed) == 1 and changed[0][0].startswith("## ")
    assert changed[0][0].split(". ", 1)[1] == changed[0][1].split(". ", 1)[1]
    assert "When to Use" not in [s.title for s in doc.sections]


@pytest.mark.parametrize("name", ["ระบบชำระเงิน", "💳💰"])
def test_thai_and_emoji_names_get_a_valid_slug_and_keep_their_title(tmp_path: Path,
                                                                    name: str) -> None:
    data = new(tmp_path, name)
    spec = data["spec"]
    assert isinstance(spec, dict)
    assert spec["title"] == name
    assert str(spec["id"]).startswith("spec-001-name-")
    path = spec_path(tmp_path, data)
    written = path.read_bytes()
    again = new(tmp_path, name)  # the same name always gives the same slug
    again_spec = again["spec"]
    assert isinstance(again_spec, dict)
    assert str(again_spec["id"]).split("-", 2)[2] == str(spec["id"]).split("-", 2)[2]
    assert run_cli(["edit", str(path.relative_to(tmp_path)), "--yes"], tmp_path).code == 0
    assert path.read_bytes() == written


def test_id_is_honoured_before_the_slug_check(tmp_path: Path) -> None:
    data = new(tmp_path, "!", "--id=spec-009-cards")
    spec = data["spec"]
    assert isinstance(spec, dict) and spec["id"] == "spec-009-cards"
    path = spec_path(tmp_path, data)
    written = path.read_bytes()
    assert run_cli(["edit", str(path.relative_to(tmp_path)), "--yes"], tmp_path).code == 0
    assert path.read_bytes() == written


def test_a_config_with_a_bom_is_read(tmp_path: Path) -> None:
    (tmp_path / "smartspec.config.json").write_bytes(
        b'\xef\xbb\xbf{"defaults": {"profile": "basic"}}')
    data = new(tmp_path, "bom-test")
    spec = data["spec"]
    assert isinstance(spec, dict) and spec["profile"] == "basic"


def test_a_failed_new_leaves_no_folder_and_burns_no_id(tmp_path: Path) -> None:
    new(tmp_path, "first")
    trace = tmp_path / ".smartspec/trace.log"
    trace.unlink()
    trace.mkdir()
    before = tree_snapshot(tmp_path)
    failed = run_cli(["new", "second"], tmp_path)
    assert failed.code == 2 and tree_snapshot(tmp_path) == before
    trace.rmdir()
    spec = new(tmp_path, "second")["spec"]
    assert isinstance(spec, dict) and spec["id"] == "spec-002-second"


def test_locks_leave_nothing_behind(tmp_path: Path) -> None:
    new(tmp_path, "first")
    assert not (tmp_path / ".smartspec/locks").exists()


def test_an_edit_or_regenerate_of_an_empty_or_one_heading_spec_works(tmp_path: Path) -> None:
    path = tmp_path / "specs/feature/spec-001-notes/spec.md"
    path.parent.mkdir(parents=True)
    for text in ("", "# Notes\n\n## Only\n\nA person's words.\n"):
        path.write_text(text, encoding="utf-8")
        # A spec without a settings comment is adopted first (plain edit points to adopt).
        for command in (["edit", "--adopt"], ["regenerate"]):
            result = run_cli([*command, str(path.relative_to(tmp_path)), "--yes"], tmp_path)
            assert result.code == 0, result.err
            assert "Traceback" not in result.err
            assert "A person's words." in path.read_text(encoding="utf-8") or not text


def test_stale_temp_files_are_swept_by_index(tmp_path: Path) -> None:
    path = spec_path(tmp_path, new(tmp_path, "first"))
    stale = path.with_name(".spec.md.k1ll3d00.tmp")
    stale.write_text("half a spec")
    assert run_cli(["index"], tmp_path).code == 0
    assert not stale.exists() and path.exists()


def test_new_files_follow_the_umask_and_backups_keep_the_spec_mode(tmp_path: Path) -> None:
    old = os.umask(0o077)
    try:
        path = spec_path(tmp_path, new(tmp_path, "private"))
    finally:
        os.umask(old)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    os.chmod(path, 0o640)
    result = run_cli(["edit", str(path.relative_to(tmp_path)), "--performance=full"], tmp_path)
    assert result.code == 0, result.err
    backups = list((tmp_path / ".smartspec/backups").rglob("*.md"))
    assert backups and all(stat.S_IMODE(b.stat().st_mode) == 0o640 for b in backups)
    assert stat.S_IMODE(path.stat().st_mode) == 0o640


@pytest.mark.skipif(os.geteuid() != 0, reason="needs root to give a folder to another user")
def test_root_discovery_stops_at_a_folder_of_another_user(tmp_path: Path) -> None:
    shared = tmp_path / "shared"
    (shared / ".smartspec").mkdir(parents=True)
    mine = shared / "mine"
    mine.mkdir()
    os.chown(shared, 65534, 65534)
    config_home = tmp_path / "config"
    env = {"XDG_CONFIG_HOME": str(config_home)}
    result = run_cli(["new", "first", "--json"], mine, env=env)
    assert result.code == 0, result.err
    assert (mine / "specs").is_dir() and not (shared / "specs").exists()
    # Listed in the user's own configuration, the folder is trusted again.
    (config_home / "smartspec").mkdir(parents=True)
    (config_home / "smartspec/config.json").write_text(
        json.dumps({"safeDirectories": [str(shared)]}))
    other = shared / "other"
    other.mkdir()
    result = run_cli(["new", "second", "--json"], other, env=env)
    assert result.code == 0, result.err
    assert (shared / "specs/feature").is_dir()


def test_a_template_cache_others_can_write_is_not_used(tmp_path: Path) -> None:
    from smartspec import render

    cache = tmp_path / "cache"
    folder = cache / "smartspec"
    folder.mkdir(parents=True)
    os.chmod(folder, 0o777)
    old = os.environ.get("XDG_CACHE_HOME")
    os.environ["XDG_CACHE_HOME"] = str(cache)
    try:
        assert render._bytecode_cache() is None
        os.chmod(folder, 0o755)  # readable by others, writable only by us: made private
        assert render._bytecode_cache() is not None
        assert stat.S_IMODE(folder.stat().st_mode) == 0o700
    finally:
        if old is None:
            os.environ.pop("XDG_CACHE_HOME", None)
        else:
            os.environ["XDG_CACHE_HOME"] = old


def test_a_fifo_in_place_of_the_index_cache_does_not_hang_index(tmp_path: Path) -> None:
    new(tmp_path, "first")
    cache = tmp_path / ".smartspec/index/manifest.json"
    cache.parent.mkdir(parents=True, exist_ok=True)
    cache.unlink(missing_ok=True)
    os.mkfifo(cache)
    result = run_cli(["index"], tmp_path)
    assert result.code == 0, result.err
    assert cache.is_file()  # the cache is rebuilt as a regular file
