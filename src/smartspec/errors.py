"""Typed errors. The core raises them; ``cli`` maps each to one exit code in one place."""

from __future__ import annotations


class SmartspecError(Exception):
    """Base of every error smartspec raises on purpose. ``exit_code`` is what the CLI returns."""

    exit_code = 2


class UsageError(SmartspecError):
    """A flag, value or argument the user gave is not valid."""


class ConfigError(SmartspecError):
    """A config file is malformed: the message names the file, key path and what was expected."""


class DocumentError(SmartspecError):
    """A spec or index file cannot be read as smartspec expects: names the file and line."""


class WorkspaceError(SmartspecError):
    """A path was refused, a lock timed out, or a file could not be written."""


class ValidationFailed(SmartspecError):
    """Validation found errors and the caller asked to gate on them (exit 1)."""

    exit_code = 1
