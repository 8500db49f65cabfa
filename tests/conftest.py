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
