"""The command line's quick path: plain words for new, edit and validate are read without
click, and a user sees no difference.

Three things are checked: the flag tables are click's options (same spellings, keywords,
defaults and values); for plain words the quick reader gives exactly the keyword arguments
click gives, and for anything else (help, a mistake, ``--``) it gives way to click; and whole
runs print and write the same bytes whichever reader took the words.
"""

from __future__ import annotations

import io
import os
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import click
import pytest

from smartspec.commands import calls
from smartspec.commands.edit import edit_command
from smartspec.commands.flags import CHOICE, COUNT, LIST, SHAPES, SWITCH, TEXT, read_words
from smartspec.commands.index import index_command
from smartspec.commands.new import new_command
from smartspec.commands.validate import validate_command
from tests.helpers import EPOCH, run_cli, tree_hashes

CLICK_COMMANDS: dict[str, click.Command] = {
    "new": new_command, "edit": edit_command, "validate": validate_command,
    "index": index_command}
DESCRIPTION = "Card payments with a PostgreSQL ledger, a Kafka queue and the Stripe API"


def _click_params(name: str, words: list[str]) -> dict[str, Any]:
    """The keyword arguments click passes to the command's function for ``words``."""
    command = CLICK_COMMANDS[name]
    with command.make_context(name, list(words)) as ctx:
        return dict(ctx.params)


@pytest.mark.parametrize("name", sorted(SHAPES))
def test_flag_tables_are_the_click_options(name: str) -> None:
    shape = SHAPES[name]
    command = CLICK_COMMANDS[name]
    options = [p for p in command.params if isinstance(p, click.Option) and p.name != "help"]
    arguments = [p for p in command.params if isinstance(p, click.Argument)]
    assert [a.name for a in arguments] == list(shape.arguments)
    assert sum(1 for a in arguments if a.required) == shape.required
    assert [f.dest for f in shape.flags] == [o.name for o in options]
    for flag, option in zip(shape.flags, options, strict=True):
        assert tuple(option.opts) + tuple(option.secondary_opts) == flag.opts, flag.dest
        assert option.is_flag == (flag.kind == SWITCH), flag.dest
        # (Defaults: the words with no flag at all, in PLAIN_WORDS, compare them.)
        # A list flag given twice adds to itself; any other keeps its last value.
        assert option.multiple == (flag.kind == LIST) and option.envvar is None, flag.dest
        if flag.kind == CHOICE:
            choices = getattr(option.type, "choices", None)
            assert tuple(choices or ()) == flag.choices, flag.dest
        elif flag.kind == LIST:
            assert tuple(getattr(option.type, "choices", None) or ()) == flag.choices
        elif flag.kind == COUNT:
            assert isinstance(option.type, click.IntRange) and option.type.min == 0
        elif flag.kind == TEXT:
            assert option.type is click.STRING, flag.dest


PLAIN_WORDS = [
    ("new", ["payments"]),
    ("new", ["payments", DESCRIPTION, "--profile=financial", "--domain=fintech"]),
    ("new", ["--profile", "basic", "notes", "--mode=compact", "A notes service", "--no-di"]),
    ("new", ["payments", "--domain", "fintech, saas", "--depends-on=spec-001,spec-002",
             "--title", "Payments", "--id=spec-009", "-y", "--json", "--no-backup",
             "--lang=th", "--model", "model.json", "--security=stride-full", "--yes"]),
    ("new", ["payments", "--profile=basic", "--profile=full", "--title=-dash"]),
    ("new", ["fleet", "--domain=iot", "--domain", "logistics,iot", "--depends-on=spec-002",
             "--depends-on=spec-001,spec-002"]),
    ("edit", ["specs/feature/spec-001-payments/spec.md"]),
    ("edit", ["spec.md", "--force-update=stride", "--force-update=config,stride"]),
    ("edit", ["spec.md", "Adds refunds", "--force-update=stride,config", "--nogenerate",
              "--adopt", "--complete", "--replace-description", "--performance", "full"]),
    ("validate", []),
    ("validate", ["specs/a/spec.md", "specs/b", "--format=json", "--strict", "-v"]),
    ("validate", ["--format", "sarif", "-j", "2", "--jobs=0", "--lang", "en", "--no-progress",
                  "--specindex", "SPEC_INDEX.json", "spec.md"]),
    ("index", []),
    ("index", ["--format", "json", "--dry-run", "--specs-dir=docs/specs", "--migrate"]),
    ("index", ["--check", "--format=text", "--specindex", "x.json", "--output-dir", "state",
               "--schema"]),
]


@pytest.mark.parametrize(("name", "words"), PLAIN_WORDS)
def test_plain_words_read_as_click_reads_them(name: str, words: list[str]) -> None:
    assert read_words(SHAPES[name], words) == _click_params(name, words)


CLICK_WORDS = [
    ("new", []),  # NAME is missing
    ("new", ["--help"]),
    ("new", ["-h"]),
    ("new", ["payments", "one", "two"]),  # an extra argument
    ("new", ["payments", "--profile=finance"]),  # not a profile
    ("new", ["payments", "--domain=fintech,moon"]),
    ("new", ["payments", "--domain=,"]),
    ("new", ["payments", "--profile"]),  # no value
    ("new", ["payments", "--title", "--json"]),  # a flag where a value belongs
    ("new", ["payments", "--title="]),
    ("new", ["payments", "--json=yes"]),
    ("new", ["payments", "-y=1"]),
    ("new", ["payments", "-yh"]),
    ("new", ["payments", "--profle=basic"]),
    ("new", ["payments", "--", "--profile=basic"]),
    ("new", ["-", "x"]),
    ("edit", []),
    ("validate", ["-j", "-1"]),
    ("validate", ["--jobs=two"]),
    ("validate", ["--format=xml"]),
    ("validate", ["--verbose=1"]),
    ("index", ["specs"]),  # index takes no argument
    ("index", ["--format=yaml"]),
    ("index", ["--check=1"]),
    ("index", ["--help"]),
]


@pytest.mark.parametrize(("name", "words"), CLICK_WORDS)
def test_anything_else_is_left_to_click(name: str, words: list[str]) -> None:
    assert read_words(SHAPES[name], words) is None
    assert calls.quick([name, *words]) is None


def test_other_commands_are_left_to_click() -> None:
    assert calls.quick(["regenerate", "spec.md"]) is None
    assert calls.quick(["graph"]) is None


@pytest.mark.parametrize("text", ["✅ SPEC created\n📁 ไฟล์", "", "plain"])
@pytest.mark.parametrize("nl", [True, False])
def test_echo_writes_what_click_echo_writes(text: str, nl: bool,
                                            monkeypatch: pytest.MonkeyPatch) -> None:
    def written(printer: Any) -> bytes:
        raw = io.BytesIO()
        stream = io.TextIOWrapper(raw, encoding="utf-8", newline="")
        monkeypatch.setattr(sys, "stdout", stream)
        printer()
        stream.flush()
        return raw.getvalue()

    assert written(lambda: calls.echo(text, nl=nl)) == written(lambda: click.echo(text, nl=nl))


def test_echo_leaves_escape_sequences_to_click(monkeypatch: pytest.MonkeyPatch) -> None:
    # Not a terminal: click strips the colour codes, so the quick path must too.
    out = io.StringIO()
    monkeypatch.setattr(sys, "stdout", out)
    calls.echo("\x1b[31mred\x1b[0m")
    assert out.getvalue() == "red\n"


# A whole run in a fresh interpreter, as a user runs it; CLICK=1 sends every word to click.
RUN = """\
import os, sys
if os.environ.get("CLICK") == "1":
    from smartspec.commands import calls
    calls.quick = lambda words: None
from smartspec.cli import main
sys.exit(main(sys.argv[1:]))
"""


def _files(folder: Path) -> dict[str, str]:
    """Every file's hash, the trace's lines with their timing taken out (it measures the run)."""
    found = tree_hashes(folder)
    # The index's ids file and the registry's keys file are caches keyed to the inode and
    # times of the file they describe.
    found.pop(".smartspec/index/ids.json", None)
    found.pop(".smartspec/index/registry-keys.json", None)
    trace = folder / ".smartspec/trace.log"
    if trace.exists():
        found[".smartspec/trace.log"] = re.sub(r'"ms":[0-9.]+', "", trace.read_text())
    return found


def _run(cwd: Path, words: list[str], *, through_click: bool) -> tuple[int, str, str]:
    env = {**os.environ, "SOURCE_DATE_EPOCH": EPOCH, "CLICK": "1" if through_click else "0",
           "PYTHONIOENCODING": "utf-8"}
    done = subprocess.run([sys.executable, "-c", RUN, *words], cwd=cwd, env=env,
                          capture_output=True, check=False, timeout=120)
    return done.returncode, done.stdout.decode("utf-8"), done.stderr.decode("utf-8")


SPEC = "specs/feature/spec-001-payments/spec.md"
RUNS = [
    ["new", "payments", DESCRIPTION, "--profile=financial", "--domain=fintech"],
    ["new", "payments", DESCRIPTION, "--json", "--nogenerate", "--mode", "compact"],
    ["new", "payments", "A\x07bell"],  # refused by the run
    ["new", "payments", "--profile=finance"],  # refused by click, whichever reader starts
]


@pytest.mark.parametrize("words", RUNS)
def test_a_run_prints_and_writes_the_same_either_way(words: list[str], tmp_path: Path) -> None:
    results = []
    for through_click in (False, True):
        folder = tmp_path / ("click" if through_click else "quick")
        folder.mkdir()
        results.append((_run(folder, words, through_click=through_click), _files(folder)))
    (quick, quick_tree), (slow, slow_tree) = results
    assert quick == slow
    assert quick_tree == slow_tree
    code, out, err = quick
    if "--nogenerate" in words:
        assert code == 0 and '"dry_run"' not in err and out.lstrip().startswith("{")
    elif len(words) == 3:  # the two refused runs: one line on stderr, exit 2, nothing written
        assert code == 2 and err.count("\n") == 1 and err.startswith("smartspec: error: ")
        assert quick_tree == {}
    else:
        assert code in (0, 1) and SPEC in out


def test_edit_and_validate_print_the_same_either_way(tmp_path: Path) -> None:
    outputs = []
    for through_click in (False, True):
        folder = tmp_path / ("click" if through_click else "quick")
        folder.mkdir()
        assert _run(folder, ["new", "payments", DESCRIPTION, "--profile=basic"],
                    through_click=False)[0] == 0
        edited = _run(folder, ["edit", SPEC, "Adds refunds", "--performance=full"],
                      through_click=through_click)
        checked = _run(folder, ["validate", SPEC, "--strict"], through_click=through_click)
        as_json = _run(folder, ["validate", SPEC, "--format=json"], through_click=through_click)
        outputs.append((edited, checked, as_json, _files(folder)))
    assert outputs[0] == outputs[1]
    edited, checked, _, _ = outputs[0]
    assert edited[0] == 0 and "spec-001" in edited[1]
    assert checked[0] in (0, 1) and "spec.md" in checked[1]


def test_a_word_like_an_option_with_a_line_break_is_refused_on_one_line(tmp_path: Path) -> None:
    # A description that starts with "-" is left to click, which takes it for an option.
    result = run_cli(["new", "pay", "-->\n", "--json"], tmp_path)
    assert result.code == 2
    assert result.err == ("smartspec: error: smartspec new: unknown option '-->\\n'; "
                          "see 'smartspec new --help'\n")
    assert '"flag": "-->\\n"' in result.out
    assert list(tmp_path.iterdir()) == []
