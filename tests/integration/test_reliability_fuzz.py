"""Any Unicode text a person types as a name, title or description survives ``new`` and a
no-op ``edit`` byte for byte, never crashes smartspec, and gives a spec its own rules accept."""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path

from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from tests.helpers import run_cli, tree_snapshot

# Line breakers of every kind, markup that could open structure, and anything else.
_TRICKY = st.sampled_from(["\u2028", "\u2029", "\x85", "\x0b", "\x0c", "\x1c", "\x1d", "\x1e",
                           "\r", "\n", "\r\n", "#", "## ", "```", "~~~", "<!--", "-->",
                           "<!-- smartspec: {} -->", "<!-- @critical security -->", "\t",
                           " ", "1. ", "> ", "|", "&", "<", ">", "\\", "\"", "ระบบ", "💳"])
_TEXT = st.lists(st.one_of(_TRICKY, st.text(max_size=6)), max_size=8).map("".join)
_NAME = st.tuples(st.sampled_from(["pay", "orders", "a1"]), _TEXT).map(lambda p: p[0] + p[1])
_PROFILE = st.sampled_from([None, "basic", "backend-service", "financial", "full"])
# Other flag values, valid or not: an invalid one must be a one-line refusal.
_FLAGS = st.lists(st.sampled_from([
    "--mode=compact", "--mode=standard", "--domain=fintech", "--domain=saas,healthcare",
    "--security=stride-full", "--di=none", "--performance=full", "--category=core",
    "--depends-on=spec-001-x", "--no-di", "--mode=tiny", "--domain=", "--id=bad id",
    "--category=../up", "--specs-dir=docs/specs", "--lang=th"]), max_size=3, unique=True)


@settings(max_examples=int(os.environ.get("SMARTSPEC_FUZZ_EXAMPLES", "40")), deadline=None,
          suppress_health_check=[HealthCheck.too_slow])
@given(name=_NAME, title=st.one_of(st.none(), _TEXT), description=_TEXT, profile=_PROFILE,
       flags=_FLAGS)
def test_new_then_noop_edit_is_byte_identical(name: str, title: str | None, description: str,
                                              profile: str | None, flags: list[str]) -> None:
    with tempfile.TemporaryDirectory() as folder:
        project = Path(folder)
        argv = ["new", name, description, "--json"]
        if title is not None:
            argv.append(f"--title={title}")
        if profile is not None:
            argv.append(f"--profile={profile}")
        argv += flags
        before = tree_snapshot(project)
        created = run_cli(argv, project)
        assert "Traceback" not in created.err
        event(f"new exit {created.code}")
        if created.code == 2:
            # A refusal is one line, and the tree is as it was.
            assert created.err.count("\n") == 1, created.err
            assert tree_snapshot(project) == before
            return
        assert created.code == 0, created.err
        data = json.loads(created.out)
        assert data["validation"]["errors"] == 0, data["validation"]["findings"]
        spec = project / data["spec"]["path"]
        written = spec.read_bytes()
        edited = run_cli(["edit", data["spec"]["path"], "--yes"], project)
        assert edited.code == 0, edited.err
        assert spec.read_bytes() == written
        checked = run_cli(["validate", data["spec"]["path"]], project)
        assert checked.code == 0, checked.out + checked.err
