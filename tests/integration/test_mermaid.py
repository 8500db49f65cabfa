"""Every Mermaid diagram of every generated spec parses with Mermaid's own parser (under
Node), and each erDiagram shows exactly the tables, columns, keys and relations of the
spec's SQL (issue 3, reference §13.1.2)."""

from __future__ import annotations

import json
import subprocess
from functools import cache
from pathlib import Path
from typing import Any

import pytest

from tests.content.specs import ALL_CASES, columns_of, fences, foreign_keys_of, spec, sql_of, tables_of

pytestmark = pytest.mark.node


@cache
def _parse_all(tools: Path) -> dict[str, list[dict[str, Any]]]:
    """case -> the parser's result for each of its diagrams (one Node run for all specs)."""
    owners: list[str] = []
    sources: list[str] = []
    for name in ALL_CASES:
        for body in fences(spec(name), "mermaid"):
            owners.append(name)
            sources.append(body)
    run = subprocess.run(["node", str(tools / "mermaid-parse.mjs")], input=json.dumps(sources),
                         capture_output=True, text=True, timeout=300, check=False, cwd=tools)
    assert run.returncode == 0, f"mermaid-parse.mjs failed: {run.stderr[-2000:]}"
    results: dict[str, list[dict[str, Any]]] = {name: [] for name in ALL_CASES}
    for owner, result in zip(owners, json.loads(run.stdout), strict=True):
        results[owner].append(result)
    return results


@pytest.fixture(scope="module")
def parsed(node_tools: Path) -> dict[str, list[dict[str, Any]]]:
    return _parse_all(node_tools)


def test_the_parser_rejects_a_broken_diagram(node_tools: Path) -> None:
    run = subprocess.run(["node", str(node_tools / "mermaid-parse.mjs")],
                         input=json.dumps(["erDiagram\n  a ||--o{ : broken", "flowchart LR\n  A --> B"]),
                         capture_output=True, text=True, timeout=120, check=True, cwd=node_tools)
    broken, fine = json.loads(run.stdout)
    assert not broken["ok"] and "Parse error" in broken["error"]
    assert fine["ok"] and fine["type"].startswith("flowchart")


@pytest.mark.parametrize("name", sorted(ALL_CASES))
def test_every_diagram_parses(parsed: dict[str, list[dict[str, Any]]], name: str) -> None:
    failures = [r["error"] for r in parsed[name] if not r["ok"]]
    assert not failures, f"{name}: {failures}"


ER_CASES = sorted(name for name in ALL_CASES if sql_of(spec(name)))


@pytest.mark.parametrize("name", ER_CASES)
def test_er_diagram_matches_the_sql(parsed: dict[str, list[dict[str, Any]]], name: str) -> None:
    blocks = sql_of(spec(name))
    er = [r for r in parsed[name] if r["ok"] and r["type"] == "er"]
    assert len(er) == 1, f"{name}: expected one erDiagram next to the SQL, found {len(er)}"
    diagram = er[0]
    assert sorted(diagram["entities"]) == sorted(tables_of(blocks))
    columns = columns_of(blocks)
    for table, attributes in diagram["entities"].items():
        assert [a["name"] for a in attributes] == columns[table], f"{name}: columns of {table}"
    fks = foreign_keys_of(blocks)
    for parent, child, column in fks:
        keys = next(a["keys"] for a in diagram["entities"][child] if a["name"] == column)
        assert "FK" in keys, f"{name}: {child}.{column} references {parent} but is not marked FK"
    drawn = sorted((r["from"], r["to"]) for r in diagram["relationships"])
    assert drawn == sorted((parent, child) for parent, child, _ in fks), f"{name}: relations"
