"""What a command imports: `new` and a one-spec `validate` must not load the modules only
other commands need.

Start-up is most of what a user waits for, and an import that slips onto a command's path
(a top-level import of a heavy module in a shared file) costs every run of that command.
Each case runs the command in a fresh interpreter, as a user does, and reads ``sys.modules``
at the end of the run.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import cast

from smartspec import render
from smartspec.template_compiler import write_package
from tests.helpers import EPOCH

DESCRIPTION = "Card payments with a PostgreSQL ledger, a Kafka queue and the Stripe API"

# Run the command through cli.main, then print every module loaded, as JSON, on the last line.
PROBE = """\
import json, sys
from smartspec import cli
code = cli.main(sys.argv[1:])
print(json.dumps({"code": code, "modules": sorted(sys.modules)}))
"""

# Modules only other commands need. A name is matched exactly and as a package prefix.
NOT_FOR_NEW = (
    "smartspec.adopt", "smartspec.agents", "smartspec.contract", "smartspec.delivery",
    "smartspec.runs.edit", "smartspec.runs.restore", "smartspec.mcpserver", "smartspec.merge",
    "smartspec.rules.runner",
    "smartspec.rules.sarif", "smartspec.index.graph",
    "smartspec.commands.edit", "smartspec.commands.validate", "smartspec.commands.index",
    "smartspec.commands.export", "smartspec.commands.mcp", "smartspec.commands.adopt",
    "smartspec.runs.adopt", "smartspec.runs.export", "smartspec.runs.plan",
    "smartspec.runs.check_api", "smartspec.runs.init",
    "mcp", "yaml", "jsonschema", "markdown_it",
    # Templates run as the Python the build compiled them to (see template_runtime).
    "jinja2", "smartspec.template_compiler",
    # Only a mistyped value or an index report needs a close match.
    "difflib",
    # Plain words are read without click (commands/flags.py); click comes in for help or a
    # mistake in the words. The click commands themselves are not needed either.
    "click", "smartspec.commands.new", "smartspec.commands.common",
    # Package data is read from the package's folder; importlib.resources (and the archive
    # machinery it brings) only for an install inside an archive.
    "importlib.resources", "tempfile", "shutil", "zipfile",
    # Classes are NamedTuples or slotted classes: a dataclass costs half a millisecond to
    # define, and the module brings inspect (ast, dis, tokenize) with it.
    "dataclasses",
    # The rules check the text before the writes, on the one thread: a second thread (and the
    # threading module, or a pool) cost more than it saved.
    "threading", "concurrent", "multiprocessing",
    # The model file's readers and schema: new writes the file (model.dumps), never reads it.
    "smartspec.model.io",
    # The senders' sums, for a system with a notification provider (not this payment one).
    "smartspec.knowledge.capacity",
)
# In a project without a registry yet (the first spec), the index and its ids file are small
# and written with the standard library's json: msgspec, and what it loads at import
# (typing_extensions, inspect, uuid, platform, decimal), is for reading big files.
NOT_FOR_FIRST_NEW = ("msgspec", "typing_extensions", "inspect", "uuid", "platform", "decimal")
# Standard-library modules these commands do without; each would cost every run from a fraction
# of a millisecond to several. typing: annotations are strings, the names type checkers read
# are imported under ``TYPE_CHECKING = False``, and records (generic ones too) come from
# smartspec.tuples. base64 (and struct, which it loads), binascii (and the zlib it links): the
# examples' JWT is encoded by examples.base64url, 0.8 M instructions cheaper. unicodedata:
# control characters and combining marks are told without it in ASCII text. array: only reading
# or writing an index scan manifest needs it. importlib: modules named at run time are imported
# with __import__ and read from sys.modules. hashlib: sha256 comes from the interpreter's
# built-in module (smartspec.digest), not OpenSSL's binding. contextlib: the lock and the
# journal's guard are small classes, not generators. pathlib (and the ntpath and fnmatch it
# loads): paths are strings handled with os.path. urllib (and the ipaddress and warnings
# urllib.parse loads): only an anchor with a percent escape is decoded with it.
STDLIB_NOT_FOR_NEW = ("typing", "base64", "struct", "unicodedata", "array", "importlib",
                      "hashlib", "_hashlib", "_blake2", "contextlib", "pathlib", "ntpath",
                      "fnmatch", "urllib", "ipaddress", "warnings", "binascii")
STDLIB_NOT_FOR_EDIT = STDLIB_NOT_FOR_NEW
# A one-spec validate writes nothing, so neither the writer's helpers (fcntl) nor the clock's
# (datetime and the math it loads).
STDLIB_NOT_FOR_VALIDATE = (*STDLIB_NOT_FOR_NEW, "fcntl", "math")
# A one-spec validate reads and checks text: it renders nothing and writes no spec.
NOT_FOR_VALIDATE = (
    *(name for name in NOT_FOR_NEW if name != "smartspec.rules.runner"
      and name != "smartspec.commands.validate"),
    "smartspec.render", "smartspec.plan", "smartspec.model.build",
    "smartspec.runs.new",
    "smartspec.content", "smartspec.templates", "smartspec.commands.new",
    # Package data is read from the package's folder (packagedata) and temp files are made
    # by fswrite itself.
    "importlib.resources", "tempfile", "shutil", "random", "zipfile",
    # It writes nothing: not the writer, its locks and atomic writes, nor the clock's types.
    "smartspec.workspace", "smartspec.fswrite", "datetime",
    # The rules' four keyword groups come from wordgroups, not the description scanner and
    # every domain pack; the registry's fingerprints are hashed by the interpreter's own
    # sha256, not through OpenSSL's binding (which costs milliseconds to load).
    "smartspec.detect", "smartspec.domains", "hashlib", "_hashlib",
    # The rules read the report catalogues (smartspec.report.locales), not the run reports.
    "smartspec.report.console", "smartspec.report.markdown", "smartspec.report.summary",
    "smartspec.records",
    *STDLIB_NOT_FOR_VALIDATE,
)
# The related-specs rule asks only whether an id exists: the index's place and the ids file
# beside the scan state answer it (index.locate), not the index model, the reader of the
# file's older shapes, or the scan state.
NOT_FOR_VALIDATE += ("smartspec.index.migrate", "smartspec.index.model", "smartspec.index.state",
                     "smartspec.index.quiet")


def _probe_env(cwd: Path) -> dict[str, str]:
    # The templates compiled as the build compiles them, whether or not this copy of smartspec
    # was installed with them.
    compiled = cwd / ".compiled"
    if not compiled.exists():
        write_package(Path(render.__file__).parent / "templates", compiled)
    env = {**os.environ, "SOURCE_DATE_EPOCH": EPOCH, "SMARTSPEC_NO_CACHE": "1",
           "PYTHONPATH": os.pathsep.join([str(compiled), os.environ.get("PYTHONPATH", "")])}
    env.pop("SMARTSPEC_NO_COMPILED_TEMPLATES", None)
    return env


def _modules(cwd: Path, *argv: str) -> tuple[int, list[str]]:
    done = subprocess.run([sys.executable, "-c", PROBE, *argv], cwd=cwd, env=_probe_env(cwd),
                          capture_output=True, text=True, check=False, timeout=120)
    assert done.stdout.strip(), done.stderr
    last = json.loads(done.stdout.strip().splitlines()[-1])
    return last["code"], last["modules"]


def _loaded(modules: list[str], forbidden: tuple[str, ...]) -> list[str]:
    return [m for m in modules
            if any(m == name or m.startswith(name + ".") for name in forbidden)]


def test_new_imports_only_what_new_needs(tmp_path: Path) -> None:
    code, modules = _modules(tmp_path, "new", "payment-processing", DESCRIPTION,
                             "--profile=financial", "--domain=fintech")
    assert code in (0, 1)
    assert (tmp_path / "specs/feature/spec-001-payment-processing/spec.md").is_file()
    # The run did what new does: rendered, validated, indexed.
    assert {"smartspec.render", "smartspec.rules", "smartspec.index"} <= set(modules)
    assert _loaded(modules, NOT_FOR_NEW + NOT_FOR_FIRST_NEW) == []
    # No index to read yet: the reader of every shape an index has had is not needed.
    assert "smartspec.index.migrate" not in modules
    assert _loaded(modules, STDLIB_NOT_FOR_NEW) == []


def test_one_spec_validate_imports_no_generator(tmp_path: Path) -> None:
    _modules(tmp_path, "new", "payment-processing", DESCRIPTION, "--profile=basic",
             "--mode=compact")
    code, modules = _modules(tmp_path, "validate",
                             "specs/feature/spec-001-payment-processing/spec.md")
    assert code in (0, 1)
    assert "smartspec.rules" in modules
    # The ids file and the spec's registry record are small: the standard library reads them.
    assert _loaded(modules, NOT_FOR_VALIDATE + NOT_FOR_FIRST_NEW) == []
    # A JSON report needs the SARIF writer no more than the text report does.
    code, modules = _modules(tmp_path, "validate", "--format=json",
                             "specs/feature/spec-001-payment-processing/spec.md")
    assert code in (0, 1)
    assert _loaded(modules, ("smartspec.rules.sarif", *NOT_FOR_VALIDATE)) == []


def test_a_project_config_costs_no_msgspec_when_it_is_valid(tmp_path: Path) -> None:
    """Most projects have a smartspec.config.json: checking it against the model's schema
    must not bring msgspec's imports into every new and one-spec validate."""
    (tmp_path / "smartspec.config.json").write_text(json.dumps({
        "defaults": {"profile": "basic", "mode": "compact", "specsDir": "specs"},
        "organization": {"name": "Acme"}, "output": {"keepBackups": 5},
        "validation": {"rules": {"placeholders": "warn"}}}), encoding="utf-8")
    code, modules = _modules(tmp_path, "new", "payment-processing", DESCRIPTION)
    assert code in (0, 1)
    assert _loaded(modules, NOT_FOR_FIRST_NEW) == []
    code, modules = _modules(tmp_path, "validate",
                             "specs/feature/spec-001-payment-processing/spec.md")
    assert code == 0
    assert _loaded(modules, NOT_FOR_VALIDATE + NOT_FOR_FIRST_NEW) == []
    # A config msgspec must judge still gets its word.
    (tmp_path / "smartspec.config.json").write_text('{"output": {"keepBackups": "5"}}',
                                                    encoding="utf-8")
    done = subprocess.run([sys.executable, "-m", "smartspec", "validate",
                           "specs/feature/spec-001-payment-processing/spec.md"], cwd=tmp_path,
                          env=_probe_env(tmp_path), capture_output=True, text=True, check=False)
    assert done.returncode == 2 and "keepBackups" in done.stderr, done.stderr


# After a run: which report catalogues (report/locales/*.json) it read.
CATALOGUE_PROBE = """\
import json, sys
from smartspec import cli
from smartspec.report import locales
read = []
load = locales._load.__wrapped__
def reading(name):
    read.append(name)
    return load(name)
locales._load = reading
code = cli.main(sys.argv[1:])
print(json.dumps({"code": code, "read": list(dict.fromkeys(read))}))
"""


def test_one_spec_validate_reads_only_the_catalogue_of_its_language(tmp_path: Path) -> None:
    _modules(tmp_path, "new", "payment-processing", DESCRIPTION, "--profile=basic",
             "--mode=compact")
    spec = "specs/feature/spec-001-payment-processing/spec.md"
    with (tmp_path / spec).open("a", encoding="utf-8") as text:
        text.write("\nTODO: say how a payment is refunded.\n")
    for lang, expected in (("en", ["en"]), ("th", ["en", "th"])):
        done = subprocess.run([sys.executable, "-c", CATALOGUE_PROBE, "validate", spec,
                               f"--lang={lang}", "--strict"], cwd=tmp_path,
                              env=_probe_env(tmp_path), capture_output=True, text=True,
                              check=False, timeout=120)
        found = json.loads(done.stdout.strip().splitlines()[-1])
        # The run found something to say (a placeholder), in the language asked for; the
        # finding's English is what JSON and SARIF carry, so English is always read.
        assert found["code"] == 1, done.stdout
        assert ("ข้อผิดพลาด" in done.stdout) == (lang == "th"), done.stdout
        assert found["read"] == expected, lang


def test_one_spec_validate_hashes_critical_sections_without_openssl(tmp_path: Path) -> None:
    # A spec with critical sections and its registry record: the check hashes each section.
    _modules(tmp_path, "new", "payment-processing", DESCRIPTION, "--profile=backend-service")
    spec = tmp_path / "specs/feature/spec-001-payment-processing/spec.md"
    assert "<!-- @critical " in spec.read_text(encoding="utf-8")
    code, modules = _modules(tmp_path, "validate", str(spec.relative_to(tmp_path)))
    assert code == 0
    # The interpreter's own sha256 (``_sha2`` from Python 3.12) did the hashing.
    assert {"_sha256", "_sha2"} & set(modules)
    assert _loaded(modules, NOT_FOR_VALIDATE + NOT_FOR_FIRST_NEW) == []


# An edit re-plans and re-renders, so it needs what new needs and the merge, but still not
# click, other commands' modules, report formats not asked for, or the index graph.
NOT_FOR_EDIT = tuple(name for name in NOT_FOR_NEW if name not in (
    "smartspec.runs.edit", "smartspec.merge", "smartspec.commands.edit",
    "smartspec.model.io"))  # edit reads the model a spec was written from
# adopt's modules only for a spec smartspec did not write, strptime only for a moment in a
# shape smartspec does not write.
NOT_FOR_EDIT += ("_strptime",)
# The scan state: edit reads and writes the index, never the scan state (the index model
# keeps none of its constants). It reads only the manifest's head (index.quiet), to record
# for the next build that its write changed one entry (index.quiet.index_lineage).
NOT_FOR_EDIT += ("smartspec.index.state",)
# new's orchestrator: the steps edit shares with it are in runs.run.
NOT_FOR_EDIT += ("smartspec.runs.new",)


def test_edit_imports_only_what_edit_needs(tmp_path: Path) -> None:
    spec = "specs/feature/spec-001-payment-processing/spec.md"
    _modules(tmp_path, "new", "payment-processing", DESCRIPTION, "--profile=basic")
    code, modules = _modules(tmp_path, "edit", spec, "Adds refunds", "--performance=full")
    assert code in (0, 1)
    assert {"smartspec.runs.edit", "smartspec.merge", "smartspec.render"} <= set(modules)
    # A small project's index and registry are read with the standard library's json.
    assert _loaded(modules, NOT_FOR_EDIT + NOT_FOR_FIRST_NEW) == []
    assert _loaded(modules, STDLIB_NOT_FOR_EDIT) == []



# An edit that adds no words writes from the model the state folder keeps: it builds no model
# (the builder and the knowledge base's spellings stay unloaded), and the API section of a
# REST service loads neither the gRPC/GraphQL writer nor the admin site's.
NOT_FOR_STORED_EDIT = ("smartspec.model.build", "smartspec.content.proto",
                       "smartspec.content.admin")


def test_edit_from_the_stored_model_builds_none(tmp_path: Path) -> None:
    spec = "specs/feature/spec-001-payment-processing/spec.md"
    _modules(tmp_path, "new", "payment-processing",
             "Card payments with a PostgreSQL ledger and the Stripe API", "--profile=basic")
    code, modules = _modules(tmp_path, "edit", spec, "--performance=full")
    assert code in (0, 1)
    assert {"smartspec.runs.edit", "smartspec.model.io", "smartspec.render"} <= set(modules)
    assert _loaded(modules, NOT_FOR_EDIT + NOT_FOR_STORED_EDIT) == []

def test_help_and_mistakes_still_go_through_click(tmp_path: Path) -> None:
    code, modules = _modules(tmp_path, "new", "payments", "--profile=finance")
    assert code == 2 and "click" in modules
    # Nothing was planned or rendered for words click refused.
    assert _loaded(modules, ("smartspec.render", "smartspec.plan", "smartspec.runs.new")) == []


# Count the patterns compiled while importing the rule modules and the description scanner,
# by file: their patterns are compiled on first use (smartspec.lazyre), so that a run pays for
# the patterns it uses, not for every rule's.
COMPILES_AT_IMPORT = """\
import json, re, sys
from collections import Counter
counted = Counter()
compile_one = re._compile
def counting(pattern, flags):
    if isinstance(pattern, str) and (type(pattern), pattern, flags) not in re._cache:
        frame = sys._getframe(2)
        counted[frame.f_code.co_filename.replace("\\\\", "/").rsplit("/src/", 1)[-1]] += 1
    return compile_one(pattern, flags)
re._compile = counting
import smartspec.rules, smartspec.detect, smartspec.rules.runner
print(json.dumps(counted))
"""


def test_rule_patterns_compile_on_first_use(tmp_path: Path) -> None:
    done = subprocess.run([sys.executable, "-c", COMPILES_AT_IMPORT], cwd=tmp_path,
                          capture_output=True, text=True, check=False, timeout=120)
    assert done.returncode == 0, done.stderr
    counted = json.loads(done.stdout.strip().splitlines()[-1])
    assert [name for name in counted
            if "smartspec/rules/" in name or name.endswith("smartspec/detect.py")] == []
    # And the patterns work once used.
    from smartspec.rules import figures

    assert figures._PERCENTILE_HEADER_RE.match("p99 latency") is not None
    assert figures._PERCENTILE_HEADER_RE.pattern.startswith("^[Pp]")


# While a command runs: the record classes typing.NamedTuple makes, by module.
RUN_COUNTING = """\
import json, sys, typing
from collections import Counter
made = Counter()
make_class = typing.NamedTupleMeta.__new__
def counting(cls, typename, bases, namespace):
    made[namespace.get("__module__", "?")] += 1
    return make_class(cls, typename, bases, namespace)
typing.NamedTupleMeta.__new__ = counting
from smartspec import cli
code = cli.main(sys.argv[1:])
print(json.dumps({"code": code, "made": made}))
"""

# The modules new and edit run define their records with smartspec.tuples.NamedTuple: the
# same classes at half the import cost (typing compiles every annotation string).
OWN_RECORDS = ("smartspec.model", "smartspec.content", "smartspec.plan", "smartspec.detect",
               "smartspec.render", "smartspec.runs", "smartspec.merge",
               "smartspec.template_runtime", "smartspec.options", "smartspec.config",
               "smartspec.document", "smartspec.domains", "smartspec.knowledge",
               "smartspec.catalog", "smartspec.targets", "smartspec.workspace")


def _counted(cwd: Path, *argv: str) -> dict[str, object]:
    done = subprocess.run([sys.executable, "-c", RUN_COUNTING, *argv], cwd=cwd,
                          env=_probe_env(cwd), capture_output=True, text=True, check=False,
                          timeout=120)
    assert done.stdout.strip(), done.stderr
    counted: dict[str, object] = json.loads(done.stdout.strip().splitlines()[-1])
    assert counted["code"] in (0, 1)
    return counted


def test_new_and_edit_make_their_records_cheaply(tmp_path: Path) -> None:
    spec = "specs/feature/spec-001-payment-processing/spec.md"
    for argv in (("new", "payment-processing", DESCRIPTION, "--profile=financial",
                  "--domain=fintech"),
                 ("edit", spec, "Adds refunds", "--performance=full")):
        made = cast("dict[str, int]", _counted(tmp_path, *argv)["made"])
        assert [name for name in made if name.startswith(OWN_RECORDS)] == [], argv[0]


def test_compact_new_renders_no_code_examples(tmp_path: Path) -> None:
    # Compact mode has no DI or saga section: the code examples' subject (and the sample
    # values and tokens it is made of) is never asked for, so never made; nor are the stack,
    # the per-service targets and the domain material, which no compact section shows.
    code, modules = _modules(tmp_path, "new", "notes", "A notes service with a REST API",
                             "--profile=basic", "--mode=compact")
    assert code in (0, 1)
    assert "smartspec.render" in modules and "smartspec.content.sql" in modules
    assert _loaded(modules, ("smartspec.content.examples", "base64", "smartspec.content.stacks",
                             "smartspec.content.services")) == []
    assert _loaded(modules, STDLIB_NOT_FOR_NEW) == []


def test_what_replaced_unicodedata_answers_as_it_did() -> None:
    # Control characters are told by their code points and combining marks are asked of
    # unicodedata only beyond ASCII: the answers are unicodedata's.
    import unicodedata

    import pytest

    from smartspec.errors import UsageError
    from smartspec.options import Options
    from smartspec.rules.semantic import slug
    from smartspec.runs.run import check_request

    for char in ("\x00", "\x1b", "\x7f", "\x9b", "\x9f"):
        assert unicodedata.category(char) == "Cc"
        with pytest.raises(UsageError, match=f"U\\+{ord(char):04X}"):
            check_request(Options(name=f"pay{char}ments"))
    # Whitespace of every kind folds to a space, control characters among them (NEL, FS).
    for fine in ("\xa0", "\u200b", "é", "\t", "\x85", "\x1c"):
        check_request(Options(name=f"pay{fine}ments"))
    # A heading with combining marks (Thai vowels and tone marks, an accent written apart)
    # keeps them in its anchor; punctuation and symbols go.
    assert slug("ระบบชำระเงิน: Cafe\u0301 & Co!") == "ระบบชำระเงิน-cafe\u0301--co"


def test_version_imports_only_the_package(tmp_path: Path) -> None:
    # What the console script runs for --version: the package's __init__ and nothing it
    # would only need for a lazy name (importlib, and the warnings module importlib loads).
    probe = ("import sys\nbare = set(sys.modules)\nsys.argv = ['smartspec', '--version']\n"
             "from smartspec.__main__ import run\n"
             "try:\n    run()\nexcept SystemExit:\n    pass\n"
             "print(sorted(set(sys.modules) - bare), file=sys.stderr)")
    done = subprocess.run([sys.executable, "-c", probe], cwd=tmp_path, capture_output=True,
                          text=True, check=False, timeout=120)
    assert done.stdout.startswith("smartspec "), done.stderr
    loaded = done.stderr.strip().splitlines()[-1]
    # (``from __future__ import annotations`` imports the __future__ module.)
    assert loaded == "['__future__', 'smartspec', 'smartspec.__main__']", loaded


# After a run: the compiled templates in the modules it loaded, each with the names its code
# defines (the function's own, that make its ``root``) and its module's.
TEMPLATE_PROBE = """\
import json, sys
from smartspec import catalog, cli
code = cli.main(sys.argv[1:])
loaded = {}
for name, module in list(sys.modules.items()):
    if name.startswith("_smartspec_templates."):
        for key, value in vars(module).items():
            if key.startswith("t_"):
                made = value.__code__
                loaded[key] = sorted({*vars(module), *made.co_varnames, *made.co_cellvars})
print(json.dumps({"code": code, "loaded": loaded,
                  "title_index": catalog._title_index.cache_info().currsize}))
"""


def test_new_loads_compiled_templates_without_jinjas_debug_tables(tmp_path: Path) -> None:
    # The build rewrites the code Jinja writes: no line map or block table (the runtime never
    # reads them), no filter lookups in try blocks. And writing a spec without checking it
    # never matches a heading to a section, so catalog's title index is never built.
    done = subprocess.run([sys.executable, "-c", TEMPLATE_PROBE, "new", "payment-processing",
                           DESCRIPTION, "--profile=financial", "--domain=fintech",
                           "--no-validation"],
                          cwd=tmp_path, env=_probe_env(tmp_path), capture_output=True,
                          text=True, check=False, timeout=120)
    assert done.stdout.strip(), done.stderr
    found = json.loads(done.stdout.strip().splitlines()[-1])
    assert found["code"] == 0
    loaded = cast("dict[str, list[str]]", found["loaded"])
    assert len(loaded) >= 15, sorted(loaded)
    for name, names in loaded.items():
        assert "root" in names, name
        assert not {"debug_info", "blocks", "internalcode", "escape", "Markup"} & set(names), name
    assert found["title_index"] == 0


# An index run after one spec's text changed edits that entry in the index text (index.splice):
# it loads neither click nor msgspec, nor the reader of a whole index, nor the standard library
# that the paths and types of the index modules once brought (typing; pathlib, with the urllib
# and ipaddress it loads; contextlib; datetime): 290 M instructions against 319 M at 2,000 specs.
NOT_FOR_INDEX_EDIT = ("click", "msgspec", "smartspec.index.migrate", "smartspec.render",
                      "smartspec.rules", "typing", "pathlib", "urllib", "ipaddress",
                      "contextlib", "datetime", "importlib")


def test_an_index_run_after_one_change_loads_only_the_splice(tmp_path: Path) -> None:
    for name in ("payments", "ledger"):
        _modules(tmp_path, "new", name, "Card payments with a PostgreSQL ledger",
                 "--profile=basic", "--mode=compact")
    assert _modules(tmp_path, "index")[0] == 0
    spec = next(tmp_path.glob("specs/*/spec-001-payments/spec.md"))
    spec.write_text(spec.read_text().replace("# SPEC-001: ", "# SPEC-001: Renamed "))
    done = subprocess.run([sys.executable, "-c", PROBE, "index", "--format", "json"],
                          cwd=tmp_path, env=_probe_env(tmp_path), capture_output=True, text=True,
                          check=False, timeout=120)
    # The command's report (indented JSON), then the probe's line.
    printed, _, probed = done.stdout.rstrip().rpartition("\n")
    report, last = json.loads(printed), json.loads(probed)
    assert last["code"] == 0 and report["updated"] == ["spec-001-payments"]
    assert {"smartspec.index.splice", "smartspec.index.build"} <= set(last["modules"])
    assert _loaded(last["modules"], NOT_FOR_INDEX_EDIT) == []


# A new that depends on another spec resolves it in the index it reads entry by entry
# (index.related, index.splice): still none of the standard library new does without.
def test_new_with_a_dependency_loads_no_more_of_the_standard_library(tmp_path: Path) -> None:
    _modules(tmp_path, "new", "ledger", "Double-entry ledger", "--profile=basic")
    code, modules = _modules(tmp_path, "new", "refunds", "Refunds of card payments",
                             "--profile=basic", "--depends-on=spec-001-ledger")
    assert code in (0, 1)
    assert {"smartspec.index.related", "smartspec.index.splice"} <= set(modules)
    assert _loaded(modules, STDLIB_NOT_FOR_NEW) == []
