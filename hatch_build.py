"""Build hook: compile smartspec's section templates to Python when a wheel is built.

The compiled modules go into a package of their own, ``_smartspec_templates``, beside
``smartspec`` in the wheel (and in editable installs), so that commands render without
importing Jinja; see ``src/smartspec/template_compiler.py``. A template the compiler leaves
out, or one edited after the build, is rendered by Jinja at run time, with the same result.
"""

from __future__ import annotations

import shutil
import sys
import tempfile
from pathlib import Path
from typing import Any

from hatchling.builders.hooks.plugin.interface import BuildHookInterface


class CompiledTemplatesHook(BuildHookInterface):  # type: ignore[misc]
    PLUGIN_NAME = "custom"

    def initialize(self, version: str, build_data: dict[str, Any]) -> None:
        if self.target_name != "wheel":
            return
        source = Path(self.root) / "src"
        sys.path.insert(0, str(source))
        try:
            from smartspec.template_compiler import PACKAGE, write_package
        finally:
            sys.path.remove(str(source))
        self._out = Path(tempfile.mkdtemp(prefix="smartspec-templates-"))
        skipped = write_package(source / "smartspec" / "templates", self._out)
        for name in skipped:
            self.app.display_warning(f"template {name} is not compiled; Jinja renders it")
        key = "force_include_editable" if version == "editable" else "force_include"
        for path in sorted((self._out / PACKAGE).iterdir()):
            build_data[key][str(path)] = f"{PACKAGE}/{path.name}"

    def finalize(self, version: str, build_data: dict[str, Any], artifact_path: str) -> None:
        out = getattr(self, "_out", None)
        if out is not None:
            shutil.rmtree(out, ignore_errors=True)
