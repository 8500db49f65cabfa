"""The SQL of generated specs runs on a real PostgreSQL server (issue 3, reference §13.1.2).

For every financial/fintech combination: the ```sql blocks apply in order to an empty
database, every table exists, a row can be inserted into each, UPDATE, DELETE and TRUNCATE
on the ledger fail, the hash chain links entries, a negative balance is rejected, and
transaction-log rows land in partitions. Every other generated spec's SQL must apply and
accept rows too.
"""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass, field

import pytest

from tests.content.cases import FINANCIAL
from tests.content.specs import ALL_CASES, spec, sql_of, tables_of
from tests.integration.conftest import PgServer

pytestmark = pytest.mark.postgres

# Compact specs have five sections and no schema (reference §3.2).
_GOLDEN_FINANCIAL = [n for n, argv in ALL_CASES.items()
                     if n.startswith("golden-") and "--profile=financial" in argv]
FINANCIAL_CASES = [name for name in (*FINANCIAL, *_GOLDEN_FINANCIAL)
                   if "--mode=compact" not in ALL_CASES[name]]
OTHER_CASES = [name for name in ALL_CASES
               if name not in FINANCIAL_CASES and sql_of(spec(name))]


@dataclass
class Column:
    name: str
    type: str  # udt name: uuid, numeric, varchar, bpchar, timestamptz ...
    nullable: bool
    has_default: bool
    generated: bool
    length: int | None
    position: int


@dataclass
class Table:
    name: str
    columns: list[Column] = field(default_factory=list)
    parents: dict[str, tuple[str, str]] = field(default_factory=dict)  # column -> (table, column)
    first_allowed: dict[str, str] = field(default_factory=dict)  # column -> a value its CHECK allows


def catalog(pg: PgServer, db: str) -> dict[str, Table]:
    """Tables (partitions excluded) with their columns, foreign keys and IN-list checks."""
    tables: dict[str, Table] = {}
    for name, in pg.rows("SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
                         "WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p') AND NOT c.relispartition "
                         "ORDER BY c.oid", db=db):
        tables[name] = Table(name)
    for row in pg.rows(
            "SELECT table_name, column_name, udt_name, is_nullable, column_default IS NOT NULL, "
            "is_generated <> 'NEVER' OR is_identity = 'YES', coalesce(character_maximum_length, 0), "
            "ordinal_position FROM information_schema.columns WHERE table_schema = 'public' "
            "ORDER BY table_name, ordinal_position", db=db):
        table, column, udt, nullable, has_default, generated, length, position = row
        if table in tables:
            tables[table].columns.append(Column(column, udt, nullable == "YES", has_default == "t",
                                                generated == "t", int(length) or None, int(position)))
    for child, column, parent, parent_column in pg.rows(
            "SELECT c.conrelid::regclass::text, a.attname, c.confrelid::regclass::text, af.attname "
            "FROM pg_constraint c "
            "JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = c.conkey[1] "
            "JOIN pg_attribute af ON af.attrelid = c.confrelid AND af.attnum = c.confkey[1] "
            "WHERE c.contype = 'f' AND c.conparentid = 0", db=db):
        if child in tables:
            tables[child].parents[column] = (parent, parent_column)
    for table, definition in pg.rows(
            "SELECT conrelid::regclass::text, pg_get_constraintdef(oid) FROM pg_constraint "
            "WHERE contype = 'c' AND conparentid = 0", db=db):
        # "status IN ('A', 'B')" reads back as "= ANY (ARRAY['A', ...])"; one value as "= 'A'".
        match = (re.search(r"\(\(?(\w+)\)?(?:::[\w ]+)? = ANY \(\(?ARRAY\['([^']*)'", definition)
                 or re.search(r"\(\(?(\w+)\)?(?:::[\w ]+)? = '([^']*)'", definition))
        if match and table in tables:
            tables[table].first_allowed[match.group(1)] = match.group(2)
    return tables


def _parents_first(tables: dict[str, Table]) -> list[Table]:
    ordered: list[Table] = []

    def visit(table: Table, trail: tuple[str, ...]) -> None:
        if table in ordered or table.name in trail:
            return
        for column, (parent, _) in table.parents.items():
            required = not next(c for c in table.columns if c.name == column).nullable
            if parent != table.name and parent in tables and required:
                visit(tables[parent], (*trail, table.name))
        ordered.append(table)

    for table in tables.values():
        visit(table, ())
    return ordered


def _literal(column: Column) -> str:
    """A value of the column's type that ordinary CHECK constraints accept. Times grow with
    the column's position, so "end after start" checks hold."""
    kind = column.type
    if kind == "uuid":
        return f"'{uuid.uuid4()}'"
    if kind in ("numeric", "float8", "float4"):
        return "1"  # inside every range a CHECK states: amounts, coordinates, distances
    if kind in ("int2", "int4", "int8"):
        return "1"
    if kind == "bpchar":
        return "'" + "a" * (column.length or 1) + "'"
    if kind in ("varchar", "text"):
        text = f"{column.name}-{uuid.uuid4().hex}"
        return "'" + text[: column.length or len(text)] + "'"
    if kind == "timestamptz" or kind == "timestamp":
        return f"TIMESTAMPTZ '2026-01-01 00:00:00+00' + INTERVAL '{column.position} days'"
    if kind == "date":
        return f"DATE '2026-01-01' + {column.position}"
    if kind == "jsonb" or kind == "json":
        return "'{}'"
    if kind == "inet":
        return "'127.0.0.1'"
    if kind == "bool":
        return "true"
    if kind == "bytea":
        return "'\\x00'"
    raise AssertionError(f"no sample value for type {kind} ({column.name})")


def insert_one_row_each(pg: PgServer, db: str, tables: dict[str, Table]) -> dict[str, dict[str, str]]:
    """Insert one row into every table, parents first; return the values used per table."""
    rows: dict[str, dict[str, str]] = {}
    for table in _parents_first(tables):
        values: dict[str, str] = {}
        for column in table.columns:
            if column.generated:
                continue
            parent = table.parents.get(column.name)
            if parent and parent[0] in rows and parent[1] in rows[parent[0]]:
                values[column.name] = rows[parent[0]][parent[1]]
            elif parent and column.nullable:
                continue
            elif column.name in table.first_allowed:
                values[column.name] = f"'{table.first_allowed[column.name]}'"
            elif column.type == "uuid" and not column.nullable:
                values[column.name] = _literal(column)  # ids are given so children can use them
            elif not column.nullable and not column.has_default:
                values[column.name] = _literal(column)
        sql = (f"INSERT INTO {table.name} ({', '.join(values)}) "
               f"VALUES ({', '.join(values.values())});")
        result = pg.psql(sql, db=db, check=False)
        assert result.returncode == 0, f"insert into {table.name} failed: {result.stderr.strip()}\n{sql}"
        rows[table.name] = values
    return rows


def apply_spec_sql(pg: PgServer, name: str) -> tuple[str, list[str]]:
    blocks = sql_of(spec(name))
    assert blocks, f"{name}: the spec has no ```sql blocks"
    db = pg.fresh_database(f"spec_{name}")
    for position, block in enumerate(blocks, start=1):
        result = pg.psql(block, db=db, check=False)
        assert result.returncode == 0, (
            f"{name}: sql block {position} failed on PostgreSQL {pg.major}: "
            f"{result.stderr.strip()}\n{block}")
    return db, tables_of(blocks)


@pytest.mark.parametrize("name", FINANCIAL_CASES)
def test_financial_schema_is_enforced_by_postgresql(postgres: PgServer, name: str) -> None:
    db, expected = apply_spec_sql(postgres, name)
    tables = catalog(postgres, db)
    assert sorted(tables) == sorted(expected), "the tables in the database differ from the DDL"
    for required in ("ledger", "transaction_log", "saga_state"):
        assert required in tables, f"{name}: no {required} table"

    rows = insert_one_row_each(postgres, db, tables)

    # The ledger is append-only, whoever asks.
    for statement in ("UPDATE ledger SET description = 'changed';", "DELETE FROM ledger;",
                      "TRUNCATE ledger CASCADE;"):
        result = postgres.psql(statement, db=db, check=False)
        assert result.returncode != 0, f"{name}: '{statement}' succeeded on the ledger"
        assert "append-only" in result.stderr, result.stderr

    # The database links entries into a hash chain and can verify it.
    account = rows["ledger"]["account_id"]
    tenant = ", tenant_id" if "tenant_id" in rows["ledger"] else ""
    postgres.psql(
        f"INSERT INTO ledger (account_id, transaction_type, amount, balance_after, created_by{tenant}) "
        f"SELECT account_id, 'DEBIT', 40, 60, created_by{tenant} FROM ledger;", db=db)
    chain = postgres.rows(f"SELECT hash, previous_hash FROM ledger WHERE account_id = {account} "
                          "ORDER BY entry_no", db=db)
    assert len(chain) == 2 and chain[1][1] == chain[0][0] and chain[0][1] == ""
    assert all(re.fullmatch(r"[0-9a-f]{64}", h) for h, _ in chain)
    assert postgres.rows(f"SELECT count(*) FROM ledger_broken_links({account});", db=db) == [["0"]]

    # A negative balance is rejected by a CHECK constraint; a spec without stored value
    # (no credits, no wallet) has no balance table, and its ledger rejects a zero amount.
    balance = next((t for t in tables.values()
                    if {"balance", "reserved_balance"} <= {c.name for c in t.columns}), None)
    checks = ((f"UPDATE {balance.name} SET balance = -1;",
               f"UPDATE {balance.name} SET reserved_balance = balance + 1;") if balance
              else (f"INSERT INTO ledger (account_id, transaction_type, amount, balance_after, "
                    f"created_by{tenant}) SELECT account_id, 'DEBIT', 0, 60, created_by{tenant} "
                    "FROM ledger LIMIT 1;",))
    for statement in checks:
        result = postgres.psql(statement, db=db, check=False)
        assert result.returncode != 0 and "check constraint" in result.stderr, (
            f"{name}: '{statement}' was accepted")

    # Transaction-log rows land in partitions: the month's own, or the default one.
    months = postgres.rows("SELECT c.relname FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid "
                           "WHERE i.inhparent = 'transaction_log'::regclass ORDER BY 1", db=db)
    monthly = sorted(m[0] for m in months if re.fullmatch(r"transaction_log_\d{4}_\d{2}", m[0]))
    assert monthly and ["transaction_log_default"] in months
    year, month = monthly[0].split("_")[-2:]
    for moment in (f"TIMESTAMPTZ '{year}-{month}-15 12:00:00+00'", "NOW()"):
        postgres.psql(
            "INSERT INTO transaction_log "
            f"(transaction_id, account_id, event_type, status, created_at{tenant}) "
            f"SELECT gen_random_uuid(), account_id, 'CREATED', 'PENDING', {moment}{tenant} "
            "FROM ledger ORDER BY entry_no LIMIT 1;", db=db)
    landed = postgres.rows("SELECT tableoid::regclass::text, to_char(created_at, 'YYYY_MM') "
                           "FROM transaction_log", db=db)
    assert all(where != "transaction_log" for where, _ in landed)
    assert [f"transaction_log_{year}_{month}", f"{year}_{month}"] in landed
    result = postgres.psql("DELETE FROM transaction_log;", db=db, check=False)
    assert result.returncode != 0 and "append-only" in result.stderr

    # A month whose partition is created late: its rows already sit in the default partition,
    # and the partition job's function moves them into the new partition.
    postgres.psql(
        "INSERT INTO transaction_log "
        f"(transaction_id, account_id, event_type, status, created_at{tenant}) "
        f"SELECT gen_random_uuid(), account_id, 'CREATED', 'PENDING', "
        f"TIMESTAMPTZ '2031-07-04 10:00:00+00'{tenant} FROM ledger ORDER BY entry_no LIMIT 1;",
        db=db)
    assert postgres.rows("SELECT tableoid::regclass::text FROM transaction_log "
                         "WHERE created_at >= '2031-07-01'", db=db) == [["transaction_log_default"]]
    postgres.psql("SELECT transaction_log_add_month(DATE '2031-07-01');", db=db)
    assert postgres.rows("SELECT tableoid::regclass::text FROM transaction_log "
                         "WHERE created_at >= '2031-07-01'", db=db) == [["transaction_log_2031_07"]]
    result = postgres.psql("DELETE FROM transaction_log_2031_07;", db=db, check=False)
    assert result.returncode != 0 and "append-only" in result.stderr


@pytest.mark.parametrize("name", OTHER_CASES)
def test_entity_schema_applies_and_accepts_rows(postgres: PgServer, name: str) -> None:
    db, expected = apply_spec_sql(postgres, name)
    tables = catalog(postgres, db)
    assert sorted(tables) == sorted(expected)
    insert_one_row_each(postgres, db, tables)


def test_saas_schema_isolates_tenants(postgres: PgServer) -> None:
    db, _ = apply_spec_sql(postgres, "domain-saas")
    tables = catalog(postgres, db)
    rows = insert_one_row_each(postgres, db, tables)
    tenant_tables = [t for t in tables.values() if "tenant_id" in {c.name for c in t.columns}]
    assert tenant_tables, "no table carries tenant_id"
    postgres.psql("CREATE ROLE app LOGIN; GRANT SELECT ON ALL TABLES IN SCHEMA public TO app;", db=db)
    target = tenant_tables[0].name
    tenant = rows[target]["tenant_id"]
    own = postgres.rows(f"SET ROLE app; SET app.tenant_id = {tenant}; SELECT count(*) FROM {target};", db=db)
    other = postgres.rows(f"SET ROLE app; SET app.tenant_id = '{uuid.uuid4()}'; "
                          f"SELECT count(*) FROM {target};", db=db)
    assert own == [["1"]] and other == [["0"]]
