"""Semantic rules: what a spec says must agree with itself.

Code against its interfaces, examples against the schema, cross-references against the
headings, endpoints against the API table, diagrams against the tables, and a document that
says something at all. They apply to any spec, whoever wrote it; the figures rule lives in
``figures``. Each rule speaks only when the spec plainly contradicts itself: a rule that
flags correct prose gets switched off, so when the text is ambiguous a rule stays silent.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Set
from functools import lru_cache

from smartspec.document import Heading
from smartspec.lazyre import (
    has_ascii_folds,
    is_word_char,
    lazy_re,
    search_words,
    skip_space,
    space_before,
    word_start,
)
from smartspec.prose import ASCII_LETTERS
from smartspec.rules.base import RULES, Hit
from smartspec.rules.code import code_facts, family, is_universal, name_before, name_end
from smartspec.rules.code import top_level as _top_level_text
from smartspec.rules.context import (
    ARCHITECTURE,
    ENDPOINT_SOURCES,
    Context,
    LineIndex,
    code_spans,
    is_param_segment,
    path_end,
    per_text,
)
from smartspec.rules.messages import rule_words
from smartspec.rules.schema import (
    FLOAT_SQL_TYPES,
    JsonObject,
    er_entities,
    is_documented,
    json_objects,
    snake,
    tables,
)

# --- SS201 interface coverage -----------------------------------------------------------


@RULES.rule(
    "SS201", "interface-coverage", severity="error",
    description="A method called on an injected dependency in a code block is declared by "
                "that dependency's interface (port, protocol, ABC or class) in the spec.",
    **rule_words("interface-coverage")
)
def interface_coverage(ctx: Context) -> Iterator[Hit]:
    # Every call it judges is written "receiver.method(": code without a "." calls nothing,
    # and its declarations need not be read at all.
    if not any("." in block.text for block in ctx.blocks if family(block) is not None):
        return
    facts = code_facts(ctx)
    if not facts.types:
        return
    reported: set[tuple[str, str]] = set()
    for call in facts.calls:
        bound = facts.bindings[call.block].get(call.receiver)
        if not bound or len(bound) != 1:
            continue  # unbound, or one name holding two types: nothing certain to say
        type_name = next(iter(bound))
        declared = facts.types.get(type_name)
        if declared is None or declared.open or not declared.members:
            continue
        if call.method in declared.members or is_universal(call.method):
            continue
        if (type_name, call.method) in reported:
            continue
        reported.add((type_name, call.method))
        shown = ", ".join(sorted(declared.members)[:8])
        yield Hit(call.line, "interface-missing-method", {
            "call": f"{call.receiver}.{call.method}()", "method": call.method,
            "type": type_name, "line": str(declared.line + 1), "members": shown})


# --- SS202 examples agree with the schema ------------------------------------------------

# Names that hold money ("amount", "unit_price", "balanceCents" is an integer: fine).
_MONEY_PARTS = frozenset({"amount", "price", "balance", "cost", "fee", "fees", "salary",
                          "subtotal", "tax", "payout", "wage", "refund", "money"})
# Code declarations of a field with a floating type, per family.
#   TS:     amount: number / amount?: number
#   Python: amount: float
#   Kotlin: val amount: Double / Float
#   Go:     Amount float64
#   Java/C#: double amount / float Amount / Double amount
_FLOAT_FIELD_RES: dict[str, re.Pattern[str]] = {
    "ts": lazy_re(r":\s*number\b(?!\s*\[)"),
    "py": lazy_re(r":\s*float\b"),
    "kt": lazy_re(r":\s*(?:Double|Float)\b"),
    "go": lazy_re(r"^[ \t]*([A-Za-z_]\w*)[ \t]+\*?float(?:32|64)\b", re.M),
    "java": lazy_re(r"\b(?:double|float|Double|Float)\s+([A-Za-z_]\w*)\s*[;,)=]"),
    "cs": lazy_re(r"\b(?:double|float|Double|Single)\s+([A-Za-z_]\w*)\s*[;,)={]"),
}
# The type names each pattern holds: a block holding none never compiles its pattern.
_FLOAT_FIELD_WORDS: dict[str, tuple[str, ...]] = {
    "ts": ("number",), "py": ("float",), "kt": ("Double", "Float"), "go": ("float",),
    "java": ("double", "float", "Double", "Float"), "cs": ("double", "float", "Double", "Single"),
}
# For the colon forms the type is found first and the name read right before it.
_COLON_FAMILIES = frozenset({"ts", "py", "kt"})
# A status-like literal assigned or compared in code: status: 'X', status === 'X',
# Status = "X", updateStatus(id, 'X'), setStatus("X"). The calls are read from each
# "Status(" with str operations (``_status_call``), as this pattern reads them:
#   (?:\b(\w+)\s*\.\s*)?\b(?:update|set|mark)([A-Z]\w*)?Status\s*\([^()]*?(['"])([A-Za-z][\w-]*)\3\s*\)
_STATUS_VERBS = ("update", "set", "mark")


@lru_cache(maxsize=256)
def _literal_names(columns: frozenset[str]) -> tuple[str, ...]:
    """How code spells ``columns``: snake, camel and Go's Pascal case."""
    names: set[str] = set()
    for column in columns:
        head, *rest = column.split("_")
        camel = head + "".join(part.title() for part in rest)
        names.update((column, camel, camel[:1].upper() + camel[1:]))
    return tuple(sorted(names, key=len, reverse=True))


# A literal assigned to or compared with a name: "status: 'X'", "status === 'X'",
# "SagaType = \"X\"". The operator leads the pattern (the engine skips to it); the name is
# read right before it. What ``(?::|===?|!==?|=)\s*(['"])([A-Za-z][\w-]*)\1`` finds, found
# from the operator's last character and a quote on each side (a third cheaper to compile;
# ``_operator_literals`` keeps the literals quoted alike and finds where the operator starts).
_LITERAL_AFTER_OPERATOR_RE = lazy_re(r"[:=]\s*(['\"])([A-Za-z][\w-]*)['\"]")
_OPERATORS = ("===", "!==", "==", "!=")


def _code_literals(text: str, names: tuple[str, ...]) -> Iterator[tuple[str, str, int]]:
    """(column name as written, literal, offset) for each literal assigned to or compared
    with one of ``names`` in ``text``."""
    wanted = set(names)
    for end, value in _operator_literals(text):
        while end and text[end - 1] in " \t":
            end -= 1
        if text[end - 2:end] == "?.":
            end -= 2
        before = name_before(text, end)
        if before is not None and before[0] in wanted:
            yield before[0], value, before[1]


def _operator_literals(text: str) -> Iterator[tuple[int, str]]:
    """(where the operator starts, literal) of each quoted literal after ":", "=", "==",
    "===", "!=" or "!==" and optional whitespace."""
    for match in _LITERAL_AFTER_OPERATOR_RE.finditer(text):
        if text[match.end() - 1] != match.group(1):
            continue  # quoted unlike: no literal (and none can start inside it)
        last = match.start()
        # The longest operator that ends here: a pattern reading from the left starts there.
        start = next((last - len(operator) + 1 for operator in _OPERATORS
                      if text.endswith(operator, 0, last + 1)), last)
        yield start, match.group(2)


@lru_cache(maxsize=8192)
def is_money(name: str) -> bool:
    return any(part in _MONEY_PARTS for part in snake(name).split("_"))


def _allowed_values(ctx: Context) -> dict[str, dict[str, str]]:
    """Column name -> the values (lower-case -> as written) its CHECK lists or enum types
    allow, for the columns whose every table restricts them: a literal cannot be judged
    against a column that one table leaves open."""
    allowed: dict[str, dict[str, str]] = {}
    open_columns: set[str] = set()
    for table in tables(ctx).values():
        for column in table.columns:
            if column not in table.allowed:
                open_columns.add(column)
        for column, values in table.allowed.items():
            allowed.setdefault(column, {}).update((v.lower(), v) for v in values)
    return {c: v for c, v in allowed.items() if c not in open_columns}


@RULES.rule(
    "SS202", "schema-agreement", severity="error",
    description="JSON example fields exist as columns or documented fields of the entity "
                "they show; status and enum values used in code and examples are in the "
                "table's CHECK/enum list; money is never a floating-point type.",
    **rule_words("schema-agreement")
)
def schema_agreement(ctx: Context) -> Iterator[Hit]:
    if not ctx.blocks:
        return
    known = tables(ctx)
    yield from _money_types(ctx)
    if not known:
        # No tables to check against: the lifecycles the spec states in prose decide.
        yield from _stated_status_values(ctx)
        return
    yield from _example_fields(ctx)
    yield from _status_values(ctx)


def _money_types(ctx: Context) -> Iterator[Hit]:
    for table in tables(ctx).values():
        for column in table.columns.values():
            if column.type in FLOAT_SQL_TYPES and is_money(column.name):
                yield Hit(column.line, "money-float", {
                    "field": f"{table.name}.{column.name}", "type": column.type.upper()})
    seen: set[tuple[str, str]] = set()
    for block in ctx.blocks:
        lang = family(block)
        if lang not in _FLOAT_FIELD_RES:
            continue
        for name, line, shown in _money_floats(lang, block.text):
            if (name, lang) in seen:
                continue
            seen.add((name, lang))
            yield Hit(block.first + line, "money-float", {"field": name, "type": shown})


@per_text
def _money_floats(lang: str, text: str) -> tuple[tuple[str, int, str], ...]:
    """(field, line counted from the block's first line, type as written) of each field of
    a block's code that holds money in a floating-point type."""
    found: list[tuple[str, int, str]] = []
    if not any(word in text for word in _FLOAT_FIELD_WORDS[lang]):
        return ()
    lines = LineIndex(text)
    for match in _FLOAT_FIELD_RES[lang].finditer(text):
        if lang in _COLON_FAMILIES:
            before = name_before(text, match.start())
            if before is None:
                continue
            name, at = before
            shown = match.group(0)[1:].strip()
        else:
            name, at = match.group(1), match.start(1)
            shown = match.group(0).split()[0] if lang != "go" else match.group(0).split()[-1]
        if is_money(name):
            found.append((name, lines.line_of(at), shown))
    return tuple(found)


# Columns nearly every table has; sharing only these does not make an object show a table.
_GENERIC_COLUMNS = frozenset({"id", "uuid", "created_at", "updated_at", "deleted_at", "status",
                              "version", "metadata", "name", "type", "description", "currency"})


def _best_table(keys: Set[str], columns: dict[str, set[str]]) -> str | None:
    """The table a JSON object shows: the one holding most of its keys (at least two, and
    at least half of them); None when no table does."""
    best, overlap = None, 0
    for name, cols in columns.items():
        shared = keys & cols
        if not shared - _GENERIC_COLUMNS:
            continue  # only id/status/timestamps in common: that says nothing
        if len(shared) > overlap:
            best, overlap = name, len(shared)
    if best is None or overlap < 2 or overlap * 2 < len(keys):
        return None
    return best


def _shown_tables(ctx: Context) -> list[tuple[JsonObject, dict[str, str], str | None]]:
    """Every JSON object with its keys (snake -> as written) and the table it shows (or
    None): worked out once per spec for both the field and the status checks."""
    return ctx.once("shown", _read_shown_tables)


def _read_shown_tables(ctx: Context) -> list[tuple[JsonObject, dict[str, str], str | None]]:
    columns = {name: set(t.columns) for name, t in tables(ctx).items() if not t.partition}
    shown = []
    for obj in json_objects(ctx):
        keys = {snake(k): k for k in obj.values}
        best = _best_table(set(keys), columns) if len(keys) >= 2 else None
        shown.append((obj, keys, best))
    return shown


def _example_fields(ctx: Context) -> Iterator[Hit]:
    known = {name: t for name, t in tables(ctx).items() if not t.partition}
    columns = {name: set(t.columns) for name, t in known.items()}
    entity_keys = {_entity_key(name) for name in known}
    every_column = {c for cols in columns.values() for c in cols}
    reported: set[str] = set()
    for obj, keys, best in _shown_tables(ctx):
        if best is None:
            continue
        for key, raw in keys.items():
            if key in columns[best] or raw in reported or is_documented(ctx, key):
                continue
            if any(key.endswith("_" + column) for column in every_column):
                continue  # a value derived from a column ("new_balance", "total_amount")
            if isinstance(obj.values[raw], dict | list) and any(
                    name.endswith(_entity_key(key)) for name in entity_keys):
                continue  # a nested child entity ("items" of an order_item table)
            reported.add(raw)
            yield Hit(obj.line_of(raw), "example-unknown-field", {"field": raw, "table": best})


def _enclosing_keys(text: str, at: int) -> set[str]:
    """The keys (snake case) of the object literal around offset ``at`` in code, or an
    empty set when ``at`` is not inside braces nearby."""
    depth, start = 0, -1
    window = max(0, at - 2000)
    # The braces before ``at``, nearest first: each step finds the nearer of the next "{"
    # and the next "}" back.
    opening, closing = text.rfind("{", window, at), text.rfind("}", window, at)
    while opening >= 0 or closing >= 0:
        if closing > opening:
            depth += 1
            closing = text.rfind("}", window, closing)
        elif depth == 0:
            start = opening
            break
        else:
            depth -= 1
            opening = text.rfind("{", window, opening)
    if start < 0:
        return set()
    depth, end = 0, len(text)
    limit = start + 4000
    # The braces after ``start``, in order: the nearer of the next "{" and the next "}".
    opening, closing = text.find("{", start, limit), text.find("}", start, limit)
    while opening >= 0 or closing >= 0:
        if opening >= 0 and (closing < 0 or opening < closing):
            brace, depth = opening, depth + 1
            opening = text.find("{", opening + 1, limit)
        else:
            brace, depth = closing, depth - 1
            closing = text.find("}", closing + 1, limit)
        if depth == 0:
            end = brace
            break
    flat = _top_level_text(text[start + 1:end])
    return {snake(key) for key in _object_keys(flat.replace("\n", ","))}


def _object_keys(flat: str) -> list[str]:
    """The names an object literal's top level (``flat``) gives values, "key: 1" or
    "key = 1", each at the start or after "{" or ",": what the pattern
    ``(?:^|[{,])\\s*([A-Za-z_]\\w*)\\s*[:=]`` finds, read piece by piece."""
    keys = []
    for piece in flat.replace("{", ",").split(","):
        start = skip_space(piece, 0)
        end = name_end(piece, start)
        if end > start and piece[skip_space(piece, end):][:1] in (":", "="):
            keys.append(piece[start:end])
    return keys


def _status_values(ctx: Context) -> Iterator[Hit]:
    allowed = _allowed_values(ctx)
    known = {name: t for name, t in tables(ctx).items() if not t.partition}
    columns = {name: set(t.columns) for name, t in known.items()}
    reported: set[tuple[str, str]] = set()
    lowered: dict[tuple[str, str], dict[str, str]] = {}

    def own(table: str, column: str) -> dict[str, str]:
        # The values one table's CHECK or enum allows a column (lower-case -> as written),
        # made once per table and column.
        try:
            return lowered[table, column]
        except KeyError:
            values = lowered[table, column] = {
                v.lower(): v for v in known[table].allowed.get(column, ())}
            return values

    def rejected(column: str, value: str, values: dict[str, str] | None = None) -> str | None:
        """The values ``column`` allows, as the finding shows them, when ``value`` is not
        one of them and was not reported yet; None when there is nothing to report."""
        values = allowed.get(column) if values is None else values
        if not values or value.lower() in values or (column, value) in reported:
            return None
        reported.add((column, value))
        return ", ".join(sorted(values.values())[:10])

    def hit(line: int, column: str, value: str, shown: str) -> Hit:
        return Hit(line, "status-not-allowed", {"value": value, "column": column,
                                                "allowed": shown})

    for obj, _, best in _shown_tables(ctx):
        table = known[best] if best is not None else None
        for key, value in obj.values.items():
            if not isinstance(value, str):
                continue
            column = snake(key)
            # The object shows this table: its own list decides, or nothing does (most of
            # its columns list nothing, told without asking for their values).
            if table is not None and column in table.columns:
                if column not in table.allowed:
                    continue
                shown = rejected(column, value, own(table.name, column))
            else:
                shown = rejected(column, value) if column in allowed else None
            if shown is not None:  # a key's line is looked for only when it is reported
                yield hit(obj.line_of(key), column, value, shown)
    checked = frozenset(c for t in known.values() for c in t.allowed)
    names = _literal_names(checked) if checked else ()
    for block in ctx.blocks:
        if family(block) is None:
            continue
        text = block.text
        for name, value, at, keys in _named_literals(text, names):
            column = snake(name)
            # An object literal ({ id, status: 'X', amount }) shows a table the way a JSON
            # example does; its table's own list decides.
            best = _best_table(keys, columns) if len(keys) >= 2 else None
            shown = (rejected(column, value, own(best, column))
                     if best is not None and column in known[best].columns
                     else rejected(column, value) if column in allowed else None)
            if shown is not None:
                yield hit(block.first + at, column, value, shown)
        if not allowed:
            continue
        for receiver_name, prefix, value, at in _status_calls(text):
            column = snake(prefix + "Status")
            # "this.sagas.updateStatus(id, 'X')": the receiver names the table (saga_state).
            receiver = _entity_key(receiver_name)
            owners = [name for name in known
                      if receiver and _entity_key(name).startswith(receiver)]
            shown = (rejected(column, value, own(owners[0], column))
                     if len(owners) == 1 and column in known[owners[0]].allowed
                     else rejected(column, value) if column in allowed else None)
            if shown is not None:
                yield hit(block.first + at, column, value, shown)


# A spec without a data model still states each entity's lifecycle, one list item each:
#   - Payments: states PENDING, AUTHORIZED, CAPTURED, starting PENDING.
#   - Bookings (each belongs to one patient): states BOOKED, CANCELLED, starting BOOKED.
_STATED_STATES_RE = lazy_re(
    r"^[-*] [^:\n]{1,80}: states ([A-Z][A-Z0-9_]*(?:, [A-Z][A-Z0-9_]*)*), starting [A-Z]")
_CONSTANT_RE = lazy_re(r"[A-Z][A-Z0-9_]*")
_STARTING = ", starting "  # what every lifecycle line holds


def _stated_status_values(ctx: Context) -> Iterator[Hit]:
    """A ``status`` constant in a JSON example (an event payload's ``data`` too) that none
    of the stated lifecycles has, in a spec whose statuses have no CHECK list."""
    raw, lines = ctx.raw, ctx.doc.lines
    # Only the lines holding ", starting " are read: found in the whole text, where
    # splitting all of it into lines cost more than the rest of the check.
    stated: dict[str, str] = {}
    at, read = raw.find(_STARTING), -1
    while at >= 0:
        index = ctx.raw_line_of(at)
        if index != read and (match := _STATED_STATES_RE.match(lines[index])):
            stated.update((v.lower(), v) for v in match.group(1).split(", "))
        read = index
        at = raw.find(_STARTING, at + 1)
    if not stated:
        return
    shown = ", ".join(sorted(stated.values())[:10])
    reported: set[str] = set()
    for obj, keys, _ in _shown_tables(ctx):
        raw_key = keys.get("status")
        if raw_key is None:
            continue
        value = obj.values.get(raw_key)
        if (not isinstance(value, str) or not _CONSTANT_RE.fullmatch(value)
                or value.lower() in stated or value in reported):
            continue
        reported.add(value)
        yield Hit(obj.line_of(raw_key), "status-not-stated", {"value": value, "allowed": shown})


@per_text
def _named_literals(text: str, names: tuple[str, ...]) -> tuple[
        tuple[str, str, int, frozenset[str]], ...]:
    """(name, literal, line counted from the block's first line, keys of the object literal
    around it) for each literal a block's code assigns to or compares with one of
    ``names``."""
    lines = LineIndex(text)
    return tuple((name, value, lines.line_of(at), frozenset(_enclosing_keys(text, at)))
                 for name, value, at in _code_literals(text, names))


@per_text
def _status_calls(text: str) -> tuple[tuple[str, str, str, int], ...]:
    """(receiver, status column prefix, value, line counted from the block's first line) of
    each ``updateStatus(id, 'X')``-like call in a block."""
    if "Status" not in text:  # every call spells it so
        return ()
    lines = LineIndex(text)
    found = []
    at = text.find("Status")
    while at >= 0:
        call = _status_call(text, at)
        if call is not None:
            start, receiver, prefix, value = call
            found.append((receiver, prefix, value, lines.line_of(start)))
        at = text.find("Status", at + 1)
    return tuple(found)


def _status_call(text: str, at: int) -> tuple[int, str, str, str] | None:
    """(offset, receiver, prefix, value) of the call ``receiver.updatePrefixStatus(..., 'X')``
    whose "Status" is at ``at``: a name of one word starting with update, set or mark (then
    nothing or a capital), the status literal the last argument, the receiver optional."""
    opened = skip_space(text, at + 6)
    if not text.startswith("(", opened):
        return None
    start = word_start(text, at)
    name = text[start:at]
    verb = next((verb for verb in _STATUS_VERBS if name.startswith(verb)), None)
    prefix = name[len(verb):] if verb is not None else ""
    if verb is None or (prefix and not "A" <= prefix[0] <= "Z"):
        return None
    # The arguments up to the first parenthesis, which must close the call; the literal
    # ends them (only whitespace after it).
    closing, nested = text.find(")", opened + 1), text.find("(", opened + 1)
    if closing < 0 or 0 <= nested < closing:
        return None
    arguments = text[opened + 1:closing].rstrip()
    quote = arguments[-1:]
    if quote not in ("'", '"'):
        return None
    opening = arguments.rfind(quote, 0, len(arguments) - 1)
    value = arguments[opening + 1:-1]
    # The value: an ASCII letter, then word characters and dashes.
    if (opening < 0 or not (value[:1].isascii() and value[:1].isalpha())
            or not value.replace("-", "_").replace("_", "a").isalnum()):
        return None
    dot = space_before(text, start)
    if dot and text[dot - 1] == ".":
        end = space_before(text, dot - 1)
        receiver = word_start(text, end)
        if receiver < end:
            return receiver, text[receiver:end], prefix, value
    return start, "", prefix, value


# --- SS203 cross-references --------------------------------------------------------------

# References to a place in this document:
#   see section 5.2 / See also section 5 / (section 5.2) / (see section 5.2)
#   (section Data Model & Schema) / see section Data Model & Schema for ...
#   [text](#anchor)
# A numbered reference followed by "of"/"in" names another document ("section 3 of RFC").
# The section references are read around each "section" of a line with str operations
# (``_section_numbers``, ``_section_titles``), as these three patterns read them; compiling
# them cost more than reading every line of a spec. The first, case-insensitive, is asked
# only of a line with a letter IGNORECASE takes for an ASCII one.
_SECTION_NUMBER_RE = lazy_re(
    r"(?i)(?:\bsee\s+(?:also\s+)?(?:the\s+)?|\(\s*(?:see\s+)?)section\s+(\d+(?:\.\d+)*)"
    r"(?!\.?\d)(?!\s+(?:of|in|from)\b)")
#   \(\s*(?:see\s+)?[Ss]ection\s+([A-Z][^()\n]*?)\s*\)                 (see Section Title)
#   \b[Ss]ee\s+(?:also\s+)?(?:the\s+)?section\s+([A-Z][^.;:,()\n]*)   see also the section Title
_TITLE_STOPS = frozenset(".;:,()\n")
# What a line holding a reference contains, found with a plain search first.
_XREF_NEEDLES = ("section ", "Section ", "](#", "](<#", "]: #", "]: <#")
_XREF_VIA = ("ection ", "](", "]: ")  # each needle holds one: three passes, not six
_ANCHOR_LINK_RE = lazy_re(r"\]\(\s*<?#([^)\s>]*)>?(?:\s+\"[^\"]*\")?\s*\)")
_ANCHOR_DEF_RE = lazy_re(r"^ {0,3}\[[^\]]+\]:\s*<?#(\S+?)>?\s*$")
_HTML_ID_RE = lazy_re(r"""\b(?:id|name)\s*=\s*["']([^"']+)["']""")
_CUSTOM_ID_RE = lazy_re(r"\{#([\w-]+)\}\s*$")
_INLINE_LINK_RE = lazy_re(r"!?\[([^\]]*)\]\([^)]*\)")
_HTML_TAG_RE = lazy_re(r"<[^>]+>")


def _normal_title(text: str) -> str:
    # Each pattern here is asked only of a text holding what every match holds ("](" for a
    # link, "<" for a tag, "*" or "_" for emphasis): most titles compile none of them.
    if "](" in text:
        text = _INLINE_LINK_RE.sub(r"\1", text)
    text = text.replace("`", "").replace("*", "")
    return " ".join(text.lower().split()).strip(" .:")


def _is_mark(char: str) -> bool:
    """Whether ``char`` is a combining mark (Unicode category M). No ASCII character is one,
    so unicodedata (a shared library) is loaded only for a heading beyond ASCII."""
    if char.isascii():
        return False
    import unicodedata

    return unicodedata.category(char)[0] == "M"


def slug(text: str) -> str:
    """GitHub's anchor for a heading: the rendered text lower-cased, punctuation and symbols
    (emoji included) dropped, each space a hyphen; letters, digits, marks, ``-`` and ``_``
    of any script kept."""
    kept = []
    for char in _rendered_text(text).lower():
        if char in " -_" or char.isalnum() or _is_mark(char):
            kept.append(char)
    return "".join(kept).replace(" ", "-")


def _rendered_text(text: str) -> str:
    """A heading's text as it renders: links as their text, without tags, code marks or
    emphasis. Each pattern is asked only of a text holding what every match of it holds
    ("](" for a link, "<" for a tag, "*" or "_" for emphasis)."""
    if "](" in text:
        text = _INLINE_LINK_RE.sub(r"\1", text)
    if "<" in text:
        text = _HTML_TAG_RE.sub("", text)
    text = text.replace("`", "")
    if "*" in text or "_" in text:
        text = re.sub(r"(?<!\w)[*_]+|[*_]+(?!\w)", "", text).replace("*", "")
    return text


def _anchors(ctx: Context) -> set[str]:
    found: set[str] = set()
    counts: dict[str, int] = {}
    for heading in ctx.doc.headings:
        text = heading.text
        custom = _CUSTOM_ID_RE.search(text)
        if custom:
            found.add(custom.group(1).lower())
            text = text[:custom.start()]
        base = slug(text)
        seen = counts.get(base, 0)
        counts[base] = seen + 1
        found.add(base if seen == 0 else f"{base}-{seen}")
    for line, inside in zip(ctx.doc.lines, ctx.doc.fenced, strict=True):
        if not inside and ("id=" in line or "name=" in line):
            found.update(m.group(1).lower() for m in _HTML_ID_RE.finditer(line))
    return found


def _without_code_spans(line: str) -> str:
    if "`" not in line:
        return line
    pieces: list[str] = []
    kept = 0
    for start, end in code_spans(line):  # each span blanked, so columns stay where they were
        pieces.append(line[kept:start] + " " * (end - start))
        kept = end
    return "".join(pieces) + line[kept:]


def _title_resolves(ref: str, titles: list[str], exact: bool) -> bool:
    wanted = _normal_title(ref)
    for title in titles:
        if title == wanted:
            return True
        if not exact and wanted.startswith(title) and wanted[len(title):][:1] in ("", " "):
            return True
        if title.startswith(wanted) and title[len(wanted):][:1] in ("", " ", ":"):
            return True
    return False


@RULES.rule(
    "SS203", "cross-references", severity="error",
    description="\"see section X\", \"(section X)\" and links to #anchors point to a heading "
                "that exists in the spec.",
    **rule_words("cross-references")
)
def cross_references(ctx: Context) -> Iterator[Hit]:
    doc = ctx.doc
    numbers = {h.number.rstrip(".") for h in doc.headings if h.number}
    titles: list[str] = []
    anchors: set[str] | None = None
    for index in ctx.raw_lines_with(_XREF_NEEDLES, via=_XREF_VIA):
        if doc.fenced[index]:
            continue
        by_number, by_title, targets = _references(doc.lines[index])
        if numbers:
            for number in by_number:
                if number not in numbers:
                    yield Hit(index, "xref-section", {"ref": f"section {number}"})
        for ref, exact in by_title:
            if not titles:
                titles = [_normal_title(h.title) for h in doc.headings]
            if ref[:1].isdigit() or _title_resolves(ref, titles, exact):
                continue
            yield Hit(index, "xref-section", {"ref": f"section {ref.strip()}"})
        for target in targets:
            if anchors is None:
                anchors = _anchors(ctx)
            if _percent_decoded(target).lower() not in anchors:
                yield Hit(index, "xref-anchor", {"anchor": "#" + target})


def _percent_decoded(target: str) -> str:
    """An anchor as a browser reads it: ``%XX`` escapes decoded as UTF-8. Few anchors hold
    one, so ``urllib.parse`` (which loads ``ipaddress`` and ``warnings``, more than the rest
    of this rule costs) is imported only for those."""
    if "%" not in target:
        return target
    from urllib.parse import unquote

    return unquote(target)


@per_text
def _references(raw: str) -> tuple[tuple[str, ...], tuple[tuple[str, bool], ...],
                                   tuple[str, ...]]:
    """What one line refers to, in the order the rule reports it: section numbers, section
    titles (each with whether it must match a title exactly) and #anchor targets."""
    line = _without_code_spans(raw)
    numbers: list[str] = []
    titles: list[tuple[str, bool]] = []
    targets: list[str] = []
    if "ection" in line:
        numbers = _section_numbers(line)
        titles = _section_titles(line)
    if "](#" in line.replace("](<#", "](#") or (line.lstrip().startswith("[") and "]:" in line):
        targets = [m.group(1) for m in _ANCHOR_LINK_RE.finditer(line)]
        definition = _ANCHOR_DEF_RE.match(line)
        if definition:
            targets.append(definition.group(1))
    return tuple(numbers), tuple(titles), tuple(t for t in targets if t)


def _word_before(text: str, at: int, word: str) -> int:
    """The offset of ``word`` when it ends right before whitespace that ends at ``at``;
    -1 when it does not."""
    end = space_before(text, at)
    return end - len(word) if end < at and text.endswith(word, 0, end) else -1


def _after_see(text: str, at: int, sees: tuple[str, ...]) -> bool:
    """Whether "see", "see also", "see the" or "see also the" ends right before ``at``:
    each word followed by whitespace, "see" spelled as one of ``sees`` and starting a word."""
    for word in ("the", "also"):
        found = _word_before(text, at, word)
        if found >= 0:
            at = found
    for see in sees:
        found = _word_before(text, at, see)
        if found >= 0 and not (found and is_word_char(text[found - 1])):
            return True
    return False


def _after_paren(text: str, at: int) -> bool:
    """Whether "(", optional whitespace and optionally "see" and whitespace end right
    before ``at``."""
    found = _word_before(text, at, "see")
    start = space_before(text, found if found >= 0 else at)
    return start > 0 and text[start - 1] == "("


def _decimals_end(text: str, at: int) -> int:
    while at < len(text) and text[at].isdecimal():
        at += 1
    return at


def _number_after(lowered: str, at: int) -> str | None:
    """The section number after the whitespace at ``at`` ("5", "5.2.1"), unless a word
    "of", "in" or "from" follows it (a section of another document)."""
    start = skip_space(lowered, at)
    end = _decimals_end(lowered, start)
    if start == at or end == start:
        return None
    while lowered.startswith(".", end) and (after := _decimals_end(lowered, end + 1)) > end + 1:
        end = after
    word = skip_space(lowered, end)
    if word > end:
        for other in ("of", "in", "from"):
            close = word + len(other)
            if lowered.startswith(other, word) and not (close < len(lowered)
                                                        and is_word_char(lowered[close])):
                return None
    return lowered[start:end]


def _section_numbers(line: str) -> list[str]:
    """The numbers of the sections a line refers to, in any case: "see section 5.2", "See
    also the section 5", "(section 5.2)", "(see section 5.2)"."""
    if has_ascii_folds(line):
        return [m.group(1) for m in _SECTION_NUMBER_RE.finditer(line)]
    lowered = line.lower()
    found = []
    at = lowered.find("section")
    while at >= 0:
        number = _number_after(lowered, at + 7)
        if number is not None and (_after_paren(lowered, at)
                                   or _after_see(lowered, at, ("see",))):
            found.append(number)
        at = lowered.find("section", at + 1)
    return found


def _section_titles(line: str) -> list[tuple[str, bool]]:
    """The titles of the sections a line refers to, each with whether a heading must have
    it exactly: "(see Section Data Model)" (exact, up to the ")"), then "see section Data
    Model for ..." (the title may run on, up to punctuation)."""
    titles: list[tuple[str, bool]] = []
    if "(" in line:
        at = line.find("ection", 1)
        while at >= 0:
            start = skip_space(line, at + 6)
            if (line[at - 1] in "Ss" and start > at + 6 and "A" <= line[start:start + 1] <= "Z"
                    and _after_paren(line, at - 1)):
                title = _paren_title(line, start)
                if title is not None:
                    titles.append((title, True))
            at = line.find("ection", at + 1)
    if "section" in line and "ee" in line:
        resume = 0  # a title may hold another "see section": it is part of the first
        at = line.find("section")
        while at >= 0:
            start = skip_space(line, at + 7)
            if (at >= resume and start > at + 7 and "A" <= line[start:start + 1] <= "Z"
                    and _after_see(line, at, ("see", "See"))):
                end = start + 1
                while end < len(line) and line[end] not in _TITLE_STOPS:
                    end += 1
                titles.append((line[start:end], False))
                resume = end
            at = line.find("section", at + 1)
    return titles


def _paren_title(line: str, start: int) -> str | None:
    """The title from ``start`` to the ")" that closes the reference, trailing whitespace
    left out; None when a "(" comes first, no ")" comes, or the title spans lines."""
    closing, opening = line.find(")", start), line.find("(", start)
    if closing < 0 or 0 <= opening < closing:
        return None
    title = line[start:closing].rstrip()
    return None if "\n" in title else title


# --- SS204 endpoints agree across sections -----------------------------------------------

# An endpoint a line names: a method (not after an ASCII letter), whitespace, an optional
# scheme and host, and the path up to whitespace or what ends a path in prose. Read with
# str operations (``_mention_at``), as this pattern reads it:
#   (?<![A-Za-z])(GET|POST|PUT|PATCH|DELETE)\s+(?:([a-z][a-z0-9+.-]*://[^/\s"'`]+))?
#   (/[^\s"'`|)?#,;]*)
_MENTION_METHODS = ("GET", "POST", "PUT", "PATCH", "DELETE")
_SCHEME_CHARS = frozenset("abcdefghijklmnopqrstuvwxyz0123456789+.-")
_HOST_STOPS = frozenset("/\"'`")
# Hosts of examples (the service itself); a call to any other host is another system's API.
_METHOD_WORDS = ("GET ", "POST ", "PUT ", "PATCH ", "DELETE ")
_OWN_HOST_RE = lazy_re(r"(?i)example\.|localhost|127\.0\.0\.1|\{|\$|<")
# Operational endpoints platforms call; an API table rarely lists them and nobody expects it.
_OPERATIONAL = lazy_re(r"^/(?:health|healthz|ready|readyz|live|livez|metrics|ping|status|"
                          r"\.well-known)(?:/|$)")
# What every path the pattern matches starts with ("/health" also starts "/healthz").
_OPERATIONAL_STARTS = ("/health", "/ready", "/live", "/metrics", "/ping", "/status",
                       "/.well-known")


@lru_cache(maxsize=4096)
def _segments(path: str) -> tuple[str | None, ...]:
    """A path as segments, a parameter segment as None (it matches any one segment)."""
    return tuple(None if is_param_segment(s) else s for s in path.strip("/").split("/") if s)


def _paths_agree(mention: tuple[str | None, ...], defined: tuple[str | None, ...]) -> bool:
    """Whether two paths name one endpoint, allowing either to carry a base prefix the other
    leaves out (``/api/v1/orders`` and ``/orders``)."""
    short, long = sorted((mention, defined), key=len)
    tail = long[len(long) - len(short):]
    return all(a is None or b is None or a == b for a, b in zip(short, tail, strict=True))


@per_text
def _mentions(line: str) -> tuple[tuple[str, str], ...]:
    """(method, path) of each endpoint a line names, calls to another system's host left
    out."""
    found = []
    text = line.replace("`", " ").replace("*", " ")
    starts = sorted((at, method) for method in _MENTION_METHODS if method in text
                    for at in _offsets(text, method))
    resume = 0  # a method inside the path of the mention before it is part of that path
    for at, method in starts:
        if at < resume or text[at - 1:at] in ASCII_LETTERS:
            continue
        mention = _mention_at(text, at + len(method))
        if mention is None:
            continue
        host, path, resume = mention
        if host and not _OWN_HOST_RE.search(host):
            continue
        found.append((method, path.rstrip(".:")))
    return tuple(found)


def _offsets(text: str, word: str) -> Iterator[int]:
    at = text.find(word)
    while at >= 0:
        yield at
        at = text.find(word, at + 1)


def _mention_at(text: str, at: int) -> tuple[str, str, int] | None:
    """(host, path, end) of the endpoint after a method that ends at ``at``: whitespace,
    then "/" or a lower-case scheme, "://" and a host followed by "/", then the path."""
    start = skip_space(text, at)
    if start == at:
        return None
    host, path = "", start
    if not text.startswith("/", start):
        if not "a" <= text[start:start + 1] <= "z":
            return None
        end = start + 1
        while end < len(text) and text[end] in _SCHEME_CHARS:
            end += 1
        if not text.startswith("://", end):
            return None
        path = end + 3
        while path < len(text) and not (text[path] in _HOST_STOPS or text[path].isspace()):
            path += 1
        if path == end + 3 or not text.startswith("/", path):
            return None
        host = text[start:path]
    end = path_end(text, path + 1)
    return host, text[path:end], end


def _is_defined(mention: tuple[str | None, ...], known: set[tuple[str | None, ...]]) -> bool:
    # Most mentions are written as defined: a set lookup settles those.
    return mention in known or any(_paths_agree(mention, defined) for defined in known)


@RULES.rule(
    "SS204", "endpoint-agreement", severity="warn",
    description="Every endpoint named in prose, tests or examples is one the API "
                "specification defines.",
    **rule_words("endpoint-agreement")
)
def endpoint_agreement(ctx: Context) -> Iterator[Hit]:
    sources = ctx.sections_for(ENDPOINT_SOURCES)
    defined = ctx.endpoints_in(sources)
    if not defined:
        return
    known: dict[str, set[tuple[str | None, ...]]] = {}
    for endpoint in defined:
        known.setdefault(endpoint.method, set()).add(_segments(endpoint.path))
    # The lines of the sources, told by a set lookup: a test of each line found against
    # each source's span cost more than building the set.
    defining = {index for s in sources for index in range(s.start, s.end)}
    # Whether each (method, path) mentioned is defined (or not worth judging): a spec
    # mentions its few endpoints many times, so each is judged once.
    judged: dict[tuple[str, str], bool] = {}
    # A plain search per word is far cheaper than one alternation over the text.
    for index in ctx.raw_lines_with(_METHOD_WORDS):
        if index in defining:
            continue
        for mention in _mentions(ctx.doc.lines[index]):
            method, path = mention
            fine = judged.get(mention)
            if fine is None:
                fine = judged[mention] = (
                    len(path) < 2 or "..." in path or "…" in path
                    or (path.startswith(_OPERATIONAL_STARTS) and bool(_OPERATIONAL.match(path)))
                    or _is_defined(_segments(path), known.get(method, set())))
                if not fine:  # reported once, at its first mention
                    yield Hit(index, "endpoint-undefined", {"endpoint": f"{method} {path}"})


# --- SS205 diagrams agree with the schema ------------------------------------------------

_PER_SERVICE_RE = lazy_re(r"(?i)\bper[- ]service\b")
_PER_SERVICE_WORDS = ("per-service", "per service")
_ENTITY_KEY_CHARS = frozenset("abcdefghijklmnopqrstuvwxyz0123456789")


@lru_cache(maxsize=4096)
def _entity_key(name: str) -> str:
    """An entity or table name compared loosely: case, separators and a plural ending do
    not make two names different (CUSTOMER, customers, Customer-s)."""
    key = "".join(char for char in name.lower() if char in _ENTITY_KEY_CHARS)
    for ending in ("ies", "es", "s"):
        if key.endswith(ending) and len(key) > len(ending) + 2:
            return key[:-len(ending)] + ("y" if ending == "ies" else "")
    return key


def _subheadings_under(ctx: Context, heading: Heading) -> list[Heading]:
    found = []
    for other in ctx.doc.headings:
        if other.line <= heading.line:
            continue
        if other.level <= heading.level:
            break
        if other.level == heading.level + 1:
            found.append(other)
    return found


@RULES.rule(
    "SS205", "diagram-agreement", severity="error",
    description="The entities of an ER diagram are the CREATE TABLE tables (partitions "
                "excluded), and every service in a per-service performance table is a "
                "component of the architecture.",
    **rule_words("diagram-agreement")
)
def diagram_agreement(ctx: Context) -> Iterator[Hit]:
    if ctx.blocks:
        entities = er_entities(ctx)
        declared = {name: t for name, t in tables(ctx).items() if not t.partition}
        if entities and declared:
            # The diagram is held to the tables of its own ## section: a document that
            # carries several examples (each with its own schema) compares like with like.
            lines = list(entities.values())
            section = next((s for s in ctx.doc.sections if s.start <= lines[0] < s.end), None)
            if section is not None:
                declared = {n: t for n, t in declared.items()
                            if section.start <= t.line < section.end}
            drawn = {_entity_key(e): (e, line) for e, line in entities.items()}
            defined = {_entity_key(name): table for name, table in declared.items()}
            shared = drawn.keys() & defined.keys()
            # One model drawn two ways, not two models: most names agree.
            if shared and 2 * len(shared) >= min(len(drawn), len(defined)):
                for key, table in defined.items():
                    if key not in drawn:
                        yield Hit(table.line, "er-missing-table", {"table": table.name})
                for key, (entity, line) in drawn.items():
                    if key not in defined:
                        yield Hit(line, "er-unknown-entity", {"entity": entity})
    yield from _per_service(ctx)


@lru_cache(maxsize=4096)
def _is_per_service(title: str) -> bool:
    # Titles repeat across a tree of specs; each is read once.
    return search_words(_PER_SERVICE_RE, title, (), _PER_SERVICE_WORDS)


def _per_service(ctx: Context) -> Iterator[Hit]:
    headings = ctx.doc.headings
    # Most specs title no heading "per-service": one search of every title, joined by line
    # breaks (which no match spans, "[- ]" being its only separator), tells them for the price
    # of one title, where asking each title cost a memo lookup apiece.
    if not search_words(_PER_SERVICE_RE, "\n".join([h.title for h in headings]), (),
                        _PER_SERVICE_WORDS):
        return
    architecture = ctx.sections_for(ARCHITECTURE)
    if not architecture:
        return
    known: str | None = None  # the architecture's words, read only for a per-service table
    for heading in headings:
        if not _is_per_service(heading.title):
            continue
        if known is None:
            known = " ".join(" ".join(ctx.doc.text(s.start, s.end).lower().split())
                             for s in architecture)
        for sub in _subheadings_under(ctx, heading):
            name = _normal_title(sub.title)
            if name and name not in known:
                yield Hit(sub.line, "service-not-component", {"service": sub.title})


# --- SS207 a document says something -----------------------------------------------------

_SEPARATOR_RE = lazy_re(r"^\s*(?:-{3,}|\*{3,}|_{3,})\s*$")


@RULES.rule(
    "SS207", "document-content", severity="error",
    description="The spec says something: it is not empty and not only headings.",
    **rule_words("document-content")
)
def document_content(ctx: Context) -> Iterator[Hit]:
    doc = ctx.doc
    heading_lines = ctx.heading_at
    preamble_end = doc.preamble_end
    in_comment = False
    for index, line in enumerate(doc.lines):
        text = line.strip()
        if in_comment:
            in_comment = "-->" not in text
            continue
        if not text or index in heading_lines:
            continue
        if text.startswith("<!--"):
            in_comment = "-->" not in text
            continue
        if text[:3] in ("---", "***", "___") and _SEPARATOR_RE.match(text):
            continue
        if index < preamble_end and text.startswith("**") and ":**" in text:
            continue  # a header field ("**Status:** Draft") says nothing about the service
        return
    if not doc.lines:
        yield Hit(None, "document-empty", {})
    else:
        yield Hit(doc.headings[0].line if doc.headings else 0, "document-headings-only", {})
