"""How many regular expressions `new` and a one-spec `validate` compile.

Compiling a pattern costs from tens to hundreds of microseconds, more than searching a
spec's lines with it, and a run compiles each pattern it uses once: at about a hundred
patterns that was a tenth of what `new` costs. The readers that replaced patterns with
``str`` operations (document, markers, the rules' helpers) are held to those patterns by
their own tests; this one holds the count, so that a new pattern on one of these paths is a
choice someone makes, not a slow creep. Each case runs the command in a fresh interpreter, as
a user does, and counts every pattern the run compiles (the standard library's too: json
compiles six at import), naming where each was asked for when the budget is exceeded.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from tests.unit.test_import_budget import DESCRIPTION, _probe_env

# Run the command through cli.main, counting each compile the ``re`` module's cache misses,
# with the first frame outside ``re`` and lazyre that asked for it.
PROBE = """\
import re, sys
compiled = []
compile_one = re._compile
def counting(pattern, flags):
    if isinstance(pattern, (str, bytes)) and (type(pattern), pattern, flags) not in re._cache:
        frame = sys._getframe(1)
        while frame is not None and frame.f_code.co_filename.replace("\\\\", "/").endswith(
                ("/re/__init__.py", "/smartspec/lazyre.py")):
            frame = frame.f_back
        where = "?" if frame is None else frame.f_code.co_filename.replace("\\\\", "/")
        line = 0 if frame is None else frame.f_lineno
        compiled.append(f"{where.rsplit('/', 2)[-2:][0]}/{where.rsplit('/', 1)[-1]}:{line}"
                        f" {str(pattern)[:60]!r}")
    return compile_one(pattern, flags)
re._compile = counting
from smartspec import cli
code = cli.main(sys.argv[1:])
import json
print(json.dumps({"code": code, "compiled": compiled}))
"""

# The budgets: what each run compiled when they were set (84, 45 and 66 before the readers
# replaced patterns; 57, 29 and 38 before the rules read their many-worded patterns with str
# operations). Of them, 7 are the standard library's (json's scanner and encoder at import,
# urllib's quoting); the rest are smartspec's own, named by the message on failure.
NEW_FINANCIAL_BUDGET = 14  # 35 before names, descriptions, CHECKs and brace-language
# comments were read with str operations; 15 before a CREATE TABLE's items were split so too
NEW_COMPACT_BUDGET = 9  # 23 before the same
VALIDATE_BUDGET = 14  # 16 before the same, 15 before the table items
# An edit of the financial spec (43 before the merge read heading numbers and header lines
# with document's readers and the index's, the title's and the moments' patterns waited
# for a text that needs them; 16 once the stored model's strings were checked with str
# readers instead of the schema's five patterns; 15 once a backup's name was read so too;
# 14 once a CREATE TABLE's items were).
EDIT_FINANCIAL_BUDGET = 14


def _compiled(cwd: Path, *argv: str) -> list[str]:
    done = subprocess.run([sys.executable, "-c", PROBE, *argv], cwd=cwd, env=_probe_env(cwd),
                          capture_output=True, text=True, check=False, timeout=120)
    assert done.stdout.strip(), done.stderr
    last = json.loads(done.stdout.strip().splitlines()[-1])
    assert last["code"] in (0, 1), done.stderr
    compiled: list[str] = last["compiled"]
    return compiled


def test_new_and_validate_compile_within_their_pattern_budgets(tmp_path: Path) -> None:
    spec = "specs/feature/spec-001-payment-processing/spec.md"
    financial = _compiled(tmp_path, "new", "payment-processing", DESCRIPTION,
                          "--profile=financial", "--domain=fintech")
    assert (tmp_path / spec).is_file()
    assert len(financial) <= NEW_FINANCIAL_BUDGET, "\n".join(financial)
    # The run did check the spec it wrote: the rules' own patterns are among those counted.
    assert any("rules/" in where for where in financial)

    validate = _compiled(tmp_path, "validate", spec)
    assert len(validate) <= VALIDATE_BUDGET, "\n".join(validate)
    assert any("rules/" in where for where in validate)
    # Reading the spec (settings comment, critical tags, fences, header, headings) compiles
    # nothing: the scanner reads it with str operations.
    assert [where for where in validate if where.startswith(
        ("smartspec/document.py", "smartspec/markers.py"))] == []

    compact = tmp_path / "compact"
    compact.mkdir()
    basic = _compiled(compact, "new", "notes", "A small notes service with a REST API and a "
                      "PostgreSQL store", "--profile=basic", "--mode=compact")
    assert len(basic) <= NEW_COMPACT_BUDGET, "\n".join(basic)


def test_edit_compiles_within_its_pattern_budget(tmp_path: Path) -> None:
    spec = "specs/feature/spec-001-payment-processing/spec.md"
    _compiled(tmp_path, "new", "payment-processing", DESCRIPTION, "--profile=financial",
              "--domain=fintech")
    edited = _compiled(tmp_path, "edit", spec, "--performance=basic")
    assert len(edited) <= EDIT_FINANCIAL_BUDGET, "\n".join(edited)
    assert any("rules/" in where for where in edited)
    # The merge reads the spec's header and heading numbers with str operations, and the
    # index's and the recorded moments' patterns are never needed for a spec smartspec wrote.
    assert [where for where in edited if where.startswith(
        ("smartspec/merge.py", "index/migrate.py", "runs/recorded.py", "runs/edit.py",
         "model/io.py"))] == []
