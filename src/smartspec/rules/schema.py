"""The data a spec declares, read from its code blocks: SQL tables, ER diagrams, JSON bodies.

- ``tables``: every ``CREATE TABLE`` (in any block that holds one), with its columns, their
  types, the values a ``CHECK (col IN (...))`` or an enum type allows, and whether the table
  is a partition (``PARTITION OF``: storage of its parent, not an entity);
- ``er_entities``: the entities of every Mermaid ``erDiagram``;
- ``json_objects``: every JSON object of a JSON block or of an HTTP example's body, with the
  line of each key.

Built once per spec (``Context.memo``) and only when a rule asks.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from functools import lru_cache

from smartspec.lazyre import has_ascii_folds, is_word_char, lazy_re, run_end, skip_space
from smartspec.prose import ASCII_ALNUM, ASCII_DIGITS, ASCII_LOWER, ASCII_UPPER
from smartspec.rules.context import CodeBlock, Context, LineIndex, per_text
from smartspec.tuples import NamedTuple

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

# What a ``CREATE TABLE`` reads as, in any case: its table's name (schema-qualified and
# quoted as written), then the "(" of its columns or PARTITION OF. ``_create_table`` reads it
# with str operations; the pattern is asked only of a text with a letter IGNORECASE takes
# for an ASCII one.
_CREATE_TABLE_RE = lazy_re(
    r"(?i)CREATE\s+(?:(?:GLOBAL|LOCAL)\s+)?(?:(?:TEMP|TEMPORARY|UNLOGGED)\s+)?TABLE\s+"
    r"(?:IF\s+NOT\s+EXISTS\s+)?((?:[\w\"`\[\]]+\.)?[\w\"`\[\]]+)\s*(\(|PARTITION\s+OF\b)")
# The words between CREATE and TABLE, at most one of each group, in this order.
_CREATE_SCOPES = ("global", "local")
_CREATE_KINDS = ("temp", "temporary", "unlogged")
_CREATE_ENUM_RE = lazy_re(
    r"(?i)\bCREATE\s+TYPE\s+((?:\w+\.)?\w+)\s+AS\s+ENUM\s*\(([^)]*)\)")
_ALTER_ADD_RE = lazy_re(
    r"(?i)ALTER\s+TABLE\s+(?:IF\s+EXISTS\s+)?(?:ONLY\s+)?((?:\w+\.)?[\w\"]+)\s+ADD\s+"
    r"(?:COLUMN\s+)?(?:IF\s+NOT\s+EXISTS\s+)?([\w\"]+)\s+([\w ]+)")
# "CHECK (status IN ('A', 'B'))", in any case: the column and the list. Read with str
# operations (``_checks_in``); the pattern is asked only of a text with a letter IGNORECASE
# takes for an ASCII one.
_CHECK_IN_RE = lazy_re(r"(?is)\bCHECK\s*\(\s*\(?\s*([\w\"]+)\s*\)?\s+IN\s*\(([^()]*)\)")
_CONSTRAINT_WORDS = frozenset({"constraint", "primary", "unique", "check", "foreign",
                               "exclude", "index", "key", "like", "period"})
# Types that store binary floating point: money must not be kept in them.
FLOAT_SQL_TYPES = frozenset({"float", "float4", "float8", "real", "double", "binary_float",
                             "binary_double"})

# A Mermaid erDiagram line is read with str operations, as two patterns would read it:
#   an entity with attributes:  CUSTOMER {  /  "order-item" ["Order item"] {
#       ``^\s*"?([\w.-]+)"?\s*(?:\[[^\]]*\])?\s*\{\s*$``
#   a relation:                 CUSTOMER ||--o{ ORDER : places  /  A }o..|| "b.c"
#       ``^\s*"?([\w.-]+)"?\s+[|}{o]{1,2}(?:--|\.\.)[|}{o]{1,2}\s+"?([\w.-]+)"?``
# (both cost more to compile than every diagram of a spec costs to read).
_CARDINALITY_CHARS = frozenset("|}{o")
_NAME_PUNCTUATION = str.maketrans("", "", "_.-")


class Column(NamedTuple):
    name: str
    type: str  # first word of the type, lower-cased ("decimal", "varchar", "double")
    line: int  # 0-based document line


class Table:
    """A table the spec's SQL creates. A plain slotted class (not a dataclass) so that defining
    it costs nothing measurable at import; the parser fills it as it reads."""

    __slots__ = ("allowed", "columns", "line", "name", "partition")

    def __init__(self, name: str, line: int, partition: bool = False) -> None:
        self.name = name  # lower-case, schema and quotes removed
        self.line = line
        self.partition = partition
        self.columns: dict[str, Column] = {}
        self.allowed: dict[str, set[str]] = {}  # column -> CHECK/enum values

    def __repr__(self) -> str:
        return (f"Table(name={self.name!r}, line={self.line!r}, partition={self.partition!r}, "
                f"columns={self.columns!r}, allowed={self.allowed!r})")


class JsonObject(NamedTuple):
    """One object of a JSON example body: its values by key, in the order written."""

    values: dict[str, Any]
    block: int  # index into Context.blocks
    body: str  # the JSON text it was read from
    first: int  # 0-based document line of the body's first line
    place: int  # its index among the body's objects, in document order

    def line_of(self, key: str) -> int:
        """The 0-based document line where ``key`` is written. Worked out only for a key a
        rule reports: finding the line of every key cost more than parsing the JSON."""
        return self.first + _json_key_lines(self.body)[self.place][key]


def unquote(name: str) -> str:
    return name.strip('"`[]').lower()


def _sql_strings(text: str) -> list[str]:
    r"""The SQL string literals of ``text`` ("'A', 'it''s'"), in order, each with its doubled
    quotes undone: what ``'((?:[^']|'')*)'`` finds, read with ``str.find`` (a CHECK or enum
    list holds a few quotes; the pattern would be compiled for them alone).

    A literal runs to the first quote that is not doubled. One the text ends inside (every
    quote after its opening doubled) is closed, as the pattern closes it, by backing off to
    the first quote of its last doubled pair; without a pair there is no literal."""
    found = []
    opened = text.find("'")
    while opened >= 0:
        closing = pair = -1
        quote = text.find("'", opened + 1)
        while quote >= 0:
            if not text.startswith("'", quote + 1):
                closing = quote
                break
            pair = quote
            quote = text.find("'", quote + 2)
        closing = pair if closing < 0 else closing
        if closing < 0:
            break  # no quote after the opening one: no literal starts here or later
        found.append(text[opened + 1:closing].replace("''", "'"))
        opened = text.find("'", closing + 1)
    return found

def _strip_sql_comments(text: str) -> str:
    # Each "--" comment, to the end of its line, as spaces: offsets stay where they were.
    at = text.find("--")
    if at < 0:
        return text
    pieces = []
    start = 0
    while at >= 0:
        end = text.find("\n", at)
        end = len(text) if end < 0 else end
        pieces.append(text[start:at])
        pieces.append(" " * (end - at))
        start = end
        at = text.find("--", end)
    pieces.append(text[start:])
    return "".join(pieces)


# What a block that declares tables holds (one of these words): told by a search, so that
# the many blocks that hold none are not kept in ``_tables_of``'s memo, where they would
# push out the blocks that do.
_DDL_WORDS = ("CREATE", "create", "Create", "ALTER", "alter")

def _may_declare(text: str) -> bool:
    """Whether a block's text can declare a table, a column or an enum type. Most blocks
    that hold a DDL word hold it as a name ("created_at" of a JSON body, a TypeScript
    ``create(`` method) and declare nothing: they are told here, before the memo, where
    each would have been read whole (a JSON body's "created_at"s one by one) and kept. The
    declaration words are looked for first: most blocks hold none, and two searches of the
    lower-cased text cost less than five of the text. Every declaration ``_tables_of`` reads
    holds "table" (CREATE TABLE, ALTER TABLE) or "as enum" (CREATE TYPE ... AS ENUM) in its
    lower-cased text."""
    lowered = text.lower()
    return (("table" in lowered or "as enum" in lowered)
            and any(word in text for word in _DDL_WORDS))


def _table_items(text: str, opened: int) -> list[tuple[int, str]]:
    """The items of the table body whose "(" is at ``opened``, each with its offset in the
    body: the body ends at the ")" that closes it, every parenthesis counted (quoted or
    not), or at the text's end; its items are split at the commas outside quotes and
    outside nested parentheses. Read with ``str.find``, ``str.count`` and ``str.split``
    between the commas and quotes, where a Python step at every parenthesis, comma and
    quote (a pattern's matches) cost more than the rest of reading a CREATE TABLE."""
    body = opened + 1
    closing = _closing_paren(text, opened)
    items: list[tuple[int, str]] = []
    nested = 0  # parentheses open outside quotes
    start = at = body  # where the current item starts; where the current piece starts
    # The pieces between quotes, in turn outside and inside a quoted literal; only those
    # outside hold commas that split and parentheses that nest.
    for number, piece in enumerate(text[body:closing].split("'")):
        if number % 2 == 0:
            seen = 0
            comma = piece.find(",")
            while comma >= 0:
                nested += piece.count("(", seen, comma) - piece.count(")", seen, comma)
                if nested == 0:
                    items.append((start - body, text[start:at + comma]))
                    start = at + comma + 1
                seen = comma + 1
                comma = piece.find(",", seen)
            nested += piece.count("(", seen) - piece.count(")", seen)
        at += len(piece) + 1
    items.append((start - body, text[start:closing]))
    return items


def _closing_paren(text: str, opened: int) -> int:
    """The ")" that closes the "(" at ``opened``, every parenthesis counted, or the text's
    end: each ")" closes one level and the "("s since the previous one opened as many."""
    depth, at = 0, opened
    closing = text.find(")", opened)
    while closing >= 0:
        depth += text.count("(", at, closing) - 1
        if depth == 0:
            return closing
        at = closing + 1
        closing = text.find(")", at)
    return len(text)


def _matches_at(pattern: re.Pattern[str], text: str, lowered: str,
                word: str) -> Iterator[re.Match[str]]:
    """``pattern`` matched where ``word`` occurs (``lowered`` is ``text`` lower-cased): a
    case-insensitive pattern is tried at a few places instead of at every position."""
    at = lowered.find(word)
    while at >= 0:
        match = pattern.match(text, at)
        if match:
            yield match
        at = lowered.find(word, at + 1)


def _create_tables(text: str, lowered: str) -> Iterator[tuple[int, str, int]]:
    """(offset, table name as written, offset of the "(" that opens its columns or -1 for
    PARTITION OF) of each ``CREATE TABLE`` in ``text``; ``lowered`` is ``text`` lower-cased."""
    if has_ascii_folds(text):
        for match in _matches_at(_CREATE_TABLE_RE, text, lowered, "create"):
            yield (match.start(), match.group(1),
                   match.end() - 1 if match.group(2) == "(" else -1)
        return
    at = lowered.find("create")
    while at >= 0:
        # Most "create"s of a block are columns (created_at): only one followed by
        # whitespace is read further.
        if lowered[at + 6:at + 7].isspace():
            found = _create_table(text, lowered, at)
            if found is not None:
                yield (at, *found)
        at = lowered.find("create", at + 1)


def _is_sql_name_char(char: str) -> bool:
    """A character of a table name as ``CREATE TABLE`` writes it: ``[\\w"`\\[\\]]``."""
    return char.isalnum() or char in '_"`[]'


# The ASCII characters of each run the readers measure with ``run_end``: a table name's
# (``[\w"`\[\]]``), a CHECK column's (``[\w"]``) and an erDiagram name's (``[\w.-]``).
_ASCII_ALNUM = "".join(sorted(ASCII_ALNUM))  # as a str, for str.strip
_SQL_NAME_ASCII = _ASCII_ALNUM + '_"`[]'
_CHECK_COLUMN_ASCII = _ASCII_ALNUM + '_"'
_ER_NAME_ASCII = _ASCII_ALNUM + "_.-"


def _is_check_column_char(char: str) -> bool:
    return is_word_char(char) or char == '"'


def _is_er_name_char(char: str) -> bool:
    return char.isalnum() or char in "_.-"


def _create_table(text: str, lowered: str, at: int) -> tuple[str, int] | None:
    """The table name and "(" offset (-1 for PARTITION OF) of a ``CREATE TABLE`` at ``at``,
    read as ``_CREATE_TABLE_RE`` reads it: CREATE, an optional GLOBAL or LOCAL, an optional
    TEMP, TEMPORARY or UNLOGGED, TABLE, an optional IF NOT EXISTS (each word followed by
    whitespace), a name with an optional schema, then "(" or PARTITION OF."""
    # The words before the name, split at whitespace (each is followed by some, since a
    # part follows it); the last part is the rest of the text.
    words = lowered[at:].split(None, 7)
    count = 1
    for optional in (_CREATE_SCOPES, _CREATE_KINDS):
        if count + 1 < len(words) and words[count] in optional:
            count += 1
    if count + 1 >= len(words) or words[count] != "table":
        return None
    count += 1
    if count + 3 < len(words) and words[count:count + 3] == ["if", "not", "exists"]:
        count += 3
    start = len(lowered) - len(lowered[at:].split(None, count)[count])
    # The name: a run of name characters, or two joined by "." (a schema and a table).
    end = _sql_name_end(text, start)
    if end == start:
        return None
    last = start
    if text.startswith(".", end):
        last = end + 1
        end = _sql_name_end(text, last)
        if end == last:
            return None
    rest = skip_space(lowered, end)
    if lowered.startswith("(", rest):
        return text[start:end], rest
    if _is_partition_of(text, lowered, rest):
        return text[start:end], -1
    # "orderspartition of": the name's last run may end in the word PARTITION itself.
    if (end - last > len("partition") and lowered.startswith("partition", end - 9)
            and _is_partition_of(text, lowered, end - 9)):
        return text[start:end - 9], -1
    return None


def _sql_name_end(text: str, at: int) -> int:
    return run_end(text, at, _SQL_NAME_ASCII, _is_sql_name_char)


def _is_partition_of(text: str, lowered: str, at: int) -> bool:
    """Whether "PARTITION", whitespace and the word "OF" start at ``at``."""
    if not lowered.startswith("partition", at):
        return False
    of = skip_space(lowered, at + 9)
    return (of > at + 9 and lowered.startswith("of", of)
            and not (of + 2 < len(text) and is_word_char(text[of + 2])))


def _checks_in(text: str) -> list[tuple[str, str]]:
    """(column, the list's text) of each ``CHECK (column IN (...))`` in ``text``: CHECK
    (starting a word), "(", an optional second "(", the column, an optional ")", IN and the
    parenthesised list, whitespace allowed between them (and needed before IN)."""
    if has_ascii_folds(text):
        return [(m.group(1), m.group(2)) for m in _CHECK_IN_RE.finditer(text)]
    lowered = text.lower()
    # No CHECK can start inside another: a list holds no "(".
    found = []
    at = lowered.find("check")
    while at >= 0:
        if not (at and is_word_char(text[at - 1])):
            check = _check_in_at(text, lowered, at + 5)
            if check is not None:
                found.append(check)
        at = lowered.find("check", at + 1)
    return found


def _check_in_at(text: str, lowered: str, at: int) -> tuple[str, str] | None:
    """(column, list) of the ``CHECK`` whose word ends at ``at``, or None."""
    at = skip_space(lowered, at)
    if not lowered.startswith("(", at):
        return None
    at = skip_space(lowered, at + 1)
    if lowered.startswith("(", at):
        at = skip_space(lowered, at + 1)
    end = run_end(text, at, _CHECK_COLUMN_ASCII, _is_check_column_char)
    if end == at:
        return None
    word = skip_space(lowered, end)
    if lowered.startswith(")", word):
        after = skip_space(lowered, word + 1)
        word = after if after > word + 1 else -1
    elif word == end:
        word = -1
    if word < 0 or not lowered.startswith("in", word):
        return None
    opened = skip_space(lowered, word + 2)
    closing, nested = lowered.find(")", opened + 1), lowered.find("(", opened + 1)
    if not lowered.startswith("(", opened) or closing < 0 or 0 <= nested < closing:
        return None
    return text[at:end], text[opened + 1:closing]


def _may_add_column(lowered: str) -> bool:
    """Whether ``lowered`` (a block lower-cased) holds "add" between whitespace, as every
    ``ALTER TABLE ... ADD`` the pattern reads does: a block whose ALTERs attach partitions or
    set defaults never compiles the pattern."""
    at = lowered.find("add")
    while at >= 0:
        if at and lowered[at - 1].isspace() and lowered[at + 3:at + 4].isspace():
            return True
        at = lowered.find("add", at + 1)
    return False


class _Create(NamedTuple):
    """One ``CREATE TABLE`` of a block, lines counted from the block's first content line."""

    name: str
    line: int
    partition: bool
    columns: tuple[Column, ...]  # every column item, in order (a repeated name included)
    allowed: tuple[tuple[str, frozenset[str]], ...]  # (column, CHECK values), in order


class _BlockTables(NamedTuple):
    enums: tuple[tuple[str, frozenset[str]], ...]  # (enum type, its values), in order
    creates: tuple[_Create, ...]
    added: tuple[tuple[str, Column], ...]  # ALTER TABLE ... ADD: (table name, column)


@per_text
def _tables_of(text: str) -> _BlockTables:
    """What the SQL of one block declares: enum types, created tables, added columns; asked
    only of a block that ``_may_declare``."""
    if "--" in text:
        text = _strip_sql_comments(text)
    lowered = text.lower()
    lines = LineIndex(text)
    enums = tuple((unquote(m.group(1).split(".")[-1]),
                   frozenset(_sql_strings(m.group(2))))
                  for m in (_CREATE_ENUM_RE.finditer(text) if "as enum" in lowered else ()))
    creates: list[_Create] = []
    for start, written, opened in _create_tables(text, lowered):
        name = unquote(written.split(".")[-1])
        line = lines.line_of(start)
        if opened < 0:  # PARTITION OF: storage of its parent, no columns here
            creates.append(_Create(name, line, True, (), ()))
            continue
        columns: list[Column] = []
        allowed: list[tuple[str, frozenset[str]]] = []
        for offset, item in _table_items(text, opened):
            words = item.split()
            if not words:
                continue
            at = lines.line_of(opened + 1 + offset + (len(item) - len(item.lstrip())))
            for column, listed in (_checks_in(item) if "CHECK" in item or "check" in item
                                   else ()):
                allowed.append((unquote(column), frozenset(_sql_strings(listed))))
            if words[0].lower() in _CONSTRAINT_WORDS:
                continue
            kind = words[1].lower().split("(")[0] if len(words) > 1 else ""
            columns.append(Column(unquote(words[0]), kind, at))
        creates.append(_Create(name, line, False, tuple(columns), tuple(allowed)))
    added: list[tuple[str, Column]] = []
    alters = _matches_at(_ALTER_ADD_RE, text, lowered, "alter") if _may_add_column(lowered) else ()
    for match in alters:
        kind = match.group(3).split()[0].lower() if match.group(3).split() else ""
        added.append((unquote(match.group(1).split(".")[-1]),
                      Column(unquote(match.group(2)), kind, lines.line_of(match.start()))))
    return _BlockTables(enums, tuple(creates), tuple(added))


def tables(ctx: Context) -> dict[str, Table]:
    """Every table a ``CREATE TABLE`` in the spec declares, by lower-case name."""
    return ctx.once("tables", _read_tables)


def _read_tables(ctx: Context) -> dict[str, Table]:
    found: dict[str, Table] = {}
    enums: dict[str, frozenset[str]] = {}
    typed: list[tuple[Table, str, str]] = []  # (table, column, type name) for enum lookup
    for block in ctx.blocks:
        if not _may_declare(block.text):
            continue
        declared = _tables_of(block.text)
        first = block.first
        enums.update(declared.enums)
        for create in declared.creates:
            table = Table(create.name, first + create.line, partition=create.partition)
            # The first CREATE of a name is the table; a later one changes nothing.
            if found.setdefault(create.name, table) is not table or create.partition:
                continue
            for column_name, values in create.allowed:
                table.allowed.setdefault(column_name, set()).update(values)
            columns = table.columns
            for name, kind, line in create.columns:
                if name not in columns:
                    columns[name] = Column(name, kind, first + line)
                typed.append((table, name, kind))
        for table_name, (name, kind, line) in declared.added:
            if table_name in found:
                found[table_name].columns.setdefault(name, Column(name, kind, first + line))
    for table, column_name, kind in typed:
        if kind in enums:
            table.allowed.setdefault(column_name, set()).update(enums[kind])
    return found


def er_entities(ctx: Context) -> dict[str, int]:
    """Entity name (as written) -> the 0-based line where a Mermaid erDiagram first names it."""
    return ctx.once("er", _read_er_entities)


def _read_er_entities(ctx: Context) -> dict[str, int]:
    found: dict[str, int] = {}
    for block in ctx.blocks:
        if block.lang == "mermaid":
            for name, line in _er_entities_of(block.text):
                found.setdefault(name, block.first + line)
    return found


@per_text
def _er_entities_of(text: str) -> tuple[tuple[str, int], ...]:
    """(entity, line) for each entity a Mermaid block names, if it is an erDiagram."""
    lines = text.splitlines(keepends=True)
    first = next((line.strip() for line in lines if line.strip()
                  and not line.strip().startswith("%%")), "")
    if first != "erDiagram":
        return ()
    found: list[tuple[str, int]] = []
    depth = 0
    for number, line in enumerate(lines):
        if depth:  # inside an entity's attribute block
            if line.strip() == "}":
                depth = 0
            continue
        entity = _er_entity(line)
        if entity is not None:
            found.append((entity, number))
            depth = 1
            continue
        relation = _er_relation(line)
        if relation is not None:
            found += [(relation[0], number), (relation[1], number)]
    return tuple(found)


def _er_name(token: str) -> str | None:
    """The entity a whole token names: name characters (``[\\w.-]``), in optional double
    quotes (either may be left off)."""
    name = token[1:] if token.startswith('"') else token
    name = name[:-1] if name.endswith('"') else name
    bare = name.translate(_NAME_PUNCTUATION)
    return name if name and (not bare or bare.isalnum()) else None


def _er_entity(line: str) -> str | None:
    """The entity an erDiagram line opens an attribute block of ("CUSTOMER {", with an
    optional alias label in brackets before the brace), or None."""
    stripped = line.strip()
    if not stripped.endswith("{"):
        return None
    head = stripped[:-1].rstrip()
    label = head.find("[")
    if label >= 0:
        if not head.endswith("]") or "]" in head[label + 1:-1]:
            return None
        head = head[:label].rstrip()
    return _er_name(head)


def _is_cardinality(mark: str) -> bool:
    """Whether ``mark`` is a relation's cardinality ("||--o{", "}o..|{"): one or two of
    ``|}{o`` on each side of "--" or "..". Those characters hold neither "-" nor ".", so a
    mark splits one way only."""
    for link in ("--", ".."):
        left, found, right = mark.partition(link)
        if found:
            return (0 < len(left) <= 2 and 0 < len(right) <= 2
                    and all(char in _CARDINALITY_CHARS for char in left + right))
    return False


def _er_relation(line: str) -> tuple[str, str] | None:
    """The two entities an erDiagram relation line names ("A ||--o{ B : label"), or None:
    the first a whole word, then the cardinality, then the name that starts the third."""
    words = line.split(None, 2)
    if len(words) < 3 or not _is_cardinality(words[1]):
        return None
    first = _er_name(words[0])
    third = words[2][1:] if words[2].startswith('"') else words[2]
    end = run_end(third, 0, _ER_NAME_ASCII, _is_er_name_char)
    return None if first is None or not end else (first, third[:end])


def _json_body(block: CodeBlock) -> tuple[str, int] | None:
    """The JSON text of a block and the index of its first line: the whole of a ``json``
    block, or the body after the blank line of an ``http`` request/response."""
    if block.lang in ("json", "jsonc", "json5"):
        return block.text, 0
    if block.lang == "http":
        for number, line in enumerate(block.lines):
            if not line.strip():
                rest = block.lines[number + 1:]
                if rest and rest[0].lstrip()[:1] in "{[":
                    return "".join(rest), number + 1
                return None
    return None


def _loads(text: str) -> Any:
    """JSON as examples write it: ``//`` comments and a trailing ``...`` line are allowed."""
    try:
        return json.loads(text)
    except ValueError:
        pass
    cleaned = re.sub(r"(?m)^\s*//.*$|\s//[^\"\n]*$", "", text) if "//" in text else text
    if "..." in cleaned or "…" in cleaned:
        cleaned = re.sub(r"(?m)^\s*(?:\.\.\.|…)\s*,?\s*$", "", cleaned)
    cleaned = re.sub(r",(\s*[}\]])", r"\1", cleaned)
    try:
        return json.loads(cleaned)
    except ValueError:
        return None


def json_objects(ctx: Context) -> list[JsonObject]:
    """Every object (at any depth) of every JSON example body that parses."""
    return ctx.once("json", _read_json_objects)


def _read_json_objects(ctx: Context) -> list[JsonObject]:
    found: list[JsonObject] = []
    for number, block in enumerate(ctx.blocks):
        body = _json_body(block)
        if body is None:
            continue
        text, skip = body
        first = block.first + skip
        for place, values in enumerate(_json_objects_of(text)):
            found.append(JsonObject(values, number, text, first, place))
    return found


@per_text
def _json_objects_of(text: str) -> tuple[dict[str, Any], ...]:
    """The objects of one JSON body (at any depth), in document order. They are shared by
    every spec with this body: read-only."""
    data = _loads(text)
    found: list[dict[str, Any]] = []

    def walk(value: Any) -> None:
        if type(value) is dict:  # its keys are strings: JSON's always are
            found.append(value)
            value = list(value.values())
        # Only objects and lists are walked into (most values are strings and numbers);
        # ``json.loads`` makes plain dicts and lists, so their type says it exactly.
        for item in value:
            if type(item) in _JSON_CONTAINERS:
                walk(item)

    if type(data) in _JSON_CONTAINERS:
        walk(data)
    return tuple(found)


_JSON_CONTAINERS = (dict, list)


@per_text
def _json_key_lines(text: str) -> tuple[dict[str, int], ...]:
    """The line (counted from the body's first) of each key of each object of a JSON body,
    objects as ``_json_objects_of`` gives them. Keys are looked for in document order, each
    from the previous key's line on (where a key is not found, that line stands for it)."""
    lines = text.splitlines(keepends=True)
    cursor = 0

    def key_line(key: str) -> int:
        nonlocal cursor
        needle = json.dumps(key) + ":"
        needle_spaced = json.dumps(key) + " :"
        for index in range(cursor, len(lines)):
            if needle in lines[index] or needle_spaced in lines[index]:
                cursor = index
                return index
        return cursor

    return tuple({key: key_line(key) for key in values} for values in _json_objects_of(text))


_WORD_RE = lazy_re(r"[A-Za-z_][A-Za-z0-9_]*")
_LOWER_OR_DIGIT = ASCII_LOWER | ASCII_DIGITS


@lru_cache(maxsize=8192)
def snake(name: str) -> str:
    """``createdAt`` -> ``created_at``; ``CreatedAt`` -> ``created_at``; snake stays: a "_"
    before each capital A-Z that follows a lower-case a-z or a digit 0-9."""
    out = []
    previous = ""
    for char in name:
        if char in ASCII_UPPER and previous in _LOWER_OR_DIGIT:
            out.append("_")
        out.append(char)
        previous = char
    return "".join(out).lower()


def _json_lines(ctx: Context) -> set[int]:
    """The lines of every JSON example body."""
    lines: set[int] = set()
    for block in ctx.blocks:
        body = _json_body(block)
        if body is not None:
            lines.update(range(block.first + body[1], block.first + len(block.lines)))
    return lines


def is_documented(ctx: Context, key: str) -> bool:
    """Whether the spec writes ``key`` (snake case; its camelCase too) anywhere outside its
    JSON bodies: then the field is documented somewhere (a table, an interface, prose)
    even if no column holds it."""
    head, *rest = key.split("_")
    forms = {key, head + "".join(part.title() for part in rest)}
    lowered = ctx.once("raw-lower", lambda ctx: ctx.raw.lower())
    json_lines = ctx.once("json-lines", _json_lines)
    for form in {f.lower() for f in forms}:
        at = lowered.find(form)
        while at >= 0:
            end = at + len(form)
            bounded = not (at and (lowered[at - 1].isalnum() or lowered[at - 1] == "_")) and not (
                end < len(lowered) and (lowered[end].isalnum() or lowered[end] == "_"))
            if bounded and ctx.raw_line_of(at) not in json_lines:
                return True
            at = lowered.find(form, at + 1)
    return False
