"""Reports of a run, from one record of what happened (``RunSummary``): the console text
(``console``), the Markdown report (``markdown``) and the JSON object of design.md §3
(``RunSummary.to_json``). Every sentence people read is in one catalogue per language
(``locales/en.json``, ``locales/th.json``). Pure: data in, text out.

The names below are imported when first asked for: the rules read only the catalogues
(``report.locales``), and a one-spec ``validate`` should not load the run reports with them.
"""

from __future__ import annotations

__all__ = ["RunSummary", "console", "edit_message", "markdown", "restore_console",
           "section_change", "section_change_lines"]

TYPE_CHECKING = False
if TYPE_CHECKING:
    from smartspec.report.console import (
        console,
        edit_message,
        restore_console,
        section_change,
        section_change_lines,
    )
    from smartspec.report.markdown import markdown
    from smartspec.report.summary import RunSummary
else:
    def __getattr__(name: str) -> object:
        if name not in __all__:
            raise AttributeError(f"module 'smartspec.report' has no attribute {name!r}")
        # All at once, as the eager imports did: ``console`` and ``markdown`` are also the
        # names of submodules, which importing them binds here until the functions replace
        # them.
        import sys

        names = globals()
        for home in ("summary", "markdown", "console"):
            # As importlib.import_module, without loading importlib and warnings.
            __import__(f"smartspec.report.{home}")
            module = sys.modules[f"smartspec.report.{home}"]
            names.update((key, getattr(module, key)) for key in __all__ if hasattr(module, key))
        return names[name]
