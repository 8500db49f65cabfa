"""The schema and code views the semantic rules share (rules/schema.py, rules/code.py), held to
what they gave before they were made cheaper: each answer here is the one the earlier form
of the view gave."""

from __future__ import annotations

from smartspec import document
from smartspec.rules import schema, semantic
from smartspec.rules.context import Context

FENCE = "`" * 3


def _context(text: str) -> Context:
    return Context(document.parse(text), path="spec.md", matchers={}, text=text)


def test_json_objects_give_every_object_in_document_order_with_its_keys_lines() -> None:
    text = (f"# Orders\n\n{FENCE}json\n"
            '{\n  "id": "o1",\n  "items": [\n    {"sku": "A", "qty": 1},\n'
            '    {"sku": "B", "qty" : 2}\n  ],\n  "customer": {\n    "id": "c1"\n  },\n'
            '  "total": "3.00"\n}\n'
            f"{FENCE}\n\n{FENCE}http\nPOST /orders HTTP/1.1\nHost: example.com\n\n"
            '{"sku": "C"}\n'
            f"{FENCE}\n")
    objects = schema.json_objects(_context(text))
    assert [list(obj.values) for obj in objects] == [
        ["id", "items", "customer", "total"], ["sku", "qty"], ["sku", "qty"], ["id"], ["sku"]]
    assert [obj.block for obj in objects] == [0, 0, 0, 0, 1]
    # Keys are looked for object by object, each object's own keys before its children's,
    # each from the line of the key before it on: a child written above its parent's last
    # key has that key's line (what the view always gave; a finding needs a line, not the
    # exact one).
    assert [{key: obj.line_of(key) for key in obj.values} for obj in objects] == [
        {"id": 4, "items": 5, "customer": 9, "total": 12}, {"sku": 12, "qty": 12},
        {"sku": 12, "qty": 12}, {"id": 12}, {"sku": 20}]

def test_a_key_json_would_write_otherwise_keeps_the_line_of_the_key_before_it() -> None:
    # json writes "é" as "\u00e9": not found in the text, the previous key's line stands.
    text = f'# A\n\n{FENCE}json\n{{\n  "id": 1,\n  "é": 2\n}}\n{FENCE}\n'
    [obj] = schema.json_objects(_context(text))
    assert obj.line_of("id") == 4
    assert obj.line_of("é") == 4


def test_json_bodies_that_do_not_parse_or_hold_no_object_give_none() -> None:
    text = (f"# A\n\n{FENCE}json\n{{ not json\n{FENCE}\n\n{FENCE}json\n[1, \"two\"]\n{FENCE}\n"
            f"\n{FENCE}json\n// a comment\n{{\"a\": 1,\n  ...\n}}\n{FENCE}\n")
    objects = schema.json_objects(_context(text))
    assert [(obj.values, obj.block) for obj in objects] == [({"a": 1}, 2)]


def test_code_without_a_dot_is_not_read_for_interface_coverage() -> None:
    # Every call the rule judges is written "receiver.method(": without a "." in any code
    # block there is none, and the declarations are not read.
    dotless = (f"# A\n\n{FENCE}typescript\ninterface Repo {{ save(): void }}\n"
               f"class Service {{ constructor(private readonly repo: Repo) {{}} }}\n{FENCE}\n")
    ctx = _context(dotless)
    assert list(semantic.interface_coverage(ctx)) == []
    assert "code" not in ctx.memo
    calling = dotless.replace("{}", "{ repo.load(); }")
    ctx = _context(calling)
    [hit] = semantic.interface_coverage(ctx)
    assert hit.message_id == "interface-missing-method" and hit.args["call"] == "repo.load()"
    assert "code" in ctx.memo


def test_only_blocks_that_may_declare_are_read_for_tables() -> None:
    # A DDL word as a name declares nothing; every declaration holds "table" or "as enum"
    # in some case, and a DDL word spelled as the block's own search spells it.
    assert not schema._may_declare('{"id": "o1", "created_at": "2024-01-01"}')
    assert not schema._may_declare("await repo.create(order);")
    assert not schema._may_declare("| table | holds |")  # no DDL word
    assert schema._may_declare("create TaBlE t (id int);")
    assert schema._may_declare("CREATE TYPE s AS ENUM ('A');")
    assert schema._may_declare("ALTER TABLE t ADD COLUMN c int;")
    text = (f"# A\n\n{FENCE}json\n{{\"created_at\": 1}}\n{FENCE}\n\n"
            f"{FENCE}sql\nCreate Table orders (\n  id uuid,\n  status text CHECK (status IN "
            f"('A', 'B'))\n);\n{FENCE}\n")
    found = schema.tables(_context(text))
    assert list(found) == ["orders"]
    assert list(found["orders"].columns) == ["id", "status"]
    assert found["orders"].allowed == {"status": {"A", "B"}}
    assert found["orders"].line == 7
