"""More defects a reviewer found by reading the golden specs, each pinned over every system
and language where it can be: Python code laid out as PEP 8 says, every injected port used,
idempotency keys that do something, notifications routed by channel, test doubles that
exist, entity types that are their tables, environment names a shell accepts, and STRIDE rows
that state each provider's own webhook check."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.content.specs import FENCE_RE

ROOT = Path(__file__).resolve().parents[2]
GOLDENS = sorted((ROOT / "tests" / "content" / "golden").glob("*.md")) + sorted(
    (ROOT / "tests" / "data" / "golden").glob("*.md"))


def test_python_blocks_keep_pep_8_blank_lines(tmp_path: Path) -> None:
    """ruff's pycodestyle rules (E30x: two empty lines around top-level definitions, at
    most one inside them) pass on every Python block of every golden spec."""
    ruff = shutil.which("ruff", path=str(Path(sys.executable).parent)) or shutil.which("ruff")
    assert ruff is not None, "ruff is a dev dependency"
    count = 0
    for golden in GOLDENS:
        for number, match in enumerate(FENCE_RE.finditer(golden.read_text("utf-8"))):
            if match.group("lang") == "python":
                (tmp_path / f"{golden.stem.replace('-', '_')}_{number}.py").write_text(
                    match.group("body"), "utf-8")
                count += 1
    assert count >= 20
    result = subprocess.run(
        [ruff, "check", "--preview", "--isolated", "--no-cache", "--select", "E30",
         "--output-format", "concise", str(tmp_path)],
        capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stdout


# --- Configuration: every setting is a name a shell accepts --------------------------------

ENV_NAME_RE = re.compile(r"[A-Z_][A-Z0-9_]*")
# The suffixes the Configuration section puts after a technology's name.
_SETTING_SUFFIXES = ("_URL", "_API_KEY", "_TIMEOUT_MS", "_CONSUMER_GROUP", "_BUCKET", "_REGION",
                     "_WEBHOOK_SECRET")


def test_every_knowledge_entrys_settings_are_environment_names() -> None:
    from smartspec import knowledge
    from smartspec.template_runtime import env

    for entry in knowledge.entries().values():
        for suffix in _SETTING_SUFFIXES:
            assert ENV_NAME_RE.fullmatch(env(entry.name) + suffix), (entry.name, suffix)
        for name, _, _ in entry.webhook_settings:
            assert ENV_NAME_RE.fullmatch(name), (entry.name, name)
    assert env("2C2P") == "TWO_C2P"


def _configuration_names(text: str) -> list[str]:
    from tests.content.specs import section

    return re.findall(r"^\| `([^`]+)` \|", section(text, "Configuration"), re.M)


@pytest.mark.parametrize("golden", GOLDENS, ids=lambda p: p.stem)
def test_every_golden_setting_is_an_environment_name(golden: Path) -> None:
    text = golden.read_text("utf-8")
    if not re.search(r"^## \d+\. Configuration", text, re.M):
        pytest.skip("no Configuration section")
    names = _configuration_names(text)
    assert names
    assert [n for n in names if not ENV_NAME_RE.fullmatch(n)] == []


def test_a_provider_whose_name_starts_with_a_digit_gets_valid_names(tmp_path: Path) -> None:
    from smartspec.render import render
    from tests.content.test_helpers import plan_for

    plan = plan_for("pay-th", "Card payments through 2C2P with a PostgreSQL ledger", tmp_path,
                    profile="financial")
    text = render(plan)
    names = _configuration_names(text)
    assert "TWO_C2P_API_KEY" in names
    assert [n for n in names if not ENV_NAME_RE.fullmatch(n)] == []
    # Code identifiers cannot start with a digit either.
    assert not re.search(r"\b2C2P\w*Gateway\b|\b2c2p\w*Gateway\b", text)
