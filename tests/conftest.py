"""Shared fixtures. Tests never depend on the wall clock: SOURCE_DATE_EPOCH pins it."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """An empty project root (a folder with .smartspec/ would also be found as the root)."""
    root = tmp_path / "project"
    root.mkdir()
    return root


@pytest.fixture(autouse=True, scope="session")
def _template_cache_in_a_temp_folder(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """Compiled templates go to a per-session folder, not the user's ~/.cache."""
    import os

    saved = os.environ.get("XDG_CACHE_HOME")
    os.environ["XDG_CACHE_HOME"] = str(tmp_path_factory.mktemp("cache"))
    yield
    if saved is None:
        os.environ.pop("XDG_CACHE_HOME", None)
    else:
        os.environ["XDG_CACHE_HOME"] = saved


# -- golden files -------------------------------------------------------------------------------
# One way to regenerate every golden file on purpose: ``pytest --update-goldens``, then review
# the diff. Spec goldens feed the delivery goldens (tests/delivery_cases.py), so after a change
# to the generator run it twice, or once for tests/unit/test_golden.py and tests/content first.


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption("--update-goldens", action="store_true", default=False,
                     help="rewrite every golden file a test compares with (and delete golden "
                          "files no case produces any more); review the diff before committing")


class Golden:
    """Compares a test's output with its golden file, or rewrites the file on
    ``--update-goldens``."""

    def __init__(self, update: bool) -> None:
        self.update = update

    def check(self, path: Path, actual: str) -> None:
        repository = Path(__file__).resolve().parent.parent
        shown = path.relative_to(repository).as_posix() if path.is_relative_to(repository) \
            else str(path)
        if self.update:
            path.parent.mkdir(parents=True, exist_ok=True)
            if not path.exists() or path.read_text(encoding="utf-8") != actual:
                path.write_text(actual, encoding="utf-8")
        assert path.exists(), f"{shown} is missing; run pytest --update-goldens and review it"
        assert actual == path.read_text(encoding="utf-8"), (
            f"output differs from {shown}; if the change is intended, run "
            "pytest --update-goldens and review the diff")

    def no_stale(self, folder: Path, expected: set[str], pattern: str = "*") -> None:
        """Every file (or folder) in ``folder`` matching ``pattern`` is one a case produces;
        with ``--update-goldens`` the others are deleted."""
        import shutil

        found = {p.name: p for p in folder.glob(pattern)}
        stale = sorted(set(found) - expected)
        if self.update:
            for name in stale:
                if found[name].is_dir():
                    shutil.rmtree(found[name])
                else:
                    found[name].unlink()
            stale = []
        assert not stale, (f"golden files no case produces: {', '.join(stale)} in {folder}; "
                           "run pytest --update-goldens to delete them")
        missing = sorted(expected - set(found))
        assert not missing or self.update, f"golden files missing in {folder}: {missing}"


@pytest.fixture
def golden(request: pytest.FixtureRequest) -> Golden:
    return Golden(bool(request.config.getoption("--update-goldens")))
