"""SPEC_INDEX.json: the index of every spec in a project, one job per module.

``model``    the entries, findings and constants, and the operations on them (no file access)
``locate``   where the file is, and its ids from the small ids file (without reading it)
``migrate``  reading the file in any shape it was ever written in, migrated in memory
``schema``   the text smartspec writes (schema 1, or the shape found) and its JSON Schema
``extract``  the fields a spec file states about itself
``build``    incremental builds from the specs tree: a stat walk, then a merge
``state``    the scan state on disk (a manifest for the stat walk, one entry record per spec,
             the index's ids) that lets a rebuild skip unchanged files
``splice``   an edit of existing specs applied to the index text in place
``check``    ``index --check``: the index against the files it names
``graph``    dependency cycles and the graph as Mermaid or DOT

Nothing here writes or locks: ``runs/index.py`` runs ``smartspec index`` and hands what this
package returns (the index text, the scan state's bytes) to ``Workspace``, the only writer.

The names below are importable from ``smartspec.index`` itself; each submodule is loaded on
first use, so a command that only reads an index does not load the builder or the checker.
"""

from __future__ import annotations

import sys

# typing costs a few ms to import; ``smartspec index`` with nothing changed (index.quiet) must
# not pay for it.
TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

    from smartspec.index.build import build_index, spec_files
    from smartspec.index.check import check_index
    from smartspec.index.extract import entry_from_spec, merge_entry, public_fields, spec_fields
    from smartspec.index.graph import dependency_graph, find_cycles, graph_parts, render_graph
    from smartspec.index.locate import index_candidates, locate_index
    from smartspec.index.migrate import _parse_any, _parse_plain_v1, load_index, parse_index
    from smartspec.index.model import (
        CHECKS,
        DEFAULT_ID_PATTERN,
        ID_RE,
        INDEX_FILE,
        INDEX_SCHEMA_VERSION,
        SHAPE_NAMES,
        TITLE_PREFIX_RE,
        IndexEntry,
        IndexFinding,
        ScanReport,
        SpecIndex,
        normalize_path,
        upsert_entry,
    )
    from smartspec.index.related import ResolvedDependency, related_groups, resolve_dependencies
    from smartspec.index.schema import dump_as_found, dump_index, index_json_schema

__all__ = [
    "CHECKS",
    "DEFAULT_ID_PATTERN",
    "ID_RE",
    "INDEX_FILE",
    "INDEX_SCHEMA_VERSION",
    "SHAPE_NAMES",
    "TITLE_PREFIX_RE",
    "IndexEntry",
    "IndexFinding",
    "ResolvedDependency",
    "ScanReport",
    "SpecIndex",
    "_parse_any",
    "_parse_plain_v1",
    "build_index",
    "check_index",
    "dependency_graph",
    "dump_as_found",
    "dump_index",
    "entry_from_spec",
    "find_cycles",
    "graph_parts",
    "index_candidates",
    "index_json_schema",
    "load_index",
    "locate_index",
    "merge_entry",
    "normalize_path",
    "parse_index",
    "public_fields",
    "related_groups",
    "render_graph",
    "resolve_dependencies",
    "spec_fields",
    "spec_files",
    "upsert_entry",
]

_HOMES = {
    "build": ("build_index", "spec_files"),
    "check": ("check_index",),
    "extract": ("entry_from_spec", "merge_entry", "public_fields", "spec_fields"),
    "graph": ("dependency_graph", "find_cycles", "graph_parts", "render_graph"),
    "locate": ("index_candidates", "locate_index"),
    "migrate": ("_parse_any", "_parse_plain_v1", "load_index", "parse_index"),
    "model": ("CHECKS", "DEFAULT_ID_PATTERN", "ID_RE", "INDEX_FILE", "INDEX_SCHEMA_VERSION",
              "SHAPE_NAMES", "TITLE_PREFIX_RE", "IndexEntry", "IndexFinding",
              "ScanReport", "SpecIndex", "normalize_path", "upsert_entry"),
    "related": ("ResolvedDependency", "related_groups", "resolve_dependencies"),
    "schema": ("dump_as_found", "dump_index", "index_json_schema"),
}
_WHERE = {name: module for module, names in _HOMES.items() for name in names}


def __getattr__(name: str) -> Any:
    module = _WHERE.get(name)
    if module is None:
        raise AttributeError(f"module 'smartspec.index' has no attribute {name!r}")
    home = f"smartspec.index.{module}"
    __import__(home)  # as importlib.import_module, without loading importlib and warnings
    return getattr(sys.modules[home], name)
