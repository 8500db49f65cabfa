"""Reports of a run, from one record of what happened (``RunSummary``): the console text
(``console``), the Markdown report (``markdown``) and the JSON object of design.md §3
(``RunSummary.to_json``). Every sentence people read is in one catalogue per language
(``locales/en.json``, ``locales/th.json``). Pure: data in, text out."""

from __future__ import annotations

from smartspec.report.console import (
    console,
    edit_message,
    restore_console,
    section_change,
    section_change_lines,
)
from smartspec.report.markdown import markdown
from smartspec.report.summary import RunSummary

__all__ = ["RunSummary", "console", "edit_message", "markdown", "restore_console",
           "section_change", "section_change_lines"]
