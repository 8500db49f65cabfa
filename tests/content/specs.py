"""Generated specs for the content checks, rendered once per test session, and the pieces the
checks read out of them (fenced blocks, sections, DDL facts)."""

from __future__ import annotations

import re
from functools import cache

from tests.content.cases import CASES
from tests.golden_cases import CASES as GOLDEN_CASES
from tests.helpers import render_case

# Every case: the content cases plus the lead's golden cases (prefixed "golden-").
ALL_CASES: dict[str, list[str]] = {**CASES, **{f"golden-{k}": v for k, v in GOLDEN_CASES.items()}}

FENCE_RE = re.compile(r"^```(?P<lang>[\w+-]*)\n(?P<body>.*?)^```$", re.MULTILINE | re.DOTALL)
CREATE_TABLE_RE = re.compile(r"^CREATE TABLE (\w+) \((?!.*PARTITION OF)", re.MULTILINE)
PARTITION_RE = re.compile(r"^CREATE TABLE (\w+) PARTITION OF (\w+)", re.MULTILINE)
FK_RE = re.compile(r"^  (\w+) .*REFERENCES (\w+)\((\w+)\)", re.MULTILINE)


@cache
def spec(name: str) -> str:
    return render_case(ALL_CASES[name])


def fences(text: str, lang: str) -> list[str]:
    return [m.group("body") for m in FENCE_RE.finditer(text) if m.group("lang") == lang]


def sql_of(text: str) -> list[str]:
    return fences(text, "sql")


def tables_of(sql_blocks: list[str]) -> list[str]:
    """Tables created by the DDL, partitions excluded, in order."""
    return [name for block in sql_blocks for name in CREATE_TABLE_RE.findall(block)]


def foreign_keys_of(sql_blocks: list[str]) -> set[tuple[str, str, str]]:
    """(parent table, child table, child column) for every REFERENCES in the DDL."""
    found = set()
    for block in sql_blocks:
        for table_sql in re.split(r"^(?=CREATE TABLE )", block, flags=re.MULTILINE):
            head = CREATE_TABLE_RE.match(table_sql)
            if head is None:
                continue
            body = table_sql.split("\n);", 1)[0]
            for column, parent, _ in FK_RE.findall(body):
                found.add((parent, head.group(1), column))
    return found


def columns_of(sql_blocks: list[str]) -> dict[str, list[str]]:
    """table -> its column names in order, from the DDL."""
    result: dict[str, list[str]] = {}
    for block in sql_blocks:
        for table_sql in re.split(r"^(?=CREATE TABLE )", block, flags=re.MULTILINE):
            head = CREATE_TABLE_RE.match(table_sql)
            if head is None:
                continue
            body = table_sql.split("\n)", 1)[0].split("\n")[1:]
            names = []
            for line in body:
                word = line.strip().split(" ", 1)[0]
                if word and word.upper() not in ("CONSTRAINT", "PRIMARY", "UNIQUE", "CHECK", "--"):
                    names.append(word)
            result[head.group(1)] = names
    return result


def sections(text: str) -> dict[str, str]:
    """'## N. Title' -> body, for every numbered section (title without the number)."""
    found: dict[str, str] = {}
    parts = re.split(r"^## \d+\. (.+)$", text, flags=re.MULTILINE)
    for title, body in zip(parts[1::2], parts[2::2], strict=True):
        found[title.strip()] = body
    return found


def section(text: str, prefix: str) -> str:
    """The body of the first section whose title starts with ``prefix`` ('' if none)."""
    return next((body for title, body in sections(text).items() if title.startswith(prefix)), "")
