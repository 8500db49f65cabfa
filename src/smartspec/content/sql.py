"""The data model of a spec as tables, rendered both as PostgreSQL 15+ DDL and as a Mermaid
``erDiagram`` from the same objects, so the diagram shows exactly the tables, keys and
relations of the SQL and the two can never disagree.

Financial specs (profile ``financial`` or domain ``fintech``) get the reference's core tables,
made valid and enforced by the database: ``CREATE INDEX`` statements instead of inline
``INDEX``, a range-partitioned transaction log whose partitions accept rows (its primary key
includes the partition key; a DEFAULT partition catches rows outside the monthly ones), a
ledger whose UPDATE, DELETE and TRUNCATE raise and whose hash chain is computed by the
database, and CHECK constraints that keep balances from going negative. Tables the
description names (payment, invoice, subscription, refund, card …) are added; other entities
become plain tables linked to their owner. SaaS specs add a tenant table, a ``tenant_id`` on
every table and row-level security.

Every block lists only tables defined in earlier blocks, so the blocks apply in order.
"""

from __future__ import annotations

from datetime import datetime

from smartspec.content.system import asks_stored_value, currency_for
from smartspec.prose import ascii_letter_runs, oxford
from smartspec.tuples import NamedTuple

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

    from smartspec.model import Entity, SystemModel
    from smartspec.plan import SpecPlan

SQL_DATABASES = frozenset({"PostgreSQL", "MySQL", "SQLite", "TimescaleDB"})
# Entity names that are reserved words in PostgreSQL get another table name.
_TABLE_NAMES = {"user": "app_user", "order": "customer_order"}


class Column(NamedTuple):
    name: str
    type: str  # SQL type as written: UUID, DECIMAL(19,4), VARCHAR(20) ...
    null: bool = False
    default: str | None = None
    check: str | None = None  # column CHECK expression
    unique: bool = False
    references: str | None = None  # "account(id)"
    generated: str | None = None  # GENERATED ALWAYS AS (expr) STORED
    identity: bool = False  # GENERATED ALWAYS AS IDENTITY
    comment: str | None = None

    @property
    def er_type(self) -> str:
        """The type as Mermaid shows it: lower-case, no length or precision."""
        sql_type = self.type
        base = (_without_parentheses(sql_type) if "(" in sql_type else sql_type).strip().lower()
        return _ER_TYPES.get(base) or base.replace(" ", "_")

    @property
    def parent(self) -> str | None:
        return self.references.split("(")[0] if self.references else None

    @property
    def allowed(self) -> list[str]:
        """The values the column's CHECK list allows (``[]`` for a column without one)."""
        return check_values(self.check)


class Table:
    """One table: its columns and keys, and the DDL that comes with it. A plain slotted class
    rather than a dataclass, because a dataclass costs its generated code at import time and
    the builders below fill the lists in place."""

    __slots__ = ("columns", "constraints", "extra", "indexes", "labels", "name", "partition_by",
                 "partitions", "preamble", "primary_key", "purpose", "title")

    def __init__(self, name: str, title: str, purpose: str, columns: list[Column],
                 primary_key: tuple[str, ...] = ("id",), constraints: list[str] | None = None,
                 indexes: list[str] | None = None, partition_by: str | None = None,
                 partitions: list[str] | None = None, extra: list[str] | None = None,
                 labels: dict[str, str] | None = None, preamble: list[str] | None = None) -> None:
        self.name = name
        self.title = title  # "Ledger Table"
        self.purpose = purpose
        self.columns = columns
        self.primary_key = primary_key
        self.constraints = constraints if constraints is not None else []  # CONSTRAINT lines
        self.indexes = indexes if indexes is not None else []  # full CREATE INDEX statements
        self.partition_by = partition_by
        self.partitions = partitions if partitions is not None else []  # ... PARTITION OF
        self.extra = extra if extra is not None else []  # functions, triggers, policies
        self.preamble = preamble if preamble is not None else []  # needed first (an extension)
        self.labels = labels if labels is not None else {}  # FK column -> relation label

    def column(self, name: str) -> Column:
        return next(c for c in self.columns if c.name == name)

    @property
    def foreign_keys(self) -> list[Column]:
        return [c for c in self.columns if c.references]

    def sql(self) -> str:
        """The block of DDL for this table: CREATE TABLE, partitions, indexes, extras."""
        lines: list[str] = [*self.preamble, ""] if self.preamble else []
        entries = [_column_sql(c, self.primary_key) for c in self.columns]
        if len(self.primary_key) > 1:
            entries.append((f"PRIMARY KEY ({', '.join(self.primary_key)})", None))
        entries += [(c, None) for c in self.constraints]
        lines.append(f"CREATE TABLE {self.name} (")
        for position, (text, comment) in enumerate(entries):
            comma = "," if position < len(entries) - 1 else ""
            lines.append(f"  {text}{comma}" + (f" -- {comment}" if comment else ""))
        lines.append(f"){f' PARTITION BY {self.partition_by}' if self.partition_by else ''};")
        # Partitions, then the indexes as one group, then functions, triggers and policies.
        groups = [*self.partitions, "\n".join(self.indexes), *self.extra]
        for group in groups:
            if group:
                lines += ["", group]
        return "\n".join(lines)

    def er_lines(self) -> list[str]:
        """The entity block of the Mermaid erDiagram."""
        fks = {c.name for c in self.foreign_keys}
        lines = [f"    {self.name} {{"]
        for c in self.columns:
            keys = [k for k, on in (("PK", c.name in self.primary_key), ("FK", c.name in fks),
                                    ("UK", c.unique and c.name not in self.primary_key)) if on]
            line = f"        {c.er_type} {c.name}" + (f" {', '.join(keys)}" if keys else "")
            # A status column's states, so that the diagram shows each entity's lifecycle.
            allowed = c.allowed
            lines.append(f'{line} "{", ".join(allowed)}"' if allowed else line)
        lines.append("    }")
        return lines


class Schema:
    """The tables of a spec in the order their DDL applies, and what kind of schema it is."""

    __slots__ = ("balance_table", "financial", "notes", "tables", "tenant")

    def __init__(self, tables: list[Table], financial: bool, tenant: bool,
                 balance_table: str | None = None, notes: list[str] | None = None) -> None:
        self.tables = tables
        self.financial = financial
        self.tenant = tenant
        self.balance_table = balance_table
        self.notes = notes if notes is not None else []

    @property
    def names(self) -> list[str]:
        return [t.name for t in self.tables]

    def get(self, name: str) -> Table | None:
        return next((t for t in self.tables if t.name == name), None)

    def relations(self) -> list[tuple[str, str, str, str]]:
        """(parent, cardinality, child, label) for every foreign key, in table order."""
        found = []
        for table in self.tables:
            for c in table.foreign_keys:
                parent = c.parent
                assert parent is not None
                one_to_one = c.unique or table.primary_key == (c.name,)
                left = "|o" if c.null else "||"
                right = "o|" if one_to_one else "o{"
                label = table.labels.get(c.name) or c.name.removesuffix("_id").replace("_", " ")
                found.append((parent, f"{left}--{right}", table.name, label))
        return found

    def mermaid(self) -> str:
        """The erDiagram: relations first, then one entity block per table."""
        lines = ["erDiagram"]
        lines += [f'    {p} {card} {c} : "{label}"' for p, card, c, label in self.relations()]
        for table in self.tables:
            lines += table.er_lines()
        return "\n".join(lines)


def _column_sql(c: Column, primary_key: tuple[str, ...]) -> tuple[str, str | None]:
    parts = [c.name, c.type]
    if c.identity:
        parts.append("GENERATED ALWAYS AS IDENTITY")
    if c.generated:
        parts.append(f"GENERATED ALWAYS AS ({c.generated}) STORED")
    if primary_key == (c.name,):
        parts.append("PRIMARY KEY")
    elif not c.null and not c.generated:
        parts.append("NOT NULL")
    if c.default is not None:
        parts.append(f"DEFAULT {c.default}")
    if c.unique:
        parts.append("UNIQUE")
    if c.check:
        parts.append(f"CHECK ({c.check})")
    if c.references:
        parts.append(f"REFERENCES {c.references}")
    return " ".join(parts), c.comment


# Types Mermaid would show in two words, as one.
_ER_TYPES = {"double precision": "double", "timestamp with time zone": "timestamptz"}


def _without_parentheses(text: str) -> str:
    """``re.sub(r"\\(.*\\)", "", text)``: on each line, from the first "(" to the last ")"
    after it removed (``DECIMAL(19,4)`` -> ``DECIMAL``)."""
    lines = text.split("\n")
    for index, line in enumerate(lines):
        start, end = line.find("("), line.rfind(")")
        if 0 <= start < end:
            lines[index] = line[:start] + line[end + 1:]
    return "\n".join(lines)


def check_values(check: str | None) -> list[str]:
    """The values a ``col IN ('A', 'B')`` CHECK allows; ``[]`` for any other CHECK (a pattern
    such as ``currency ~ '^[A-Z]{3}$'`` quotes a regex, not a value).

    Read with str operations as the patterns ``\\bIN\\s*\\(([^)]*)\\)`` (the list) and
    ``'([^']+)'`` (its values) say: compiling them cost a run more than every CHECK it reads."""
    text = check or ""
    start = text.find("IN")
    while start >= 0:
        before = text[start - 1:start]
        if not (before.isalnum() or before == "_"):  # ``\b``: no word character before
            after = start + 2
            while after < len(text) and text[after].isspace():
                after += 1
            close = text.find(")", after + 1) if text[after:after + 1] == "(" else -1
            if close >= 0:
                return _quoted(text[after + 1:close])
        start = text.find("IN", start + 1)
    return []


def _quoted(text: str) -> list[str]:
    """``re.findall(r"'([^']+)'", text)``: what each pair of quotes holds, empty pairs
    skipped (their closing quote may open the next pair)."""
    found = []
    start = text.find("'")
    while start >= 0:
        end = text.find("'", start + 1)
        if end < 0:
            break
        if end == start + 1:
            start = end
            continue
        found.append(text[start + 1:end])
        start = text.find("'", end + 1)
    return found


def _before_space(text: str) -> str:
    """``re.sub(r"\\s.*", "", text)``: ``text`` up to its first white space (each line the
    pattern cuts starts at a line feed, itself white space, so all the rest goes)."""
    for index, char in enumerate(text):
        if char.isspace():
            return text[:index]
    return text


def _in(column: str, values: tuple[str, ...]) -> str:
    return f"{column} IN ({', '.join(repr(v) for v in values)})"


def _index(table: str, *columns: str, where: str | None = None, name: str | None = None) -> str:
    label = name or "_".join(_before_space(c) for c in columns)
    text = f"CREATE INDEX idx_{table}_{label} ON {table} ({', '.join(columns)})"
    return text + (f" WHERE {where};" if where else ";")


def _uuid_pk() -> Column:
    return Column("id", "UUID", default="gen_random_uuid()")


def _created() -> Column:
    return Column("created_at", "TIMESTAMPTZ", default="NOW()")


def _updated() -> Column:
    return Column("updated_at", "TIMESTAMPTZ", default="NOW()")


def _status(values: tuple[str, ...], default: str) -> tuple[Column, ...]:
    return (Column("status", "VARCHAR(20)", default=repr(default), check=_in("status", values)),)


# --------------------------------------------------------------------------------------------
# What the description says


class _PaymentFeatures(NamedTuple):
    """The payment features a description asks for, which choose the financial tables."""

    payment: bool
    card: bool
    refund: bool
    invoice: bool
    subscription: bool
    wallet: bool
    currency: str
    providers: tuple[str, ...]
    methods: tuple[str, ...]


PAYMENT_PROVIDERS = ("Stripe", "PromptPay", "PayPal", "Adyen", "Plaid")


def _payment_features(plan: SpecPlan) -> _PaymentFeatures:
    """Read the payment features from the description's words, the external APIs it names and
    the model's entities (an invoice entity asks for invoices even when no word says so)."""
    facts = plan.facts
    words = set(facts.words("fintech")) | set(facts.entities) | {
        w.lower() for _, w in ascii_letter_runs(facts.text)}
    apis = facts.external_apis
    providers = tuple(a for a in apis if a in PAYMENT_PROVIDERS)
    card = bool(words & {"card", "cards"}) or "Stripe" in apis or "Adyen" in apis
    payment = bool(words & {"payment", "payments", "checkout", "refund", "refunds", "card",
                            "cards"}) or bool(providers)
    methods = tuple(dict.fromkeys(
        [*(["CARD"] if card else []), *(["PROMPTPAY"] if "PromptPay" in apis else []),
         *(["PAYPAL"] if "PayPal" in apis else []), "BANK_TRANSFER", "WALLET"]))
    return _PaymentFeatures(
        payment=payment,
        card=card,
        refund=payment and _refund_flow(plan, words),
        invoice=bool(words & {"invoice", "invoices", "billing", "subscription", "subscriptions"})
        or plan.model.entity("invoice") is not None,
        subscription=bool(words & {"subscription", "subscriptions"})
        or plan.model.entity("subscription") is not None,
        wallet="wallet" in words and "credit" not in words,
        currency=currency_for(facts),
        providers=providers,
        methods=methods,
    )


# --------------------------------------------------------------------------------------------
# Financial core: accounts, the ledger and the audit trail


def _financial_tables(plan: SpecPlan, wants: _PaymentFeatures) -> tuple[list[Table], str | None]:
    currency = f"'{wants.currency}'"
    # A balance table exists only where the description asks for stored value (credits, a
    # wallet): a card-payments service keeps payments and a ledger, not customer balances.
    stored = wants.wallet or asks_stored_value(plan.description or "")
    balance = ("wallet_balance" if wants.wallet else "credit_balance") if stored else None
    tables: list[Table] = []
    tables.append(Table(
        "account", "Account Table",
        ("The holder of a balance. " if balance else "The holder of payments and ledger entries. ")
        + "The person behind it lives in the identity service; "
        "`owner_id` is that service's user id.",
        [_uuid_pk(),
         Column("owner_id", "UUID", comment="user id in the identity service"),
         Column("account_number", "VARCHAR(34)", unique=True),
         Column("currency", "CHAR(3)", default=currency, check="currency ~ '^[A-Z]{3}$'"),
         *_status(("ACTIVE", "FROZEN", "CLOSED"), "ACTIVE"),
         Column("version", "INT", default="1", comment="optimistic locking"),
         _created(), _updated()],
        indexes=[_index("account", "owner_id")],
    ))
    if balance is not None:
        tables.append(Table(
            balance, f"{'Wallet' if wants.wallet else 'Credit'} Balance Table",
            "One row per account. Balances never go negative, and money held for a running saga "
            "is reserved, not spent.",
            [Column("account_id", "UUID", references="account(id)"),
             Column("balance", "DECIMAL(19,4)", default="0", check="balance >= 0"),
             Column("reserved_balance", "DECIMAL(19,4)", default="0", check="reserved_balance >= 0"),
             Column("available_balance", "DECIMAL(19,4)", generated="balance - reserved_balance"),
             Column("version", "INT", default="1", comment="optimistic locking"),
             Column("last_updated", "TIMESTAMPTZ", default="NOW()")],
            primary_key=("account_id",),
            constraints=["CONSTRAINT chk_balance_covers_reserved CHECK (balance >= reserved_balance)"],
            labels={"account_id": "has balance"},
        ))
    tables.append(Table(
        "saga_state", "Saga State Table",
        "The persisted state of every saga"
        + (f" (section {_saga.number}, {_saga.title})"
           if (_saga := next((x for x in plan.sections if x.key == "saga"), None)) else "")
        + ": the step it reached, what compensation needs, and when it times out.",
        [Column("saga_id", "UUID", default="gen_random_uuid()"),
         Column("saga_type", "VARCHAR(40)", check=_in("saga_type", (
             ("CREDIT_PURCHASE", "COST_DEDUCTION", *(("REFUND",) if wants.refund else ()),
              "FAILED_PAYMENT_COMPENSATION", "PARTIAL_APPLY")
             if asks_stored_value(plan.description or "")
             else ("PAYMENT", "REFUND") if wants.refund else ("PAYMENT",)))),
         Column("idempotency_key", "VARCHAR(100)", unique=True),
         Column("account_id", "UUID", references="account(id)"),
         Column("current_step", "SMALLINT", default="0", check="current_step >= 0",
                comment="last completed step"),
         Column("step_name", "VARCHAR(50)", null=True),
         *_status(("PENDING", "RUNNING", "COMPLETED", "FAILED", "COMPENSATING", "COMPENSATED",
                   "DEAD_LETTERED"), "PENDING"),
         Column("payload", "JSONB"),
         Column("result", "JSONB", null=True),
         Column("compensation_data", "JSONB", null=True),
         Column("error_message", "TEXT", null=True),
         Column("retry_count", "INT", default="0"),
         Column("max_retries", "INT", default="3"),
         Column("version", "INT", default="1"),
         Column("started_at", "TIMESTAMPTZ", default="NOW()"),
         Column("timeout_at", "TIMESTAMPTZ", default="NOW() + INTERVAL '5 minutes'"),
         Column("completed_at", "TIMESTAMPTZ", null=True),
         _updated()],
        primary_key=("saga_id",),
        constraints=["CONSTRAINT chk_saga_retries CHECK (retry_count >= 0 AND retry_count <= max_retries)"],
        indexes=[_index("saga_state", "saga_type"),
                 _index("saga_state", "account_id"),
                 _index("saga_state", "status", "timeout_at", name="open_timeout",
                        where="status IN ('PENDING', 'RUNNING', 'COMPENSATING')")],
        labels={"account_id": "runs"},
    ))
    tables.append(_ledger_table(balance))
    tables.append(_transaction_log(plan.created, plan.has("testing")))
    tables.append(Table(
        "idempotency_record", "Idempotency Record Table",
        "One row per `Idempotency-Key`: a repeated key returns the stored response instead of "
        "running the operation again.",
        [Column("idempotency_key", "VARCHAR(100)"),
         Column("account_id", "UUID", references="account(id)"),
         Column("request_hash", "CHAR(64)", comment="SHA-256 of method, path and body"),
         Column("saga_id", "UUID", null=True, references="saga_state(saga_id)"),
         *_status(("IN_PROGRESS", "COMPLETED", "FAILED"), "IN_PROGRESS"),
         Column("response_code", "SMALLINT", null=True),
         Column("response_body", "JSONB", null=True),
         _created(),
         Column("expires_at", "TIMESTAMPTZ", default="NOW() + INTERVAL '24 hours'")],
        primary_key=("idempotency_key",),
        constraints=["CONSTRAINT chk_idempotency_expiry CHECK (expires_at > created_at)"],
        indexes=[_index("idempotency_record", "expires_at"),
                 _index("idempotency_record", "account_id")],
        labels={"account_id": "sends", "saga_id": "starts"},
    ))
    return tables, balance


def _ledger_table(balance: str | None) -> Table:
    chain_fn = """CREATE FUNCTION ledger_entry_hash(
  p_previous_hash CHAR(64), p_id UUID, p_account_id UUID, p_type VARCHAR,
  p_amount DECIMAL, p_balance_after DECIMAL, p_reference_id UUID, p_created_at TIMESTAMPTZ
) RETURNS CHAR(64) LANGUAGE sql IMMUTABLE AS $$
  SELECT encode(sha256(convert_to(concat_ws('|',
    coalesce(p_previous_hash, ''), p_id::text, p_account_id::text, p_type,
    p_amount::text, p_balance_after::text, coalesce(p_reference_id::text, ''),
    extract(epoch FROM p_created_at)::text), 'UTF8')), 'hex')
$$;"""
    trigger_fn = """-- Links each entry to the account's previous one and computes its hash. The advisory
-- lock serialises writers per account, so the chain never forks.
CREATE FUNCTION ledger_link_entry() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM pg_advisory_xact_lock(hashtextextended(NEW.account_id::text, 0));
  SELECT l.hash INTO NEW.previous_hash FROM ledger AS l
   WHERE l.account_id = NEW.account_id ORDER BY l.entry_no DESC LIMIT 1;
  NEW.hash := ledger_entry_hash(NEW.previous_hash, NEW.id, NEW.account_id,
    NEW.transaction_type, NEW.amount, NEW.balance_after, NEW.reference_id, NEW.created_at);
  RETURN NEW;
END
$$;

CREATE TRIGGER trg_ledger_link BEFORE INSERT ON ledger
  FOR EACH ROW EXECUTE FUNCTION ledger_link_entry();"""
    immutable = """-- Append-only: any UPDATE, DELETE or TRUNCATE raises, whoever runs it.
CREATE FUNCTION reject_append_only_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION '% is append-only: % is not allowed', TG_TABLE_NAME, TG_OP
    USING ERRCODE = 'insufficient_privilege',
          HINT = 'Record a REVERSAL entry instead of changing history.';
END
$$;

CREATE TRIGGER trg_ledger_append_only BEFORE UPDATE OR DELETE OR TRUNCATE ON ledger
  FOR EACH STATEMENT EXECUTE FUNCTION reject_append_only_change();"""
    verify = """-- Entries whose hash or link does not match: an empty result means the chain is intact.
CREATE FUNCTION ledger_broken_links(p_account_id UUID)
RETURNS TABLE (entry_id UUID, entry_no BIGINT) LANGUAGE sql STABLE AS $$
  SELECT l.id, l.entry_no
  FROM (SELECT e.*, lag(e.hash) OVER (ORDER BY e.entry_no) AS expected_previous
          FROM ledger AS e WHERE e.account_id = p_account_id) AS l
  WHERE l.previous_hash IS DISTINCT FROM l.expected_previous
     OR l.hash <> ledger_entry_hash(l.previous_hash, l.id, l.account_id, l.transaction_type,
                                    l.amount, l.balance_after, l.reference_id, l.created_at)
$$;"""
    return Table(
        "ledger", "Ledger Table",
        "Every money movement as an immutable, hash-chained entry. Corrections are new "
        "REVERSAL entries that point at the entry they reverse; history is never changed. "
        + (f"`balance_after` is the account's `{balance}.balance` after the entry." if balance
           else "`balance_after` is the account's running total after the entry."),
        [_uuid_pk(),
         Column("entry_no", "BIGINT", identity=True, unique=True, comment="chain order"),
         Column("account_id", "UUID", references="account(id)"),
         Column("saga_id", "UUID", null=True, references="saga_state(saga_id)"),
         Column("transaction_type", "VARCHAR(20)", check=_in("transaction_type", (
             "CREDIT", "DEBIT", "PAYMENT", "REFUND", "PARTIAL_DEBIT", "REVERSAL"))),
         Column("amount", "DECIMAL(19,4)", check="amount > 0"),
         Column("balance_after", "DECIMAL(19,4)", check="balance_after >= 0"),
         Column("reference_id", "UUID", null=True, comment="payment, invoice or refund"),
         Column("reversal_of", "UUID", null=True, references="ledger(id)"),
         Column("description", "TEXT", null=True),
         Column("metadata", "JSONB", null=True),
         _created(),
         Column("created_by", "UUID"),
         Column("hash", "CHAR(64)", check="hash ~ '^[0-9a-f]{64}$'",
                comment="SHA-256 of this entry and previous_hash"),
         Column("previous_hash", "CHAR(64)", null=True,
                comment="NULL only for an account's first entry")],
        constraints=["CONSTRAINT uq_ledger_chain UNIQUE NULLS NOT DISTINCT (account_id, previous_hash)"],
        indexes=[_index("ledger", "account_id", "entry_no DESC", name="account_id_entry_no"),
                 _index("ledger", "created_at"),
                 _index("ledger", "reference_id"),
                 _index("ledger", "saga_id")],
        extra=[chain_fn, trigger_fn, immutable, verify],
        labels={"account_id": "records", "saga_id": "posts", "reversal_of": "reverses"},
    )


# The partition job's function. A month's partition cannot simply be created once rows of
# that month sit in the DEFAULT partition (PostgreSQL refuses: the default partition would
# violate its new constraint), so the job detaches the default partition, moves that month's
# rows into the new table, attaches it and re-attaches the default, in one transaction.
# Detaching drops the cloned append-only trigger from the default partition, so the move is
# the only change that ever deletes a row, and attaching clones the trigger back.
_ADD_MONTH = """CREATE FUNCTION transaction_log_add_month(first_day DATE) RETURNS void AS $$
DECLARE
  part TEXT := format('transaction_log_%s', to_char(first_day, 'YYYY_MM'));
  low TIMESTAMPTZ := first_day::timestamp AT TIME ZONE 'UTC';
  high TIMESTAMPTZ := (first_day + INTERVAL '1 month')::timestamp AT TIME ZONE 'UTC';
BEGIN
  ALTER TABLE transaction_log DETACH PARTITION transaction_log_default;
  EXECUTE format('CREATE TABLE %I (LIKE transaction_log INCLUDING DEFAULTS INCLUDING CONSTRAINTS)',
                 part);
  EXECUTE format('INSERT INTO %I SELECT * FROM transaction_log_default '
                 'WHERE created_at >= $1 AND created_at < $2', part) USING low, high;
  DELETE FROM transaction_log_default WHERE created_at >= low AND created_at < high;
  EXECUTE format('ALTER TABLE transaction_log ATTACH PARTITION %I FOR VALUES FROM (%L) TO (%L)',
                 part, low, high);
  ALTER TABLE transaction_log ATTACH PARTITION transaction_log_default DEFAULT;
END;
$$ LANGUAGE plpgsql;"""


def _transaction_log(created: datetime, tested: bool) -> Table:
    months = []
    year, month = created.year, created.month
    for _ in range(3):
        nxt = (year + month // 12, month % 12 + 1)
        months.append(
            f"CREATE TABLE transaction_log_{year:04d}_{month:02d} PARTITION OF transaction_log\n"
            f"  FOR VALUES FROM ('{year:04d}-{month:02d}-01 00:00:00+00') "
            f"TO ('{nxt[0]:04d}-{nxt[1]:02d}-01 00:00:00+00');")
        year, month = nxt
    months.append("-- Rows outside the monthly partitions land here until the partition job "
                  "creates their month.\n"
                  "CREATE TABLE transaction_log_default PARTITION OF transaction_log DEFAULT;")
    return Table(
        # Without a testing section the word "transaction" would call for integration tests
        # the spec cannot have (the transaction consistency rule).
        "transaction_log", "Transaction Log (Audit Trail)" if tested else "Audit Trail Log",
        "Every event of every financial operation, partitioned by month. Its primary key "
        "includes the partition key, as PostgreSQL requires; rows are append-only and leave "
        "only when a whole partition past retention is detached and archived.",
        [Column("id", "UUID", default="gen_random_uuid()"),
         Column("transaction_id", "UUID"),
         Column("account_id", "UUID", references="account(id)"),
         Column("saga_id", "UUID", null=True, references="saga_state(saga_id)"),
         Column("event_type", "VARCHAR(20)", check=_in("event_type", (
             "CREATED", "AUTHORIZED", "COMPLETED", "FAILED", "REFUNDED", "COMPENSATED"))),
         Column("amount", "DECIMAL(19,4)", null=True, check="amount >= 0"),
         Column("status", "VARCHAR(20)"),
         Column("metadata", "JSONB", null=True),
         Column("ip_address", "INET", null=True),
         Column("user_agent", "TEXT", null=True),
         Column("request_id", "VARCHAR(100)", null=True),
         _created()],
        primary_key=("id", "created_at"),
        partition_by="RANGE (created_at)",
        partitions=months,
        indexes=[_index("transaction_log", "transaction_id"),
                 _index("transaction_log", "account_id"),
                 _index("transaction_log", "saga_id"),
                 _index("transaction_log", "created_at")],
        extra=["CREATE TRIGGER trg_transaction_log_append_only BEFORE UPDATE OR DELETE ON transaction_log\n"
               "  FOR EACH ROW EXECUTE FUNCTION reject_append_only_change();", _ADD_MONTH],
        labels={"account_id": "generates", "saga_id": "tracks"},
    )


def _refund_flow(plan: SpecPlan, words: set[str]) -> bool:
    """Whether the system returns money: the description says refund, the system holds
    stored value (credit bought can be paid back), or the model has a refund entity or
    operation, or a record whose lifecycle reaches REFUNDED. A billing service that only
    issues and collects invoices has no refund table or saga."""
    model = plan.model
    return (bool(words & {"refund", "refunds"}) or model.entity("refund") is not None
            or asks_stored_value(plan.description or "")
            or any(o.verb == "refund" for o in model.operations)
            or any("REFUNDED" in e.states for e in model.entities))


def _named_financial_tables(wants: _PaymentFeatures) -> list[Table]:
    tables: list[Table] = []
    currency = f"'{wants.currency}'"
    if wants.subscription:
        tables.append(Table(
            "subscription", "Subscription Table",
            "A recurring plan an account pays for; billing cycles create invoices from it.",
            [_uuid_pk(),
             Column("account_id", "UUID", references="account(id)"),
             Column("plan_code", "VARCHAR(50)"),
             *_status(("TRIALING", "ACTIVE", "PAST_DUE", "CANCELLED"), "ACTIVE"),
             Column("quantity", "INT", default="1", check="quantity > 0"),
             Column("current_period_start", "TIMESTAMPTZ"),
             Column("current_period_end", "TIMESTAMPTZ"),
             Column("cancel_at", "TIMESTAMPTZ", null=True),
             _created(), _updated()],
            constraints=["CONSTRAINT chk_subscription_period CHECK "
                         "(current_period_end > current_period_start)"],
            indexes=[_index("subscription", "account_id"),
                     _index("subscription", "current_period_end", name="renewal",
                            where="status IN ('TRIALING', 'ACTIVE', 'PAST_DUE')")],
            labels={"account_id": "subscribes"},
        ))
    if wants.invoice:
        columns = [_uuid_pk(), Column("account_id", "UUID", references="account(id)")]
        if wants.subscription:
            columns.append(Column("subscription_id", "UUID", null=True,
                                  references="subscription(id)"))
        columns += [
            Column("invoice_number", "VARCHAR(50)", unique=True),
            Column("amount", "DECIMAL(19,4)", check="amount >= 0"),
            Column("tax", "DECIMAL(19,4)", default="0", check="tax >= 0"),
            Column("total", "DECIMAL(19,4)"),
            Column("currency", "CHAR(3)", default=currency),
            *_status(("DRAFT", "ISSUED", "PAID", "VOID", "OVERDUE"), "DRAFT"),
            Column("due_date", "DATE"),
            Column("issued_at", "TIMESTAMPTZ", null=True),
            Column("paid_at", "TIMESTAMPTZ", null=True),
            Column("voided_at", "TIMESTAMPTZ", null=True),
            Column("metadata", "JSONB", null=True),
            _created(), _updated()]
        indexes = [_index("invoice", "account_id"), _index("invoice", "status"),
                   _index("invoice", "due_date")]
        if wants.subscription:
            indexes.append(_index("invoice", "subscription_id"))
        tables.append(Table(
            "invoice", "Invoice Table",
            "What an account owes for a period. Totals are checked by the database.",
            columns,
            constraints=["CONSTRAINT chk_invoice_total CHECK (total = amount + tax)",
                         "CONSTRAINT chk_invoice_paid CHECK (status <> 'PAID' OR paid_at IS NOT NULL)"],
            indexes=indexes,
            labels={"account_id": "receives", "subscription_id": "bills"},
        ))
    if wants.card:
        tables.append(Table(
            "payment_method", "Payment Method Table",
            "A stored way to pay. Card numbers never reach this service: only the provider's "
            "token and display fields are kept (PCI DSS scope reduction).",
            [_uuid_pk(),
             Column("account_id", "UUID", references="account(id)"),
             Column("provider", "VARCHAR(30)"),
             Column("provider_token", "VARCHAR(200)", unique=True,
                    comment="token from the provider, never the card number"),
             Column("brand", "VARCHAR(20)", null=True),
             Column("last4", "CHAR(4)", null=True, check="last4 ~ '^[0-9]{4}$'"),
             Column("exp_month", "SMALLINT", null=True, check="exp_month BETWEEN 1 AND 12"),
             Column("exp_year", "SMALLINT", null=True),
             *_status(("ACTIVE", "EXPIRED", "REMOVED"), "ACTIVE"),
             _created()],
            indexes=[_index("payment_method", "account_id")],
            labels={"account_id": "stores"},
        ))
    if wants.payment:
        columns = [_uuid_pk(), Column("account_id", "UUID", references="account(id)")]
        indexes = [_index("payment", "account_id"),
                   _index("payment", "status", "created_at")]
        if wants.invoice:
            columns.append(Column("invoice_id", "UUID", null=True, references="invoice(id)"))
            indexes.append(_index("payment", "invoice_id"))
        if wants.card:
            columns.append(Column("payment_method_id", "UUID", null=True,
                                  references="payment_method(id)"))
            indexes.append(_index("payment", "payment_method_id"))
        columns.append(Column("saga_id", "UUID", null=True, references="saga_state(saga_id)"))
        indexes.append(_index("payment", "saga_id"))
        provider_check = (_in("provider", tuple(p.upper() for p in wants.providers))
                          if wants.providers else None)
        columns += [
            Column("amount", "DECIMAL(19,4)", check="amount > 0"),
            Column("currency", "CHAR(3)", default=currency),
            Column("method", "VARCHAR(20)", check=_in("method", wants.methods)),
            Column("provider", "VARCHAR(30)", check=provider_check),
            Column("provider_reference", "VARCHAR(100)", null=True, unique=True),
            Column("idempotency_key", "VARCHAR(100)", unique=True),
            *_status(("PENDING", "AUTHORIZED", "CAPTURED", "FAILED", "REFUNDED",
                      "PARTIALLY_REFUNDED", "CANCELLED"), "PENDING"),
            Column("failure_code", "VARCHAR(50)", null=True),
            Column("version", "INT", default="1", comment="optimistic locking"),
            _created(), _updated()]
        tables.append(Table(
            "payment", "Payment Table",
            "One attempt to collect money"
            + (f" through {oxford(wants.providers)}" if wants.providers else "")
            + ". The idempotency key makes retries safe; the provider reference is unique, so "
              "a provider callback is applied once.",
            columns, indexes=indexes,
            labels={"account_id": "pays", "invoice_id": "settles",
                    "payment_method_id": "charges", "saga_id": "drives"},
        ))
    if wants.refund and wants.payment:
        tables.append(Table(
            "refund", "Refund Table",
            "Money returned against a payment. Refunds above the approval threshold need a "
            "second person: the database rejects an approver who is also the requester.",
            [_uuid_pk(),
             Column("payment_id", "UUID", references="payment(id)"),
             Column("saga_id", "UUID", null=True, references="saga_state(saga_id)"),
             Column("amount", "DECIMAL(19,4)", check="amount > 0"),
             Column("reason", "TEXT", check="length(reason) > 0"),
             *_status(("REQUESTED", "APPROVED", "PROCESSING", "COMPLETED", "REJECTED",
                       "FAILED"), "REQUESTED"),
             Column("requested_by", "UUID"),
             Column("approved_by", "UUID", null=True),
             Column("approved_at", "TIMESTAMPTZ", null=True),
             Column("provider_reference", "VARCHAR(100)", null=True, unique=True),
             _created(), _updated()],
            constraints=["CONSTRAINT chk_refund_four_eyes CHECK "
                         "(approved_by IS NULL OR approved_by <> requested_by)"],
            indexes=[_index("refund", "payment_id"), _index("refund", "saga_id"),
                     _index("refund", "status")],
            labels={"payment_id": "refunded by", "saga_id": "runs"},
        ))
    return tables


# Entities a financial table already stands for.
_FINANCIAL_COVERS = frozenset({"payment", "invoice", "subscription", "refund", "card", "credit",
                               "wallet", "transaction", "account", "user", "customer"})

# --------------------------------------------------------------------------------------------
# Entity tables (any profile)


def table_name(entity: str) -> str:
    return _TABLE_NAMES.get(entity, entity)


_SQL_TYPES = {"uuid": "UUID", "text": "TEXT", "integer": "INT", "small-integer": "SMALLINT",
              "big-integer": "BIGINT", "number": "DOUBLE PRECISION", "timestamp": "TIMESTAMPTZ",
              "date": "DATE", "boolean": "BOOLEAN", "json": "JSONB", "bytes": "BYTEA"}


def sql_type(attribute_type: str) -> str:
    """The PostgreSQL type of a model attribute type: ``string:200`` -> ``VARCHAR(200)``."""
    base, _, size = attribute_type.partition(":")
    if base == "string":
        return f"VARCHAR({size or 255})"
    if base == "code":
        return f"CHAR({size or 3})"
    if base == "decimal":
        return f"DECIMAL({size.replace(' ', '') or '19,4'})"
    return _SQL_TYPES.get(base, "TEXT")


def dedupe_key(entity: Entity) -> tuple[str, ...]:
    """The columns that make one reading of a time series unique (owner, metric, time), so a
    message delivered twice (brokers deliver at least once) is stored once; empty for
    entities that are not time series, or that carry their own idempotency key."""
    names = [a.name for a in entity.attributes]
    if not entity.time_column or not entity.owner or "idempotency_key" in names:
        return ()
    # What was measured or what happened tells two records of one owner at one instant apart.
    kind = [n for n in ("metric", "event_type") if n in names][:1]
    return (f"{entity.owner}_id", *kind, entity.time_column)


# States in which a record is over: a reference it holds no longer ties up what it names.
_FINISHED_STATES = frozenset({"COMPLETED", "CANCELLED", "CANCELED", "CLOSED", "RESOLVED",
                              "REJECTED", "FAILED", "EXPIRED", "NO_SHOW", "ARCHIVED", "DELETED",
                              "DELIVERED", "REFUNDED"})
# Verbs that hand a record to someone (a ride to a driver): the one handed it serves one
# active record at a time.
ASSIGNING_VERBS = frozenset({"dispatch", "assign"})


def references_of(entity: Entity, present: set[str]) -> list[str]:
    """The attributes of ``entity`` that name another entity of the schema by its key
    (``driver_id`` of a ride when the model has drivers), besides the owner's key."""
    return [a.name for a in entity.attributes if a.name.endswith("_id")
            and a.name.removesuffix("_id") in present
            and a.name.removesuffix("_id") not in (entity.name, entity.owner)]


def _model_table(entity: Entity, present: set[str], financial: bool, time_series: bool,
                 currency: str, assigned: bool = False) -> Table:
    """The table of one model entity: its attributes, its owner's key, its lifecycle states
    as a CHECK list, and for readings a key that holds the time column (a TimescaleDB
    hypertable rejects any unique index without it)."""
    name = table_name(entity.name)
    columns = [_uuid_pk()]
    labels: dict[str, str] = {}
    indexes: list[str] = []
    constraints: list[str] = []
    extra: list[str] = []
    owner = entity.owner if entity.owner in present else None
    if financial and owner is None and entity.name != "account":
        owner_fk: tuple[str, str] | None = ("account_id", "account(id)")
    else:
        owner_fk = (f"{owner}_id", f"{table_name(owner)}(id)") if owner else None
    if owner_fk:
        fk, target = owner_fk
        # One kept once per owner (a user's profile) makes the owner's key unique, and that
        # unique index serves the lookups a second index would.
        one = entity.per_owner == "one" and owner is not None
        columns.append(Column(fk, "UUID", references=target, unique=one))
        labels[fk] = "reports" if entity.time_column else "owns"
        if not one:
            indexes.append(_index(name, fk))
    time_column = entity.time_column
    references = references_of(entity, present)
    for a in entity.attributes:
        unique = a.unique and not time_column
        if a.unique and time_column:
            constraints.append(f"CONSTRAINT uq_{name}_{a.name} UNIQUE ({a.name}, {time_column})")
        target = a.name.removesuffix("_id")
        columns.append(Column(a.name, "UUID" if a.name in references else sql_type(a.type),
                              null=not a.required, unique=unique, check=a.check,
                              default=repr(currency) if a.name == "currency" else None,
                              references=f"{table_name(target)}(id)" if a.name in references
                              else None,
                              comment="encrypted PHI (AES-256)" if a.name == "phi" else None))
        if a.name in references:
            # A key naming another entity is a foreign key, indexed for the joins and for
            # the parent's deletes.
            labels[a.name] = "serves" if assigned and not a.required else "is named by"
            indexes.append(_index(name, a.name))
    busy = [st for st in entity.states[1:] if st not in _FINISHED_STATES]
    held = [r for r in references if assigned and busy
            and not next(a for a in entity.attributes if a.name == r).required]
    if owner and dedupe_key(entity):
        # Time is part of the key, as a hypertable requires of every unique index.
        constraints.append(f"CONSTRAINT uq_{name}_once UNIQUE ({', '.join(dedupe_key(entity))})")
    if entity.states:
        columns += _status(entity.states, entity.states[0])
    if not time_column:
        # No catch-all JSONB column: a table holds the attributes the model gives it.
        columns += [_created(), _updated()]
    else:
        # An append-only row is never updated, but when it was stored is not when it was
        # measured: a late or replayed message shows as the gap between the two.
        columns.append(Column("created_at", "TIMESTAMPTZ", default="NOW()",
                              comment=f"when the service stored it; {time_column} is when "
                              "it happened"))
    primary_key: tuple[str, ...] = ("id",)
    if time_column:
        primary_key = ("id", time_column)
        columns[0] = Column("id", "UUID", default="gen_random_uuid()")
        indexes.append(_index(name, f"{time_column} DESC"))
        if time_series:
            extra.append(
                "-- A TimescaleDB hypertable chunked by time; on a server without the extension\n"
                "-- it stays an ordinary table.\n"
                "DO $$\nBEGIN\n"
                "  IF EXISTS (SELECT 1 FROM pg_extension WHERE extname = 'timescaledb') THEN\n"
                f"    PERFORM create_hypertable('{name}', by_range('{time_column}'));\n"
                "  END IF;\nEND\n$$;")
    elif entity.states:
        indexes.append(_index(name, "status"))
    from smartspec.model import entity_catalogue

    # At most one record per key in a state (one SERVING version per model name), stated as
    # catalogue data and kept by the database, so two promotions racing cannot both win.
    one_in: list[str] = []
    for column, state in entity_catalogue().get(entity.name, {}).get("one_in_state", ()):
        if state in entity.states and any(a.name == column for a in entity.attributes):
            indexes.append(f"CREATE UNIQUE INDEX uq_{name}_{column}_{state.lower()} ON {name} "
                           f"({column}) WHERE status = '{state}';")
            one_in.append(f"at most one {entity.name.replace('_', ' ')} per {column} is "
                          f"{state} (partial unique index)")
    for ref in held:
        # Whoever a record is handed to serves one active record at a time (a driver is on
        # one ride): a second active one breaks this index, so two dispatchers racing for
        # the same driver cannot both win.
        indexes.append(f"CREATE UNIQUE INDEX uq_{name}_{ref}_active ON {name} ({ref}) "
                       f"WHERE {_in('status', tuple(busy))};")
    title = f"{entity.name.replace('_', ' ').title()} Table"
    # A record kept for a reason its name does not tell says so (catalogue data).
    stated = entity_catalogue().get(entity.name, {}).get("purpose")
    purpose = stated or (
        f"Append-only {entity.plural.replace('_', ' ')}, keyed by id and {time_column}."
        if time_column else f"The {entity.plural.replace('_', ' ')} the service manages.")
    for sentence in one_in:
        purpose += f" {sentence[:1].upper()}{sentence[1:]}."
    names = {a.name for a in entity.attributes}
    for ref in held:
        purpose += (f" A {ref.removesuffix('_id').replace('_', ' ')} is on at most one active "
                    f"{entity.name.replace('_', ' ')} ({', '.join(busy)}) at a time (partial "
                    "unique index).")
    if {"name", "version"} <= names and not time_column:
        # A versioned record (a model, a schema) is named by its name and version together:
        # registering one version twice is refused, and two versions of one name coexist.
        constraints.append(f"CONSTRAINT uq_{name}_version UNIQUE (name, version)")
        purpose += (f" A {entity.name.replace('_', ' ')}'s name and version identify it "
                    "(UNIQUE), so each version is registered once.")
    preamble: list[str] = []
    if {"starts_at", "ends_at"} <= names:
        constraints.append(f"CONSTRAINT chk_{name}_period CHECK (ends_at > starts_at)")
        holder = next((n for n in ("practitioner_id", "vehicle_id", "resource_id") if n in names),
                      owner_fk[0] if owner_fk else None)
        active = [st for st in entity.states if st not in ("CANCELLED", "COMPLETED", "NO_SHOW",
                                                           "EXPIRED")]
        if holder and active:
            # Double booking is impossible: a holder's active bookings never overlap in time,
            # whatever minute each starts at (a unique start time would let 9:00-10:00 and
            # 9:30-10:30 both in). Comparing the holder's id with = in a GiST index needs
            # btree_gist, which ships with PostgreSQL.
            constraints.append(
                f"CONSTRAINT ex_{name}_{holder.removesuffix('_id')}_overlap EXCLUDE USING "
                f"gist ({holder} WITH =, tstzrange(starts_at, ends_at) WITH &&) "
                f"WHERE ({_in('status', tuple(active))})")
            preamble.append("CREATE EXTENSION IF NOT EXISTS btree_gist;")
            purpose += (f" A {holder.removesuffix('_id')}'s active "
                        f"{entity.plural.replace('_', ' ')} never overlap in time (exclusion "
                        "constraint), so a double booking is rejected by the database.")
    return Table(name, title, purpose, columns, primary_key=primary_key, constraints=constraints,
                 indexes=indexes, labels=labels, extra=extra, preamble=preamble)


def _model_parents_first(names: list[str], model: SystemModel) -> list[str]:
    """Entities ordered so every owner's table precedes the tables that reference it."""
    present = set(names)
    parents = {e.name: [e.owner] if e.owner else [] for e in model.entities}
    for e in model.entities:
        parents[e.name] += references_of(e, present)
    parents = {k: [p.removesuffix("_id") for p in v] for k, v in parents.items()}
    ordered: list[str] = []

    def visit(name: str, trail: tuple[str, ...]) -> None:
        if name in ordered or name in trail:
            return
        for parent in parents.get(name, []):
            if parent in names and parent != name:
                visit(parent, (*trail, name))
        ordered.append(name)

    for name in names:
        visit(name, ())
    return ordered


def _add_tenancy(tables: list[Table]) -> Table:
    tenant = Table(
        "tenant", "Tenant Table",
        "One row per customer organisation. Every other table carries `tenant_id`, and "
        "row-level security limits each session to its own tenant.",
        [_uuid_pk(), Column("name", "VARCHAR(200)"), Column("plan_code", "VARCHAR(50)",
                                                            default="'STANDARD'"),
         *_status(("ACTIVE", "SUSPENDED", "DELETED"), "ACTIVE"), _created()],
    )
    for table in tables:
        table.columns.insert(1, Column("tenant_id", "UUID", references="tenant(id)"))
        table.labels["tenant_id"] = "isolates"
        table.indexes.insert(0, _index(table.name, "tenant_id"))
        table.extra.append(
            f"ALTER TABLE {table.name} ENABLE ROW LEVEL SECURITY;\n"
            f"ALTER TABLE {table.name} FORCE ROW LEVEL SECURITY;\n"
            f"CREATE POLICY {table.name}_tenant_isolation ON {table.name}\n"
            "  USING (tenant_id = current_setting('app.tenant_id', true)::uuid);")
    return tenant


# The schema of the last plan asked about. A render asks for it several times (the context's
# ``schema``, the code examples' subject, the record fields), and building it is a good part
# of rendering a data model; a plan is finished before anything renders it, and no reader
# changes the schema it is given, so one plan object always has the same schema.
_LAST_SCHEMA: list[Any] = [None, None]


def schema_for(plan: SpecPlan) -> Schema:
    """The data model of ``plan``: financial core plus named tables, or entity tables. Made
    once per plan object (see ``_LAST_SCHEMA``); callers only read it."""
    if _LAST_SCHEMA[0] is not plan:
        _LAST_SCHEMA[:] = [plan, _schema_for(plan)]
    schema: Schema = _LAST_SCHEMA[1]
    return schema


def _schema_for(plan: SpecPlan) -> Schema:
    financial = plan.profile == "financial" or "fintech" in plan.domains
    model = plan.model
    time_series = model.store("time-series") is not None
    currency = model.currency or "USD"
    tables: list[Table] = []
    balance: str | None = None
    if financial:
        wants = _payment_features(plan)
        core, balance = _financial_tables(plan, wants)
        named = _named_financial_tables(wants)
        # Named tables go after saga_state (they reference it) and before the ledger.
        position = next(i for i, t in enumerate(core) if t.name == "ledger")
        tables = core[:position] + named + core[position:]
        leftovers = [e for e in model.entities if e.name not in _FINANCIAL_COVERS][:3]
        present = {t.name for t in tables} | {e.name for e in leftovers}
        tables += [_model_table(e, present, True, time_series, currency) for e in leftovers]
    else:
        chosen = {e.name: e for e in model.entities[:5]}
        present = set(chosen)
        assigned = {o.entity for o in model.operations if o.verb in ASSIGNING_VERBS}
        tables = [_model_table(chosen[name], present, False, time_series, currency,
                               assigned=name in assigned)
                  for name in _model_parents_first(list(chosen), model)]
    tenant = "saas" in plan.domains
    if tenant and not any(t.name == "tenant" for t in tables):
        tables.insert(0, _add_tenancy([t for t in tables]))
    elif tenant:
        # "tenant" was itself an entity: make it first and give the others its key.
        own = next(t for t in tables if t.name == "tenant")
        tables.remove(own)
        replacement = _add_tenancy(tables)
        tables.insert(0, replacement)
    return Schema(tables, financial=financial, tenant=tenant, balance_table=balance)
