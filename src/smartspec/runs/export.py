"""``smartspec export openapi|asyncapi``: read a spec and return the contract document's text.

Writes nothing by itself: the command prints the text, or hands it to ``Workspace.write_file`` when
``--output`` names a file inside the project root.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from smartspec.errors import UsageError

FORMATS = ("yaml", "json")
KINDS = ("openapi", "asyncapi")


def export_document(kind: str, spec: str | os.PathLike[str], *,
                    cwd: Path | None = None) -> dict[str, Any]:
    """The OpenAPI (or AsyncAPI) document of the spec ``spec`` names."""
    from smartspec.runs.plan import load_spec

    _, _, facts = load_spec(spec, cwd)
    if kind == "asyncapi":
        from smartspec.contract.asyncapi import build as build_async

        if not facts.has_messaging:
            raise UsageError(f"{facts.path}: the spec names no message broker or consumers "
                             "(a Messaging row in the Technology Stack table or a worker in "
                             "the Components table); expected one for 'export asyncapi'")
        return build_async(facts)
    from smartspec.contract.openapi import build

    if not facts.endpoints:
        raise UsageError(f"{facts.path}: the spec defines no endpoints (METHOD /path in its "
                         "Architecture or API section); nothing to export as OpenAPI")
    return build(facts)


def render(document: dict[str, Any], fmt: str) -> str:
    from smartspec.contract.openapi import to_json, to_yaml

    return to_json(document) if fmt == "json" else to_yaml(document)


def write_output(text: str, output: Path, cwd: Path | None = None) -> Path:
    """Write ``text`` to ``output`` (inside the project root, never through a symlink)."""
    from smartspec.errors import WorkspaceError
    from smartspec.fsutil import find_root, inside_root
    from smartspec.workspace import Workspace

    here = (cwd or Path.cwd()).resolve()
    root = find_root(here)
    given = output if output.is_absolute() else here / output
    if given.is_symlink():
        raise WorkspaceError(f"--output {str(output)!r} is a symbolic link; smartspec never "
                             "writes through one")
    path = Path(inside_root(root, given, what="--output"))
    if path.is_dir():
        raise UsageError(f"--output {str(output)!r} is a directory; expected a file name")
    try:
        Workspace.write_file(path, text)
    except OSError as exc:
        raise WorkspaceError(f"--output {str(output)!r}: cannot be written ({exc.strerror})") \
            from None
    return path
