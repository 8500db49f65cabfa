"""smartspec: write, edit, validate and index service specifications, offline and deterministically."""

from __future__ import annotations

__version__ = "5.0.0"
__all__ = ["__version__"]
