"""Shared fixtures. Tests never depend on the wall clock: SOURCE_DATE_EPOCH pins it."""

from __future__ import annotations

from pathlib import Path

import pytest


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """An empty project root (a folder with .smartspec/ would also be found as the root)."""
    root = tmp_path / "project"
    root.mkdir()
    return root
