"""Rule readers that once asked a regular expression with many words or groups now read the
text with ``str`` operations (compiling such a pattern costs more than reading every line
of a spec with it). Each is held here to the pattern it replaced, written out below as the
definition: on every line of the specs the tests hold, on each of those specs whole, and on
text made of the pieces the pattern cares about."""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path

from hypothesis import example, given, settings
from hypothesis import strategies as st

from smartspec import lazyre
from smartspec.rules import code, context, figures, schema, semantic, structure
from smartspec.specids import MENTION_RE
from tests.helpers import spec_lines

ER_ENTITY = re.compile(r"^\s*\"?([\w.-]+)\"?\s*(?:\[[^\]]*\])?\s*\{\s*$")
ER_RELATION = re.compile(
    r"^\s*\"?([\w.-]+)\"?\s+[|}{o]{1,2}(?:--|\.\.)[|}{o]{1,2}\s+\"?([\w.-]+)\"?")
CREATE_TABLE = re.compile(
    r"(?i)CREATE\s+(?:(?:GLOBAL|LOCAL)\s+)?(?:(?:TEMP|TEMPORARY|UNLOGGED)\s+)?TABLE\s+"
    r"(?:IF\s+NOT\s+EXISTS\s+)?((?:[\w\"`\[\]]+\.)?[\w\"`\[\]]+)\s*(\(|PARTITION\s+OF\b)")

SECTION_NUMBER = re.compile(
    r"(?i)(?:\bsee\s+(?:also\s+)?(?:the\s+)?|\(\s*(?:see\s+)?)section\s+(\d+(?:\.\d+)*)"
    r"(?!\.?\d)(?!\s+(?:of|in|from)\b)")
SECTION_TITLE_PAREN = re.compile(r"\(\s*(?:see\s+)?[Ss]ection\s+([A-Z][^()\n]*?)\s*\)")
SECTION_TITLE_SEE = re.compile(r"\b[Ss]ee\s+(?:also\s+)?(?:the\s+)?section\s+([A-Z][^.;:,()\n]*)")

STATUS_CALL = re.compile(
    r"(?:\b(\w+)\s*\.\s*)?\b(?:update|set|mark)([A-Z]\w*)?Status\s*\([^()]*?(['\"])"
    r"([A-Za-z][\w-]*)\3\s*\)")

BRACE_DECLARATION = re.compile(
    r"(?:(interface|class|record|object)\s+([A-Za-z_]\w*)|type\s+([A-Za-z_]\w*)\s+"
    r"(interface|struct))\b([^{;\n]*)")

MENTION = re.compile(
    r"(?<![A-Za-z])(GET|POST|PUT|PATCH|DELETE)\s+(?:([a-z][a-z0-9+.-]*://[^/\s\"'`]+))?"
    r"(/[^\s\"'`|)?#,;]*)")
OWN_HOST = re.compile(r"(?i)example\.|localhost|127\.0\.0\.1|\{|\$|<")

DURATION = re.compile(r"(\d+(?:\.\d+)?)\s*(ms|milliseconds?|s|secs?|seconds?|m|mins?|minutes?|h|"
                      r"hrs?|hours?)(?![A-Za-z])")
DOWNTIME = re.compile(
    r"(\d+(?:\.\d+)?)\s*(seconds?|secs?|s|minutes?|mins?|m|hours?|hrs?|h|days?|d)\s*"
    r"(?:/|per|a|each|every)\s*(?:(30|31|28)-day\s+)?(year|yr|month|mo|week|day)\b")

# Characters that fold to ASCII letters under IGNORECASE, and others that test \s, \w, \d.
_ODD = ["\u0130", "\u0131", "\u017f", "\u212a", "\u00a0", "\u2003", "é", "ก", "٣", "²", "\r"]


@cache
def _spec_texts() -> tuple[str, ...]:
    tests = Path(__file__).resolve().parents[1]
    return tuple(path.read_text(encoding="utf-8") for folder in ("data", "content/golden",
                                                                  "corpus")
                 for path in sorted((tests / folder).rglob("*.md")))


def _texts(pieces: list[str]) -> st.SearchStrategy[str]:
    return st.lists(st.sampled_from(pieces + _ODD), max_size=16).map("".join)


# --- erDiagram lines ---------------------------------------------------------------------

def _check_er(line: str) -> None:
    entity = ER_ENTITY.match(line)
    assert schema._er_entity(line) == (entity.group(1) if entity else None), line
    relation = ER_RELATION.match(line)
    assert schema._er_relation(line) == (relation.groups() if relation else None), line


ER_PIECES = ["CUSTOMER", "order-item", "a.b", "_x", '"', " ", "  ", "\t", "\n", "{", "}", "[",
             "]", '["Label"]', "|", "||", "o", "o{", "}o", "|{", "--", "..", "-", ".", ":",
             " places", "%%"]


def test_er_lines_read_as_the_patterns_read_them() -> None:
    lines = spec_lines()
    assert sum(1 for line in lines if ER_RELATION.match(line)) > 20
    for line in lines:
        _check_er(line)


@settings(max_examples=600, deadline=None)
@given(_texts(ER_PIECES))
@example('  "order-item" ["Order item"] {\n')
@example("A ||--o{ B : has")
@example("A |||--o{ B")
@example("A ||--o{o B")
@example('A" ||..|| "B')
def test_generated_er_lines_read_as_the_patterns_read_them(line: str) -> None:
    _check_er(line)


# --- CREATE TABLE ------------------------------------------------------------------------

def _check_create(text: str) -> None:
    lowered = text.lower()
    expected = [(m.start(), m.group(1), m.end() - 1 if m.group(2) == "(" else -1)
                for m in schema._matches_at(CREATE_TABLE, text, lowered, "create")]
    assert list(schema._create_tables(text, lowered)) == expected, text


CREATE_PIECES = ["CREATE", "create", "Create", " ", "  ", "\n", "\t", "GLOBAL", "local",
                 "TEMP", "temporary", "UNLOGGED", "TABLE", "table", "IF", "NOT", "EXISTS",
                 "if not exists", "payments", "ledger.", '"Order"', "`x`", "[y]", ".", "(",
                 ")", "PARTITION", "partition", "OF", "of", "ofx", "_", "-- c", ","]


def test_create_tables_read_as_the_pattern_reads_them() -> None:
    texts = _spec_texts()
    assert sum(len(CREATE_TABLE.findall(text)) for text in texts) > 50
    for text in texts:
        _check_create(text)
    for line in spec_lines():
        _check_create(line)


@settings(max_examples=800, deadline=None)
@given(_texts(CREATE_PIECES))
@example("CREATE TABLE orderspartition OF orders")
@example("CREATE TABLE t PARTITION ofx")
@example("create global temp table if not exists a.b (x int)")
@example("CREATE TABLE if (x int)")
@example("CREATE TABLE IF NOT EXISTS(x int)")
@example("CREATE TABLE a. (x)")
@example("CREATE TABLE apartition of\u0130")
def test_generated_create_tables_read_as_the_pattern_reads_them(text: str) -> None:
    _check_create(text)


# --- section references ------------------------------------------------------------------

def _check_sections(line: str) -> None:
    assert semantic._section_numbers(line) == SECTION_NUMBER.findall(line), line
    assert semantic._section_titles(line) == [
        *[(title, True) for title in SECTION_TITLE_PAREN.findall(line)],
        *[(title, False) for title in SECTION_TITLE_SEE.findall(line)]], line


SECTION_PIECES = ["see", "See", "SEE", "also", "ALSO", "the", "The", "section", "Section",
                  "SECTION", "ection", " ", "  ", "\t", "\n", "(", ")", "5", "5.2", ".", "12",
                  "٣", "of", "in", "from", "info", "Data Model", "Overview", "x", "_", ",",
                  ";", "-"]


def test_section_references_read_as_the_patterns_read_them() -> None:
    lines = spec_lines()
    # The specs refer to sections by number; titles are left to the generated lines.
    assert sum(1 for line in lines if SECTION_NUMBER.search(line)) > 20
    for line in lines:
        _check_sections(line)


@settings(max_examples=1000, deadline=None)
@given(_texts(SECTION_PIECES))
@example("see section 5 of RFC 9110, see also the section 5.2.1 (section 3)")
@example("(see Section Data Model ) and see section Overview see section Other")
@example("section 5 (Section A (section B) see section C\n)")
@example("SEE ALSO THE SECTION 4 info, (SEE SECTION 7) from")
@example("see section 5 from RFC, see section 6 fromage")
@example("xsee section 5 (see  section Z \n )")
def test_generated_section_references_read_as_the_patterns_read_them(line: str) -> None:
    _check_sections(line)


# --- status calls ------------------------------------------------------------------------

def _check_status_calls(text: str) -> None:
    lines = text.splitlines(keepends=True)

    def line_of(offset: int) -> int:
        return text.count("\n", 0, offset)

    expected = tuple((m.group(1) or "", m.group(2) or "", m.group(4), line_of(m.start()))
                     for m in STATUS_CALL.finditer(text))
    assert semantic._status_calls(text) == expected, (text, lines)


STATUS_PIECES = ["this.", "orders", " . ", ".", "update", "set", "mark", "get", "Status",
                 "status", "Payment", "x", "(", ")", "id", ", ", " ", "\n", "'", '"', "PAID",
                 "paid-out", "_", "ß", "9"]


def test_status_calls_read_as_the_pattern_reads_them() -> None:
    texts = _spec_texts()
    assert sum(len(STATUS_CALL.findall(text)) for text in texts) >= 4
    for text in texts:
        _check_status_calls(text)


@settings(max_examples=1000, deadline=None)
@given(_texts(STATUS_PIECES))
@example("await this.orders.updateStatus(id, 'PAID');\nrepo .setPaymentStatus ( x, \"a-b\" )")
@example("updateStatus(getStatus(), 'X') markStatus('ß') setStatusStatus('Y' )")
@example("this.orders\n  .updateStatus(id, 'PAID')")
@example("xupdateStatus('A') updateStatus(x') . setstatus('A') setStatus(a, 'b\"c')")
def test_generated_status_calls_read_as_the_pattern_reads_them(text: str) -> None:
    _check_status_calls(text)


# --- declarations ------------------------------------------------------------------------

def _check_declarations(text: str) -> None:
    starts = sorted({m.start() for word in code._DECLARATION_WORDS
                     for m in re.finditer(rf"(?<!\w){word}", text)})
    expected = [(m.start(), m.group(1) or m.group(4), m.group(2) or m.group(3),
                 m.end() - len(m.group(5)), m.end())
                for m in (BRACE_DECLARATION.match(text, at) for at in starts) if m]
    assert [tuple(found) for found in code._declarations(text)] == expected, text


DECLARATION_PIECES = ["interface ", "class ", "record ", "object ", "type ", "interface",
                      "struct", "structs", " ", "  ", "\t", "\n", "Repo", "_x", "9", "é",
                      "{", "}", ";", "=", " extends Base", "<T>", "(", ")", "x", "_"]


def test_declarations_read_as_the_pattern_reads_them() -> None:
    texts = _spec_texts()
    assert sum(len(BRACE_DECLARATION.findall(text)) for text in texts) > 50
    for text in texts:
        _check_declarations(text)


@settings(max_examples=800, deadline=None)
@given(_texts(DECLARATION_PIECES))
@example("type Repo interface {\n  Save()\n}\ntype Id = string;\nclass A extends B<T> {")
@example("type X structs {} type  Y\tstruct{} interface \u00e9x {} class _9 ;")
def test_generated_declarations_read_as_the_pattern_reads_them(text: str) -> None:
    _check_declarations(text)


# --- endpoint mentions -------------------------------------------------------------------

def _check_mentions(line: str) -> None:
    expected = tuple((m.group(1), m.group(3).rstrip(".:"))
                     for m in MENTION.finditer(line.replace("`", " ").replace("*", " "))
                     if not m.group(2) or OWN_HOST.search(m.group(2)))
    assert semantic._mentions(line) == expected, line


MENTION_PIECES = ["GET", "POST", "PUT", "PATCH", "DELETE", "GETS", "xGET", " ", "\t", "\n",
                  "/", "/orders", "/{id}", "https://", "api.stripe.com", "api.example.com",
                  "localhost:8080", "HTTP://", "a+b.c-d://", ":", "://", "|", ")", "?", "#",
                  ",", ";", "'", '"', "`", "*", ".", "x"]


def test_endpoint_mentions_read_as_the_pattern_reads_them() -> None:
    lines = spec_lines()
    assert sum(1 for line in lines if MENTION.search(line)) > 100
    for line in lines:
        _check_mentions(line)


@settings(max_examples=1000, deadline=None)
@given(_texts(MENTION_PIECES))
@example("GET /a/POST /b and `POST https://api.stripe.com/v1/charges` then PUT http://x/y.")
@example("DELETE https:// /x GET https://h GET https://h/ xPATCH /y *GET*  /z")
def test_generated_endpoint_mentions_read_as_the_pattern_reads_them(line: str) -> None:
    _check_mentions(line)


# --- durations and downtimes -------------------------------------------------------------

def _check_figures(line: str) -> None:
    assert [(m.span(), m.groups()) for m in figures._durations(line)] == [
        (m.span(), m.groups()) for m in DURATION.finditer(line)], line
    for at in range(len(line)):
        found, expected = figures._duration_at(line, at), DURATION.match(line, at)
        assert (found and (found.span(), found.groups())) == (
            expected and (expected.span(), expected.groups())), (line, at)
    assert figures._downtimes(line) == [
        (m.group(0), m.group(1), m.group(2), m.group(3), m.group(4))
        for m in DOWNTIME.finditer(line)], line


FIGURE_PIECES = ["1", "5", "52.6", "1.2.3", "٣", " ", "  ", "\t", "ms", "s", "sec", "secs",
                 "second", "seconds", "m", "min", "minute", "minutes", "h", "hr", "hrs",
                 "hours", "d", "day", "days", "MS", "x", "/", "per", "a", "each", "every",
                 "30-day", "31-day ", "28-day", "year", "yr", "month", "months", "mo", "week",
                 ",", ".", "_"]


def test_durations_and_downtimes_read_as_the_patterns_read_them() -> None:
    lines = spec_lines()
    assert sum(1 for line in lines if DOWNTIME.search(line)) >= 5
    assert sum(1 for line in lines if DURATION.search(line)) > 200
    for line in lines:
        _check_figures(line)


@settings(max_examples=1000, deadline=None)
@given(_texts(FIGURE_PIECES))
@example("99.9% uptime: 8.76 hours/year, 43.8 min per 30-day  month, 5 sa year, 1.2.3 s/yr")
@example("5 minutesamonth 3 mo/months 2 d each week_ 7 hrsevery day")
def test_generated_durations_and_downtimes_read_as_the_patterns_read_them(line: str) -> None:
    _check_figures(line)


# --- spec id mentions --------------------------------------------------------------------

def _check_spec_mentions(text: str, start: int, end: int) -> None:
    assert structure.spec_mentions(text, start, end) == [
        (m.start(), m.group(0)) for m in MENTION_RE.finditer(text, start, end)], text


MENTION_ID_PIECES = ["spec-", "spec", "core-", "001", "0042", "١٢٣", "12", "-payments",
                     "-a", "-", "--", "a", "Z", "_", "x9", " ", ",", "\n", "é"]


def test_spec_mentions_read_as_the_pattern_reads_them() -> None:
    texts = _spec_texts()
    assert sum(len(MENTION_RE.findall(text)) for text in texts) > 20
    for text in texts:
        _check_spec_mentions(text, 0, len(text))


@settings(max_examples=1000, deadline=None)
@given(_texts(MENTION_ID_PIECES), st.integers(0, 20), st.integers(0, 40))
@example("see spec-004, spec-core-001-auth and xspec-002; spec-012-a-", 0, 60)
@example("spec-001-ab", 0, 9)
@example("a-spec-001 spec-ab-001-x", 2, 30)
def test_generated_spec_mentions_read_as_the_pattern_reads_them(text: str, start: int,
                                                                 end: int) -> None:
    _check_spec_mentions(text, start, end)


# --- object literal keys -----------------------------------------------------------------

OBJECT_KEY = re.compile(r"(?:^|[{,])\s*([A-Za-z_]\w*)\s*[:=]")


@settings(max_examples=1000, deadline=None)
@given(_texts(["{", "}", ",", " ", "\t", "id", "_x9", "9a", "status", ":", "=", "==", "'A'",
               "\n", "x.y", "é"]))
@example("{ id: 1, status = 'A', 9x: 2,\t_a\r: 3, é: 4, b c: 5 }")
def test_object_keys_read_as_the_pattern_reads_them(text: str) -> None:
    assert semantic._object_keys(text) == OBJECT_KEY.findall(text), text


def test_object_keys_of_golden_lines_read_as_the_pattern_reads_them() -> None:
    for line in spec_lines():
        assert semantic._object_keys(line) == OBJECT_KEY.findall(line), line


# --- CHECK IN lists ----------------------------------------------------------------------

CHECK_IN = re.compile(r"(?is)\bCHECK\s*\(\s*\(?\s*([\w\"]+)\s*\)?\s+IN\s*\(([^()]*)\)")


def _check_checks(text: str) -> None:
    assert schema._checks_in(text) == [m.groups() for m in CHECK_IN.finditer(text)], text


CHECK_PIECES = ["CHECK", "check", "Check", "xcheck", " ", "\n", "(", ")", "((", "))", "status",
                '"Kind"', "_a", "IN", "in", "INTO", "'A'", "'B', 'C'", ",", "'check'", "~"]


def test_check_lists_read_as_the_pattern_reads_them() -> None:
    texts = _spec_texts()
    assert sum(len(CHECK_IN.findall(text)) for text in texts) > 20
    for text in texts:
        _check_checks(text)


@settings(max_examples=1000, deadline=None)
@given(_texts(CHECK_PIECES))
@example("CHECK ((status) IN ('A', 'check (x in (1))')) CHECK(kind IN('B'))")
@example("CHECK (a)IN ('x') check ( b  in ( 'y' ) ) CHECK (c ) IN ('z')")
def test_generated_check_lists_read_as_the_pattern_reads_them(text: str) -> None:
    _check_checks(text)


# --- literals after an operator ----------------------------------------------------------

OPERATOR_LITERAL = re.compile(r"(?::|===?|!==?|=)\s*(['\"])([A-Za-z][\w-]*)\1")


def _check_operator_literals(text: str) -> None:
    assert list(semantic._operator_literals(text)) == [
        (m.start(), m.group(2)) for m in OPERATOR_LITERAL.finditer(text)], text


LITERAL_PIECES = ["status", ":", "=", "==", "===", "!", "!=", "!==", "?.", " ", "\t", "\n",
                  "'", '"', "PAID", "a-b", "_x", "9", "é", "x", ",", "{", "}"]


def test_operator_literals_read_as_the_pattern_reads_them() -> None:
    texts = _spec_texts()
    assert sum(len(OPERATOR_LITERAL.findall(text)) for text in texts) > 100
    for text in texts:
        _check_operator_literals(text)


@settings(max_examples=1000, deadline=None)
@given(_texts(LITERAL_PIECES))
@example("a !=== 'x' b ==== \"y\" c :== 'z' d = 'e\" f: 'g' h='i'=='j'")
@example("x = 'a\" = 'b'")
def test_generated_operator_literals_read_as_the_pattern_reads_them(text: str) -> None:
    _check_operator_literals(text)


# --- bracketed slots ---------------------------------------------------------------------

SLOT = re.compile(r"\[(?:[A-Za-z][^\[\]\n]+|\.\.\.|…)\](?![(\[:])")
BRACKET = re.compile(r"\[[^\[\]\n]*\]")


def _check_slots(text: str) -> None:
    assert list(structure._brackets(text)) == [m.span() for m in BRACKET.finditer(text)], text
    assert list(structure._bracketed(text)) == [
        m.span() for m in SLOT.finditer(text)], text


SLOT_PIECES = ["[", "]", "[]", "Name", "a", "x y", "...", "..", "…", "9", "é", "(", ")", ":",
               "\n", " ", "[[", "]]", "_"]


def test_slots_read_as_the_pattern_reads_them() -> None:
    texts = _spec_texts()
    assert sum(len(SLOT.findall(text)) for text in texts) > 20
    for text in texts:
        _check_slots(text)


@settings(max_examples=1000, deadline=None)
@given(_texts(SLOT_PIECES))
@example("[a] [ab] [...] [….] [é1] [Ab](x) [Ab][c] [Ab]: [x\ny] [[Ab]]")
def test_generated_slots_read_as_the_pattern_reads_them(text: str) -> None:
    _check_slots(text)


# --- availability figures ----------------------------------------------------------------

AVAILABILITY = re.compile(r"(?<![\d.])(9\d(?:\.\d+)?)\s*%")


def _check_availability(line: str) -> None:
    found = AVAILABILITY.search(line)
    assert figures._availability_figure(line) == (found and (found.group(1), found.end())), line


@settings(max_examples=1000, deadline=None)
@given(_texts(["9", "99", "99.9", "99.95", "1", "199.9", ".", "..", "%", " %", " ", "\n",
               "٩", "uptime", "x"]))
@example("199.9% then 99.9.9 % and 9.9% and .99% and 99.% and 99 \n % 99.95%")
def test_availability_figures_read_as_the_pattern_reads_them(line: str) -> None:
    _check_availability(line)


def test_availability_figures_of_golden_lines_read_as_the_pattern_reads_them() -> None:
    lines = spec_lines()
    assert sum(1 for line in lines if AVAILABILITY.search(line)) > 20
    for line in lines:
        _check_availability(line)


# --- generic parameter lists before a call -----------------------------------------------

GENERIC_TAIL = re.compile(r"<[^<>()]*>\s*$")


def _check_generic_start(text: str) -> None:
    # Asked, as ``_names_before`` asks, where a ">" stands right before a "(".
    for end in range(1, len(text) + 1):
        if text[end - 1] != ">":
            continue
        for start in (0, max(0, end - 80), end - 1):
            found = GENERIC_TAIL.search(text, start, end)
            assert code._generic_start(text, start, end) == (found.start() if found else -1), (
                text, start, end)


GENERIC_PIECES = ["<", ">", "<T>", "<A, B>", "(", ")", "run", "save", " ", "\n", ".", "<<", ">>"]


def test_generic_starts_of_golden_blocks_read_as_the_pattern_reads_them() -> None:
    texts = _spec_texts()
    assert sum(1 for text in texts if ">(" in text) > 20
    for text in texts:
        if ">(" in text:
            _check_generic_start(text)


@settings(max_examples=1000, deadline=None)
@given(_texts(GENERIC_PIECES))
@example("run<Map<K, V>>(x) save<T>( a<(b)>( <>( x <y\n>(")
def test_generated_generic_starts_read_as_the_pattern_reads_them(text: str) -> None:
    _check_generic_start(text)


# --- inline code spans -------------------------------------------------------------------

CODE_SPAN = re.compile(r"(`+)[^`\n].*?\1")


def _check_code_spans(text: str) -> None:
    assert list(context.code_spans(text)) == [m.span() for m in CODE_SPAN.finditer(text)], text
    for start, end in ((1, len(text)), (0, len(text) - 1), (2, len(text) // 2)):
        assert list(context.code_spans(text, start, end)) == [
            m.span() for m in CODE_SPAN.finditer(text, start, end)], (text, start, end)
    assert semantic._without_code_spans(text) == CODE_SPAN.sub(
        lambda m: " " * len(m.group(0)), text), text


CODE_SPAN_PIECES = ["`", "``", "```", "x", "a b", " ", "\n", "\r", "é", "`x`", "``a ` b``"]


def test_code_spans_of_golden_lines_read_as_the_pattern_reads_them() -> None:
    lines = spec_lines()
    assert sum(1 for line in lines if CODE_SPAN.search(line)) > 100
    for line in lines:
        _check_code_spans(line)


def test_code_spans_of_whole_specs_read_as_the_pattern_reads_them() -> None:
    for text in _spec_texts():
        assert list(context.code_spans(text)) == [m.span() for m in CODE_SPAN.finditer(text)]


@settings(max_examples=1000, deadline=None)
@given(_texts(CODE_SPAN_PIECES))
@example("``a`  `b``c` ```\n`` x `` ` `` y ``` z")
def test_generated_code_spans_read_as_the_pattern_reads_them(text: str) -> None:
    _check_code_spans(text)


# --- SQL string literals -----------------------------------------------------------------

SQL_STRING = re.compile(r"'((?:[^']|'')*)'")


def _check_sql_strings(text: str) -> None:
    assert schema._sql_strings(text) == [
        value.replace("''", "'") for value in SQL_STRING.findall(text)], text


def test_sql_strings_of_golden_lines_read_as_the_pattern_reads_them() -> None:
    lines = spec_lines()
    assert sum(len(SQL_STRING.findall(line)) for line in lines) > 100
    for line in lines:
        _check_sql_strings(line)


@settings(max_examples=1000, deadline=None)
@given(_texts(["'", "''", "'''", "A", "it", " ", ", ", "(", ")", "\n", "é"]))
@example("'A', 'it''s', '''', '' 'x''")
@example("'a''b''")
def test_generated_sql_strings_read_as_the_pattern_reads_them(text: str) -> None:
    _check_sql_strings(text)


# --- words measured around an offset -------------------------------------------------------

WORD_BEFORE = re.compile(r"\w*\Z")
WORD_AFTER = re.compile(r"\w*")
SPACE_BEFORE = re.compile(r"\s*\Z")
SPACE_AFTER = re.compile(r"\s*")
PATH_AFTER = re.compile(r"[^\s\"'`)?#,;|]*")


def _check_words(text: str) -> None:
    for at in range(len(text) + 1):
        before = WORD_BEFORE.search(text, 0, at)
        assert before is not None
        assert lazyre.word_start(text, at) == before.start(), (text, at)
        assert lazyre.word_end(text, at) == WORD_AFTER.match(text, at).end(), (text, at)
        assert lazyre.skip_space(text, at) == SPACE_AFTER.match(text, at).end(), (text, at)
        assert context.path_end(text, at) == PATH_AFTER.match(text, at).end(), (text, at)
        space = SPACE_BEFORE.search(text, 0, at)
        assert space is not None
        assert lazyre.space_before(text, at) == space.start(), (text, at)


def _name_before(text: str, end: int) -> tuple[str, int] | None:
    """``code.name_before`` as it read before: spaces, tabs and "?" skipped back, then the
    word characters, a character at a time."""
    index = end
    while index > 0 and text[index - 1] in " \t?":
        index -= 1
    stop = index
    while index > 0 and (text[index - 1].isalnum() or text[index - 1] == "_"):
        index -= 1
    if index == stop or text[index].isdigit():
        return None
    return text[index:stop], index


def _check_names_before(text: str) -> None:
    for end in range(len(text) + 1):
        assert code.name_before(text, end) == _name_before(text, end), (text, end)
        first = text[end:end + 1]
        if first.isascii() and (first.isalpha() or first == "_"):
            assert code.name_end(text, end) == WORD_AFTER.match(text, end).end(), (text, end)
        else:
            assert code.name_end(text, end) == end, (text, end)


WORD_PIECES = ["a", "Zz", "_", "9", "x" * 40, "y" * 31, "z" * 33, " ", "\t", "?", ".", "(",
               ":", "-", "ไทย", "é", "²", " " * 40, "\n", "\u00a0", "\u2003", "\x1c", "/api/v1",
               "{id}", '"', "`", "#", ",", ";", "|", ")", "\x00", "\x7f"]


def test_words_of_golden_lines_read_as_the_patterns_read_them() -> None:
    for line in spec_lines()[::7]:
        _check_words(line)
        _check_names_before(line)


@settings(max_examples=1000, deadline=None)
@given(_texts(WORD_PIECES))
@example("a" * 70 + "é" + "b" * 40 + " ?x")
@example("9abc ?\t: ไทยx²_")
def test_generated_words_read_as_the_patterns_read_them(text: str) -> None:
    _check_words(text)
    _check_names_before(text)


# --- a type's body between its braces ----------------------------------------------------

def _body(text: str, start: int) -> tuple[int, int] | None:
    """``code._body`` as it read before: the braces counted a character at a time."""
    opened = text.find("{", start)
    if opened < 0:
        return None
    depth = 0
    for index in range(opened, len(text)):
        if text[index] == "{":
            depth += 1
        elif text[index] == "}":
            depth -= 1
            if depth == 0:
                return opened + 1, index
    return None


def _check_body(text: str) -> None:
    for start in range(len(text) + 1):
        assert code._body(text, start) == _body(text, start), (text, start)


def test_bodies_of_golden_blocks_read_as_before() -> None:
    texts = [text for text in _spec_texts() if "{" in text]
    assert len(texts) > 20
    for text in texts:
        for start in range(0, len(text), 97):
            assert code._body(text, start) == _body(text, start)


@settings(max_examples=1000, deadline=None)
@given(_texts(["{", "}", "{}", "{{", "}}", "a", " ", "\n", "x(y)"]))
@example("{a{b}c}}{")
def test_generated_bodies_read_as_before(text: str) -> None:
    _check_body(text)


# --- a table body's items ------------------------------------------------------------------

SQL_SPECIAL = re.compile(r"[(),']")


def _closing(text: str, opened: int) -> int:
    """Where the table body of the "(" at ``opened`` ended, as read before: every
    parenthesis counted, quoted or not."""
    depth = 0
    for match in SQL_SPECIAL.finditer(text, opened):
        if match.group(0) == "(":
            depth += 1
        elif match.group(0) == ")":
            depth -= 1
            if depth == 0:
                return match.start()
    return len(text)


def _split_top(text: str) -> list[tuple[int, str]]:
    """A body's items as read before: split at the commas outside quotes and nesting."""
    items, depth, start, quoted = [], 0, 0, False
    for match in SQL_SPECIAL.finditer(text):
        char, index = match.group(0), match.start()
        if char == "'":
            quoted = not quoted
        elif quoted:
            continue
        elif char == "(":
            depth += 1
        elif char == ")":
            depth -= 1
        elif depth == 0:
            items.append((start, text[start:index]))
            start = index + 1
    items.append((start, text[start:]))
    return items


def _check_table_items(text: str) -> None:
    opened = text.find("(")
    while opened >= 0:
        assert schema._table_items(text, opened) == _split_top(
            text[opened + 1:_closing(text, opened)]), (text, opened)
        opened = text.find("(", opened + 1)


def test_table_items_of_golden_specs_read_as_before() -> None:
    texts = [text for text in _spec_texts() if "CREATE TABLE" in text]
    assert len(texts) > 10
    for text in texts:
        _check_table_items(text)


@settings(max_examples=1000, deadline=None)
@given(_texts(["(", ")", ",", "'", "''", "id", " UUID", "CHECK (a IN ('x', 'y'))", "\n",
               "DEFAULT ')'"]))
@example("(a INT, b TEXT DEFAULT '(,)', c NUMERIC(10, 2), CHECK (c > 0)) , x)")
def test_generated_table_items_read_as_before(text: str) -> None:
    _check_table_items(text)


# --- comments and literals of brace-language code ---------------------------------------

BRACE_NOISE = re.compile(
    r"//[^\n]*|/\*.*?\*/|\"(?:\\.|[^\"\\\n])*\"|'(?:\\.|[^'\\\n])*'|`(?:\\.|[^`\\])*`", re.S)


def _check_brace_noise(text: str) -> None:
    assert list(code._brace_noise(text)) == [m.span() for m in BRACE_NOISE.finditer(text)], text
    assert code._strip_comments(text, "ts") == BRACE_NOISE.sub(code._blank_noise, text), text


def test_brace_noise_of_golden_blocks_reads_as_the_pattern_reads_it() -> None:
    texts = _spec_texts()
    assert sum(len(BRACE_NOISE.findall(text)) for text in texts) > 1000
    for text in texts:
        _check_brace_noise(text)


@settings(max_examples=2000, deadline=None)
@given(_texts(["/", "//", "/*", "*/", "*", '"', "'", "`", "\\", "\\\"", "\n", "a", " ", "{",
               "x.y(", "// c\n", '"s"', "'c'", "`t\n`"]))
@example("a /* b */ c // d\n\"e\\\"f\" 'g\nh' `i\\`j` \"k\\\nl\" /*/ x")
@example("\"unclosed \\")
def test_generated_brace_noise_reads_as_the_pattern_reads_it(text: str) -> None:
    _check_brace_noise(text)


def test_each_run_reader_strips_exactly_the_ascii_characters_its_test_accepts() -> None:
    ascii_chars = [chr(code) for code in range(128)]
    for kept, keeps in ((lazyre._ASCII_WORD_CHARS, lazyre.is_word_char),
                        (context._PATH_ASCII, context._in_path),
                        (schema._SQL_NAME_ASCII, schema._is_sql_name_char),
                        (schema._CHECK_COLUMN_ASCII, schema._is_check_column_char),
                        (schema._ER_NAME_ASCII, schema._is_er_name_char)):
        assert sorted(kept) == [char for char in ascii_chars if keeps(char)], kept
